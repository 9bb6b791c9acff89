//! The default trust store: the running Node's bundled roots (`tls.rootCertificates`), or
//! OpenSSL's CA store under `--use-openssl-ca`, plus the certificates in the `NODE_EXTRA_CA_CERTS`
//! file, parsed once per process and shared by every context that has no `ca` (Node's
//! `root_cert_store`).
//!
//! A context that then adds trust of its own (addCACert / addCRL / loadPKCS12 /
//! setAllowPartialTrustChain) swaps the shared store for a private copy of the bundled roots,
//! as Node's `NewRootCertStore()` does: with the extra certificates where the running Node's
//! copy has them (22.7+), without them on Node 18/20.
//!
//! `tls.setDefaultCACertificates()` replaces the shared store for contexts made afterwards; the
//! stores it replaced stay alive (and shared: never modified) for the contexts that hold them.

use crate::ffi::{BIO_new_file, ERR_peek_error, ERR_pop_to_mark, ERR_set_mark, X509_STORE_load_file, X509_STORE_load_path};
use foreign_types_shared::ForeignType;
use openssl::error::ErrorStack;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::X509;
use openssl_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_ulong};
use std::sync::{Mutex, OnceLock};

const ERR_LIB_PEM: c_int = 9;
const PEM_R_NO_START_LINE: c_int = 108;

struct Roots {
    /// Node's bundled roots, for private copies (none under --use-openssl-ca).
    bundled: Vec<X509>,
    /// Bundled roots + NODE_EXTRA_CA_CERTS; never modified after it is built.
    shared: X509Store,
    /// The extra certificates (NODE_EXTRA_CA_CERTS) that private copies get too: all of them
    /// where the running Node's NewRootCertStore has them (22.7+), else none.
    extra_in_private_copies: Vec<X509>,
    /// Whether the extra certificates file was read without error.
    extra_loaded: bool,
    /// Why the extra certificates file could not be loaded (OpenSSL's error string).
    extra_error: Option<String>,
    /// OpenSSL's CA store locations, used instead of the bundled roots (Node's --use-openssl-ca).
    openssl_store: Option<(CString, CString)>,
}
// X509_STORE lookups take OpenSSL's own lock; the store and the certificates are never mutated
// after they are built.
unsafe impl Send for Roots {}
unsafe impl Sync for Roots {}

static ROOTS: OnceLock<Roots> = OnceLock::new();

/// The stores `set_default` installed, the current one last (tls.setDefaultCACertificates), with
/// their certificates for private copies.
struct Replaced {
    stores: Vec<X509Store>,
    certificates: Vec<X509>,
}
// As for Roots: never mutated after they are built.
unsafe impl Send for Replaced {}

static REPLACED: Mutex<Replaced> = Mutex::new(Replaced { stores: Vec::new(), certificates: Vec::new() });

fn replaced() -> std::sync::MutexGuard<'static, Replaced> {
    REPLACED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes the certificates in `pems` the default trust store of contexts made from now on (Node's
/// setDefaultCACertificates; the caller has checked and deduplicated them). Errors when one does
/// not parse, leaving the store as it was.
pub fn set_default(pems: &[String]) -> Result<(), ErrorStack> {
    let certificates = pems.iter().map(|pem| X509::from_pem(pem.as_bytes())).collect::<Result<Vec<_>, _>>()?;
    let mut builder = X509StoreBuilder::new()?;
    for cert in &certificates {
        let _ = builder.add_cert(cert.clone());
    }
    unsafe { sys::ERR_clear_error() };
    let mut replaced = replaced();
    replaced.stores.push(builder.build());
    replaced.certificates = certificates;
    Ok(())
}

/// The certificates of a PEM text, read as Node reads each element of setDefaultCACertificates:
/// PEM_read_bio_X509 to the end (other blocks, and text around blocks, passed over), never
/// prompting for a passphrase (an encrypted block is an error, as with Node's
/// NoPasswordCallback). A certificate block that does not parse is the error returned.
pub fn certificates_in_pem(pem: &[u8]) -> Result<Vec<X509>, ErrorStack> {
    let mut certs = Vec::new();
    let Some(bio) = crate::mem_bio::MemBio::reading(pem) else { return Err(ErrorStack::get()) };
    unsafe { sys::ERR_clear_error() };
    loop {
        let x509 = unsafe { sys::PEM_read_bio_X509(bio.as_ptr(), std::ptr::null_mut(), Some(super::no_password_callback), std::ptr::null_mut()) };
        if x509.is_null() {
            break;
        }
        // SAFETY: takes the reference PEM_read_bio_X509 returned.
        certs.push(unsafe { X509::from_ptr(x509) });
    }
    let stack = ErrorStack::get(); // (empties OpenSSL's queue)
    match stack.errors().last() {
        Some(e) if !(e.library_code() == ERR_LIB_PEM && e.reason_code() == PEM_R_NO_START_LINE) => Err(stack),
        _ => Ok(certs),
    }
}

/// What the shared store holds, for `loadRootCertificates()`.
pub struct RootStoreInfo {
    /// Certificates in the shared store (bundled + extra).
    pub certificates: u32,
    /// Whether the extra certificates file was loaded (Node's `isExtraRootCertsFileLoaded()`).
    pub extra_loaded: bool,
    /// OpenSSL's error string when the extra file could not be loaded, for Node's warning
    /// "Warning: Ignoring extra certs from `FILE`, load failed: ERROR".
    pub extra_error: Option<String>,
}

/// Where OpenSSL's default CA store is (Node's `--use-openssl-ca`): the certificates (and CRLs)
/// of a PEM file, and hashed certificate directories (`:`-separated).
pub type OpenSslStorePaths = (CString, CString);

/// What X509_STORE_set_default_paths does, with Node's locations rather than the vendored
/// OpenSSL's: a missing file or directory just adds nothing.
fn add_openssl_store(store: *mut sys::X509_STORE, (file, dir): &(CString, CString)) {
    unsafe {
        ERR_set_mark();
        X509_STORE_load_file(store, file.as_ptr());
        X509_STORE_load_path(store, dir.as_ptr());
        ERR_pop_to_mark();
    }
}

fn error_string(e: c_ulong) -> String {
    let mut buf = [0 as c_char; 256];
    unsafe { crate::ffi::ERR_error_string_n(e, buf.as_mut_ptr(), buf.len()) };
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// Node's AddCertsFromFile: every PEM certificate in `file` is added to `store` (and to
/// `added`); returns the OpenSSL error (0 when the file ended normally).
fn add_certs_from_file(store: *mut sys::X509_STORE, file: &str, added: &mut Vec<X509>) -> c_ulong {
    unsafe { sys::ERR_clear_error() };
    let Ok(path) = CString::new(file) else {
        return 0x8000_0002; // ENOENT as a system error, as OpenSSL would report an unopenable path
    };
    unsafe { ERR_set_mark() };
    let result = unsafe {
        let bio = BIO_new_file(path.as_ptr(), c"r".as_ptr());
        if bio.is_null() {
            sys::ERR_get_error()
        } else {
            loop {
                let x509 = sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), Some(super::no_password_callback), std::ptr::null_mut());
                if x509.is_null() {
                    break;
                }
                sys::X509_STORE_add_cert(store, x509);
                added.push(X509::from_ptr(x509)); // takes PEM_read_bio_X509's reference
            }
            sys::BIO_free_all(bio);
            let err = ERR_peek_error();
            if sys::ERR_GET_LIB(err) == ERR_LIB_PEM && sys::ERR_GET_REASON(err) == PEM_R_NO_START_LINE {
                0
            } else {
                err
            }
        }
    };
    unsafe {
        ERR_pop_to_mark();
        sys::ERR_clear_error();
    }
    result
}

/// Builds the shared root store from the bundled PEM `roots` (or, given `openssl_store`, from
/// OpenSSL's CA store instead) and, when `extra_certs_file` is given, the PEM certificates in
/// that file (Node's NODE_EXTRA_CA_CERTS). Only the first call builds; later calls report what
/// was built. A bundled root that does not parse is an error. `extra_in_private_copies`: whether
/// the running Node's private stores hold the extra certificates too (new_root_cert_store).
pub fn load(
    roots: &[String],
    extra_certs_file: Option<&str>,
    openssl_store: Option<OpenSslStorePaths>,
    extra_in_private_copies: bool,
) -> Result<RootStoreInfo, ErrorStack> {
    if ROOTS.get().is_none() {
        // Under --use-openssl-ca the bundled roots are not used at all, so not parsed either.
        let bundled_pems = if openssl_store.is_none() { roots } else { &[] };
        let mut bundled = Vec::with_capacity(bundled_pems.len());
        for pem in bundled_pems {
            bundled.push(X509::from_pem(pem.as_bytes())?);
        }
        let mut builder = X509StoreBuilder::new()?;
        for cert in &bundled {
            // A duplicate root is harmless; ignore that error.
            let _ = builder.add_cert(cert.clone());
        }
        let shared = builder.build();
        if let Some(paths) = &openssl_store {
            add_openssl_store(shared.as_ptr(), paths);
        }
        let (mut extra, mut extra_loaded, mut extra_error) = (Vec::new(), false, None);
        if let Some(file) = extra_certs_file.filter(|f| !f.is_empty()) {
            match add_certs_from_file(shared.as_ptr(), file, &mut extra) {
                0 => extra_loaded = true,
                err => extra_error = Some(error_string(err)),
            }
        }
        unsafe { sys::ERR_clear_error() };
        if !extra_in_private_copies {
            extra.clear();
        }
        let _ = ROOTS.set(Roots { bundled, shared, extra_in_private_copies: extra, extra_loaded, extra_error, openssl_store });
    }
    let roots = ROOTS.get().expect("root store was just built");
    Ok(RootStoreInfo {
        certificates: roots.shared.all_certificates().len() as u32,
        extra_loaded: roots.extra_loaded,
        extra_error: roots.extra_error.clone(),
    })
}

/// A new reference to the shared store (the one setDefaultCACertificates installed last, if
/// any), for `SSL_CTX_set_cert_store`; None until loaded.
pub fn shared_root_store() -> Option<*mut sys::X509_STORE> {
    let roots = ROOTS.get()?;
    let replaced = replaced();
    let ptr = replaced.stores.last().map_or(roots.shared.as_ptr(), |store| store.as_ptr());
    unsafe { crate::ffi::X509_STORE_up_ref(ptr) };
    Some(ptr)
}

/// PEM of the certificates in the current shared store (empty until it is loaded).
pub fn default_certificates_pem() -> Vec<String> {
    let Some(ptr) = shared_root_store() else { return Vec::new() };
    // SAFETY: shared_root_store handed us a reference; the store is never modified.
    let store = unsafe { X509Store::from_ptr(ptr) };
    let pems = store
        .all_certificates()
        .iter()
        .filter_map(|cert| cert.to_pem().ok())
        .filter_map(|pem| String::from_utf8(pem).ok())
        .collect();
    drop(store); // releases the reference
    pems
}

/// Whether `store` is a shared root store, current or replaced (which a context must never modify).
pub fn is_shared_root_store(store: *mut sys::X509_STORE) -> bool {
    ROOTS.get().is_some_and(|r| r.shared.as_ptr() == store) || replaced().stores.iter().any(|s| s.as_ptr() == store)
}

/// Node's NewRootCertStore(): a new, owned store holding the bundled roots, or OpenSSL's CA
/// store under --use-openssl-ca, and the extra certificates where the running Node's has them;
/// after setDefaultCACertificates, its certificates only. Null when allocation fails.
pub fn new_root_cert_store() -> *mut sys::X509_STORE {
    let store = unsafe { sys::X509_STORE_new() };
    if store.is_null() {
        return store;
    }
    let replaced = replaced();
    if !replaced.stores.is_empty() {
        // After setDefaultCACertificates, its certificates are the default roots.
        for cert in &replaced.certificates {
            unsafe { sys::X509_STORE_add_cert(store, cert.as_ptr()) };
        }
        unsafe { sys::ERR_clear_error() };
    } else if let Some(roots) = ROOTS.get() {
        match &roots.openssl_store {
            Some(paths) => add_openssl_store(store, paths),
            None => roots.bundled.iter().for_each(|cert| unsafe {
                // X509_STORE_add_cert takes its own reference.
                sys::X509_STORE_add_cert(store, cert.as_ptr());
            }),
        }
        roots.extra_in_private_copies.iter().for_each(|cert| unsafe {
            sys::X509_STORE_add_cert(store, cert.as_ptr());
        });
        unsafe { sys::ERR_clear_error() };
    }
    store
}
