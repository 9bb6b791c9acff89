//! Protocol tracing (Node's `enableTrace()`): every protocol message an SSL sends or receives is
//! decoded by OpenSSL's SSL_trace onto stderr, as Node prints it (the vendored OpenSSL is built
//! with `enable-ssl-trace`, as Node's is).

use super::Connection;
use crate::ffi::{SSL_set_msg_callback, SSL_trace};
use foreign_types_shared::ForeignType;
use openssl_sys as sys;
use std::os::raw::{c_char, c_int, c_long, c_void};

const BIO_CTRL_INFO: c_int = 3;

extern "C" {
    fn ERR_set_mark() -> c_int;
    fn ERR_pop_to_mark() -> c_int;
}

/// Writes all of `bytes` to stderr (fd 2), waiting while it is a full non-blocking pipe (libuv
/// makes Node's stdio pipes non-blocking): a trace is several KiB per handshake, and a plain
/// write would drop what did not fit. A pipe nobody drains gets one second; then what does not
/// fit is dropped at once (as Node drops trace output) until a write goes through again, so a
/// stuck reader cannot stop the threads tracing — the JS thread included. Gives up on any other
/// error: tracing never fails a connection.
fn write_stderr(mut bytes: &[u8]) {
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);
    // One message at a time: a partial write to a full pipe must not let another thread's
    // message in between. The flag: the last wait ran out, and nothing was written since.
    static STDERR_STUCK: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
    let mut stuck = STDERR_STUCK.lock().unwrap_or_else(|e| e.into_inner());
    let deadline = std::time::Instant::now() + PATIENCE;
    while !bytes.is_empty() {
        let n = unsafe { libc::write(2, bytes.as_ptr() as *const c_void, bytes.len()) };
        if n > 0 {
            bytes = &bytes[n as usize..];
            *stuck = false;
            continue;
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EINTR) => {}
            Some(libc::EAGAIN) => {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if *stuck || left.is_zero() {
                    *stuck = true;
                    return;
                }
                let mut fd = libc::pollfd { fd: 2, events: libc::POLLOUT, revents: 0 };
                unsafe { libc::poll(&mut fd, 1, left.as_millis().max(1) as c_int) };
            }
            _ => return,
        }
    }
}

/// SSL_trace of one message into memory, then to stderr in one piece (messages traced on
/// different threads do not cut into each other; a record's header and its message are two
/// such pieces), leaving OpenSSL's error queue as it was (Node's
/// MarkPopErrorOnReturn).
unsafe extern "C" fn trace_message(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut sys::SSL,
    _arg: *mut c_void,
) {
    ERR_set_mark();
    let bio = sys::BIO_new(sys::BIO_s_mem());
    if !bio.is_null() {
        SSL_trace(write_p, version, content_type, buf, len, ssl, bio as *mut c_void);
        let mut data: *mut c_char = std::ptr::null_mut();
        let n = sys::BIO_ctrl(bio, BIO_CTRL_INFO, 0, &mut data as *mut _ as *mut c_void) as c_long;
        if n > 0 && !data.is_null() {
            write_stderr(std::slice::from_raw_parts(data as *const u8, n as usize));
        }
        sys::BIO_free_all(bio);
    }
    ERR_pop_to_mark();
}

impl Connection {
    /// Node's enableTrace(): every protocol message this SSL sends or receives from now on is
    /// printed to stderr.
    pub fn enable_trace(&mut self) {
        unsafe { SSL_set_msg_callback(self.ssl.as_ptr(), Some(trace_message)) };
    }
}
