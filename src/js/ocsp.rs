//! The OCSP members beyond Node (lib/ocsp-stapling.js uses them): on `SecureContext`, what to ask
//! a responder about its certificate and the response to staple; on `TlsConnection`, the check of
//! what a server stapled. Node's own OCSP members (requestOCSP, setOCSPResponse, ...) are in
//! connection.rs.

use super::connection::TlsConnection;
use super::secure_context::SecureContext;
use crate::context::ocsp_staple::{self, CertStatus, InvalidResponse, OcspVerdict};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// What `ocspStaplingTarget()` returns: the context's certificate, its issuer, the responders
/// its AIA extension names and the DER OCSP request for it (null without an issuer).
#[napi(object)]
pub struct OcspStaplingTarget {
    pub certificate: Buffer,
    pub issuer: Option<Buffer>,
    pub responders: Vec<String>,
    pub request: Option<Buffer>,
}

/// What an OCSP response says about a certificate, or (`error`) why it cannot be used. Times are
/// milliseconds since the epoch.
#[napi(object)]
pub struct OcspResponseCheck {
    /// Why the response is unusable; the other fields are then absent.
    pub error: Option<String>,
    /// 'good', 'revoked' or 'unknown'.
    pub status: Option<String>,
    pub this_update: Option<f64>,
    /// Absent when the response has no nextUpdate.
    pub next_update: Option<f64>,
    pub revocation_time: Option<f64>,
    /// RFC 5280's CRLReason name ('keyCompromise', ...), when the responder gave one.
    pub revocation_reason: Option<String>,
}

impl From<std::result::Result<OcspVerdict, InvalidResponse>> for OcspResponseCheck {
    fn from(checked: std::result::Result<OcspVerdict, InvalidResponse>) -> Self {
        let ms = |s: i64| s as f64 * 1000.0;
        match checked {
            Err(e) => OcspResponseCheck {
                error: Some(e.0),
                status: None,
                this_update: None,
                next_update: None,
                revocation_time: None,
                revocation_reason: None,
            },
            Ok(v) => {
                let (time, reason) = match &v.status {
                    CertStatus::Revoked { time, reason } => (time.map(ms), reason.map(str::to_owned)),
                    _ => (None, None),
                };
                OcspResponseCheck {
                    error: None,
                    status: Some(v.status.name().to_owned()),
                    this_update: Some(ms(v.this_update)),
                    next_update: v.next_update.map(ms),
                    revocation_time: time,
                    revocation_reason: reason,
                }
            }
        }
    }
}

#[napi]
impl SecureContext {
    /// The certificate OCSP stapling fetches a response for (the one `getCertificate()` returns),
    /// or null when the context has none.
    #[napi(js_name = "ocspStaplingTarget")]
    pub fn ocsp_stapling_target(&self) -> Result<Option<OcspStaplingTarget>> {
        let Some(cert) = self.context.cert.as_ref() else { return Ok(None) };
        let der = |c: &openssl::x509::X509Ref| c.to_der().map(Buffer::from).map_err(|e| Error::from_reason(e.to_string()));
        let issuer = self.context.issuer.as_ref();
        let request = match issuer {
            Some(issuer) => Some(ocsp_staple::ocsp_request(cert, issuer).map_err(|e| Error::from_reason(e.0))?.into()),
            None => None,
        };
        Ok(Some(OcspStaplingTarget {
            certificate: der(cert)?,
            issuer: issuer.map(|i| der(i)).transpose()?,
            responders: ocsp_staple::responders(cert),
            request,
        }))
    }

    /// Checks `response` (DER) for the context's certificate and, when it is usable, staples it
    /// from now on to clients that ask, until its nextUpdate. Returns the check either way.
    #[napi(js_name = "setOCSPStaple")]
    pub fn set_ocsp_staple(&self, response: &[u8]) -> OcspResponseCheck {
        let (Some(cert), Some(issuer)) = (self.context.cert.as_ref(), self.context.issuer.as_ref()) else {
            return std::result::Result::<OcspVerdict, _>::Err(InvalidResponse("the context has no certificate with a known issuer".into())).into();
        };
        let checked = ocsp_staple::check_for_stapling(response, cert, issuer, ocsp_staple::now());
        if let Ok(verdict) = &checked {
            let context = self.ssl_context();
            ocsp_staple::set_staple(context, cert, response, verdict.next_update);
        }
        checked.into()
    }

    /// Stops stapling the context's response.
    #[napi(js_name = "clearOCSPStaple")]
    pub fn clear_ocsp_staple(&self) {
        ocsp_staple::clear_staple(self.ssl_context());
    }
}

#[napi]
impl TlsConnection {
    /// Client, after the handshake: what the server stapled says about its certificate (checked
    /// now), or null when nothing was stapled.
    #[napi(catch_unwind, js_name = "checkOCSPStaple")]
    pub fn check_ocsp_staple(&self, env: &Env) -> Result<Option<OcspResponseCheck>> {
        self.query(env, None, |c| c.check_stapled_ocsp(ocsp_staple::now()).map(Into::into))
    }
}
