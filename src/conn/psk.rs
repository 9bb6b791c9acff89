//! Pre-shared keys (Node's pskCallback and pskIdentityHint). OpenSSL asks for the key from inside
//! the handshake step and cannot be paused there, so the caller's callback is called
//! synchronously (session.rs calls into JS). TLS 1.2 needs a PSK cipher suite; TLS 1.3 uses the
//! same callbacks with a SHA-256 suite (OpenSSL's compatibility path), without the hint.

use super::Connection;
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_uchar, c_uint};
use std::sync::OnceLock;

/// What OpenSSL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PskExchange {
    /// Client: the key and identity to use; `hint` is the server's identity hint (TLS 1.2 only).
    Client { hint: Option<String>, max_psk_len: u32, max_identity_len: u32 },
    /// Server: the key for the client's `identity`.
    Server { identity: String, max_psk_len: u32 },
}

/// The caller's answer: the key and (client) the identity to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskAnswer {
    /// The key (at most the exchange's `max_psk_len` bytes, or the handshake fails).
    pub psk: Vec<u8>,
    /// Client: the identity to send (required); ignored on a server.
    pub identity: Option<String>,
}

/// Answers a PSK exchange, or None to fail the handshake.
pub type PskCallback = Box<dyn FnMut(PskExchange) -> Option<PskAnswer> + Send + Sync>;

struct Psk {
    callback: PskCallback,
}

fn psk_index() -> Index<Ssl, Psk> {
    static INDEX: OnceLock<Index<Ssl, Psk>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

unsafe fn ask(ssl: *mut sys::SSL, exchange: PskExchange) -> Option<PskAnswer> {
    let psk = SslRef::from_ptr_mut(ssl).ex_data_mut(psk_index())?;
    (psk.callback)(exchange)
}

/// Copies `psk` into OpenSSL's buffer; its length, or 0 (failure) when it does not fit.
unsafe fn give_key(psk: &[u8], out: *mut c_uchar, max_psk_len: c_uint) -> c_uint {
    if psk.len() > max_psk_len as usize {
        return 0;
    }
    std::ptr::copy_nonoverlapping(psk.as_ptr(), out, psk.len());
    psk.len() as c_uint
}

unsafe extern "C" fn client_callback(
    ssl: *mut sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    let hint = (!hint.is_null()).then(|| CStr::from_ptr(hint).to_string_lossy().into_owned());
    let exchange = PskExchange::Client { hint, max_psk_len, max_identity_len };
    let Some(answer) = ask(ssl, exchange) else { return 0 };
    let Some(id) = answer.identity else { return 0 };
    if id.len() > max_identity_len as usize || answer.psk.len() > max_psk_len as usize {
        return 0;
    }
    // OpenSSL's identity buffer holds max_identity_len + 1 bytes.
    std::ptr::copy_nonoverlapping(id.as_ptr(), identity as *mut u8, id.len());
    *identity.add(id.len()) = 0;
    give_key(&answer.psk, psk, max_psk_len)
}

unsafe extern "C" fn server_callback(ssl: *mut sys::SSL, identity: *const c_char, psk: *mut c_uchar, max_psk_len: c_uint) -> c_uint {
    if identity.is_null() {
        return 0;
    }
    // Node refuses identities that are not valid UTF-8.
    let Ok(identity) = CStr::from_ptr(identity).to_str() else { return 0 };
    let exchange = PskExchange::Server { identity: identity.to_string(), max_psk_len };
    match ask(ssl, exchange) {
        Some(answer) => give_key(&answer.psk, psk, max_psk_len),
        None => 0,
    }
}

/// PSK (see the module doc).
impl Connection {
    /// Answers OpenSSL's PSK questions with `callback` (Node's enablePskCallback), on either side.
    pub fn enable_psk_callback(&mut self, callback: PskCallback) {
        self.ssl.set_ex_data(psk_index(), Psk { callback });
        let raw = self.ssl.as_ptr();
        unsafe {
            crate::ffi::SSL_set_psk_client_callback(raw, Some(client_callback));
            crate::ffi::SSL_set_psk_server_callback(raw, Some(server_callback));
        }
    }

    /// Whether the connection may run on another thread: not once a PSK callback (which calls
    /// into JS) is installed.
    pub fn may_travel(&self) -> bool {
        self.ssl.ex_data(psk_index()).is_none()
    }

    /// Server side: the identity hint sent in TLS 1.2 (up to the first NUL). False when
    /// OpenSSL refuses it (longer than 256 bytes).
    pub fn set_psk_identity_hint(&mut self, hint: &str) -> bool {
        let hint = hint.split('\0').next().unwrap_or_default();
        let Ok(hint) = CString::new(hint) else { return false };
        let ok = unsafe { crate::ffi::SSL_use_psk_identity_hint(self.ssl.as_ptr(), hint.as_ptr()) } == 1;
        unsafe { sys::ERR_clear_error() };
        ok
    }
}

/// PSK handshakes between two engines.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::pump;
    use openssl::ssl::{SslContext, SslVersion};
    use std::sync::{Arc, Mutex};

    fn context(version: SslVersion) -> SslContext {
        let mut b = super::super::test_pair::builder();
        b.set_min_proto_version(Some(version)).unwrap();
        b.set_max_proto_version(Some(version)).unwrap();
        b.set_cipher_list("PSK-AES128-GCM-SHA256").unwrap();
        b.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
        b.build()
    }

    /// Runs a PSK handshake; returns what each side was asked and whether it completed.
    fn handshake(version: SslVersion, client_key: &[u8], server_key: &[u8]) -> (Vec<PskExchange>, bool) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let mut client = Connection::new(&context(version), false).unwrap();
        let mut server = Connection::new(&context(version), true).unwrap();
        let (log, key) = (asked.clone(), client_key.to_vec());
        client.enable_psk_callback(Box::new(move |q| {
            log.lock().unwrap().push(q);
            Some(PskAnswer { psk: key.clone(), identity: Some("user".into()) })
        }));
        let (log, key) = (asked.clone(), server_key.to_vec());
        server.enable_psk_callback(Box::new(move |q| {
            log.lock().unwrap().push(q);
            Some(PskAnswer { psk: key.clone(), identity: None })
        }));
        assert!(server.set_psk_identity_hint("hint"));
        client.start();
        let mut done = false;
        for _ in 0..10 {
            pump(&mut client, &mut server);
            pump(&mut server, &mut client);
            done = client.handshake_done() && server.handshake_done();
            if done || client.error().is_some() || server.error().is_some() {
                break;
            }
        }
        let asked = asked.lock().unwrap().clone();
        (asked, done)
    }

    #[test]
    fn tls12_psk_with_hint() {
        let (asked, done) = handshake(SslVersion::TLS1_2, b"secret", b"secret");
        assert!(done);
        assert_eq!(
            asked,
            vec![
                PskExchange::Client { hint: Some("hint".into()), max_psk_len: 512, max_identity_len: 256 },
                PskExchange::Server { identity: "user".into(), max_psk_len: 512 },
            ]
        );
    }

    #[test]
    fn tls13_psk_without_hint() {
        let (asked, done) = handshake(SslVersion::TLS1_3, b"secret", b"secret");
        assert!(done);
        assert!(matches!(&asked[0], PskExchange::Client { hint: None, .. }));
        assert!(matches!(&asked[1], PskExchange::Server { identity, .. } if identity == "user"));
    }

    #[test]
    fn different_keys_fail() {
        for version in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
            assert!(!handshake(version, b"secret", b"other").1);
        }
    }

    #[test]
    fn an_overlong_hint_is_refused() {
        let mut server = Connection::new(&context(SslVersion::TLS1_2), true).unwrap();
        assert!(!server.set_psk_identity_hint(&"h".repeat(257)));
        assert!(server.set_psk_identity_hint(&"h".repeat(256)));
    }
}
