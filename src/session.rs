//! TlsSession ⇐ SSL over two memory BIOs: a sans-I/O TLS endpoint.
//!
//! The caller feeds ciphertext in (`receive`), pulls cleartext out (`readCleartext`), pushes
//! cleartext in (`encrypt`) and pulls ciphertext out (`readCiphertext`). Every call takes or
//! fills caller-owned buffers, so one N-API call handles a whole batch of records and nothing is
//! allocated per record. The session never touches a socket.

use crate::context::SecureContext;
use crate::error::{throw_plain, throw_queue, throw_stack, OpenSslError};
use crate::x509;
use foreign_types_shared::ForeignTypeRef;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_long, c_void};

/// `receive` / `start` status bit: the handshake completed during this call.
pub const STATUS_HANDSHAKE_DONE: u32 = 1;
/// Status bit: a fatal error happened; `takeError()` returns it.
pub const STATUS_ERROR: u32 = 2;

/// `readCleartext` result when no cleartext is left and the peer sent close_notify.
pub const READ_CLOSE_NOTIFY: i32 = -1;
/// `readCleartext` / `encrypt` result when the session failed; `takeError()` returns why.
pub const READ_ERROR: i32 = -2;

const SSL_MODE_AUTO_RETRY: c_long = 0x4;
const SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
const BIO_CTRL_PENDING: c_int = 10;
const SSL_CTRL_MODE: c_int = 33;
const NID_AUTH_PSK: c_int = 1049;
const SSL_CTRL_GET_PEER_TMP_KEY: c_int = 109;

/// Verification is decided in JS after the handshake (as Node does); OpenSSL only records the result.
extern "C" fn accept_any_certificate(_preverify_ok: c_int, _ctx: *mut sys::X509_STORE_CTX) -> c_int {
    1
}

/// Node's names for X509_V_ERR_* (crypto_common.cc); anything else is UNSPECIFIED.
fn verify_error_code(err: c_long) -> &'static str {
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

/// Why the peer's certificate is not trusted: `code` as in Node, `message` OpenSSL's text.
#[napi(object)]
pub struct VerifyError {
    pub code: String,
    pub message: String,
}

/// What `getEphemeralKeyInfo()` returns on a client: `{ type: 'ECDH', name: 'X25519', size: 253 }`.
#[napi(object)]
pub struct EphemeralKeyInfo {
    #[napi(js_name = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub size: u32,
}

/// What `getCipher()` returns.
#[napi(object)]
pub struct CipherInfo {
    pub name: String,
    pub standard_name: String,
    pub version: String,
}

/// One TLS endpoint (client or server) over memory BIOs.
#[napi]
pub struct TlsSession {
    /// None once destroyed.
    ssl: Option<Ssl>,
    /// Ciphertext from the peer (owned by the SSL).
    rbio: *mut sys::BIO,
    /// Ciphertext for the peer (owned by the SSL).
    wbio: *mut sys::BIO,
    is_server: bool,
    handshake_done: bool,
    peer_closed: bool,
    error: Option<OpenSslError>,
}

fn c_string(p: *const std::os::raw::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

#[napi]
impl TlsSession {
    /// A session using `context`; nothing is sent until `start()` (client) or `receive()` (server).
    #[napi(constructor)]
    pub fn new(env: &Env, context: &SecureContext, is_server: bool) -> Result<Self> {
        let ssl = Ssl::new(context.ssl_context()).map_err(|e| throw_stack(env, e, "SSL_new"))?;
        let raw = ssl.as_ptr();
        let (rbio, wbio) = unsafe {
            let rbio = sys::BIO_new(sys::BIO_s_mem());
            let wbio = sys::BIO_new(sys::BIO_s_mem());
            if rbio.is_null() || wbio.is_null() {
                return Err(throw_queue(env, "BIO_new"));
            }
            // An empty input BIO means "wait for more", not end of stream.
            sys::BIO_ctrl(rbio, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, std::ptr::null_mut());
            sys::SSL_set_bio(raw, rbio, wbio);
            sys::SSL_ctrl(raw, SSL_CTRL_MODE, SSL_MODE_AUTO_RETRY | SSL_MODE_RELEASE_BUFFERS, std::ptr::null_mut());
            sys::SSL_set_verify(raw, sys::SSL_VERIFY_NONE, Some(accept_any_certificate));
            if is_server {
                sys::SSL_set_accept_state(raw);
            } else {
                sys::SSL_set_connect_state(raw);
            }
            (rbio, wbio)
        };
        Ok(TlsSession { ssl: Some(ssl), rbio, wbio, is_server, handshake_done: false, peer_closed: false, error: None })
    }

    fn ssl(&self, env: &Env) -> Result<&SslRef> {
        self.ssl.as_deref().ok_or_else(|| throw_plain(env, "ERR_TLS_INVALID_STATE", "TLS session is destroyed"))
    }

    /// Server side: ask for a client certificate, and abort the handshake when none is sent
    /// and `rejectUnauthorized` (Node's SetVerifyMode).
    #[napi]
    pub fn set_verify_mode(&mut self, env: &Env, request_cert: bool, reject_unauthorized: bool) -> Result<()> {
        let ssl = self.ssl(env)?;
        let mut mode = sys::SSL_VERIFY_NONE;
        if self.is_server && request_cert {
            mode = sys::SSL_VERIFY_PEER;
            if reject_unauthorized {
                mode |= sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
            }
        }
        unsafe { sys::SSL_set_verify(ssl.as_ptr(), mode, Some(accept_any_certificate)) };
        Ok(())
    }

    /// Client side: the SNI host name to send.
    #[napi]
    pub fn set_servername(&mut self, env: &Env, name: String) -> Result<()> {
        let ssl = self.ssl(env)?;
        let name = CString::new(name).map_err(|_| throw_plain(env, "ERR_INVALID_ARG_VALUE", "servername contains a NUL byte"))?;
        let ok = unsafe { sys::SSL_ctrl(ssl.as_ptr(), sys::SSL_CTRL_SET_TLSEXT_HOSTNAME, sys::TLSEXT_NAMETYPE_host_name as c_long, name.as_ptr() as *mut c_void) };
        if ok != 1 {
            return Err(throw_queue(env, "SSL_set_tlsext_host_name"));
        }
        Ok(())
    }

    /// Advances the handshake without new input (the client's ClientHello). Returns status bits.
    #[napi]
    pub fn start(&mut self) -> u32 {
        self.advance()
    }

    /// Feeds ciphertext from the peer and advances the handshake. Returns status bits;
    /// cleartext is then pulled with `readCleartext` and replies with `readCiphertext`.
    #[napi]
    pub fn receive(&mut self, ciphertext: &[u8]) -> u32 {
        if self.ssl.is_none() || self.error.is_some() {
            return STATUS_ERROR;
        }
        let mut rest = ciphertext;
        while !rest.is_empty() {
            let len = rest.len().min(i32::MAX as usize);
            let n = unsafe { sys::BIO_write(self.rbio, rest.as_ptr() as *const c_void, len as c_int) };
            if n <= 0 {
                self.error = Some(OpenSslError::plain("BIO_write failed", "ERR_OSSL_BIO_WRITE"));
                return STATUS_ERROR;
            }
            rest = &rest[n as usize..];
        }
        self.advance()
    }

    fn advance(&mut self) -> u32 {
        let Some(ssl) = self.ssl.as_ref() else { return STATUS_ERROR };
        if self.error.is_some() {
            return STATUS_ERROR;
        }
        if self.handshake_done {
            return 0;
        }
        let raw = ssl.as_ptr();
        let ret = unsafe { sys::SSL_do_handshake(raw) };
        if ret == 1 {
            self.handshake_done = true;
            return STATUS_HANDSHAKE_DONE;
        }
        match unsafe { sys::SSL_get_error(raw, ret) } {
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => 0,
            _ => {
                self.record_error("handshake failed");
                STATUS_ERROR
            }
        }
    }

    fn record_error(&mut self, fallback: &str) {
        let err = OpenSslError::take_printed().unwrap_or_else(|| OpenSslError::plain(fallback, "ERR_SSL_SYSCALL"));
        self.error = Some(err);
    }

    /// Decrypts the next record into `out` (one record per call, as Node emits one 'data' chunk
    /// per record). Returns the number of bytes written (> 0), 0 when more ciphertext is
    /// needed, READ_CLOSE_NOTIFY once the peer closed, READ_ERROR on failure.
    #[napi]
    pub fn read_cleartext(&mut self, mut out: BufferSlice) -> i32 {
        let Some(ssl) = self.ssl.as_ref() else { return READ_ERROR };
        if !self.handshake_done || out.is_empty() {
            return 0;
        }
        if self.error.is_some() {
            return READ_ERROR;
        }
        if self.peer_closed {
            return READ_CLOSE_NOTIFY;
        }
        let raw = ssl.as_ptr();
        let limit = out.len().min(i32::MAX as usize);
        let mut n = 0usize;
        let ok = unsafe { sys::SSL_read_ex(raw, out.as_mut_ptr() as *mut c_void, limit, &mut n) };
        if ok == 1 {
            return n as i32;
        }
        match unsafe { sys::SSL_get_error(raw, 0) } {
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => 0,
            sys::SSL_ERROR_ZERO_RETURN => {
                self.peer_closed = true;
                READ_CLOSE_NOTIFY
            }
            _ => {
                self.record_error("read failed");
                READ_ERROR
            }
        }
    }

    /// Encrypts all of `cleartext` (the handshake must be done). Returns the ciphertext bytes now
    /// waiting in `readCiphertext`, or READ_ERROR.
    #[napi]
    pub fn encrypt(&mut self, cleartext: &[u8]) -> i64 {
        let Some(ssl) = self.ssl.as_ref() else { return READ_ERROR as i64 };
        let raw = ssl.as_ptr();
        let mut rest = cleartext;
        while !rest.is_empty() && self.error.is_none() {
            let mut n = 0usize;
            let ok = unsafe { sys::SSL_write_ex(raw, rest.as_ptr() as *const c_void, rest.len(), &mut n) };
            if ok != 1 {
                self.record_error("write failed");
                return READ_ERROR as i64;
            }
            rest = &rest[n..];
        }
        self.pending_ciphertext() as i64
    }

    /// Ciphertext bytes waiting to be sent to the peer.
    #[napi]
    pub fn pending_ciphertext(&self) -> u32 {
        if self.ssl.is_none() {
            return 0;
        }
        unsafe { sys::BIO_ctrl(self.wbio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()) as u32 }
    }

    /// Moves waiting ciphertext into `out`; returns the number of bytes moved.
    #[napi]
    pub fn read_ciphertext(&mut self, mut out: BufferSlice) -> u32 {
        if self.ssl.is_none() || out.is_empty() {
            return 0;
        }
        let len = out.len().min(i32::MAX as usize) as c_int;
        let n = unsafe { sys::BIO_read(self.wbio, out.as_mut_ptr() as *mut c_void, len) };
        n.max(0) as u32
    }

    /// Queues close_notify (once the handshake is done). Returns the ciphertext bytes waiting.
    #[napi]
    pub fn shutdown(&mut self) -> u32 {
        if let Some(ssl) = self.ssl.as_ref() {
            if self.handshake_done && self.error.is_none() {
                unsafe {
                    sys::SSL_shutdown(ssl.as_ptr());
                    sys::ERR_clear_error();
                }
            }
        }
        self.pending_ciphertext()
    }

    /// The pending fatal error, if any (it stays pending).
    #[napi]
    pub fn take_error(&self) -> Option<OpenSslError> {
        self.error.clone()
    }

    #[napi(getter)]
    pub fn handshake_done(&self) -> bool {
        self.handshake_done
    }

    /// Node's verifyError(): why the peer certificate is not trusted, or null.
    #[napi]
    pub fn verify_error(&self) -> Option<VerifyError> {
        let ssl = self.ssl.as_deref()?;
        let raw = ssl.as_ptr();
        let err = if ssl.peer_certificate().is_some() {
            unsafe { sys::SSL_get_verify_result(raw) }
        } else {
            // No certificate is fine for PSK and for TLS 1.3 resumption (which looks like PSK).
            let cipher = unsafe { sys::SSL_get_current_cipher(raw) };
            let psk = !cipher.is_null() && unsafe { crate::ffi::SSL_CIPHER_get_auth_nid(cipher) } == NID_AUTH_PSK;
            let tls13_resumed = ssl.session_reused() && ssl.version2() == Some(openssl::ssl::SslVersion::TLS1_3);
            if psk || tls13_resumed {
                0
            } else {
                2
            }
        };
        if err == 0 {
            return None;
        }
        // OpenSSL 3.6 reworded this one; Node (OpenSSL 3.0) reports the original text.
        let message = if err == 9 {
            "certificate is not yet valid".to_string()
        } else {
            c_string(unsafe { sys::X509_verify_cert_error_string(err) }).unwrap_or_default()
        };
        Some(VerifyError { code: verify_error_code(err).into(), message })
    }

    /// `{ name, standardName, version }` of the negotiated cipher, or null before the handshake.
    #[napi]
    pub fn get_cipher(&self) -> Option<CipherInfo> {
        let cipher = self.ssl.as_deref()?.current_cipher()?;
        Some(CipherInfo {
            name: cipher.name().to_string(),
            standard_name: cipher.standard_name().unwrap_or_else(|| cipher.name()).to_string(),
            version: cipher.version().to_string(),
        })
    }

    /// The negotiated protocol ('TLSv1.3'), or null before the handshake.
    #[napi]
    pub fn get_protocol(&self) -> Option<String> {
        let ssl = self.ssl.as_deref()?;
        if !self.handshake_done {
            return None;
        }
        Some(ssl.version_str().to_string())
    }

    /// Server side: the SNI name the client sent.
    #[napi]
    pub fn get_servername(&self) -> Option<String> {
        let ssl = self.ssl.as_deref()?;
        ssl.servername(openssl::ssl::NameType::HOST_NAME).map(str::to_string)
    }

    /// The peer's ephemeral key-exchange key (Node's GetEphemeralKey), or null when there is none.
    #[napi]
    pub fn get_ephemeral_key_info(&self) -> Option<EphemeralKeyInfo> {
        use foreign_types_shared::ForeignType;
        let ssl = self.ssl.as_deref()?;
        let mut raw: *mut sys::EVP_PKEY = std::ptr::null_mut();
        // SSL_get_peer_tmp_key is a macro over SSL_ctrl; it returns a new reference.
        if unsafe { sys::SSL_ctrl(ssl.as_ptr(), SSL_CTRL_GET_PEER_TMP_KEY, 0, &mut raw as *mut _ as *mut c_void) } == 0 || raw.is_null() {
            return None;
        }
        let key = unsafe { openssl::pkey::PKey::<openssl::pkey::Public>::from_ptr(raw) };
        let size = key.bits();
        let id = key.id();
        if id == openssl::pkey::Id::DH {
            return Some(EphemeralKeyInfo { kind: "DH".into(), name: None, size });
        }
        let name = if id == openssl::pkey::Id::EC {
            key.ec_key().ok().and_then(|ec| ec.group().curve_name()).and_then(|nid| nid.short_name().ok().map(str::to_string))
        } else if id == openssl::pkey::Id::X25519 {
            Some("X25519".to_string())
        } else if id == openssl::pkey::Id::X448 {
            Some("X448".to_string())
        } else {
            return None;
        };
        Some(EphemeralKeyInfo { kind: "ECDH".into(), name, size })
    }

    #[napi]
    pub fn is_session_reused(&self) -> bool {
        self.ssl.as_deref().map(|s| s.session_reused()).unwrap_or(false)
    }

    /// The peer's certificate as Node's plain object; `detailed` adds the issuer chain.
    /// `{}`-equivalent null when the peer sent none.
    #[napi(ts_return_type = "object | null")]
    pub fn get_peer_certificate<'e>(&self, env: &'e Env, detailed: bool) -> Result<Option<Object<'e>>> {
        match self.ssl.as_deref() {
            Some(ssl) => x509::peer_certificate(env, ssl, self.is_server, detailed),
            None => Ok(None),
        }
    }

    /// This endpoint's own certificate as Node's plain object, or null.
    #[napi(ts_return_type = "object | null")]
    pub fn get_certificate<'e>(&self, env: &'e Env) -> Result<Option<Object<'e>>> {
        match self.ssl.as_deref().and_then(|s| s.certificate()) {
            Some(cert) => x509::certificate_object(env, cert).map(Some),
            None => Ok(None),
        }
    }

    /// Frees the SSL; every later call reports the session as destroyed.
    #[napi]
    pub fn destroy(&mut self) {
        self.ssl = None;
        self.rbio = std::ptr::null_mut();
        self.wbio = std::ptr::null_mut();
    }
}
