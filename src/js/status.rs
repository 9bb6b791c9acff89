//! The status contract between the connection and lib/: what a call returns (`Status`) and what
//! `takeEvents()` holds (`ConnectionEvent`). napi-rs exports these enums to JS (`binding.Status`,
//! `binding.EventKind`) and types them in binding.d.ts, so lib/ reads the values from here and
//! never copies them.

use crate::conn::{self, Question};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// What the caller must do next (`conn::Status`, one variant per question).
#[napi]
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing to handle: read cleartext (once the handshake is done), send pending ciphertext.
    Ready = 0,
    /// `takeEvents()` holds events: handle them in order, then ask `status()` again.
    Events = 1,
    /// The connection failed: send pending ciphertext (the alert), then report `takeError()`.
    Failed = 2,
    /// The peer sent close_notify and all cleartext before it was read.
    PeerClosed = 3,
    /// Paused for Node's SNICallback: `useSNIContext` (or nothing), then `resume()`.
    AskingSNI = 4,
    /// Paused for Node's ALPNCallback: `getALPNRequest`, `selectALPN`, then `resume()`.
    AskingALPN = 5,
    /// Paused for Node's 'OCSPRequest': `setOCSPResponse` (or nothing), then `resume()`.
    AskingOCSP = 6,
    /// Paused for Node's 'resumeSession': `resumeSessionId`, `loadSession` (or nothing), then
    /// `resume()`.
    AskingSession = 7,
}

impl From<conn::Status> for Status {
    fn from(status: conn::Status) -> Self {
        match status {
            conn::Status::Ready => Status::Ready,
            conn::Status::Events => Status::Events,
            conn::Status::Failed => Status::Failed,
            conn::Status::PeerClosed => Status::PeerClosed,
            conn::Status::Asking(Question::ServerName) => Status::AskingSNI,
            conn::Status::Asking(Question::Alpn) => Status::AskingALPN,
            conn::Status::Asking(Question::Ocsp) => Status::AskingOCSP,
            conn::Status::Asking(Question::Session) => Status::AskingSession,
        }
    }
}

/// What happened (`conn::Event`).
#[napi]
#[derive(Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A handshake began: Node's `onhandshakestart`.
    HandshakeStart = 0,
    /// A handshake (the first or a renegotiation) completed: Node's `onhandshakedone`.
    HandshakeDone = 1,
    /// OpenSSL created a session: `id` and `data` (DER), Node's 'session' / 'newSession'.
    NewSession = 2,
    /// `data` is one NSS key-log line ending in '\n': Node's 'keylog'.
    Keylog = 3,
    /// Client: `data` is the stapled OCSP response, or null: Node's 'OCSPResponse'.
    OcspResponse = 4,
}

/// One entry of `takeEvents()`.
#[napi(object)]
pub struct ConnectionEvent {
    pub kind: EventKind,
    /// NewSession: the session id.
    pub id: Option<Buffer>,
    /// NewSession: the session (DER); Keylog: the line; OcspResponse: the response, or null.
    pub data: Option<Buffer>,
}
