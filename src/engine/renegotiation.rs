//! TLS 1.2 renegotiation. As Node does, every SSL reports its handshakes through the info
//! callback (handshake start, and completion of a renegotiation); the server-side guard
//! (CLIENT_RENEG_LIMIT / CLIENT_RENEG_WINDOW, disableRenegotiation) lives in JS as in Node's
//! `onhandshakestart`. Node 20 lets clients renegotiate (SSL_OP_ALLOW_CLIENT_RENEGOTIATION,
//! which OpenSSL 3 otherwise refuses), so the engine does too.

use super::events::{events_index, events_of, EngineEvent, EventState};
use super::TlsEngine;
use foreign_types_shared::ForeignType;
use crate::error::OpenSslError;
use openssl::ssl::SslRef;
use openssl_sys as sys;
use std::os::raw::c_int;

const SSL_CB_HANDSHAKE_START: c_int = 0x10;
const SSL_CB_HANDSHAKE_DONE: c_int = 0x20;
const SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;

extern "C" {
    fn SSL_set_info_callback(ssl: *mut sys::SSL, cb: Option<unsafe extern "C" fn(*const sys::SSL, c_int, c_int)>);
    fn SSL_renegotiate(ssl: *mut sys::SSL) -> c_int;
    fn SSL_renegotiate_pending(ssl: *const sys::SSL) -> c_int;
    fn SSL_set_options(ssl: *mut sys::SSL, op: u64) -> u64;
}

/// Queues handshake starts, and completions of handshakes after the first (Node's
/// SSLInfoCallback: a completion while a renegotiation is pending is the server's HelloRequest
/// going out, not a handshake).
unsafe extern "C" fn info_callback(ssl: *const sys::SSL, where_: c_int, _ret: c_int) {
    let Some(state) = events_of(ssl) else { return };
    if where_ & SSL_CB_HANDSHAKE_START != 0 && state.handshakes {
        state.queue.push(EngineEvent::HandshakeStart);
    }
    if where_ & SSL_CB_HANDSHAKE_DONE != 0 && SSL_renegotiate_pending(ssl) == 0 {
        if state.established && state.handshakes {
            state.queue.push(EngineEvent::HandshakeDone);
        } else {
            state.established = true;
        }
    }
}

/// Gives a new SSL its event queue and info callback, and allows client renegotiation (Node 20).
pub(super) fn install(ssl: &mut SslRef) {
    ssl.set_ex_data(events_index(), EventState::default());
    let raw = foreign_types_shared::ForeignTypeRef::as_ptr(ssl);
    unsafe {
        SSL_set_info_callback(raw, Some(info_callback));
        SSL_set_options(raw, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    }
}

impl TlsEngine {
    /// Report handshake starts and completed renegotiations as events from now on.
    pub fn enable_handshake_events(&mut self) {
        if let Some(state) = unsafe { events_of(self.ssl.as_ptr()) } {
            state.handshakes = true;
        }
    }

    /// Starts a renegotiation (Node's `renegotiate()`): a client's ClientHello or a server's
    /// HelloRequest is queued for `read_ciphertext`; the handshake then runs inside
    /// `read_cleartext`. Err with OpenSSL's reason when not possible (TLS 1.3: "wrong ssl
    /// version").
    pub fn renegotiate(&mut self) -> Result<(), OpenSslError> {
        let raw = self.ssl.as_ptr();
        unsafe { sys::ERR_clear_error() };
        if unsafe { SSL_renegotiate(raw) } != 1 {
            return Err(OpenSslError::take()
                .unwrap_or_else(|| OpenSslError::plain("SSL_renegotiate failed", "ERR_SSL_RENEGOTIATE")));
        }
        let ret = unsafe { sys::SSL_do_handshake(raw) };
        if ret != 1 {
            match unsafe { sys::SSL_get_error(raw, ret) } {
                sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => {}
                _ => {
                    let err = OpenSslError::take()
                        .unwrap_or_else(|| OpenSslError::plain("SSL_renegotiate failed", "ERR_SSL_RENEGOTIATE"));
                    return Err(err);
                }
            }
        }
        Ok(())
    }
}
