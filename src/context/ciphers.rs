//! The cipher names this OpenSSL offers, for `tls.getCiphers()`.

use crate::ffi::SSL_get_ciphers;
use foreign_types_shared::ForeignTypeRef;
use openssl::ssl::{Ssl, SslCipherRef, SslContext, SslMethod};

/// Every cipher (TLS 1.3 suites included) of a default TLS context, as OpenSSL names them.
pub fn ssl_ciphers() -> Vec<String> {
    let Ok(ctx) = SslContext::builder(SslMethod::tls()).map(|b| b.build()) else { return Vec::new() };
    let Ok(ssl) = Ssl::new(&ctx) else { return Vec::new() };
    let stack = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    if stack.is_null() {
        return Vec::new();
    }
    let count = unsafe { openssl_sys::OPENSSL_sk_num(stack as *const _) };
    (0..count)
        .filter_map(|i| {
            let cipher = unsafe { openssl_sys::OPENSSL_sk_value(stack as *const _, i) } as *mut openssl_sys::SSL_CIPHER;
            (!cipher.is_null()).then(|| unsafe { SslCipherRef::from_ptr(cipher) }.name().to_string())
        })
        .collect()
}
