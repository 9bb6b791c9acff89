//! The server's handshake questions, answered by the caller while OpenSSL waits (Node's
//! SNICallback and ALPNCallback), and ALPN selection. The OpenSSL callbacks here find the
//! per-SSL `Hooks` in the SSL's ex_data; `TlsEngine` sets them up and reports the questions.
//!
//! Where Node asks (and so where the engine pauses): ALPN where OpenSSL selects it — before the
//! certificate callback in TLS 1.3 (so the client-hello callback asks), after it in TLS 1.2 (so
//! the certificate callback asks, after the SNI question); SNI from the certificate callback.

use super::{STATUS_ALPN_REQUEST, STATUS_OCSP_REQUEST, STATUS_SNI_REQUEST};
use crate::error::OpenSslError;
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar, c_uint, c_void};
use std::sync::OnceLock;

const TLS1_3_VERSION: c_int = 0x0304;
const TLSEXT_TYPE_SERVER_NAME: c_uint = 0;
const TLSEXT_TYPE_ALPN: c_uint = 16;
const TLSEXT_TYPE_SESSION_TICKET: c_uint = 35;
const TLSEXT_TYPE_SUPPORTED_VERSIONS: c_uint = 43;

// OpenSSL functions openssl-sys does not declare.
extern "C" {
    pub(super) fn SSL_set_cert_cb(ssl: *mut sys::SSL, cb: Option<unsafe extern "C" fn(*mut sys::SSL, *mut c_void) -> c_int>, arg: *mut c_void);
    fn SSL_get_options(ssl: *const sys::SSL) -> u64;
}

/// Where a server stands on the ALPN question it asks the caller (ALPNCallback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AlpnDecision {
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

/// Per-SSL state the OpenSSL callbacks read and write (kept in the SSL's ex_data, so the
/// callbacks find it from the `SSL*` alone).
#[derive(Debug)]
pub(super) struct Hooks {
    /// Server: the protocols to choose from, in wire format, in the server's preference order.
    pub(super) alpn_protocols: Option<Vec<u8>>,
    /// Server: ask the caller which protocol to select (Node's ALPNCallback).
    pub(super) alpn_callback: bool,
    /// Server: ask the caller for the context serving the requested name (Node's SNICallback).
    pub(super) sni_callback: bool,
    /// The client's ALPN list (wire format), from the ClientHello.
    pub(super) alpn_offer: Option<Vec<u8>>,
    /// The server name an ALPN question asked from the client-hello callback reports (OpenSSL
    /// has not parsed the extensions yet): what Node's ALPNCallback would see there.
    pub(super) hello_servername: Option<Vec<u8>>,
    pub(super) alpn: AlpnDecision,
    pub(super) sni_asked: bool,
    /// The client-hello callback paused (OpenSSL calls it again for the same ClientHello when
    /// the handshake resumes).
    pub(super) hello_paused: bool,
    /// Why the SNI context could not be used; the handshake fails with it once resumed.
    pub(super) sni_error: Option<OpenSslError>,
    /// What the current pause waits for (STATUS_SNI_REQUEST / STATUS_ALPN_REQUEST /
    /// STATUS_OCSP_REQUEST), or 0.
    pub(super) request: u32,
    /// Server: ask the caller for an OCSP response when the client requests one (ocsp.rs).
    pub(super) ocsp_callback: bool,
    pub(super) ocsp_asked: bool,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            alpn_protocols: None,
            alpn_callback: false,
            sni_callback: false,
            alpn_offer: None,
            hello_servername: None,
            alpn: AlpnDecision::NotAsked,
            sni_asked: false,
            hello_paused: false,
            sni_error: None,
            request: 0,
            ocsp_callback: false,
            ocsp_asked: false,
        }
    }
}

pub(super) fn hooks_index() -> Index<Ssl, Hooks> {
    static INDEX: OnceLock<Index<Ssl, Hooks>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

/// The hooks of `ssl`, if the engine installed any.
///
/// # Safety
/// `ssl` is a live SSL and no other reference to its hooks is in use.
unsafe fn hooks_of<'a>(ssl: *mut sys::SSL) -> Option<&'a mut Hooks> {
    SslRef::from_ptr_mut(ssl).ex_data_mut(hooks_index())
}

/// The body of ClientHello extension `kind`, if the client sent it (client-hello callback only).
unsafe fn hello_extension<'a>(ssl: *mut sys::SSL, kind: c_uint) -> Option<&'a [u8]> {
    let mut data: *const c_uchar = std::ptr::null();
    let mut len = 0usize;
    if sys::SSL_client_hello_get0_ext(ssl, kind, &mut data, &mut len) != 1 {
        return None;
    }
    Some(if len == 0 { &[] } else { std::slice::from_raw_parts(data, len) })
}

/// A big-endian u16 at the start of `b` and the rest.
fn split_u16(b: &[u8]) -> Option<(usize, &[u8])> {
    (b.len() >= 2).then(|| (((b[0] as usize) << 8) | b[1] as usize, &b[2..]))
}

/// The protocol list of an ALPN extension body (RFC 7301: u16 length, then u8-prefixed names),
/// or None if it is malformed (OpenSSL then rejects the ClientHello itself).
fn parse_alpn_extension(body: &[u8]) -> Option<Vec<u8>> {
    let (len, list) = split_u16(body)?;
    if len != list.len() || list.is_empty() {
        return None;
    }
    let mut rest = list;
    while let Some((&n, tail)) = rest.split_first() {
        if n == 0 || tail.len() < n as usize {
            return None;
        }
        rest = &tail[n as usize..];
    }
    Some(list.to_vec())
}

/// The host_name of a server_name extension body (RFC 6066), or None.
fn parse_server_name_extension(body: &[u8]) -> Option<Vec<u8>> {
    let (len, mut list) = split_u16(body)?;
    if len != list.len() {
        return None;
    }
    while let Some((&kind, tail)) = list.split_first() {
        let (n, tail) = split_u16(tail)?;
        if tail.len() < n {
            return None;
        }
        if kind == 0 {
            let name = &tail[..n];
            return (!name.is_empty() && !name.contains(&0)).then(|| name.to_vec());
        }
        list = &tail[n..];
    }
    None
}

/// Whether the server will negotiate TLS 1.3 with this ClientHello: the client lists it in
/// supported_versions and this SSL allows it.
unsafe fn tls13_expected(ssl: *mut sys::SSL) -> bool {
    let max = sys::SSL_get_max_proto_version(ssl);
    if (max != 0 && max < TLS1_3_VERSION) || SSL_get_options(ssl) & sys::SSL_OP_NO_TLSv1_3 != 0 {
        return false;
    }
    let Some(body) = hello_extension(ssl, TLSEXT_TYPE_SUPPORTED_VERSIONS) else { return false };
    let Some((&len, versions)) = body.split_first() else { return false };
    versions.len() == len as usize && versions.chunks_exact(2).any(|v| v == [0x03, 0x04])
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

/// Client-hello callback (server): captures the client's ALPN offer and server name, and pauses
/// for the ALPN question when OpenSSL will select the protocol before the certificate callback
/// (TLS 1.3, and TLS 1.2 resumption, which skips the certificate callback).
pub(super) unsafe extern "C" fn client_hello_callback(ssl: *mut sys::SSL, _alert: *mut c_int, _arg: *mut c_void) -> c_int {
    let Some(hooks) = hooks_of(ssl) else { return sys::SSL_CLIENT_HELLO_SUCCESS };
    if !hooks.alpn_callback {
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    }
    if hooks.hello_paused {
        if hooks.request != 0 {
            return sys::SSL_CLIENT_HELLO_RETRY;
        }
        // The same ClientHello, now answered.
        hooks.hello_paused = false;
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    }
    // A new ClientHello: the first, or the second after a HelloRetryRequest, which Node asks
    // about again (OpenSSL selects ALPN for each).
    hooks.alpn = AlpnDecision::NotAsked;
    // Node asks only when the client offered ALPN.
    let Some(offer) = hello_extension(ssl, TLSEXT_TYPE_ALPN).and_then(parse_alpn_extension) else {
        return sys::SSL_CLIENT_HELLO_SUCCESS;
    };
    hooks.alpn_offer = Some(offer);
    let tls13 = tls13_expected(ssl);
    let resumption = !tls13 && hello_extension(ssl, TLSEXT_TYPE_SESSION_TICKET).is_some_and(|t| !t.is_empty());
    if tls13 || resumption {
        // A TLS 1.2 session resumed from a ticket has no server name in OpenSSL (Node's
        // servername callback does not accept it into the session), so Node's ALPNCallback sees
        // none; a ticket is taken to resume, as it usually does.
        hooks.hello_servername = if tls13 {
            hello_extension(ssl, TLSEXT_TYPE_SERVER_NAME).and_then(parse_server_name_extension)
        } else {
            None
        };
        hooks.alpn = AlpnDecision::Pending;
        hooks.request = STATUS_ALPN_REQUEST;
        hooks.hello_paused = true;
        sys::SSL_CLIENT_HELLO_RETRY
    } else {
        hooks.alpn = AlpnDecision::AskAtCertificate;
        sys::SSL_CLIENT_HELLO_SUCCESS
    }
}

/// Certificate callback (server): pauses for the SNI question (when the client sent a name),
/// then for the OCSP question (when the client asked for a response), then for a TLS 1.2 ALPN
/// question. -1 makes SSL_do_handshake return SSL_ERROR_WANT_X509_LOOKUP.
pub(super) unsafe extern "C" fn certificate_callback(ssl: *mut sys::SSL, _arg: *mut c_void) -> c_int {
    let Some(hooks) = hooks_of(ssl) else { return 1 };
    if hooks.request != 0 {
        return -1;
    }
    if hooks.sni_callback && !hooks.sni_asked {
        hooks.sni_asked = true;
        if !sys::SSL_get_servername(ssl, sys::TLSEXT_NAMETYPE_host_name).is_null() {
            hooks.request = STATUS_SNI_REQUEST;
            return -1;
        }
    }
    // Node asks for the OCSP response after the SNI question, from the same callback.
    if hooks.ocsp_callback && !hooks.ocsp_asked {
        hooks.ocsp_asked = true;
        if super::ocsp::ocsp_requested(ssl) {
            hooks.request = STATUS_OCSP_REQUEST;
            return -1;
        }
    }
    if hooks.alpn == AlpnDecision::AskAtCertificate {
        hooks.alpn = AlpnDecision::Pending;
        hooks.request = STATUS_ALPN_REQUEST;
        return -1;
    }
    1
}

/// ALPN selection (server), installed on the SSL_CTX: the caller's answer, or Node's selection
/// from the server's list (server preference; no overlap is a fatal no_application_protocol
/// alert, as since Node 19). Without either, no ALPN is negotiated.
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
            } else {
                sys::SSL_TLSEXT_ERR_ALERT_FATAL
            }
        }
        _ => sys::SSL_TLSEXT_ERR_NOACK,
    }
}

/// ALPN selection and the server's paused questions (SNI, ALPN), back to back.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::*;
    use openssl::ssl::{SslContext, SslMethod, SslVersion};

    use crate::engine::test_fixtures::{pump, trust, use_identity};

    const REQUESTS: u32 = STATUS_SNI_REQUEST | STATUS_ALPN_REQUEST;

    fn identity(key: &str, cert: &str, max: SslVersion) -> SslContext {
        let mut b = SslContext::builder(SslMethod::tls()).unwrap();
        // Chained as SecureContext chains it (the chain UseSNIContext copies).
        use_identity(&mut b, key, cert);
        b.set_max_proto_version(Some(max)).unwrap();
        b.build()
    }

    fn engines(max: SslVersion, servername: Option<&str>) -> (TlsEngine, TlsEngine) {
        let mut b = SslContext::builder(SslMethod::tls()).unwrap();
        trust(&mut b, "ca-cert.pem");
        let mut client = TlsEngine::new(&b.build(), false).unwrap();
        let server = TlsEngine::new(&identity("agent-key.pem", "agent-chain.pem", max), true).unwrap();
        if let Some(name) = servername {
            client.set_servername(name);
        }
        (client, server)
    }

    /// Runs the handshake; each server request is answered by `answer` and resumed. Returns the
    /// requests in the order they came.
    fn handshake(client: &mut TlsEngine, server: &mut TlsEngine, mut answer: impl FnMut(&mut TlsEngine, u32)) -> Vec<u32> {
        let mut asked = Vec::new();
        client.start();
        for _ in 0..20 {
            let mut status = pump(client, server);
            while status & REQUESTS != 0 {
                asked.push(status & REQUESTS);
                answer(server, status);
                status = server.resume();
            }
            pump(server, client);
            let failed = client.error().is_some() || server.error().is_some();
            if failed || (client.handshake_done() && server.handshake_done()) {
                return asked;
            }
        }
        panic!("handshake did not complete");
    }

    fn wire(protocols: &[&str]) -> Vec<u8> {
        protocols.iter().flat_map(|p| std::iter::once(p.len() as u8).chain(p.bytes())).collect()
    }

    const VERSIONS: [SslVersion; 2] = [SslVersion::TLS1_2, SslVersion::TLS1_3];

    #[test]
    fn alpn_uses_the_servers_preference() {
        for max in VERSIONS {
            let (mut client, mut server) = engines(max, None);
            client.set_alpn_protocols(&wire(&["h2", "http/1.1"])).unwrap();
            server.set_alpn_protocols(&wire(&["http/1.1", "h2"])).unwrap();
            assert!(handshake(&mut client, &mut server, |_, _| panic!("nothing to ask")).is_empty());
            assert_eq!(client.alpn_protocol(), Some(&b"http/1.1"[..]));
            assert_eq!(server.alpn_protocol(), Some(&b"http/1.1"[..]));
        }
    }

    #[test]
    fn alpn_without_overlap_is_a_fatal_alert() {
        for max in VERSIONS {
            let (mut client, mut server) = engines(max, None);
            client.set_alpn_protocols(&wire(&["h2"])).unwrap();
            server.set_alpn_protocols(&wire(&["x"])).unwrap();
            handshake(&mut client, &mut server, |_, _| {});
            assert_eq!(server.error().unwrap().code, "ERR_SSL_NO_APPLICATION_PROTOCOL");
            assert_eq!(client.error().unwrap().code, "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
        }
    }

    #[test]
    fn alpn_needs_both_sides() {
        for (client_list, server_list) in [(Some(&["h2"][..]), None), (None, Some(&["h2"][..])), (Some(&[][..]), Some(&["h2"][..]))] {
            let (mut client, mut server) = engines(SslVersion::TLS1_3, None);
            if let Some(l) = client_list {
                client.set_alpn_protocols(&wire(l)).unwrap();
            }
            if let Some(l) = server_list {
                server.set_alpn_protocols(&wire(l)).unwrap();
            }
            handshake(&mut client, &mut server, |_, _| {});
            assert!(client.handshake_done() && server.handshake_done());
            assert_eq!(client.alpn_protocol(), None);
            assert_eq!(server.alpn_protocol(), None);
        }
    }

    #[test]
    fn alpn_callback_pauses_and_selects() {
        for max in VERSIONS {
            let (mut client, mut server) = engines(max, Some("foo.example"));
            client.set_alpn_protocols(&wire(&["a", "bb"])).unwrap();
            server.enable_alpn_callback();
            let asked = handshake(&mut client, &mut server, |server, status| {
                assert_eq!(status, STATUS_ALPN_REQUEST);
                let (servername, offer) = server.alpn_request().unwrap();
                assert_eq!(offer, &wire(&["a", "bb"])[..]);
                assert_eq!(servername.as_deref(), Some("foo.example"));
                // More input while paused waits; nothing is asked twice.
                assert_eq!(server.receive(&[]), 0);
                server.select_alpn(Some(1));
            });
            assert_eq!(asked, vec![STATUS_ALPN_REQUEST]);
            assert_eq!(client.alpn_protocol(), Some(&b"bb"[..]));
            assert_eq!(server.alpn_protocol(), Some(&b"bb"[..]));
        }
    }

    #[test]
    fn alpn_callback_refusal_is_a_fatal_alert() {
        for max in VERSIONS {
            let (mut client, mut server) = engines(max, None);
            client.set_alpn_protocols(&wire(&["a"])).unwrap();
            server.enable_alpn_callback();
            handshake(&mut client, &mut server, |server, _| server.select_alpn(None));
            assert_eq!(server.error().unwrap().code, "ERR_SSL_NO_APPLICATION_PROTOCOL");
            assert_eq!(client.error().unwrap().code, "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
        }
    }

    #[test]
    fn alpn_callback_is_not_asked_without_an_offer() {
        let (mut client, mut server) = engines(SslVersion::TLS1_3, Some("foo.example"));
        server.enable_alpn_callback();
        assert!(handshake(&mut client, &mut server, |_, _| panic!("nothing to ask")).is_empty());
        assert_eq!(server.alpn_protocol(), None);
    }

    #[test]
    fn sni_request_pauses_until_a_context_is_chosen() {
        for max in VERSIONS {
            let (mut client, mut server) = engines(max, Some("wrong.example.test"));
            server.enable_sni_callback();
            let other = identity("wronghost-key.pem", "wronghost-cert.pem", SslVersion::TLS1_3);
            let asked = handshake(&mut client, &mut server, |server, status| {
                assert_eq!(status, STATUS_SNI_REQUEST);
                assert_eq!(server.servername().as_deref(), Some("wrong.example.test"));
                assert_eq!(server.pending_request(), STATUS_SNI_REQUEST);
                assert_eq!(server.pending_ciphertext(), 0, "nothing is sent while paused");
                server.use_sni_context(&other, true).unwrap();
            });
            assert_eq!(asked, vec![STATUS_SNI_REQUEST]);
            assert!(client.handshake_done() && server.handshake_done());
            let cn = |e: &TlsEngine| {
                let cert = e.ssl().peer_certificate().unwrap();
                let cn = cert.subject_name().entries_by_nid(openssl::nid::Nid::COMMONNAME).next().unwrap();
                String::from_utf8(cn.data().as_slice().to_vec()).unwrap()
            };
            assert_eq!(cn(&client), "wrong.example.test");
            assert_eq!(client.verify_result(), None, "the chosen context's chain is sent");
        }
    }

    #[test]
    fn sni_context_without_a_certificate_changes_nothing_or_fails_after_the_flight() {
        // Node, when SNICallback answers before returning, leaves UseSNIContext's error queued:
        // the same handshake step writes the server's flight and then fails with it.
        for max in VERSIONS {
            for report in [true, false] {
                let (mut client, mut server) = engines(max, Some("x.example"));
                server.enable_sni_callback();
                let empty = SslContext::builder(SslMethod::tls()).unwrap().build();
                client.start();
                assert_eq!(pump(&mut client, &mut server), STATUS_SNI_REQUEST);
                server.use_sni_context(&empty, report).unwrap();
                if report {
                    assert_eq!(server.resume(), STATUS_ERROR);
                    assert!(server.pending_ciphertext() > 0, "the server's flight is still there to send");
                    assert_eq!(server.error().unwrap().code, "ERR_SSL_PASSED_A_NULL_PARAMETER");
                } else {
                    assert_eq!(server.resume() & STATUS_ERROR, 0);
                    handshake(&mut client, &mut server, |_, _| {});
                    assert!(client.handshake_done() && server.handshake_done(), "the default certificate serves");
                }
            }
        }
    }

    #[test]
    fn sni_request_kept_default_and_skipped_without_a_name() {
        let (mut client, mut server) = engines(SslVersion::TLS1_3, Some("localhost"));
        server.enable_sni_callback();
        assert_eq!(handshake(&mut client, &mut server, |_, _| {}), vec![STATUS_SNI_REQUEST]);
        assert!(client.handshake_done() && server.handshake_done());

        let (mut client, mut server) = engines(SslVersion::TLS1_3, None);
        server.enable_sni_callback();
        assert!(handshake(&mut client, &mut server, |_, _| panic!("no name, no question")).is_empty());
        assert_eq!(server.servername(), None);
    }

    #[test]
    fn sni_and_alpn_questions_come_in_openssls_order() {
        // OpenSSL selects ALPN before the certificate callback in TLS 1.3 and after it in 1.2.
        for (max, order) in [
            (SslVersion::TLS1_2, vec![STATUS_SNI_REQUEST, STATUS_ALPN_REQUEST]),
            (SslVersion::TLS1_3, vec![STATUS_ALPN_REQUEST, STATUS_SNI_REQUEST]),
        ] {
            let (mut client, mut server) = engines(max, Some("x.example"));
            client.set_alpn_protocols(&wire(&["a"])).unwrap();
            server.enable_sni_callback();
            server.enable_alpn_callback();
            let asked = handshake(&mut client, &mut server, |server, status| {
                if status == STATUS_ALPN_REQUEST {
                    server.select_alpn(Some(0));
                }
            });
            assert_eq!(asked, order);
            assert_eq!(client.alpn_protocol(), Some(&b"a"[..]));
        }
    }

    #[test]
    fn alpn_callback_is_asked_again_for_a_second_client_hello() {
        // The server accepts only P-384 and the client's first key share is not: a
        // HelloRetryRequest, then a second ClientHello, which OpenSSL (and so Node) asks about.
        let (mut client, mut server) = engines(SslVersion::TLS1_3, None);
        client.set_alpn_protocols(&wire(&["a", "b"])).unwrap();
        let groups = |e: &TlsEngine, list: &str| {
            let list = std::ffi::CString::new(list).unwrap();
            assert_eq!(unsafe { sys::SSL_ctrl(e.ssl.as_ptr(), sys::SSL_CTRL_SET_GROUPS_LIST, 0, list.as_ptr() as *mut c_void) }, 1);
        };
        groups(&client, "X25519:P-384");
        groups(&server, "P-384");
        server.enable_alpn_callback();
        let mut answers = vec![Some(0), Some(1)].into_iter();
        let asked = handshake(&mut client, &mut server, |server, _| server.select_alpn(answers.next().unwrap()));
        assert_eq!(asked, vec![STATUS_ALPN_REQUEST, STATUS_ALPN_REQUEST]);
        assert_eq!(client.alpn_protocol(), Some(&b"b"[..]));
        assert_eq!(client.ephemeral_key().unwrap().name.as_deref(), Some("secp384r1"));
    }

    #[test]
    fn client_servername_follows_node() {
        let (mut client, _) = engines(SslVersion::TLS1_3, Some("a.example"));
        assert_eq!(client.servername().as_deref(), Some("a.example"));
        client.set_servername("");
        assert_eq!(client.servername(), None, "an empty name sends no SNI");
        client.set_servername("b.example\0ignored");
        assert_eq!(client.servername().as_deref(), Some("b.example"));
        client.set_servername(&"x".repeat(300));
        assert_eq!(client.servername(), None);
    }

    #[test]
    fn malformed_extensions_are_not_parsed() {
        assert_eq!(parse_alpn_extension(&[0, 3, 2, b'h', b'2']), Some(wire(&["h2"])));
        assert_eq!(parse_alpn_extension(&[0, 3, 3, b'h', b'2']), None);
        assert_eq!(parse_alpn_extension(&[0, 0]), None);
        assert_eq!(parse_alpn_extension(&[0, 1, 0]), None);
        assert_eq!(parse_server_name_extension(&[0, 6, 0, 0, 3, b'a', b'.', b'b']), Some(b"a.b".to_vec()));
        assert_eq!(parse_server_name_extension(&[0, 6, 0, 0, 4, b'a', b'.', b'b']), None);
        assert_eq!(protocol_entries(&wire(&["a", "bb", "ccc"])).collect::<Vec<_>>(), vec![&b"a"[..], b"bb", b"ccc"]);
    }
}
