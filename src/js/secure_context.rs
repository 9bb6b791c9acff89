//! `SecureContext`: the JS face of `context::Context`. The methods are Node's native
//! `SecureContext` methods, with the same names, arguments, side effects and thrown errors, so
//! that lib/secure-context.js is a port of Node's `configSecureContext` and user code that calls
//! `ctx.context.addCACert(...)` keeps working. Validation of JS types happens in JS, as in Node;
//! the methods here, like Node's, treat a value that is neither a string nor an ArrayBufferView
//! as "nothing to load".

use super::errors::{throw_code, throw_crypto, throw_crypto_queue, throw_plain_error, throw_plain_type_error, throw_type_code};
use super::values::{buffer_view_bytes, js_string, view_bytes};
use crate::context::{self, c_string, clear_errors, root_store, tickets, ClearErrorOnReturn, Context, Pkcs12Failure, SSL_OP_SINGLE_DH_USE, SSL_R_NO_CIPHER_MATCH};
use foreign_types_shared::ForeignType;
use crate::ffi::{ERR_print_errors, SSL_CTX_set_timeout};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use openssl::dh::Dh;
use openssl::error::ErrorStack;
use openssl::ssl::SslContextRef;
use openssl::x509::X509;
use openssl_sys as sys;
use std::os::raw::{c_char, c_long, c_uchar, c_void};
use std::ptr;

/// OpenSSL 3's ERR_R_UNSUPPORTED as ERR_GET_REASON returns it (268 | ERR_RFLAG_COMMON).
const ERR_R_UNSUPPORTED: std::os::raw::c_int = 268 | (0x2 << 18);

/// One SSL_CTX, configured step by step from JS and shared by every connection created from it.
#[napi]
pub struct SecureContext {
    pub(super) context: Context,
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
        let context = Context::new().map_err(|e| throw_crypto(env, &e, None))?;
        Ok(SecureContext { context, _live: crate::live_objects::Live::new(crate::live_objects::Kind::Context) })
    }

    /// Node's `init(secureProtocol, minVersion, maxVersion)`: versions are TLS version numbers
    /// (0x0301..0x0304; 0 for max means the highest supported). A string `secureProtocol` names
    /// an OpenSSL method (`TLSv1_2_method`, `SSLv23_server_method`, ...) which overrides the range;
    /// SSLv2/SSLv3 methods and unknown names throw ERR_TLS_INVALID_PROTOCOL_METHOD (TypeError).
    #[napi(catch_unwind)]
    pub fn init(&mut self, env: &Env, secure_protocol: Unknown, min_version: i32, max_version: i32) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let (mut min_version, mut max_version) = (min_version, max_version);
        let mut method = unsafe { sys::TLS_method() };
        if secure_protocol.get_type()? == ValueType::String {
            let name = js_string(env, &secure_protocol)?;
            let (range, m) = context::secure_protocol(&name, min_version)
                .map_err(|message| throw_type_code(env, "ERR_TLS_INVALID_PROTOCOL_METHOD", &message))?;
            (min_version, max_version) = range;
            method = m;
        }
        self.context.init(method, min_version, max_version).map_err(|e| throw_crypto(env, &e, Some("SSL_CTX_new")))?;
        Ok(())
    }

    /// A PEM private key (string or ArrayBufferView), decrypted with `passphrase` (a string; an
    /// absent passphrase is the empty one, so an encrypted key fails with "bad decrypt" instead
    /// of prompting). Must come after the matching certificate: a mismatch throws
    /// ERR_OSSL_X509_KEY_VALUES_MISMATCH.
    #[napi(catch_unwind)]
    pub fn set_key(&mut self, env: &Env, key: Unknown, passphrase: Option<Unknown>) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &key)? else { return Ok(()) };
        let pass = match passphrase {
            Some(p) if p.get_type()? == ValueType::String => js_string(env, &p)?.into_bytes(),
            _ => Vec::new(),
        };
        clear_errors();
        self.context.use_private_key_pem(&pem, &pass).map_err(|function| throw_crypto_queue(env, Some(function)))
    }

    /// A PEM certificate chain: the first certificate (`CERTIFICATE` or `TRUSTED CERTIFICATE`)
    /// is the leaf, the rest its chain (sent to the peer; several key types keep separate chains).
    #[napi(catch_unwind)]
    pub fn set_cert(&mut self, env: &Env, cert: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &cert)? else { return Ok(()) };
        self.context.cert = None;
        self.context.issuer = None;
        clear_errors();
        self.context.use_certificate_chain_pem(&pem).map_err(|()| throw_crypto_queue(env, Some("SSL_CTX_use_certificate_chain")))
    }

    /// Trusts every PEM certificate in `ca` (`CERTIFICATE`, `X509 CERTIFICATE` or
    /// `TRUSTED CERTIFICATE`; anything unparsable is ignored) and names each as an acceptable
    /// client-certificate issuer. On a context using the shared root store, the store is first
    /// replaced by a private copy of the bundled roots.
    #[napi(catch_unwind, js_name = "addCACert")]
    pub fn add_ca_cert(&mut self, env: &Env, ca: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &ca)? else { return Ok(()) };
        self.context.add_ca_certs(&pem);
        Ok(())
    }

    /// Adds a PEM CRL to the trust store and turns on CRL checking for the whole chain
    /// (X509_V_FLAG_CRL_CHECK | CRL_CHECK_ALL). Unparsable input throws
    /// ERR_CRYPTO_OPERATION_FAILED "Failed to parse CRL".
    #[napi(catch_unwind, js_name = "addCRL")]
    pub fn add_crl(&mut self, env: &Env, crl: Unknown) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(pem) = view_bytes(env, &crl)? else { return Ok(()) };
        if !self.context.add_crl(&pem) {
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL"));
        }
        Ok(())
    }

    /// Uses the process-wide default root store (Node's bundled roots + NODE_EXTRA_CA_CERTS),
    /// which `loadRootCertificates()` must have built.
    #[napi]
    pub fn add_root_certs(&mut self, env: &Env) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let Some(store) = root_store::shared_root_store() else {
            return Err(throw_code(env, "ERR_TLS_INVALID_STATE", "tls-rs: the default root store is not loaded; call loadRootCertificates() first",
            ));
        };
        unsafe { sys::SSL_CTX_set_cert_store(self.context.builder.as_ptr(), store) };
        Ok(())
    }

    /// TLS 1.3 cipher suites (colon-separated `TLS_*` names); unknown names are left out, and
    /// none known is an error (no cipher match). As in Node's OpenSSL (3.0, 3.5), a TLS 1.2
    /// suite's standard name is known too: it cannot serve TLS 1.3, but OpenSSL puts it at the
    /// front of the TLS 1.2 cipher list (the vendored OpenSSL's third patch).
    #[napi(catch_unwind)]
    pub fn set_cipher_suites(&mut self, env: &Env, suites: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        if unsafe { sys::SSL_CTX_set_ciphersuites(self.context.builder.as_ptr(), c_string(&suites).as_ptr()) } != 1 {
            return Err(throw_crypto_queue(env, Some("Failed to set ciphers")));
        }
        Ok(())
    }

    /// The TLS 1.2-and-below cipher list (OpenSSL syntax, `@SECLEVEL=n` included). An empty list
    /// is accepted (TLS 1.2 ciphers deliberately cleared).
    #[napi(catch_unwind)]
    pub fn set_ciphers(&mut self, env: &Env, ciphers: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        let list = c_string(&ciphers);
        if unsafe { sys::SSL_CTX_set_cipher_list(self.context.builder.as_ptr(), list.as_ptr()) } != 1 {
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
    #[napi(catch_unwind)]
    pub fn set_sigalgs(&mut self, env: &Env, sigalgs: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        clear_errors();
        let list = c_string(&sigalgs);
        if unsafe { sys::SSL_CTX_set1_sigalgs_list(self.context.builder.as_ptr(), list.as_ptr()) } != 1 {
            return Err(throw_crypto_queue(env, None));
        }
        Ok(())
    }

    /// Key-exchange groups: `'auto'` keeps the context's defaults (OpenSSL's, X25519MLKEM768
    /// first; FFDHE only with DH parameters: context/mod.rs),
    /// anything else is a `SSL_CTX_set1_groups_list` list such as `'X25519MLKEM768:X25519'`;
    /// failure throws ERR_CRYPTO_OPERATION_FAILED "Failed to set ECDH curve".
    #[napi(catch_unwind, js_name = "setECDHCurve")]
    pub fn set_ecdh_curve(&mut self, env: &Env, curve: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        if curve == "auto" {
            return Ok(());
        }
        let list = c_string(&curve);
        // OpenSSL >= 3.5 accepts an empty list (leaving no groups at all); 3.0, and so Node 18/20,
        // refuses it.
        if (list.as_bytes().is_empty() && crate::host_openssl::answers_as_openssl_30()) || unsafe { sys::SSL_CTX_set1_groups_list(self.context.builder.as_ptr(), list.as_ptr()) } != 1 {
            clear_errors();
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Failed to set ECDH curve"));
        }
        self.context.default_groups = false;
        Ok(())
    }

    /// DHE parameters: `true` selects well-known parameters automatically (Node's `'auto'`),
    /// otherwise PEM `DH PARAMETERS`. Unparsable parameters are silently ignored; fewer than
    /// 1024 bits throw; fewer than 2048 return the warning text Node emits as a SecurityWarning
    /// (otherwise undefined).
    #[napi(catch_unwind, js_name = "setDHParam")]
    pub fn set_dh_param(&mut self, env: &Env, dh: Unknown) -> Result<Either<String, ()>> {
        let _clear = ClearErrorOnReturn;
        let ctx = self.context.builder.as_ptr();
        if dh.get_type()? == ValueType::Boolean && unsafe { dh.cast::<bool>()? } {
            unsafe { sys::SSL_CTX_set_dh_auto(ctx, 1) };
            self.context.offer_ffdhe_groups();
            return Ok(Either::B(()));
        }
        let Some(pem) = view_bytes(env, &dh)? else { return Ok(Either::B(())) };
        let params = Dh::params_from_pem(&pem);
        clear_errors();
        let Ok(params) = params else { return Ok(Either::B(())) };
        let bits = params.prime_p().num_bits();
        let mut warning = None;
        if bits < 1024 {
            return Err(throw_type_code(env, "ERR_INVALID_ARG_VALUE", "DH parameter is less than 1024 bits"));
        } else if bits < 2048 {
            warning = Some("DH parameter is less than 2048 bits".to_string());
        }
        unsafe { sys::SSL_CTX_set_options(ctx, SSL_OP_SINGLE_DH_USE as _) };
        if unsafe { sys::SSL_CTX_set_tmp_dh(ctx, params.as_ptr()) } != 1 {
            clear_errors();
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Error setting temp DH parameter"));
        }
        self.context.offer_ffdhe_groups();
        Ok(warning.map(Either::A).unwrap_or(Either::B(())))
    }

    /// Encrypted Client Hello keys (server): PEMs as `openssl ech` writes them, each with
    /// whether its config goes to clients as a retry config; replaces those set before. Returns
    /// -1, or the index of the first key OpenSSL cannot read (nothing is set then).
    #[napi(catch_unwind, js_name = "setECHKeys")]
    pub fn set_ech_keys(&mut self, pems: Vec<Uint8Array>, retry: Vec<bool>) -> i32 {
        let keys: Vec<(&[u8], bool)> = pems.iter().enumerate().map(|(i, p)| (&p[..], retry.get(i).copied().unwrap_or(true))).collect();
        match crate::context::ech::set_keys(self.context.builder.as_ptr(), &keys) {
            Ok(()) => -1,
            Err((index, _)) => index as i32,
        }
    }

    /// Lowest protocol version (a TLS version number; 0 = lowest supported).
    #[napi]
    pub fn set_min_proto(&mut self, version: i32) {
        unsafe { sys::SSL_CTX_set_min_proto_version(self.context.builder.as_ptr(), version) };
    }

    /// Highest protocol version (a TLS version number; 0 = highest supported).
    #[napi]
    pub fn set_max_proto(&mut self, version: i32) {
        unsafe { sys::SSL_CTX_set_max_proto_version(self.context.builder.as_ptr(), version) };
    }

    /// The configured lowest version (0 when open).
    #[napi]
    pub fn get_min_proto(&self) -> u32 {
        unsafe { sys::SSL_CTX_get_min_proto_version(self.context.builder.as_ptr()) as u32 }
    }

    /// The configured highest version (0 when open).
    #[napi]
    pub fn get_max_proto(&self) -> u32 {
        unsafe { sys::SSL_CTX_get_max_proto_version(self.context.builder.as_ptr()) as u32 }
    }

    /// ORs `SSL_OP_*` bits into the context's options (Node passes the integer through as a C
    /// `long`, so -1 sets every bit).
    #[napi]
    pub fn set_options(&mut self, options: i64) {
        unsafe { sys::SSL_CTX_set_options(self.context.builder.as_ptr(), options as u64 as _) };
    }

    /// The context's `SSL_OP_*` bits (not in Node; for tests and the server layer).
    #[napi]
    pub fn get_options(&self) -> i64 {
        unsafe { sys::SSL_CTX_get_options(self.context.builder.as_ptr()) as u64 as i64 }
    }

    /// The session ID context (at most 32 bytes of UTF-8); a longer one throws a TypeError whose
    /// message is OpenSSL's printed error queue, as in Node.
    #[napi(catch_unwind)]
    pub fn set_session_id_context(&mut self, env: &Env, session_id_context: String) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let bytes = session_id_context.as_bytes();
        let ok = unsafe { sys::SSL_CTX_set_session_id_context(self.context.builder.as_ptr(), bytes.as_ptr() as *const c_uchar, bytes.len() as _) };
        if ok == 1 {
            crate::conn::record_session_id_context(&mut self.context.builder, bytes);
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
        Err(throw_plain_type_error(env, &message))
    }

    /// Lifetime of sessions (and tickets) issued with this context, in seconds.
    #[napi]
    pub fn set_session_timeout(&mut self, timeout: i32) {
        unsafe { SSL_CTX_set_timeout(self.context.builder.as_ptr(), timeout as c_long) };
    }

    /// The 48 bytes of the current session-ticket keys: name ‖ HMAC key ‖ AES key (random until set).
    #[napi]
    pub fn get_ticket_keys(&self) -> Buffer {
        let ring = tickets::get(self.context.ssl_context()).unwrap_or_default();
        ring.first().copied().unwrap_or([0; tickets::TICKET_KEYS_LEN]).to_vec().into()
    }

    /// The whole key ring, 48 bytes per key, the current one first.
    #[napi]
    pub fn get_ticket_key_ring(&self) -> Buffer {
        tickets::get(self.context.ssl_context()).unwrap_or_default().concat().into()
    }

    /// Replaces the session-ticket keys: an ArrayBufferView of 48 bytes, or (a key ring) of a
    /// multiple of 48, the key that seals new tickets first; tickets issued under keys not given
    /// then fall back to a full handshake. Returns true.
    #[napi(catch_unwind)]
    pub fn set_ticket_keys(&mut self, env: &Env, keys: Unknown) -> Result<bool> {
        let bytes = buffer_view_bytes(env, &keys)?.unwrap_or_default();
        let ring: Vec<[u8; tickets::TICKET_KEYS_LEN]> =
            bytes.chunks_exact(tickets::TICKET_KEYS_LEN).filter_map(|key| key.try_into().ok()).collect();
        if ring.is_empty() || bytes.len() % tickets::TICKET_KEYS_LEN != 0 {
            return Err(throw_type_code(env, "ERR_INVALID_ARG_VALUE", "Ticket keys length must be 48 bytes"));
        }
        tickets::set(self.context.ssl_context(), &ring);
        Ok(true)
    }

    /// Loads a PKCS#12 (PFX) bundle: key, leaf, chain; the bundle's CA certificates are also
    /// trusted and named as client-certificate issuers. `passphrase` must be an
    /// ArrayBufferView when given. Failures throw Node's plain `Error(reason)`.
    #[napi(catch_unwind, js_name = "loadPKCS12")]
    pub fn load_pkcs12(&mut self, env: &Env, pfx: Option<Unknown>, passphrase: Option<Unknown>) -> Result<()> {
        let _clear = ClearErrorOnReturn;
        let der = match &pfx {
            Some(v) => view_bytes(env, v)?,
            None => None,
        };
        let Some(der) = der else {
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Unable to load PFX certificate"));
        };
        // Node: `args.Length() >= 2` — our JS layer passes a second argument only when it has one.
        let pass: Option<Vec<u8>> = match &passphrase {
            None => None,
            Some(p) => match buffer_view_bytes(env, p)? {
                Some(mut bytes) => {
                    bytes.push(0);
                    Some(bytes)
                }
                None => return Err(throw_type_code(env, "ERR_INVALID_ARG_TYPE", "Pass phrase must be a buffer")),
            },
        };
        self.context.cert = None;
        self.context.issuer = None;
        clear_errors();
        let pass = pass.as_deref().and_then(|bytes| std::ffi::CStr::from_bytes_until_nul(bytes).ok());
        let loaded = self.context.load_pkcs12(&der, pass);
        if loaded == Err(Pkcs12Failure::NoKey) {
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Unable to load private key from PFX data"));
        }
        if loaded == Err(Pkcs12Failure::NoCertificate) {
            return Err(throw_code(env, "ERR_CRYPTO_OPERATION_FAILED", "Unable to load certificate from PFX data"));
        }
        if loaded.is_err() {
            let err = unsafe { sys::ERR_get_error() };
            // OpenSSL 3's bare "unsupported" (a legacy cipher such as RC2 without the legacy
            // provider) becomes Node's clearer error.
            if sys::ERR_GET_REASON(err) == ERR_R_UNSUPPORTED {
                clear_errors();
                return Err(throw_code(env, "ERR_CRYPTO_UNSUPPORTED_OPERATION", "Unsupported PKCS12 PFX data"));
            }
            let reason = unsafe { sys::ERR_reason_error_string(err) };
            let message = if reason.is_null() {
                "Unknown error".to_string()
            } else {
                unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy().into_owned()
            };
            clear_errors();
            return Err(throw_plain_error(env, &message));
        }
        clear_errors();
        Ok(())
    }

    /// DER of the last certificate set by setCert/loadPKCS12, or null.
    #[napi]
    pub fn get_certificate(&self) -> Result<Option<Buffer>> {
        der_of(self.context.cert.as_ref())
    }

    /// DER of that certificate's issuer (from its chain or the trust store), or null.
    #[napi]
    pub fn get_issuer(&self) -> Result<Option<Buffer>> {
        der_of(self.context.issuer.as_ref())
    }

    /// Accepts chains that end at a trusted intermediate (X509_V_FLAG_PARTIAL_CHAIN).
    #[napi]
    pub fn set_allow_partial_trust_chain(&mut self) {
        let _clear = ClearErrorOnReturn;
        let store = self.context.writable_cert_store();
        unsafe { sys::X509_STORE_set_flags(store, sys::X509_V_FLAG_PARTIAL_CHAIN) };
    }

    /// OpenSSL security level (not a Node method: lib/ uses it to keep the level of the running
    /// Node's OpenSSL, whose default is 1 before OpenSSL 3.2 and 2 after).
    #[napi]
    pub fn set_security_level(&mut self, level: i32) {
        unsafe { sys::SSL_CTX_set_security_level(self.context.builder.as_ptr(), level) };
    }

    /// The context's OpenSSL security level.
    #[napi]
    pub fn get_security_level(&self) -> i32 {
        unsafe { sys::SSL_CTX_get_security_level(self.context.builder.as_ptr()) }
    }

    /// Applies OpenSSL 3.0's security-level rules for protocol versions and CCM-8 suites (not a
    /// Node method: lib/ calls it when the running Node's OpenSSL is 3.0, which negotiates TLS
    /// 1.0/1.1 and CCM-8 where OpenSSL 3.1+ refuses them at the same level). Idempotent.
    #[napi(js_name = "useOpenSSL30SecurityRules")]
    pub fn use_openssl30_security_rules(&mut self) {
        context::security::use_openssl30_rules(self.context.builder.as_ptr());
    }
}

impl SecureContext {
    /// The SSL_CTX connections are created from.
    pub fn ssl_context(&self) -> &SslContextRef {
        self.context.ssl_context()
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
