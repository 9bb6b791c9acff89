//! X509 → the plain object `getPeerCertificate()` returns (Node's X509ToObject).
//! Interim: a minimal subset; the complete field-by-field port replaces this file.

use napi::bindgen_prelude::*;
use openssl::hash::MessageDigest;
use openssl::ssl::SslRef;
use openssl::x509::X509Ref;

fn fingerprint(cert: &X509Ref, md: MessageDigest) -> Result<String> {
    let d = cert.digest(md).map_err(|e| Error::from_reason(e.to_string()))?;
    Ok(d.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"))
}

/// One certificate as Node's object (without `issuerCertificate`).
pub fn certificate_object<'e>(env: &'e Env, cert: &X509Ref) -> Result<Object<'e>> {
    let mut obj = Object::new(env)?;
    let mut subject = Object::new(env)?;
    for e in cert.subject_name().entries() {
        let key = e.object().nid().short_name().unwrap_or("UNDEF");
        let val = e.data().as_utf8().map(|s| s.to_string()).unwrap_or_default();
        subject.set_named_property(key, val)?;
    }
    obj.set_named_property("subject", subject)?;
    obj.set_named_property("valid_from", cert.not_before().to_string())?;
    obj.set_named_property("valid_to", cert.not_after().to_string())?;
    obj.set_named_property("fingerprint256", fingerprint(cert, MessageDigest::sha256())?)?;
    let der = cert.to_der().map_err(|e| Error::from_reason(e.to_string()))?;
    obj.set_named_property("raw", Buffer::from(der))?;
    Ok(obj)
}

/// The peer's certificate (with the issuer chain when `detailed`), or None if it sent none.
pub fn peer_certificate<'e>(env: &'e Env, ssl: &SslRef, _is_server: bool, _detailed: bool) -> Result<Option<Object<'e>>> {
    match ssl.peer_certificate() {
        Some(cert) => certificate_object(env, &cert).map(Some),
        None => Ok(None),
    }
}
