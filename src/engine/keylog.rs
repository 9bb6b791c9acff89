//! Key logging (Node's 'keylog' event): OpenSSL's NSS key-log lines for this SSL, queued as
//! events. As in Node, the callback sits on the SSL_CTX (OpenSSL has no per-SSL one) and is
//! installed only when a connection asks for lines; SSLs that did not ask ignore it.

use super::events::{events_of, EngineEvent};
use super::TlsEngine;
use foreign_types_shared::ForeignType;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::c_char;

/// Queues `line` plus the '\n' Node appends, if this SSL wants key-log lines.
unsafe extern "C" fn keylog_callback(ssl: *const sys::SSL, line: *const c_char) {
    if line.is_null() {
        return;
    }
    let Some(state) = events_of(ssl) else { return };
    if !state.keylog {
        return;
    }
    let mut bytes = CStr::from_ptr(line).to_bytes().to_vec();
    bytes.push(b'\n');
    state.queue.push(EngineEvent::Keylog(bytes));
}

impl TlsEngine {
    /// Node's enableKeylogCallback: from now on, every secret OpenSSL derives for this
    /// connection is reported as an `EngineEvent::Keylog` line.
    pub fn enable_keylog(&mut self) {
        let raw = self.ssl.as_ptr();
        if let Some(state) = unsafe { events_of(raw) } {
            state.keylog = true;
        }
        unsafe { sys::SSL_CTX_set_keylog_callback(crate::ffi::SSL_get_SSL_CTX(raw), Some(keylog_callback)) };
    }
}
