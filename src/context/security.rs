//! OpenSSL 3.0's security-level rules, for the running Node's sake. OpenSSL 3.1 tightened two
//! rules of its default security callback at the same levels: SSLv3, TLS 1.0 and TLS 1.1 are
//! refused from level 1 (3.0: SSLv3 from 2, TLS 1.0 from 3, TLS 1.1 from 4), and the AES-CCM
//! suites with an 8-byte tag (TLS_AES_128_CCM_8_SHA256, AES128-CCM8, ...) count as 64 bits, below
//! level 1 (3.0: the key size, 128 or 256). A Node on OpenSSL 3.0 negotiates what these rules
//! allow, so a context serving such a Node puts this callback in front of OpenSSL's own: it
//! answers those two questions as 3.0 did and hands every other one to the callback it replaced.

use crate::ffi::{
    SecurityCallback, SSL_CTX_get0_security_ex_data, SSL_CTX_get_security_callback, SSL_CTX_set0_security_ex_data,
    SSL_CTX_set_security_callback,
};
use openssl_sys as sys;
use std::os::raw::{c_int, c_void};

const SSL_SECOP_OTHER_CIPHER: c_int = 1 << 16;
const SSL_SECOP_CIPHER_SUPPORTED: c_int = 1 | SSL_SECOP_OTHER_CIPHER;
const SSL_SECOP_CIPHER_SHARED: c_int = 2 | SSL_SECOP_OTHER_CIPHER;
const SSL_SECOP_CIPHER_CHECK: c_int = 3 | SSL_SECOP_OTHER_CIPHER;
const SSL_SECOP_VERSION: c_int = 9;
const SSL3_VERSION: c_int = 0x0300;
const TLS1_VERSION: c_int = 0x0301;
const TLS1_1_VERSION: c_int = 0x0302;
const TLS1_3_VERSION: c_int = 0x0304;

/// Puts OpenSSL 3.0's version and CCM-8 rules in front of the context's security callback.
/// Calling it again on the same context changes nothing.
pub fn use_openssl30_rules(ctx: *mut sys::SSL_CTX) {
    // The replaced callback travels as the callback's `ex` (OpenSSL's default has none and
    // ignores it; every SSL copies both from the context). So an `ex` already set means the rules
    // are in place, and chaining to them again would recurse forever.
    if !unsafe { SSL_CTX_get0_security_ex_data(ctx) }.is_null() {
        return;
    }
    let Some(previous) = (unsafe { SSL_CTX_get_security_callback(ctx) }) else { return };
    unsafe {
        SSL_CTX_set0_security_ex_data(ctx, previous as *mut c_void);
        SSL_CTX_set_security_callback(ctx, Some(openssl30_rules));
    }
}

/// Whether OpenSSL 3.0 allowed protocol version `version` (TLS, not DTLS) at security `level`.
fn openssl30_allows_version(version: c_int, level: c_int) -> bool {
    !((version <= SSL3_VERSION && level >= 2) || (version <= TLS1_VERSION && level >= 3) || (version <= TLS1_1_VERSION && level >= 4))
}

/// The strength OpenSSL 3.0 gave `cipher`: an AES-CCM suite counts its key size (3.1+ rates
/// the 8-byte-tag ones at 64 bits); any other suite keeps `bits`.
unsafe fn openssl30_cipher_bits(cipher: *const sys::SSL_CIPHER, bits: c_int) -> c_int {
    if cipher.is_null() {
        return bits;
    }
    let nid = unsafe { sys::SSL_CIPHER_get_cipher_nid(cipher) };
    if nid != sys::NID_aes_128_ccm && nid != sys::NID_aes_256_ccm {
        return bits;
    }
    let mut key_bits: c_int = 0;
    unsafe { sys::SSL_CIPHER_get_bits(cipher, &mut key_bits) };
    bits.max(key_bits)
}

/// The security level in force, as OpenSSL's default callback reads it (the context's when
/// asked about a context, the connection's otherwise), clamped to 0..=5 as OpenSSL clamps it.
unsafe fn level_of(s: *const sys::SSL, ctx: *const sys::SSL_CTX) -> c_int {
    let level = if !ctx.is_null() {
        unsafe { sys::SSL_CTX_get_security_level(ctx) }
    } else if !s.is_null() {
        unsafe { sys::SSL_get_security_level(s) }
    } else {
        // OpenSSL always names one of the two; if it did not, refuse rather than guess.
        return 5;
    };
    level.clamp(0, 5)
}

// Infallible (integer arithmetic and OpenSSL getters, no allocation, nothing that can panic), so
// no unwinding can reach OpenSSL or Node from here.
unsafe extern "C" fn openssl30_rules(
    s: *const sys::SSL,
    ctx: *const sys::SSL_CTX,
    op: c_int,
    bits: c_int,
    nid: c_int,
    other: *mut c_void,
    ex: *mut c_void,
) -> c_int {
    // `ex` is only ever set together with this callback, to the callback it replaced.
    let previous: Option<SecurityCallback> = unsafe { std::mem::transmute::<*mut c_void, Option<SecurityCallback>>(ex) };
    let Some(previous) = previous else { return 0 };
    match op {
        // TLS versions only: DTLS version numbers (0xFEFF, 0xFEFD) keep OpenSSL's rule.
        SSL_SECOP_VERSION if nid <= TLS1_3_VERSION => openssl30_allows_version(nid, unsafe { level_of(s, ctx) }) as c_int,
        // The replaced callback had a null `ex` before this one took the slot.
        SSL_SECOP_CIPHER_SUPPORTED | SSL_SECOP_CIPHER_SHARED | SSL_SECOP_CIPHER_CHECK => {
            let bits = unsafe { openssl30_cipher_bits(other as *const sys::SSL_CIPHER, bits) };
            unsafe { previous(s, ctx, op, bits, nid, other, std::ptr::null_mut()) }
        }
        _ => unsafe { previous(s, ctx, op, bits, nid, other, std::ptr::null_mut()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::new_ssl_ctx;
    use crate::ffi::SSL_get1_supported_ciphers;
    use foreign_types_shared::ForeignType;
    use openssl::ssl::{Ssl, SslContextBuilder};

    /// A client context limited to `min..=max`, at `level`, with `suites` as its only TLS 1.3
    /// suites and `ciphers` as its TLS 1.2 list.
    fn context(min: c_int, max: c_int, level: c_int, ciphers: &str, suites: &str) -> SslContextBuilder {
        let b = new_ssl_ctx(unsafe { sys::TLS_client_method() }).expect("SSL_CTX");
        let ciphers = std::ffi::CString::new(ciphers).expect("no NUL");
        let suites = std::ffi::CString::new(suites).expect("no NUL");
        unsafe {
            sys::SSL_CTX_set_min_proto_version(b.as_ptr(), min);
            sys::SSL_CTX_set_max_proto_version(b.as_ptr(), max);
            sys::SSL_CTX_set_security_level(b.as_ptr(), level);
            sys::SSL_CTX_set_cipher_list(b.as_ptr(), ciphers.as_ptr());
            sys::SSL_CTX_set_ciphersuites(b.as_ptr(), suites.as_ptr());
        }
        b
    }

    /// The names of the suites a connection from `b` would offer; empty when it can offer none
    /// (OpenSSL finds no protocol version, or no suite, it may use).
    fn offered(b: SslContextBuilder) -> Vec<String> {
        let ctx = b.build();
        let ssl = Ssl::new(&ctx).expect("SSL");
        let stack = unsafe { SSL_get1_supported_ciphers(ssl.as_ptr()) };
        if stack.is_null() {
            return Vec::new();
        }
        let stack = unsafe { openssl::stack::Stack::<openssl::ssl::SslCipher>::from_ptr(stack as *mut _) };
        let names = stack.iter().map(|c| c.name().to_string()).collect();
        // SSL_get1_supported_ciphers hands over the stack, not the ciphers (static data).
        unsafe { sys::OPENSSL_sk_free(stack.as_ptr() as *mut _) };
        std::mem::forget(stack);
        names
    }

    fn with_rules(b: SslContextBuilder) -> SslContextBuilder {
        use_openssl30_rules(b.as_ptr());
        b
    }

    const TLS1_2_VERSION: c_int = 0x0303;

    #[test]
    fn tls_1_0_and_1_1_at_level_1_only_with_the_rules() {
        for v in [TLS1_VERSION, TLS1_1_VERSION] {
            assert!(offered(context(v, v, 1, "AES128-SHA", "")).is_empty(), "OpenSSL 4.0 refuses {v:#x} at level 1");
            assert_eq!(offered(with_rules(context(v, v, 1, "AES128-SHA", ""))), ["AES128-SHA"]);
        }
    }

    #[test]
    fn level_3_refuses_tls_1_0_and_level_4_tls_1_1_as_in_openssl_3_0() {
        // Levels 3 and 4 refuse SHA-1 MACs and non-forward-secret suites, hence ECDHE and SHA-384.
        let suite = "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA";
        assert!(offered(with_rules(context(TLS1_VERSION, TLS1_VERSION, 3, suite, ""))).is_empty());
        assert_eq!(offered(with_rules(context(TLS1_1_VERSION, TLS1_1_VERSION, 3, suite, ""))), ["ECDHE-RSA-AES256-SHA"]);
        assert!(offered(with_rules(context(TLS1_1_VERSION, TLS1_1_VERSION, 4, suite, ""))).is_empty());
        assert_eq!(offered(with_rules(context(TLS1_2_VERSION, TLS1_2_VERSION, 4, suite, ""))), ["ECDHE-RSA-AES256-SHA384"]);
    }

    #[test]
    fn level_0_still_allows_everything() {
        assert_eq!(offered(with_rules(context(TLS1_VERSION, TLS1_VERSION, 0, "AES128-SHA", ""))), ["AES128-SHA"]);
    }

    #[test]
    fn ccm_8_suites_count_their_key_size() {
        let tls13 = "TLS_AES_128_CCM_8_SHA256";
        assert!(offered(context(TLS1_2_VERSION, TLS1_3_VERSION, 1, "", tls13)).is_empty());
        assert_eq!(offered(with_rules(context(TLS1_2_VERSION, TLS1_3_VERSION, 1, "", tls13))), [tls13]);
        let tls12 = "AES128-CCM8:AES256-CCM8";
        assert!(offered(context(TLS1_2_VERSION, TLS1_2_VERSION, 1, tls12, "")).is_empty());
        assert_eq!(offered(with_rules(context(TLS1_2_VERSION, TLS1_2_VERSION, 1, tls12, ""))).len(), 2);
        // 128 bits is still below level 4 (192), as in 3.0; 256 is not.
        assert_eq!(offered(with_rules(context(TLS1_2_VERSION, TLS1_2_VERSION, 4, tls12, ""))), Vec::<String>::new());
    }

    #[test]
    fn everything_else_is_the_default_callbacks_answer() {
        // A SHA-1 MAC is refused at level 4 with or without the rules (OpenSSL's own check).
        assert!(offered(with_rules(context(TLS1_2_VERSION, TLS1_2_VERSION, 4, "ECDHE-RSA-AES256-SHA", ""))).is_empty());
        assert_eq!(offered(with_rules(context(TLS1_2_VERSION, TLS1_2_VERSION, 1, "AES128-GCM-SHA256", ""))), ["AES128-GCM-SHA256"]);
    }

    #[test]
    fn installing_twice_changes_nothing() {
        let b = context(TLS1_VERSION, TLS1_VERSION, 1, "AES128-SHA", "");
        use_openssl30_rules(b.as_ptr());
        use_openssl30_rules(b.as_ptr());
        assert_eq!(offered(b), ["AES128-SHA"]);
    }
}
