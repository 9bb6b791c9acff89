//! OCSP stapling (the status_request extension), as Node does it.
//!
//! Client (`requestOCSP`): asks for a stapled response; OpenSSL's status callback then reports
//! what the server stapled (or nothing) while the handshake runs, before it completes
//! (STATUS_OCSP_RESPONSE, `take_ocsp_response`: Node's 'OCSPResponse').
//!
//! Server ('OCSPRequest' listener): when the client asked for a response, the certificate
//! callback pauses the handshake (STATUS_OCSP_REQUEST, after the SNI question; see hooks.rs);
//! the caller answers with `set_ocsp_response` (or nothing) and `resume()`s, and OpenSSL's status
//! callback staples the answer.

use super::{TlsEngine, STATUS_OCSP_RESPONSE};
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_long, c_uchar, c_void};
use std::sync::OnceLock;

const SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE: c_int = 127;

/// Per-SSL OCSP state the status callback reads and writes.
#[derive(Debug, Default)]
struct Ocsp {
    /// Server: the response to staple (consumed by the status callback).
    response: Option<Vec<u8>>,
    /// Client: what the server stapled (None inside: nothing), once the status callback ran.
    received: Option<Option<Vec<u8>>>,
    /// Client: `received` was handed to the caller.
    reported: bool,
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
unsafe extern "C" fn status_callback(ssl: *mut sys::SSL, _arg: *mut c_void) -> c_int {
    let Some(ocsp) = SslRef::from_ptr_mut(ssl).ex_data_mut(ocsp_index()) else {
        return if sys::SSL_is_server(ssl) != 0 { sys::SSL_TLSEXT_ERR_NOACK } else { 1 };
    };
    if sys::SSL_is_server(ssl) != 0 {
        let Some(response) = ocsp.response.take() else { return sys::SSL_TLSEXT_ERR_NOACK };
        // OpenSSL takes ownership of an OPENSSL_malloc'ed copy.
        let data = sys::CRYPTO_malloc(response.len().max(1), c"ocsp.rs".as_ptr(), line!() as c_int) as *mut c_uchar;
        if data.is_null() {
            return sys::SSL_TLSEXT_ERR_NOACK;
        }
        std::ptr::copy_nonoverlapping(response.as_ptr(), data, response.len());
        if sys::SSL_set_tlsext_status_ocsp_resp(ssl, data, response.len() as c_long) != 1 {
            sys::CRYPTO_free(data as *mut c_void, c"ocsp.rs".as_ptr(), line!() as c_int);
        }
        // OpenSSL 3.6 parses the response and staples it only if it is a DER OCSPResponse; a
        // parse failure leaves errors queued that would fail the handshake step.
        sys::ERR_clear_error();
        return sys::SSL_TLSEXT_ERR_OK;
    }
    let mut resp: *mut c_uchar = std::ptr::null_mut();
    let len = sys::SSL_get_tlsext_status_ocsp_resp(ssl, &mut resp);
    ocsp.received = Some((!resp.is_null() && len >= 0).then(|| std::slice::from_raw_parts(resp, len as usize).to_vec()));
    ocsp.reported = false;
    1
}

/// OCSP stapling (see the module doc).
impl TlsEngine {
    fn ocsp_state(&mut self) -> &mut Ocsp {
        if self.ssl.ex_data(ocsp_index()).is_none() {
            self.ssl.set_ex_data(ocsp_index(), Ocsp::default());
        }
        self.ssl.ex_data_mut(ocsp_index()).expect("OCSP state just installed")
    }

    fn install_status_callback(&mut self) {
        self.ocsp_state();
        unsafe {
            let ctx = crate::ffi::SSL_get_SSL_CTX(self.ssl.as_ptr());
            sys::SSL_CTX_set_tlsext_status_cb(ctx, Some(status_callback));
        }
    }

    /// Client side: ask the server for a stapled OCSP response (Node's requestOCSP); what
    /// arrives is reported with STATUS_OCSP_RESPONSE.
    pub fn request_ocsp(&mut self) {
        if self.is_server {
            return;
        }
        self.install_status_callback();
        unsafe { sys::SSL_set_tlsext_status_type(self.ssl.as_ptr(), sys::TLSEXT_STATUSTYPE_ocsp) };
    }

    /// Server side: pause the handshake with STATUS_OCSP_REQUEST when the client asks for an
    /// OCSP response (Node, when the server has an 'OCSPRequest' listener).
    pub fn enable_ocsp_request(&mut self) {
        if !self.is_server {
            return;
        }
        self.install_status_callback();
        self.hooks_mut().ocsp_callback = true;
        unsafe { super::SSL_set_cert_cb(self.ssl.as_ptr(), Some(super::certificate_callback), std::ptr::null_mut()) };
    }

    /// Server side: the OCSP response to staple (Node's setOCSPResponse), answering
    /// STATUS_OCSP_REQUEST before `resume()`.
    pub fn set_ocsp_response(&mut self, response: &[u8]) {
        self.ocsp_state().response = Some(response.to_vec());
    }

    /// STATUS_OCSP_RESPONSE while a client's received response waits in `take_ocsp_response`.
    pub(super) fn ocsp_status(&self) -> u32 {
        match self.ssl.ex_data(ocsp_index()) {
            Some(o) if o.received.is_some() && !o.reported => STATUS_OCSP_RESPONSE,
            _ => 0,
        }
    }

    /// Client side: what the server stapled (None inside: nothing), once per handshake; None
    /// when nothing new is to be reported.
    pub fn take_ocsp_response(&mut self) -> Option<Option<Vec<u8>>> {
        let ocsp = self.ssl.ex_data_mut(ocsp_index())?;
        if ocsp.reported {
            return None;
        }
        ocsp.reported = true;
        ocsp.received.clone()
    }
}

/// Stapling between two engines, in TLS 1.2 and 1.3.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_fixtures::{engine_pair, pump};
    use crate::engine::{STATUS_OCSP_REQUEST, STATUS_ERROR};
    use openssl::ssl::SslVersion;

    /// Runs a handshake where the server answers OCSP requests with `answer`; returns the
    /// client's report and whether the server was asked.
    fn staple(max: SslVersion, request: bool, answer: Option<&[u8]>) -> (Option<Option<Vec<u8>>>, bool) {
        let (mut client, mut server) = engine_pair(max);
        if request {
            client.request_ocsp();
        }
        server.enable_ocsp_request();
        let mut asked = false;
        let mut reported = None;
        client.start();
        for _ in 0..10 {
            let mut status = pump(&mut client, &mut server);
            if status & STATUS_OCSP_REQUEST != 0 {
                asked = true;
                if let Some(a) = answer {
                    server.set_ocsp_response(a);
                }
                status = server.resume();
            }
            assert_eq!(status & STATUS_ERROR, 0, "{:?}", server.error());
            let status = pump(&mut server, &mut client);
            if status & STATUS_OCSP_RESPONSE != 0 {
                assert!(!client.handshake_done() || max == SslVersion::TLS1_3);
                reported = client.take_ocsp_response();
            }
            if client.handshake_done() && server.handshake_done() {
                return (reported, asked);
            }
        }
        panic!("handshake failed: {:?} {:?}", client.error(), server.error());
    }

    #[test]
    fn a_stapled_response_reaches_the_client() {
        for max in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            let der = ocsp_response_der();
            assert_eq!(staple(max, true, Some(&der)), (Some(Some(der.clone())), true));
        }
    }

    /// A DER OCSPResponse (status "unauthorized", no body): OpenSSL 3.6 staples only DER
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

    #[test]
    fn the_server_is_asked_only_when_the_client_requests() {
        assert_eq!(staple(SslVersion::TLS1_2, false, Some(b"resp")), (None, false));
    }
}
