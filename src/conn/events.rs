//! What OpenSSL reports from inside its callbacks while a connection runs it, queued on the SSL in
//! the order it happened until the caller takes it (`Connection::take_events`). While the queue
//! is not empty, `Connection::status()` is `Status::Events`.
//!
//! Node's TLSWrap calls into JS from inside these callbacks, so Node's events come in OpenSSL's
//! order; queuing them and handing them over after each call keeps that order without calling
//! into JS from inside OpenSSL.

use super::resumption::NewSession;
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::sync::OnceLock;

/// One thing OpenSSL reported, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A handshake began (the first one, a renegotiation, or a server's HelloRequest going
    /// out): Node's `onhandshakestart`.
    HandshakeStart,
    /// A handshake completed (the first one or a renegotiation): Node's `onhandshakedone`.
    HandshakeDone,
    /// OpenSSL created a session (a full handshake's, a renegotiation's, a TLS 1.3 ticket),
    /// reported once `enable_session_callbacks` asked for them: Node's NewSessionCallback.
    NewSession(NewSession),
    /// One NSS key-log line, ending in '\n' (once `enable_keylog` asked for them).
    Keylog(Vec<u8>),
    /// Client: what the server stapled in answer to `request_ocsp` (None: nothing), during
    /// the handshake: Node's 'OCSPResponse'.
    OcspResponse(Option<Vec<u8>>),
}

/// Per-SSL state of the callbacks that feed the queue.
#[derive(Default)]
pub(super) struct EventQueue {
    pub(super) queue: Vec<Event>,
    /// Key-log lines are wanted (Node enables them when a 'keylog' listener is added).
    pub(super) keylog: bool,
}

/// The ex_data slot of the event queue (one per process).
pub(super) fn events_index() -> Index<Ssl, EventQueue> {
    static INDEX: OnceLock<Index<Ssl, EventQueue>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// The event queue of `ssl`, from inside an OpenSSL callback.
///
/// # Safety
/// `ssl` is a live SSL and nothing else holds a reference to its queue.
pub(super) unsafe fn events_of<'a>(ssl: *const sys::SSL) -> Option<&'a mut EventQueue> {
    SslRef::from_ptr_mut(ssl as *mut sys::SSL).ex_data_mut(events_index())
}
