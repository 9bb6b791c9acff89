//! Protocol tracing (Node's `enableTrace()`). Node prints OpenSSL's SSL_trace decoding; the
//! vendored OpenSSL is built without `enable-ssl-trace` (openssl-src offers no way to turn it
//! on), so the engine prints the same protocol messages through SSL_set_msg_callback in the
//! format of `openssl s_client -msg`: direction, version, content type, length, message name,
//! then the bytes in hex. Written to stderr synchronously, as Node's BIO on stderr is.

use crate::ffi::SSL_set_msg_callback;
use super::Connection;
use foreign_types_shared::ForeignType;
use openssl_sys as sys;
use std::fmt::Write as _;
use std::io::Write as _;
use std::os::raw::{c_int, c_void};

const RT_HEADER: c_int = 256;
const RT_INNER_CONTENT_TYPE: c_int = 257;

fn version_name(version: c_int) -> &'static str {
    match version {
        0x0300 => "SSL 3.0 ",
        0x0301 => "TLS 1.0 ",
        0x0302 => "TLS 1.1 ",
        0x0303 => "TLS 1.2 ",
        0x0304 => "TLS 1.3 ",
        _ => "",
    }
}

fn content_type_name(content_type: c_int) -> &'static str {
    match content_type {
        20 => "ChangeCipherSpec",
        21 => "Alert",
        22 => "Handshake",
        23 => "ApplicationData",
        RT_HEADER => "RecordHeader",
        RT_INNER_CONTENT_TYPE => "InnerContent",
        _ => "???",
    }
}

fn handshake_name(kind: u8) -> &'static str {
    match kind {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        3 => "HelloVerifyRequest",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        21 => "CertificateUrl",
        22 => "CertificateStatus",
        23 => "SupplementalData",
        24 => "KeyUpdate",
        25 => "CompressedCertificate",
        67 => "NextProto",
        254 => "MessageHash",
        _ => "???",
    }
}

/// One traced message as text (`openssl s_client -msg` layout).
pub fn format_message(sent: bool, version: c_int, content_type: c_int, bytes: &[u8]) -> String {
    let mut details = String::new();
    match content_type {
        22 if !bytes.is_empty() => details = format!(", {}", handshake_name(bytes[0])),
        21 if bytes.len() == 2 => {
            let level = if bytes[0] == 1 { "warning" } else if bytes[0] == 2 { "fatal" } else { "???" };
            let description = unsafe { std::ffi::CStr::from_ptr(sys::SSL_alert_desc_string_long(c_int::from(bytes[1]))) };
            details = format!(", {level} {}", description.to_string_lossy());
        }
        _ => {}
    }
    let mut out = format!(
        "{} {}{} [length {:04x}]{}\n",
        if sent { ">>>" } else { "<<<" },
        version_name(version),
        content_type_name(content_type),
        bytes.len(),
        details
    );
    if !bytes.is_empty() {
        out.push_str("   ");
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 && i % 16 == 0 {
                out.push_str("\n   ");
            }
            let _ = write!(out, " {b:02x}");
        }
        out.push('\n');
    }
    out
}

unsafe extern "C" fn trace_message(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    _ssl: *mut sys::SSL,
    _arg: *mut c_void,
) {
    let bytes = if buf.is_null() || len == 0 { &[][..] } else { std::slice::from_raw_parts(buf as *const u8, len) };
    let text = format_message(write_p != 0, version, content_type, bytes);
    // Nothing to do if stderr is gone; tracing must never fail the connection.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

impl Connection {
    /// Node's enableTrace(): every protocol message this SSL sends or receives from now on is
    /// printed to stderr.
    pub fn enable_trace(&mut self) {
        unsafe { SSL_set_msg_callback(self.ssl.as_ptr(), Some(trace_message)) };
    }
}
