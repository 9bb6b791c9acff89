//! Certificate verification, as Node does it: OpenSSL only records the chain's result (the
//! handshake never fails on it, except a server requiring a client certificate that gets none);
//! the caller decides after the handshake (`verify_error`, then checkServerIdentity in JS).

use super::{c_string, Connection};
use foreign_types_shared::ForeignType;
use openssl::ssl::SslVersion;
use openssl_sys as sys;
use std::os::raw::{c_int, c_long};

const NID_AUTH_PSK: c_int = 1048; // NID_auth_psk
const X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: c_long = 2;
const X509_V_ERR_CERT_NOT_YET_VALID: c_long = 9;

/// Why the peer is not trusted: Node's `code` and OpenSSL 3.0's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    pub code: &'static str,
    pub message: String,
}

/// Accepts every chain: OpenSSL records the result for `verify_error`, JS decides.
extern "C" fn accept_any_certificate(_preverify_ok: c_int, _ctx: *mut sys::X509_STORE_CTX) -> c_int {
    1
}

/// A new SSL's verification: nothing requested, any chain accepted and recorded.
///
/// # Safety
/// `ssl` is a live SSL.
pub(super) unsafe fn record_only(ssl: *mut sys::SSL) {
    sys::SSL_set_verify(ssl, sys::SSL_VERIFY_NONE, Some(accept_any_certificate));
}

/// Node's names for X509_V_ERR_* (crypto_common.cc); anything else is UNSPECIFIED.
pub fn verify_error_code(err: c_long) -> &'static str {
    match err {
        2 => "UNABLE_TO_GET_ISSUER_CERT",
        3 => "UNABLE_TO_GET_CRL",
        4 => "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
        5 => "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
        6 => "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
        7 => "CERT_SIGNATURE_FAILURE",
        8 => "CRL_SIGNATURE_FAILURE",
        9 => "CERT_NOT_YET_VALID",
        10 => "CERT_HAS_EXPIRED",
        11 => "CRL_NOT_YET_VALID",
        12 => "CRL_HAS_EXPIRED",
        13 => "ERROR_IN_CERT_NOT_BEFORE_FIELD",
        14 => "ERROR_IN_CERT_NOT_AFTER_FIELD",
        15 => "ERROR_IN_CRL_LAST_UPDATE_FIELD",
        16 => "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
        17 => "OUT_OF_MEM",
        18 => "DEPTH_ZERO_SELF_SIGNED_CERT",
        19 => "SELF_SIGNED_CERT_IN_CHAIN",
        20 => "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        21 => "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        22 => "CERT_CHAIN_TOO_LONG",
        23 => "CERT_REVOKED",
        24 => "INVALID_CA",
        25 => "PATH_LENGTH_EXCEEDED",
        26 => "INVALID_PURPOSE",
        27 => "CERT_UNTRUSTED",
        28 => "CERT_REJECTED",
        62 => "HOSTNAME_MISMATCH",
        _ => "UNSPECIFIED",
    }
}

/// Node's text for a verification result (OpenSSL 3.0's wording).
fn verify_message(err: c_long) -> String {
    if err == X509_V_ERR_CERT_NOT_YET_VALID {
        // OpenSSL 4.0 reworded this one.
        return "certificate is not yet valid".to_string();
    }
    c_string(unsafe { sys::X509_verify_cert_error_string(err) }).unwrap_or_default()
}

impl Connection {
    /// Server side: ask for a client certificate, and abort the handshake when none is sent
    /// and `reject_unauthorized` (Node's SetVerifyMode). Clients never fail in OpenSSL.
    pub fn set_verify_mode(&mut self, request_cert: bool, reject_unauthorized: bool) {
        let mut mode = sys::SSL_VERIFY_NONE;
        if self.is_server && request_cert {
            mode = sys::SSL_VERIFY_PEER;
            if reject_unauthorized {
                mode |= sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
            }
        }
        unsafe { sys::SSL_set_verify(self.ssl.as_ptr(), mode, Some(accept_any_certificate)) };
    }

    /// Node's verifyError(): why the peer is not trusted, or None when it is (or needs no
    /// certificate: PSK, TLS 1.3 resumption).
    pub fn verify_error(&self) -> Option<VerifyFailure> {
        let raw = self.ssl.as_ptr();
        let err = if self.ssl.peer_certificate().is_some() {
            unsafe { sys::SSL_get_verify_result(raw) }
        } else {
            let cipher = unsafe { sys::SSL_get_current_cipher(raw) };
            let psk = !cipher.is_null() && unsafe { crate::ffi::SSL_CIPHER_get_auth_nid(cipher) } == NID_AUTH_PSK;
            let tls13_resumed = self.ssl.session_reused() && self.ssl.version2() == Some(SslVersion::TLS1_3);
            if psk || tls13_resumed {
                0
            } else {
                X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
            }
        };
        (err != 0).then(|| VerifyFailure { code: verify_error_code(err), message: verify_message(err) })
    }
}
