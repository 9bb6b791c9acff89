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

/// OpenSSL's PSK callbacks (per SSL; openssl-sys only declares the SSL_CTX setters).
pub type PskClientCallback = unsafe extern "C" fn(
    ssl: *mut openssl_sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: std::os::raw::c_uint,
    psk: *mut std::os::raw::c_uchar,
    max_psk_len: std::os::raw::c_uint,
) -> std::os::raw::c_uint;
pub type PskServerCallback = unsafe extern "C" fn(
    ssl: *mut openssl_sys::SSL,
    identity: *const c_char,
    psk: *mut std::os::raw::c_uchar,
    max_psk_len: std::os::raw::c_uint,
) -> std::os::raw::c_uint;

extern "C" {
    pub fn SSL_set_psk_client_callback(ssl: *mut openssl_sys::SSL, cb: Option<PskClientCallback>);
    pub fn SSL_set_psk_server_callback(ssl: *mut openssl_sys::SSL, cb: Option<PskServerCallback>);
    pub fn SSL_use_psk_identity_hint(ssl: *mut openssl_sys::SSL, hint: *const c_char) -> c_int;
}
