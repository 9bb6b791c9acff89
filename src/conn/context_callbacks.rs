//! The SSL_CTX callbacks the connection core answers through, installed once when a context is
//! built. OpenSSL has only context-level setters for them, and a context is shared — by a
//! server's connections, by clients with the same options — while the handshake pool runs
//! other connections on it; setting them per connection wrote the context under those threads'
//! reads. Each callback answers from its own SSL's state (ex_data), and for an SSL that asked for
//! nothing it answers as an absent callback would: no ALPN, no staple, no session, no NPN
//! protocol of its own, nothing reported.

use openssl_sys as sys;

/// Installs every callback below on `ctx`, before any SSL is made from it.
///
/// # Safety
/// `ctx` is a live SSL_CTX that no connection uses yet.
pub unsafe fn install(ctx: *mut sys::SSL_CTX) {
    sys::SSL_CTX_set_client_hello_cb(ctx, Some(super::questions::client_hello_callback), std::ptr::null_mut());
    sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(ctx, Some(super::servername_binding::accept_servername));
    sys::SSL_CTX_set_alpn_select_cb__fixed_rust(ctx, Some(super::alpn::select_alpn_callback), std::ptr::null_mut());
    sys::SSL_CTX_set_tlsext_status_cb(ctx, Some(super::ocsp::status_callback));
    sys::SSL_CTX_sess_set_new_cb(ctx, Some(super::resumption::new_session_callback));
    sys::SSL_CTX_sess_set_get_cb(ctx, Some(super::resumption::get_session_callback));
    sys::SSL_CTX_set_keylog_callback(ctx, Some(super::keylog::keylog_callback));
    // The select callback makes every client offer NPN, as Node v5's clients did.
    sys::SSL_CTX_set_next_protos_advertised_cb(ctx, super::npn::advertise_callback, std::ptr::null_mut());
    sys::SSL_CTX_set_next_proto_select_cb(ctx, super::npn::select_callback, std::ptr::null_mut());
}

#[cfg(test)]
mod tests {
    use super::super::test_pair::builder;
    use super::super::Connection;
    use foreign_types_shared::{ForeignType, ForeignTypeRef};
    use openssl_sys as sys;
    use std::os::raw::{c_char, c_int, c_void};

    const SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB: c_int = 128;

    extern "C" {
        fn SSL_CTX_get_keylog_callback(ctx: *const sys::SSL_CTX) -> Option<unsafe extern "C" fn(*const sys::SSL, *const c_char)>;
        fn SSL_CTX_sess_get_new_cb(ctx: *mut sys::SSL_CTX) -> *const c_void;
        fn SSL_CTX_sess_get_get_cb(ctx: *mut sys::SSL_CTX) -> *const c_void;
    }

    /// The four callbacks OpenSSL has getters for, as addresses.
    fn readable_callbacks(ctx: *mut sys::SSL_CTX) -> [usize; 4] {
        let mut status: *const c_void = std::ptr::null();
        unsafe {
            sys::SSL_CTX_ctrl(ctx, SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB, 0, &mut status as *mut _ as *mut c_void);
            [
                SSL_CTX_get_keylog_callback(ctx).map_or(0, |f| f as usize),
                SSL_CTX_sess_get_new_cb(ctx) as usize,
                SSL_CTX_sess_get_get_cb(ctx) as usize,
                status as usize,
            ]
        }
    }

    unsafe extern "C" fn other_keylog(_: *const sys::SSL, _: *const c_char) {}
    unsafe extern "C" fn other_new_session(_: *mut sys::SSL, _: *mut sys::SSL_SESSION) -> c_int {
        0
    }
    unsafe extern "C" fn other_status(_: *mut sys::SSL, _: *mut c_void) -> c_int {
        1
    }

    #[test]
    fn a_secure_context_is_built_with_the_callbacks() {
        let context = crate::context::Context::new().unwrap();
        assert!(readable_callbacks(context.ssl_context().as_ptr()).iter().all(|&f| f != 0));
    }

    #[test]
    fn connections_asking_for_features_leave_their_context_alone() {
        let b = builder();
        let ctx = b.as_ptr();
        // Replaced after the build, so a connection writing its context would show.
        unsafe {
            sys::SSL_CTX_set_keylog_callback(ctx, Some(other_keylog));
            sys::SSL_CTX_sess_set_new_cb(ctx, Some(other_new_session));
            sys::SSL_CTX_set_tlsext_status_cb(ctx, Some(other_status));
            sys::SSL_CTX_sess_set_get_cb(ctx, None);
        }
        let before = readable_callbacks(ctx);
        let context = b.build();
        for is_server in [false, true] {
            let mut c = Connection::new(&context, is_server).unwrap();
            c.enable_keylog();
            c.enable_session_callbacks();
            c.request_ocsp();
            c.enable_ocsp_request();
            c.enable_alpn_callback();
            c.enable_sni_callback();
            c.set_alpn_protocols(b"\x02h2").unwrap();
            c.set_npn_protocols(Some(b"\x02h2"));
        }
        assert_eq!(readable_callbacks(context.as_ptr()), before);
    }
}
