//! The default trust store: the running Node's bundled roots (`tls.rootCertificates`) plus
//! `NODE_EXTRA_CA_CERTS`, parsed once per process and shared by every context that has no `ca`.

use crate::error::throw_stack;
use napi::bindgen_prelude::*;
use crate::ffi;
use napi_derive::napi;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::X509;
use std::sync::OnceLock;

struct SharedStore(X509Store);
// X509_STORE lookups take OpenSSL's own lock; the store is never mutated after it is built.
unsafe impl Send for SharedStore {}
unsafe impl Sync for SharedStore {}

static ROOT_STORE: OnceLock<SharedStore> = OnceLock::new();

/// Builds the shared root store from PEM strings (once; later calls are ignored).
/// Returns how many certificates it holds.
#[napi(js_name = "loadRootCertificates")]
pub fn load_root_certificates(env: Env, roots: Vec<String>, extra_pem: Option<String>) -> Result<u32> {
    if ROOT_STORE.get().is_none() {
        let mut builder = X509StoreBuilder::new().map_err(|e| throw_stack(&env, e, "X509_STORE_new"))?;
        let mut add = |cert: X509| {
            // Duplicates (an extra CA that is also a root) are harmless; ignore that error.
            let _ = builder.add_cert(cert);
        };
        for pem in &roots {
            add(X509::from_pem(pem.as_bytes()).map_err(|e| throw_stack(&env, e, "PEM_read_bio_X509"))?);
        }
        if let Some(extra) = extra_pem {
            for cert in X509::stack_from_pem(extra.as_bytes()).map_err(|e| throw_stack(&env, e, "PEM_read_bio_X509"))? {
                add(cert);
            }
        }
        let _ = ROOT_STORE.set(SharedStore(builder.build()));
    }
    Ok(ROOT_STORE.get().map(|s| s.0.all_certificates().len() as u32).unwrap_or(0))
}

/// A new reference to the shared store, for `SSL_CTX_set_cert_store`; None until loaded.
pub fn shared_root_store() -> Option<*mut openssl_sys::X509_STORE> {
    use foreign_types_shared::ForeignType;
    ROOT_STORE.get().map(|s| {
        let ptr = s.0.as_ptr();
        unsafe { ffi::X509_STORE_up_ref(ptr) };
        ptr
    })
}

/// Whether `store` is the shared root store (which a context must not modify).
pub fn is_shared_root_store(store: *mut openssl_sys::X509_STORE) -> bool {
    use foreign_types_shared::ForeignType;
    ROOT_STORE.get().map(|s| s.0.as_ptr() == store).unwrap_or(false)
}
