//! The sans-I/O TLS connection: one OpenSSL `SSL` over two in-memory byte queues. No sockets,
//! no threads, no N-API: bytes and answers go in, bytes, events and a `Status` come out.
//!
//! The protocol of calls, modelled on rustls's unbuffered API:
//! - every call that advances the connection (`start`, `receive`, `resume`) returns the
//!   `Status`, whose variant is the one thing the caller must do next; `status()` recomputes it;
//! - ciphertext from the peer goes in with `receive`; cleartext comes out of `read_cleartext`,
//!   one record per call, into the caller's buffer;
//! - cleartext goes in with `encrypt`; the ciphertext for the peer waits until the caller moves
//!   it into its own buffer with `take_ciphertext` (`pending_ciphertext` says how much);
//! - what OpenSSL reports from its callbacks (a handshake starting or done, new sessions,
//!   key-log lines, a stapled OCSP response) is queued in order as `Event`s (`take_events`);
//! - a server can pause the handshake to ask the caller a `Question` (SNI, ALPN, OCSP, a stored
//!   session); OpenSSL never blocks: its callbacks return "retry" until the answer is there.
//!
//! After a failure every call keeps reporting `Status::Failed` and `error()` keeps the reason.
//!
//! The modules are named after the TLS concepts they implement.

use crate::error::OpenSslError;
use foreign_types_shared::ForeignType;
use openssl::error::ErrorStack;
use openssl::ssl::{Ssl, SslContextRef, SslRef};
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_int, c_long, c_void};

mod alpn;
mod ech;
mod bio;
pub mod cell;
pub mod client_hello;
mod context_callbacks;
mod events;
mod introspection;
mod keylog;
mod npn;
mod ocsp;
mod psk;
mod questions;
mod record_scan;
mod renegotiation;
mod resumption;
mod servername_binding;
mod sni;
mod trace;
mod verify;
#[cfg(test)]
pub(crate) mod test_pair;

pub use alpn::set_no_overlap_fatal as refuse_alpn_without_overlap;
pub use context_callbacks::install as install_context_callbacks;
pub use events::Event;
pub use npn::NpnOutcome;
pub use psk::{PskAnswer, PskExchange};
pub use questions::Question;
pub use servername_binding::{record_context_id as record_session_id_context, set_bound as bind_sessions_to_servername};
pub use sni::set_sni_context_replaces_identity;

/// What the caller must do next. Computed by `status()` in this order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Events wait in `take_events()`: take and handle them, then ask `status()` again.
    Events,
    /// The connection failed; `error()` says why. Send what `pending_ciphertext` holds (the
    /// alert) first; every later call fails too.
    Failed,
    /// The server's handshake is paused until the caller answers the question and calls
    /// `resume()`; input received meanwhile waits.
    Asking(Question),
    /// The peer sent close_notify and all cleartext before it was read.
    PeerClosed,
    /// Nothing to handle: read cleartext (once the handshake is done) until `read_cleartext`
    /// has none, and send what `pending_ciphertext` holds.
    Ready,
}

const SSL_MODE_AUTO_RETRY: c_long = 0x4;
const SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
const SSL_CTRL_MODE: c_int = 33;
const SSL_CTRL_CLEAR_MODE: c_int = 78;

/// Bytes as Node turns them into a JS string here (OneByteString: one byte, one code point).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

fn c_string(p: *const std::os::raw::c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// One TLS endpoint (client or server) over memory BIOs.
pub struct Connection {
    ssl: Ssl,
    /// Ciphertext from the peer (owned by the SSL).
    rbio: *mut sys::BIO,
    /// Ciphertext for the peer (owned by the SSL).
    wbio: *mut sys::BIO,
    is_server: bool,
    handshake_done: bool,
    peer_closed: bool,
    /// Cleartext written while a renegotiation needs the peer's next flight first, and whether
    /// close_notify waits behind it (renegotiation.rs).
    held_cleartext: Vec<u8>,
    close_after_held: bool,
    error: Option<OpenSslError>,
    /// Counted in `liveObjects().sessions` until this connection is freed.
    _live: crate::live_objects::Live,
    /// The peer's record headers, for reporting errors in OpenSSL 3.0's words.
    records: record_scan::RecordScan,
}

impl Connection {
    /// An endpoint using `context`; nothing is produced until `start()` (client) or `receive()`.
    pub fn new(context: &SslContextRef, is_server: bool) -> Result<Self, ErrorStack> {
        crate::error::note_loop_thread();
        let mut ssl = Ssl::new(context)?;
        renegotiation::install(&mut ssl);
        let raw = ssl.as_ptr();
        let (rbio, wbio) = unsafe {
            let rbio = bio::new_queue_bio();
            let wbio = bio::new_queue_bio();
            if rbio.is_null() || wbio.is_null() {
                if !rbio.is_null() {
                    sys::BIO_free_all(rbio);
                }
                if !wbio.is_null() {
                    sys::BIO_free_all(wbio);
                }
                return Err(ErrorStack::get());
            }
            // An empty input BIO means "wait for more", not end of stream (bio.rs).
            sys::SSL_set_bio(raw, rbio, wbio);
            sys::SSL_ctrl(raw, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, std::ptr::null_mut());
            // Without auto-retry SSL_read returns after a post-handshake message (a ticket, a
            // renegotiation step), so its events come before the data that follows, as Node,
            // whose callbacks run inside SSL_read, emits them.
            sys::SSL_ctrl(raw, SSL_CTRL_CLEAR_MODE, SSL_MODE_AUTO_RETRY, std::ptr::null_mut());
            verify::record_only(raw);
            if is_server {
                sys::SSL_set_accept_state(raw);
            } else {
                sys::SSL_set_connect_state(raw);
            }
            (rbio, wbio)
        };
        let _live = crate::live_objects::Live::new(crate::live_objects::Kind::Connection);
        Ok(Connection {
            ssl,
            rbio,
            wbio,
            is_server,
            handshake_done: false,
            peer_closed: false,
            held_cleartext: Vec::new(),
            close_after_held: false,
            error: None,
            _live,
            records: Default::default(),
        })
    }

    /// The OpenSSL object, for reading what it negotiated.
    pub fn ssl(&self) -> &SslRef {
        &self.ssl
    }

    /// Whether this is the server end.
    pub fn is_server(&self) -> bool {
        self.is_server
    }

    /// The first handshake completed (cleartext can flow).
    pub fn handshake_done(&self) -> bool {
        self.handshake_done
    }

    /// The fatal error, once one happened (it stays).
    pub fn error(&self) -> Option<&OpenSslError> {
        self.error.as_ref()
    }

    /// What the caller must do next (see `Status` for the order of precedence).
    pub fn status(&self) -> Status {
        if self.has_events() {
            Status::Events
        } else if self.error.is_some() {
            Status::Failed
        } else if let Some(question) = self.pending_question() {
            Status::Asking(question)
        } else if self.handshake_done && self.peer_closed {
            Status::PeerClosed
        } else {
            Status::Ready
        }
    }

    /// Advances the handshake without new input (a client's ClientHello).
    pub fn start(&mut self) -> Status {
        self.advance_handshake();
        self.status()
    }

    /// Feeds ciphertext from the peer and advances the handshake. After the handshake, records
    /// are decrypted by `read_cleartext`.
    pub fn receive(&mut self, ciphertext: &[u8]) -> Status {
        if self.error.is_some() {
            return Status::Failed;
        }
        // A server waiting for its ClientHello (or for a session lookup) holds the input back.
        if self.holds_input() {
            if let Some(bytes) = self.gate_input(ciphertext) {
                self.feed(&bytes);
            }
            return self.status();
        }
        self.feed(ciphertext);
        self.status()
    }

    /// `receive` for input the caller owns: when nothing is waiting in the input queue, a large
    /// buffer becomes the queue instead of being copied into it. Returns the status and a
    /// buffer for the caller's next input (the queue's old storage, or `ciphertext` itself),
    /// empty but keeping its capacity.
    pub fn receive_owned(&mut self, mut ciphertext: Vec<u8>) -> (Status, Vec<u8>) {
        if self.error.is_some() || self.holds_input() {
            let status = self.receive(&ciphertext);
            ciphertext.clear();
            return (status, ciphertext);
        }
        let spare = self.feed_owned(ciphertext);
        (self.status(), spare)
    }

    /// Continues a handshake paused by a question once it is answered (an unanswered ALPN
    /// question counts as a refusal; an unanswered session lookup as "not found").
    pub fn resume(&mut self) -> Status {
        match self.pending_question() {
            None => {}
            Some(Question::Session) => {
                // Nothing held when the client-hello callback asked: OpenSSL has the hello.
                let held = self.end_session_lookup();
                if held.is_empty() {
                    self.advance_handshake();
                } else {
                    self.feed(&held);
                }
            }
            Some(_) => {
                self.answer_question();
                self.advance_handshake();
                // A context SNICallback chose that cannot serve fails the handshake now, after
                // this step's output (as Node, where the error stays queued in that step). It
                // was queued before the step ran, so it is the error Node reports (OpenSSL's
                // oldest) even when the step failed too (a server without a certificate).
                if let Some(err) = self.hooks_mut().sni_error.take() {
                    self.error = Some(err);
                }
            }
        }
        self.status()
    }

    /// Writes ciphertext into OpenSSL's input and advances the handshake (unless paused).
    fn feed(&mut self, ciphertext: &[u8]) {
        if ciphertext.is_empty() {
            return;
        }
        self.records.follow(ciphertext);
        let mut rest = ciphertext;
        while !rest.is_empty() {
            let len = rest.len().min(i32::MAX as usize);
            let n = unsafe { sys::BIO_write(self.rbio, rest.as_ptr() as *const c_void, len as c_int) };
            if n <= 0 {
                self.error = Some(OpenSslError::plain("BIO_write failed", "ERR_OSSL_BIO_WRITE_FAILURE"));
                return;
            }
            rest = &rest[n as usize..];
        }
        self.advance_unless_asking();
    }

    /// `feed` for owned input, which may become OpenSSL's input queue (`bio::append_owned`);
    /// returns the buffer for the caller's next input.
    fn feed_owned(&mut self, ciphertext: Vec<u8>) -> Vec<u8> {
        if ciphertext.is_empty() {
            return ciphertext;
        }
        self.records.follow(&ciphertext);
        let spare = bio::append_owned(self.rbio, ciphertext);
        self.advance_unless_asking();
        spare
    }

    /// Advances the handshake with what input holds, unless a question is pending: input then
    /// waits in the BIO until `resume()`.
    fn advance_unless_asking(&mut self) {
        if self.pending_question().is_none() {
            self.advance_handshake();
        }
    }

    fn advance_handshake(&mut self) {
        if self.error.is_some() || self.handshake_done {
            return;
        }
        let raw = self.ssl.as_ptr();
        let ret = unsafe { sys::SSL_do_handshake(raw) };
        if ret == 1 {
            self.handshake_done = true;
            return;
        }
        match unsafe { sys::SSL_get_error(raw, ret) } {
            // Waiting for input, or paused by a question (questions.rs).
            sys::SSL_ERROR_WANT_READ
            | sys::SSL_ERROR_WANT_WRITE
            | sys::SSL_ERROR_WANT_CLIENT_HELLO_CB
            | sys::SSL_ERROR_WANT_X509_LOOKUP => {}
            // close_notify during the handshake: the peer is gone, not an error (Node reports
            // the transport's end as 'socket hang up').
            sys::SSL_ERROR_ZERO_RETURN => self.peer_closed = true,
            _ => self.record_error("handshake failed"),
        }
    }

    fn record_error(&mut self, fallback: &str) {
        let err = OpenSslError::take_printed().unwrap_or_else(|| OpenSslError::plain(fallback, "ERR_SSL_SYSCALL"));
        self.error = Some(self.records.as_openssl_30(err));
    }

    /// Decrypts the next record into `out` (one record per call, as Node emits one 'data'
    /// chunk per record; `out` should hold 16 KiB). Some(bytes written, > 0), or None when
    /// there is no cleartext now: then `status()` says why (Ready: more input is needed).
    /// Reading also runs what follows the handshake (tickets, renegotiations, key updates).
    pub fn read_cleartext(&mut self, out: &mut [u8]) -> Option<usize> {
        let read = self.read_record(out);
        // Reading may have finished a renegotiation that held writes back.
        self.write_held();
        read
    }

    fn read_record(&mut self, out: &mut [u8]) -> Option<usize> {
        if !self.handshake_done || out.is_empty() || self.error.is_some() || self.peer_closed || self.has_events() {
            return None;
        }
        let raw = self.ssl.as_ptr();
        let mut waiting = usize::MAX;
        loop {
            let mut n = 0usize;
            if unsafe { sys::SSL_read_ex(raw, out.as_mut_ptr() as *mut c_void, out.len(), &mut n) } == 1 {
                return Some(n);
            }
            match unsafe { sys::SSL_get_error(raw, 0) } {
                // A post-handshake message was processed: what it reported comes first; else
                // read on while input waits.
                sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE
                    if !self.has_events() && (1..waiting).contains(&self.pending_input()) =>
                {
                    // (Only while OpenSSL takes input: a stalled read stops.)
                    waiting = self.pending_input();
                }
                sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => return None,
                // A renegotiation's ClientHello paused for a question (questions.rs): `status()`
                // asks it; reading goes on once `resume()` answered.
                sys::SSL_ERROR_WANT_X509_LOOKUP | sys::SSL_ERROR_WANT_CLIENT_HELLO_CB => return None,
                sys::SSL_ERROR_ZERO_RETURN => {
                    self.peer_closed = true;
                    return None;
                }
                _ => {
                    self.record_error("read failed");
                    return None;
                }
            }
        }
    }

    /// After a step on a worker thread: drops what OpenSSL left on that thread's error queue (a
    /// verification failure that did not fail the handshake), so it cannot surface in another
    /// connection's step. Inline, such leftovers never fail anything either: OpenSSL 4.0's
    /// SSL_get_error reads the connection's own error state, not the thread's queue.
    pub fn discard_errors(&mut self) {
        unsafe { sys::ERR_clear_error() };
    }

    /// Ciphertext from the peer not yet taken by OpenSSL.
    fn pending_input(&self) -> usize {
        unsafe { sys::BIO_ctrl(self.rbio, bio::BIO_CTRL_PENDING, 0, std::ptr::null_mut()) as usize }
    }

    /// Encrypts all of `cleartext` (after the handshake) — or, while a renegotiation waits for
    /// the peer, holds it to be encrypted in order once it can be (`holds_cleartext`). Returns
    /// the ciphertext bytes now waiting for `take_ciphertext`, or None when the connection failed.
    pub fn encrypt(&mut self, cleartext: &[u8]) -> Option<usize> {
        if self.error.is_some() {
            return None;
        }
        if self.held_cleartext.is_empty() {
            let written = self.write_until_held(cleartext)?;
            self.held_cleartext.extend_from_slice(&cleartext[written..]);
        } else {
            self.held_cleartext.extend_from_slice(cleartext);
            self.write_held();
        }
        self.error.is_none().then(|| self.pending_ciphertext())
    }

    /// Ciphertext bytes waiting to be sent to the peer.
    pub fn pending_ciphertext(&self) -> usize {
        unsafe { sys::BIO_ctrl(self.wbio, bio::BIO_CTRL_PENDING, 0, std::ptr::null_mut()) as usize }
    }

    /// Moves waiting ciphertext into `out` (as much as fits); returns the number of bytes moved.
    pub fn take_ciphertext(&mut self, out: &mut [u8]) -> usize {
        if out.is_empty() {
            return 0;
        }
        let len = out.len().min(i32::MAX as usize) as c_int;
        let n = unsafe { sys::BIO_read(self.wbio, out.as_mut_ptr() as *mut c_void, len) };
        n.max(0) as usize
    }

    /// Offers all waiting ciphertext to `send` without copying it (`send` returns how many
    /// bytes it took, e.g. what a non-blocking socket write accepted) and returns an owned copy
    /// of the rest; nothing is left waiting.
    pub fn send_ciphertext(&mut self, send: impl FnOnce(&[u8]) -> usize) -> Vec<u8> {
        bio::drain_queue(self.wbio, send)
    }

    /// Queues close_notify once the handshake is done (after any held cleartext). Returns the
    /// ciphertext bytes waiting.
    pub fn shutdown(&mut self) -> usize {
        if !self.held_cleartext.is_empty() {
            self.close_after_held = true;
        } else if self.handshake_done && self.error.is_none() {
            unsafe {
                sys::SSL_shutdown(self.ssl.as_ptr());
                sys::ERR_clear_error();
            }
        }
        self.pending_ciphertext()
    }

    /// The events queued since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        match self.ssl.ex_data_mut(events::events_index()) {
            Some(events) => std::mem::take(&mut events.queue),
            None => Vec::new(),
        }
    }

    /// For a server's handshake run without its caller looking (the native transport's
    /// unattended mode): None while it can go on so — nothing queued but handshake starts
    /// (they keep for later), no failure, no question, not done, the peer not gone; else the
    /// status to report, a failure or the peer's leaving before any queued handshake start.
    pub fn unattended_status(&self) -> Option<Status> {
        if self.error.is_some() {
            return Some(Status::Failed);
        }
        if self.peer_closed && !self.handshake_done {
            return Some(Status::PeerClosed);
        }
        let only_starts = self
            .ssl
            .ex_data(events::events_index())
            .is_none_or(|e| e.queue.iter().all(|event| *event == events::Event::HandshakeStart));
        if only_starts && self.pending_question().is_none() && !self.handshake_done {
            None
        } else {
            Some(self.status())
        }
    }

    fn has_events(&self) -> bool {
        self.ssl.ex_data(events::events_index()).is_some_and(|e| !e.queue.is_empty())
    }

    /// SSL_get_version, as Node's getProtocol(): the negotiated protocol ('TLSv1.3') once the
    /// handshake is done; before it, what OpenSSL reports for the session ('TLSv1.3' too).
    pub fn protocol(&self) -> &'static str {
        self.ssl.version_str()
    }
}

#[cfg(test)]
mod tests {
    use super::test_pair::{client_context, connection_pair, handshake, pump, read_all, server_context, Seen};
    use super::*;
    use openssl::ssl::SslVersion;

    fn pair(max: SslVersion) -> (Connection, Connection) {
        let (mut client, mut server) = connection_pair(max);
        client.set_servername("localhost");
        handshake(&mut client, &mut server);
        (client, server)
    }

    #[test]
    fn handshakes_and_exchanges_data_in_tls12_and_tls13() {
        for (version, name) in [(SslVersion::TLS1_2, "TLSv1.2"), (SslVersion::TLS1_3, "TLSv1.3")] {
            let (mut client, mut server) = pair(version);
            assert_eq!(client.protocol(), name);
            assert_eq!(client.verify_error(), None, "the chain verifies against the test root");
            let message = vec![7u8; 100_000];
            assert!(client.encrypt(&message).unwrap() > 100_000);
            pump(&mut client, &mut server);
            assert_eq!(read_all(&mut server, &mut Seen::default()), message);
            server.encrypt(b"pong").unwrap();
            pump(&mut server, &mut client);
            assert_eq!(read_all(&mut client, &mut Seen::default()), b"pong");
        }
    }

    #[test]
    fn every_handshake_reports_its_start_and_its_completion_in_order() {
        for version in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            let (mut client, mut server) = connection_pair(version);
            let (client_seen, server_seen) = handshake(&mut client, &mut server);
            assert_eq!(client_seen.events, vec![Event::HandshakeStart, Event::HandshakeDone]);
            assert_eq!(server_seen.events, vec![Event::HandshakeStart, Event::HandshakeDone]);
        }
    }

    #[test]
    fn one_record_per_read() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"first").unwrap();
        client.encrypt(b"second").unwrap();
        pump(&mut client, &mut server);
        let mut buf = [0u8; 16384];
        assert_eq!(server.read_cleartext(&mut buf), Some(5));
        assert_eq!(server.read_cleartext(&mut buf), Some(6));
        assert_eq!(server.read_cleartext(&mut buf), None);
        assert_eq!(server.status(), Status::Ready, "more input is needed");
    }

    #[test]
    fn close_notify_is_reported_after_the_data() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"bye").unwrap();
        assert!(client.shutdown() > 0);
        pump(&mut client, &mut server);
        let mut buf = [0u8; 64];
        assert_eq!(server.read_cleartext(&mut buf), Some(3));
        assert_eq!(server.status(), Status::Ready);
        assert_eq!(server.read_cleartext(&mut buf), None);
        assert_eq!(server.status(), Status::PeerClosed);
        assert_eq!(server.read_cleartext(&mut buf), None);
        assert_eq!(server.status(), Status::PeerClosed);
    }

    #[test]
    fn untrusted_server_is_reported_not_rejected() {
        let mut client = Connection::new(&client_context("selfsigned-cert.pem"), false).unwrap();
        let mut server = Connection::new(&server_context(SslVersion::TLS1_3), true).unwrap();
        handshake(&mut client, &mut server);
        assert_eq!(client.verify_error().map(|f| f.code), Some("UNABLE_TO_GET_ISSUER_CERT_LOCALLY"));
    }

    #[test]
    fn garbage_fails_that_connection_cleanly() {
        let mut server = Connection::new(&server_context(SslVersion::TLS1_3), true).unwrap();
        server.take_events();
        let status = server.receive(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n");
        // The handshake started before it failed: that event comes first.
        assert_eq!(status, Status::Events);
        server.take_events();
        assert_eq!(server.status(), Status::Failed);
        let err = server.error().expect("an error is recorded");
        assert_eq!(err.code, "ERR_SSL_HTTP_REQUEST");
        // Further input and output keep failing without panicking.
        assert_eq!(server.receive(b"more"), Status::Failed);
        assert_eq!(server.encrypt(b"x"), None);
        let mut buf = [0u8; 16];
        assert_eq!(server.read_cleartext(&mut buf), None);
        assert_eq!(server.status(), Status::Failed);
    }

    #[test]
    fn corrupted_record_after_the_handshake_is_an_error() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"secret").unwrap();
        let mut buf = vec![0u8; client.pending_ciphertext()];
        let n = client.take_ciphertext(&mut buf);
        buf[n - 1] ^= 0x55;
        server.receive(&buf[..n]);
        let mut out = [0u8; 64];
        assert_eq!(server.read_cleartext(&mut out), None);
        assert_eq!(server.status(), Status::Failed);
        assert_eq!(server.error().map(|e| e.code.as_str()), Some("ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC"));
    }

    #[test]
    fn byte_at_a_time_input_completes_the_handshake() {
        let (mut client, mut server) = connection_pair(SslVersion::TLS1_3);
        fn pump_bytewise(from: &mut Connection, to: &mut Connection) {
            let mut buf = vec![0u8; from.pending_ciphertext()];
            let n = from.take_ciphertext(&mut buf);
            for byte in &buf[..n] {
                assert_ne!(to.receive(std::slice::from_ref(byte)), Status::Failed);
                to.take_events();
            }
        }
        client.start();
        for _ in 0..10 {
            pump_bytewise(&mut client, &mut server);
            pump_bytewise(&mut server, &mut client);
            if client.handshake_done() && server.handshake_done() {
                return;
            }
        }
        panic!("handshake did not complete");
    }
}
