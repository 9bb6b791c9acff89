//! SecureContext ⇐ SSL_CTX: keys, certificates, trust, ciphers and protocol limits.
//! The method names mirror Node's native SecureContext so lib/secure-context.js reads like
//! Node's `configSecureContext`.

use crate::error::{throw_plain, throw_queue, throw_stack};
use napi::bindgen_prelude::*;
use crate::{ffi, root_store};
use foreign_types_shared::ForeignTypeRef;
use napi_derive::napi;
use openssl::pkey::PKey;
use openssl::ssl::{SslContextBuilder, SslContextRef, SslMethod};
use openssl::x509::X509;
use std::os::raw::{c_long, c_void};

const SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
const SSL_SESS_CACHE_CLIENT_SERVER: c_long = 0x1 | 0x2;
const SSL_SESS_CACHE_NO_AUTO_CLEAR: c_long = 0x80;
const SSL_SESS_CACHE_NO_INTERNAL: c_long = 0x100 | 0x200;
const SSL_CTRL_CHAIN_CERT: i32 = 89;
const SSL_CTRL_SET_SESS_CACHE_MODE: i32 = 44;
const SSL_MODE_NO_AUTO_CHAIN: c_long = 0x8;
const SSL_CTRL_CLEAR_MODE: i32 = 78;
const SSL_CTRL_SET_MIN_PROTO_VERSION: i32 = 123;
const SSL_CTRL_SET_MAX_PROTO_VERSION: i32 = 124;

/// One SSL_CTX, configured step by step from JS and shared by every session created from it.
#[napi]
pub struct SecureContext {
    builder: SslContextBuilder,
    /// Whether the cert store was created for this context (a `ca` was given) rather than being
    /// OpenSSL's empty default or the shared roots.
    has_private_store: bool,
}

#[napi]
impl SecureContext {
    /// A TLS context with Node's base settings (no SSLv2/3, client renegotiation allowed,
    /// session cache without internal server store).
    #[napi(constructor)]
    pub fn new(env: &Env) -> Result<Self> {
        let builder = SslContextBuilder::new(SslMethod::tls()).map_err(|e| throw_stack(env, e, "SSL_CTX_new"))?;
        let ctx = builder.as_ptr();
        unsafe {
            openssl_sys::SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION as _);
            openssl_sys::SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_MODE, SSL_MODE_NO_AUTO_CHAIN, std::ptr::null_mut());
            openssl_sys::SSL_CTX_ctrl(
                ctx,
                SSL_CTRL_SET_SESS_CACHE_MODE,
                SSL_SESS_CACHE_CLIENT_SERVER | SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR,
                std::ptr::null_mut(),
            );
        }
        Ok(SecureContext { builder, has_private_store: false })
    }

    /// Protocol range as TLS version numbers (0x0301..0x0304); 0 leaves that end open.
    #[napi]
    pub fn init(&mut self, env: &Env, min_version: u32, max_version: u32) -> Result<()> {
        let ctx = self.builder.as_ptr();
        for (cmd, version) in [(SSL_CTRL_SET_MIN_PROTO_VERSION, min_version), (SSL_CTRL_SET_MAX_PROTO_VERSION, max_version)] {
            if unsafe { openssl_sys::SSL_CTX_ctrl(ctx, cmd, version as c_long, std::ptr::null_mut()) } != 1 {
                return Err(throw_queue(env, "SSL_CTX_set_proto_version"));
            }
        }
        Ok(())
    }

    /// A PEM private key, decrypted with `passphrase` when given.
    #[napi]
    pub fn set_key(&mut self, env: &Env, key: &[u8], passphrase: Option<&[u8]>) -> Result<()> {
        let pkey = match passphrase {
            Some(pass) => PKey::private_key_from_pem_passphrase(key, pass),
            None => PKey::private_key_from_pem(key),
        }
        .map_err(|e| throw_stack(env, e, "PEM_read_bio_PrivateKey"))?;
        self.builder.set_private_key(&pkey).map_err(|e| throw_stack(env, e, "SSL_CTX_use_PrivateKey"))
    }

    /// A PEM certificate chain: the first certificate is the leaf, the rest its chain.
    #[napi]
    pub fn set_cert(&mut self, env: &Env, cert: &[u8]) -> Result<()> {
        let mut certs = X509::stack_from_pem(cert).map_err(|e| throw_stack(env, e, "PEM_read_bio_X509"))?.into_iter();
        let leaf = certs.next().ok_or_else(|| throw_plain(env, "ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line"))?;
        self.builder.set_certificate(&leaf).map_err(|e| throw_stack(env, e, "SSL_CTX_use_certificate"))?;
        for extra in certs {
            use foreign_types_shared::ForeignType;
            // SSL_CTX_add1_chain_cert: the chain belongs to this leaf, so RSA and ECDSA pairs can coexist.
            let ok = unsafe { openssl_sys::SSL_CTX_ctrl(self.builder.as_ptr(), SSL_CTRL_CHAIN_CERT, 1, extra.as_ptr() as *mut c_void) };
            if ok != 1 {
                return Err(throw_queue(env, "SSL_CTX_add1_chain_cert"));
            }
        }
        Ok(())
    }

    /// Trusts the PEM certificates in `ca` (replacing the default roots) and names them as
    /// acceptable client-certificate issuers.
    #[napi(js_name = "addCACert")]
    pub fn add_ca_cert(&mut self, env: &Env, ca: &[u8]) -> Result<()> {
        let store = self.owned_cert_store(env)?;
        for cert in X509::stack_from_pem(ca).map_err(|e| throw_stack(env, e, "PEM_read_bio_X509"))? {
            use foreign_types_shared::ForeignType;
            unsafe { openssl_sys::X509_STORE_add_cert(store, cert.as_ptr()) };
            self.builder.add_client_ca(&cert).map_err(|e| throw_stack(env, e, "SSL_CTX_add_client_CA"))?;
        }
        unsafe { openssl_sys::ERR_clear_error() };
        Ok(())
    }

    /// Uses the process-wide default root store (Node's bundled roots + NODE_EXTRA_CA_CERTS).
    #[napi]
    pub fn add_root_certs(&mut self, env: &Env) -> Result<()> {
        let store = root_store::shared_root_store()
            .ok_or_else(|| throw_plain(env, "ERR_TLS_INVALID_STATE", "root certificates are not loaded"))?;
        unsafe { openssl_sys::SSL_CTX_set_cert_store(self.builder.as_ptr(), store) };
        Ok(())
    }

    /// TLS 1.2-and-below cipher list (OpenSSL syntax).
    #[napi]
    pub fn set_ciphers(&mut self, env: &Env, ciphers: String) -> Result<()> {
        self.builder.set_cipher_list(&ciphers).map_err(|e| throw_stack(env, e, "SSL_CTX_set_cipher_list"))
    }

    /// TLS 1.3 cipher suites (colon-separated).
    #[napi]
    pub fn set_cipher_suites(&mut self, env: &Env, suites: String) -> Result<()> {
        self.builder.set_ciphersuites(&suites).map_err(|e| throw_stack(env, e, "SSL_CTX_set_ciphersuites"))
    }
}

impl SecureContext {
    /// The SSL_CTX sessions are created from.
    pub fn ssl_context(&self) -> &SslContextRef {
        unsafe { SslContextRef::from_ptr(self.builder.as_ptr()) }
    }

    /// The context's own X509_STORE, replacing the shared root store on first use.
    fn owned_cert_store(&mut self, env: &Env) -> Result<*mut openssl_sys::X509_STORE> {
        let ctx = self.builder.as_ptr();
        let current = unsafe { ffi::SSL_CTX_get_cert_store(ctx) };
        if current.is_null() || root_store::is_shared_root_store(current) || !self.has_private_store {
            let store = unsafe { openssl_sys::X509_STORE_new() };
            if store.is_null() {
                return Err(throw_queue(env, "X509_STORE_new"));
            }
            unsafe { openssl_sys::SSL_CTX_set_cert_store(ctx, store) };
            self.has_private_store = true;
            return Ok(store);
        }
        Ok(current)
    }
}
