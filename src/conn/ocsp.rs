//! OCSP stapling (the status_request extension), as Node does it.
//!
//! Client (`requestOCSP`): asks for a stapled response; OpenSSL's status callback then reports
//! what the server stapled (or nothing) while the handshake runs, before it completes
//! (`Event::OcspResponse`: Node's 'OCSPResponse').
//!
//! Server ('OCSPRequest' listener): when the client asked for a response, the certificate
//! callback pauses the handshake (`Question::Ocsp`, after the SNI question; see questions.rs);
//! the caller answers with `set_ocsp_response` (or nothing) and `resume()`s, and OpenSSL's status
//! callback staples the answer.
//!
//! Server without an 'OCSPRequest' listener: the status callback staples the response the
//! context that supplied the certificate holds for it (lib/ocsp-stapling.js fetches it;
//! context/ocsp_staple.rs keeps it). A listener, when there is one, decides alone.
//!
//! Client (`checkOCSP`): `check_stapled_ocsp` judges what was stapled against the peer's
//! certificate and its issuer, after the handshake.

use super::events::{events_of, Event};
use super::Connection;
use crate::context::ocsp_staple::{self, InvalidResponse, OcspVerdict};
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslContext, SslContextRef, SslRef};
use openssl::x509::{X509Ref, X509};
use openssl_sys as sys;
use std::os::raw::{c_int, c_long, c_uchar, c_void};
use std::sync::OnceLock;

const SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE: c_int = 127;

/// Per-SSL OCSP state the status callback reads and writes.
#[derive(Debug, Default)]
struct Ocsp {
    /// Server: the response to staple (consumed by the status callback).
    response: Option<Vec<u8>>,
    /// Server: the caller answers (an 'OCSPRequest' listener); the context's staple is not used.
    asks_caller: bool,
    /// Server: the context whose certificate the connection serves, when SNI or setKeyCert
    /// replaced the SSL_CTX's (its staple is the one that fits).
    identity: Option<SslContext>,
    /// Client: what the server stapled.
    stapled: Option<Vec<u8>>,
}

fn ocsp_index() -> Index<Ssl, Ocsp> {
    static INDEX: OnceLock<Index<Ssl, Ocsp>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// Whether the client's hello asked for an OCSP response (server, once the ClientHello is read).
///
/// # Safety
/// `ssl` is a live SSL.
pub(super) unsafe fn ocsp_requested(ssl: *mut sys::SSL) -> bool {
    sys::SSL_ctrl(ssl, SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE, 0, std::ptr::null_mut()) == sys::TLSEXT_STATUSTYPE_ocsp as c_long
}

/// OpenSSL's status callback (both sides; installed on the SSL_CTX). Server: staples the
/// caller's answer, if any. Client: records the stapled response and accepts it (as Node: the
/// 'OCSPResponse' listener decides, and can destroy the socket).
pub(super) unsafe extern "C" fn status_callback(ssl: *mut sys::SSL, _arg: *mut c_void) -> c_int {
    let ocsp = SslRef::from_ptr_mut(ssl).ex_data_mut(ocsp_index());
    if sys::SSL_is_server(ssl) != 0 {
        let response = match ocsp {
            Some(Ocsp { response: Some(_), .. }) | Some(Ocsp { asks_caller: true, .. }) => ocsp.and_then(|o| o.response.take()),
            Some(Ocsp { identity: Some(context), .. }) => context_staple(ssl, context),
            _ => context_staple(ssl, SslContextRef::from_ptr(crate::ffi::SSL_get_SSL_CTX(ssl))),
        };
        let Some(response) = response else { return sys::SSL_TLSEXT_ERR_NOACK };
        // OpenSSL takes ownership of an OPENSSL_malloc'ed copy.
        let data = sys::CRYPTO_malloc(response.len().max(1), c"ocsp.rs".as_ptr(), line!() as c_int) as *mut c_uchar;
        if data.is_null() {
            return sys::SSL_TLSEXT_ERR_NOACK;
        }
        std::ptr::copy_nonoverlapping(response.as_ptr(), data, response.len());
        if sys::SSL_set_tlsext_status_ocsp_resp(ssl, data, response.len() as c_long) != 1 {
            sys::CRYPTO_free(data as *mut c_void, c"ocsp.rs".as_ptr(), line!() as c_int);
        }
        // OpenSSL 4.0 parses the response and staples it only if it is a DER OCSPResponse; a
        // parse failure leaves errors queued that would fail the handshake step.
        sys::ERR_clear_error();
        return sys::SSL_TLSEXT_ERR_OK;
    }
    let Some(ocsp) = ocsp else { return 1 };
    let mut resp: *mut c_uchar = std::ptr::null_mut();
    let len = sys::SSL_get_tlsext_status_ocsp_resp(ssl, &mut resp);
    let stapled = (!resp.is_null() && len >= 0).then(|| std::slice::from_raw_parts(resp, len as usize).to_vec());
    ocsp.stapled = stapled.clone();
    if let Some(events) = events_of(ssl) {
        events.queue.push(Event::OcspResponse(stapled));
    }
    1
}

/// The staple `context` holds for the certificate the handshake uses, if fresh.
///
/// # Safety
/// `ssl` is a live SSL, inside its status callback.
unsafe fn context_staple(ssl: *mut sys::SSL, context: &SslContextRef) -> Option<Vec<u8>> {
    ocsp_staple::staple_for(context, sys::SSL_get_certificate(ssl), ocsp_staple::now())
}

/// The issuer of `leaf`: the next certificate of the verified chain, else one of `chain` that
/// issued it.
fn issuer_of(leaf: &X509Ref, verified: Option<&openssl::stack::StackRef<X509>>, chain: Option<&openssl::stack::StackRef<X509>>) -> Option<X509> {
    let issued = |c: &X509Ref| c.issued(leaf) == openssl::x509::X509VerifyResult::OK;
    let from_verified = verified.and_then(|v| v.iter().nth(1)).filter(|c| issued(c));
    from_verified.or_else(|| chain.and_then(|c| c.iter().skip(1).find(|c| issued(c)))).map(|c| c.to_owned())
}

/// OCSP stapling (see the module doc).
impl Connection {
    /// Client, after the handshake: None when nothing was stapled, else what the staple says
    /// about the server's certificate (checked at `now`, Unix seconds) or why it is unusable.
    pub fn check_stapled_ocsp(&self, now: i64) -> Option<Result<OcspVerdict, InvalidResponse>> {
        let stapled = self.ssl.ex_data(ocsp_index())?.stapled.as_deref()?;
        let Some(leaf) = self.ssl.peer_certificate() else {
            return Some(Err(InvalidResponse("the server sent no certificate".into())));
        };
        let chain = self.ssl.peer_cert_chain();
        let Some(issuer) = issuer_of(&leaf, self.ssl.verified_chain(), chain) else {
            return Some(Err(InvalidResponse("the issuer of the server's certificate is unknown".into())));
        };
        let certs: Vec<X509> = chain.map(|c| c.iter().map(|c| c.to_owned()).collect()).unwrap_or_default();
        Some(ocsp_staple::check_response(stapled, &leaf, &issuer, &certs, now))
    }

    /// Server: the connection serves `context`'s certificate (SNI, setKeyCert), so staple its
    /// response.
    pub(super) fn note_identity_context(&mut self, context: &SslContextRef) {
        if self.is_server {
            self.ocsp_state().identity = Some(context.to_owned());
        }
    }

    fn ocsp_state(&mut self) -> &mut Ocsp {
        if self.ssl.ex_data(ocsp_index()).is_none() {
            self.ssl.set_ex_data(ocsp_index(), Ocsp::default());
        }
        self.ssl.ex_data_mut(ocsp_index()).expect("OCSP state just installed")
    }

    /// Client side: ask the server for a stapled OCSP response (Node's requestOCSP); what
    /// arrives is reported as `Event::OcspResponse`.
    pub fn request_ocsp(&mut self) {
        if self.is_server {
            return;
        }
        self.ocsp_state();
        unsafe { sys::SSL_set_tlsext_status_type(self.ssl.as_ptr(), sys::TLSEXT_STATUSTYPE_ocsp) };
    }

    /// Server side: pause the handshake with `Question::Ocsp` when the client asks for an
    /// OCSP response (Node, when the server has an 'OCSPRequest' listener).
    pub fn enable_ocsp_request(&mut self) {
        if !self.is_server {
            return;
        }
        self.ocsp_state().asks_caller = true;
        self.hooks_mut().ocsp_callback = true;
        self.install_certificate_callback();
    }

    /// Server side: the OCSP response to staple (Node's setOCSPResponse), answering
    /// `Question::Ocsp` before `resume()`.
    pub fn set_ocsp_response(&mut self, response: &[u8]) {
        self.ocsp_state().response = Some(response.to_vec());
    }
}

/// Stapling between two connections, in TLS 1.2 and 1.3.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::{connection_pair, handshake_with};
    use crate::conn::Question;
    use openssl::ssl::SslVersion;

    /// Runs a handshake where the server answers OCSP requests with `answer`; returns the
    /// client's reports and whether the server was asked.
    fn staple(max: SslVersion, request: bool, answer: Option<&[u8]>) -> (Option<Option<Vec<u8>>>, bool) {
        let (mut client, mut server) = connection_pair(max);
        if request {
            client.request_ocsp();
        }
        server.enable_ocsp_request();
        let (client_seen, server_seen) = handshake_with(&mut client, &mut server, |server, question| {
            assert_eq!(question, Question::Ocsp);
            if let Some(a) = answer {
                server.set_ocsp_response(a);
            }
        });
        assert!(client.handshake_done() && server.handshake_done(), "{:?} {:?}", client.error(), server.error());
        let reports: Vec<_> = client_seen
            .events
            .iter()
            .filter_map(|e| if let Event::OcspResponse(r) = e { Some(r.clone()) } else { None })
            .collect();
        assert!(reports.len() <= 1, "reported once: {reports:?}");
        if !reports.is_empty() {
            // Before the handshake completes.
            let at = |want: fn(&Event) -> bool| client_seen.events.iter().position(want).unwrap();
            assert!(at(|e| matches!(e, Event::OcspResponse(_))) < at(|e| *e == Event::HandshakeDone));
        }
        (reports.into_iter().next(), server_seen.questions == [Question::Ocsp])
    }

    #[test]
    fn a_stapled_response_reaches_the_client() {
        for max in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            let der = ocsp_response_der();
            assert_eq!(staple(max, true, Some(&der)), (Some(Some(der.clone())), true));
        }
    }

    /// A DER OCSPResponse (status "unauthorized", no body): OpenSSL 4.0 staples only DER
    /// responses.
    fn ocsp_response_der() -> Vec<u8> {
        vec![0x30, 0x03, 0x0a, 0x01, 0x06]
    }

    #[test]
    fn bytes_that_are_not_an_ocsp_response_are_not_stapled() {
        assert_eq!(staple(SslVersion::TLS1_2, true, Some(b"resp")), (Some(None), true));
    }

    #[test]
    fn no_answer_staples_nothing() {
        for max in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            assert_eq!(staple(max, true, None), (Some(None), true));
        }
    }

    /// A server context (agent identity) holding `staple` for its certificate, ready to staple.
    fn stapling_context(max: SslVersion, staple: &[u8]) -> openssl::ssl::SslContext {
        let mut b = super::super::test_pair::builder();
        crate::conn::test_pair::use_identity(&mut b, "agent-key.pem", "agent-chain.pem");
        b.set_max_proto_version(Some(max)).unwrap();
        ocsp_staple::prepare(&mut b);
        let ctx = b.build();
        let cert = ctx.certificate().unwrap().to_owned();
        ocsp_staple::set_staple(&ctx, &cert, staple, None);
        ctx
    }

    fn client_reports(client_seen: &crate::conn::test_pair::Seen) -> Vec<Option<Vec<u8>>> {
        client_seen.events.iter().filter_map(|e| if let Event::OcspResponse(r) = e { Some(r.clone()) } else { None }).collect()
    }

    #[test]
    fn the_context_staple_is_stapled_unless_the_caller_answers() {
        use crate::conn::test_pair::{client_context, handshake_with};
        let der = ocsp_response_der();
        for max in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            // Nobody asked: the context's response.
            let mut client = Connection::new(&client_context("ca-cert.pem"), false).unwrap();
            let mut server = Connection::new(&stapling_context(max, &der), true).unwrap();
            client.request_ocsp();
            let (seen, _) = handshake_with(&mut client, &mut server, |_, q| panic!("asked {q:?}"));
            assert_eq!(client_reports(&seen), [Some(der.clone())]);
            assert!(matches!(client.check_stapled_ocsp(ocsp_staple::now()), Some(Err(_))), "not a valid response");
            // A caller that answers nothing: nothing, though the context has a response.
            let mut client = Connection::new(&client_context("ca-cert.pem"), false).unwrap();
            let mut server = Connection::new(&stapling_context(max, &der), true).unwrap();
            client.request_ocsp();
            server.enable_ocsp_request();
            let (seen, _) = handshake_with(&mut client, &mut server, |_, q| assert_eq!(q, Question::Ocsp));
            assert_eq!(client_reports(&seen), [None]);
        }
    }

    #[test]
    fn an_sni_context_staples_its_own_response() {
        use crate::conn::test_pair::{client_context, handshake_with, server_context};
        let der = ocsp_response_der();
        // The SSL_CTX has no staple; the SNI context that supplies the certificate has one.
        let sni = stapling_context(SslVersion::TLS1_3, &der);
        let main = server_context(SslVersion::TLS1_3);
        let mut client = Connection::new(&client_context("ca-cert.pem"), false).unwrap();
        let mut server = Connection::new(&main, true).unwrap();
        client.request_ocsp();
        client.set_servername("sni.test");
        server.enable_sni_callback();
        let (seen, _) = handshake_with(&mut client, &mut server, |server, q| {
            assert_eq!(q, Question::ServerName);
            server.use_sni_context(&sni, false).unwrap();
        });
        assert_eq!(client_reports(&seen), [Some(der)]);
    }

    #[test]
    fn the_server_is_asked_only_when_the_client_requests() {
        assert_eq!(staple(SslVersion::TLS1_2, false, Some(b"resp")), (None, false));
    }
}
