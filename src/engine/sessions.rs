//! Sessions and resumption for one engine: the sessions OpenSSL creates (reported to the caller
//! as DER, Node's 'session' / 'newSession'), the server's external store lookup (Node's
//! 'resumeSession') and the ClientHello gate that lets the caller answer that lookup
//! asynchronously.
//!
//! The OpenSSL callbacks live on the SSL_CTX (OpenSSL has no per-SSL setters) and find the per-SSL
//! `SessionState` in the SSL's ex_data; an SSL without one is left alone. Node does the same.
//!
//! Why a gate and not OpenSSL's client-hello callback: the lookup has to be answered before
//! OpenSSL looks for the session, and OpenSSL's get-session callback cannot wait. Holding the
//! input back until the ClientHello has been read (as Node's ClientHelloParser does) pauses
//! nothing inside OpenSSL and leaves the context's single client-hello callback to ALPN/SNI.
//! Unlike Node, the gate reads the TLS 1.3 pre_shared_key identity: with SSL_OP_NO_TICKET
//! that identity is the session id OpenSSL will look up, so TLS 1.3 stateful resumption works.

use crate::client_hello::{self, ClientHello, Scan};
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
}

/// Per-SSL session state (in the SSL's ex_data).
#[derive(Default)]
pub(super) struct SessionState {
    /// Report new sessions (Node's enableSessionCallbacks).
    pub(super) report: bool,
    pub(super) new_sessions: Vec<NewSession>,
    pub(super) gate: Gate,
    /// Server: the session the caller found, handed to OpenSSL when it looks one up.
    pub(super) loaded: Option<SslSession>,
}

pub(super) fn state_index() -> Index<Ssl, SessionState> {
    static INDEX: OnceLock<Index<Ssl, SessionState>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// # Safety
/// `ssl` is a live SSL and nothing else holds a reference to its session state.
unsafe fn state_of<'a>(ssl: *mut sys::SSL) -> Option<&'a mut SessionState> {
    SslRef::from_ptr_mut(ssl).ex_data_mut(state_index())
}

/// Installs the session callbacks on `ssl`'s context (idempotent).
pub(super) fn install_callbacks(ssl: &SslRef) {
    unsafe {
        let ctx = crate::ffi::SSL_get_SSL_CTX(ssl.as_ptr());
        sys::SSL_CTX_sess_set_new_cb(ctx, Some(new_session_callback));
        sys::SSL_CTX_sess_set_get_cb(ctx, Some(get_session_callback));
    }
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

/// Node's NewSessionCallback: queue the session for the caller (if it asked for them).
/// Returns 0: OpenSSL keeps its own reference.
unsafe extern "C" fn new_session_callback(ssl: *mut sys::SSL, session: *mut sys::SSL_SESSION) -> c_int {
    let Some(state) = state_of(ssl) else { return 0 };
    if !state.report {
        return 0;
    }
    let Some(der) = session_der(session).filter(|d| d.len() <= MAX_SESSION_SIZE) else { return 0 };
    let mut id_len: c_uint = 0;
    let id = sys::SSL_SESSION_get_id(session, &mut id_len);
    let id = if id.is_null() { Vec::new() } else { std::slice::from_raw_parts(id, id_len as usize).to_vec() };
    state.new_sessions.push(NewSession { id, der });
    // After the first handshake (a renegotiation, a TLS 1.3 client's tickets) the session is
    // reported in order with the other events. A TLS 1.3 server writes its tickets right after
    // the handshake it completes, and reports them with it (STATUS_NEW_SESSION).
    let tls13_server = sys::SSL_is_server(ssl) != 0 && sys::SSL_version(ssl) == sys::TLS1_3_VERSION;
    if let Some(events) = super::events::events_of(ssl).filter(|_| !tls13_server) {
        if events.established && events.handshakes {
            events.queue.push(super::events::EngineEvent::NewSession);
        }
    }
    0
}

/// Node's GetSessionCallback: the session the caller loaded, whatever the id (OpenSSL checks
/// the session id context, the version and the cipher itself). It stays loaded, so a second
/// lookup (after a HelloRetryRequest) finds it too.
unsafe extern "C" fn get_session_callback(
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

/// Feeds `input` through the gate. Returns the bytes OpenSSL may have now (None: keep waiting)
/// and whether a lookup was just asked.
pub(super) fn gate_input(gate: &mut Gate, input: &[u8], stateful_tls13: bool) -> (Option<Vec<u8>>, bool) {
    match gate {
        Gate::Open => (Some(input.to_vec()), false),
        Gate::Asked { held, .. } => {
            held.extend_from_slice(input);
            (None, false)
        }
        Gate::Reading(held) => {
            held.extend_from_slice(input);
            match client_hello::scan(held) {
                Scan::Incomplete if held.len() <= client_hello::MAX_HELLO_LEN + 4096 => (None, false),
                Scan::Hello(hello) => match lookup_id(&hello, stateful_tls13) {
                    Some(id) => {
                        let held = std::mem::take(held);
                        *gate = Gate::Asked { id, held };
                        (None, true)
                    }
                    None => (Some(std::mem::take(gate).into_held()), false),
                },
                _ => (Some(std::mem::take(gate).into_held()), false),
            }
        }
    }
}

impl Gate {
    /// The input held so far (the gate is consumed).
    pub(super) fn into_held(self) -> Vec<u8> {
        match self {
            Gate::Open => Vec::new(),
            Gate::Reading(held) | Gate::Asked { held, .. } => held,
        }
    }
}

extern "C" {
    pub(super) fn SSL_get_options(ssl: *const sys::SSL) -> u64;
    pub(super) fn SSL_SESSION_get0_ticket(s: *const sys::SSL_SESSION, tick: *mut *const c_uchar, len: *mut usize);
}

/// Back-to-back tests: sessions reported, resumed from tickets (shared keys) and from an
/// external store, in TLS 1.2 and 1.3.
#[cfg(test)]
mod tests {
    use super::super::{TlsEngine, STATUS_HANDSHAKE_DONE, STATUS_NEW_SESSION, STATUS_RESUME_REQUEST};
    use super::NewSession;
    use crate::tickets;
    use openssl::ssl::{SslContext, SslContextBuilder, SslMethod, SslOptions, SslSessionCacheMode, SslVersion};
    use std::collections::HashMap;

    use crate::engine::test_fixtures::{trust, use_identity};

    const VERSIONS: [SslVersion; 2] = [SslVersion::TLS1_2, SslVersion::TLS1_3];

    /// A context set up as Node's SecureContext::Init does for sessions.
    fn node_like(method: SslMethod) -> SslContextBuilder {
        let mut b = SslContext::builder(method).unwrap();
        b.set_session_cache_mode(SslSessionCacheMode::CLIENT | SslSessionCacheMode::SERVER | SslSessionCacheMode::NO_INTERNAL);
        tickets::install(&mut b).unwrap();
        b
    }

    fn server_context(max: SslVersion, options: SslOptions, keys: Option<&[u8; 48]>) -> SslContext {
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

    /// Moves all waiting ciphertext from `from` to `to`; returns `to`'s status bits.
    fn pump(from: &mut TlsEngine, to: &mut TlsEngine) -> u32 {
        let mut buf = vec![0u8; from.pending_ciphertext()];
        let n = from.read_ciphertext(&mut buf);
        if n == 0 {
            return 0;
        }
        to.receive(&buf[..n])
    }

    /// Reads whatever cleartext arrived (so a TLS 1.3 client processes its tickets).
    fn drain(engine: &mut TlsEngine) {
        let mut buf = [0u8; 16384];
        while engine.read_cleartext(&mut buf) > 0 {}
    }

    /// Runs a handshake; a server's resumption request is answered from `store`.
    /// Returns the status bits each side reported along the way.
    fn connect(client: &mut TlsEngine, server: &mut TlsEngine, store: &HashMap<Vec<u8>, Vec<u8>>) -> (u32, u32) {
        let mut client_bits = client.start();
        let mut server_bits = 0;
        for _ in 0..10 {
            let mut status = pump(client, server);
            if status & STATUS_RESUME_REQUEST != 0 {
                server_bits |= status;
                let id = server.resume_session_id().expect("an id to look up").to_vec();
                if let Some(der) = store.get(&id) {
                    server.load_session(der);
                }
                status = server.end_parser();
            }
            server_bits |= status;
            client_bits |= pump(server, client);
            if client.handshake_done() && server.handshake_done() {
                // Tickets and the client's last flight.
                server_bits |= pump(client, server);
                client_bits |= pump(server, client);
                drain(client);
                drain(server);
                return (client_bits, server_bits);
            }
        }
        panic!("handshake did not complete: client {:?} server {:?}", client.error(), server.error());
    }

    fn new_pair(server_ctx: &SslContext, client_ctx: &SslContext) -> (TlsEngine, TlsEngine) {
        let mut client = TlsEngine::new(client_ctx, false).unwrap();
        client.set_servername("localhost");
        (client, TlsEngine::new(server_ctx, true).unwrap())
    }

    /// One full handshake on `server_ctx`; returns the client's last reported session.
    fn first_session(server_ctx: &SslContext, client_ctx: &SslContext) -> NewSession {
        let (mut client, mut server) = new_pair(server_ctx, client_ctx);
        client.enable_session_callbacks();
        connect(&mut client, &mut server, &HashMap::new());
        assert!(!client.ssl().session_reused());
        client.take_new_sessions().pop().expect("the client reported a session")
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
            let (bits, _) = connect(&mut client, &mut server, &HashMap::new());
            assert_eq!(bits & STATUS_NEW_SESSION, 0);
            assert!(client.take_new_sessions().is_empty());

            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            client.enable_session_callbacks();
            let (bits, _) = connect(&mut client, &mut server, &HashMap::new());
            let sessions = client.take_new_sessions();
            if version == SslVersion::TLS1_2 {
                // Reported with the end of the handshake.
                assert_ne!(bits & STATUS_NEW_SESSION, 0);
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
            let a = server_context(version, SslOptions::empty(), Some(&keys));
            let b = server_context(version, SslOptions::empty(), Some(&keys));
            let other = server_context(version, SslOptions::empty(), None);
            let session = first_session(&a, &client_ctx);
            assert!(resumes(&a, &client_ctx, &session.der), "{version:?}: same server");
            assert!(resumes(&b, &client_ctx, &session.der), "{version:?}: same keys");
            assert!(!resumes(&other, &client_ctx, &session.der), "{version:?}: other keys");
            assert_ne!(tickets::get(&other), Some(keys), "keys are random until set");
        }
    }

    #[test]
    fn ticket_keys_follow_nodes_layout() {
        // The first 16 bytes name the key: a ticket starts with them.
        let client_ctx = client_context();
        let mut keys = [0u8; 48];
        keys[..16].copy_from_slice(b"sixteen byte nam");
        let server = server_context(SslVersion::TLS1_2, SslOptions::empty(), Some(&keys));
        first_session(&server, &client_ctx);
        let (mut client, mut s) = new_pair(&server, &client_ctx);
        connect(&mut client, &mut s, &HashMap::new());
        let ticket = client.tls_ticket().expect("a ticket");
        assert_eq!(&ticket[..16], b"sixteen byte nam");
    }

    #[test]
    fn sessions_invalid_der_is_ignored() {
        let client_ctx = client_context();
        let mut client = TlsEngine::new(&client_ctx, false).unwrap();
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
            let (_, server_bits) = connect(&mut client, &mut server, &store);
            assert_ne!(server_bits & STATUS_NEW_SESSION, 0, "{version:?}");
            for s in server.take_new_sessions() {
                assert_eq!(s.id.len(), 32);
                store.insert(s.id, s.der);
            }
            let session = client.take_new_sessions().pop().expect("client session");

            let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
            server.enable_session_callbacks();
            client.set_session(&session.der).unwrap();
            let (client_bits, server_bits) = connect(&mut client, &mut server, &store);
            assert_ne!(server_bits & STATUS_RESUME_REQUEST, 0, "{version:?}: asked");
            assert_eq!(client_bits & STATUS_HANDSHAKE_DONE, STATUS_HANDSHAKE_DONE);
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
        let (_, bits) = connect(&mut client, &mut server, &HashMap::new());
        assert_eq!(bits & STATUS_RESUME_REQUEST, 0);
        // A ticket in TLS 1.2 carries the session: nothing to ask either.
        let server_ctx = server_context(SslVersion::TLS1_2, SslOptions::empty(), None);
        let session = first_session(&server_ctx, &client_ctx);
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        server.enable_session_callbacks();
        client.set_session(&session.der).unwrap();
        let (_, bits) = connect(&mut client, &mut server, &HashMap::new());
        assert_eq!(bits & STATUS_RESUME_REQUEST, 0);
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
        connect(&mut client, &mut server, &store);
        for s in server.take_new_sessions() {
            store.insert(s.id, s.der);
        }
        let session = client.take_new_sessions().pop().unwrap();
        let (mut client, mut server) = new_pair(&server_ctx, &client_ctx);
        server.enable_session_callbacks();
        client.set_session(&session.der).unwrap();
        client.start();
        let mut hello = vec![0u8; client.pending_ciphertext()];
        let n = client.read_ciphertext(&mut hello);
        let mut asked = 0;
        for (i, byte) in hello[..n].iter().enumerate() {
            let status = server.receive(std::slice::from_ref(byte));
            assert_eq!(server.pending_ciphertext(), 0, "nothing sent while the hello is held");
            if status & STATUS_RESUME_REQUEST != 0 {
                assert_eq!(i, n - 1, "asked once the whole hello is there");
                asked += 1;
            }
        }
        assert_eq!(asked, 1);
        let id = server.resume_session_id().unwrap().to_vec();
        server.load_session(&store[&id]);
        server.end_parser();
        assert!(server.pending_ciphertext() > 0);
        connect_rest(&mut client, &mut server);
        assert!(server.ssl().session_reused() && client.ssl().session_reused());
    }

    fn connect_rest(client: &mut TlsEngine, server: &mut TlsEngine) {
        for _ in 0..10 {
            pump(server, client);
            pump(client, server);
            if client.handshake_done() && server.handshake_done() {
                return;
            }
        }
        panic!("handshake did not complete");
    }
}
