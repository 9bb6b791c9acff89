//! What OpenSSL reports from inside its callbacks while the engine runs it — a handshake
//! starting or a renegotiation completing (the info callback), key-log lines (the keylog
//! callback), sessions created after the first handshake (the new-session callback) — queued on the SSL, in order, until the caller takes them. `receive` & co. then
//! carry STATUS_EVENTS, `read_cleartext` returns READ_EVENTS.

use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::sync::OnceLock;

/// One thing OpenSSL reported, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// A handshake began (the first one, a renegotiation, or a server's HelloRequest): Node's
    /// `onhandshakestart`.
    HandshakeStart,
    /// A handshake after the first completed (renegotiation): Node's `onhandshakedone`.
    HandshakeDone,
    /// After the first handshake, OpenSSL created a session (a renegotiation's, a TLS 1.3
    /// ticket) and queued it in `take_new_sessions()`: reported here so the caller sees it in
    /// order with the other events, where Node's NewSessionCallback fires.
    NewSession,
    /// One NSS key-log line, ending in '\n' (only once key logging is enabled).
    Keylog(Vec<u8>),
}

/// Per-SSL state of the callbacks that feed the queue.
#[derive(Default)]
pub(super) struct EventState {
    pub queue: Vec<EngineEvent>,
    /// The first handshake is done (its completion is reported by STATUS_HANDSHAKE_DONE).
    pub established: bool,
    /// Handshake starts and renegotiations are wanted (every TLSSocket asks, as Node always
    /// installs its info callback; engine tests leave it off).
    pub handshakes: bool,
    /// Key-log lines are wanted (Node enables them when a 'keylog' listener is added).
    pub keylog: bool,
}

pub(super) fn events_index() -> Index<Ssl, EventState> {
    static INDEX: OnceLock<Index<Ssl, EventState>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// # Safety
/// `ssl` is a live SSL and nothing else holds a reference to its event state.
pub(super) unsafe fn events_of<'a>(ssl: *const sys::SSL) -> Option<&'a mut EventState> {
    SslRef::from_ptr_mut(ssl as *mut sys::SSL).ex_data_mut(events_index())
}
