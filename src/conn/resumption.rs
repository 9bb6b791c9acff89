//! Sessions and resumption for one connection: the sessions OpenSSL creates (reported to the
//! caller as DER in `Event::NewSession`, Node's 'session' / 'newSession'), the session a client
//! resumes (`set_session`), the server's external store lookup (`Question::Session`, Node's
//! 'resumeSession') and the ClientHello gate that lets the caller answer that lookup
//! asynchronously.
//!
//! The OpenSSL callbacks live on the SSL_CTX (no per-SSL setters; context_callbacks.rs) and find
//! the per-SSL `SessionState` in the SSL's ex_data; an SSL without one is left alone, as in Node.
//!
//! Why a gate and not OpenSSL's client-hello callback: the lookup has to be answered before
//! OpenSSL looks for the session, and OpenSSL's get-session callback cannot wait. Holding the
//! input back until the ClientHello has been read (as Node's ClientHelloParser does) pauses
//! nothing inside OpenSSL and leaves the context's single client-hello callback to ALPN/SNI.
//! Unlike Node, the gate reads the TLS 1.3 pre_shared_key identity: with SSL_OP_NO_TICKET
//! that identity is the session id OpenSSL will look up, so TLS 1.3 stateful resumption works.
//!
//! A ClientHello with an encrypted_client_hello extension is the exception: its session fields
//! may be an outer hello's decoys (RFC 9849 §6.1.2), and only OpenSSL can decrypt the inner one.
//! The gate lets it through, and the client-hello callback, which sees the hello OpenSSL
//! decrypted, asks the same question there and pauses the handshake until it is answered.

use super::client_hello::{self, ClientHello, Scan, EXT_PRE_SHARED_KEY, EXT_SESSION_TICKET};
use super::questions::hello_extension;
use super::events::{events_of, Event};
use super::Connection;
use crate::error::OpenSslError;
use crate::ffi::{SSL_SESSION_get0_ticket, SSL_get_options};
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef, SslSession};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar, c_uint};
use std::sync::OnceLock;

/// Node's SecureContext::kMaxSessionSize: larger sessions are not reported.
pub const MAX_SESSION_SIZE: usize = 10 * 1024;
/// The length of the session ids OpenSSL uses as TLS 1.3 stateful tickets.
const STATEFUL_TICKET_LEN: usize = 32;

/// A session OpenSSL created: its id and its DER (`i2d_SSL_SESSION`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id: Vec<u8>,
    pub der: Vec<u8>,
}

/// Where a server's input stands with respect to the ClientHello gate.
#[derive(Debug, Default)]
pub(super) enum Gate {
    /// Input goes straight to OpenSSL.
    #[default]
    Open,
    /// Holding input until the whole ClientHello is there.
    Reading(Vec<u8>),
    /// Holding input while the caller looks `id` up.
    Asked { id: Vec<u8>, held: Vec<u8> },
    /// Input goes to OpenSSL; the client-hello callback asks (an ECH hello, module doc).
    AtHelloCallback,
}

/// Per-SSL session state (in the SSL's ex_data).
#[derive(Default)]
pub(super) struct SessionState {
    /// Report new sessions (Node's enableSessionCallbacks).
    pub(super) report: bool,
    pub(super) gate: Gate,
    /// Server: the session the caller found, handed to OpenSSL when it looks one up.
    pub(super) loaded: Option<SslSession>,
}

/// The ex_data slot of the session state (one per process).
pub(super) fn state_index() -> Index<Ssl, SessionState> {
    static INDEX: OnceLock<Index<Ssl, SessionState>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// # Safety
/// `ssl` is a live SSL and nothing else holds a reference to its session state.
unsafe fn state_of<'a>(ssl: *mut sys::SSL) -> Option<&'a mut SessionState> {
    SslRef::from_ptr_mut(ssl).ex_data_mut(state_index())
}

/// DER of `session`, or None when it cannot be encoded.
pub(super) fn session_der(session: *mut sys::SSL_SESSION) -> Option<Vec<u8>> {
    unsafe {
        let len = sys::i2d_SSL_SESSION(session, std::ptr::null_mut());
        if len <= 0 {
            return None;
        }
        let mut der = vec![0u8; len as usize];
        let mut p = der.as_mut_ptr();
        (sys::i2d_SSL_SESSION(session, &mut p) == len).then_some(der)
    }
}

/// Node's NewSessionCallback: queue the session as an event, in order with the others (if the
/// caller asked for them). Returns 0: OpenSSL keeps its own reference.
pub(super) unsafe extern "C" fn new_session_callback(ssl: *mut sys::SSL, session: *mut sys::SSL_SESSION) -> c_int {
    if !state_of(ssl).is_some_and(|state| state.report) {
        return 0;
    }
    let Some(der) = session_der(session).filter(|d| d.len() <= MAX_SESSION_SIZE) else { return 0 };
    let mut id_len: c_uint = 0;
    let id = sys::SSL_SESSION_get_id(session, &mut id_len);
    let id = if id.is_null() { Vec::new() } else { std::slice::from_raw_parts(id, id_len as usize).to_vec() };
    if let Some(events) = events_of(ssl) {
        events.queue.push(Event::NewSession(NewSession { id, der }));
    }
    0
}

/// Node's GetSessionCallback: the session the caller loaded, whatever the id (OpenSSL checks
/// the session id context, the version and the cipher itself). It stays loaded, so a second
/// lookup (after a HelloRetryRequest) finds it too.
pub(super) unsafe extern "C" fn get_session_callback(
    ssl: *mut sys::SSL,
    _id: *const c_uchar,
    _len: c_int,
    copy: *mut c_int,
) -> *mut sys::SSL_SESSION {
    let Some(session) = state_of(ssl).and_then(|s| s.loaded.as_ref()) else { return std::ptr::null_mut() };
    // OpenSSL takes its own reference.
    *copy = 1;
    session.as_ptr()
}

/// The id a server asks the caller to look up for `hello`, as Node's loadSession decides —
/// none without a session id, none when a TLS 1.2 ticket carries the session — except that a
/// TLS 1.3 stateful ticket (when `stateful_tls13`) is looked up by its identity.
pub(super) fn lookup_id(hello: &ClientHello, stateful_tls13: bool) -> Option<Vec<u8>> {
    if stateful_tls13 {
        if let Some(id) = hello.psk_identities.first().filter(|id| id.len() == STATEFUL_TICKET_LEN) {
            return Some(id.clone());
        }
    }
    (!hello.session_id.is_empty() && !hello.has_ticket).then(|| hello.session_id.clone())
}

/// From the client-hello callback: asks the session question for the ClientHello OpenSSL has
/// (decrypted) when the gate left it to the callback. Returns whether the handshake pauses.
///
/// # Safety
/// `ssl` is a live SSL inside its client-hello callback.
pub(super) unsafe fn ask_at_client_hello(ssl: *mut sys::SSL) -> bool {
    let stateful_tls13 = stateful_tls13(ssl);
    let Some(state) = state_of(ssl) else { return false };
    match state.gate {
        Gate::AtHelloCallback => {}
        Gate::Asked { .. } => return true,
        Gate::Open | Gate::Reading(_) => return false,
    }
    let mut session_id: *const c_uchar = std::ptr::null();
    let len = sys::SSL_client_hello_get0_session_id(ssl, &mut session_id);
    let hello = ClientHello {
        session_id: if session_id.is_null() { Vec::new() } else { std::slice::from_raw_parts(session_id, len).to_vec() },
        has_ticket: hello_extension(ssl, EXT_SESSION_TICKET.into()).is_some_and(|t| !t.is_empty()),
        // A malformed extension is OpenSSL's to reject.
        psk_identities: hello_extension(ssl, EXT_PRE_SHARED_KEY.into()).and_then(client_hello::psk_identities).unwrap_or_default(),
        ech: false,
    };
    match lookup_id(&hello, stateful_tls13) {
        Some(id) => {
            state.gate = Gate::Asked { id, held: Vec::new() };
            true
        }
        None => {
            state.gate = Gate::Open;
            false
        }
    }
}

/// Whether this server keeps TLS 1.3 sessions by id (SSL_OP_NO_TICKET), so that a client's
/// PSK identity is a session id the caller's store may know.
///
/// # Safety
/// `ssl` is a live SSL.
unsafe fn stateful_tls13(ssl: *mut sys::SSL) -> bool {
    let max = sys::SSL_get_max_proto_version(ssl);
    let options = SSL_get_options(ssl);
    (max == 0 || max >= sys::TLS1_3_VERSION as c_int)
        && options & sys::SSL_OP_NO_TICKET != 0
        && options & sys::SSL_OP_NO_TLSv1_3 == 0
}

/// Feeds `input` through the gate. Returns the bytes OpenSSL may have now (None: keep waiting,
/// possibly because a lookup was just asked: the gate is then `Asked`).
fn pass_through_gate(gate: &mut Gate, input: &[u8], stateful_tls13: bool) -> Option<Vec<u8>> {
    match gate {
        Gate::Open | Gate::AtHelloCallback => Some(input.to_vec()),
        Gate::Asked { held, .. } => {
            held.extend_from_slice(input);
            None
        }
        Gate::Reading(held) => {
            held.extend_from_slice(input);
            match client_hello::scan(held) {
                Scan::Incomplete if held.len() <= client_hello::MAX_HELLO_LEN + 4096 => None,
                Scan::Hello(hello) if hello.ech => {
                    let held = std::mem::take(held);
                    *gate = Gate::AtHelloCallback;
                    Some(held)
                }
                Scan::Hello(hello) => match lookup_id(&hello, stateful_tls13) {
                    Some(id) => {
                        let held = std::mem::take(held);
                        *gate = Gate::Asked { id, held };
                        None
                    }
                    None => Some(std::mem::take(gate).into_held()),
                },
                _ => Some(std::mem::take(gate).into_held()),
            }
        }
    }
}

impl Gate {
    /// The input held so far (the gate is consumed).
    pub(super) fn into_held(self) -> Vec<u8> {
        match self {
            Gate::Open | Gate::AtHelloCallback => Vec::new(),
            Gate::Reading(held) | Gate::Asked { held, .. } => held,
        }
    }
}

/// Sessions and resumption (see the module doc).
impl Connection {
    fn session_state_mut(&mut self) -> &mut SessionState {
        if self.ssl.ex_data(state_index()).is_none() {
            self.ssl.set_ex_data(state_index(), SessionState::default());
        }
        self.ssl.ex_data_mut(state_index()).expect("session state just installed")
    }

    /// Node's enableSessionCallbacks: report every session OpenSSL creates from now on as
    /// `Event::NewSession`. A server also holds its input back until the ClientHello has been
    /// read, and asks `Question::Session` when it names a session to look up.
    pub fn enable_session_callbacks(&mut self) {
        let is_server = self.is_server;
        let started = self.handshake_done || self.pending_ciphertext() > 0;
        let state = self.session_state_mut();
        state.report = true;
        if is_server && !started && matches!(state.gate, Gate::Open) {
            state.gate = Gate::Reading(Vec::new());
        }
    }

    /// Client side: the session to resume, as DER (Node's setSession). Ok(false) when the bytes
    /// are not a session (Node ignores them); an error when OpenSSL refuses it.
    pub fn set_session(&mut self, der: &[u8]) -> Result<bool, OpenSslError> {
        let Ok(session) = openssl::ssl::SslSession::from_der(der) else {
            unsafe { sys::ERR_clear_error() };
            return Ok(false);
        };
        if unsafe { sys::SSL_set_session(self.ssl.as_ptr(), session.as_ptr()) } != 1 {
            unsafe { sys::ERR_clear_error() };
            return Err(OpenSslError::plain("SSL_set_session error", "ERR_SSL_SET_SESSION"));
        }
        Ok(true)
    }

    /// DER of the current session (the latest ticket's, on a TLS 1.3 client), if any.
    pub fn session(&self) -> Option<Vec<u8>> {
        let session = unsafe { sys::SSL_get_session(self.ssl.as_ptr()) };
        if session.is_null() {
            return None;
        }
        session_der(session)
    }

    /// The current session's ticket as the server sent it, if it has one.
    pub fn tls_ticket(&self) -> Option<Vec<u8>> {
        let session = unsafe { sys::SSL_get_session(self.ssl.as_ptr()) };
        if session.is_null() {
            return None;
        }
        let mut ticket: *const u8 = std::ptr::null();
        let mut len = 0usize;
        unsafe { SSL_SESSION_get0_ticket(session, &mut ticket, &mut len) };
        (!ticket.is_null()).then(|| unsafe { std::slice::from_raw_parts(ticket, len) }.to_vec())
    }

    /// While `Question::Session` is pending: the session id to look up.
    pub fn resume_session_id(&self) -> Option<&[u8]> {
        match &self.ssl.ex_data(state_index())?.gate {
            Gate::Asked { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Answers `Question::Session`: the session found for `resume_session_id()` (DER), offered
    /// to OpenSSL when it looks the session up. Bytes that are not a session are ignored, as in
    /// Node. Then `resume()`.
    pub fn load_session(&mut self, der: &[u8]) {
        let session = openssl::ssl::SslSession::from_der(der).ok();
        unsafe { sys::ERR_clear_error() };
        if session.is_some() {
            self.session_state_mut().loaded = session;
        }
    }

    /// Whether the server holds its input at the ClientHello gate.
    pub(super) fn holds_input(&self) -> bool {
        self.ssl.ex_data(state_index()).is_some_and(|s| !matches!(s.gate, Gate::Open))
    }

    /// Whether the gate waits for the caller's session lookup (`Question::Session`).
    pub(super) fn session_lookup_pending(&self) -> bool {
        self.ssl.ex_data(state_index()).is_some_and(|s| matches!(s.gate, Gate::Asked { .. }))
    }

    /// Passes `input` through the gate: the bytes OpenSSL may have now, if any.
    pub(super) fn gate_input(&mut self, input: &[u8]) -> Option<Vec<u8>> {
        let stateful_tls13 = unsafe { stateful_tls13(self.ssl.as_ptr()) };
        let state = self.session_state_mut();
        pass_through_gate(&mut state.gate, input, stateful_tls13)
    }

    /// Node's endParser: opens the gate and returns the input it held, for OpenSSL.
    pub(super) fn end_session_lookup(&mut self) -> Vec<u8> {
        match self.ssl.ex_data_mut(state_index()) {
            Some(state) => std::mem::take(&mut state.gate).into_held(),
            None => Vec::new(),
        }
    }
}

/// Back-to-back tests: sessions reported, resumed from tickets (shared keys) and from an
/// external store, in TLS 1.2 and 1.3.
#[cfg(test)]
mod tests {
    use super::super::{Connection, Question};
    use super::NewSession;
    use crate::conn::test_pair::{handshake_with, pump, settle, Seen};
    use crate::context::tickets;
    use openssl::ssl::{SslContext, SslContextBuilder, SslMethod, SslOptions, SslSessionCacheMode, SslVersion};
    use std::collections::HashMap;

    use crate::conn::test_pair::{trust, use_identity};

    const VERSIONS: [SslVersion; 2] = [SslVersion::TLS1_2, SslVersion::TLS1_3];

    /// A context set up as Node's SecureContext::Init does for sessions.
    fn node_like(method: SslMethod) -> SslContextBuilder {
        let mut b = super::super::test_pair::builder_for(method);
        b.set_session_cache_mode(SslSessionCacheMode::CLIENT | SslSessionCacheMode::SERVER | SslSessionCacheMode::NO_INTERNAL);
        tickets::install(&mut b).unwrap();
        b
    }

    fn server_context(max: SslVersion, options: SslOptions, keys: Option<&[[u8; 48]]>) -> SslContext {
        let mut b = node_like(SslMethod::tls());
        use_identity(&mut b, "agent-key.pem", "agent-chain.pem");
        b.set_max_proto_version(Some(max)).unwrap();
        b.set_options(options);
        b.set_session_id_context(b"tls-rs tests").unwrap();
        let ctx = b.build();
        if let Some(keys) = keys {
            assert!(tickets::set(&ctx, keys));
        }
        ctx
    }

    fn client_context() -> SslContext {
        let mut b = node_like(SslMethod::tls());
        trust(&mut b, "ca-cert.pem");
        b.build()
    }

    /// Runs a handshake; a server's session lookup is answered from `store`. Returns what
    /// each side reported.
    fn connect(client: &mut Connection, server: &mut Connection, store: &HashMap<Vec<u8>, Vec<u8>>) -> (Seen, Seen) {
        handshake_with(client, server, |server, question| {
            assert_eq!(question, Question::Session);
            let id = server.resume_session_id().expect("an id to look up").to_vec();
            if let Some(der) = store.get(&id) {
                server.load_session(der);
            }
        })
    }

    fn new_pair(server_ctx: &SslContext, client_ctx: &SslContext) -> (Connection, Connection) {
        let mut client = Connection::new(client_ctx, false).unwrap();
        client.set_servername("localhost");
        (client, Connection::new(server_ctx, true).unwrap())
    }

    /// One full handshake on `server_ctx`; returns the client's last reported session.
    fn first_session(server_ctx: &SslContext, client_ctx: &SslContext) -> NewSession {
        let (mut client, mut server) = new_pair(server_ctx, client_ctx);
        client.enable_session_callbacks();
        let (seen, _) = connect(&mut client, &mut server, &HashMap::new());
        assert!(!client.ssl().session_reused());
        seen.sessions().pop().expect("the client reported a session")
    }

    fn resumes(server_ctx: &SslContext, client_ctx: &SslContext, session: &[u8]) -> bool {
        let (mut client, mut server) = new_pair(server_ctx, client_ctx);
        assert!(client.set_session(session).unwrap());
        connect(&mut client, &mut server, &HashMap::new());
        assert_eq!(client.ssl().session_reused(), server.ssl().session_reused());
        client.ssl().session_reused()
    }

    #[test]
    fn clients_report_sessions_only_when_asked() {
        let client_ctx = client_context();
        for version in VERSIONS {
            let server_ctx = server_context(version, SslOptions::empty(), None);
            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            let (seen, _) = connect(&mut client, &mut server, &HashMap::new());
            assert!(seen.sessions().is_empty());

            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            client.enable_session_callbacks();
            let (seen, _) = connect(&mut client, &mut server, &HashMap::new());
            let sessions = seen.sessions();
            if version == SslVersion::TLS1_2 {
                // Reported just before the end of the handshake.
                let done = seen.events.iter().position(|e| *e == super::Event::HandshakeDone).unwrap();
                assert!(matches!(seen.events[done - 1], super::Event::NewSession(_)), "{:?}", seen.events);
                assert_eq!(sessions.len(), 1);
                assert!(client.tls_ticket().is_some(), "TLS 1.2 tickets are visible");
            } else {
                // One per ticket, after the handshake (while reading).
                assert_eq!(sessions.len(), 2);
            }
            assert!(sessions.iter().all(|s| !s.der.is_empty() && s.der.len() <= super::MAX_SESSION_SIZE));
            assert_eq!(client.session().as_deref(), Some(&sessions.last().unwrap().der[..]));
        }
    }

    #[test]
    fn tickets_resume_on_servers_sharing_keys_only() {
        let client_ctx = client_context();
        let keys = [42u8; 48];
        for version in VERSIONS {
            let a = server_context(version, SslOptions::empty(), Some(&[keys]));
            let b = server_context(version, SslOptions::empty(), Some(&[keys]));
            let other = server_context(version, SslOptions::empty(), None);
            let session = first_session(&a, &client_ctx);
            assert!(resumes(&a, &client_ctx, &session.der), "{version:?}: same server");
            assert!(resumes(&b, &client_ctx, &session.der), "{version:?}: same keys");
            assert!(!resumes(&other, &client_ctx, &session.der), "{version:?}: other keys");
            assert_ne!(tickets::get(&other), Some(vec![keys]), "keys are random until set");
        }
    }

    #[test]
    fn a_key_ring_accepts_tickets_under_its_older_keys() {
        let client_ctx = client_context();
        let (old, new) = ([1u8; 48], [2u8; 48]);
        for version in VERSIONS {
            let before = server_context(version, SslOptions::empty(), Some(&[old]));
            let rotated = server_context(version, SslOptions::empty(), Some(&[new, old]));
            let dropped = server_context(version, SslOptions::empty(), Some(&[new]));
            let session = first_session(&before, &client_ctx);
            assert!(resumes(&rotated, &client_ctx, &session.der), "{version:?}: an older key of the ring");
            assert!(!resumes(&dropped, &client_ctx, &session.der), "{version:?}: a key no longer in the ring");
            // New tickets are sealed under the current key: a server that only has it resumes them.
            let renewed = first_session(&rotated, &client_ctx);
            assert!(resumes(&dropped, &client_ctx, &renewed.der), "{version:?}: sealed under the current key");
        }
    }

    #[test]
    fn ticket_keys_follow_nodes_layout() {
        // The first 16 bytes name the key: a ticket starts with them.
        let client_ctx = client_context();
        let mut keys = [0u8; 48];
        keys[..16].copy_from_slice(b"sixteen byte nam");
        let server = server_context(SslVersion::TLS1_2, SslOptions::empty(), Some(&[keys]));
        first_session(&server, &client_ctx);
        let (mut client, mut s) = new_pair(&server, &client_ctx);
        connect(&mut client, &mut s, &HashMap::new());
        let ticket = client.tls_ticket().expect("a ticket");
        assert_eq!(&ticket[..16], b"sixteen byte nam");
    }

    #[test]
    fn sessions_invalid_der_is_ignored() {
        let client_ctx = client_context();
        let mut client = Connection::new(&client_ctx, false).unwrap();
        assert!(!client.set_session(b"not a session").unwrap());
        assert!(client.session().is_none());
    }

    /// SSL_OP_NO_TICKET and an external store: the server reports sessions, asks for them by
    /// id, and the second handshake is abbreviated — in TLS 1.3 too (identity = session id).
    #[test]
    fn external_store_resumes_in_tls12_and_tls13() {
        let client_ctx = client_context();
        for version in VERSIONS {
            let server_ctx = server_context(version, SslOptions::NO_TICKET, None);
            let mut store = HashMap::new();

            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            client.enable_session_callbacks();
            server.enable_session_callbacks();
            let (client_seen, server_seen) = connect(&mut client, &mut server, &store);
            assert!(!server_seen.sessions().is_empty(), "{version:?}");
            for s in server_seen.sessions() {
                assert_eq!(s.id.len(), 32);
                store.insert(s.id, s.der);
            }
            let session = client_seen.sessions().pop().expect("client session");

            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            server.enable_session_callbacks();
            client.set_session(&session.der).unwrap();
            let (_, server_seen) = connect(&mut client, &mut server, &store);
            assert_eq!(server_seen.questions, vec![Question::Session], "{version:?}: asked");
            assert!(client.handshake_done());
            assert!(server.ssl().session_reused(), "{version:?}: server resumed");
            assert!(client.ssl().session_reused(), "{version:?}: client resumed");

            // Not in the store: a full handshake.
            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            server.enable_session_callbacks();
            client.set_session(&session.der).unwrap();
            connect(&mut client, &mut server, &HashMap::new());
            assert!(!server.ssl().session_reused() && !client.ssl().session_reused(), "{version:?}");
        }
    }

    /// The ECHConfigList of a `context::ech::generate` PEM.
    fn ech_config_list(pem: &str) -> Vec<u8> {
        let body = pem.split("-----BEGIN ECHCONFIG-----").nth(1).unwrap().split("-----END").next().unwrap();
        openssl::base64::decode_block(&body.split_whitespace().collect::<String>()).unwrap()
    }

    /// Under ECH the outer hello's PSK identity is a decoy: the server asks about the inner
    /// hello's (from the client-hello callback) and resumes from the store.
    #[test]
    fn external_store_resumes_under_ech() {
        let client_ctx = client_context();
        let server_ctx = server_context(SslVersion::TLS1_3, SslOptions::NO_TICKET, None);
        let key = crate::context::ech::generate("public.example", 0).unwrap();
        use foreign_types_shared::ForeignType;
        crate::context::ech::set_keys(server_ctx.as_ptr(), &[(key.as_bytes(), true)]).map_err(|(_, e)| e).unwrap();
        let ech_pair = || {
            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            client.set_ech_config_list(&ech_config_list(&key)).unwrap();
            server.enable_session_callbacks();
            (client, server)
        };
        let mut store = HashMap::new();
        let (mut client, mut server) = ech_pair();
        client.enable_session_callbacks();
        let (client_seen, server_seen) = connect(&mut client, &mut server, &store);
        assert!(client.ech_accepted() && server.ech_accepted());
        for s in server_seen.sessions() {
            store.insert(s.id, s.der);
        }
        let session = client_seen.sessions().pop().expect("client session");

        let (mut client, mut server) = ech_pair();
        client.set_session(&session.der).unwrap();
        let (_, server_seen) = connect(&mut client, &mut server, &store);
        assert_eq!(server_seen.questions, vec![Question::Session]);
        assert!(client.ech_accepted() && server.ech_accepted());
        assert!(server.ssl().session_reused() && client.ssl().session_reused());
    }

    #[test]
    fn without_a_store_no_session_id_resumes() {
        // Node's context has no internal server cache: without tickets and without a store
        // there is nothing to resume from.
        let client_ctx = client_context();
        for version in VERSIONS {
            let server_ctx = server_context(version, SslOptions::NO_TICKET, None);
            let session = first_session(&server_ctx, &client_ctx);
            assert!(!resumes(&server_ctx, &client_ctx, &session.der), "{version:?}");
        }
    }

    #[test]
    fn the_gate_passes_hellos_it_does_not_ask_about() {
        // A first TLS 1.2-only client sends no session id: nothing to ask, no pause. (A TLS
        // 1.3-capable client sends a random one, which is asked about, as in Node.)
        let client_ctx = {
            let mut b = node_like(SslMethod::tls());
            b.set_max_proto_version(Some(SslVersion::TLS1_2)).unwrap();
            b.build()
        };
        let server_ctx = server_context(SslVersion::TLS1_2, SslOptions::NO_TICKET, None);
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        server.enable_session_callbacks();
        let (_, seen) = connect(&mut client, &mut server, &HashMap::new());
        assert!(seen.questions.is_empty());
        // A ticket in TLS 1.2 carries the session: nothing to ask either.
        let server_ctx = server_context(SslVersion::TLS1_2, SslOptions::empty(), None);
        let session = first_session(&server_ctx, &client_ctx);
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        server.enable_session_callbacks();
        client.set_session(&session.der).unwrap();
        let (_, seen) = connect(&mut client, &mut server, &HashMap::new());
        assert!(seen.questions.is_empty());
        assert!(server.ssl().session_reused());
    }

    #[test]
    fn the_gate_holds_input_byte_by_byte() {
        let client_ctx = client_context();
        let server_ctx = server_context(SslVersion::TLS1_2, SslOptions::NO_TICKET, None);
        let mut store = HashMap::new();
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        client.enable_session_callbacks();
        server.enable_session_callbacks();
        let (client_seen, server_seen) = connect(&mut client, &mut server, &store);
        for s in server_seen.sessions() {
            store.insert(s.id, s.der);
        }
        let session = client_seen.sessions().pop().unwrap();
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        server.enable_session_callbacks();
        client.set_session(&session.der).unwrap();
        client.start();
        client.take_events();
        let mut hello = vec![0u8; client.pending_ciphertext()];
        let n = client.take_ciphertext(&mut hello);
        let mut asked = 0;
        for (i, byte) in hello[..n].iter().enumerate() {
            let status = server.receive(std::slice::from_ref(byte));
            assert_eq!(server.pending_ciphertext(), 0, "nothing sent while the hello is held");
            assert_eq!(status == super::super::Status::Asking(Question::Session), i == n - 1, "asked once the whole hello is there");
            asked += usize::from(status != super::super::Status::Ready);
        }
        assert_eq!(asked, 1);
        let id = server.resume_session_id().unwrap().to_vec();
        server.load_session(&store[&id]);
        server.resume();
        assert!(server.pending_ciphertext() > 0);
        connect_rest(&mut client, &mut server);
        assert!(server.ssl().session_reused() && client.ssl().session_reused());
    }

    fn connect_rest(client: &mut Connection, server: &mut Connection) {
        let mut nothing = |_: &mut Connection, q: Question| panic!("unexpected {q:?}");
        for _ in 0..10 {
            let status = pump(server, client);
            settle(client, status, &mut Seen::default(), &mut nothing);
            let status = pump(client, server);
            settle(server, status, &mut Seen::default(), &mut nothing);
            if client.handshake_done() && server.handshake_done() {
                return;
            }
        }
        panic!("handshake did not complete");
    }
}
