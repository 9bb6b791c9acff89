//! Key logging (Node's 'keylog' event): OpenSSL's NSS key-log lines for this SSL, queued as
//! events. The callback sits on the SSL_CTX (OpenSSL has no per-SSL one; context_callbacks.rs);
//! SSLs that did not ask for lines ignore it.

use super::events::{events_of, Event};
use super::Connection;
use foreign_types_shared::ForeignType;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::c_char;

/// Queues `line` plus the '\n' Node appends, if this SSL wants key-log lines.
pub(super) unsafe extern "C" fn keylog_callback(ssl: *const sys::SSL, line: *const c_char) {
    if line.is_null() {
        return;
    }
    let Some(state) = events_of(ssl) else { return };
    if !state.keylog {
        return;
    }
    let mut bytes = CStr::from_ptr(line).to_bytes().to_vec();
    bytes.push(b'\n');
    state.queue.push(Event::Keylog(bytes));
}

impl Connection {
    /// Node's enableKeylogCallback: from now on, every secret OpenSSL derives for this
    /// connection is reported as an `Event::Keylog` line.
    pub fn enable_keylog(&mut self) {
        let raw = self.ssl.as_ptr();
        if let Some(state) = unsafe { events_of(raw) } {
            state.keylog = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_pair::{pump, trust, use_identity};
    use super::super::Connection;
    use super::Event;
    use openssl::ssl::SslVersion;

    #[test]
    fn both_ends_log_the_same_secrets_and_agree_on_finished_and_keying_material() {
        for version in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            let mut s = super::super::test_pair::builder();
            use_identity(&mut s, "agent-key.pem", "agent-chain.pem");
            s.set_max_proto_version(Some(version)).unwrap();
            let mut c = super::super::test_pair::builder();
            trust(&mut c, "ca-cert.pem");
            let mut client = Connection::new(&c.build(), false).unwrap();
            let mut server = Connection::new(&s.build(), true).unwrap();
            client.enable_keylog();
            server.enable_keylog();
            client.start();
            for _ in 0..10 {
                pump(&mut client, &mut server);
                pump(&mut server, &mut client);
            }
            let lines = |e: &mut Connection| {
                let mut v: Vec<Vec<u8>> = e
                    .take_events()
                    .into_iter()
                    .filter_map(|ev| if let Event::Keylog(l) = ev { Some(l) } else { None })
                    .collect();
                v.sort();
                v
            };
            let (c_lines, s_lines) = (lines(&mut client), lines(&mut server));
            assert_eq!(c_lines.len(), if version == SslVersion::TLS1_3 { 5 } else { 1 });
            assert!(c_lines.iter().all(|l| l.ends_with(b"\n")));
            assert_eq!(c_lines, s_lines);
            assert_eq!(client.finished(false), server.finished(true));
            assert_eq!(
                client.export_keying_material(16, b"EXPERIMENTAL-x", None).unwrap(),
                server.export_keying_material(16, b"EXPERIMENTAL-x", None).unwrap()
            );
        }
    }
}
