//! TlsSession: the JS face of one `TlsEngine`. Every call takes or fills buffers JS owns, so one
//! N-API call handles a whole batch of records and nothing is allocated per record.

use crate::context::SecureContext;
use crate::engine::{self, TlsEngine, READ_ERROR, STATUS_ERROR};
use crate::error::{throw_plain, throw_stack, OpenSslError};
use crate::x509;
use napi::bindgen_prelude::*;
use napi_derive::napi;

mod extensions;

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

/// A session OpenSSL created: `{ id, data }`, both Buffers (data is the DER, as Node's).
#[napi(object)]
pub struct NewSessionInfo {
    pub id: Buffer,
    pub data: Buffer,
}

/// One TLS endpoint (client or server); see engine.rs for the protocol of calls.
#[napi]
pub struct TlsSession {
    /// None once destroyed.
    pub(crate) engine: Option<TlsEngine>,
    /// Counted in `liveObjects().sessionHandles` until the finalizer runs.
    _live: crate::live_objects::Live,
}

#[napi]
impl TlsSession {
    /// A session using `context`; nothing is sent until `start()` (client) or `receive()` (server).
    #[napi(constructor)]
    pub fn new(env: &Env, context: &SecureContext, is_server: bool) -> Result<Self> {
        let engine = TlsEngine::new(context.ssl_context(), is_server).map_err(|e| throw_stack(env, e, "SSL_new"))?;
        Ok(TlsSession { engine: Some(engine), _live: crate::live_objects::Live::new(crate::live_objects::Kind::SessionHandle) })
    }

    fn engine(&mut self, env: &Env) -> Result<&mut TlsEngine> {
        self.engine.as_mut().ok_or_else(|| throw_plain(env, "ERR_TLS_INVALID_STATE", "TLS session is destroyed"))
    }

    /// Server side: request a client certificate; with `rejectUnauthorized`, fail without one.
    #[napi]
    pub fn set_verify_mode(&mut self, env: &Env, request_cert: bool, reject_unauthorized: bool) -> Result<()> {
        self.engine(env)?.set_verify_mode(request_cert, reject_unauthorized);
        Ok(())
    }

    /// Client side: the SNI host name to send ('' sends none, as in Node).
    #[napi]
    pub fn set_servername(&mut self, env: &Env, name: String) -> Result<()> {
        self.engine(env)?.set_servername(&name);
        Ok(())
    }

    /// The ALPN protocols in wire format: offered (client) or selected from (server).
    #[napi(js_name = "setALPNProtocols")]
    pub fn set_alpn_protocols(&mut self, env: &Env, protocols: &[u8]) -> Result<()> {
        self.engine(env)?.set_alpn_protocols(protocols).map_err(|e| e.throw(env))
    }

    /// Server side: report STATUS_ALPN_REQUEST (8) when the client offers ALPN; answer with
    /// `selectALPN` and continue with `resume`.
    #[napi(js_name = "enableALPNCallback")]
    pub fn enable_alpn_callback(&mut self, env: &Env) -> Result<()> {
        self.engine(env)?.enable_alpn_callback();
        Ok(())
    }

    /// Server side: report STATUS_SNI_REQUEST (4) when the client sent a server name; answer
    /// with `useSNIContext` (or nothing) and continue with `resume`.
    #[napi(js_name = "enableSNICallback")]
    pub fn enable_sni_callback(&mut self, env: &Env) -> Result<()> {
        self.engine(env)?.enable_sni_callback();
        Ok(())
    }

    /// While STATUS_ALPN_REQUEST is pending: `{ servername, protocols }`, the server name as
    /// Node's ALPNCallback sees it (or null) and the client's protocol list in wire format.
    #[napi(js_name = "getALPNRequest")]
    pub fn get_alpn_request(&self) -> Option<AlpnRequest> {
        let (servername, offer) = self.engine.as_ref()?.alpn_request()?;
        Some(AlpnRequest { servername, protocols: offer.to_vec().into() })
    }

    /// Answers STATUS_ALPN_REQUEST: the index of the chosen protocol in the offer, or -1 to
    /// refuse them all (a fatal no_application_protocol alert).
    #[napi(js_name = "selectALPN")]
    pub fn select_alpn(&mut self, env: &Env, index: i32) -> Result<()> {
        self.engine(env)?.select_alpn(usize::try_from(index).ok());
        Ok(())
    }

    /// Answers STATUS_SNI_REQUEST with `context`'s certificate, key, chain, trust store and
    /// client-CA list (Node's UseSNIContext); throws if the trust store cannot be installed. A
    /// context without certificate changes nothing; with `reportUnusable` (an answer given
    /// inside SNICallback, in Node) `resume` then fails with OpenSSL's error.
    #[napi(js_name = "useSNIContext")]
    pub fn use_sni_context(&mut self, env: &Env, context: &SecureContext, report_unusable: bool) -> Result<()> {
        self.engine(env)?.use_sni_context(context.ssl_context(), report_unusable).map_err(|e| e.throw(env))
    }

    /// `setKeyCert(context)`: a server session takes the context's identity and trust (engine).
    #[napi]
    pub fn set_key_cert(&mut self, env: &Env, context: &SecureContext) -> Result<()> {
        self.engine(env)?.set_key_cert(context.ssl_context()).map_err(|e| e.throw(env))
    }

    /// Continues a handshake paused by a request; returns status bits, as `receive` does.
    #[napi(catch_unwind)]
    pub fn resume(&mut self) -> u32 {
        self.engine.as_mut().map_or(STATUS_ERROR, TlsEngine::resume)
    }

    /// The negotiated ALPN protocol (latin1, as Node), or false when none was agreed.
    #[napi(js_name = "getALPNNegotiatedProtocol")]
    pub fn get_alpn_negotiated_protocol(&self) -> Either<String, bool> {
        match self.engine.as_ref().and_then(TlsEngine::alpn_protocol) {
            Some(p) => Either::A(engine::latin1(p)),
            None => Either::B(false),
        }
    }

    /// Advances the handshake without new input (the client's ClientHello). Returns status bits.
    #[napi(catch_unwind)]
    pub fn start(&mut self) -> u32 {
        self.engine.as_mut().map_or(STATUS_ERROR, TlsEngine::start)
    }

    /// Feeds ciphertext from the peer and advances the handshake. Returns status bits
    /// (1 = handshake done, 2 = error, 4 = SNI request, 8 = ALPN request); then pull
    /// `readCleartext` and `readCiphertext`.
    #[napi(catch_unwind)]
    pub fn receive(&mut self, ciphertext: &[u8]) -> u32 {
        self.engine.as_mut().map_or(STATUS_ERROR, |e| e.receive(ciphertext))
    }

    /// Decrypts the next record into `out`: bytes written, 0 (need more input),
    /// -1 (peer sent close_notify) or -2 (error).
    #[napi(catch_unwind)]
    pub fn read_cleartext(&mut self, mut out: BufferSlice) -> i32 {
        self.engine.as_mut().map_or(READ_ERROR, |e| e.read_cleartext(&mut out))
    }

    /// Encrypts all of `cleartext`; returns the ciphertext bytes waiting, or -2.
    #[napi(catch_unwind)]
    pub fn encrypt(&mut self, cleartext: &[u8]) -> i64 {
        self.engine.as_mut().map_or(READ_ERROR as i64, |e| e.encrypt(cleartext))
    }

    /// Ciphertext bytes waiting to be sent to the peer.
    #[napi]
    pub fn pending_ciphertext(&self) -> u32 {
        self.engine.as_ref().map_or(0, |e| e.pending_ciphertext() as u32)
    }

    /// Moves waiting ciphertext into `out`; returns the number of bytes moved.
    #[napi(catch_unwind)]
    pub fn read_ciphertext(&mut self, mut out: BufferSlice) -> u32 {
        self.engine.as_mut().map_or(0, |e| e.read_ciphertext(&mut out) as u32)
    }

    /// Queues close_notify (once the handshake is done); returns the ciphertext bytes waiting.
    #[napi]
    pub fn shutdown(&mut self) -> u32 {
        self.engine.as_mut().map_or(0, |e| e.shutdown() as u32)
    }

    /// The fatal error, if one happened.
    #[napi]
    pub fn take_error(&self) -> Option<OpenSslError> {
        self.engine.as_ref().and_then(|e| e.error().cloned())
    }

    #[napi(getter)]
    pub fn handshake_done(&self) -> bool {
        self.engine.as_ref().is_some_and(TlsEngine::handshake_done)
    }

    /// Node's verifyError(): why the peer certificate is not trusted, or null.
    #[napi(catch_unwind)]
    pub fn verify_error(&self) -> Option<VerifyError> {
        let err = self.engine.as_ref()?.verify_result()?;
        Some(VerifyError { code: engine::verify_error_code(err).into(), message: TlsEngine::verify_message(err) })
    }

    /// `{ name, standardName, version }` of the negotiated cipher, or null before the handshake.
    #[napi(catch_unwind)]
    pub fn get_cipher(&self) -> Option<CipherInfo> {
        let cipher = self.engine.as_ref()?.ssl().current_cipher()?;
        Some(CipherInfo {
            name: cipher.name().to_string(),
            standard_name: cipher.standard_name().unwrap_or_else(|| cipher.name()).to_string(),
            version: cipher.version().to_string(),
        })
    }

    /// The negotiated protocol ('TLSv1.3'), or null before the handshake.
    #[napi]
    pub fn get_protocol(&self) -> Option<String> {
        self.engine.as_ref()?.protocol().map(str::to_string)
    }

    /// The SNI name as OpenSSL reports it: the one set (client) or received (server).
    #[napi]
    pub fn get_servername(&self) -> Option<String> {
        self.engine.as_ref()?.servername()
    }

    /// The peer's ephemeral key-exchange key (Node's GetEphemeralKey), or null.
    #[napi(catch_unwind)]
    pub fn get_ephemeral_key_info(&self) -> Option<EphemeralKeyInfo> {
        let key = self.engine.as_ref()?.ephemeral_key()?;
        Some(EphemeralKeyInfo { kind: key.kind.into(), name: key.name, size: key.size })
    }

    #[napi]
    pub fn is_session_reused(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.ssl().session_reused())
    }

    /// The peer's certificate as Node's plain object (`detailed` adds the issuer chain), or
    /// null when the peer sent none.
    #[napi(catch_unwind, ts_return_type = "object | null")]
    pub fn get_peer_certificate<'e>(&self, env: &'e Env, detailed: bool) -> Result<Option<Object<'e>>> {
        match self.engine.as_ref() {
            Some(e) => x509::peer_certificate(env, e.ssl(), e.is_server(), detailed),
            None => Ok(None),
        }
    }

    /// This endpoint's own certificate as Node's plain object, or null.
    #[napi(catch_unwind, ts_return_type = "object | null")]
    pub fn get_certificate<'e>(&self, env: &'e Env) -> Result<Option<Object<'e>>> {
        match self.engine.as_ref().and_then(|e| e.ssl().certificate()) {
            Some(cert) => x509::certificate_object(env, cert).map(Some),
            None => Ok(None),
        }
    }

    /// Frees the SSL; later calls report the session as destroyed.
    #[napi]
    pub fn destroy(&mut self) {
        self.engine = None;
    }
}

/// Sessions and resumption (engine.rs, sessions.rs).
#[napi]
impl TlsSession {
    /// Node's enableSessionCallbacks: report new sessions (status bit 32, then
    /// `takeNewSessions()`); a server also reports status bit 16 when its ClientHello names a
    /// session to look up (`resumeSessionId`, `loadSession`, `endParser`).
    #[napi]
    pub fn enable_session_callbacks(&mut self, env: &Env) -> Result<()> {
        self.engine(env)?.enable_session_callbacks();
        Ok(())
    }

    /// The sessions created since the last call (`[{ id, data }]`, oldest first).
    #[napi]
    pub fn take_new_sessions(&mut self) -> Vec<NewSessionInfo> {
        let Some(engine) = self.engine.as_mut() else { return Vec::new() };
        engine.take_new_sessions().into_iter().map(|s| NewSessionInfo { id: s.id.into(), data: s.der.into() }).collect()
    }

    /// Client side: the session to resume (DER). Bytes that are not a session are ignored, as
    /// in Node; a session OpenSSL refuses throws "SSL_set_session error".
    #[napi]
    pub fn set_session(&mut self, env: &Env, session: &[u8]) -> Result<()> {
        match self.engine(env)?.set_session(session) {
            Ok(_) => Ok(()),
            // Node: env->ThrowError, a plain Error without a code.
            Err(_) => Err(match env.throw_error("SSL_set_session error", None) {
                Ok(()) => Error::from_status(Status::PendingException),
                Err(e) => e,
            }),
        }
    }

    /// DER of the current session, or undefined.
    #[napi]
    pub fn get_session(&self) -> Option<Buffer> {
        self.engine.as_ref()?.session().map(Buffer::from)
    }

    /// The session's ticket, or undefined.
    #[napi(js_name = "getTLSTicket")]
    pub fn get_tls_ticket(&self) -> Option<Buffer> {
        self.engine.as_ref()?.tls_ticket().map(Buffer::from)
    }

    /// While status bit 16 is pending: the session id to look up.
    #[napi(getter)]
    pub fn resume_session_id(&self) -> Option<Buffer> {
        self.engine.as_ref()?.resume_session_id().map(|id| Buffer::from(id.to_vec()))
    }

    /// Server side: the session found for `resumeSessionId` (DER).
    #[napi]
    pub fn load_session(&mut self, env: &Env, session: &[u8]) -> Result<()> {
        self.engine(env)?.load_session(session);
        Ok(())
    }

    /// Node's endParser: the handshake continues with the held input. Returns status bits.
    #[napi(catch_unwind)]
    pub fn end_parser(&mut self) -> u32 {
        self.engine.as_mut().map_or(STATUS_ERROR, TlsEngine::end_parser)
    }
}
