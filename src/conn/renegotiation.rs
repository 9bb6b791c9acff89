//! TLS 1.2 renegotiation. As Node does, every SSL reports its handshakes through the info
//! callback (handshake start, and completion of a renegotiation); the server-side guard
//! (CLIENT_RENEG_LIMIT / CLIENT_RENEG_WINDOW, disableRenegotiation) lives in JS as in Node's
//! `onhandshakestart`. Node 20 lets clients renegotiate (SSL_OP_ALLOW_CLIENT_RENEGOTIATION,
//! which OpenSSL 3 otherwise refuses), so the engine does too.
//!
//! While a renegotiation waits for the peer's next flight, OpenSSL refuses application data
//! (SSL_write: SSL_ERROR_WANT_READ). As Node's TLSWrap keeps such a write for ClearIn, the
//! connection holds the cleartext and writes it, in order, once reading has moved the
//! handshake on; a close_notify asked for meanwhile follows it.

use super::events::{events_index, events_of, Event, EventQueue};
use super::Connection;
use crate::error::OpenSslError;
use crate::ffi::{SSL_renegotiate, SSL_renegotiate_pending, SSL_set_info_callback, SSL_set_options};
use foreign_types_shared::ForeignType;
use openssl::ssl::SslRef;
use openssl_sys as sys;
use std::os::raw::{c_int, c_void};

const SSL_CB_HANDSHAKE_START: c_int = 0x10;
const SSL_CB_HANDSHAKE_DONE: c_int = 0x20;
const SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;

/// Queues handshake starts and completions (Node's SSLInfoCallback: a completion while a
/// renegotiation is pending is the server's HelloRequest going out, not a handshake).
unsafe extern "C" fn info_callback(ssl: *const sys::SSL, where_: c_int, _ret: c_int) {
    let Some(events) = events_of(ssl) else { return };
    if where_ & SSL_CB_HANDSHAKE_START != 0 {
        events.queue.push(Event::HandshakeStart);
    }
    if where_ & SSL_CB_HANDSHAKE_DONE != 0 && SSL_renegotiate_pending(ssl) == 0 {
        events.queue.push(Event::HandshakeDone);
    }
}

/// Gives a new SSL its event queue and info callback, and allows client renegotiation (Node 20).
pub(super) fn install(ssl: &mut SslRef) {
    ssl.set_ex_data(events_index(), EventQueue::default());
    let raw = foreign_types_shared::ForeignTypeRef::as_ptr(ssl);
    unsafe {
        SSL_set_info_callback(raw, Some(info_callback));
        SSL_set_options(raw, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    }
}

impl Connection {
    /// Whether cleartext waits for a renegotiation to finish (`encrypt` took it; the peer's
    /// next flight, read by `read_cleartext`, lets it out).
    pub fn holds_cleartext(&self) -> bool {
        !self.held_cleartext.is_empty()
    }

    /// Writes `cleartext` until OpenSSL needs the peer's handshake messages first. Returns how
    /// many bytes it took; None when the connection failed (JS reports a write error).
    pub(super) fn write_until_held(&mut self, cleartext: &[u8]) -> Option<usize> {
        let raw = self.ssl.as_ptr();
        let mut written = 0;
        while written < cleartext.len() {
            let rest = &cleartext[written..];
            let mut n = 0usize;
            if unsafe { sys::SSL_write_ex(raw, rest.as_ptr() as *const c_void, rest.len(), &mut n) } != 1 {
                if self.handshake_done && self.must_read_first() {
                    unsafe { sys::ERR_clear_error() };
                    return Some(written);
                }
                // (No text when OpenSSL queued none: Node's write error then says just
                // "write EPROTO".)
                self.record_error("");
                return None;
            }
            written += n;
        }
        Some(written)
    }

    /// After a failed SSL_write during a renegotiation: whether OpenSSL only needs input read
    /// first — the peer's next flight (WANT_READ), or application data that arrived while it
    /// waited for the ServerHello, where it stops with SSL_ERROR_SYSCALL and nothing queued
    /// (`in_read_app_data`, left set by the SSL_read that let such data through): the next
    /// read delivers that record and goes on with the handshake. (Node's TLSWrap fails the
    /// write there; the connection is intact.)
    fn must_read_first(&self) -> bool {
        let raw = self.ssl.as_ptr();
        match unsafe { sys::SSL_get_error(raw, 0) } {
            // (Or the renegotiation waits for the answer to a question: questions.rs.)
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_X509_LOOKUP | sys::SSL_ERROR_WANT_CLIENT_HELLO_CB => true,
            sys::SSL_ERROR_SYSCALL => unsafe { crate::ffi::ERR_peek_error() == 0 && crate::ffi::SSL_in_init(raw) != 0 },
            _ => false,
        }
    }

    /// Writes what a renegotiation held back, if OpenSSL takes it now, then a close_notify that
    /// waited behind it.
    pub(super) fn write_held(&mut self) {
        if self.held_cleartext.is_empty() || self.error.is_some() {
            return;
        }
        let held = std::mem::take(&mut self.held_cleartext);
        let Some(written) = self.write_until_held(&held) else { return };
        if written < held.len() {
            self.held_cleartext = held[written..].to_vec();
        } else if std::mem::take(&mut self.close_after_held) {
            self.shutdown();
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
    use super::super::test_pair::{handshake, pump, read_all, settle, trust, use_identity, Seen};
    use super::super::{Connection, Event, Question};
    use openssl::ssl::{SslSessionCacheMode, SslVersion};

    fn pair(max: SslVersion) -> (Connection, Connection) {
        let mut s = super::super::test_pair::builder();
        use_identity(&mut s, "agent-key.pem", "agent-chain.pem");
        s.set_max_proto_version(Some(max)).unwrap();
        let mut c = super::super::test_pair::builder();
        trust(&mut c, "ca-cert.pem");
        // As context/: a client context reports the sessions it receives.
        c.set_session_cache_mode(SslSessionCacheMode::CLIENT);
        let mut client = Connection::new(&c.build(), false).unwrap();
        let mut server = Connection::new(&s.build(), true).unwrap();
        handshake(&mut client, &mut server);
        (client, server)
    }

    /// Delivers `from`'s output and reads on `to`, returning the events `to` reported.
    fn deliver(from: &mut Connection, to: &mut Connection) -> Vec<Event> {
        let mut seen = Seen::default();
        let status = pump(from, to);
        settle(to, status, &mut seen, &mut |_, q: Question| panic!("unexpected {q:?}"));
        assert!(read_all(to, &mut seen).is_empty());
        seen.events
    }

    /// The client renegotiates; returns the events each end reported (client's, server's).
    fn client_renegotiates(client: &mut Connection, server: &mut Connection) -> (Vec<Event>, Vec<Event>) {
        client.take_events();
        server.take_events();
        client.renegotiate().unwrap();
        let mut client_events = client.take_events();
        let mut server_events = Vec::new();
        for _ in 0..5 {
            server_events.extend(deliver(client, server));
            client_events.extend(deliver(server, client));
        }
        (client_events, server_events)
    }

    #[test]
    fn client_initiated_renegotiation_completes_on_both_ends() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        let (client_events, server_events) = client_renegotiates(&mut client, &mut server);
        assert_eq!(server_events, vec![Event::HandshakeStart, Event::HandshakeDone]);
        assert_eq!(client_events, vec![Event::HandshakeStart, Event::HandshakeDone]);
        assert!(client.error().is_none() && server.error().is_none());
    }

    #[test]
    fn a_renegotiation_reports_its_session_before_its_completion() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        // A TLS 1.2 server reports the sessions it keeps by id, not those it sends as tickets.
        let raw = foreign_types_shared::ForeignType::as_ptr(&server.ssl);
        unsafe { crate::ffi::SSL_set_options(raw, openssl_sys::SSL_OP_NO_TICKET) };
        client.enable_session_callbacks();
        server.enable_session_callbacks();
        let (client_events, server_events) = client_renegotiates(&mut client, &mut server);
        for events in [&server_events, &client_events] {
            assert!(
                matches!(&events[..], [Event::HandshakeStart, Event::NewSession(_), Event::HandshakeDone]),
                "{events:?}"
            );
        }
    }

    #[test]
    fn server_hello_request_counts_as_a_start() {
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        client.take_events();
        server.take_events();
        server.renegotiate().unwrap();
        let mut server_events = server.take_events();
        for _ in 0..5 {
            deliver(&mut server, &mut client);
            server_events.extend(deliver(&mut client, &mut server));
        }
        // As Node sees it: HelloRequest (a start, its "done" ignored), then the real handshake.
        assert_eq!(server_events, vec![Event::HandshakeStart, Event::HandshakeStart, Event::HandshakeDone]);
    }

    /// Moves output both ways until neither side has any; returns the cleartext each read.
    fn exchange(client: &mut Connection, server: &mut Connection) -> (Vec<u8>, Vec<u8>) {
        let (mut to_client, mut to_server) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            let mut seen = Seen::default();
            let status = pump(client, server);
            settle(server, status, &mut seen, &mut |_, q: Question| panic!("unexpected {q:?}"));
            to_server.extend(read_all(server, &mut seen));
            let status = pump(server, client);
            settle(client, status, &mut seen, &mut |_, q: Question| panic!("unexpected {q:?}"));
            to_client.extend(read_all(client, &mut seen));
        }
        (to_client, to_server)
    }

    #[test]
    fn writes_during_a_renegotiation_go_out_in_order_once_it_is_done() {
        // Both ends write while the renegotiation waits on the other (each one's SSL_write says
        // WANT_READ), then the client ends the connection: nothing lost, nothing reordered.
        for server_renegotiates in [false, true] {
            let (mut client, mut server) = pair(SslVersion::TLS1_2);
            if server_renegotiates {
                server.renegotiate().unwrap();
                deliver(&mut server, &mut client); // the client answers the HelloRequest
            } else {
                client.renegotiate().unwrap();
            }
            deliver(&mut client, &mut server); // the server reads the ClientHello
            for (end, data) in [(&mut client, b"c1"), (&mut server, b"s1")] {
                assert!(end.encrypt(data).is_some(), "{:?}", end.error());
            }
            assert!(client.holds_cleartext() && server.holds_cleartext());
            for (end, data) in [(&mut client, b"c2"), (&mut server, b"s2")] {
                assert!(end.encrypt(data).is_some(), "{:?}", end.error());
            }
            client.shutdown();
            let (to_client, to_server) = exchange(&mut client, &mut server);
            assert_eq!((to_client.as_slice(), to_server.as_slice()), (&b"s1s2"[..], &b"c1c2"[..]));
            assert!(!client.holds_cleartext() && !server.holds_cleartext());
            assert_eq!(server.status(), super::super::Status::PeerClosed, "close_notify came after the data");
            assert!(client.error().is_none() && server.error().is_none());
        }
    }

    #[test]
    fn a_write_that_meets_application_data_during_a_renegotiation_waits_for_reading() {
        // The client renegotiates; before the server reads the ClientHello it sends two records.
        // The client reads the first (OpenSSL lets application data through while it waits for
        // the ServerHello), then writes: SSL_write meets the second record and stops without an
        // error (SSL_ERROR_SYSCALL, nothing queued). The write waits for reading, which
        // delivers the record and lets the renegotiation, then the write, go on.
        let (mut client, mut server) = pair(SslVersion::TLS1_2);
        client.renegotiate().unwrap();
        for data in [b"s1", b"s2"] {
            assert!(server.encrypt(data).is_some(), "{:?}", server.error());
        }
        let mut seen = Seen::default();
        let status = pump(&mut server, &mut client);
        settle(&mut client, status, &mut seen, &mut |_, q: Question| panic!("unexpected {q:?}"));
        let mut buf = [0u8; 16384];
        let n = client.read_cleartext(&mut buf).expect("the first record");
        assert_eq!(&buf[..n], b"s1");
        assert!(client.encrypt(b"c1").is_some(), "{:?}", client.error());
        assert!(client.holds_cleartext());
        client.shutdown();
        let (to_client, to_server) = exchange(&mut client, &mut server);
        assert_eq!((to_client.as_slice(), to_server.as_slice()), (&b"s2"[..], &b"c1"[..]));
        assert!(!client.holds_cleartext());
        assert_eq!(server.status(), super::super::Status::PeerClosed, "close_notify came after the data");
        assert!(client.error().is_none() && server.error().is_none(), "{:?} {:?}", client.error(), server.error());
    }

    #[test]
    fn tls13_refuses_with_wrong_ssl_version() {
        let (mut client, _server) = pair(SslVersion::TLS1_3);
        let err = client.renegotiate().unwrap_err();
        assert_eq!(err.code, "ERR_SSL_WRONG_SSL_VERSION");
        assert!(client.error().is_none());
    }
}
