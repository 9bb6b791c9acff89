//! The OpenSSL error queue, turned into what Node reports: a message, `code`
//! (`ERR_SSL_` + the reason, upper-cased), `library` and `reason`.

use crate::ffi;
use std::ffi::CStr;
use std::os::raw::c_char;

/// One OpenSSL error as Node reports it (js/errors.rs makes it a JS `Error`).
#[derive(Clone, Debug)]
pub struct OpenSslError {
    /// `error:0A00010B:SSL routines::wrong version number`, as OpenSSL formats it.
    pub message: String,
    /// Node's code: `ERR_SSL_WRONG_VERSION_NUMBER`, `ERR_OSSL_PEM_NO_START_LINE`, ...
    pub code: String,
    pub library: Option<String>,
    pub reason: Option<String>,
}

extern "C" fn append_line(line: *const c_char, len: usize, out: *mut std::os::raw::c_void) -> std::os::raw::c_int {
    if !line.is_null() && !out.is_null() {
        let bytes = unsafe { std::slice::from_raw_parts(line as *const u8, len) };
        let out = unsafe { &mut *(out as *mut String) };
        out.push_str(&String::from_utf8_lossy(bytes));
    }
    1
}

/// `message` without its lines that contain `entry`.
fn without_lines(message: &str, entry: &str) -> String {
    message.split_inclusive('\n').filter(|l| !l.contains(entry)).collect()
}

fn c_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// Node's mapping (crypto_util.cc): `ERR_` + (`SSL_` for SSL routines, else `OSSL_` + the library
/// prefix for libraries Node knows) + the reason upper-cased with spaces as underscores.
fn node_code(lib: i32, reason: Option<&str>) -> String {
    let prefix = match lib {
        20 => "SSL_",
        2 => "OSSL_SYS_", 3 => "OSSL_BN_", 4 => "OSSL_RSA_", 5 => "OSSL_DH_", 6 => "OSSL_EVP_",
        7 => "OSSL_BUF_", 8 => "OSSL_OBJ_", 9 => "OSSL_PEM_", 10 => "OSSL_DSA_", 11 => "OSSL_X509_",
        13 => "OSSL_ASN1_", 14 => "OSSL_CONF_", 15 => "OSSL_CRYPTO_", 16 => "OSSL_EC_",
        32 => "OSSL_BIO_", 33 => "OSSL_PKCS7_", 34 => "OSSL_X509V3_", 35 => "OSSL_PKCS12_",
        36 => "OSSL_RAND_", 37 => "OSSL_DSO_", 38 => "OSSL_ENGINE_", 39 => "OSSL_OCSP_", 40 => "OSSL_UI_",
        41 => "OSSL_COMP_", 42 => "OSSL_ECDSA_", 43 => "OSSL_ECDH_", 44 => "OSSL_OSSL_STORE_",
        45 => "OSSL_FIPS_", 46 => "OSSL_CMS_", 47 => "OSSL_TS_", 48 => "OSSL_HMAC_", 50 => "OSSL_CT_",
        51 => "OSSL_ASYNC_", 52 => "OSSL_KDF_", 53 => "OSSL_SM2_", 128 => "OSSL_USER_",
        _ => "OSSL_",
    };
    let reason = reason.unwrap_or("unknown").to_uppercase().replace(' ', "_");
    format!("ERR_{prefix}{reason}")
}

/// ERR_LIB_EVP and EVP_R_PROVIDER_SIGNATURE_FAILURE (OpenSSL 3.x evperr.h).
const ERR_LIB_EVP: i32 = 6;
const EVP_R_PROVIDER_SIGNATURE_FAILURE: i32 = 234;

/// The text of SSL_R_RECORD_LAYER_FAILURE's entry as printed.
const RECORD_LAYER_FAILURE: &str = ":record layer failure:";
/// The provider's entry for a record whose AEAD tag does not verify, and the record layer's
/// entry that OpenSSL 3.6+ adds after it (3.0 and 3.5, Node 18-24, print the first alone).
const CIPHER_OPERATION_FAILED: &str = ":cipher operation failed:";
const BAD_RECORD_MAC: &str = ":decryption failed or bad record mac:";

// OpenSSL renamed the SSLv3 alert reasons twice: "sslv3 alert handshake failure" (3.0, Node
// 18/20), "ssl/tls alert handshake failure" (3.2 to 3.x, Node 22/24), "tls alert handshake
// failure" (4.0, tls-rs's own). Codes (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE) and messages
// follow the running Node's OpenSSL. In a printed line the reason follows a colon.
const RENAMED_ALERT_PREFIX: &str = "tls alert ";
const RENAMED_ALERT_FIELD: &str = ":tls alert ";

/// The running Node's name for OpenSSL 4.0's alert reason prefix.
fn host_alert_prefix() -> &'static str {
    if crate::host_openssl::answers_as_openssl_30() { "sslv3 alert " } else { "ssl/tls alert " }
}

fn node_reason(reason: &str) -> String {
    match reason.strip_prefix(RENAMED_ALERT_PREFIX) {
        Some(rest) => format!("{}{rest}", host_alert_prefix()),
        None => reason.to_string(),
    }
}

/// `text` with the running Node's alert names.
fn as_openssl_30_alert(text: String) -> String {
    text.replace(RENAMED_ALERT_FIELD, &format!(":{}", host_alert_prefix()))
}

/// OpenSSL 3's ERR_GET_LIB (a macro, so not in openssl-sys).
fn err_lib(e: std::os::raw::c_ulong) -> i32 {
    const ERR_SYSTEM_FLAG: std::os::raw::c_ulong = (i32::MAX as std::os::raw::c_ulong) + 1;
    if e & ERR_SYSTEM_FLAG != 0 {
        2
    } else {
        ((e >> 23) & 0xFF) as i32
    }
}

/// How OpenSSL's printed lines name a thread: the bytes of its id in hex (ossl_buf2hexstr_sep).
fn thread_tag() -> String {
    let tid = unsafe { libc::pthread_self() } as u64;
    tid.to_le_bytes().iter().map(|b| format!("{b:02X}")).collect()
}

static LOOP_THREAD_TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Notes the JS thread (the first thread that creates a connection), whose id OpenSSL's
/// messages carry in Node, where every TLS step runs on it.
pub fn note_loop_thread() {
    LOOP_THREAD_TAG.get_or_init(thread_tag);
}

/// `printed` as if printed on the JS thread: a handshake step that ran on a worker thread
/// names the worker in each line's prefix, where Node's message names the JS thread.
fn as_printed_on_loop_thread(printed: String) -> String {
    let Some(loop_tag) = LOOP_THREAD_TAG.get() else { return printed };
    let here = thread_tag();
    if &here == loop_tag {
        return printed;
    }
    printed.split_inclusive('\n').map(|line| match line.strip_prefix(here.as_str()) {
        Some(rest) if rest.starts_with(':') => format!("{loop_tag}{rest}"),
        _ => line.to_string(),
    }).collect()
}

impl OpenSslError {
    fn from_code(e: std::os::raw::c_ulong) -> Self {
        let mut buf = [0 as c_char; 256];
        unsafe { ffi::ERR_error_string_n(e, buf.as_mut_ptr(), buf.len()) };
        let message = as_openssl_30_alert(c_str(buf.as_ptr()).unwrap_or_default());
        let library = c_str(unsafe { openssl_sys::ERR_lib_error_string(e) });
        let reason = c_str(unsafe { openssl_sys::ERR_reason_error_string(e) }).map(|r| node_reason(&r));
        let code = node_code(err_lib(e), reason.as_deref());
        OpenSslError { message, code, library, reason }
    }

    /// Takes the whole error queue, reports the first entry (the one Node reports) and clears the rest.
    pub fn take() -> Option<Self> {
        let first = unsafe { openssl_sys::ERR_get_error() };
        if first == 0 {
            return None;
        }
        while unsafe { openssl_sys::ERR_get_error() } != 0 {}
        Some(Self::from_code(first))
    }

    /// Takes the whole queue the way Node's TLSWrap reports a failed read or handshake: code,
    /// library and reason of the first entry, and `ERR_print_errors` lines as the message.
    /// TLSWrap's code is `ERR_SSL_` + the reason whatever the library (an RSA padding error left
    /// by certificate verification is ERR_SSL_INVALID_PADDING there, not ERR_OSSL_RSA_...).
    pub fn take_printed() -> Option<Self> {
        let mut first = unsafe { ffi::ERR_peek_error() };
        if first == 0 {
            return None;
        }
        // OpenSSL's signature providers (3.2+) queue "provider signature failure" (EVP) ahead of the
        // ASN1 "EVP lib" entry that 3.0 (Node 20) reports first for a tampered certificate:
        // drop it when other entries follow.
        let openssl_30 = crate::host_openssl::answers_as_openssl_30();
        if openssl_30
            && err_lib(first) == ERR_LIB_EVP
            && (first & 0x7F_FFFF) as i32 == EVP_R_PROVIDER_SIGNATURE_FAILURE
            && unsafe { openssl_sys::ERR_peek_last_error() } != first
        {
            unsafe { openssl_sys::ERR_get_error() };
            first = unsafe { ffi::ERR_peek_error() };
        }
        let mut err = Self::from_code(first);
        if let Some(reason) = &err.reason {
            err.code = node_code(20, Some(reason));
        }
        let mut printed = String::new();
        unsafe { ffi::ERR_print_errors_cb(append_line, &mut printed as *mut String as *mut std::os::raw::c_void) };
        if !printed.is_empty() {
            err.message = as_openssl_30_alert(as_printed_on_loop_thread(printed));
        }
        // OpenSSL 3.6's record layer follows each record error with a "record layer failure"
        // entry, which 3.0 and 3.5 (Node 18-24) do not; and it says "encrypted length too long"
        // where 3.0 says "packet length too long" for a record longer than any buffer.
        err.message = without_lines(&err.message, RECORD_LAYER_FAILURE);
        if err.message.contains(CIPHER_OPERATION_FAILED) {
            err.message = without_lines(&err.message, BAD_RECORD_MAC);
        }
        if !openssl_30 {
            return Some(err);
        }
        if err.reason.as_deref() == Some("encrypted length too long") {
            err.message = err.message.replacen(":encrypted length too long:", ":packet length too long:", 1);
            err.message = err.message.replacen(":0A000096:", ":0A0000C6:", 1);
            err.reason = Some("packet length too long".into());
            err.code = node_code(20, err.reason.as_deref());
        }
        Some(err)
    }

    /// From an `openssl` crate error stack (the first error, like Node).
    pub fn from_stack(stack: &openssl::error::ErrorStack) -> Option<Self> {
        stack.errors().first().map(|e| Self::from_code(e.code()))
    }

    /// From an `openssl` crate error stack's last error (where Node reports the last queued).
    pub fn from_stack_last(stack: &openssl::error::ErrorStack) -> Option<Self> {
        stack.errors().last().map(|e| Self::from_code(e.code()))
    }

    /// An error that is not OpenSSL's: a message and a Node code.
    pub fn plain(message: &str, code: &str) -> Self {
        OpenSslError { message: message.into(), code: code.into(), library: None, reason: None }
    }
}

#[cfg(test)]
mod tests {
    use super::node_code;

    #[test]
    fn codes_follow_node() {
        assert_eq!(node_code(20, Some("wrong version number")), "ERR_SSL_WRONG_VERSION_NUMBER");
        assert_eq!(node_code(9, Some("no start line")), "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(node_code(60, Some("unsupported")), "ERR_OSSL_UNSUPPORTED");
        assert_eq!(super::node_reason("tls alert handshake failure"), "sslv3 alert handshake failure");
        assert_eq!(super::node_reason("tlsv1 alert unknown ca"), "tlsv1 alert unknown ca");
    }
}
