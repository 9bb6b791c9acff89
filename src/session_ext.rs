//! More of TlsSession's JS face: renegotiation and the events OpenSSL reports from its
//! callbacks (handshake starts, key-log lines), protocol tracing, and introspection
//! (Finished messages, shared signature algorithms, keying material, certificates as DER,
//! the maximum send fragment). The engine side is in engine/{events,renegotiation,keylog,
//! trace,introspection}.rs.

use crate::engine::EngineEvent;
use crate::error::OpenSslError;
use crate::session::TlsSession;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// `takeEvents()` entry: a handshake started.
const EVENT_HANDSHAKE_START: u32 = 1;
/// `takeEvents()` entry: a renegotiation handshake completed.
const EVENT_HANDSHAKE_DONE: u32 = 2;
/// `takeEvents()` entry: a session was created after the first handshake (`takeNewSessions()`).
const EVENT_NEW_SESSION: u32 = 3;

#[napi]
impl TlsSession {
    /// The events queued since the last call (after status bit 256 or readCleartext's -3),
    /// oldest first: 1 = handshake start, 2 = renegotiation done, 3 = a new session (after the
    /// first handshake), a Buffer = key-log line.
    #[napi(ts_return_type = "Array<number | Buffer>")]
    pub fn take_events(&mut self) -> Vec<Either<u32, Buffer>> {
        let Some(engine) = self.engine.as_mut() else { return Vec::new() };
        engine
            .take_events()
            .into_iter()
            .map(|event| match event {
                EngineEvent::HandshakeStart => Either::A(EVENT_HANDSHAKE_START),
                EngineEvent::HandshakeDone => Either::A(EVENT_HANDSHAKE_DONE),
                EngineEvent::NewSession => Either::A(EVENT_NEW_SESSION),
                EngineEvent::Keylog(line) => Either::B(line.into()),
            })
            .collect()
    }

    /// Report handshake starts (1) and completed renegotiations (2) through `takeEvents()`.
    #[napi]
    pub fn enable_handshake_events(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.enable_handshake_events();
        }
    }

    /// Starts a TLS 1.2 renegotiation; returns null, or the OpenSSL error saying why not.
    #[napi]
    pub fn renegotiate(&mut self) -> Option<OpenSslError> {
        self.engine.as_mut()?.renegotiate().err()
    }

    /// Report key-log lines as events from now on (Node's enableKeylogCallback).
    #[napi]
    pub fn enable_keylog_callback(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.enable_keylog();
        }
    }

    /// Print this connection's protocol messages to stderr from now on (Node's enableTrace).
    #[napi]
    pub fn enable_trace(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.enable_trace();
        }
    }

    /// The Finished message this end sent, or undefined before there is one.
    #[napi]
    pub fn get_finished(&self) -> Option<Buffer> {
        self.engine.as_ref()?.finished(false).map(Buffer::from)
    }

    /// The Finished message the peer sent, or undefined.
    #[napi]
    pub fn get_peer_finished(&self) -> Option<Buffer> {
        self.engine.as_ref()?.finished(true).map(Buffer::from)
    }

    /// Node's getSharedSigalgs(): ["RSA-PSS+SHA256", ...] (empty on a client).
    #[napi]
    pub fn get_shared_sigalgs(&self) -> Vec<String> {
        self.engine.as_ref().map(|e| e.shared_sigalgs()).unwrap_or_default()
    }

    /// RFC 5705 keying material; `context` undefined means none (not the same as empty in TLS
    /// 1.2). Throws OpenSSL's error if it cannot be derived.
    #[napi]
    pub fn export_keying_material(&self, env: &Env, length: u32, label: String, context: Option<&[u8]>) -> Result<Buffer> {
        let Some(engine) = self.engine.as_ref() else {
            return Err(crate::error::throw_plain(env, "ERR_TLS_INVALID_STATE", "TLS session is destroyed"));
        };
        engine.export_keying_material(length as usize, label.as_bytes(), context).map(Buffer::from).map_err(|e| e.throw(env))
    }

    /// DER of this end's certificate, or undefined.
    #[napi(js_name = "getX509Certificate")]
    pub fn get_x509_certificate(&self) -> Option<Buffer> {
        self.engine.as_ref()?.certificate_der().map(Buffer::from)
    }

    /// DER of the peer's certificate, or undefined.
    #[napi(js_name = "getPeerX509Certificate")]
    pub fn get_peer_x509_certificate(&self) -> Option<Buffer> {
        self.engine.as_ref()?.peer_certificate_der().map(Buffer::from)
    }

    /// SSL_set_max_send_fragment: 1 when accepted (512..=16384), else 0.
    #[napi]
    pub fn set_max_send_fragment(&mut self, size: i32) -> i32 {
        self.engine.as_mut().map_or(0, |e| e.set_max_send_fragment(size))
    }
}
