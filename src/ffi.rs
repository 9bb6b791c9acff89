//! OpenSSL functions that `openssl-sys` does not declare. They live in the same statically
//! linked libcrypto/libssl, so declaring them here is enough.

use openssl_sys::X509_STORE;
use std::os::raw::{c_char, c_int, c_ulong};

extern "C" {
    pub fn X509_STORE_up_ref(store: *mut X509_STORE) -> c_int;
    pub fn ERR_print_errors_cb(
        cb: extern "C" fn(*const c_char, usize, *mut std::os::raw::c_void) -> c_int,
        u: *mut std::os::raw::c_void,
    );
    pub fn ERR_peek_error() -> c_ulong;
    pub fn ERR_error_string_n(e: c_ulong, buf: *mut c_char, len: usize);
    pub fn SSL_CIPHER_get_auth_nid(cipher: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub fn SSL_get_SSL_CTX(ssl: *const openssl_sys::SSL) -> *mut openssl_sys::SSL_CTX;
    pub fn SSL_CTX_get_cert_store(ctx: *const openssl_sys::SSL_CTX) -> *mut X509_STORE;
}
