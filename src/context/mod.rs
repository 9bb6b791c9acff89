//! SecureContext ⇐ SSL_CTX, without N-API: one SSL_CTX being configured as Node's native
//! SecureContext configures it (src/crypto/crypto_context.cc) — keys, certificates, trust
//! store, CRLs, PKCS#12 — and what it remembers (the leaf and its issuer). js/secure_context.rs
//! is its JS face; tickets, the default root store and the cipher list live beside it.

pub mod ciphers;
pub mod ech;
pub mod ocsp_staple;
pub mod root_store;
pub mod security;
pub mod tickets;

use crate::ffi::{self, d2i_PKCS12_bio, PEM_read_bio_X509_AUX, X509_STORE_CTX_get1_issuer, X509_STORE_add_crl};
use crate::mem_bio::MemBio;
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{SslContextBuilder, SslContextRef, SslMethod};
use openssl::x509::X509;
use openssl_sys as sys;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::ptr;

const SSL_OP_NO_SSLV2: u64 = 0; // a no-op since OpenSSL 1.1.0, kept to mirror Node
const SSL_OP_NO_SSLV3: u64 = 1 << 25;
const SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
/// Node still sets it with DH parameters; a no-op since OpenSSL 1.1.0.
pub const SSL_OP_SINGLE_DH_USE: u64 = 0;
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
/// OpenSSL's reason for a cipher list that matches nothing (an empty list is accepted).
pub const SSL_R_NO_CIPHER_MATCH: c_int = 185;
const TLS1_VERSION: i32 = 0x0301;
const TLS1_1_VERSION: i32 = 0x0302;
const TLS1_2_VERSION: i32 = 0x0303;
/// Node's kMaxSupportedVersion.
const MAX_SUPPORTED_VERSION: i32 = 0x0304;

// OpenSSL 4.0 servers follow RFC 7919: a client offering a named FFDHE group (Node's and
// OpenSSL's clients offer ffdhe2048/3072 by default) gets it for a DHE suite, with or without
// `dhparam`. Node 20 (OpenSSL 3.0) enables DHE only with `dhparam`. So a context starts with
// OpenSSL's default groups minus the FFDHE ones (no shared FFDHE group: DHE only with DH
// parameters, as in Node) and gets them back when DH parameters are set (without them a client
// offering FFDHE groups would get no DHE suite at all: RFC 7919 forbids the server's own).
const GROUPS_WITHOUT_FFDHE: &std::ffi::CStr = c"DEFAULT:-ffdhe2048:-ffdhe3072";
const GROUPS_DEFAULT: &std::ffi::CStr = c"DEFAULT";

/// One SSL_CTX, configured step by step and shared by every connection created from it.
pub struct Context {
    pub builder: SslContextBuilder,
    /// The leaf of the last certificate chain set (Node's `cert_`, for `getCertificate()`).
    pub cert: Option<X509>,
    /// Its issuer, from the chain or the trust store (Node's `issuer_`, for `getIssuer()`).
    pub issuer: Option<X509>,
    /// Whether `init()` has run; until then the constructor's TLS_method context is untouched
    /// and `init()` may keep it instead of building a second SSL_CTX.
    pub initialized: bool,
    /// Whether the groups are still tls-rs's default (no `ecdhCurve` list set).
    pub default_groups: bool,
}

impl Context {
    /// A TLS_method context with Node's base settings.
    pub fn new() -> Result<Self, ErrorStack> {
        let builder = new_ssl_ctx(unsafe { sys::TLS_method() })?;
        Ok(Context { builder, cert: None, issuer: None, initialized: false, default_groups: true })
    }

    /// The SSL_CTX connections are created from.
    pub fn ssl_context(&self) -> &SslContextRef {
        unsafe { SslContextRef::from_ptr(self.builder.as_ptr()) }
    }

    /// Node's `init()` after the method is known: a fresh SSL_CTX for `method` (unless the
    /// constructor's untouched TLS_method one will do: SSL_CTX_new is not cheap in OpenSSL 3),
    /// then the version range (`max` 0: the highest supported).
    pub fn init(&mut self, method: *const sys::SSL_METHOD, min: i32, max: i32) -> Result<(), ErrorStack> {
        if self.initialized || method != unsafe { sys::TLS_method() } {
            self.builder = new_ssl_ctx(method)?;
        }
        let max = if max == 0 { MAX_SUPPORTED_VERSION } else { max };
        unsafe {
            sys::SSL_CTX_set_min_proto_version(self.as_ptr(), min);
            sys::SSL_CTX_set_max_proto_version(self.as_ptr(), max);
        }
        self.cert = None;
        self.issuer = None;
        self.initialized = true;
        self.default_groups = true;
        Ok(())
    }

    /// DH parameters were set: the default groups get their FFDHE ones back (see
    /// GROUPS_WITHOUT_FFDHE). A list set through `ecdhCurve` is left as given.
    pub fn offer_ffdhe_groups(&mut self) {
        if self.default_groups {
            unsafe { sys::SSL_CTX_set1_groups_list(self.as_ptr(), GROUPS_DEFAULT.as_ptr()) };
        }
    }

    /// The raw SSL_CTX, for the one-call settings.
    pub fn as_ptr(&self) -> *mut sys::SSL_CTX {
        self.builder.as_ptr()
    }
}

impl Context {
    /// The store this context may add trust to: its own, or — when it uses the shared root
    /// store — a new private copy of the bundled roots (Node's NewRootCertStore()).
    pub fn writable_cert_store(&mut self) -> *mut sys::X509_STORE {
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

    /// `addCACert`'s work: trusts every PEM certificate in `pem` (the unparsable rest is
    /// ignored) and names each as an acceptable client-certificate issuer.
    pub fn add_ca_certs(&mut self, pem: &[u8]) {
        let Some(bio) = MemBio::reading(pem) else { return };
        loop {
            let x = unsafe { PEM_read_bio_X509_AUX(bio.as_ptr(), ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
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

    /// `addCRL`'s work: the first PEM CRL in `pem` joins the trust store and CRL checking is
    /// turned on for the whole chain; false when none parses.
    pub fn add_crl(&mut self, pem: &[u8]) -> bool {
        let Some(bio) = MemBio::reading(pem) else { return false };
        let crl = unsafe { sys::PEM_read_bio_X509_CRL(bio.as_ptr(), ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
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
    pub fn use_private_key_pem(&mut self, pem: &[u8], pass: &[u8]) -> std::result::Result<(), &'static str> {
        let bio = MemBio::reading(pem).ok_or("PEM_read_bio_PrivateKey")?;
        let mut pass_ref: &[u8] = pass;
        let pkey = unsafe {
            sys::PEM_read_bio_PrivateKey(bio.as_ptr(), ptr::null_mut(), Some(password_callback), &mut pass_ref as *mut &[u8] as *mut c_void)
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
    pub fn use_certificate_chain_pem(&mut self, pem: &[u8]) -> std::result::Result<(), ()> {
        let bio = MemBio::reading(pem).ok_or(())?;
        let leaf = unsafe { PEM_read_bio_X509_AUX(bio.as_ptr(), ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
        if leaf.is_null() {
            return Err(());
        }
        let leaf = unsafe { X509::from_ptr(leaf) };
        let mut extra = Vec::new();
        loop {
            let x = unsafe { sys::PEM_read_bio_X509(bio.as_ptr(), ptr::null_mut(), Some(no_password_callback), ptr::null_mut()) };
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

    /// `loadPKCS12`'s work: installs the key, certificate and CAs of the PFX in `der`. On
    /// `Pkcs12Failure::OpenSsl` the reason is on the error queue. `pass` is a C string because
    /// PKCS12_parse reads it up to its NUL (a fuzz-found over-read when it was a byte slice).
    pub fn load_pkcs12(&mut self, der: &[u8], pass: Option<&std::ffi::CStr>) -> Result<(), Pkcs12Failure> {
        let Some(bio) = MemBio::reading(der) else { return Err(Pkcs12Failure::OpenSsl) };
        unsafe {
            let p12 = d2i_PKCS12_bio(bio.as_ptr(), ptr::null_mut());
            if p12.is_null() {
                return Err(Pkcs12Failure::OpenSsl);
            }
            let mut pkey: *mut sys::EVP_PKEY = ptr::null_mut();
            let mut cert: *mut sys::X509 = ptr::null_mut();
            let mut cas: *mut sys::stack_st_X509 = ptr::null_mut();
            let pass_ptr = pass.map(|p| p.as_ptr()).unwrap_or(ptr::null());
            let parsed = sys::PKCS12_parse(p12, pass_ptr, &mut pkey, &mut cert, &mut cas);
            sys::PKCS12_free(p12);
            if parsed != 1 {
                return Err(Pkcs12Failure::OpenSsl);
            }
            // Owned from here on, so every return below frees them.
            let pkey = (!pkey.is_null()).then(|| openssl::pkey::PKey::<openssl::pkey::Private>::from_ptr(pkey));
            let cert = (!cert.is_null()).then(|| X509::from_ptr(cert));
            let extra: Vec<X509> = if cas.is_null() {
                Vec::new()
            } else {
                let stack = openssl::stack::Stack::<X509>::from_ptr(cas);
                stack.iter().map(|c| c.to_owned()).collect()
            };
            // Node checks the key first, then the certificate.
            let Some(pkey) = pkey else { return Err(Pkcs12Failure::NoKey) };
            let Some(cert) = cert else { return Err(Pkcs12Failure::NoCertificate) };
            if self.use_certificate_chain(cert, &extra).is_err() {
                return Err(Pkcs12Failure::OpenSsl);
            }
            if sys::SSL_CTX_use_PrivateKey(self.builder.as_ptr(), pkey.as_ptr()) != 1 {
                return Err(Pkcs12Failure::OpenSsl);
            }
            for ca in &extra {
                let store = self.writable_cert_store();
                sys::X509_STORE_add_cert(store, ca.as_ptr());
                sys::SSL_CTX_add_client_CA(self.builder.as_ptr(), ca.as_ptr());
            }
            Ok(())
        }
    }
}

/// Why a PFX could not be loaded.
#[derive(Debug, PartialEq, Eq)]
pub enum Pkcs12Failure {
    /// The PFX parsed but holds no private key.
    NoKey,
    /// The PFX parsed but holds no certificate.
    NoCertificate,
    /// OpenSSL refused it; the reason is on the error queue.
    OpenSsl,
}

/// Node's `secureProtocol` names: the version range (`min_version` where the name leaves it
/// open) and OpenSSL method of an OpenSSL method name (`TLSv1_2_method`, `SSLv23_server_method`,
/// ...), or the message of Node's ERR_TLS_INVALID_PROTOCOL_METHOD for SSLv2/SSLv3 methods and
/// unknown names.
pub fn secure_protocol(name: &str, min_version: i32) -> Result<((i32, i32), *const sys::SSL_METHOD), String> {
    let (any, server, client) = unsafe { (sys::TLS_method(), sys::TLS_server_method(), sys::TLS_client_method()) };
    Ok(match name {
        "SSLv2_method" | "SSLv2_server_method" | "SSLv2_client_method" => return Err("SSLv2 methods disabled".into()),
        "SSLv3_method" | "SSLv3_server_method" | "SSLv3_client_method" => return Err("SSLv3 methods disabled".into()),
        "SSLv23_method" => ((min_version, TLS1_2_VERSION), any),
        "SSLv23_server_method" => ((min_version, TLS1_2_VERSION), server),
        "SSLv23_client_method" => ((min_version, TLS1_2_VERSION), client),
        "TLS_method" => ((0, MAX_SUPPORTED_VERSION), any),
        "TLS_server_method" => ((0, MAX_SUPPORTED_VERSION), server),
        "TLS_client_method" => ((0, MAX_SUPPORTED_VERSION), client),
        "TLSv1_method" => ((TLS1_VERSION, TLS1_VERSION), any),
        "TLSv1_server_method" => ((TLS1_VERSION, TLS1_VERSION), server),
        "TLSv1_client_method" => ((TLS1_VERSION, TLS1_VERSION), client),
        "TLSv1_1_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), any),
        "TLSv1_1_server_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), server),
        "TLSv1_1_client_method" => ((TLS1_1_VERSION, TLS1_1_VERSION), client),
        "TLSv1_2_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), any),
        "TLSv1_2_server_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), server),
        "TLSv1_2_client_method" => ((TLS1_2_VERSION, TLS1_2_VERSION), client),
        other => return Err(format!("Unknown method: {other}")),
    })
}

/// A new SSL_CTX for `method` with Node's base settings (SecureContext::Init): no SSLv2/3,
/// client renegotiation allowed, automatic chain building, session cache for both sides
/// without OpenSSL's internal server store, tickets sealed with this context's own keys.
pub fn new_ssl_ctx(method: *const sys::SSL_METHOD) -> std::result::Result<SslContextBuilder, ErrorStack> {
    let mut builder = SslContextBuilder::new(unsafe { SslMethod::from_ptr(method) })?;
    // Random 48-byte ticket keys and Node's ticket callback.
    tickets::install(&mut builder)?;
    // The slot for the OCSP response it may staple (lib/ocsp-stapling.js fills it).
    ocsp_staple::prepare(&mut builder);
    let ctx = builder.as_ptr();
    unsafe {
        // Before any connection shares the context (conn/context_callbacks.rs).
        crate::conn::install_context_callbacks(ctx);
        sys::SSL_CTX_set_options(ctx, (SSL_OP_NO_SSLV2 | SSL_OP_NO_SSLV3 | SSL_OP_ALLOW_CLIENT_RENEGOTIATION) as _);
        sys::SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_MODE, SSL_MODE_NO_AUTO_CHAIN, ptr::null_mut());
        sys::SSL_CTX_ctrl(
            ctx,
            SSL_CTRL_SET_SESS_CACHE_MODE,
            SSL_SESS_CACHE_CLIENT_SERVER | SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR,
            ptr::null_mut(),
        );
        if sys::SSL_CTX_set1_groups_list(ctx, GROUPS_WITHOUT_FFDHE.as_ptr()) != 1 {
            return Err(ErrorStack::get());
        }
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

/// Empties OpenSSL's error queue.
pub fn clear_errors() {
    unsafe { sys::ERR_clear_error() };
}

/// Node's ClearErrorOnReturn: whatever a method leaves on the OpenSSL error queue is dropped, so
/// a later, unrelated failure (a session's handshake) reports its own error.
pub struct ClearErrorOnReturn;

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
pub(crate) unsafe extern "C" fn no_password_callback(_buf: *mut c_char, _size: c_int, _rwflag: c_int, _u: *mut c_void) -> c_int {
    0
}

/// `s` as Node hands it to OpenSSL (a C string: text after a NUL is ignored).
pub fn c_string(s: &str) -> std::ffi::CString {
    let cut = s.find('\0').map(|i| &s[..i]).unwrap_or(s);
    std::ffi::CString::new(cut).expect("no NUL left")
}

