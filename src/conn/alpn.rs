//! ALPN (RFC 7301): the protocols a client offers, and on a server Node's selection (the
//! server's preference order; no overlap is a fatal no_application_protocol alert, as since
//! Node 19, or no ALPN at all where the running Node is 18: `set_no_overlap_fatal`) or the
//! ALPNCallback question (`Question::Alpn`, asked where OpenSSL selects: see questions.rs).

use super::questions::{hooks_of, Question};
use super::{latin1, Connection};
use crate::error::OpenSslError;
use foreign_types_shared::ForeignType;
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar, c_uint, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

static NO_OVERLAP_FATAL: AtomicBool = AtomicBool::new(true);

/// Whether a server whose protocols have none in common with the client's refuses the handshake
/// (Node 19+: a fatal no_application_protocol alert) rather than going on without ALPN (Node 18).
/// lib/binding.js sets it once at load from lib/host-tls.js.
pub fn set_no_overlap_fatal(on: bool) {
    NO_OVERLAP_FATAL.store(on, Ordering::Relaxed);
}

/// Where a server stands on the ALPN question it asks the caller (ALPNCallback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AlpnDecision {
    /// Not asked (yet): the client offered nothing, or the ClientHello was not seen.
    NotAsked,
    /// To be asked from the certificate callback (TLS 1.2: after the SNI question, as in Node,
    /// where OpenSSL selects ALPN after the certificate callback).
    AskAtCertificate,
    /// Asked; waiting for `select_alpn` and `resume`.
    Pending,
    Selected(Vec<u8>),
    Rejected,
}

/// Each entry of a wire-format protocol list.
pub(super) fn protocol_entries(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = list;
    std::iter::from_fn(move || {
        let (&n, tail) = rest.split_first()?;
        let n = (n as usize).min(tail.len());
        let (entry, next) = tail.split_at(n);
        rest = next;
        Some(entry)
    })
}

/// ALPN selection (server), installed on the SSL_CTX: the caller's answer, or Node's selection
/// from the server's list (server preference; no overlap is a fatal no_application_protocol
/// alert as since Node 19, or no ALPN as in Node 18). Without either, no ALPN is negotiated.
pub(super) unsafe extern "C" fn select_alpn_callback(
    ssl: *mut sys::SSL,
    out: *mut *const c_uchar,
    outlen: *mut c_uchar,
    inbuf: *const c_uchar,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    let Some(hooks) = hooks_of(ssl) else { return sys::SSL_TLSEXT_ERR_NOACK };
    let offered: &[u8] = if inlen == 0 { &[] } else { std::slice::from_raw_parts(inbuf, inlen as usize) };
    if hooks.alpn_callback {
        return match &hooks.alpn {
            AlpnDecision::Selected(chosen) => match protocol_entries(offered).find(|p| p == chosen) {
                Some(entry) => {
                    *out = entry.as_ptr();
                    *outlen = entry.len() as c_uchar;
                    sys::SSL_TLSEXT_ERR_OK
                }
                None => sys::SSL_TLSEXT_ERR_ALERT_FATAL,
            },
            AlpnDecision::Rejected => sys::SSL_TLSEXT_ERR_ALERT_FATAL,
            // Not asked (a resumption the ClientHello did not announce): nothing to select.
            _ => sys::SSL_TLSEXT_ERR_NOACK,
        };
    }
    match &hooks.alpn_protocols {
        Some(server) if !server.is_empty() => {
            let status = sys::SSL_select_next_proto(
                out as *mut *mut c_uchar,
                outlen,
                server.as_ptr(),
                server.len() as c_uint,
                inbuf,
                inlen,
            );
            if status == sys::OPENSSL_NPN_NEGOTIATED {
                sys::SSL_TLSEXT_ERR_OK
            } else if NO_OVERLAP_FATAL.load(Ordering::Relaxed) {
                sys::SSL_TLSEXT_ERR_ALERT_FATAL
            } else {
                sys::SSL_TLSEXT_ERR_NOACK
            }
        }
        _ => sys::SSL_TLSEXT_ERR_NOACK,
    }
}

/// ALPN (see the module doc).
impl Connection {
    /// The protocols to offer (client) or to choose from in this order (server), in ALPN wire
    /// format (`\x02h2\x08http/1.1`). A server without them negotiates no protocol.
    pub fn set_alpn_protocols(&mut self, wire: &[u8]) -> Result<(), OpenSslError> {
        let raw = self.ssl.as_ptr();
        if !self.is_server {
            if unsafe { sys::SSL_set_alpn_protos(raw, wire.as_ptr(), wire.len() as c_uint) } != 0 {
                return Err(OpenSslError::take()
                    .unwrap_or_else(|| OpenSslError::plain("Invalid ALPN protocol list", "ERR_SSL_BAD_EXTENSION")));
            }
            return Ok(());
        }
        self.hooks_mut().alpn_protocols = Some(wire.to_vec());
        Ok(())
    }

    /// Server side: pause the handshake with `Question::Alpn` when the client offers ALPN,
    /// where OpenSSL selects the protocol (Node's ALPNCallback).
    pub fn enable_alpn_callback(&mut self) {
        if !self.is_server {
            return;
        }
        self.hooks_mut().alpn_callback = true;
        self.install_certificate_callback();
    }

    /// While `Question::Alpn` is pending: the server name as Node's ALPNCallback sees it, and
    /// the client's protocols in wire format.
    pub fn alpn_request(&self) -> Option<(Option<String>, &[u8])> {
        let hooks = self.hooks()?;
        let offer = hooks.alpn_offer.as_deref()?;
        let servername = if hooks.hello_paused {
            hooks.hello_servername.as_deref().map(latin1)
        } else {
            self.servername()
        };
        Some((servername, offer))
    }

    /// Answers `Question::Alpn`: the `index`th offered protocol, or None to refuse them all (a
    /// fatal no_application_protocol alert). Then `resume()`.
    pub fn select_alpn(&mut self, index: Option<usize>) {
        let hooks = self.hooks_mut();
        if hooks.alpn != AlpnDecision::Pending || hooks.request != Some(Question::Alpn) {
            return;
        }
        let chosen = index.and_then(|i| hooks.alpn_offer.as_deref().and_then(|o| protocol_entries(o).nth(i)).map(<[u8]>::to_vec));
        hooks.alpn = match chosen {
            Some(p) => AlpnDecision::Selected(p),
            None => AlpnDecision::Rejected,
        };
    }

    /// The negotiated ALPN protocol, if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.ssl.selected_alpn_protocol()
    }
}

/// ALPN selection and the ALPNCallback question, back to back.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::{connection_pair, handshake, handshake_with};
    use crate::conn::Status;
    use openssl::ssl::SslVersion;

    const VERSIONS: [SslVersion; 2] = [SslVersion::TLS1_2, SslVersion::TLS1_3];

    /// Protocol names in ALPN wire format.
    pub(crate) fn wire(protocols: &[&str]) -> Vec<u8> {
        protocols.iter().flat_map(|p| std::iter::once(p.len() as u8).chain(p.bytes())).collect()
    }

    fn connections(max: SslVersion, servername: Option<&str>) -> (Connection, Connection) {
        let (mut client, server) = connection_pair(max);
        if let Some(name) = servername {
            client.set_servername(name);
        }
        (client, server)
    }

    #[test]
    fn alpn_uses_the_servers_preference() {
        for max in VERSIONS {
            let (mut client, mut server) = connections(max, None);
            client.set_alpn_protocols(&wire(&["h2", "http/1.1"])).unwrap();
            server.set_alpn_protocols(&wire(&["http/1.1", "h2"])).unwrap();
            handshake(&mut client, &mut server);
            assert_eq!(client.alpn_protocol(), Some(&b"http/1.1"[..]));
            assert_eq!(server.alpn_protocol(), Some(&b"http/1.1"[..]));
        }
    }

    #[test]
    fn alpn_without_overlap_is_a_fatal_alert() {
        for max in VERSIONS {
            let (mut client, mut server) = connections(max, None);
            client.set_alpn_protocols(&wire(&["h2"])).unwrap();
            server.set_alpn_protocols(&wire(&["x"])).unwrap();
            handshake(&mut client, &mut server);
            assert_eq!(server.error().unwrap().code, "ERR_SSL_NO_APPLICATION_PROTOCOL");
            assert_eq!(client.error().unwrap().code, "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
        }
    }

    #[test]
    fn alpn_needs_both_sides() {
        for (client_list, server_list) in [(Some(&["h2"][..]), None), (None, Some(&["h2"][..])), (Some(&[][..]), Some(&["h2"][..]))] {
            let (mut client, mut server) = connections(SslVersion::TLS1_3, None);
            if let Some(l) = client_list {
                client.set_alpn_protocols(&wire(l)).unwrap();
            }
            if let Some(l) = server_list {
                server.set_alpn_protocols(&wire(l)).unwrap();
            }
            handshake(&mut client, &mut server);
            assert!(client.handshake_done() && server.handshake_done());
            assert_eq!(client.alpn_protocol(), None);
            assert_eq!(server.alpn_protocol(), None);
        }
    }

    #[test]
    fn alpn_callback_pauses_and_selects() {
        for max in VERSIONS {
            let (mut client, mut server) = connections(max, Some("foo.example"));
            client.set_alpn_protocols(&wire(&["a", "bb"])).unwrap();
            server.enable_alpn_callback();
            let (_, seen) = handshake_with(&mut client, &mut server, |server, question| {
                assert_eq!(question, Question::Alpn);
                let (servername, offer) = server.alpn_request().unwrap();
                assert_eq!(offer, &wire(&["a", "bb"])[..]);
                assert_eq!(servername.as_deref(), Some("foo.example"));
                // More input while paused waits; nothing is asked twice.
                assert_eq!(server.receive(&[]), Status::Asking(Question::Alpn));
                server.select_alpn(Some(1));
            });
            assert_eq!(seen.questions, vec![Question::Alpn]);
            assert_eq!(client.alpn_protocol(), Some(&b"bb"[..]));
            assert_eq!(server.alpn_protocol(), Some(&b"bb"[..]));
        }
    }

    #[test]
    fn alpn_callback_refusal_is_a_fatal_alert() {
        for max in VERSIONS {
            let (mut client, mut server) = connections(max, None);
            client.set_alpn_protocols(&wire(&["a"])).unwrap();
            server.enable_alpn_callback();
            handshake_with(&mut client, &mut server, |server, _| server.select_alpn(None));
            assert_eq!(server.error().unwrap().code, "ERR_SSL_NO_APPLICATION_PROTOCOL");
            assert_eq!(client.error().unwrap().code, "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
        }
    }

    #[test]
    fn alpn_callback_is_not_asked_without_an_offer() {
        let (mut client, mut server) = connections(SslVersion::TLS1_3, Some("foo.example"));
        server.enable_alpn_callback();
        handshake(&mut client, &mut server);
        assert_eq!(server.alpn_protocol(), None);
    }

    #[test]
    fn protocol_entries_split_a_wire_list() {
        assert_eq!(protocol_entries(&wire(&["a", "bb", "ccc"])).collect::<Vec<_>>(), vec![&b"a"[..], b"bb", b"ccc"]);
    }
}
