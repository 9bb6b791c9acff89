//! The server's handshake questions: where OpenSSL's callbacks pause the handshake so the
//! caller can answer what Node asks JS (SNICallback, ALPNCallback, 'OCSPRequest', and the
//! 'resumeSession' lookup of resumption.rs), and how the answer lets it continue. The callbacks
//! find the per-SSL `Hooks` in the SSL's ex_data; OpenSSL calls them again after `resume()`.
//!
//! Where Node asks (and so where the connection pauses): ALPN where OpenSSL selects it — before
//! the certificate callback in TLS 1.3 (so the client-hello callback asks), after it in TLS 1.2
//! (so the certificate callback asks, after the SNI question); SNI and OCSP from the
//! certificate callback.

use super::client_hello;
use super::Connection;
use crate::error::OpenSslError;
use crate::ffi::{SSL_get_options, SSL_set_cert_cb};
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar, c_uint, c_void};
use std::sync::OnceLock;

const TLS1_3_VERSION: c_int = 0x0304;
pub(super) const TLSEXT_TYPE_SERVER_NAME: c_uint = 0;
const TLSEXT_TYPE_ALPN: c_uint = 16;
const TLSEXT_TYPE_SESSION_TICKET: c_uint = 35;
const TLSEXT_TYPE_SUPPORTED_VERSIONS: c_uint = 43;

/// What a paused server handshake waits for (`Status::Asking`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// The context for `servername()` (Node's SNICallback): `use_sni_context`, or nothing to
    /// keep the default.
    ServerName,
    /// One of `alpn_request()`'s protocols, or none (Node's ALPNCallback): `select_alpn`.
    Alpn,
    /// The OCSP response to staple, or none (Node's 'OCSPRequest'): `set_ocsp_response`.
    Ocsp,
    /// The stored session for `resume_session_id()`, or none (Node's 'resumeSession'):
    /// `load_session`. The ClientHello waits unread until then.
    Session,
}

pub(super) use super::alpn::AlpnDecision;

/// Per-SSL state the OpenSSL callbacks read and write (kept in the SSL's ex_data, so the
/// callbacks find it from the `SSL*` alone).
#[derive(Debug)]
pub(super) struct Hooks {
    /// Server: the protocols to choose from, in wire format, in the server's preference order.
    pub(super) alpn_protocols: Option<Vec<u8>>,
    /// Server: ask the caller which protocol to select (Node's ALPNCallback).
    pub(super) alpn_callback: bool,
    /// Server: ask the caller for the context serving the requested name (Node's SNICallback).
    pub(super) sni_callback: bool,
    /// The client's ALPN list (wire format), from the ClientHello.
    pub(super) alpn_offer: Option<Vec<u8>>,
    /// The server name an ALPN question asked from the client-hello callback reports (OpenSSL
    /// has not parsed the extensions yet): what Node's ALPNCallback would see there.
    pub(super) hello_servername: Option<Vec<u8>>,
    pub(super) alpn: AlpnDecision,
    pub(super) sni_asked: bool,
    /// The client-hello callback paused (OpenSSL calls it again for the same ClientHello when
    /// the handshake resumes).
    pub(super) hello_paused: bool,
    /// Why the SNI context could not be used; the handshake fails with it once resumed.
    pub(super) sni_error: Option<OpenSslError>,
    /// The context SNICallback chose (Node's `sni_context`), which a later ClientHello of this
    /// connection — a renegotiation's, or the second after a HelloRetryRequest — switches the
    /// connection to (sni.rs).
    pub(super) sni_context: Option<openssl::ssl::SslContext>,
    /// What the current pause waits for.
    pub(super) request: Option<Question>,
    /// Server: ask the caller for an OCSP response when the client requests one (ocsp.rs).
    pub(super) ocsp_callback: bool,
    pub(super) ocsp_asked: bool,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            alpn_protocols: None,
            alpn_callback: false,
            sni_callback: false,
            alpn_offer: None,
            hello_servername: None,
            alpn: AlpnDecision::NotAsked,
            sni_asked: false,
            hello_paused: false,
            sni_error: None,
            sni_context: None,
            request: None,
            ocsp_callback: false,
            ocsp_asked: false,
        }
    }
}

/// The ex_data slot of the hooks (one per process).
pub(super) fn hooks_index() -> Index<Ssl, Hooks> {
    static INDEX: OnceLock<Index<Ssl, Hooks>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// The hooks of `ssl`, if the engine installed any.
///
/// # Safety
/// `ssl` is a live SSL and no other reference to its hooks is in use.
pub(super) unsafe fn hooks_of<'a>(ssl: *mut sys::SSL) -> Option<&'a mut Hooks> {
    SslRef::from_ptr_mut(ssl).ex_data_mut(hooks_index())
}

/// The body of ClientHello extension `kind`, if the client sent it (client-hello callback only).
pub(super) unsafe fn hello_extension<'a>(ssl: *mut sys::SSL, kind: c_uint) -> Option<&'a [u8]> {
    let mut data: *const c_uchar = std::ptr::null();
    let mut len = 0usize;
    if sys::SSL_client_hello_get0_ext(ssl, kind, &mut data, &mut len) != 1 {
        return None;
    }
    Some(if len == 0 { &[] } else { std::slice::from_raw_parts(data, len) })
}

/// Whether the server will negotiate TLS 1.3 with this ClientHello: the client lists it in
/// supported_versions and this SSL allows it.
unsafe fn tls13_expected(ssl: *mut sys::SSL) -> bool {
    let max = sys::SSL_get_max_proto_version(ssl);
    if (max != 0 && max < TLS1_3_VERSION) || SSL_get_options(ssl) & sys::SSL_OP_NO_TLSv1_3 != 0 {
        return false;
    }
    let Some(body) = hello_extension(ssl, TLSEXT_TYPE_SUPPORTED_VERSIONS) else { return false };
    let Some((&len, versions)) = body.split_first() else { return false };
    versions.len() == len as usize && versions.chunks_exact(2).any(|v| v == [0x03, 0x04])
}

/// Client-hello callback (server): binds the session ID context to the server name where Node
/// does (servername_binding.rs), asks the session lookup of an ECH hello (resumption.rs),
/// captures the client's ALPN offer and server name, and pauses
/// for the ALPN question when OpenSSL will select the protocol before the certificate callback
/// (TLS 1.3, and TLS 1.2 resumption, which skips the certificate callback).
pub(super) unsafe extern "C" fn client_hello_callback(ssl: *mut sys::SSL, alert: *mut c_int, _arg: *mut c_void) -> c_int {
    if super::servername_binding::bound() && !super::servername_binding::bind(ssl) {
        *alert = sys::SSL_AD_INTERNAL_ERROR;
        return sys::SSL_CLIENT_HELLO_ERROR;
    }
    // Node asks 'resumeSession' before ALPN.
    if super::resumption::ask_at_client_hello(ssl) {
        return sys::SSL_CLIENT_HELLO_RETRY;
    }
    let Some(hooks) = hooks_of(ssl) else { return sys::SSL_CLIENT_HELLO_SUCCESS };
    if !hooks.alpn_callback {
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    }
    if hooks.hello_paused {
        if hooks.request.is_some() {
            return sys::SSL_CLIENT_HELLO_RETRY;
        }
        // The same ClientHello, now answered.
        hooks.hello_paused = false;
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    }
    // A new ClientHello: the first, or the second after a HelloRetryRequest, which Node asks
    // about again (OpenSSL selects ALPN for each).
    hooks.alpn = AlpnDecision::NotAsked;
    // Node asks only when the client offered ALPN.
    let Some(offer) = hello_extension(ssl, TLSEXT_TYPE_ALPN).and_then(client_hello::alpn_protocols) else {
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    };
    hooks.alpn_offer = Some(offer);
    let tls13 = tls13_expected(ssl);
    let resumption = !tls13 && hello_extension(ssl, TLSEXT_TYPE_SESSION_TICKET).is_some_and(|t| !t.is_empty());
    if tls13 || resumption {
        // A TLS 1.2 session resumed from a ticket has no server name in OpenSSL unless the
        // server accepted the name into the session (Node 22.23.5+, servername_binding.rs), so
        // Node's ALPNCallback sees none; a ticket is taken to resume, as it usually does.
        hooks.hello_servername = if tls13 || super::servername_binding::bound() {
            hello_extension(ssl, TLSEXT_TYPE_SERVER_NAME).and_then(client_hello::server_name)
        } else {
            None
        };
        hooks.alpn = AlpnDecision::Pending;
        hooks.request = Some(Question::Alpn);
        hooks.hello_paused = true;
        sys::SSL_CLIENT_HELLO_RETRY
    } else {
        hooks.alpn = AlpnDecision::AskAtCertificate;
        sys::SSL_CLIENT_HELLO_SUCCESS
    }
}

/// Certificate callback (server): pauses for the SNI question (when the client sent a name),
/// then for the OCSP question (when the client asked for a response), then for a TLS 1.2 ALPN
/// question. -1 makes SSL_do_handshake return SSL_ERROR_WANT_X509_LOOKUP.
pub(super) unsafe extern "C" fn certificate_callback(ssl: *mut sys::SSL, _arg: *mut c_void) -> c_int {
    let Some(hooks) = hooks_of(ssl) else { return 1 };
    if hooks.request.is_some() {
        return -1;
    }
    if hooks.sni_callback && !hooks.sni_asked {
        hooks.sni_asked = true;
        if !sys::SSL_get_servername(ssl, sys::TLSEXT_NAMETYPE_host_name).is_null() {
            hooks.request = Some(Question::ServerName);
            return -1;
        }
    }
    // Node asks for the OCSP response after the SNI question, from the same callback.
    if hooks.ocsp_callback && !hooks.ocsp_asked {
        hooks.ocsp_asked = true;
        if super::ocsp::ocsp_requested(ssl) {
            hooks.request = Some(Question::Ocsp);
            return -1;
        }
    }
    if hooks.alpn == AlpnDecision::AskAtCertificate {
        hooks.alpn = AlpnDecision::Pending;
        hooks.request = Some(Question::Alpn);
        return -1;
    }
    1
}

/// The questions (see the module doc).
impl Connection {
    /// The hooks, if anything installed them.
    pub(super) fn hooks(&self) -> Option<&Hooks> {
        self.ssl.ex_data(hooks_index())
    }

    /// The hooks, installed on first use.
    pub(super) fn hooks_mut(&mut self) -> &mut Hooks {
        if self.ssl.ex_data(hooks_index()).is_none() {
            self.ssl.set_ex_data(hooks_index(), Hooks::default());
        }
        self.ssl.ex_data_mut(hooks_index()).expect("hooks just installed")
    }

    /// Installs the certificate callback that asks the SNI, OCSP and TLS 1.2 ALPN questions.
    pub(super) fn install_certificate_callback(&mut self) {
        unsafe { SSL_set_cert_cb(self.ssl.as_ptr(), Some(certificate_callback), std::ptr::null_mut()) };
    }

    /// The question the paused handshake waits for, if any.
    pub(super) fn pending_question(&self) -> Option<Question> {
        if self.session_lookup_pending() {
            return Some(Question::Session);
        }
        self.hooks().and_then(|h| h.request)
    }

    /// Marks the pending hook question answered (an unanswered ALPN question is a refusal).
    pub(super) fn answer_question(&mut self) {
        let hooks = self.hooks_mut();
        if hooks.alpn == AlpnDecision::Pending {
            hooks.alpn = AlpnDecision::Rejected;
        }
        hooks.request = None;
    }
}

/// The order of the server's questions, back to back.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::{connection_pair, handshake_with};
    use openssl::ssl::SslVersion;

    fn wire(protocols: &[&str]) -> Vec<u8> {
        protocols.iter().flat_map(|p| std::iter::once(p.len() as u8).chain(p.bytes())).collect()
    }

    #[test]
    fn sni_and_alpn_questions_come_in_openssls_order() {
        // OpenSSL selects ALPN before the certificate callback in TLS 1.3 and after it in 1.2.
        for (max, order) in [
            (SslVersion::TLS1_2, vec![Question::ServerName, Question::Alpn]),
            (SslVersion::TLS1_3, vec![Question::Alpn, Question::ServerName]),
        ] {
            let (mut client, mut server) = connection_pair(max);
            client.set_servername("x.example");
            client.set_alpn_protocols(&wire(&["a"])).unwrap();
            server.enable_sni_callback();
            server.enable_alpn_callback();
            let (_, seen) = handshake_with(&mut client, &mut server, |server, question| {
                if question == Question::Alpn {
                    server.select_alpn(Some(0));
                }
            });
            assert_eq!(seen.questions, order);
            assert_eq!(client.alpn_protocol(), Some(&b"a"[..]));
        }
    }

    #[test]
    fn alpn_callback_is_asked_again_for_a_second_client_hello() {
        // The server accepts only P-384 and the client's first key share is not: a
        // HelloRetryRequest, then a second ClientHello, which OpenSSL (and so Node) asks about.
        let (mut client, mut server) = connection_pair(SslVersion::TLS1_3);
        client.set_alpn_protocols(&wire(&["a", "b"])).unwrap();
        let groups = |e: &Connection, list: &str| {
            let list = std::ffi::CString::new(list).unwrap();
            assert_eq!(unsafe { sys::SSL_ctrl(e.ssl.as_ptr(), sys::SSL_CTRL_SET_GROUPS_LIST, 0, list.as_ptr() as *mut c_void) }, 1);
        };
        groups(&client, "X25519:P-384");
        groups(&server, "P-384");
        server.enable_alpn_callback();
        let mut answers = vec![Some(0), Some(1)].into_iter();
        let (_, seen) = handshake_with(&mut client, &mut server, |server, _| server.select_alpn(answers.next().unwrap()));
        assert_eq!(seen.questions, vec![Question::Alpn, Question::Alpn]);
        assert_eq!(client.alpn_protocol(), Some(&b"b"[..]));
        assert_eq!(client.ephemeral_key().unwrap().name.as_deref(), Some("secp384r1"));
    }
}
