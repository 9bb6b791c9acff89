//! Fuzz bodies: what each cargo-fuzz target in `fuzz/` runs on one input, and what the seeded
//! `cargo test` run below runs on mutated real handshakes. Whatever the bytes, a body must not
//! panic, crash or hang: the connection turns bad input into `Status::Failed`.
//!
//! Inputs for the receive bodies: byte 0 chooses the endpoint's options, byte 1 the chunk size
//! the rest arrives in, and the rest is what the peer sent.

use crate::conn::{Connection, Question, Status};
use crate::context::Context;
use foreign_types_shared::ForeignTypeRef;
use openssl::ssl::SslContextRef;

const CERTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test/fixtures/certs/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CERTS}{name}")).unwrap_or_default()
}

/// The contexts the bodies run sessions on, configured through the same code paths as
/// `tls.createContext()`: [server, server TLS 1.2 only, client].
struct Contexts {
    server: Context,
    server12: Context,
    client: Context,
}

fn server_context(max_tls12: bool) -> Context {
    let mut ctx = Context::new().expect("SSL_CTX_new");
    ctx.use_certificate_chain_pem(&fixture("agent-chain.pem")).expect("fixture chain");
    ctx.use_private_key_pem(&fixture("agent-key.pem"), b"").expect("fixture key");
    ctx.add_ca_certs(&fixture("ca-cert.pem"));
    if max_tls12 {
        unsafe { openssl_sys::SSL_CTX_set_max_proto_version(ctx.ssl_context().as_ptr(), openssl_sys::TLS1_2_VERSION) };
    }
    ctx
}

thread_local! {
    static CONTEXTS: Contexts = Contexts {
        server: server_context(false),
        server12: server_context(true),
        client: {
            let mut ctx = Context::new().expect("SSL_CTX_new");
            ctx.add_ca_certs(&fixture("ca-cert.pem"));
            ctx
        },
    };
}

/// Option bits of byte 0.
const OPT_SNI_CALLBACK: u8 = 1;
const OPT_ALPN: u8 = 2;
const OPT_SESSIONS: u8 = 4;
const OPT_REQUEST_CERT: u8 = 8;
const OPT_REJECT_UNAUTHORIZED: u8 = 16;
const OPT_TLS12: u8 = 32;
const OPT_ALPN_CALLBACK: u8 = 64;

fn split(data: &[u8]) -> (u8, usize, &[u8]) {
    match data {
        [opts, chunk, rest @ ..] => (*opts, 1 + *chunk as usize * 17, rest),
        _ => (0, 1, data),
    }
}

/// A server session fed `data` as its peer's bytes.
pub fn server_receive(data: &[u8]) {
    let (opts, chunk, input) = split(data);
    CONTEXTS.with(|c| {
        let ctx = if opts & OPT_TLS12 != 0 { &c.server12 } else { &c.server };
        let Ok(mut engine) = Connection::new(ctx.ssl_context(), true) else { return };
        engine.set_verify_mode(opts & OPT_REQUEST_CERT != 0, opts & OPT_REJECT_UNAUTHORIZED != 0);
        if opts & OPT_ALPN != 0 {
            let _ = engine.set_alpn_protocols(b"\x02h2\x08http/1.1");
        }
        if opts & OPT_ALPN_CALLBACK != 0 {
            engine.enable_alpn_callback();
        }
        if opts & OPT_SNI_CALLBACK != 0 {
            engine.enable_sni_callback();
        }
        if opts & OPT_SESSIONS != 0 {
            engine.enable_session_callbacks();
        }
        drive(&mut engine, ctx.ssl_context(), input, chunk);
    });
}

/// A client session (SNI "localhost", trusting the test root) fed `data` as the server's bytes.
pub fn client_receive(data: &[u8]) {
    let (opts, chunk, input) = split(data);
    CONTEXTS.with(|c| {
        let Ok(mut engine) = Connection::new(c.client.ssl_context(), false) else { return };
        engine.set_servername("localhost");
        if opts & OPT_ALPN != 0 {
            let _ = engine.set_alpn_protocols(b"\x02h2\x08http/1.1");
        }
        if opts & OPT_SESSIONS != 0 {
            engine.enable_session_callbacks();
        }
        let status = engine.start();
        drain(&mut engine);
        if handle(&mut engine, status, c.client.ssl_context(), &[]) != Status::Failed {
            drive(&mut engine, c.client.ssl_context(), input, chunk);
        }
    });
}

/// Handles `status` as lib/socket.js would: takes events, answers every question from `piece`
/// and resumes. Returns the status it ends with.
fn handle(engine: &mut Connection, mut status: Status, sni_context: &SslContextRef, piece: &[u8]) -> Status {
    for _ in 0..16 {
        match status {
            Status::Events => {
                let _ = engine.take_events();
                status = engine.status();
            }
            Status::Asking(Question::Session) => {
                let _ = engine.resume_session_id();
                engine.load_session(piece);
                status = engine.resume();
            }
            Status::Asking(question) => {
                let _ = engine.alpn_request();
                if question == Question::ServerName {
                    let _ = engine.use_sni_context(sni_context, true);
                }
                engine.select_alpn(Some(piece.len() % 3));
                status = engine.resume();
            }
            _ => return status,
        }
    }
    status
}

/// Feeds `input` in `chunk`-sized pieces, answering every question the connection asks as a JS
/// caller would, and uses every accessor a socket uses after each step.
fn drive(engine: &mut Connection, sni_context: &SslContextRef, input: &[u8], chunk: usize) {
    let mut buf = vec![0u8; 16 * 1024];
    for piece in input.chunks(chunk.max(1)) {
        let status = engine.receive(piece);
        let status = handle(engine, status, sni_context, piece);
        drain(engine);
        if status == Status::Failed {
            let _ = engine.error();
            return;
        }
        if engine.handshake_done() {
            read_all(engine, &mut buf);
            let _ = engine.verify_error();
            let _ = (engine.protocol(), engine.ephemeral_key(), engine.alpn_protocol(), engine.servername());
            let _ = (engine.session(), engine.tls_ticket());
            if let Some(cert) = engine.ssl().peer_certificate() {
                crate::x509::fuzz_certificate_text(&cert);
            }
            let _ = engine.encrypt(b"ping");
            drain(engine);
        }
    }
    engine.shutdown();
    drain(engine);
}

/// Reads every record there is, taking the events reading produces.
fn read_all(engine: &mut Connection, buf: &mut [u8]) {
    for _ in 0..1024 {
        if engine.read_cleartext(buf).is_none() {
            if engine.status() != Status::Events {
                return;
            }
            let _ = engine.take_events();
        }
    }
}

fn drain(engine: &mut Connection) {
    let mut out = vec![0u8; engine.pending_ciphertext()];
    engine.take_ciphertext(&mut out);
}

/// The option parsers: byte 0 picks key (PEM, passphrase "sample"), cert chain (PEM), PFX
/// (passphrase "sample" or none), CA list, CRL or a DER certificate's text; the rest is the input.
pub fn option_parsers(data: &[u8]) {
    let Some((&which, input)) = data.split_first() else { return };
    let Ok(mut ctx) = Context::new() else { return };
    match which % 7 {
        0 => drop(ctx.use_private_key_pem(input, b"sample")),
        1 => drop(ctx.use_certificate_chain_pem(input)),
        2 => drop(ctx.load_pkcs12(input, Some(c"sample"))),
        3 => drop(ctx.load_pkcs12(input, None)),
        4 => ctx.add_ca_certs(input),
        5 => drop(ctx.add_crl(input)),
        _ => {
            if let Ok(cert) = openssl::x509::X509::from_der(input) {
                crate::x509::fuzz_certificate_text(&cert);
            }
        }
    }
    unsafe { openssl_sys::ERR_clear_error() };
}

/// Seed inputs for the three bodies: real handshake flights and the fixture files, each with
/// its leading selector bytes. `fuzz/README.md` says how to write them out as a corpus.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    for opts in [0u8, OPT_TLS12, OPT_ALPN | OPT_SESSIONS, OPT_SNI_CALLBACK | OPT_ALPN_CALLBACK | OPT_ALPN] {
        let (to_server, to_client) = CONTEXTS.with(|c| transcript(c, opts));
        seeds.push(("server_receive", [&[opts, 255][..], &to_server].concat()));
        seeds.push(("client_receive", [&[opts, 255][..], &to_client].concat()));
    }
    for (which, name) in [
        (0u8, "agent-key-encrypted.pem"),
        (0, "agent-key-encrypted-legacy.pem"),
        (1, "agent-chain.pem"),
        (2, "agent.pfx"),
        (3, "client.pfx"),
        (4, "ca-cert.pem"),
        (5, "ca-crl.pem"),
    ] {
        seeds.push(("option_parsers", [&[which][..], &fixture(name)].concat()));
    }
    if let Ok(cert) = openssl::x509::X509::from_pem(&fixture("agent-cert.pem")) {
        seeds.push(("option_parsers", [&[6u8][..], &cert.to_der().unwrap_or_default()].concat()));
    }
    seeds
}

/// Everything a client sent to a server and the server to the client in one full handshake
/// and exchange with the options `opts`.
fn transcript(c: &Contexts, opts: u8) -> (Vec<u8>, Vec<u8>) {
    let ctx = if opts & OPT_TLS12 != 0 { &c.server12 } else { &c.server };
    let (Ok(mut client), Ok(mut server)) = (Connection::new(c.client.ssl_context(), false), Connection::new(ctx.ssl_context(), true))
    else {
        return Default::default();
    };
    client.set_servername("localhost");
    if opts & OPT_ALPN != 0 {
        let _ = client.set_alpn_protocols(b"\x02h2\x08http/1.1");
        let _ = server.set_alpn_protocols(b"\x02h2\x08http/1.1");
    }
    let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
    let take = |e: &mut Connection| {
        let mut out = vec![0u8; e.pending_ciphertext()];
        let n = e.take_ciphertext(&mut out);
        out.truncate(n);
        out
    };
    client.start();
    for round in 0..6 {
        if round == 3 {
            let _ = client.encrypt(b"hello");
            let _ = server.encrypt(b"world");
        }
        let bytes = take(&mut client);
        to_server.extend_from_slice(&bytes);
        server.receive(&bytes);
        let bytes = take(&mut server);
        to_client.extend_from_slice(&bytes);
        client.receive(&bytes);
        let mut buf = [0u8; 16384];
        read_all(&mut client, &mut buf);
        read_all(&mut server, &mut buf);
    }
    (to_server, to_client)
}

#[cfg(test)]
mod tests {
    //! The CI part of the fuzzing: the same bodies over seeded mutations of real handshakes and
    //! fixture files, 20,000 inputs (about 2 s) (FUZZ_ITERATIONS overrides the count).
    use super::*;

    /// xorshift64*: reproducible pseudo-random numbers from a seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 { 0 } else { (self.next() % n as u64) as usize }
        }
    }

    /// One mutation of the kinds libFuzzer applies: flip, overwrite, insert, erase, truncate,
    /// duplicate a slice, set an interesting byte.
    fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
        let len = input.len();
        match rng.below(7) {
            0 if len > 0 => input[rng.below(len)] ^= 1 << rng.below(8),
            1 if len > 0 => input[rng.below(len)] = rng.next() as u8,
            2 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(at..at, bytes);
            }
            3 if len > 1 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                input.drain(at..at + n);
            }
            4 => input.truncate(rng.below(len + 1)),
            5 if len > 1 => {
                let from = rng.below(len);
                let n = 1 + rng.below((len - from).min(256));
                let slice = input[from..from + n].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, slice);
            }
            _ if len > 0 => input[rng.below(len)] = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x16, 0x15, 0x17][rng.below(8)],
            _ => input.push(rng.next() as u8),
        }
    }

    fn run(body: &str, input: &[u8]) {
        match body {
            "server_receive" => server_receive(input),
            "client_receive" => client_receive(input),
            _ => option_parsers(input),
        }
    }

    #[test]
    fn seeds_reach_the_end_of_a_handshake() {
        let seeds = seeds();
        assert!(seeds.iter().filter(|(b, s)| b.ends_with("receive") && s.len() > 1000).count() >= 8, "real flights recorded");
        for (body, input) in &seeds {
            run(body, input);
        }
    }

    #[test]
    fn bodies_survive_seeded_mutations() {
        let iterations: usize = std::env::var("FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(20000);
        let seeds = seeds();
        let mut rng = Rng(0x7115_2026_0008_u64);
        for i in 0..iterations {
            let (body, seed) = &seeds[rng.below(seeds.len())];
            let mut input = seed.clone();
            for _ in 0..1 + rng.below(8) {
                mutate(&mut rng, &mut input);
            }
            if i % 10 == 0 {
                // Pure noise too, with a valid-looking selector prefix.
                let n = rng.below(4096);
                input = (0..n).map(|_| rng.next() as u8).collect();
            }
            run(body, &input);
        }
    }

    /// Every input the long fuzz runs found crashing (fuzz/regressions/<body>/*) runs clean now.
    #[test]
    fn fuzz_regressions() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
        let mut ran = 0;
        for body in ["server_receive", "client_receive", "option_parsers"] {
            for entry in std::fs::read_dir(format!("{dir}/{body}")).into_iter().flatten().flatten() {
                run(body, &std::fs::read(entry.path()).unwrap());
                ran += 1;
            }
        }
        assert!(ran >= 1, "the regression inputs are present");
    }

    /// `TLS_RS_WRITE_FUZZ_SEEDS=<dir> cargo test write_seed_corpus`: the seeds as a cargo-fuzz
    /// corpus (`<dir>/<body>/seed-N`).
    #[test]
    fn write_seed_corpus() {
        let Ok(dir) = std::env::var("TLS_RS_WRITE_FUZZ_SEEDS") else { return };
        for (i, (body, input)) in seeds().iter().enumerate() {
            let d = format!("{dir}/{body}");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(format!("{d}/seed-{i}"), input).unwrap();
        }
    }
}
