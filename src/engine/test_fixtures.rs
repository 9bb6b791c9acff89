//! Fixtures for the engine's back-to-back tests: the test PKI and moving bytes between engines.

use super::TlsEngine;
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

/// Moves all waiting ciphertext from `from` to `to`; returns `to`'s status bits.
pub fn pump(from: &mut TlsEngine, to: &mut TlsEngine) -> u32 {
    let mut buf = vec![0u8; from.pending_ciphertext()];
    let n = from.read_ciphertext(&mut buf);
    to.receive(&buf[..n])
}

/// A client trusting the test root and a server with the agent identity (localhost), at most
/// `max`; neither has started.
pub fn engine_pair(max: SslVersion) -> (TlsEngine, TlsEngine) {
    let mut b = SslContext::builder(SslMethod::tls()).unwrap();
    trust(&mut b, "ca-cert.pem");
    let client = TlsEngine::new(&b.build(), false).unwrap();
    let mut b = SslContext::builder(SslMethod::tls()).unwrap();
    use_identity(&mut b, "agent-key.pem", "agent-chain.pem");
    b.set_max_proto_version(Some(max)).unwrap();
    let server = TlsEngine::new(&b.build(), true).unwrap();
    (client, server)
}
