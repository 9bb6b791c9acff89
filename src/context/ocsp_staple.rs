//! OCSP stapling without user code (beyond Node): the pieces that do not touch a connection.
//!
//! - `ocsp_request` / `responders`: the DER OCSP request for a certificate (built from it and its
//!   issuer) and the responder URLs of its Authority Information Access extension, for
//!   lib/ocsp-stapling.js to POST;
//! - `check_response`: whether a DER OCSPResponse is a successful response for a certificate,
//!   signed by its issuer or by a responder the issuer authorised, and fresh; what it says about
//!   the certificate. The server checks what it fetched before stapling it, a `checkOCSP` client
//!   checks what was stapled, with the same rules;
//! - the staple a context holds for its certificate (`set_staple`, `staple_for`), which OpenSSL's
//!   status callback (conn/ocsp.rs) staples when a client asks and the caller answers nothing.

use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::asn1::{Asn1GeneralizedTimeRef, Asn1Time, Asn1TimeRef};
use openssl::ex_data::Index;
use openssl::hash::MessageDigest;
use openssl::ocsp::{OcspCertId, OcspCertStatus, OcspFlag, OcspRequest, OcspResponse, OcspResponseStatus, OcspRevokedStatus};
use openssl::ssl::{SslContext, SslContextBuilder, SslContextRef};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::{X509Ref, X509};
use openssl_sys as sys;
use std::sync::{Mutex, OnceLock};

/// Clock skew tolerated on thisUpdate / nextUpdate, in seconds (OpenSSL's `ocsp -validity_period`
/// default, and what OCSP_check_validity callers use).
pub const CLOCK_SKEW: i64 = 5 * 60;

/// What a valid OCSP response says about one certificate. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspVerdict {
    pub status: CertStatus,
    pub this_update: i64,
    /// None: the responder says newer information is always available (no nextUpdate).
    pub next_update: Option<i64>,
}

/// The certificate's status in a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    /// Revoked at `time` (Unix seconds) for `reason` (RFC 5280's CRLReason name, if given).
    Revoked { time: Option<i64>, reason: Option<&'static str> },
    Unknown,
}

impl CertStatus {
    /// 'good', 'revoked' or 'unknown', as OpenSSL's OCSP_cert_status_str.
    pub fn name(&self) -> &'static str {
        match self {
            CertStatus::Good => "good",
            CertStatus::Revoked { .. } => "revoked",
            CertStatus::Unknown => "unknown",
        }
    }
}

/// Why a response cannot be used for a certificate (the text is the error's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidResponse(pub String);

impl std::fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(message: impl Into<String>) -> InvalidResponse {
    unsafe { sys::ERR_clear_error() };
    InvalidResponse(message.into())
}

/// The certificate's id in OCSP (SHA-1 hashes of the issuer's name and key, and the serial), as
/// every responder and `openssl ocsp` expect it.
fn cert_id(cert: &X509Ref, issuer: &X509Ref) -> Result<OcspCertId, InvalidResponse> {
    OcspCertId::from_cert(MessageDigest::sha1(), cert, issuer).map_err(|e| invalid(format!("cannot identify the certificate: {e}")))
}

/// A DER OCSPRequest asking about `cert` (issued by `issuer`), without a nonce so that the answer
/// can be cached and stapled.
pub fn ocsp_request(cert: &X509Ref, issuer: &X509Ref) -> Result<Vec<u8>, InvalidResponse> {
    let id = cert_id(cert, issuer)?;
    let mut request = OcspRequest::new().map_err(|e| invalid(e.to_string()))?;
    request.add_id(id).map_err(|e| invalid(e.to_string()))?;
    request.to_der().map_err(|e| invalid(e.to_string()))
}

/// The OCSP responder URLs of `cert`'s Authority Information Access extension, in order.
pub fn responders(cert: &X509Ref) -> Vec<String> {
    let urls = cert.ocsp_responders().map(|s| s.iter().map(|u| u.to_string()).collect()).unwrap_or_default();
    unsafe { sys::ERR_clear_error() };
    urls
}

/// Checks `der` as an OCSP response for `cert`, issued by `issuer`, at Unix time `now`: a
/// successful response, signed by the issuer or by a certificate the issuer gave the OCSP signing
/// purpose (found in the response or in `certs`), with a status for `cert` whose thisUpdate is not
/// in the future and whose nextUpdate is not past (both within `CLOCK_SKEW`).
pub fn check_response(der: &[u8], cert: &X509Ref, issuer: &X509Ref, certs: &[X509], now: i64) -> Result<OcspVerdict, InvalidResponse> {
    let response = OcspResponse::from_der(der).map_err(|_| invalid("the OCSP response is not a DER OCSPResponse"))?;
    let status = response.status();
    if status != OcspResponseStatus::SUCCESSFUL {
        return Err(invalid(format!("the OCSP responder answered '{}'", response_status_name(status))));
    }
    let basic = response.basic().map_err(|_| invalid("the OCSP response has no basic response"))?;
    // The issuer is the trust anchor (partial chain: it may be an intermediate); a delegated
    // responder must chain to it and carry id-kp-OCSPSigning (OCSP_basic_verify's issuer check).
    let mut store = X509StoreBuilder::new().map_err(|e| invalid(e.to_string()))?;
    store.add_cert(issuer.to_owned()).map_err(|e| invalid(e.to_string()))?;
    store.set_flags(X509VerifyFlags::PARTIAL_CHAIN).map_err(|e| invalid(e.to_string()))?;
    let store = store.build();
    let mut untrusted = Stack::new().map_err(|e| invalid(e.to_string()))?;
    untrusted.push(issuer.to_owned()).map_err(|e| invalid(e.to_string()))?;
    for c in certs {
        untrusted.push(c.clone()).map_err(|e| invalid(e.to_string()))?;
    }
    if let Err(e) = basic.verify(&untrusted, &store, OcspFlag::empty()) {
        let reason = e.errors().first().and_then(|e| e.reason().map(str::to_owned)).unwrap_or_else(|| e.to_string());
        return Err(invalid(format!("the OCSP response signature does not verify: {reason}")));
    }
    let id = cert_id(cert, issuer)?;
    let Some(found) = basic.find_status(&id) else {
        return Err(invalid("the OCSP response has no status for the certificate"));
    };
    let this_update = unix_seconds(found.this_update).ok_or_else(|| invalid("the OCSP response has an unreadable thisUpdate"))?;
    let next_update = match found.next_update() {
        Some(t) => Some(unix_seconds(t).ok_or_else(|| invalid("the OCSP response has an unreadable nextUpdate"))?),
        None => None,
    };
    if this_update > now + CLOCK_SKEW {
        return Err(invalid("the OCSP response is not yet valid (thisUpdate is in the future)"));
    }
    if let Some(next) = next_update {
        if next < now - CLOCK_SKEW {
            return Err(invalid("the OCSP response has expired (nextUpdate is past)"));
        }
        if next < this_update {
            return Err(invalid("the OCSP response's nextUpdate is before its thisUpdate"));
        }
    }
    let status = match found.status {
        OcspCertStatus::GOOD => CertStatus::Good,
        OcspCertStatus::REVOKED => CertStatus::Revoked {
            time: found.revocation_time.and_then(unix_seconds),
            reason: revocation_reason(found.reason),
        },
        _ => CertStatus::Unknown,
    };
    unsafe { sys::ERR_clear_error() };
    Ok(OcspVerdict { status, this_update, next_update })
}

fn response_status_name(status: OcspResponseStatus) -> &'static str {
    match status {
        OcspResponseStatus::MALFORMED_REQUEST => "malformedRequest",
        OcspResponseStatus::INTERNAL_ERROR => "internalError",
        OcspResponseStatus::TRY_LATER => "tryLater",
        OcspResponseStatus::SIG_REQUIRED => "sigRequired",
        OcspResponseStatus::UNAUTHORIZED => "unauthorized",
        _ => "an unknown status",
    }
}

/// RFC 5280's CRLReason names (OpenSSL's OCSP_crl_reason_str, in camel case).
fn revocation_reason(reason: OcspRevokedStatus) -> Option<&'static str> {
    Some(match reason {
        OcspRevokedStatus::UNSPECIFIED => "unspecified",
        OcspRevokedStatus::KEY_COMPROMISE => "keyCompromise",
        OcspRevokedStatus::CA_COMPROMISE => "cACompromise",
        OcspRevokedStatus::AFFILIATION_CHANGED => "affiliationChanged",
        OcspRevokedStatus::STATUS_SUPERSEDED => "superseded",
        OcspRevokedStatus::STATUS_CESSATION_OF_OPERATION => "cessationOfOperation",
        OcspRevokedStatus::STATUS_CERTIFICATE_HOLD => "certificateHold",
        OcspRevokedStatus::REMOVE_FROM_CRL => "removeFromCRL",
        _ => return None,
    })
}

/// A GeneralizedTime as Unix seconds.
fn unix_seconds(time: &Asn1GeneralizedTimeRef) -> Option<i64> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    // ASN1_GENERALIZEDTIME and ASN1_TIME are both ASN1_STRING; ASN1_TIME_diff reads either.
    let time = unsafe { Asn1TimeRef::from_ptr(time.as_ptr() as *mut sys::ASN1_TIME) };
    let diff = epoch.diff(time).ok()?;
    Some(i64::from(diff.days) * 86_400 + i64::from(diff.secs))
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Checks `der` as `check_response` does, for a server about to staple it: a response whose
/// nextUpdate is past at `now` is refused even within `CLOCK_SKEW`, as `staple_for` would never
/// staple it (the skew is for judging another party's clock, not for serving stale answers).
pub fn check_for_stapling(der: &[u8], cert: &X509Ref, issuer: &X509Ref, now: i64) -> Result<OcspVerdict, InvalidResponse> {
    let verdict = check_response(der, cert, issuer, &[], now)?;
    if verdict.next_update.is_some_and(|next| next < now) {
        return Err(invalid("the OCSP response has expired (nextUpdate is past)"));
    }
    Ok(verdict)
}

/// The response a context staples for its certificate.
struct Staple {
    cert: X509,
    response: Vec<u8>,
    next_update: Option<i64>,
}

/// Per-SSL_CTX staple, attached when the context is made (so that connections on other threads
/// only ever read the ex_data slot) and replaced under its lock.
#[derive(Default)]
struct StapleSlot(Mutex<Option<Staple>>);

fn staple_index() -> Index<SslContext, StapleSlot> {
    static INDEX: OnceLock<Index<SslContext, StapleSlot>> = OnceLock::new();
    *INDEX.get_or_init(|| SslContext::new_ex_index().expect("SSL_CTX ex_data index"))
}

/// Gives a new context its (empty) staple slot.
pub fn prepare(builder: &mut SslContextBuilder) {
    builder.set_ex_data(staple_index(), StapleSlot::default());
}

/// Makes `response` the staple for `cert` on `context`, until `next_update` (Unix seconds).
pub fn set_staple(context: &SslContextRef, cert: &X509Ref, response: &[u8], next_update: Option<i64>) {
    if let Some(slot) = context.ex_data(staple_index()) {
        let mut staple = slot.0.lock().unwrap_or_else(|e| e.into_inner());
        *staple = Some(Staple { cert: cert.to_owned(), response: response.to_vec(), next_update });
    }
}

/// Drops the context's staple.
pub fn clear_staple(context: &SslContextRef) {
    if let Some(slot) = context.ex_data(staple_index()) {
        *slot.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// The response to staple for `cert` (the certificate the handshake uses) from `context`: its
/// staple when it is for that certificate and its nextUpdate is not past at `now`.
pub fn staple_for(context: &SslContextRef, cert: *mut sys::X509, now: i64) -> Option<Vec<u8>> {
    if cert.is_null() {
        return None;
    }
    let slot = context.ex_data(staple_index())?;
    let staple = slot.0.lock().unwrap_or_else(|e| e.into_inner());
    let staple = staple.as_ref()?;
    if staple.next_update.is_some_and(|next| next < now) {
        return None;
    }
    let same = staple.cert.as_ptr() == cert || unsafe { sys::X509_cmp(staple.cert.as_ptr(), cert) } == 0;
    same.then(|| staple.response.clone())
}

/// Responses from a real `openssl ocsp`, checked at chosen times.
#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    struct Pki {
        dir: PathBuf,
        ca: X509,
        leaf: X509,
    }

    fn openssl(dir: &Path, args: &[&str]) {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("the openssl CLI");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A CA, a leaf with an AIA OCSP URL, an index.txt listing the leaf as `state` (V or R).
    fn pki(name: &str, state: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("tls-rs-ocsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        openssl(&dir, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "30", "-subj", "/CN=OCSP test CA"]);
        openssl(&dir, &["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
            "-subj", "/CN=localhost"]);
        std::fs::write(dir.join("ext.cnf"), "authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/\n").unwrap();
        openssl(&dir, &["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x1001", "-days", "30",
            "-extfile", "ext.cnf", "-out", "leaf.pem"]);
        let revoked = if state == "R" { "250101000000Z" } else { "" };
        std::fs::write(dir.join("index.txt"), format!("{state}\t351231000000Z\t{revoked}\t1001\tunknown\t/CN=localhost\n")).unwrap();
        let ca = X509::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
        let leaf = X509::from_pem(&std::fs::read(dir.join("leaf.pem")).unwrap()).unwrap();
        Pki { dir, ca, leaf }
    }

    /// The answer `openssl ocsp` (as a responder, offline) gives to our request.
    fn respond(pki: &Pki, extra: &[&str]) -> Vec<u8> {
        std::fs::write(pki.dir.join("req.der"), ocsp_request(&pki.leaf, &pki.ca).unwrap()).unwrap();
        let mut args = vec!["ocsp", "-index", "index.txt", "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem", "-reqin", "req.der",
            "-respout", "resp.der"];
        args.extend_from_slice(extra);
        openssl(&pki.dir, &args);
        std::fs::read(pki.dir.join("resp.der")).unwrap()
    }

    #[test]
    fn a_good_response_is_checked_and_its_times_read() {
        let pki = pki("good", "V");
        assert_eq!(responders(&pki.leaf), ["http://127.0.0.1:9/"]);
        let der = respond(&pki, &["-ndays", "1"]);
        let verdict = check_response(&der, &pki.leaf, &pki.ca, &[], now()).unwrap();
        assert_eq!(verdict.status, CertStatus::Good);
        assert!((verdict.this_update - now()).abs() < 120, "{verdict:?}");
        assert_eq!(verdict.next_update, Some(verdict.this_update + 86_400));
    }

    #[test]
    fn freshness_is_judged_with_the_clock_skew() {
        let pki = pki("fresh", "V");
        let der = respond(&pki, &["-ndays", "1"]);
        let at = check_response(&der, &pki.leaf, &pki.ca, &[], now()).unwrap().this_update;
        // nextUpdate past (beyond the skew): expired; within the skew: still accepted.
        let expired = check_response(&der, &pki.leaf, &pki.ca, &[], at + 86_400 + CLOCK_SKEW + 1).unwrap_err();
        assert!(expired.0.contains("expired"), "{expired}");
        assert!(check_response(&der, &pki.leaf, &pki.ca, &[], at + 86_400 + CLOCK_SKEW).is_ok());
        // thisUpdate in the future (a clock behind the responder's by more than the skew).
        let early = check_response(&der, &pki.leaf, &pki.ca, &[], at - CLOCK_SKEW - 1).unwrap_err();
        assert!(early.0.contains("not yet valid"), "{early}");
        // Without nextUpdate, a response never expires.
        let open = respond(&pki, &[]);
        assert_eq!(check_response(&open, &pki.leaf, &pki.ca, &[], at + 400 * 86_400).unwrap().next_update, None);
    }

    #[test]
    fn a_server_staples_nothing_past_next_update_even_within_the_skew() {
        let pki = pki("stapling", "V");
        let der = respond(&pki, &["-ndays", "1"]);
        let at = check_response(&der, &pki.leaf, &pki.ca, &[], now()).unwrap().this_update;
        assert!(check_for_stapling(&der, &pki.leaf, &pki.ca, at + 86_400).is_ok());
        let expired = check_for_stapling(&der, &pki.leaf, &pki.ca, at + 86_400 + 1).unwrap_err();
        assert!(expired.0.contains("expired"), "{expired}");
    }

    #[test]
    fn a_revoked_certificate_is_reported_with_time_and_reason() {
        let pki = pki("revoked", "R");
        let verdict = check_response(&respond(&pki, &["-ndays", "1"]), &pki.leaf, &pki.ca, &[], now()).unwrap();
        assert_eq!(verdict.status, CertStatus::Revoked { time: Some(1_735_689_600), reason: None });
    }

    #[test]
    fn a_response_signed_by_another_key_or_for_another_certificate_is_refused() {
        let other = pki("other", "V");
        let pki = pki("signer", "V");
        let der = respond(&pki, &["-ndays", "1"]);
        // Signed by a CA that is not the certificate's issuer.
        let err = check_response(&der, &other.leaf, &other.ca, &[], now()).unwrap_err();
        assert!(err.0.contains("does not verify"), "{err}");
        // Garbage and an unsuccessful response.
        assert!(check_response(b"nope", &pki.leaf, &pki.ca, &[], now()).unwrap_err().0.contains("not a DER"));
        let unauthorized = [0x30, 0x03, 0x0a, 0x01, 0x06];
        assert!(check_response(&unauthorized, &pki.leaf, &pki.ca, &[], now()).unwrap_err().0.contains("'unauthorized'"));
    }

    #[test]
    fn a_context_staples_only_for_its_certificate_until_next_update() {
        let pki = pki("slot", "V");
        let mut builder = SslContext::builder(openssl::ssl::SslMethod::tls()).unwrap();
        prepare(&mut builder);
        let ctx = builder.build();
        assert_eq!(staple_for(&ctx, pki.leaf.as_ptr(), 100), None);
        set_staple(&ctx, &pki.leaf, b"resp", Some(200));
        assert_eq!(staple_for(&ctx, pki.leaf.as_ptr(), 200).as_deref(), Some(&b"resp"[..]));
        assert_eq!(staple_for(&ctx, pki.leaf.as_ptr(), 201), None);
        assert_eq!(staple_for(&ctx, pki.ca.as_ptr(), 100), None);
        clear_staple(&ctx);
        assert_eq!(staple_for(&ctx, pki.leaf.as_ptr(), 100), None);
    }
}
