//! Encrypted Client Hello (RFC 9849, OpenSSL 4.0). A client encrypts its real (inner)
//! ClientHello to a key from the server's ECHConfigList and sends it inside an outer one that
//! names the config's public name; a server holding the key (context/ech.rs) decrypts it before
//! any callback runs, so SNI, ALPN and resumption see the inner hello. What each end learns
//! afterwards: whether ECH was accepted, and on a rejected client the server's retry configs.

use super::Connection;
use crate::error::OpenSslError;
use crate::ffi::{SSL_ech_get1_retry_config, SSL_ech_get1_status, SSL_set1_ech_config_list};
use foreign_types_shared::ForeignTypeRef;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uchar, c_void};

/// SSL_OP_ECH_GREASE (ssl.h): a client without a config sends a random ECH extension.
const SSL_OP_ECH_GREASE: u64 = 1 << 37;

/// OPENSSL_free for what OpenSSL's `get1` calls hand out.
unsafe fn free(p: *mut c_void) {
    if !p.is_null() {
        unsafe { sys::CRYPTO_free(p, c"ech.rs".as_ptr(), line!() as c_int) };
    }
}

/// After the handshake (or its failure): OpenSSL's ECH status and the inner and outer server
/// names it reports.
pub struct EchStatus {
    /// One of ech.h's SSL_ECH_STATUS_* values.
    pub code: i32,
    pub inner: Option<String>,
    pub outer: Option<String>,
}

impl Connection {
    /// Client: attempt ECH with this ECHConfigList (the bytes of a DNS HTTPS record's `ech`
    /// parameter); the outer ClientHello then names the chosen config's public name. A list
    /// OpenSSL cannot use (malformed, or no config with a supported version and suite) fails.
    pub fn set_ech_config_list(&mut self, list: &[u8]) -> Result<(), OpenSslError> {
        if unsafe { SSL_set1_ech_config_list(self.ssl.as_ptr(), list.as_ptr(), list.len()) } != 1 {
            let err = OpenSslError::take().unwrap_or_else(|| OpenSslError::plain("invalid ECHConfigList", "ERR_SSL_ECH"));
            unsafe { sys::ERR_clear_error() };
            return Err(err);
        }
        Ok(())
    }

    /// Client: send a GREASE ECH extension when no ECHConfigList is set (RFC 9849 §6.2).
    pub fn enable_ech_grease(&mut self) {
        unsafe { crate::ffi::SSL_set_options(self.ssl.as_ptr(), SSL_OP_ECH_GREASE as _) };
    }

    /// What OpenSSL says about ECH on this connection.
    pub fn ech_status(&self) -> EchStatus {
        let (mut inner, mut outer): (*mut c_char, *mut c_char) = (std::ptr::null_mut(), std::ptr::null_mut());
        let code = unsafe { SSL_ech_get1_status(self.ssl.as_ptr(), &mut inner, &mut outer) };
        let take = |p: *mut c_char| {
            let s = (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned());
            unsafe { free(p as *mut c_void) };
            s
        };
        let (inner, outer) = (take(inner), take(outer));
        unsafe { sys::ERR_clear_error() };
        EchStatus { code, inner, outer }
    }

    /// Whether the inner ClientHello was used (SSL_ECH_STATUS_SUCCESS with a verified chain,
    /// SSL_ECH_STATUS_BAD_NAME without one: tls-rs verifies after the handshake, as Node does).
    /// Asked once per handshake: no JS object (without ECH, OpenSSL answers before copying names).
    pub fn ech_accepted(&self) -> bool {
        const SUCCESS: c_int = 1;
        const BAD_NAME: c_int = -102;
        let (mut inner, mut outer): (*mut c_char, *mut c_char) = (std::ptr::null_mut(), std::ptr::null_mut());
        let code = unsafe { SSL_ech_get1_status(self.ssl.as_ptr(), &mut inner, &mut outer) };
        unsafe {
            free(inner as *mut c_void);
            free(outer as *mut c_void);
            sys::ERR_clear_error();
        }
        code == SUCCESS || code == BAD_NAME
    }

    /// Client, after a rejected ECH: the ECHConfigList the server sent to retry with, if any.
    pub fn ech_retry_configs(&self) -> Option<Vec<u8>> {
        let mut p: *mut c_uchar = std::ptr::null_mut();
        let mut len = 0usize;
        let ok = unsafe { SSL_ech_get1_retry_config(self.ssl.as_ptr(), &mut p, &mut len) } == 1;
        let out = (ok && !p.is_null() && len > 0).then(|| unsafe { std::slice::from_raw_parts(p, len) }.to_vec());
        unsafe {
            free(p as *mut c_void);
            sys::ERR_clear_error();
        }
        out
    }
}
