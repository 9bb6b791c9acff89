//! Server Name Indication: the name a client sends, and on a server the SNICallback question
//! (`Question::ServerName`, asked from the certificate callback when the client sent a name):
//! the caller picks the context serving that name (`use_sni_context`) and resumes. Also Node's
//! `setKeyCert`, which swaps the identity the same way.

use super::{latin1, Connection};
use crate::error::OpenSslError;
use crate::ffi::{SSL_CTX_get_cert_store, SSL_CTX_get_client_CA_list, SSL_certs_clear, SSL_dup_CA_list, SSL_set_SSL_CTX, SSL_set_cert_cb};
use std::sync::atomic::{AtomicBool, Ordering};
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::ssl::SslContextRef;
use openssl_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_long, c_void};

const SSL_CTRL_CHAIN: c_int = 88;
const SSL_CTRL_GET_CHAIN_CERTS: c_int = 115;

static SNI_CONTEXT_REPLACES_IDENTITY: AtomicBool = AtomicBool::new(false);

/// Sets whether an SNI context's certificate (or setKeyCert's) replaces every certificate the
/// connection had (lib/binding.js, once at load; the running Node's does from 24.20), rather than only the one
/// of its key type: a server with an ECDSA certificate whose SNICallback answers with an RSA
/// context otherwise goes on serving the ECDSA one to clients that accept both.
pub fn set_sni_context_replaces_identity(on: bool) {
    SNI_CONTEXT_REPLACES_IDENTITY.store(on, Ordering::Relaxed);
}

/// From the servername callback (servers): a ClientHello with a name, after SNICallback chose a
/// context at an earlier ClientHello of this connection — a renegotiation's, or the second of a
/// TLS 1.3 handshake with a HelloRetryRequest — switches the connection to that context
/// (SSL_set_SSL_CTX), as Node's servername callback does with its `sni_context`: the tickets
/// sent after it are sealed with that context's ticket keys, and a renegotiation's session takes
/// that context's session ID context and keeps the name. Node servers that bind sessions to the
/// server name (servername_binding.rs) were seen not to. Returns whether it switched.
///
/// # Safety
/// `ssl` is a live server SSL inside its servername callback.
pub(super) unsafe fn switch_to_sni_context(ssl: *mut sys::SSL) -> bool {
    let Some(hooks) = super::questions::hooks_of(ssl) else { return false };
    let Some(context) = hooks.sni_context.as_ref() else { return false };
    if sys::SSL_get_servername(ssl, sys::TLSEXT_NAMETYPE_host_name).is_null() || super::servername_binding::bound() {
        return false;
    }
    if SSL_set_SSL_CTX(ssl, context.as_ptr()).is_null() {
        return false;
    }
    // The certificate callback lives with the certificate, which the switch replaced.
    if hooks.sni_callback || hooks.ocsp_callback || hooks.alpn_callback {
        SSL_set_cert_cb(ssl, Some(super::questions::certificate_callback), std::ptr::null_mut());
    }
    true
}

impl Connection {
    /// Client side: the SNI host name to send. As in Node (which ignores
    /// SSL_set_tlsext_host_name's result), the name ends at a NUL byte, and an empty or
    /// over-long name clears it: no SNI is sent.
    pub fn set_servername(&mut self, name: &str) {
        let name = name.split('\0').next().unwrap_or_default();
        let name = CString::new(name).unwrap_or_default();
        unsafe {
            sys::SSL_ctrl(self.ssl.as_ptr(), sys::SSL_CTRL_SET_TLSEXT_HOSTNAME, sys::TLSEXT_NAMETYPE_host_name as c_long, name.as_ptr() as *mut c_void);
            sys::ERR_clear_error();
        }
    }

    /// The SNI name as OpenSSL reports it (Node's getServername, a latin1 string): the one set
    /// (client), or the one the client sent once its ClientHello is processed (server; none
    /// for a resumed TLS 1.2 session).
    pub fn servername(&self) -> Option<String> {
        let name = unsafe { sys::SSL_get_servername(self.ssl.as_ptr(), sys::TLSEXT_NAMETYPE_host_name) };
        (!name.is_null()).then(|| latin1(unsafe { CStr::from_ptr(name) }.to_bytes()))
    }

    /// Server side: pause the handshake with `Question::ServerName` when the client sent a server
    /// name, from the certificate callback (Node's SNICallback).
    pub fn enable_sni_callback(&mut self) {
        if !self.is_server {
            return;
        }
        self.hooks_mut().sni_callback = true;
        self.install_certificate_callback();
    }

    /// Answers `Question::ServerName` with another context, as Node's UseSNIContext: only its
    /// certificate, private key and chain, its trust store and its client-CA list are used
    /// (not its ciphers, versions or other settings). A context without a certificate or key
    /// changes nothing; with `report_unusable` the resumed handshake then fails with OpenSSL's
    /// error, after that step's output (Node, when SNICallback answers before returning, leaves
    /// the error queued inside the handshake step). A failure to install the trust store is
    /// returned.
    pub fn use_sni_context(&mut self, context: &SslContextRef, report_unusable: bool) -> Result<(), OpenSslError> {
        self.hooks_mut().sni_context = Some(context.to_owned());
        if !self.use_identity_of(context) {
            let err = OpenSslError::take_printed();
            if report_unusable {
                self.hooks_mut().sni_error = err;
            }
            return Ok(());
        }
        self.use_trust_of(context)
    }

    /// Node's `setKeyCert` (servers): the context's certificate, key, chain, trust store and client
    /// CA list replace the session's; an unusable context is an error now, as Node throws it.
    pub fn set_key_cert(&mut self, context: &SslContextRef) -> Result<(), OpenSslError> {
        if !self.use_identity_of(context) {
            return Err(OpenSslError::take().unwrap_or_else(|| OpenSslError::plain("SetKeyCert", "ERR_SSL_INTERNAL_ERROR")));
        }
        self.use_trust_of(context)
    }

    // The context's certificate, private key and chain (Node's UseSNIContext); false on failure,
    // with OpenSSL's reason queued. Where the running Node's does (set_sni_context_replaces_identity),
    // the connection's other certificates go first, when the context has a certificate and key
    // to take their place.
    fn use_identity_of(&mut self, context: &SslContextRef) -> bool {
        let replace = SNI_CONTEXT_REPLACES_IDENTITY.load(Ordering::Relaxed);
        let ssl = self.ssl.as_ptr();
        let ctx = context.as_ptr();
        let ok = unsafe {
            let cert = sys::SSL_CTX_get0_certificate(ctx);
            let key = sys::SSL_CTX_get0_privatekey(ctx);
            let mut chain: *mut sys::stack_st_X509 = std::ptr::null_mut();
            let mut ok = sys::SSL_CTX_ctrl(ctx, SSL_CTRL_GET_CHAIN_CERTS, 0, &mut chain as *mut _ as *mut c_void) as c_int;
            if ok == 1 && replace && !cert.is_null() && !key.is_null() {
                SSL_certs_clear(ssl);
            }
            if ok == 1 {
                ok = sys::SSL_use_certificate(ssl, cert);
            }
            if ok == 1 {
                ok = sys::SSL_use_PrivateKey(ssl, key);
            }
            if ok == 1 && !chain.is_null() {
                ok = sys::SSL_ctrl(ssl, SSL_CTRL_CHAIN, 1, chain as *mut c_void) as c_int;
            }
            ok
        };
        if ok == 1 {
            self.note_identity_context(context);
        }
        ok == 1
    }

    // The context's trust store and client CA list (Node's SetCACerts).
    fn use_trust_of(&mut self, context: &SslContextRef) -> Result<(), OpenSslError> {
        let ssl = self.ssl.as_ptr();
        let ctx = context.as_ptr();
        unsafe {
            let store = SSL_CTX_get_cert_store(ctx);
            if sys::SSL_ctrl(ssl, sys::SSL_CTRL_SET_VERIFY_CERT_STORE, 1, store as *mut c_void) != 1 {
                return Err(OpenSslError::take().unwrap_or_else(|| OpenSslError::plain("CertCbDone", "ERR_SSL_INTERNAL_ERROR")));
            }
            sys::SSL_set_client_CA_list(ssl, SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx)));
        }
        Ok(())
    }
}

/// The SNICallback question and the client's name, back to back.
#[cfg(test)]
mod tests {
    use crate::conn::test_pair::{client_context, connection_pair, handshake, handshake_with, pump, read_all, server_context, use_identity, Seen};
    use crate::conn::{Connection, Question, Status};
    use openssl::ssl::{SslContext, SslVersion};

    const VERSIONS: [SslVersion; 2] = [SslVersion::TLS1_2, SslVersion::TLS1_3];

    fn identity(key: &str, cert: &str) -> SslContext {
        let mut b = super::super::test_pair::builder();
        // Chained as SecureContext chains it (the chain UseSNIContext copies).
        use_identity(&mut b, key, cert);
        b.build()
    }

    fn connections(max: SslVersion, servername: Option<&str>) -> (Connection, Connection) {
        let (mut client, server) = connection_pair(max);
        if let Some(name) = servername {
            client.set_servername(name);
        }
        (client, server)
    }

    #[test]
    fn sni_request_pauses_until_a_context_is_chosen() {
        for max in VERSIONS {
            let (mut client, mut server) = connections(max, Some("wrong.example.test"));
            server.enable_sni_callback();
            let other = identity("wronghost-key.pem", "wronghost-cert.pem");
            let (_, seen) = handshake_with(&mut client, &mut server, |server, question| {
                assert_eq!(question, Question::ServerName);
                assert_eq!(server.servername().as_deref(), Some("wrong.example.test"));
                assert_eq!(server.status(), Status::Asking(Question::ServerName));
                assert_eq!(server.pending_ciphertext(), 0, "nothing is sent while paused");
                server.use_sni_context(&other, true).unwrap();
            });
            assert_eq!(seen.questions, vec![Question::ServerName]);
            assert!(client.handshake_done() && server.handshake_done());
            let cert = client.ssl().peer_certificate().unwrap();
            let cn = cert.subject_name().entries_by_nid(openssl::nid::Nid::COMMONNAME).next().unwrap();
            assert_eq!(cn.data().as_slice(), b"wrong.example.test");
            assert_eq!(client.verify_error(), None, "the chosen context's chain is sent");
        }
    }

    #[test]
    fn sni_context_without_a_certificate_changes_nothing_or_fails_after_the_flight() {
        // Node, when SNICallback answers before returning, leaves UseSNIContext's error queued:
        // the same handshake step writes the server's flight and then fails with it.
        for max in VERSIONS {
            for report in [true, false] {
                let (mut client, mut server) = connections(max, Some("x.example"));
                server.enable_sni_callback();
                let empty = super::super::test_pair::builder().build();
                client.start();
                client.take_events();
                pump(&mut client, &mut server);
                server.take_events();
                assert_eq!(server.status(), Status::Asking(Question::ServerName));
                server.use_sni_context(&empty, report).unwrap();
                let status = server.resume();
                server.take_events();
                if report {
                    assert_eq!(server.status(), Status::Failed, "{status:?}");
                    assert!(server.pending_ciphertext() > 0, "the server's flight is still there to send");
                    assert_eq!(server.error().unwrap().code, "ERR_SSL_PASSED_A_NULL_PARAMETER");
                } else {
                    assert_ne!(server.status(), Status::Failed);
                    handshake(&mut client, &mut server);
                    assert!(client.handshake_done() && server.handshake_done(), "the default certificate serves");
                }
            }
        }
    }

    #[test]
    fn sni_request_kept_default_and_skipped_without_a_name() {
        let (mut client, mut server) = connections(SslVersion::TLS1_3, Some("localhost"));
        server.enable_sni_callback();
        let (_, seen) = handshake_with(&mut client, &mut server, |_, _| {});
        assert_eq!(seen.questions, vec![Question::ServerName]);
        assert!(client.handshake_done() && server.handshake_done());

        let (mut client, mut server) = connections(SslVersion::TLS1_3, None);
        server.enable_sni_callback();
        handshake(&mut client, &mut server);
        assert_eq!(server.servername(), None);
    }

    #[test]
    fn client_servername_follows_node() {
        let (mut client, _) = connections(SslVersion::TLS1_3, Some("a.example"));
        assert_eq!(client.servername().as_deref(), Some("a.example"));
        client.set_servername("");
        assert_eq!(client.servername(), None, "an empty name sends no SNI");
        client.set_servername("b.example\0ignored");
        assert_eq!(client.servername().as_deref(), Some("b.example"));
        client.set_servername(&"x".repeat(300));
        assert_eq!(client.servername(), None);
    }

    #[test]
    fn a_renegotiation_after_a_resumed_session_asks_the_sni_question() {
        // OpenSSL skips the certificate callback in a resumed TLS 1.2 handshake, so the
        // connection's first full handshake is its renegotiation: the question is asked there,
        // while reading (Node asks SNICallback there), and the chosen certificate is served.
        let client_ctx = client_context("ca-cert.pem");
        let server_ctx = server_context(SslVersion::TLS1_2);
        let other = identity("wronghost-key.pem", "wronghost-cert.pem");
        let new_pair = |session: Option<&[u8]>| {
            let mut client = Connection::new(&client_ctx, false).unwrap();
            client.set_servername("wrong.example.test");
            if let Some(der) = session {
                assert!(client.set_session(der).unwrap());
            }
            let mut server = Connection::new(&server_ctx, true).unwrap();
            server.enable_sni_callback();
            (client, server)
        };
        let (mut client, mut server) = new_pair(None);
        let (_, seen) = handshake_with(&mut client, &mut server, |s, _| s.use_sni_context(&other, true).unwrap());
        assert_eq!(seen.questions, vec![Question::ServerName]);
        let session = client.ssl().session().unwrap().to_der().unwrap();

        let (mut client, mut server) = new_pair(Some(&session));
        let (_, seen) = handshake_with(&mut client, &mut server, |_, q| panic!("asked {q:?} in a resumed handshake"));
        assert!(seen.questions.is_empty() && server.ssl().session_reused());
        client.renegotiate().unwrap();
        assert!(client.encrypt(b"during").is_some());
        let mut asked = Vec::new();
        let mut received = Vec::new();
        for _ in 0..6 {
            pump(&mut client, &mut server);
            loop {
                received.extend(read_all(&mut server, &mut Seen::default()));
                let Status::Asking(question) = server.status() else { break };
                asked.push(question);
                assert_eq!(server.pending_ciphertext(), 0, "nothing is sent while paused");
                server.use_sni_context(&other, true).unwrap();
                assert_eq!(server.resume(), Status::Ready);
            }
            pump(&mut server, &mut client);
            read_all(&mut client, &mut Seen::default());
        }
        assert_eq!(asked, vec![Question::ServerName]);
        assert_eq!(received, b"during");
        assert!(client.error().is_none() && server.error().is_none(), "{:?} {:?}", client.error(), server.error());
        assert!(!client.ssl().session_reused(), "a full handshake");
        let cert = client.ssl().peer_certificate().unwrap();
        let cn = cert.subject_name().entries_by_nid(openssl::nid::Nid::COMMONNAME).next().unwrap();
        assert_eq!(cn.data().as_slice(), b"wrong.example.test");
    }
}
