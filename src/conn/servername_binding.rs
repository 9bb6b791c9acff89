//! Sessions bound to the server name, as Node 22.23.5+ and 24.22.3+ servers bind them
//! (CVE-2026-123872, "don't allow TLS resumption to change SNI"; in Node's C++, so lib/host-tls.js
//! decides from the running Node and lib/binding.js sets it once at load). A server's session ID
//! context becomes SHA-256(the context's session ID context ‖ 0 ‖ the ClientHello's server name,
//! or nothing), so a session made for another name, or by a server with another session ID
//! context, does not resume; and the server accepts the name (its servername callback says OK),
//! so OpenSSL keeps it in the session and a resumed TLS 1.2 session reports it as `servername`.
//! A context without a session ID context is left alone (Node refuses to resume there anyway
//! when it verifies clients).

use super::client_hello;
use crate::ffi::{SSL_get_SSL_CTX, SSL_set_session_id_context};
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{SslContext, SslContextRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uint, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static BOUND: AtomicBool = AtomicBool::new(false);

/// Whether servers bind sessions to the server name (the running Node's servers do).
pub fn bound() -> bool {
    BOUND.load(Ordering::Relaxed)
}

/// Sets what `bound` reports (lib/binding.js, once at load).
pub fn set_bound(on: bool) {
    BOUND.store(on, Ordering::Relaxed);
}

/// The session ID context a context was given, as given (OpenSSL has no getter for it).
struct ContextId(Vec<u8>);

fn context_id_index() -> Index<SslContext, ContextId> {
    static INDEX: OnceLock<Index<SslContext, ContextId>> = OnceLock::new();
    *INDEX.get_or_init(|| SslContext::new_ex_index().expect("SSL_CTX ex_data index"))
}

/// Records the session ID context just set on `builder` (SecureContext.setSessionIdContext).
pub fn record_context_id(builder: &mut openssl::ssl::SslContextBuilder, id: &[u8]) {
    builder.set_ex_data(context_id_index(), ContextId(id.to_vec()));
}

/// A server accepts the client's server name into the session when sessions are bound to it
/// (`bind`), or when a renegotiation switches to the SNI context (sni.rs); otherwise, and on a
/// client, it answers as no callback would.
pub(super) unsafe extern "C" fn accept_servername(ssl: *mut sys::SSL, _alert: *mut c_int, _arg: *mut c_void) -> c_int {
    if sys::SSL_is_server(ssl) == 0 {
        return sys::SSL_TLSEXT_ERR_NOACK;
    }
    if bound() || super::sni::switch_to_sni_context(ssl) { sys::SSL_TLSEXT_ERR_OK } else { sys::SSL_TLSEXT_ERR_NOACK }
}

/// The bound session ID context: SHA-256(context's id ‖ 0 ‖ server name).
fn bound_id(context_id: &[u8], servername: &[u8]) -> [u8; 32] {
    let mut input = Vec::with_capacity(context_id.len() + 1 + servername.len());
    input.extend_from_slice(context_id);
    input.push(0);
    input.extend_from_slice(servername);
    openssl::sha::sha256(&input)
}

/// Sets the SSL's session ID context bound to this ClientHello's server name (client-hello
/// callback, before OpenSSL looks at the offered session). The same for every call on one
/// ClientHello; false when OpenSSL refused it.
///
/// # Safety
/// `ssl` is a live server SSL inside its client-hello callback.
pub unsafe fn bind(ssl: *mut sys::SSL) -> bool {
    let ctx = SslContextRef::from_ptr(SSL_get_SSL_CTX(ssl));
    let Some(ContextId(id)) = ctx.ex_data(context_id_index()) else { return true };
    if id.is_empty() {
        return true;
    }
    let name = super::questions::hello_extension(ssl, super::questions::TLSEXT_TYPE_SERVER_NAME)
        .and_then(client_hello::server_name)
        .unwrap_or_default();
    let bound = bound_id(id, &name);
    SSL_set_session_id_context(ssl, bound.as_ptr(), bound.len() as c_uint) == 1
}

#[cfg(test)]
mod tests {
    #[test]
    fn bound_id_is_nodes() {
        // Read off a Node 22.23.5 server's ticket: sessionIdContext 'abc', SNI 'localhost'.
        let id = super::bound_id(b"abc", b"localhost");
        assert_eq!(&id[..8], &[0x89, 0x9f, 0x54, 0x14, 0xa8, 0x2a, 0x90, 0x2c]);
        assert_eq!(&super::bound_id(b"abc", b"")[..4], &[0xdc, 0x11, 0x14, 0xcd]);
    }
}
