//! The sans-I/O TLS engine: one SSL over two memory BIOs, no sockets and no JS.
//!
//! The caller feeds ciphertext in (`receive`), pulls cleartext out (`read_cleartext`), pushes
//! cleartext in (`encrypt`) and pulls ciphertext out (`read_ciphertext`). Every call works on
//! caller-owned buffers. `session.rs` exposes it to JS; the tests below drive two engines back
//! to back.
//!
//! Servers can pause the handshake to ask the caller something (Node's SNICallback and
//! ALPNCallback): the status says what is asked, the caller answers (`use_sni_context`,
//! `select_alpn`) and calls `resume()`. OpenSSL never blocks: the client-hello callback and the
//! certificate callback return "retry" until the answer is there.
//!
//! Sessions (sessions.rs): the engine reports the sessions OpenSSL creates when asked to
//! (STATUS_NEW_SESSION, `take_new_sessions`), takes a session to resume (`set_session`), and a
//! server can hold its first input until the caller has looked a session up
//! (STATUS_RESUME_REQUEST, `load_session`, `end_parser`).

use crate::error::OpenSslError;
use foreign_types_shared::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{Ssl, SslContextRef, SslRef, SslVersion};
use openssl_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_long, c_uint, c_void};

mod hooks;
use hooks::{certificate_callback, client_hello_callback, hooks_index, protocol_entries, select_alpn_callback, AlpnDecision, Hooks, SSL_set_cert_cb};

mod record_scan;
mod sessions;
mod events;
mod introspection;
mod keylog;
mod renegotiation;
mod trace;
pub use events::EngineEvent;
mod npn;
mod ocsp;
mod psk;
pub use npn::NpnOutcome;
pub use psk::{PskAnswer, PskExchange};
mod queue_bio;
#[cfg(test)]
mod test_fixtures;
pub use sessions::NewSession;
use sessions::{gate_input, state_index, Gate, SessionState};

/// `receive` / `start` status bit: the handshake completed during this call.
pub const STATUS_HANDSHAKE_DONE: u32 = 1;
/// Status bit: a fatal error happened; `error()` says which.
pub const STATUS_ERROR: u32 = 2;
/// Status bit (server): the handshake is paused until the caller has chosen the context for
/// `servername()` — `use_sni_context()`, or nothing to keep the default — and calls `resume()`.
pub const STATUS_SNI_REQUEST: u32 = 4;
/// Status bit (server): the handshake is paused until the caller has picked one of
/// `alpn_request()` (or none) with `select_alpn()` and calls `resume()`.
pub const STATUS_ALPN_REQUEST: u32 = 8;
/// Status bit (server): the input is held until the caller looked up `resume_session_id()` in
/// its store, optionally `load_session()`ed what it found, and called `end_parser()`.
pub const STATUS_RESUME_REQUEST: u32 = 16;
/// Status bit: OpenSSL created sessions the caller asked to hear about; `take_new_sessions()`.
pub const STATUS_NEW_SESSION: u32 = 32;
/// Status bit: OpenSSL reported handshake starts, renegotiations or key-log lines; `take_events()`.
pub const STATUS_EVENTS: u32 = 256;
/// Status bit (server): the handshake is paused until the caller has given the OCSP response
/// to staple (`set_ocsp_response`, or nothing) and calls `resume()` (ocsp.rs).
pub const STATUS_OCSP_REQUEST: u32 = 0x1000;
/// Status bit (client): the server's stapled OCSP response (or its absence) waits in
/// `take_ocsp_response()`; reported before the handshake completes (ocsp.rs).
pub const STATUS_OCSP_RESPONSE: u32 = 0x2000;

/// `read_cleartext` result once the peer sent close_notify and no cleartext is left.
pub const READ_CLOSE_NOTIFY: i32 = -1;
/// `read_cleartext` / `encrypt` result when the engine failed; `error()` says why.
pub const READ_ERROR: i32 = -2;
/// `read_cleartext` result: events wait in `take_events()` (a renegotiation ran); call again.
pub const READ_EVENTS: i32 = -3;

const SSL_MODE_AUTO_RETRY: c_long = 0x4;
const SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
use queue_bio::BIO_CTRL_PENDING;
const SSL_CTRL_MODE: c_int = 33;
const SSL_CTRL_GET_PEER_TMP_KEY: c_int = 109;
const NID_AUTH_PSK: c_int = 1048; // NID_auth_psk
const X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: c_long = 2;
const X509_V_ERR_CERT_NOT_YET_VALID: c_long = 9;
const SSL_CTRL_CHAIN: c_int = 88;
const SSL_CTRL_GET_CHAIN_CERTS: c_int = 115;

// OpenSSL functions openssl-sys does not declare.
extern "C" {
    fn SSL_CTX_get_client_CA_list(ctx: *const sys::SSL_CTX) -> *mut sys::stack_st_X509_NAME;
    fn SSL_dup_CA_list(list: *const sys::stack_st_X509_NAME) -> *mut sys::stack_st_X509_NAME;
}

/// Verification is decided in JS after the handshake (as Node does); OpenSSL only records it.
extern "C" fn accept_any_certificate(_preverify_ok: c_int, _ctx: *mut sys::X509_STORE_CTX) -> c_int {
    1
}

/// Node's names for X509_V_ERR_* (crypto_common.cc); anything else is UNSPECIFIED.
pub fn verify_error_code(err: c_long) -> &'static str {
    match err {
        2 => "UNABLE_TO_GET_ISSUER_CERT",
        3 => "UNABLE_TO_GET_CRL",
        4 => "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
        5 => "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
        6 => "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
        7 => "CERT_SIGNATURE_FAILURE",
        8 => "CRL_SIGNATURE_FAILURE",
        9 => "CERT_NOT_YET_VALID",
        10 => "CERT_HAS_EXPIRED",
        11 => "CRL_NOT_YET_VALID",
        12 => "CRL_HAS_EXPIRED",
        13 => "ERROR_IN_CERT_NOT_BEFORE_FIELD",
        14 => "ERROR_IN_CERT_NOT_AFTER_FIELD",
        15 => "ERROR_IN_CRL_LAST_UPDATE_FIELD",
        16 => "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
        17 => "OUT_OF_MEM",
        18 => "DEPTH_ZERO_SELF_SIGNED_CERT",
        19 => "SELF_SIGNED_CERT_IN_CHAIN",
        20 => "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        21 => "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        22 => "CERT_CHAIN_TOO_LONG",
        23 => "CERT_REVOKED",
        24 => "INVALID_CA",
        25 => "PATH_LENGTH_EXCEEDED",
        26 => "INVALID_PURPOSE",
        27 => "CERT_UNTRUSTED",
        28 => "CERT_REJECTED",
        62 => "HOSTNAME_MISMATCH",
        _ => "UNSPECIFIED",
    }
}

fn c_string(p: *const std::os::raw::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// The peer's ephemeral key-exchange key: `("ECDH", Some("X25519"), 253)`, `("DH", None, 2048)`.
pub struct EphemeralKey {
    pub kind: &'static str,
    pub name: Option<String>,
    pub size: u32,
}

/// Bytes as Node turns them into a JS string here (OneByteString: one byte, one code point).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// One TLS endpoint (client or server) over memory BIOs.
pub struct TlsEngine {
    ssl: Ssl,
    /// Ciphertext from the peer (owned by the SSL).
    rbio: *mut sys::BIO,
    /// Ciphertext for the peer (owned by the SSL).
    wbio: *mut sys::BIO,
    is_server: bool,
    handshake_done: bool,
    peer_closed: bool,
    error: Option<OpenSslError>,
    /// Counted in `liveObjects().sessions` until this engine is freed.
    _live: crate::live_objects::Live,
    /// The peer's record headers, for reporting errors in OpenSSL 3.0's words.
    records: record_scan::RecordScan,
}

impl TlsEngine {
    /// An endpoint using `context`; nothing is produced until `start()` (client) or `receive()`.
    pub fn new(context: &SslContextRef, is_server: bool) -> Result<Self, ErrorStack> {
        let mut ssl = Ssl::new(context)?;
        renegotiation::install(&mut ssl);
        let raw = ssl.as_ptr();
        let (rbio, wbio) = unsafe {
            let rbio = queue_bio::new_queue_bio();
            let wbio = queue_bio::new_queue_bio();
            if rbio.is_null() || wbio.is_null() {
                if !rbio.is_null() {
                    sys::BIO_free_all(rbio);
                }
                if !wbio.is_null() {
                    sys::BIO_free_all(wbio);
                }
                return Err(ErrorStack::get());
            }
            // An empty input BIO means "wait for more", not end of stream (queue_bio.rs).
            sys::SSL_set_bio(raw, rbio, wbio);
            sys::SSL_ctrl(raw, SSL_CTRL_MODE, SSL_MODE_AUTO_RETRY | SSL_MODE_RELEASE_BUFFERS, std::ptr::null_mut());
            sys::SSL_set_verify(raw, sys::SSL_VERIFY_NONE, Some(accept_any_certificate));
            if is_server {
                sys::SSL_set_accept_state(raw);
            } else {
                sys::SSL_set_connect_state(raw);
            }
            (rbio, wbio)
        };
        let _live = crate::live_objects::Live::new(crate::live_objects::Kind::Engine);
        Ok(TlsEngine { ssl, rbio, wbio, is_server, handshake_done: false, peer_closed: false, error: None, _live, records: Default::default() })
    }

    pub fn ssl(&self) -> &SslRef {
        &self.ssl
    }

    pub fn is_server(&self) -> bool {
        self.is_server
    }

    pub fn handshake_done(&self) -> bool {
        self.handshake_done
    }

    /// The fatal error, once one happened (it stays).
    pub fn error(&self) -> Option<&OpenSslError> {
        self.error.as_ref()
    }

    /// Server side: ask for a client certificate, and abort the handshake when none is sent
    /// and `reject_unauthorized` (Node's SetVerifyMode). Clients never fail in OpenSSL.
    pub fn set_verify_mode(&mut self, request_cert: bool, reject_unauthorized: bool) {
        let mut mode = sys::SSL_VERIFY_NONE;
        if self.is_server && request_cert {
            mode = sys::SSL_VERIFY_PEER;
            if reject_unauthorized {
                mode |= sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
            }
        }
        unsafe { sys::SSL_set_verify(self.ssl.as_ptr(), mode, Some(accept_any_certificate)) };
    }

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

    fn hooks(&self) -> Option<&Hooks> {
        self.ssl.ex_data(hooks_index())
    }

    fn hooks_mut(&mut self) -> &mut Hooks {
        if self.ssl.ex_data(hooks_index()).is_none() {
            self.ssl.set_ex_data(hooks_index(), Hooks::default());
        }
        self.ssl.ex_data_mut(hooks_index()).expect("hooks just installed")
    }

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
        self.install_alpn_selection();
        Ok(())
    }

    /// Server side: pause the handshake with STATUS_ALPN_REQUEST when the client offers ALPN,
    /// where OpenSSL selects the protocol (Node's ALPNCallback).
    pub fn enable_alpn_callback(&mut self) {
        if !self.is_server {
            return;
        }
        self.hooks_mut().alpn_callback = true;
        self.install_alpn_selection();
        let raw = self.ssl.as_ptr();
        unsafe {
            // The callbacks live on the SSL_CTX (OpenSSL has no per-SSL setter) and act only on
            // SSLs whose hooks ask for them; installing them again is harmless.
            sys::SSL_CTX_set_client_hello_cb(crate::ffi::SSL_get_SSL_CTX(raw), Some(client_hello_callback), std::ptr::null_mut());
            SSL_set_cert_cb(raw, Some(certificate_callback), std::ptr::null_mut());
        }
    }

    /// Server side: pause the handshake with STATUS_SNI_REQUEST when the client sent a server
    /// name, from the certificate callback (Node's SNICallback).
    pub fn enable_sni_callback(&mut self) {
        if !self.is_server {
            return;
        }
        self.hooks_mut().sni_callback = true;
        unsafe { SSL_set_cert_cb(self.ssl.as_ptr(), Some(certificate_callback), std::ptr::null_mut()) };
    }

    fn install_alpn_selection(&mut self) {
        let raw = self.ssl.as_ptr();
        unsafe {
            sys::SSL_CTX_set_alpn_select_cb__fixed_rust(crate::ffi::SSL_get_SSL_CTX(raw), Some(select_alpn_callback), std::ptr::null_mut());
        }
    }

    /// The question the paused handshake waits for (STATUS_SNI_REQUEST / STATUS_ALPN_REQUEST), or 0.
    pub fn pending_request(&self) -> u32 {
        self.hooks().map_or(0, |h| h.request)
    }

    /// While STATUS_ALPN_REQUEST is pending: the server name as Node's ALPNCallback sees it,
    /// and the client's protocols in wire format.
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

    /// Answers STATUS_ALPN_REQUEST: the `index`th offered protocol, or None to refuse
    /// them all (a fatal no_application_protocol alert).
    pub fn select_alpn(&mut self, index: Option<usize>) {
        let hooks = self.hooks_mut();
        if hooks.alpn != AlpnDecision::Pending {
            return;
        }
        let chosen = index.and_then(|i| hooks.alpn_offer.as_deref().and_then(|o| protocol_entries(o).nth(i)).map(<[u8]>::to_vec));
        hooks.alpn = match chosen {
            Some(p) => AlpnDecision::Selected(p),
            None => AlpnDecision::Rejected,
        };
    }

    /// Answers STATUS_SNI_REQUEST with another context, as Node's UseSNIContext: only its
    /// certificate, private key and chain, its trust store and its client-CA list are used
    /// (not its ciphers, versions or other settings). A context without a certificate or key
    /// changes nothing; with `report_unusable` the resumed handshake then fails with OpenSSL's
    /// error, after that step's output (Node, when SNICallback answers before returning, leaves
    /// the error queued inside the handshake step). A failure to install the trust store is
    /// returned.
    pub fn use_sni_context(&mut self, context: &SslContextRef, report_unusable: bool) -> Result<(), OpenSslError> {
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
    // with OpenSSL's reason queued.
    fn use_identity_of(&mut self, context: &SslContextRef) -> bool {
        let ssl = self.ssl.as_ptr();
        let ctx = context.as_ptr();
        unsafe {
            let cert = sys::SSL_CTX_get0_certificate(ctx);
            let key = sys::SSL_CTX_get0_privatekey(ctx);
            let mut chain: *mut sys::stack_st_X509 = std::ptr::null_mut();
            let mut ok = sys::SSL_CTX_ctrl(ctx, SSL_CTRL_GET_CHAIN_CERTS, 0, &mut chain as *mut _ as *mut c_void) as c_int;
            if ok == 1 {
                ok = sys::SSL_use_certificate(ssl, cert);
            }
            if ok == 1 {
                ok = sys::SSL_use_PrivateKey(ssl, key);
            }
            if ok == 1 && !chain.is_null() {
                ok = sys::SSL_ctrl(ssl, SSL_CTRL_CHAIN, 1, chain as *mut c_void) as c_int;
            }
            ok == 1
        }
    }

    // The context's trust store and client CA list (Node's SetCACerts).
    fn use_trust_of(&mut self, context: &SslContextRef) -> Result<(), OpenSslError> {
        let ssl = self.ssl.as_ptr();
        let ctx = context.as_ptr();
        unsafe {
            let store = crate::ffi::SSL_CTX_get_cert_store(ctx);
            if sys::SSL_ctrl(ssl, sys::SSL_CTRL_SET_VERIFY_CERT_STORE, 1, store as *mut c_void) != 1 {
                return Err(OpenSslError::take().unwrap_or_else(|| OpenSslError::plain("CertCbDone", "ERR_SSL_INTERNAL_ERROR")));
            }
            sys::SSL_set_client_CA_list(ssl, SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx)));
        }
        Ok(())
    }

    /// Continues a paused handshake once the pending question is answered (an unanswered ALPN
    /// question counts as a refusal). Returns status bits, as `receive` does.
    pub fn resume(&mut self) -> u32 {
        let hooks = self.hooks_mut();
        if hooks.request == 0 {
            return 0;
        }
        if hooks.alpn == AlpnDecision::Pending {
            hooks.alpn = AlpnDecision::Rejected;
        }
        hooks.request = 0;
        // The handshake may complete here, creating sessions (STATUS_NEW_SESSION).
        let status = self.advance() | self.session_status() | self.ocsp_status();
        match self.hooks_mut().sni_error.take() {
            Some(err) if status & STATUS_ERROR == 0 => {
                self.error = Some(err);
                STATUS_ERROR
            }
            _ => status,
        }
    }

    /// The negotiated ALPN protocol, if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.ssl.selected_alpn_protocol()
    }

    /// Advances the handshake without new input (the client's ClientHello). Returns status bits.
    pub fn start(&mut self) -> u32 {
        let status = self.advance();
        status | self.session_status() | self.ocsp_status()
    }

    /// Feeds ciphertext from the peer and advances the handshake. Returns status bits.
    pub fn receive(&mut self, ciphertext: &[u8]) -> u32 {
        if self.error.is_some() {
            return STATUS_ERROR;
        }
        // A server waiting for its ClientHello (or for a session lookup) holds the input back.
        if self.ssl.ex_data(state_index()).is_some_and(|s| !matches!(s.gate, Gate::Open)) {
            let stateful_tls13 = self.stateful_tls13();
            let state = self.ssl.ex_data_mut(state_index()).expect("checked above");
            let (pass, asked) = gate_input(&mut state.gate, ciphertext, stateful_tls13);
            if asked {
                return STATUS_RESUME_REQUEST;
            }
            return match pass {
                Some(bytes) => self.feed(&bytes),
                None => 0,
            };
        }
        self.feed(ciphertext)
    }

    /// Writes ciphertext into OpenSSL's input and advances the handshake.
    fn feed(&mut self, ciphertext: &[u8]) -> u32 {
        self.records.follow(ciphertext);
        let mut rest = ciphertext;
        while !rest.is_empty() {
            let len = rest.len().min(i32::MAX as usize);
            let n = unsafe { sys::BIO_write(self.rbio, rest.as_ptr() as *const c_void, len as c_int) };
            if n <= 0 {
                self.error = Some(OpenSslError::plain("BIO_write failed", "ERR_OSSL_BIO_WRITE_FAILURE"));
                return STATUS_ERROR;
            }
            rest = &rest[n as usize..];
        }
        // While paused, input waits in the BIO until `resume()`.
        if self.pending_request() != 0 {
            return 0;
        }
        let status = self.advance();
        status | self.session_status() | self.ocsp_status()
    }

    fn advance(&mut self) -> u32 {
        self.advance_handshake() | self.event_status()
    }

    fn advance_handshake(&mut self) -> u32 {
        if self.error.is_some() {
            return STATUS_ERROR;
        }
        if self.handshake_done {
            return 0;
        }
        let raw = self.ssl.as_ptr();
        let ret = unsafe { sys::SSL_do_handshake(raw) };
        if ret == 1 {
            self.handshake_done = true;
            return STATUS_HANDSHAKE_DONE;
        }
        match unsafe { sys::SSL_get_error(raw, ret) } {
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => 0,
            // Paused by our client-hello or certificate callback: report the question.
            sys::SSL_ERROR_WANT_CLIENT_HELLO_CB | sys::SSL_ERROR_WANT_X509_LOOKUP => self.pending_request(),
            // close_notify during the handshake: the peer is gone, not an error (Node reports
            // the transport's end as 'socket hang up').
            sys::SSL_ERROR_ZERO_RETURN => {
                self.peer_closed = true;
                0
            }
            _ => {
                self.record_error("handshake failed");
                STATUS_ERROR
            }
        }
    }

    fn record_error(&mut self, fallback: &str) {
        let err = OpenSslError::take_printed().unwrap_or_else(|| OpenSslError::plain(fallback, "ERR_SSL_SYSCALL"));
        self.error = Some(self.records.as_openssl_30(err));
    }

    /// Decrypts the next record into `out` (one record per call, as Node emits one 'data' chunk
    /// per record). Returns the bytes written (> 0), 0 when more ciphertext is needed,
    /// READ_CLOSE_NOTIFY once the peer closed, READ_ERROR on failure.
    pub fn read_cleartext(&mut self, out: &mut [u8]) -> i32 {
        if !self.handshake_done || out.is_empty() {
            return 0;
        }
        if self.error.is_some() {
            return READ_ERROR;
        }
        if self.peer_closed {
            return READ_CLOSE_NOTIFY;
        }
        if self.event_status() != 0 {
            return READ_EVENTS;
        }
        let raw = self.ssl.as_ptr();
        let limit = out.len().min(i32::MAX as usize);
        let mut n = 0usize;
        let ok = unsafe { sys::SSL_read_ex(raw, out.as_mut_ptr() as *mut c_void, limit, &mut n) };
        if ok == 1 {
            return n as i32;
        }
        match unsafe { sys::SSL_get_error(raw, 0) } {
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE if self.event_status() != 0 => READ_EVENTS,
            sys::SSL_ERROR_WANT_READ | sys::SSL_ERROR_WANT_WRITE => 0,
            sys::SSL_ERROR_ZERO_RETURN => {
                self.peer_closed = true;
                READ_CLOSE_NOTIFY
            }
            _ => {
                self.record_error("read failed");
                READ_ERROR
            }
        }
    }

    /// Encrypts all of `cleartext` (after the handshake). Returns the ciphertext bytes now
    /// waiting in `read_ciphertext`, or READ_ERROR.
    pub fn encrypt(&mut self, cleartext: &[u8]) -> i64 {
        if self.error.is_some() {
            return READ_ERROR as i64;
        }
        let raw = self.ssl.as_ptr();
        let mut rest = cleartext;
        while !rest.is_empty() {
            let mut n = 0usize;
            let ok = unsafe { sys::SSL_write_ex(raw, rest.as_ptr() as *const c_void, rest.len(), &mut n) };
            if ok != 1 {
                self.record_error("write failed");
                return READ_ERROR as i64;
            }
            rest = &rest[n..];
        }
        self.pending_ciphertext() as i64
    }

    /// Ciphertext bytes waiting to be sent to the peer.
    pub fn pending_ciphertext(&self) -> usize {
        unsafe { sys::BIO_ctrl(self.wbio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()) as usize }
    }

    /// Moves waiting ciphertext into `out`; returns the number of bytes moved.
    pub fn read_ciphertext(&mut self, out: &mut [u8]) -> usize {
        if out.is_empty() {
            return 0;
        }
        let len = out.len().min(i32::MAX as usize) as c_int;
        let n = unsafe { sys::BIO_read(self.wbio, out.as_mut_ptr() as *mut c_void, len) };
        n.max(0) as usize
    }

    /// Queues close_notify once the handshake is done. Returns the ciphertext bytes waiting.
    pub fn shutdown(&mut self) -> usize {
        if self.handshake_done && self.error.is_none() {
            unsafe {
                sys::SSL_shutdown(self.ssl.as_ptr());
                sys::ERR_clear_error();
            }
        }
        self.pending_ciphertext()
    }

    /// Node's verifyError(): the X509_V_ERR_* code why the peer is not trusted, or None.
    pub fn verify_result(&self) -> Option<c_long> {
        let raw = self.ssl.as_ptr();
        let err = if self.ssl.peer_certificate().is_some() {
            unsafe { sys::SSL_get_verify_result(raw) }
        } else {
            // No certificate is fine for PSK and for TLS 1.3 resumption (which looks like PSK).
            let cipher = unsafe { sys::SSL_get_current_cipher(raw) };
            let psk = !cipher.is_null() && unsafe { crate::ffi::SSL_CIPHER_get_auth_nid(cipher) } == NID_AUTH_PSK;
            let tls13_resumed = self.ssl.session_reused() && self.ssl.version2() == Some(SslVersion::TLS1_3);
            if psk || tls13_resumed {
                0
            } else {
                X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
            }
        };
        (err != 0).then_some(err)
    }

    /// Node's text for a verification result (OpenSSL 3.0's wording).
    pub fn verify_message(err: c_long) -> String {
        if err == X509_V_ERR_CERT_NOT_YET_VALID {
            // OpenSSL 3.6 reworded this one.
            return "certificate is not yet valid".to_string();
        }
        c_string(unsafe { sys::X509_verify_cert_error_string(err) }).unwrap_or_default()
    }

    /// SSL_get_version, as Node's getProtocol(): the negotiated protocol ('TLSv1.3') once the
    /// handshake is done; before it, what OpenSSL reports for the session ('TLSv1.3' too).
    pub fn protocol(&self) -> Option<&'static str> {
        Some(self.ssl.version_str())
    }

    /// The peer's ephemeral key-exchange key, if the handshake used one OpenSSL can report.
    pub fn ephemeral_key(&self) -> Option<EphemeralKey> {
        let mut raw: *mut sys::EVP_PKEY = std::ptr::null_mut();
        // SSL_get_peer_tmp_key is a macro over SSL_ctrl; it returns a new reference.
        let ok = unsafe { sys::SSL_ctrl(self.ssl.as_ptr(), SSL_CTRL_GET_PEER_TMP_KEY, 0, &mut raw as *mut _ as *mut c_void) };
        if ok == 0 || raw.is_null() {
            return None;
        }
        let key = unsafe { openssl::pkey::PKey::<openssl::pkey::Public>::from_ptr(raw) };
        let size = key.bits();
        let id = key.id();
        if id == openssl::pkey::Id::DH {
            return Some(EphemeralKey { kind: "DH", name: None, size });
        }
        let name = if id == openssl::pkey::Id::EC {
            key.ec_key().ok().and_then(|ec| ec.group().curve_name()).and_then(|nid| nid.short_name().ok().map(str::to_string))
        } else if id == openssl::pkey::Id::X25519 {
            Some("X25519".to_string())
        } else if id == openssl::pkey::Id::X448 {
            Some("X448".to_string())
        } else {
            return None;
        };
        Some(EphemeralKey { kind: "ECDH", name, size })
    }
}

/// Events queued by OpenSSL's callbacks (see events.rs).
impl TlsEngine {
    /// STATUS_EVENTS when events wait in `take_events()`.
    fn event_status(&self) -> u32 {
        match self.ssl.ex_data(events::events_index()) {
            Some(state) if !state.queue.is_empty() => STATUS_EVENTS,
            _ => 0,
        }
    }

    /// The events queued since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<EngineEvent> {
        match self.ssl.ex_data_mut(events::events_index()) {
            Some(state) => std::mem::take(&mut state.queue),
            None => Vec::new(),
        }
    }
}

/// Sessions and resumption (see sessions.rs).
impl TlsEngine {
    fn session_state_mut(&mut self) -> &mut SessionState {
        if self.ssl.ex_data(state_index()).is_none() {
            self.ssl.set_ex_data(state_index(), SessionState::default());
        }
        self.ssl.ex_data_mut(state_index()).expect("session state just installed")
    }

    /// STATUS_NEW_SESSION when sessions wait in `take_new_sessions()`.
    fn session_status(&self) -> u32 {
        match self.ssl.ex_data(state_index()) {
            Some(state) if !state.new_sessions.is_empty() => STATUS_NEW_SESSION,
            _ => 0,
        }
    }

    /// Whether this server keeps TLS 1.3 sessions by id (SSL_OP_NO_TICKET), so that a client's
    /// PSK identity is a session id the caller's store may know.
    fn stateful_tls13(&self) -> bool {
        let raw = self.ssl.as_ptr();
        let max = unsafe { sys::SSL_get_max_proto_version(raw) };
        let options = unsafe { sessions::SSL_get_options(raw) };
        (max == 0 || max >= sys::TLS1_3_VERSION as c_int)
            && options & sys::SSL_OP_NO_TICKET != 0
            && options & sys::SSL_OP_NO_TLSv1_3 == 0
    }

    /// Node's enableSessionCallbacks: report every session OpenSSL creates from now on
    /// (STATUS_NEW_SESSION; a client's tickets can arrive during `read_cleartext`, so poll
    /// `take_new_sessions()` after reading). A server also holds its input back until the
    /// ClientHello has been read, and reports STATUS_RESUME_REQUEST when it names a session to
    /// look up.
    pub fn enable_session_callbacks(&mut self) {
        sessions::install_callbacks(&self.ssl);
        let is_server = self.is_server;
        let started = self.handshake_done || self.pending_ciphertext() > 0;
        let state = self.session_state_mut();
        state.report = true;
        if is_server && !started && matches!(state.gate, Gate::Open) {
            state.gate = Gate::Reading(Vec::new());
        }
    }

    /// The sessions created since the last call, oldest first.
    pub fn take_new_sessions(&mut self) -> Vec<NewSession> {
        match self.ssl.ex_data_mut(state_index()) {
            Some(state) => std::mem::take(&mut state.new_sessions),
            None => Vec::new(),
        }
    }

    /// Client side: the session to resume, as DER (Node's setSession). Ok(false) when the bytes
    /// are not a session (Node ignores them); an error when OpenSSL refuses it.
    pub fn set_session(&mut self, der: &[u8]) -> Result<bool, OpenSslError> {
        let Ok(session) = openssl::ssl::SslSession::from_der(der) else {
            unsafe { sys::ERR_clear_error() };
            return Ok(false);
        };
        if unsafe { sys::SSL_set_session(self.ssl.as_ptr(), session.as_ptr()) } != 1 {
            unsafe { sys::ERR_clear_error() };
            return Err(OpenSslError::plain("SSL_set_session error", "ERR_SSL_SET_SESSION"));
        }
        Ok(true)
    }

    /// DER of the current session (the latest ticket's, on a TLS 1.3 client), if any.
    pub fn session(&self) -> Option<Vec<u8>> {
        let session = unsafe { sys::SSL_get_session(self.ssl.as_ptr()) };
        if session.is_null() {
            return None;
        }
        sessions::session_der(session)
    }

    /// The current session's ticket as the server sent it, if it has one.
    pub fn tls_ticket(&self) -> Option<Vec<u8>> {
        let session = unsafe { sys::SSL_get_session(self.ssl.as_ptr()) };
        if session.is_null() {
            return None;
        }
        let mut ticket: *const u8 = std::ptr::null();
        let mut len = 0usize;
        unsafe { sessions::SSL_SESSION_get0_ticket(session, &mut ticket, &mut len) };
        (!ticket.is_null()).then(|| unsafe { std::slice::from_raw_parts(ticket, len) }.to_vec())
    }

    /// While STATUS_RESUME_REQUEST is pending: the session id to look up.
    pub fn resume_session_id(&self) -> Option<&[u8]> {
        match &self.ssl.ex_data(state_index())?.gate {
            Gate::Asked { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Server side: the session found for `resume_session_id()` (DER), offered to OpenSSL when it
    /// looks the session up. Bytes that are not a session are ignored, as in Node.
    pub fn load_session(&mut self, der: &[u8]) {
        let session = openssl::ssl::SslSession::from_der(der).ok();
        unsafe { sys::ERR_clear_error() };
        if session.is_some() {
            self.session_state_mut().loaded = session;
        }
    }

    /// Node's endParser: hands the held input to OpenSSL and continues the handshake. Returns
    /// status bits, as `receive` does.
    pub fn end_parser(&mut self) -> u32 {
        let Some(state) = self.ssl.ex_data_mut(state_index()) else { return 0 };
        if matches!(state.gate, Gate::Open) {
            return 0;
        }
        let held = std::mem::take(&mut state.gate).into_held();
        if held.is_empty() {
            return 0;
        }
        self.feed(&held)
    }
}

#[cfg(test)]
mod tests {
    use super::test_fixtures::{pump, trust, use_identity};
    use super::*;
    use openssl::ssl::{SslContext, SslMethod, SslVersion};

    fn server_context(max: SslVersion) -> SslContext {
        let mut b = SslContext::builder(SslMethod::tls()).unwrap();
        use_identity(&mut b, "agent-key.pem", "agent-chain.pem");
        b.set_max_proto_version(Some(max)).unwrap();
        b.build()
    }

    fn client_context(trusted: &str) -> SslContext {
        let mut b = SslContext::builder(SslMethod::tls()).unwrap();
        trust(&mut b, trusted);
        b.build()
    }

    fn handshake(client: &mut TlsEngine, server: &mut TlsEngine) {
        client.start();
        for _ in 0..10 {
            pump(client, server);
            pump(server, client);
            if client.handshake_done() && server.handshake_done() {
                return;
            }
        }
        panic!("handshake did not complete: client {:?} server {:?}", client.error(), server.error());
    }

    fn pair(max: SslVersion) -> (TlsEngine, TlsEngine) {
        let mut client = TlsEngine::new(&client_context("ca-cert.pem"), false).unwrap();
        let mut server = TlsEngine::new(&server_context(max), true).unwrap();
        client.set_servername("localhost");
        handshake(&mut client, &mut server);
        (client, server)
    }

    fn read_all(engine: &mut TlsEngine) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 16384];
        loop {
            let n = engine.read_cleartext(&mut buf);
            if n <= 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n as usize]);
        }
    }

    #[test]
    fn handshakes_and_exchanges_data_in_tls12_and_tls13() {
        for (version, name) in [(SslVersion::TLS1_2, "TLSv1.2"), (SslVersion::TLS1_3, "TLSv1.3")] {
            let (mut client, mut server) = pair(version);
            assert_eq!(client.protocol(), Some(name));
            assert_eq!(client.verify_result(), None, "the chain verifies against the test root");
            let message = vec![7u8; 100_000];
            assert!(client.encrypt(&message) > 100_000);
            pump(&mut client, &mut server);
            assert_eq!(read_all(&mut server), message);
            server.encrypt(b"pong");
            pump(&mut server, &mut client);
            assert_eq!(read_all(&mut client), b"pong");
        }
    }

    #[test]
    fn one_record_per_read() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"first");
        client.encrypt(b"second");
        pump(&mut client, &mut server);
        let mut buf = [0u8; 16384];
        assert_eq!(server.read_cleartext(&mut buf), 5);
        assert_eq!(server.read_cleartext(&mut buf), 6);
        assert_eq!(server.read_cleartext(&mut buf), 0);
    }

    #[test]
    fn close_notify_is_reported_after_the_data() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"bye");
        assert!(client.shutdown() > 0);
        pump(&mut client, &mut server);
        let mut buf = [0u8; 64];
        assert_eq!(server.read_cleartext(&mut buf), 3);
        assert_eq!(server.read_cleartext(&mut buf), READ_CLOSE_NOTIFY);
        assert_eq!(server.read_cleartext(&mut buf), READ_CLOSE_NOTIFY);
    }

    #[test]
    fn untrusted_server_is_reported_not_rejected() {
        let mut client = TlsEngine::new(&client_context("selfsigned-cert.pem"), false).unwrap();
        let mut server = TlsEngine::new(&server_context(SslVersion::TLS1_3), true).unwrap();
        handshake(&mut client, &mut server);
        assert_eq!(client.verify_result().map(verify_error_code), Some("UNABLE_TO_GET_ISSUER_CERT_LOCALLY"));
    }

    #[test]
    fn garbage_fails_that_engine_cleanly() {
        let mut server = TlsEngine::new(&server_context(SslVersion::TLS1_3), true).unwrap();
        let status = server.receive(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n");
        assert_eq!(status, STATUS_ERROR);
        let err = server.error().expect("an error is recorded");
        assert_eq!(err.code, "ERR_SSL_HTTP_REQUEST");
        // Further input and output keep failing without panicking.
        assert_eq!(server.receive(b"more"), STATUS_ERROR);
        assert_eq!(server.encrypt(b"x"), READ_ERROR as i64);
        let mut buf = [0u8; 16];
        assert_eq!(server.read_cleartext(&mut buf), 0);
    }

    #[test]
    fn corrupted_record_after_the_handshake_is_an_error() {
        let (mut client, mut server) = pair(SslVersion::TLS1_3);
        client.encrypt(b"secret");
        let mut buf = vec![0u8; client.pending_ciphertext()];
        let n = client.read_ciphertext(&mut buf);
        buf[n - 1] ^= 0x55;
        server.receive(&buf[..n]);
        let mut out = [0u8; 64];
        assert_eq!(server.read_cleartext(&mut out), READ_ERROR);
        assert_eq!(server.error().map(|e| e.code.as_str()), Some("ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC"));
    }

    #[test]
    fn byte_at_a_time_input_completes_the_handshake() {
        let mut client = TlsEngine::new(&client_context("ca-cert.pem"), false).unwrap();
        let mut server = TlsEngine::new(&server_context(SslVersion::TLS1_3), true).unwrap();
        fn pump_bytewise(from: &mut TlsEngine, to: &mut TlsEngine) {
            let mut buf = vec![0u8; from.pending_ciphertext()];
            let n = from.read_ciphertext(&mut buf);
            for byte in &buf[..n] {
                assert_ne!(to.receive(std::slice::from_ref(byte)) & STATUS_ERROR, STATUS_ERROR);
            }
        }
        client.start();
        for _ in 0..10 {
            pump_bytewise(&mut client, &mut server);
            pump_bytewise(&mut server, &mut client);
            if client.handshake_done() && server.handshake_done() {
                return;
            }
        }
        panic!("handshake did not complete");
    }
}
