//! Checks that the linked OpenSSL is the one tls-rs builds (vendor/openssl-src): its version and
//! the source patch it carries, which a plain openssl-src build would silently lack.

use openssl_sys as sys;

const SSL_CTRL_SET_MAX_PIPELINES: std::ffi::c_int = 126;

#[test]
fn is_openssl_4_with_room_for_one_record_per_record_layer() {
    assert!(openssl::version::number() >= 0x4000_0000, "{}", openssl::version::version());
    let ctx = openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls()).unwrap().build();
    let set_max_pipelines = |n| unsafe {
        sys::SSL_CTX_ctrl(foreign_types_shared::ForeignType::as_ptr(&ctx), SSL_CTRL_SET_MAX_PIPELINES, n, std::ptr::null_mut())
    };
    // SSL_MAX_PIPELINES is 1 (vendor/openssl-src/README-tls-rs.md): OpenSSL refuses more.
    assert_eq!(set_max_pipelines(1), 1);
    assert_eq!(set_max_pipelines(2), 0);
}
