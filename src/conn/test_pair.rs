//! The one home of the back-to-back tests' fixtures: the test PKI, two connections wired in
//! memory, and a caller that handles statuses, events and questions as lib/socket.js does.

use super::resumption::NewSession;
use super::{Connection, Event, Question, Status};
use foreign_types_shared::ForeignType;
use openssl::pkey::PKey;
use openssl::ssl::{SslContext, SslContextBuilder, SslMethod, SslVersion};
use openssl::x509::X509;
use openssl_sys as sys;
use std::os::raw::c_void;

const CERTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test/fixtures/certs/");

/// A file of test/fixtures/certs.
pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CERTS}{name}")).expect("fixture certificate")
}

/// Installs `key` and the chain in `chain` (leaf first), chained as SecureContext chains it
/// (SSL_CTX_add1_chain_cert).
pub fn use_identity(b: &mut SslContextBuilder, key: &str, chain: &str) {
    let mut certs = X509::stack_from_pem(&read(chain)).unwrap().into_iter();
    b.set_certificate(&certs.next().unwrap()).unwrap();
    for c in certs {
        assert_eq!(unsafe { sys::SSL_CTX_ctrl(b.as_ptr(), sys::SSL_CTRL_CHAIN_CERT, 1, c.as_ptr() as *mut c_void) }, 1);
    }
    b.set_private_key(&PKey::private_key_from_pem(&read(key)).unwrap()).unwrap();
}

/// Trusts the certificates in `pem`.
pub fn trust(b: &mut SslContextBuilder, pem: &str) {
    for c in X509::stack_from_pem(&read(pem)).unwrap() {
        b.cert_store_mut().add_cert(c).unwrap();
    }
}

/// A context builder for `method` with the core's context callbacks, as every SecureContext has.
pub fn builder_for(method: SslMethod) -> SslContextBuilder {
    let b = SslContext::builder(method).unwrap();
    unsafe { super::install_context_callbacks(b.as_ptr()) };
    b
}

/// `builder_for` TLS_method.
pub fn builder() -> SslContextBuilder {
    builder_for(SslMethod::tls())
}

/// A client context trusting `trusted` (a fixture file).
pub fn client_context(trusted: &str) -> SslContext {
    let mut b = builder();
    trust(&mut b, trusted);
    b.build()
}

/// A server context with the agent identity (localhost), at most `max`.
pub fn server_context(max: SslVersion) -> SslContext {
    let mut b = builder();
    use_identity(&mut b, "agent-key.pem", "agent-chain.pem");
    b.set_max_proto_version(Some(max)).unwrap();
    b.build()
}

/// A client trusting the test root and a server with the agent identity (localhost), at most
/// `max`; neither has started.
pub fn connection_pair(max: SslVersion) -> (Connection, Connection) {
    let client = Connection::new(&client_context("ca-cert.pem"), false).unwrap();
    let server = Connection::new(&server_context(max), true).unwrap();
    (client, server)
}

/// What one side reported while the helpers below drove it.
#[derive(Debug, Default)]
pub struct Seen {
    /// The questions it asked, in order.
    pub questions: Vec<Question>,
    /// The events it queued, in order.
    pub events: Vec<Event>,
}

impl Seen {
    /// The sessions among the events.
    pub fn sessions(&self) -> Vec<NewSession> {
        self.events.iter().filter_map(|e| if let Event::NewSession(s) = e { Some(s.clone()) } else { None }).collect()
    }
}

/// Moves all waiting ciphertext from `from` to `to`; returns `to`'s status.
pub fn pump(from: &mut Connection, to: &mut Connection) -> Status {
    let mut buf = vec![0u8; from.pending_ciphertext()];
    let n = from.take_ciphertext(&mut buf);
    if n == 0 {
        return to.status();
    }
    to.receive(&buf[..n])
}

/// Handles `status` as a caller would until nothing is left to do: events are taken into
/// `seen`, questions answered by `answer` and resumed. Returns the status it ends with.
pub fn settle(conn: &mut Connection, mut status: Status, seen: &mut Seen, answer: &mut dyn FnMut(&mut Connection, Question)) -> Status {
    loop {
        match status {
            Status::Events => seen.events.extend(conn.take_events()),
            Status::Asking(question) => {
                seen.questions.push(question);
                answer(conn, question);
                status = conn.resume();
                continue;
            }
            _ => return status,
        }
        status = conn.status();
    }
}

/// Reads all cleartext there is now, taking events into `seen` (this also runs what follows
/// the handshake: tickets, renegotiations).
pub fn read_all(conn: &mut Connection, seen: &mut Seen) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match conn.read_cleartext(&mut buf) {
            Some(n) => out.extend_from_slice(&buf[..n]),
            None if conn.status() == Status::Events => seen.events.extend(conn.take_events()),
            None => return out,
        }
    }
}

/// Runs a handshake (the client starts); the server's questions are answered by `answer`.
/// Once both are done, the last flights (tickets) are delivered and read. Returns what each
/// side reported; stops early when one fails.
pub fn handshake_with(client: &mut Connection, server: &mut Connection, mut answer: impl FnMut(&mut Connection, Question)) -> (Seen, Seen) {
    let (mut client_seen, mut server_seen) = (Seen::default(), Seen::default());
    let status = client.start();
    settle(client, status, &mut client_seen, &mut |_, q| panic!("a client asked {q:?}"));
    for _ in 0..20 {
        let status = pump(client, server);
        settle(server, status, &mut server_seen, &mut answer);
        let status = pump(server, client);
        settle(client, status, &mut client_seen, &mut |_, q| panic!("a client asked {q:?}"));
        if client.error().is_some() || server.error().is_some() {
            return (client_seen, server_seen);
        }
        if client.handshake_done() && server.handshake_done() {
            for _ in 0..2 {
                let status = pump(client, server);
                settle(server, status, &mut server_seen, &mut answer);
                read_all(server, &mut server_seen);
                let status = pump(server, client);
                settle(client, status, &mut client_seen, &mut |_, q| panic!("a client asked {q:?}"));
                read_all(client, &mut client_seen);
            }
            return (client_seen, server_seen);
        }
    }
    panic!("handshake did not complete: client {:?} server {:?}", client.error(), server.error());
}

/// `handshake_with` for a server that asks nothing.
pub fn handshake(client: &mut Connection, server: &mut Connection) -> (Seen, Seen) {
    handshake_with(client, server, |_, q| panic!("unexpected question {q:?}"))
}
