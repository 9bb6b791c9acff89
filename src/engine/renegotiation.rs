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
    /// version"). Before the first handshake completes, only OpenSSL's flag is set, as in Node.
    /// A failure to start it is the engine's error, reported by the next call (Node's next write).
    pub fn renegotiate(&mut self) -> Result<(), OpenSslError> {
        let raw = self.ssl.as_ptr();
        unsafe { sys::ERR_clear_error() };
        if unsafe { SSL_renegotiate(raw) } != 1 {
            return Err(OpenSslError::take()
                .unwrap_or_else(|| OpenSslError::plain("SSL_renegotiate failed", "ERR_SSL_RENEGOTIATE")));
        }
        if !self.handshake_done || self.error.is_some() {
            return Ok(());
        }
        let ret = unsafe { sys::SSL_do_handshake(raw) };
        if ret != 1 {
            match unsafe { sys::SSL_get_error(raw, ret) } {
                sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => {}
                _ => self.record_error("renegotiation failed"),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_fixtures::{pump, trust, use_identity};
    use super::super::{TlsEngine, STATUS_EVENTS, STATUS_NEW_SESSION};
    use super::EngineEvent;
    use openssl::ssl::{SslContext, SslMethod, SslSessionCacheMode, SslVersion};

    fn pair(max: SslVersion) -> (TlsEngine, TlsEngine) {
        let mut s = SslContext::builder(SslMethod::tls()).unwrap();
        use_identity(&mut s, "agent-key.pem", "agent-chain.pem");
        s.set_max_proto_version(Some(max)).unwrap();
        let mut c = SslContext::builder(SslMethod::tls()).unwrap();
        trust(&mut c, "ca-cert.pem");
        // As context.rs: a client context reports the sessions it receives.
        c.set_session_cache_mode(SslSessionCacheMode::CLIENT);
        let mut client = TlsEngine::new(&c.build(), false).unwrap();
        let mut server = TlsEngine::new(&s.build(), true).unwrap();
        client.enable_handshake_events();
        server.enable_handshake_events();
        client.start();
        for _ in 0..10 {
            pump(&mut client, &mut server);
            pump(&mut server, &mut client);
        }
        assert!(client.handshake_done() && server.handshake_done());
        (client, server)
    }

    /// Reads until the engine wants input, collecting the events it reported.
    fn read_events(engine: &mut TlsEngine) -> Vec<EngineEvent> {
        let mut events = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match engine.read_cleartext(&mut buf) {
                super::super::READ_EVENTS => events.extend(engine.take_events()),
                0 => return events,
                n => panic!("unexpected read result {n}"),
            }
        }
    }

    #[test]
    fn first_handshake_reports_its_start_only() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        assert_eq!(client.take_events(), vec![EngineEvent::HandshakeStart]);
        assert_eq!(server.take_events(), vec![EngineEvent::HandshakeStart]);
    }

    /// The client renegotiates; returns the events each end reported (client's, server's).
    fn client_renegotiates(client: &mut TlsEngine, server: &mut TlsEngine) -> (Vec<EngineEvent>, Vec<EngineEvent>) {
        client.take_events();
        server.take_events();
        client.renegotiate().unwrap();
        let mut client_events = Vec::new();
        let mut server_events = Vec::new();
        for _ in 0..5 {
            assert_eq!(pump(client, server) & !(STATUS_EVENTS | STATUS_NEW_SESSION), 0);
            server_events.extend(read_events(server));
            pump(server, client);
            client_events.extend(read_events(client));
        }
        (client_events, server_events)
    }

    #[test]
    fn client_initiated_renegotiation_completes_on_both_ends() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        let (client_events, server_events) = client_renegotiates(&mut client, &mut server);
        assert_eq!(server_events, vec![EngineEvent::HandshakeStart, EngineEvent::HandshakeDone]);
        assert_eq!(client_events, vec![EngineEvent::HandshakeStart, EngineEvent::HandshakeDone]);
        assert!(client.error().is_none() && server.error().is_none());
    }

    #[test]
    fn a_renegotiation_reports_its_session_before_its_completion() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        // A TLS 1.2 server reports the sessions it keeps by id, not those it sends as tickets.
        let raw = foreign_types_shared::ForeignType::as_ptr(&server.ssl);
        unsafe { super::SSL_set_options(raw, openssl_sys::SSL_OP_NO_TICKET) };
        client.enable_session_callbacks();
        server.enable_session_callbacks();
        let (client_events, server_events) = client_renegotiates(&mut client, &mut server);
        let expected = vec![EngineEvent::HandshakeStart, EngineEvent::NewSession, EngineEvent::HandshakeDone];
        assert_eq!(server_events, expected);
        assert_eq!(client_events, expected);
        assert_eq!(server.take_new_sessions().len(), 1);
        assert_eq!(client.take_new_sessions().len(), 1);
    }

    #[test]
    fn server_hello_request_counts_as_a_start() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        client.take_events();
        server.take_events();
        server.renegotiate().unwrap();
        let mut server_events = server.take_events();
        for _ in 0..5 {
            pump(&mut server, &mut client);
            read_events(&mut client);
            pump(&mut client, &mut server);
            server_events.extend(read_events(&mut server));
        }
        // As Node sees it: HelloRequest (a start, its "done" ignored), then the real handshake.
        assert_eq!(
            server_events,
            vec![EngineEvent::HandshakeStart, EngineEvent::HandshakeStart, EngineEvent::HandshakeDone]
        );
    }

    #[test]
    fn tls13_refuses_with_wrong_ssl_version() {
        let (mut client, _server) = pair(SslVersion::TLS1_3);
        let err = client.renegotiate().unwrap_err();
        assert_eq!(err.code, "ERR_SSL_WRONG_SSL_VERSION");
        assert!(client.error().is_none());
    }
}
