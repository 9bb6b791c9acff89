//! `TlsConnection`: the JS face of one `conn::Connection` (lib/socket.js drives it). Every method
//! states what it returns; the per-record calls are the free functions of hot_path.rs.
//!
//! Re-entry: the only JS that runs while OpenSSL is inside a call on this connection is the
//! PSK callback (OpenSSL cannot pause for it). The connection sits in a `ConnectionCell`, so a call
//! made from there into the same connection cannot alias it (conn/cell.rs): it throws
//! ERR_TLS_RS_CONNECTION_BUSY, except `destroy()`, which takes effect when the outer call returns.

use super::errors::{openssl_error, throw_code, throw_error, throw_stack};
use super::status::{ConnectionEvent, EventKind, Status};
use crate::conn::{self, Connection, NpnOutcome, PskAnswer, PskExchange};
use crate::js::secure_context::SecureContext;
use crate::x509;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use crate::conn::cell::{ConnectionCell, Unavailable};
use std::rc::Rc;

/// Why the peer's certificate is not trusted: `code` as in Node, `message` OpenSSL's text.
#[napi(object)]
pub struct VerifyError {
    pub code: String,
    pub message: String,
}

/// What `getEphemeralKeyInfo()` returns on a client: `{ type: 'ECDH', name: 'X25519', size: 253 }`.
#[napi(object)]
pub struct EphemeralKeyInfo {
    #[napi(js_name = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub size: u32,
}

/// What `getECHStatus()` returns: OpenSSL's SSL_ech_get1_status code (1: accepted), the inner
/// and outer server names, and on a rejected client the server's retry configs.
#[napi(object)]
pub struct EchInfo {
    pub status: i32,
    pub inner_name: Option<String>,
    pub outer_name: Option<String>,
    pub retry_config_list: Option<Buffer>,
}

/// A pending ALPN question (`getALPNRequest()`).
#[napi(object)]
pub struct AlpnRequest {
    pub servername: Option<String>,
    /// The client's protocols in wire format.
    pub protocols: Buffer,
}

/// What `getCipher()` returns.
#[napi(object)]
pub struct CipherInfo {
    pub name: String,
    pub standard_name: String,
    pub version: String,
}

/// What the JS PSK function returns: the key and (client) the identity.
#[napi(object)]
pub struct PskReply {
    /// The key.
    pub psk: Buffer,
    /// Client: the identity to send.
    pub identity: Option<String>,
}

/// The JS PSK function: (hint or identity, maxPskLen, maxIdentityLen) => PskReply | null.
type PskFunction<'f> = Function<'f, FnArgs<(Option<String>, u32, u32)>, Option<PskReply>>;

/// One TLS endpoint (client or server): a `conn::Connection` behind a re-entry guard, shared
/// with its native transport when it has one.
#[napi]
pub struct TlsConnection {
    cell: Rc<ConnectionCell>,
    /// Counted in `liveObjects().sessionHandles` until the finalizer runs.
    _live: crate::live_objects::Live,
}

impl TlsConnection {
    /// The shared connection (for a native transport).
    pub(super) fn cell(&self) -> &Rc<ConnectionCell> {
        &self.cell
    }

    /// Runs `f` on the connection (see `ConnectionCell::try_with`).
    pub(super) fn try_with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> std::result::Result<T, Unavailable> {
        self.cell.try_with(f)
    }

    /// `try_with`, throwing ERR_TLS_INVALID_STATE once destroyed and ERR_TLS_RS_CONNECTION_BUSY
    /// when re-entered.
    fn with<T>(&self, env: &Env, f: impl FnOnce(&mut Connection) -> T) -> Result<T> {
        self.try_with(f).map_err(|why| unavailable(env, why))
    }

    /// `try_with` for queries: a destroyed connection answers `gone`; re-entry throws.
    pub(super) fn query<T>(&self, env: &Env, gone: T, f: impl FnOnce(&mut Connection) -> T) -> Result<T> {
        match self.try_with(f) {
            Ok(value) => Ok(value),
            Err(Unavailable::Destroyed) => Ok(gone),
            Err(why) => Err(unavailable(env, why)),
        }
    }
}

/// The error a call on a destroyed or busy connection throws.
pub(super) fn unavailable(env: &Env, why: Unavailable) -> napi::Error {
    match why {
        Unavailable::Destroyed => throw_code(env, "ERR_TLS_INVALID_STATE", "TLS session is destroyed"),
        Unavailable::Busy => throw_code(
            env,
            "ERR_TLS_RS_CONNECTION_BUSY",
            "tls-rs: the TLS connection cannot be used from inside its pskCallback (OpenSSL is in the middle of a handshake step)",
        ),
    }
}

#[napi]
impl TlsConnection {
    /// A connection using `context`; nothing is sent until `start()` (client) or input (server).
    #[napi(constructor, catch_unwind)]
    pub fn new(env: &Env, context: &SecureContext, is_server: bool) -> Result<Self> {
        let connection = Connection::new(context.ssl_context(), is_server).map_err(|e| throw_stack(env, &e, "SSL_new"))?;
        Ok(TlsConnection {
            cell: Rc::new(ConnectionCell::new(connection)),
            _live: crate::live_objects::Live::new(crate::live_objects::Kind::SessionHandle),
        })
    }

    /// Frees the SSL now (later calls report the connection as destroyed); from inside the
    /// PSK callback, once OpenSSL's step has returned.
    #[napi(catch_unwind)]
    pub fn destroy(&self) {
        self.cell.destroy();
    }

    /// What the caller must do next (see `Status`).
    #[napi(catch_unwind)]
    pub fn status(&self, env: &Env) -> Result<Status> {
        self.query(env, Status::Failed, |c| c.status().into())
    }

    /// Advances the handshake without new input (the client's ClientHello).
    #[napi(catch_unwind)]
    pub fn start(&self, env: &Env) -> Result<Status> {
        self.query(env, Status::Failed, |c| c.start().into())
    }

    /// Continues a handshake paused by a question once it is answered.
    #[napi(catch_unwind)]
    pub fn resume(&self, env: &Env) -> Result<Status> {
        self.query(env, Status::Failed, |c| c.resume().into())
    }

    /// The events queued since the last call, oldest first (after `Status.Events`).
    #[napi(catch_unwind)]
    pub fn take_events(&self, env: &Env) -> Result<Vec<ConnectionEvent>> {
        let events = self.query(env, Vec::new(), Connection::take_events)?;
        Ok(events.into_iter().map(ConnectionEvent::from).collect())
    }

    /// The failure as Node reports it (an Error with `code`, `library`, `reason`), or null.
    #[napi(catch_unwind, ts_return_type = "Error | null")]
    pub fn take_error<'e>(&self, env: &'e Env) -> Result<Option<Object<'e>>> {
        match self.query(env, None, |c| c.error().cloned())? {
            Some(err) => openssl_error(env, &err).map(Some),
            None => Ok(None),
        }
    }

    /// Queues close_notify (once the handshake is done); returns the ciphertext bytes waiting.
    #[napi(catch_unwind)]
    pub fn shutdown(&self, env: &Env) -> Result<u32> {
        self.query(env, 0, |c| c.shutdown() as u32)
    }

    /// Ciphertext bytes waiting to be sent to the peer.
    #[napi(catch_unwind)]
    pub fn pending_ciphertext(&self, env: &Env) -> Result<u32> {
        self.query(env, 0, |c| c.pending_ciphertext() as u32)
    }

    /// Moves waiting ciphertext into `out` (as much as fits); returns the number of bytes moved.
    #[napi(catch_unwind)]
    pub fn take_ciphertext(&self, env: &Env, mut out: Uint8Array) -> Result<u32> {
        // (A Uint8Array, not a BufferSlice: napi_get_buffer_info aborts Node 18 on a non-Buffer.)
        // SAFETY: the caller's array outlives this call and nothing else in Rust holds its bytes.
        let out = unsafe { out.as_mut() };
        self.query(env, 0, |c| c.take_ciphertext(out) as u32)
    }

    /// Whether the first handshake completed.
    #[napi(getter, catch_unwind)]
    pub fn handshake_done(&self, env: &Env) -> Result<bool> {
        self.query(env, false, |c| c.handshake_done())
    }

    // ---- set-up ---------------------------------------------------------------------------

    /// Server side: request a client certificate; with `rejectUnauthorized`, fail without one.
    #[napi(catch_unwind)]
    pub fn set_verify_mode(&self, env: &Env, request_cert: bool, reject_unauthorized: bool) -> Result<()> {
        self.with(env, |c| c.set_verify_mode(request_cert, reject_unauthorized))
    }

    /// Client side: the SNI host name to send ('' sends none, as in Node).
    #[napi(catch_unwind)]
    pub fn set_servername(&self, env: &Env, name: String) -> Result<()> {
        self.with(env, |c| c.set_servername(&name))
    }

    /// The ALPN protocols in wire format: offered (client) or selected from (server).
    #[napi(catch_unwind, js_name = "setALPNProtocols")]
    pub fn set_alpn_protocols(&self, env: &Env, protocols: &[u8]) -> Result<()> {
        self.with(env, |c| c.set_alpn_protocols(protocols))?.map_err(|e| throw_error(env, &e))
    }

    /// Client side: attempt Encrypted Client Hello with this ECHConfigList; a list OpenSSL
    /// cannot use throws its error.
    #[napi(catch_unwind, js_name = "setECHConfigList")]
    pub fn set_ech_config_list(&self, env: &Env, list: &[u8]) -> Result<()> {
        self.with(env, |c| c.set_ech_config_list(list))?.map_err(|e| throw_error(env, &e))
    }

    /// Client side: send a GREASE ECH extension (no ECHConfigList set).
    #[napi(catch_unwind, js_name = "enableECHGrease")]
    pub fn enable_ech_grease(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::enable_ech_grease)
    }

    /// Encrypted Client Hello on this connection, or null once destroyed.
    #[napi(catch_unwind, js_name = "getECHStatus")]
    pub fn get_ech_status(&self, env: &Env) -> Result<Option<EchInfo>> {
        self.query(env, None, |c| {
            let status = c.ech_status();
            Some(EchInfo {
                status: status.code,
                inner_name: status.inner,
                outer_name: status.outer,
                retry_config_list: c.ech_retry_configs().map(Buffer::from),
            })
        })
    }

    /// Whether Encrypted Client Hello was accepted (false once destroyed).
    #[napi(catch_unwind, js_name = "echAccepted")]
    pub fn ech_accepted(&self, env: &Env) -> Result<bool> {
        self.query(env, false, |c| c.ech_accepted())
    }

    /// Server side: ask `Status.AskingALPN` when the client offers ALPN; answer with
    /// `selectALPN`, then `resume`.
    #[napi(catch_unwind, js_name = "enableALPNCallback")]
    pub fn enable_alpn_callback(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::enable_alpn_callback)
    }

    /// Server side: ask `Status.AskingSNI` when the client sent a server name; answer with
    /// `useSNIContext` (or nothing), then `resume`.
    #[napi(catch_unwind, js_name = "enableSNICallback")]
    pub fn enable_sni_callback(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::enable_sni_callback)
    }

    /// Server side: ask `Status.AskingOCSP` when the client asks for an OCSP response; answer
    /// with `setOCSPResponse` (or nothing), then `resume`.
    #[napi(catch_unwind, js_name = "enableOCSPRequest")]
    pub fn enable_ocsp_request(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::enable_ocsp_request)
    }

    /// Client: ask for a stapled OCSP response; `EventKind.OcspResponse` reports it.
    #[napi(catch_unwind, js_name = "requestOCSP")]
    pub fn request_ocsp(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::request_ocsp)
    }

    /// Node's enableSessionCallbacks: report new sessions (`EventKind.NewSession`); a server
    /// also asks `Status.AskingSession` when its ClientHello names a session to look up.
    #[napi(catch_unwind)]
    pub fn enable_session_callbacks(&self, env: &Env) -> Result<()> {
        self.with(env, Connection::enable_session_callbacks)
    }

    /// Report key-log lines (`EventKind.Keylog`) from now on (Node's enableKeylogCallback).
    #[napi(catch_unwind)]
    pub fn enable_keylog_callback(&self, env: &Env) -> Result<()> {
        self.query(env, (), Connection::enable_keylog)
    }

    /// Print this connection's protocol messages to stderr from now on (Node's enableTrace).
    #[napi(catch_unwind)]
    pub fn enable_trace(&self, env: &Env) -> Result<()> {
        self.query(env, (), Connection::enable_trace)
    }

    /// This side's NPN protocols in wire format (Node v5's setNPNProtocols); null on a client
    /// offers NPN without protocols of its own (it answers with http/1.1, as Node v5).
    #[napi(catch_unwind, js_name = "setNPNProtocols")]
    pub fn set_npn_protocols(&self, env: &Env, protocols: Option<&[u8]>) -> Result<()> {
        self.with(env, |c| c.set_npn_protocols(protocols))
    }

    /// Answers OpenSSL's PSK questions with `callback(hintOrIdentity, maxPskLen, maxIdentityLen)`,
    /// called synchronously inside `start` / `connectionReceive` / `resume` (OpenSSL cannot
    /// pause there); it returns `{ psk, identity }` (the client's identity) or null to fail the
    /// handshake. While it runs, calls into this connection throw (see the module doc). Only a
    /// weak reference is kept: the caller keeps `callback` alive as long as the connection.
    #[napi(catch_unwind)]
    pub fn enable_psk_callback(&self, env: &Env, callback: PskFunction) -> Result<()> {
        let function = WeakPskFunction::new(env, &callback)?;
        self.with(env, |c| {
            c.enable_psk_callback(Box::new(move |exchange| {
                let args = match exchange {
                    PskExchange::Client { hint, max_psk_len, max_identity_len } => (hint, max_psk_len, max_identity_len),
                    PskExchange::Server { identity, max_psk_len } => (Some(identity), max_psk_len, 0),
                };
                function.call(args)
            }))
        })
    }

    /// Server: the TLS 1.2 PSK identity hint; false when OpenSSL refuses it.
    #[napi(catch_unwind)]
    pub fn set_psk_identity_hint(&self, env: &Env, hint: String) -> Result<bool> {
        self.with(env, |c| c.set_psk_identity_hint(&hint))
    }

    /// Client side: the session to resume (DER). Bytes that are not a session are ignored, as
    /// in Node; a session OpenSSL refuses throws "SSL_set_session error".
    #[napi(catch_unwind)]
    pub fn set_session(&self, env: &Env, session: &[u8]) -> Result<()> {
        match self.with(env, |c| c.set_session(session))? {
            Ok(_) => Ok(()),
            // Node: env->ThrowError, a plain Error without a code.
            Err(_) => Err(super::errors::throw_plain_error(env, "SSL_set_session error")),
        }
    }

    /// `setKeyCert(context)`: a server takes the context's identity and trust.
    #[napi(catch_unwind)]
    pub fn set_key_cert(&self, env: &Env, context: &SecureContext) -> Result<()> {
        self.with(env, |c| c.set_key_cert(context.ssl_context()))?.map_err(|e| throw_error(env, &e))
    }

    /// SSL_set_max_send_fragment: 1 when accepted (512..=16384), else 0.
    #[napi(catch_unwind)]
    pub fn set_max_send_fragment(&self, env: &Env, size: i32) -> Result<i32> {
        self.query(env, 0, |c| c.set_max_send_fragment(size))
    }

    /// Whether written cleartext waits for a renegotiation to finish (reading lets it out);
    /// false once destroyed.
    #[napi(catch_unwind)]
    pub fn holds_cleartext(&self, env: &Env) -> Result<bool> {
        self.query(env, false, |c| c.holds_cleartext())
    }

    /// Starts a TLS 1.2 renegotiation; returns null, or the Error saying why not.
    #[napi(catch_unwind, ts_return_type = "Error | null")]
    pub fn renegotiate<'e>(&self, env: &'e Env) -> Result<Option<Object<'e>>> {
        match self.query(env, Ok(()), Connection::renegotiate)? {
            Ok(()) => Ok(None),
            Err(err) => openssl_error(env, &err).map(Some),
        }
    }

    // ---- answers to the server's questions -------------------------------------------------

    /// While `Status.AskingALPN`: `{ servername, protocols }`, the server name as Node's
    /// ALPNCallback sees it (or null) and the client's protocol list in wire format.
    #[napi(catch_unwind, js_name = "getALPNRequest")]
    pub fn get_alpn_request(&self, env: &Env) -> Result<Option<AlpnRequest>> {
        self.query(env, None, |c| {
            let (servername, offer) = c.alpn_request()?;
            Some(AlpnRequest { servername, protocols: offer.to_vec().into() })
        })
    }

    /// Answers `Status.AskingALPN`: the index of the chosen protocol in the offer, or -1 to
    /// refuse them all (a fatal no_application_protocol alert).
    #[napi(catch_unwind, js_name = "selectALPN")]
    pub fn select_alpn(&self, env: &Env, index: i32) -> Result<()> {
        self.with(env, |c| c.select_alpn(usize::try_from(index).ok()))
    }

    /// Answers `Status.AskingSNI` with `context`'s certificate, key, chain, trust store and
    /// client-CA list (Node's UseSNIContext); throws if the trust store cannot be installed. A
    /// context without certificate changes nothing; with `reportUnusable` (an answer given
    /// inside SNICallback, in Node) `resume` then fails with OpenSSL's error.
    #[napi(catch_unwind, js_name = "useSNIContext")]
    pub fn use_sni_context(&self, env: &Env, context: &SecureContext, report_unusable: bool) -> Result<()> {
        self.with(env, |c| c.use_sni_context(context.ssl_context(), report_unusable))?
            .map_err(|e| throw_error(env, &e))
    }

    /// Answers `Status.AskingOCSP`: the response to staple (stapled only if it is a DER
    /// OCSPResponse).
    #[napi(catch_unwind, js_name = "setOCSPResponse")]
    pub fn set_ocsp_response(&self, env: &Env, response: &[u8]) -> Result<()> {
        self.with(env, |c| c.set_ocsp_response(response))
    }

    /// While `Status.AskingSession`: the session id to look up.
    #[napi(catch_unwind, getter)]
    pub fn resume_session_id(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.resume_session_id().map(|id| Buffer::from(id.to_vec())))
    }

    /// Answers `Status.AskingSession`: the session found for `resumeSessionId` (DER).
    #[napi(catch_unwind)]
    pub fn load_session(&self, env: &Env, session: &[u8]) -> Result<()> {
        self.with(env, |c| c.load_session(session))
    }

    // ---- what was negotiated ---------------------------------------------------------------

    /// The negotiated ALPN protocol (latin1, as Node), or false when none was agreed.
    #[napi(catch_unwind, js_name = "getALPNNegotiatedProtocol")]
    pub fn get_alpn_negotiated_protocol(&self, env: &Env) -> Result<Either<String, bool>> {
        self.query(env, Either::B(false), |c| match c.alpn_protocol() {
            Some(p) => Either::A(conn::latin1(p)),
            None => Either::B(false),
        })
    }

    /// The NPN protocol this side ended with (latin1, as Node v5), or false.
    #[napi(catch_unwind)]
    pub fn get_negotiated_protocol(&self, env: &Env) -> Result<Either<String, bool>> {
        self.query(env, Either::B(false), |c| match c.npn_protocol() {
            NpnOutcome::Negotiated(p) => Either::A(conn::latin1(&p)),
            _ => Either::B(false),
        })
    }

    /// Node's verifyError(): why the peer certificate is not trusted, or null.
    #[napi(catch_unwind)]
    pub fn verify_error(&self, env: &Env) -> Result<Option<VerifyError>> {
        self.query(env, None, |c| {
            c.verify_error().map(|f| VerifyError { code: f.code.into(), message: f.message })
        })
    }

    /// Client: true when Node's checkServerIdentity(`host`, peer certificate) surely accepts —
    /// `host` is one of the certificate's plain DNS names (x509/identity.rs); false means "build
    /// the certificate object and ask checkServerIdentity". False once destroyed.
    #[napi(catch_unwind)]
    pub fn peer_certificate_names_host(&self, env: &Env, host: String) -> Result<bool> {
        self.query(env, false, |c| c.ssl().peer_certificate().is_some_and(|cert| x509::host_matches_dns_name(&cert, &host)))
    }

    /// Whether the peer presented a certificate (Node 24's hasPeerCertificate(): a PSK or TLS 1.3
    /// resumed handshake can verify without one); false once destroyed.
    #[napi(catch_unwind)]
    pub fn has_peer_certificate(&self, env: &Env) -> Result<bool> {
        self.query(env, false, |c| c.ssl().peer_certificate().is_some())
    }

    /// `{ name, standardName, version }` of the negotiated cipher, or null before the handshake.
    #[napi(catch_unwind)]
    pub fn get_cipher(&self, env: &Env) -> Result<Option<CipherInfo>> {
        self.query(env, None, |c| {
            let cipher = c.ssl().current_cipher()?;
            Some(CipherInfo {
                name: cipher.name().to_string(),
                standard_name: cipher.standard_name().unwrap_or_else(|| cipher.name()).to_string(),
                version: cipher.version().to_string(),
            })
        })
    }

    /// The negotiated protocol ('TLSv1.3'), or null once destroyed.
    #[napi(catch_unwind)]
    pub fn get_protocol(&self, env: &Env) -> Result<Option<String>> {
        self.query(env, None, |c| Some(c.protocol().to_string()))
    }

    /// The SNI name as OpenSSL reports it: the one set (client) or received (server).
    #[napi(catch_unwind)]
    pub fn get_servername(&self, env: &Env) -> Result<Option<String>> {
        self.query(env, None, |c| c.servername())
    }

    /// The peer's ephemeral key-exchange key (Node's GetEphemeralKey), or null.
    #[napi(catch_unwind)]
    pub fn get_ephemeral_key_info(&self, env: &Env) -> Result<Option<EphemeralKeyInfo>> {
        self.query(env, None, |c| {
            let key = c.ephemeral_key()?;
            Some(EphemeralKeyInfo { kind: key.kind.into(), name: key.name, size: key.size })
        })
    }

    /// Whether the handshake resumed a session.
    #[napi(catch_unwind)]
    pub fn is_session_reused(&self, env: &Env) -> Result<bool> {
        self.query(env, false, |c| c.ssl().session_reused())
    }

    /// DER of the current session, or undefined.
    #[napi(catch_unwind)]
    pub fn get_session(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.session().map(Buffer::from))
    }

    /// The session's ticket, or undefined.
    #[napi(catch_unwind, js_name = "getTLSTicket")]
    pub fn get_tls_ticket(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.tls_ticket().map(Buffer::from))
    }

    /// The peer's certificate as Node's plain object (`detailed` adds the issuer chain), or
    /// null when the peer sent none.
    #[napi(catch_unwind, ts_return_type = "object | null")]
    pub fn get_peer_certificate<'e>(&self, env: &'e Env, detailed: bool) -> Result<Option<Object<'e>>> {
        self.query(env, Ok(None), |c| x509::peer_certificate(env, c.ssl(), c.is_server(), detailed))?
    }

    /// This endpoint's own certificate as Node's plain object, or null.
    #[napi(catch_unwind, ts_return_type = "object | null")]
    pub fn get_certificate<'e>(&self, env: &'e Env) -> Result<Option<Object<'e>>> {
        self.query(env, Ok(None), |c| match c.ssl().certificate() {
            Some(cert) => x509::certificate_object(env, cert).map(Some),
            None => Ok(None),
        })?
    }

    /// The Finished message this end sent, or undefined before there is one.
    #[napi(catch_unwind)]
    pub fn get_finished(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.finished(false).map(Buffer::from))
    }

    /// The Finished message the peer sent, or undefined.
    #[napi(catch_unwind)]
    pub fn get_peer_finished(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.finished(true).map(Buffer::from))
    }

    /// Node's getSharedSigalgs(): ["RSA-PSS+SHA256", ...] (empty on a client).
    #[napi(catch_unwind)]
    pub fn get_shared_sigalgs(&self, env: &Env) -> Result<Vec<String>> {
        self.query(env, Vec::new(), |c| c.shared_sigalgs())
    }

    /// RFC 5705 keying material; `context` undefined means none (not the same as empty in TLS
    /// 1.2). Throws OpenSSL's error if it cannot be derived.
    #[napi(catch_unwind)]
    pub fn export_keying_material(&self, env: &Env, length: u32, label: String, context: Option<&[u8]>) -> Result<Buffer> {
        self.with(env, |c| c.export_keying_material(length as usize, label.as_bytes(), context))?
            .map(Buffer::from)
            .map_err(|e| throw_error(env, &e))
    }

    /// DER of this end's certificate, or undefined.
    #[napi(catch_unwind, js_name = "getX509Certificate")]
    pub fn get_x509_certificate(&self, env: &Env) -> Result<Option<Buffer>> {
        self.query(env, None, |c| c.certificate_der().map(Buffer::from))
    }

    /// DER of the peer's certificate and of the certificates it sent after it, in the order sent
    /// (Node's getPeerX509Certificate() rules: empty when a client has no chain).
    #[napi(catch_unwind, js_name = "getPeerX509Chain")]
    pub fn get_peer_x509_chain(&self, env: &Env) -> Result<Vec<Buffer>> {
        self.query(env, Vec::new(), |c| c.peer_x509_chain_der().into_iter().map(Buffer::from).collect())
    }
}

/// A weak reference to the JS PSK function: the JS connection object keeps the function alive
/// (lib/psk.js stores it there), so the function, which closes over the socket, does not keep
/// the connection alive from native code. OpenSSL calls the PSK callback only from inside this
/// connection's own N-API calls, on the JS thread that owns the env.
struct WeakPskFunction {
    env: napi::sys::napi_env,
    reference: napi::sys::napi_ref,
}
// Only ever touched on the JS thread (see above); PskCallback requires the bounds.
unsafe impl Send for WeakPskFunction {}
unsafe impl Sync for WeakPskFunction {}

impl WeakPskFunction {
    fn new(env: &Env, function: &PskFunction) -> Result<Self> {
        let mut reference = std::ptr::null_mut();
        let status = unsafe { napi::sys::napi_create_reference(env.raw(), function.raw(), 0, &mut reference) };
        if status != napi::sys::Status::napi_ok {
            return Err(Error::from_reason("napi_create_reference failed"));
        }
        Ok(WeakPskFunction { env: env.raw(), reference })
    }

    /// Calls the function; None when it is gone, throws, or returns null. It may run from a
    /// libuv callback (the native transport), so it opens its own handle scope.
    fn call(&self, args: (Option<String>, u32, u32)) -> Option<PskAnswer> {
        let mut scope = std::ptr::null_mut();
        unsafe { napi::sys::napi_open_handle_scope(self.env, &mut scope) };
        let answer = self.call_in_scope(args);
        unsafe { napi::sys::napi_close_handle_scope(self.env, scope) };
        answer
    }

    fn call_in_scope(&self, args: (Option<String>, u32, u32)) -> Option<PskAnswer> {
        let mut value = std::ptr::null_mut();
        let status = unsafe { napi::sys::napi_get_reference_value(self.env, self.reference, &mut value) };
        if status != napi::sys::Status::napi_ok || value.is_null() {
            return None;
        }
        let function = unsafe { PskFunction::from_napi_value(self.env, value) }.ok()?;
        // A throw (the JS side catches user errors itself) fails the handshake.
        let reply = function.call(FnArgs::from(args)).ok()??;
        Some(PskAnswer { psk: reply.psk.to_vec(), identity: reply.identity })
    }
}

impl Drop for WeakPskFunction {
    fn drop(&mut self) {
        // Dropped with the connection: on the JS thread (destroy, or the finalizer).
        unsafe { napi::sys::napi_delete_reference(self.env, self.reference) };
    }
}

impl From<conn::Event> for ConnectionEvent {
    fn from(event: conn::Event) -> Self {
        let (kind, id, data) = match event {
            conn::Event::HandshakeStart => (EventKind::HandshakeStart, None, None),
            conn::Event::HandshakeDone => (EventKind::HandshakeDone, None, None),
            conn::Event::NewSession(s) => (EventKind::NewSession, Some(s.id.into()), Some(s.der.into())),
            conn::Event::Keylog(line) => (EventKind::Keylog, None, Some(line.into())),
            conn::Event::OcspResponse(staple) => (EventKind::OcspResponse, None, staple.map(Buffer::from)),
        };
        ConnectionEvent { kind, id, data }
    }
}
