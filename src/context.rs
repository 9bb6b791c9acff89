//! SecureContext ⇐ SSL_CTX: keys, certificates, trust, ciphers, groups, DH and protocol limits.
//!
//! The methods are Node's native `SecureContext` methods (src/crypto/crypto_context.cc), with the
//! same names, arguments, side effects and thrown errors, so that lib/secure-context.js is a port
//! of Node's `configSecureContext` and user code that calls `ctx.context.addCACert(...)` keeps
//! working. Validation of JS types happens in JS, as in Node; the methods here, like Node's, treat
//! a value that is neither a string nor an ArrayBufferView as "nothing to load".

use crate::error::OpenSslError;
use crate::{ffi, root_store, tickets};
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use napi::bindgen_prelude::*;
use napi::{sys as napi_sys, JsValue};
use napi_derive::napi;
use openssl::dh::Dh;
use openssl::error::ErrorStack;
use openssl::ssl::{SslContextBuilder, SslContextRef, SslMethod};
use openssl::x509::X509;
use openssl_sys as sys;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_void};
use std::ptr;

// OpenSSL functions openssl-sys does not declare (same statically linked libcrypto/libssl).
extern "C" {
    fn PEM_read_bio_X509_AUX(bp: *mut sys::BIO, x: *mut *mut sys::X509, cb: sys::pem_password_cb, u: *mut c_void) -> *mut sys::X509;
    fn d2i_PKCS12_bio(bp: *mut sys::BIO, p12: *mut *mut sys::PKCS12) -> *mut sys::PKCS12;
    fn X509_STORE_add_crl(store: *mut sys::X509_STORE, crl: *mut sys::X509_CRL) -> c_int;
    fn X509_STORE_CTX_get1_issuer(issuer: *mut *mut sys::X509, ctx: *mut sys::X509_STORE_CTX, x: *mut sys::X509) -> c_int;
    fn ERR_print_errors(bp: *mut sys::BIO);
    fn SSL_CTX_set_timeout(ctx: *mut sys::SSL_CTX, t: c_long) -> c_long;
}

const SSL_OP_NO_SSLV2: u64 = 0; // a no-op since OpenSSL 1.1.0, kept to mirror Node
const SSL_OP_NO_SSLV3: u64 = 1 << 25;
const SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
const SSL_OP_SINGLE_DH_USE: u64 = 0; // a no-op since OpenSSL 1.1.0
const SSL_SESS_CACHE_CLIENT_SERVER: c_long = 0x1 | 0x2;
const SSL_SESS_CACHE_NO_AUTO_CLEAR: c_long = 0x80;
const SSL_SESS_CACHE_NO_INTERNAL: c_long = 0x100 | 0x200;
const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
const SSL_CTRL_CLEAR_MODE: c_int = 78;
const SSL_CTRL_CHAIN_CERT: c_int = 89;
const SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS: c_int = 83;
const SSL_MODE_NO_AUTO_CHAIN: c_long = 0x8;
const ERR_LIB_PEM: c_int = 9;
const PEM_R_NO_START_LINE: c_int = 108;
const SSL_R_NO_CIPHER_MATCH: c_int = 185;
const TLS1_VERSION: i32 = 0x0301;
const TLS1_1_VERSION: i32 = 0x0302;
const TLS1_2_VERSION: i32 = 0x0303;
/// Node's kMaxSupportedVersion.
const MAX_SUPPORTED_VERSION: i32 = 0x0304;

/// One SSL_CTX, configured step by step from JS and shared by every session created from it.
#[napi]
pub struct SecureContext {
    builder: SslContextBuilder,
    /// The leaf of the last certificate chain set (Node's `cert_`, for `getCertificate()`).
    cert: Option<X509>,
    /// Its issuer, from the chain or the trust store (Node's `issuer_`, for `getIssuer()`).
    issuer: Option<X509>,
    /// Whether `init()` has run; until then the constructor's TLS_method context is untouched
    /// and `init()` may keep it instead of building a second SSL_CTX.
    initialized: bool,
    /// Counted in `liveObjects().contexts` until the finalizer runs.
    _live: crate::live_objects::Live,
}

#[napi]
impl SecureContext {
    /// A TLS context (TLS_method) with Node's base settings. It is usable as is — a client
    /// context with OpenSSL's default protocol range and no trust store; `init()` then sets the
    /// method and version range as Node does.
    #[napi(constructor)]
    pub fn new(env: &Env) -> Result<Self> {
        let builder = new_ssl_ctx(unsafe { sys::TLS_method() }).map_err(|e| throw_crypto(env, &e, None))?;
        Ok(SecureContext { builder, cert: None, issuer: None, initialized: false, _live: crate::live_objects::Live::new(crate::live_objects::Kind::Context) })
    }

    /// Node's `init(secureProtocol, minVersion, maxVersion)`: versions are TLS version numbers
    /// (0x0301..0x0304; 0 for max means the highest supported). A string `secureProtocol` names
    /// an OpenSSL method (`TLSv1_2_method`, `SSLv23_server_method`, ...) which overrides the range;
    /// SSLv2/SSLv3 methods and unknown names throw ERR_TLS_INVALID_PROTOCOL_METHOD (TypeError).
    #[napi]
    pub fn init(&mut self, env: &Env, secure_protocol: Unknown, min_version: i32, max_version: i32) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let mut min_version = min_version;
        let mut max_version = if max_version == 0 { MAX_SUPPORTED_VERSION } else { max_version };
        let mut method = unsafe { sys::TLS_method() };
        if secure_protocol.get_type()? == ValueType::String {
            let name = js_string(env, &secure_protocol)?;
            let (server, client) = unsafe { (sys::TLS_server_method(), sys::TLS_client_method()) };
            let (range, m) = match name.as_str() {
                "SSLv2_method" | "SSLv2_server_method" | "SSLv2_client_method" => {
                    return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_TLS_INVALID_PROTOCOL_METHOD"), "SSLv2 methods disabled"));
                }
                "SSLv3_method" | "SSLv3_server_method" | "SSLv3_client_method" => {
                    return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_TLS_INVALID_PROTOCOL_METHOD"), "SSLv3 methods disabled"));
                }
                "SSLv23_method" => ((min_version, TLS1_2_VERSION), method),
                "SSLv23_server_method" => ((min_version, TLS1_2_VERSION), server),
                "SSLv23_client_method" => ((min_version, TLS1_2_VERSION), client),
                "TLS_method" => ((0, MAX_SUPPORTED_VERSION), method),
                "TLS_server_method" => ((0, MAX_SUPPORTED_VERSION), server),
                "TLS_client_method" => ((0, MAX_SUPPORTED_VERSION), client),
                "TLSv1_method" => ((TLS1_VERSION, TLS1_VERSION), method),
                "TLSv1_server_method" => ((TLS1_VERSION, TLS1_VERSION), server),
                "TLSv1_client_method" => ((TLS1_VERSION, TLS1_VERSION), client),
                "TLSv1_1_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), method),
                "TLSv1_1_server_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), server),
                "TLSv1_1_client_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), client),
                "TLSv1_2_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), method),
                "TLSv1_2_server_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), server),
                "TLSv1_2_client_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), client),
                other => {
                    let msg = format!("Unknown method: {other}");
                    return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_TLS_INVALID_PROTOCOL_METHOD"), &msg));
                }
            };
            (min_version, max_version) = range;
            method = m;
        }
        // SSL_CTX_new is not cheap in OpenSSL 3: keep the constructor's context when it is
        // still untouched and already the right method.
        if self.initialized || method != unsafe { sys::TLS_method() } {
            self.builder = new_ssl_ctx(method).map_err(|e| throw_crypto(env, &e, Some("SSL_CTX_new")))?;
        }
        let ctx = self.builder.as_ptr();
        unsafe {
            sys::SSL_CTX_set_min_proto_version(ctx, min_version);
            sys::SSL_CTX_set_max_proto_version(ctx, max_version);
        }
        self.cert = None;
        self.issuer = None;
        self.initialized = true;
        Ok(())
    }

    /// A PEM private key (string or ArrayBufferView), decrypted with `passphrase` (a string; an
    /// absent passphrase is the empty one, so an encrypted key fails with "bad decrypt" instead
    /// of prompting). Must come after the matching certificate: a mismatch throws
    /// ERR_OSSL_X509_KEY_VALUES_MISMATCH.
    #[napi]
    pub fn set_key(&mut self, env: &Env, key: Unknown, passphrase: Option<Unknown>) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &key)? else { return Ok(()) };
        let pass = match passphrase {
            Some(p) if p.get_type()? == ValueType::String => js_string(env, &p)?.into_bytes(),
            _ => Vec::new(),
        };
        clear_errors();
        self.use_private_key_pem(&pem, &pass).map_err(|function| throw_crypto_queue(env, Some(function)))
    }

    /// A PEM certificate chain: the first certificate (`CERTIFICATE` or `TRUSTED CERTIFICATE`)
    /// is the leaf, the rest its chain (sent to the peer; several key types keep separate chains).
    #[napi]
    pub fn set_cert(&mut self, env: &Env, cert: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &cert)? else { return Ok(()) };
        self.cert = None;
        self.issuer = None;
        clear_errors();
        self.use_certificate_chain_pem(&pem).map_err(|()| throw_crypto_queue(env, Some("SSL_CTX_use_certificate_chain")))
    }

    /// Trusts every PEM certificate in `ca` (`CERTIFICATE`, `X509 CERTIFICATE` or
    /// `TRUSTED CERTIFICATE`; anything unparsable is ignored) and names each as an acceptable
    /// client-certificate issuer. On a context using the shared root store, the store is first
    /// replaced by a private copy of the bundled roots.
    #[napi(js_name = "addCACert")]
    pub fn add_ca_cert(&mut self, env: &Env, ca: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &ca)? else { return Ok(()) };
        let bio = MemBio::new(&pem)?;
        self.add_ca_certs(&bio);
        Ok(())
    }

    /// Adds a PEM CRL to the trust store and turns on CRL checking for the whole chain
    /// (X509_V_FLAG_CRL_CHECK | CRL_CHECK_ALL). Unparsable input throws
    /// ERR_CRYPTO_OPERATION_FAILED "Failed to parse CRL".
    #[napi(js_name = "addCRL")]
    pub fn add_crl(&mut self, env: &Env, crl: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &crl)? else { return Ok(()) };
        let bio = MemBio::new(&pem)?;
        if !self.add_crl_from(&bio) {
            return Err(throw_node_error(env, ErrorKind::Error, Some("ERR_CRYPTO_OPERATION_FAILED"), "Failed to parse CRL"));
        }
        Ok(())
    }

    /// Uses the process-wide default root store (Node's bundled roots + NODE_EXTRA_CA_CERTS),
    /// which `loadRootCertificates()` must have built.
    #[napi]
    pub fn add_root_certs(&mut self, env: &Env) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(store) = root_store::shared_root_store() else {
            return Err(throw_node_error(
                env,
                ErrorKind::Error,
                Some("ERR_TLS_INVALID_STATE"),
                "tls-rs: the default root store is not loaded; call loadRootCertificates() first",
            ));
        };
        unsafe { sys::SSL_CTX_set_cert_store(self.builder.as_ptr(), store) };
        Ok(())
    }

    /// TLS 1.3 cipher suites (colon-separated `TLS_*` names).
    #[napi]
    pub fn set_cipher_suites(&mut self, env: &Env, suites: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        let suites = c_string(&suites);
        if unsafe { sys::SSL_CTX_set_ciphersuites(self.builder.as_ptr(), suites.as_ptr()) } != 1 {
            return Err(throw_crypto_queue(env, Some("Failed to set ciphers")));
        }
        clear_errors();
        Ok(())
    }

    /// The TLS 1.2-and-below cipher list (OpenSSL syntax, `@SECLEVEL=n` included). An empty list
    /// is accepted (TLS 1.2 ciphers deliberately cleared).
    #[napi]
    pub fn set_ciphers(&mut self, env: &Env, ciphers: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        let list = c_string(&ciphers);
        if unsafe { sys::SSL_CTX_set_cipher_list(self.builder.as_ptr(), list.as_ptr()) } != 1 {
            let stack = ErrorStack::get();
            let first = stack.errors().first().map(|e| e.code()).unwrap_or(0);
            if ciphers.is_empty() && sys::ERR_GET_REASON(first) == SSL_R_NO_CIPHER_MATCH {
                return Ok(());
            }
            return Err(throw_crypto(env, &stack, Some("Failed to set ciphers")));
        }
        Ok(())
    }

    /// Signature algorithms (`SSL_CTX_set1_sigalgs_list` syntax, e.g. `RSA-PSS+SHA256:ed25519`).
    #[napi]
    pub fn set_sigalgs(&mut self, env: &Env, sigalgs: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        let list = c_string(&sigalgs);
        if unsafe { sys::SSL_CTX_set1_sigalgs_list(self.builder.as_ptr(), list.as_ptr()) } != 1 {
            return Err(throw_crypto_queue(env, None));
        }
        Ok(())
    }

    /// Key-exchange groups: `'auto'` keeps OpenSSL's defaults (which include X25519MLKEM768),
    /// anything else is a `SSL_CTX_set1_groups_list` list such as `'X25519MLKEM768:X25519'`;
    /// failure throws ERR_CRYPTO_OPERATION_FAILED "Failed to set ECDH curve".
    #[napi(js_name = "setECDHCurve")]
    pub fn set_ecdh_curve(&mut self, env: &Env, curve: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        if curve == "auto" {
            return Ok(());
        }
        let list = c_string(&curve);
        // OpenSSL >= 3.5 accepts an empty list (leaving no groups at all); 3.0, and so Node 20,
        // refuses it.
        if list.as_bytes().is_empty() || unsafe { sys::SSL_CTX_set1_groups_list(self.builder.as_ptr(), list.as_ptr()) } != 1 {
            clear_errors();
            return Err(throw_node_error(env, ErrorKind::Error, Some("ERR_CRYPTO_OPERATION_FAILED"), "Failed to set ECDH curve"));
        }
        Ok(())
    }

    /// DHE parameters: `true` selects well-known parameters automatically (Node's `'auto'`),
    /// otherwise PEM `DH PARAMETERS`. Unparsable parameters are silently ignored; fewer than
    /// 1024 bits throw; fewer than 2048 return the warning text Node emits as a SecurityWarning
    /// (otherwise undefined).
    #[napi(js_name = "setDHParam")]
    pub fn set_dh_param(&mut self, env: &Env, dh: Unknown) -> Result<Either<String, ()>> {
        let _clear = ClearErrorOnReturn;
        let ctx = self.builder.as_ptr();
        if dh.get_type()? == ValueType::Boolean && unsafe { dh.cast::<bool>()? } {
            unsafe { sys::SSL_CTX_set_dh_auto(ctx, 1) };
            return Ok(Either::B(()));
        }
        let Some(pem) = view_bytes(env, &dh)? else { return Ok(Either::B(())) };
        let params = Dh::params_from_pem(&pem);
        clear_errors();
        let Ok(params) = params else { return Ok(Either::B(())) };
        let bits = params.prime_p().num_bits();
        let mut warning = None;
        if bits < 1024 {
            return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_INVALID_ARG_VALUE"), "DH parameter is less than 1024 bits"));
        } else if bits < 2048 {
            warning = Some("DH parameter is less than 2048 bits".to_string());
        }
        unsafe { sys::SSL_CTX_set_options(ctx, SSL_OP_SINGLE_DH_USE as _) };
        if unsafe { sys::SSL_CTX_set_tmp_dh(ctx, params.as_ptr()) } != 1 {
            clear_errors();
            return Err(throw_node_error(env, ErrorKind::Error, Some("ERR_CRYPTO_OPERATION_FAILED"), "Error setting temp DH parameter"));
        }
        Ok(warning.map(Either::A).unwrap_or(Either::B(())))
    }

    /// Lowest protocol version (a TLS version number; 0 = lowest supported).
    #[napi]
    pub fn set_min_proto(&mut self, version: i32) {
        unsafe { sys::SSL_CTX_set_min_proto_version(self.builder.as_ptr(), version) };
    }

    /// Highest protocol version (a TLS version number; 0 = highest supported).
    #[napi]
    pub fn set_max_proto(&mut self, version: i32) {
        unsafe { sys::SSL_CTX_set_max_proto_version(self.builder.as_ptr(), version) };
    }

    /// The configured lowest version (0 when open).
    #[napi]
    pub fn get_min_proto(&self) -> u32 {
        unsafe { sys::SSL_CTX_get_min_proto_version(self.builder.as_ptr()) as u32 }
    }

    /// The configured highest version (0 when open).
    #[napi]
    pub fn get_max_proto(&self) -> u32 {
        unsafe { sys::SSL_CTX_get_max_proto_version(self.builder.as_ptr()) as u32 }
    }

    /// ORs `SSL_OP_*` bits into the context's options (Node passes the integer through as a C
    /// `long`, so -1 sets every bit).
    #[napi]
    pub fn set_options(&mut self, options: i64) {
        unsafe { sys::SSL_CTX_set_options(self.builder.as_ptr(), options as u64 as _) };
    }

    /// The context's `SSL_OP_*` bits (not in Node; for tests and the server layer).
    #[napi]
    pub fn get_options(&self) -> i64 {
        unsafe { sys::SSL_CTX_get_options(self.builder.as_ptr()) as u64 as i64 }
    }

    /// The session ID context (at most 32 bytes of UTF-8); a longer one throws a TypeError whose
    /// message is OpenSSL's printed error queue, as in Node.
    #[napi]
    pub fn set_session_id_context(&mut self, env: &Env, session_id_context: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let bytes = session_id_context.as_bytes();
        let ok = unsafe { sys::SSL_CTX_set_session_id_context(self.builder.as_ptr(), bytes.as_ptr() as *const c_uchar, bytes.len() as _) };
        if ok == 1 {
            return Ok(());
        }
        let message = unsafe {
            let bio = sys::BIO_new(sys::BIO_s_mem());
            if bio.is_null() {
                "SSL_CTX_set_session_id_context error".to_string()
            } else {
                ERR_print_errors(bio);
                let mut data: *mut c_char = ptr::null_mut();
                let len = sys::BIO_ctrl(bio, sys::BIO_CTRL_INFO, 0, &mut data as *mut *mut c_char as *mut c_void);
                let text = if data.is_null() || len <= 0 {
                    String::new()
                } else {
                    // Node builds the message with OneByteString (latin-1).
                    std::slice::from_raw_parts(data as *const u8, len as usize).iter().map(|&b| b as char).collect()
                };
                sys::BIO_free_all(bio);
                text
            }
        };
        clear_errors();
        Err(throw_node_error(env, ErrorKind::Type, None, &message))
    }

    /// Lifetime of sessions (and tickets) issued with this context, in seconds.
    #[napi]
    pub fn set_session_timeout(&mut self, timeout: i32) {
        unsafe { SSL_CTX_set_timeout(self.builder.as_ptr(), timeout as c_long) };
    }

    /// The 48 bytes of session-ticket keys: name ‖ HMAC key ‖ AES key (random until set).
    #[napi]
    pub fn get_ticket_keys(&self) -> Buffer {
        tickets::get(self.ssl_context()).unwrap_or([0; tickets::TICKET_KEYS_LEN]).to_vec().into()
    }

    /// Replaces the session-ticket keys (an ArrayBufferView of 48 bytes); tickets issued with
    /// other keys then fall back to a full handshake. Returns true.
    #[napi]
    pub fn set_ticket_keys(&mut self, env: &Env, keys: Unknown) -> Result<bool> {
        let bytes = buffer_view_bytes(env, &keys)?;
        let Some(keys) = bytes.as_deref().and_then(|b| <&[u8; tickets::TICKET_KEYS_LEN]>::try_from(b).ok()) else {
            return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_INVALID_ARG_VALUE"), "Ticket keys length must be 48 bytes"));
        };
        tickets::set(self.ssl_context(), keys);
        Ok(true)
    }

    /// Loads a PKCS#12 (PFX) bundle: key, leaf, chain; the bundle's CA certificates are also
    /// trusted and named as client-certificate issuers. `passphrase` must be an
    /// ArrayBufferView when given. Failures throw Node's plain `Error(reason)`.
    #[napi(js_name = "loadPKCS12")]
    pub fn load_pkcs12(&mut self, env: &Env, pfx: Option<Unknown>, passphrase: Option<Unknown>) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let der = match &pfx {
            Some(v) => view_bytes(env, v)?,
            None => None,
        };
        let Some(der) = der else {
            return Err(throw_node_error(env, ErrorKind::Error, Some("ERR_CRYPTO_OPERATION_FAILED"), "Unable to load PFX certificate"));
        };
        // Node: `args.Length() >= 2` — our JS layer passes a second argument only when it has one.
        let pass: Option<Vec<u8>> = match &passphrase {
            None => None,
            Some(p) => match buffer_view_bytes(env, p)? {
                Some(mut bytes) => {
                    bytes.push(0);
                    Some(bytes)
                }
                None => return Err(throw_node_error(env, ErrorKind::Type, Some("ERR_INVALID_ARG_TYPE"), "Pass phrase must be a buffer")),
            },
        };
        self.cert = None;
        self.issuer = None;
        clear_errors();
        let ok = self.load_pkcs12_inner(&der, pass.as_deref());
        if !ok {
            let err = unsafe { sys::ERR_get_error() };
            let reason = unsafe { sys::ERR_reason_error_string(err) };
            let message = if reason.is_null() {
                "Unknown error".to_string()
            } else {
                unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy().into_owned()
            };
            clear_errors();
            return Err(throw_node_error(env, ErrorKind::Error, None, &message));
        }
        clear_errors();
        Ok(())
    }

    /// DER of the last certificate set by setCert/loadPKCS12, or null.
    #[napi]
    pub fn get_certificate(&self) -> Result<Option<Buffer>> {
        der_of(self.cert.as_ref())
    }

    /// DER of that certificate's issuer (from its chain or the trust store), or null.
    #[napi]
    pub fn get_issuer(&self) -> Result<Option<Buffer>> {
        der_of(self.issuer.as_ref())
    }

    /// Accepts chains that end at a trusted intermediate (X509_V_FLAG_PARTIAL_CHAIN).
    #[napi]
    pub fn set_allow_partial_trust_chain(&mut self) {
        let _clear = ClearErrorOnReturn;
        let store = self.writable_cert_store();
        unsafe { sys::X509_STORE_set_flags(store, sys::X509_V_FLAG_PARTIAL_CHAIN) };
    }

    /// OpenSSL security level (not a Node method: lib/ uses it to keep the level of the running
    /// Node's OpenSSL, whose default is 1 before OpenSSL 3.2 and 2 after).
    #[napi]
    pub fn set_security_level(&mut self, level: i32) {
        unsafe { sys::SSL_CTX_set_security_level(self.builder.as_ptr(), level) };
    }

    /// The context's OpenSSL security level.
    #[napi]
    pub fn get_security_level(&self) -> i32 {
        unsafe { sys::SSL_CTX_get_security_level(self.builder.as_ptr()) }
    }
}

impl SecureContext {
    /// The SSL_CTX sessions are created from.
    pub fn ssl_context(&self) -> &SslContextRef {
        unsafe { SslContextRef::from_ptr(self.builder.as_ptr()) }
    }

    /// The store this context may add trust to: its own, or — when it uses the shared root
    /// store — a new private copy of the bundled roots (Node's NewRootCertStore()).
    fn writable_cert_store(&mut self) -> *mut sys::X509_STORE {
        let ctx = self.builder.as_ptr();
        let current = unsafe { ffi::SSL_CTX_get_cert_store(ctx) };
        if current.is_null() || root_store::is_shared_root_store(current) {
            let store = root_store::new_root_cert_store();
            // SSL_CTX_set_cert_store frees the old store (drops our reference to the shared one).
            unsafe { sys::SSL_CTX_set_cert_store(ctx, store) };
            return store;
        }
        current
    }

    /// `addCACert`'s work: trusts every PEM certificate in `bio` (the unparsable rest is ignored).
    fn add_ca_certs(&mut self, bio: &MemBio) {
        loop {
            let x = unsafe { PEM_read_bio_X509_AUX(bio.0, ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
            if x.is_null() {
                break;
            }
            let store = self.writable_cert_store();
            unsafe {
                sys::X509_STORE_add_cert(store, x);
                sys::SSL_CTX_add_client_CA(self.builder.as_ptr(), x);
                sys::X509_free(x);
            }
        }
        clear_errors();
    }

    /// `addCRL`'s work: the first PEM CRL in `bio` joins the trust store; false when none parses.
    fn add_crl_from(&mut self, bio: &MemBio) -> bool {
        let crl = unsafe { sys::PEM_read_bio_X509_CRL(bio.0, ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
        clear_errors();
        if crl.is_null() {
            return false;
        }
        let store = self.writable_cert_store();
        unsafe {
            X509_STORE_add_crl(store, crl);
            sys::X509_CRL_free(crl);
            sys::X509_STORE_set_flags(store, sys::X509_V_FLAG_CRL_CHECK | sys::X509_V_FLAG_CRL_CHECK_ALL);
        }
        clear_errors();
        true
    }

    /// `setKey`'s work: installs the PEM private key in `pem`, decrypted with `pass`. On failure,
    /// the OpenSSL function to name in the error (its reason is on the error queue).
    pub(crate) fn use_private_key_pem(&mut self, pem: &[u8], pass: &[u8]) -> std::result::Result<(), &'static str> {
        let bio = MemBio::new(pem).map_err(|_| "PEM_read_bio_PrivateKey")?;
        let mut pass_ref: &[u8] = pass;
        let pkey = unsafe {
            sys::PEM_read_bio_PrivateKey(bio.0, ptr::null_mut(), Some(password_callback), &mut pass_ref as *mut &[u8] as *mut c_void)
        };
        if pkey.is_null() {
            return Err("PEM_read_bio_PrivateKey");
        }
        let ok = unsafe { sys::SSL_CTX_use_PrivateKey(self.builder.as_ptr(), pkey) };
        unsafe { sys::EVP_PKEY_free(pkey) };
        if ok != 1 {
            return Err("SSL_CTX_use_PrivateKey");
        }
        Ok(())
    }

    /// `setCert`'s work: the first PEM certificate in `pem` becomes the leaf, the rest its chain.
    /// On failure the reason is on the OpenSSL error queue.
    pub(crate) fn use_certificate_chain_pem(&mut self, pem: &[u8]) -> std::result::Result<(), ()> {
        let bio = MemBio::new(pem).map_err(|_| ())?;
        let leaf = unsafe { PEM_read_bio_X509_AUX(bio.0, ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
        if leaf.is_null() {
            return Err(());
        }
        let leaf = unsafe { X509::from_ptr(leaf) };
        let mut extra = Vec::new();
        loop {
            let x = unsafe { sys::PEM_read_bio_X509(bio.0, ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
            if x.is_null() {
                break;
            }
            extra.push(unsafe { X509::from_ptr(x) });
        }
        // The loop normally ends at "no start line" (end of input); anything else is a real error.
        let err = unsafe { sys::ERR_peek_last_error() };
        if sys::ERR_GET_LIB(err) == ERR_LIB_PEM && sys::ERR_GET_REASON(err) == PEM_R_NO_START_LINE {
            clear_errors();
        } else {
            return Err(());
        }
        self.use_certificate_chain(leaf, &extra)
    }

    /// Node's SSL_CTX_use_certificate_chain(ctx, x, extra_certs, &cert, &issuer).
    fn use_certificate_chain(&mut self, leaf: X509, extra: &[X509]) -> std::result::Result<(), ()> {
        let ctx = self.builder.as_ptr();
        if unsafe { sys::SSL_CTX_use_certificate(ctx, leaf.as_ptr()) } != 1 {
            return Err(());
        }
        unsafe { sys::SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS, 0, ptr::null_mut()) };
        let mut issuer: Option<&X509> = None;
        for ca in extra {
            // SSL_CTX_add1_chain_cert: the chain belongs to this leaf's key type.
            if unsafe { sys::SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, ca.as_ptr() as *mut c_void) } != 1 {
                return Err(());
            }
            if issuer.is_none() && unsafe { sys::X509_check_issued(ca.as_ptr(), leaf.as_ptr()) } == sys::X509_V_OK {
                issuer = Some(ca);
            }
        }
        self.issuer = match issuer {
            Some(ca) => Some(ca.clone()),
            None => issuer_from_store(ctx, &leaf),
        };
        self.cert = Some(leaf);
        Ok(())
    }

    fn load_pkcs12_inner(&mut self, der: &[u8], pass: Option<&[u8]>) -> bool {
        let Ok(bio) = MemBio::new(der) else { return false };
        unsafe {
            let p12 = d2i_PKCS12_bio(bio.0, ptr::null_mut());
            if p12.is_null() {
                return false;
            }
            let mut pkey: *mut sys::EVP_PKEY = ptr::null_mut();
            let mut cert: *mut sys::X509 = ptr::null_mut();
            let mut cas: *mut sys::stack_st_X509 = ptr::null_mut();
            let pass_ptr = pass.map(|p| p.as_ptr() as *const c_char).unwrap_or(ptr::null());
            let parsed = sys::PKCS12_parse(p12, pass_ptr, &mut pkey, &mut cert, &mut cas);
            sys::PKCS12_free(p12);
            if parsed != 1 {
                return false;
            }
            let pkey = (!pkey.is_null()).then(|| openssl::pkey::PKey::<openssl::pkey::Private>::from_ptr(pkey));
            let extra: Vec<X509> = if cas.is_null() {
                Vec::new()
            } else {
                let stack = openssl::stack::Stack::<X509>::from_ptr(cas);
                stack.iter().map(|c| c.to_owned()).collect()
            };
            if cert.is_null() {
                // SSL_CTX_use_certificate(ctx, NULL) fails with "passed a null parameter".
                sys::SSL_CTX_use_certificate(self.builder.as_ptr(), ptr::null_mut());
                return false;
            }
            let cert = X509::from_ptr(cert);
            if self.use_certificate_chain(cert, &extra).is_err() {
                return false;
            }
            let key_ptr = pkey.as_ref().map(|k| k.as_ptr()).unwrap_or(ptr::null_mut());
            if sys::SSL_CTX_use_PrivateKey(self.builder.as_ptr(), key_ptr) != 1 {
                return false;
            }
            for ca in &extra {
                let store = self.writable_cert_store();
                sys::X509_STORE_add_cert(store, ca.as_ptr());
                sys::SSL_CTX_add_client_CA(self.builder.as_ptr(), ca.as_ptr());
            }
            true
        }
    }
}

/// The option parsers without a JS environment, for the fuzz bodies (fuzzing.rs).
#[cfg(any(test, feature = "fuzzing"))]
impl SecureContext {
    /// A fresh TLS_method context with Node's base settings, as `new SecureContext()`.
    pub(crate) fn for_fuzzing() -> std::result::Result<Self, ErrorStack> {
        let builder = new_ssl_ctx(unsafe { sys::TLS_method() })?;
        let _live = crate::live_objects::Live::new(crate::live_objects::Kind::Context);
        Ok(SecureContext { builder, cert: None, issuer: None, initialized: false, _live })
    }

    /// `addCACert` over raw bytes.
    pub(crate) fn fuzz_add_ca(&mut self, pem: &[u8]) {
        if let Ok(bio) = MemBio::new(pem) {
            self.add_ca_certs(&bio);
        }
    }

    /// `addCRL` over raw bytes; whether a CRL was added.
    pub(crate) fn fuzz_add_crl(&mut self, pem: &[u8]) -> bool {
        MemBio::new(pem).is_ok_and(|bio| self.add_crl_from(&bio))
    }

    /// `loadPKCS12` over raw bytes; whether the PFX was installed.
    pub(crate) fn fuzz_load_pkcs12(&mut self, der: &[u8], pass: Option<&[u8]>) -> bool {
        let ok = self.load_pkcs12_inner(der, pass);
        clear_errors();
        ok
    }
}

/// A new SSL_CTX for `method` with Node's base settings (SecureContext::Init): no SSLv2/3,
/// client renegotiation allowed, automatic chain building, session cache for both sides
/// without OpenSSL's internal server store, tickets sealed with this context's own keys.
fn new_ssl_ctx(method: *const sys::SSL_METHOD) -> std::result::Result<SslContextBuilder, ErrorStack> {
    let mut builder = SslContextBuilder::new(unsafe { SslMethod::from_ptr(method) })?;
    // Random 48-byte ticket keys and Node's ticket callback.
    tickets::install(&mut builder)?;
    let ctx = builder.as_ptr();
    unsafe {
        sys::SSL_CTX_set_options(ctx, (SSL_OP_NO_SSLV2 | SSL_OP_NO_SSLV3 | SSL_OP_ALLOW_CLIENT_RENEGOTIATION) as _);
        sys::SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_MODE, SSL_MODE_NO_AUTO_CHAIN, ptr::null_mut());
        sys::SSL_CTX_ctrl(
            ctx,
            SSL_CTRL_SET_SESS_CACHE_MODE,
            SSL_SESS_CACHE_CLIENT_SERVER | SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR,
            ptr::null_mut(),
        );
    }
    Ok(builder)
}

/// Node's SSL_CTX_get_issuer: the issuer of `cert` found in the context's trust store.
fn issuer_from_store(ctx: *mut sys::SSL_CTX, cert: &X509) -> Option<X509> {
    unsafe {
        let store = ffi::SSL_CTX_get_cert_store(ctx);
        let store_ctx = sys::X509_STORE_CTX_new();
        if store_ctx.is_null() {
            return None;
        }
        let mut issuer: *mut sys::X509 = ptr::null_mut();
        let found = sys::X509_STORE_CTX_init(store_ctx, store, ptr::null_mut(), ptr::null_mut()) == 1
            && X509_STORE_CTX_get1_issuer(&mut issuer, store_ctx, cert.as_ptr()) == 1;
        sys::X509_STORE_CTX_free(store_ctx);
        clear_errors();
        (found && !issuer.is_null()).then(|| X509::from_ptr(issuer))
    }
}

fn der_of(cert: Option<&X509>) -> Result<Option<Buffer>> {
    match cert {
        None => Ok(None),
        Some(c) => {
            let der = c.to_der().map_err(|e| Error::from_reason(e.to_string()))?;
            Ok(Some(der.into()))
        }
    }
}

// ---- OpenSSL plumbing -------------------------------------------------------------------------

/// A read-only memory BIO over borrowed bytes.
struct MemBio(*mut sys::BIO);

impl MemBio {
    fn new(data: &[u8]) -> Result<Self> {
        let len = c_int::try_from(data.len()).map_err(|_| Error::from_reason("input too large"))?;
        let bio = unsafe { sys::BIO_new_mem_buf(data.as_ptr() as *const c_void, len) };
        if bio.is_null() {
            return Err(Error::from_reason("BIO_new_mem_buf failed"));
        }
        Ok(MemBio(bio))
    }
}

impl Drop for MemBio {
    fn drop(&mut self) {
        unsafe { sys::BIO_free_all(self.0) };
    }
}

fn clear_errors() {
    unsafe { sys::ERR_clear_error() };
}

/// Node's ClearErrorOnReturn: whatever a method leaves on the OpenSSL error queue is dropped, so
/// a later, unrelated failure (a session's handshake) reports its own error.
struct ClearErrorOnReturn;

impl Drop for ClearErrorOnReturn {
    fn drop(&mut self) {
        clear_errors();
    }
}

/// Node's PasswordCallback: copies the passphrase (`u` points at a `&[u8]`), or fails when it
/// does not fit.
unsafe extern "C" fn password_callback(buf: *mut c_char, size: c_int, _rwflag: c_int, u: *mut c_void) -> c_int {
    if u.is_null() {
        return -1;
    }
    let pass: &[u8] = unsafe { *(u as *const &[u8]) };
    if size < 0 || (size as usize) < pass.len() {
        return -1;
    }
    unsafe { ptr::copy_nonoverlapping(pass.as_ptr(), buf as *mut u8, pass.len()) };
    pass.len() as c_int
}

/// Node's NoPasswordCallback: never prompt.
unsafe extern "C" fn no_password_callback(_buf: *mut c_char, _size: c_int, _rwflag: c_int, _u: *mut c_void) -> c_int {
    0
}

/// `s` as Node hands it to OpenSSL (a C string: text after a NUL is ignored).
fn c_string(s: &str) -> std::ffi::CString {
    let cut = s.find('\0').map(|i| &s[..i]).unwrap_or(s);
    std::ffi::CString::new(cut).expect("no NUL left")
}

// ---- JS values --------------------------------------------------------------------------------

fn js_string(env: &Env, value: &Unknown) -> Result<String> {
    let raw_env = env.raw();
    let raw = value.value().value;
    let mut len = 0usize;
    check(unsafe { napi_sys::napi_get_value_string_utf8(raw_env, raw, ptr::null_mut(), 0, &mut len) })?;
    let mut buf = vec![0u8; len + 1];
    let mut written = 0usize;
    check(unsafe { napi_sys::napi_get_value_string_utf8(raw_env, raw, buf.as_mut_ptr() as *mut c_char, buf.len(), &mut written) })?;
    buf.truncate(written);
    Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

fn check(status: napi_sys::napi_status) -> Result<()> {
    if status == napi_sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(Status::from(status), "N-API call failed"))
    }
}

/// Node's LoadBIO: the UTF-8 of a string, or the bytes of an ArrayBufferView; None otherwise.
fn view_bytes(env: &Env, value: &Unknown) -> Result<Option<Vec<u8>>> {
    if value.get_type()? == ValueType::String {
        return Ok(Some(js_string(env, value)?.into_bytes()));
    }
    buffer_view_bytes(env, value)
}

/// The bytes of a TypedArray / Buffer / DataView; None for anything else.
fn buffer_view_bytes(env: &Env, value: &Unknown) -> Result<Option<Vec<u8>>> {
    let raw_env = env.raw();
    let raw = value.value().value;
    let mut is = false;
    check(unsafe { napi_sys::napi_is_typedarray(raw_env, raw, &mut is) })?;
    if is {
        let mut kind = 0;
        let mut length = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut offset = 0usize;
        check(unsafe { napi_sys::napi_get_typedarray_info(raw_env, raw, &mut kind, &mut length, &mut data, &mut ab, &mut offset) })?;
        let element = match kind {
            0..=2 => 1,  // Int8, Uint8, Uint8Clamped
            3 | 4 => 2,  // Int16, Uint16
            5..=7 => 4,  // Int32, Uint32, Float32
            8..=10 => 8, // Float64, BigInt64, BigUint64
            11 => 2,     // Float16
            _ => 1,
        };
        let bytes = length * element;
        return Ok(Some(if bytes == 0 || data.is_null() {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(data as *const u8, bytes) }.to_vec()
        }));
    }
    check(unsafe { napi_sys::napi_is_dataview(raw_env, raw, &mut is) })?;
    if is {
        let mut length = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut offset = 0usize;
        check(unsafe { napi_sys::napi_get_dataview_info(raw_env, raw, &mut length, &mut data, &mut ab, &mut offset) })?;
        return Ok(Some(if length == 0 || data.is_null() {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(data as *const u8, length) }.to_vec()
        }));
    }
    Ok(None)
}

// ---- errors as Node throws them -----------------------------------------------------------

enum ErrorKind {
    Error,
    Type,
}

/// Node's THROW_ERR_* from C++: `new Error(message)` / `new TypeError(message)` with an own
/// `code` (when given) and nothing else.
fn throw_node_error(env: &Env, kind: ErrorKind, code: Option<&str>, message: &str) -> napi::Error {
    let thrown = match kind {
        ErrorKind::Error => env.throw_error(message, code),
        ErrorKind::Type => env.throw_type_error(message, code),
    };
    match thrown {
        Ok(()) => napi::Error::from_status(Status::PendingException),
        Err(e) => e,
    }
}

/// OpenSSL's `error:XXXXXXXX:lib::reason` for `e`, cut to `max` bytes as Node's buffers cut it
/// (128 for a thrown message, 256 for `opensslErrorStack` entries).
fn error_string(e: c_ulong, max: usize) -> String {
    let mut buf = vec![0 as c_char; max];
    unsafe { ffi::ERR_error_string_n(e, buf.as_mut_ptr(), buf.len()) };
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// Node's ThrowCryptoError(env, err, message): an `Error` whose message is OpenSSL's string for
/// the first error of `stack` (or `message` when the stack is empty and a message is given), with
/// `opensslErrorStack` (the other errors, newest first) when there are any, then `library`,
/// `reason` and `code` of the first error.
fn throw_crypto(env: &Env, stack: &ErrorStack, message: Option<&str>) -> napi::Error {
    let codes: Vec<c_ulong> = stack.errors().iter().map(|e| e.code()).collect();
    let (err, rest) = codes.split_first().map(|(f, r)| (*f, r)).unwrap_or((0, &[]));
    let message = match message {
        Some(m) if err == 0 => m.to_string(),
        _ => error_string(err, 128),
    };
    let thrown = (|| -> Result<()> {
        // A plain Error (napi-rs's create_error would add a `code` from its status).
        let text = env.create_string(&message)?;
        let mut raw = ptr::null_mut();
        check(unsafe { napi_sys::napi_create_error(env.raw(), ptr::null_mut(), text.raw(), &mut raw) })?;
        let mut obj = Object::from_raw(env.raw(), raw);
        if !rest.is_empty() {
            let others: Vec<String> = rest.iter().rev().map(|&e| error_string(e, 256)).collect();
            obj.set_named_property("opensslErrorStack", others)?;
        }
        if err != 0 {
            if let Some(first) = OpenSslError::from_stack(stack) {
                if let Some(library) = &first.library {
                    obj.set_named_property("library", library.as_str())?;
                }
                if let Some(reason) = &first.reason {
                    obj.set_named_property("reason", reason.as_str())?;
                    // error.rs owns Node's code mapping (ERR_SSL_*, ERR_OSSL_<LIB>_*).
                    obj.set_named_property("code", first.code.as_str())?;
                }
            }
        }
        env.throw(obj)
    })();
    clear_errors();
    match thrown {
        Ok(()) => napi::Error::from_status(Status::PendingException),
        Err(e) => e,
    }
}

/// ThrowCryptoError with what the OpenSSL error queue holds.
fn throw_crypto_queue(env: &Env, message: Option<&str>) -> napi::Error {
    throw_crypto(env, &ErrorStack::get(), message)
}
