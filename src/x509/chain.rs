//! The peer's chain for `getPeerCertificate(true)`, as Node's GetPeerCert assembles it: the
//! chain the peer sent, completed from the trust store, each certificate linked to its issuer
//! through `issuerCertificate` (a self-signed root links to itself).

use super::{clearing_errors, Builder, MAX_STORE_ISSUERS};
use crate::ffi;
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use napi::bindgen_prelude::*;
use openssl::ssl::SslRef;
use openssl::x509::{X509, X509Ref, X509VerifyResult};
use openssl_sys as sys;

/// A certificate on the chain: borrowed from the peer's chain or owned from the trust store.
enum ChainCert<'a> {
    Peer(&'a X509Ref),
    Store(X509),
}

impl ChainCert<'_> {
    fn get(&self) -> &X509Ref {
        match self {
            ChainCert::Peer(cert) => cert,
            ChainCert::Store(cert) => cert,
        }
    }
}

fn self_issued(cert: &X509Ref) -> bool {
    cert.issued(cert) == X509VerifyResult::OK
}

/// `cert`'s issuer from the SSL_CTX's trust store (Node's SSL_CTX_get_issuer).
fn store_issuer(ssl: &SslRef, cert: &X509Ref) -> Option<X509> {
    let store = unsafe { crate::ffi::SSL_CTX_get_cert_store(crate::ffi::SSL_get_SSL_CTX(ssl.as_ptr())) };
    if store.is_null() {
        return None;
    }
    unsafe {
        let ctx = sys::X509_STORE_CTX_new();
        if ctx.is_null() {
            return None;
        }
        let mut issuer: *mut sys::X509 = std::ptr::null_mut();
        let found = sys::X509_STORE_CTX_init(ctx, store, std::ptr::null_mut(), std::ptr::null_mut()) == 1
            && ffi::X509_STORE_CTX_get1_issuer(&mut issuer, ctx, cert.as_ptr()) == 1
            && !issuer.is_null();
        sys::X509_STORE_CTX_free(ctx);
        found.then(|| X509::from_ptr(issuer))
    }
}

/// The peer's certificate (with the issuer chain when `detailed`), or None if it sent none.
pub fn peer_certificate<'e>(env: &'e Env, ssl: &SslRef, is_server: bool, detailed: bool) -> napi::Result<Option<Object<'e>>> {
    clearing_errors(|| peer_certificate_inner(env, ssl, is_server, detailed))
}

fn peer_certificate_inner<'e>(env: &'e Env, ssl: &SslRef, is_server: bool, detailed: bool) -> Result<Option<Object<'e>>> {
    // On the client the peer chain starts with the peer's certificate; on the server it does not.
    let own = if is_server { ssl.peer_certificate() } else { None };
    let chain: Vec<&X509Ref> = ssl.peer_cert_chain().map(|stack| stack.iter().collect()).unwrap_or_default();
    let mut peer_certs: Vec<&X509Ref> = own.as_deref().into_iter().chain(chain).collect();
    if peer_certs.is_empty() {
        return Ok(None);
    }
    let js = Builder::new(env)?;
    let leaf = peer_certs.remove(0);
    let result = js.certificate(leaf)?;
    if !detailed {
        return Ok(Some(result));
    }

    // Link each certificate to its issuer among the rest of the peer's chain (AddIssuerChainToObject).
    let mut last_obj = result;
    let mut last = ChainCert::Peer(leaf);
    while let Some(i) = peer_certs.iter().position(|ca| ca.issued(last.get()) == X509VerifyResult::OK) {
        let ca = peer_certs.remove(i);
        let ca_obj = js.certificate(ca)?;
        last_obj.set_named_property("issuerCertificate", ca_obj)?;
        last_obj = ca_obj;
        last = ChainCert::Peer(ca);
    }

    // Continue through the local trust store (GetLastIssuedCert).
    for _ in 0..MAX_STORE_ISSUERS {
        if self_issued(last.get()) {
            break;
        }
        let Some(ca) = store_issuer(ssl, last.get()) else { break };
        let ca_obj = js.certificate(&ca)?;
        last_obj.set_named_property("issuerCertificate", ca_obj)?;
        last_obj = ca_obj;
        // A self-signed certificate without keyCertSign is not "self-issued", and the store
        // hands it back as its own issuer: stop there.
        if last.get().as_ptr() == ca.as_ptr() {
            break;
        }
        last = ChainCert::Store(ca);
    }

    // A self-signed root is its own issuer: the chain ends in a cycle, as in Node.
    if self_issued(last.get()) {
        let me = last_obj;
        last_obj.set_named_property("issuerCertificate", me)?;
    }
    Ok(Some(result))
}
