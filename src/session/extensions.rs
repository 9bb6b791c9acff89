//! TlsSession methods for NPN, OCSP stapling and PSK (engine/npn.rs, ocsp.rs, psk.rs).

use super::TlsSession;
use crate::engine::{self, NpnOutcome, PskAnswer, PskExchange};
use napi::bindgen_prelude::*;
use napi_derive::napi;

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

/// A weak reference to the JS PSK function: the JS session object keeps the function alive
/// (lib/psk.js stores it on the session), so the function, which closes over the socket, does
/// not keep the session alive from native code. OpenSSL calls the PSK callback only from inside
/// this session's own N-API calls, on the JS thread that owns the env.
struct WeakPskFunction {
    env: napi::sys::napi_env,
    reference: napi::sys::napi_ref,
}
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

    /// Calls the function; None when it is gone, throws, or returns null.
    fn call(&self, args: (Option<String>, u32, u32)) -> Option<PskReply> {
        let mut value = std::ptr::null_mut();
        let status = unsafe { napi::sys::napi_get_reference_value(self.env, self.reference, &mut value) };
        if status != napi::sys::Status::napi_ok || value.is_null() {
            return None;
        }
        let function = unsafe { PskFunction::from_napi_value(self.env, value) }.ok()?;
        // A throw (the JS side catches user errors itself) fails the handshake.
        function.call(FnArgs::from(args)).ok()?
    }
}

impl Drop for WeakPskFunction {
    fn drop(&mut self) {
        // Dropped with the engine: on the JS thread (destroy, or the session's finalizer).
        unsafe { napi::sys::napi_delete_reference(self.env, self.reference) };
    }
}

#[napi]
impl TlsSession {
    /// This side's NPN protocols in wire format (Node v5's setNPNProtocols); null on a client
    /// offers NPN without protocols of its own (it answers with http/1.1, as Node v5).
    #[napi(js_name = "setNPNProtocols")]
    pub fn set_npn_protocols(&mut self, env: &Env, protocols: Option<&[u8]>) -> Result<()> {
        self.engine(env)?.set_npn_protocols(protocols);
        Ok(())
    }

    /// The NPN protocol this side ended with (latin1, as Node v5), or false.
    #[napi(catch_unwind)]
    pub fn get_negotiated_protocol(&self) -> Either<String, bool> {
        match self.engine.as_ref().map(engine::TlsEngine::npn_protocol) {
            Some(NpnOutcome::Negotiated(p)) => Either::A(engine::latin1(&p)),
            _ => Either::B(false),
        }
    }

    /// Client: ask for a stapled OCSP response; status bit 0x2000 then reports it.
    #[napi(js_name = "requestOCSP")]
    pub fn request_ocsp(&mut self, env: &Env) -> Result<()> {
        self.engine(env)?.request_ocsp();
        Ok(())
    }

    /// Server: pause with status bit 0x1000 when the client asks for an OCSP response; answer
    /// with `setOCSPResponse` (or nothing) and continue with `resume`.
    #[napi(js_name = "enableOCSPRequest")]
    pub fn enable_ocsp_request(&mut self, env: &Env) -> Result<()> {
        self.engine(env)?.enable_ocsp_request();
        Ok(())
    }

    /// Server: the OCSP response to staple (OpenSSL staples it only if it is a DER OCSPResponse).
    #[napi(js_name = "setOCSPResponse")]
    pub fn set_ocsp_response(&mut self, env: &Env, response: &[u8]) -> Result<()> {
        self.engine(env)?.set_ocsp_response(response);
        Ok(())
    }

    /// Client, after status bit 0x2000: the server's stapled response, or null.
    #[napi(js_name = "takeOCSPResponse", catch_unwind)]
    pub fn take_ocsp_response(&mut self) -> Option<Buffer> {
        self.engine.as_mut()?.take_ocsp_response().flatten().map(Buffer::from)
    }

    /// Answers OpenSSL's PSK questions with `callback(hintOrIdentity, maxPskLen, maxIdentityLen)`,
    /// called synchronously during `start` / `receive` / `resume`; it returns `{ psk, identity }`
    /// (the client's identity) or null to fail the handshake. Only a weak reference is kept: the
    /// caller keeps `callback` alive as long as the session.
    #[napi]
    pub fn enable_psk_callback(&mut self, env: &Env, callback: PskFunction) -> Result<()> {
        let function = WeakPskFunction::new(env, &callback)?;
        self.engine(env)?.enable_psk_callback(Box::new(move |exchange| {
            let args = match exchange {
                PskExchange::Client { hint, max_psk_len, max_identity_len } => (hint, max_psk_len, max_identity_len),
                PskExchange::Server { identity, max_psk_len } => (Some(identity), max_psk_len, 0),
            };
            let reply = function.call(args)?;
            Some(PskAnswer { psk: reply.psk.to_vec(), identity: reply.identity })
        }));
        Ok(())
    }

    /// Server: the TLS 1.2 PSK identity hint; false when OpenSSL refuses it.
    #[napi]
    pub fn set_psk_identity_hint(&mut self, env: &Env, hint: String) -> Result<bool> {
        Ok(self.engine(env)?.set_psk_identity_hint(&hint))
    }
}
