//! The addon's module-level functions (the classes have files of their own).

use super::errors::{throw_error, throw_stack};
use crate::error::OpenSslError;
use crate::context::{ciphers, root_store};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::ffi::CString;

/// Every cipher (TLS 1.3 suites included) of a default TLS context, as OpenSSL names them.
#[napi(catch_unwind, js_name = "getSSLCiphers")]
pub fn get_ssl_ciphers() -> Vec<String> {
    ciphers::ssl_ciphers()
}

/// What `loadRootCertificates` reports.
#[napi(object)]
pub struct RootStoreInfo {
    /// Certificates in the shared store (bundled + extra).
    pub certificates: u32,
    /// Whether the `extraCertsFile` was loaded (Node's `isExtraRootCertsFileLoaded()`).
    pub extra_loaded: bool,
    /// OpenSSL's error string when the extra file could not be loaded, for Node's warning
    /// "Warning: Ignoring extra certs from `FILE`, load failed: ERROR".
    pub extra_error: Option<String>,
}

/// Where OpenSSL's default CA store is (Node's `--use-openssl-ca`): the certificates (and CRLs)
/// of a PEM file, and hashed certificate directories (`:`-separated).
#[napi(object)]
pub struct OpenSslStorePaths {
    pub file: String,
    pub dir: String,
}

/// Builds the shared root store from the bundled PEM roots (or, given `opensslStore`, from
/// OpenSSL's CA store instead) and, when `extraCertsFile` is given, the PEM certificates in that
/// file (Node's NODE_EXTRA_CA_CERTS). Only the first call builds; later calls report what was built.
/// `extraInPrivateCopies`: whether a context's private store (made when it adds trust of its
/// own) holds the extra certificates too, as from Node 22.7.
#[napi(catch_unwind, js_name = "loadRootCertificates")]
pub fn load_root_certificates(
    env: Env,
    roots: Vec<String>,
    extra_certs_file: Option<String>,
    openssl_store: Option<OpenSslStorePaths>,
    extra_in_private_copies: Option<bool>,
) -> Result<RootStoreInfo> {
    let openssl_store = match openssl_store {
        Some(paths) => {
            let c = |v: String| CString::new(v).map_err(|_| Error::new(Status::InvalidArg, "path contains NUL"));
            Some((c(paths.file)?, c(paths.dir)?))
        }
        None => None,
    };
    let info = root_store::load(&roots, extra_certs_file.as_deref(), openssl_store, extra_in_private_copies.unwrap_or(false))
        .map_err(|e| throw_stack(&env, &e, "PEM_read_bio_X509"))?;
    Ok(RootStoreInfo { certificates: info.certificates, extra_loaded: info.extra_loaded, extra_error: info.extra_error })
}

/// Node's setDefaultCACertificates, after lib/ checked and deduplicated the PEM certificates:
/// contexts made from now on without `ca` trust exactly these. Throws OpenSSL's error when one
/// does not parse (the store unchanged).
#[napi(catch_unwind, js_name = "setDefaultRootCertificates")]
pub fn set_default_root_certificates(env: Env, pems: Vec<String>) -> Result<()> {
    root_store::set_default(&pems).map_err(|e| throw_stack(&env, &e, "PEM_read_bio_X509"))
}

/// The certificates of a PEM text, each as OpenSSL writes it, read as Node's
/// setDefaultCACertificates reads each array element: PEM_read_bio_X509 until the text ends
/// (blocks of other kinds, and text around blocks, are passed over); a certificate block that does
/// not parse throws OpenSSL's error — the last queued, PEM's own ("ASN1 lib" after the DER
/// decoder's), as Node reports it.
#[napi(catch_unwind, js_name = "pemCertificates")]
pub fn pem_certificates(env: Env, text: &[u8]) -> Result<Vec<String>> {
    let certs = root_store::certificates_in_pem(text).map_err(|stack| match OpenSslError::from_stack_last(&stack) {
        Some(last) => throw_error(&env, &last),
        None => throw_stack(&env, &stack, "PEM_read_bio_X509"),
    })?;
    let mut pems = Vec::with_capacity(certs.len());
    for cert in certs {
        let pem = cert.to_pem().map_err(|e| throw_stack(&env, &e, "PEM_write_bio_X509"))?;
        pems.push(String::from_utf8_lossy(&pem).into_owned());
    }
    Ok(pems)
}

/// PEM of every certificate in the current default store (for getCACertificates('default')
/// under --use-openssl-ca, where the store is OpenSSL's and only it knows what it holds).
#[napi(catch_unwind, js_name = "defaultRootCertificates")]
pub fn default_root_certificates() -> Vec<String> {
    root_store::default_certificates_pem()
}

/// `liveObjects()`: how many native objects exist now.
#[napi(object)]
pub struct LiveObjects {
    /// Connections (SSL objects) not yet freed: one per open or not-yet-collected-and-undestroyed socket.
    pub sessions: i64,
    /// TlsConnection handles JS has not yet garbage-collected.
    pub session_handles: i64,
    /// SecureContext objects JS has not yet garbage-collected.
    pub contexts: i64,
    /// Sockets native transports own now (open, or closing).
    pub sockets: i64,
    /// Handshake steps run on the handshake pool since the process started.
    pub offloaded_steps: i64,
}

/// The live counts of native connections, connection handles and contexts in this process.
#[napi(catch_unwind)]
pub fn live_objects() -> LiveObjects {
    let (sessions, session_handles, contexts, sockets) = crate::live_objects::counts();
    LiveObjects { sessions, session_handles, contexts, sockets, offloaded_steps: crate::live_objects::offloaded_steps() }
}

/// Whether errors and the few answers where OpenSSL 3.0 and 3.6 differ are given in 3.0's
/// words: lib/binding.js passes true when the running Node's OpenSSL is older than 3.2 (Node
/// 18/20), once at load (not a Node function).
#[napi(js_name = "answerAsOpenSSL30")]
pub fn answer_as_openssl_30(on: bool) {
    crate::host_openssl::set_answers_as_openssl_30(on);
}

/// Whose certificate objects getPeerCertificate() / getCertificate() build: 20 (Node 18/20), 22
/// or 24 — lib/binding.js passes lib/host-tls.js's answer once at load (not a Node function).
#[napi(js_name = "certificateObjectsAs")]
pub fn certificate_objects_as(major: u32) {
    crate::x509::set_object_style(major);
}

/// Whether an SNI context's certificate replaces every certificate a connection had, not only
/// the one of its key type (as the running Node's does from 24.20); set once by lib/binding.js.
#[napi(js_name = "sniContextReplacesIdentity")]
pub fn sni_context_replaces_identity(on: bool) {
    crate::conn::set_sni_context_replaces_identity(on);
}

/// Whether servers bind sessions to the client's server name as Node 22.23.5+ / 24.22.3+ do
/// (src/conn/servername_binding.rs): lib/binding.js passes lib/host-tls.js's answer once at
/// load (not a Node function).
#[napi(js_name = "bindSessionsToServername")]
pub fn bind_sessions_to_servername(on: bool) {
    crate::conn::bind_sessions_to_servername(on);
}

/// Whether a server without a protocol in common with the client's ALPN offer refuses the
/// handshake (Node 19+) or goes on without ALPN (Node 18): lib/binding.js passes lib/host-tls.js's
/// answer once at load (not a Node function).
#[napi(js_name = "refuseALPNWithoutOverlap")]
pub fn refuse_alpn_without_overlap(on: bool) {
    crate::conn::refuse_alpn_without_overlap(on);
}

/// A new Encrypted Client Hello key and its ECHConfig for `publicName` (X25519, HKDF-SHA256,
/// AES-128-GCM), as the PEM `echKeys` and `openssl ech` read (a PRIVATE KEY block, then an
/// ECHCONFIG block: the base64 ECHConfigList clients use). `maxNameLength` (0-255) is the
/// ECHConfig's maximum_name_length.
#[napi(catch_unwind, js_name = "generateECHKey")]
pub fn generate_ech_key(env: Env, public_name: String, max_name_length: u32) -> Result<String> {
    let max = u8::try_from(max_name_length).unwrap_or(u8::MAX);
    crate::context::ech::generate(&public_name, max).map_err(|e| super::errors::throw_error(&env, &e))
}
