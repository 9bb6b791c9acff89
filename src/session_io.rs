//! The per-record hot path of a TlsSession as plain N-API functions (`sessionReceive`,
//! `sessionReadCleartext`, `sessionEncrypt`, `sessionTakeCiphertext`).
//!
//! Why not class methods: napi-rs wraps every `&self` / `&mut self` method call in its
//! native-borrow bookkeeping (a global Mutex and HashMap per call), which measured ~40 % of the
//! addon's time in a 1 KiB echo. These functions unwrap the session themselves (one
//! `napi_unwrap` and a type-tag check) and read buffers with `napi_get_buffer_info`. Output goes
//! into caller-provided buffers at an offset, so lib/socket.js can hand out slices of pooled
//! slabs instead of allocating a Buffer per record or flush.
//!
//! Aliasing: JS is single threaded and none of these functions calls back into JS, and no
//! TlsSession method calls into user JS while it holds its borrow, so the `&mut TlsSession`
//! taken here is the only live reference for the duration of the call.

use crate::engine::{TlsEngine, READ_ERROR, STATUS_ERROR};
use crate::session::TlsSession;
use napi::bindgen_prelude::{sys, TypeTag};
use napi::bindgen_prelude::{JsValue, Object};
use napi::{Env, Result};
use napi_derive::napi;
use std::ffi::{c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// Registers the hot-path functions on the addon's exports.
#[napi(module_exports)]
pub fn register_session_io(exports: Object, env: Env) -> Result<()> {
    let raw_env = env.raw();
    let functions: [(&CStr, sys::napi_callback); 4] = [
        (c"sessionReceive", Some(session_receive)),
        (c"sessionReadCleartext", Some(session_read_cleartext)),
        (c"sessionEncrypt", Some(session_encrypt)),
        (c"sessionTakeCiphertext", Some(session_take_ciphertext)),
    ];
    for (name, callback) in functions {
        let mut function = ptr::null_mut();
        let status = unsafe {
            sys::napi_create_function(raw_env, name.as_ptr(), name.to_bytes().len() as isize, callback, ptr::null_mut(), &mut function)
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("napi_create_function failed"));
        }
        let status = unsafe { sys::napi_set_named_property(raw_env, exports.raw(), name.as_ptr(), function) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("napi_set_named_property failed"));
        }
    }
    Ok(())
}

/// The call's first `N` arguments (missing ones are `undefined`).
unsafe fn arguments<const N: usize>(env: sys::napi_env, info: sys::napi_callback_info) -> Option<[sys::napi_value; N]> {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    let status =
        unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) };
    (status == sys::Status::napi_ok).then_some(argv)
}

/// The TlsSession wrapped by `value`, checked by its napi-rs type tag.
unsafe fn session<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a mut TlsSession> {
    let mut matches = false;
    let tag = <TlsSession as TypeTag>::type_tag();
    if unsafe { sys::napi_check_object_type_tag(env, value, &tag, &mut matches) } != sys::Status::napi_ok || !matches {
        return None;
    }
    let mut raw = ptr::null_mut();
    if unsafe { sys::napi_unwrap(env, value, &mut raw) } != sys::Status::napi_ok || raw.is_null() {
        return None;
    }
    // napi-rs wraps a `Box<TlsSession>` pointer; the tag check above proved the class.
    Some(unsafe { &mut *(raw as *mut TlsSession) })
}

/// The bytes of a Buffer / Uint8Array argument.
unsafe fn bytes<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a mut [u8]> {
    let mut data: *mut c_void = ptr::null_mut();
    let mut len = 0usize;
    if unsafe { sys::napi_get_buffer_info(env, value, &mut data, &mut len) } != sys::Status::napi_ok {
        return None;
    }
    if len == 0 || data.is_null() {
        return Some(&mut []);
    }
    Some(unsafe { std::slice::from_raw_parts_mut(data as *mut u8, len) })
}

/// A non-negative integer argument (an offset), or None.
unsafe fn offset(env: sys::napi_env, value: sys::napi_value) -> Option<usize> {
    let mut n = 0u32;
    (unsafe { sys::napi_get_value_uint32(env, value, &mut n) } == sys::Status::napi_ok).then_some(n as usize)
}

unsafe fn number(env: sys::napi_env, n: f64) -> sys::napi_value {
    let mut out = ptr::null_mut();
    unsafe { sys::napi_create_double(env, n, &mut out) };
    out
}

/// Runs `body` with a panic turned into a thrown Error, and bad arguments into a TypeError.
unsafe fn guarded(env: sys::napi_env, body: impl FnOnce() -> Option<f64>) -> sys::napi_value {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Some(n)) => unsafe { number(env, n) },
        Ok(None) => {
            unsafe { sys::napi_throw_type_error(env, ptr::null(), c"tls-rs: invalid session I/O arguments".as_ptr()) };
            ptr::null_mut()
        }
        Err(_) => {
            unsafe { sys::napi_throw_error(env, ptr::null(), c"tls-rs: internal error in session I/O".as_ptr()) };
            ptr::null_mut()
        }
    }
}

fn engine(session: &mut TlsSession) -> Option<&mut TlsEngine> {
    session.engine.as_mut()
}

/// `sessionReceive(session, ciphertext)`: TlsSession#receive — status bits.
unsafe extern "C" fn session_receive(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        guarded(env, || {
            let [s, input] = arguments::<2>(env, info)?;
            let (session, input) = (session(env, s)?, bytes(env, input)?);
            Some(engine(session).map_or(STATUS_ERROR, |e| e.receive(input)) as f64)
        })
    }
}

/// `sessionReadCleartext(session, out, offset)`: TlsSession#readCleartext into `out[offset..]`.
unsafe extern "C" fn session_read_cleartext(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        guarded(env, || {
            let [s, out, at] = arguments::<3>(env, info)?;
            let (session, out, at) = (session(env, s)?, bytes(env, out)?, offset(env, at)?);
            let out = out.get_mut(at..)?;
            Some(engine(session).map_or(READ_ERROR, |e| e.read_cleartext(out)) as f64)
        })
    }
}

/// `sessionEncrypt(session, cleartext)`: TlsSession#encrypt — ciphertext bytes waiting, or -2.
unsafe extern "C" fn session_encrypt(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        guarded(env, || {
            let [s, input] = arguments::<2>(env, info)?;
            let (session, input) = (session(env, s)?, bytes(env, input)?);
            Some(engine(session).map_or(READ_ERROR as i64, |e| e.encrypt(input)) as f64)
        })
    }
}

/// `sessionTakeCiphertext(session, out, offset)`: moves all waiting ciphertext into
/// `out[offset..]` and returns its length; when it does not fit, moves nothing and returns
/// minus the length waiting (the caller then uses `readCiphertext` with a buffer that size).
unsafe extern "C" fn session_take_ciphertext(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        guarded(env, || {
            let [s, out, at] = arguments::<3>(env, info)?;
            let (session, out, at) = (session(env, s)?, bytes(env, out)?, offset(env, at)?);
            let out = out.get_mut(at..)?;
            let Some(engine) = engine(session) else { return Some(0.0) };
            let waiting = engine.pending_ciphertext();
            if waiting > out.len() {
                return Some(-(waiting as f64));
            }
            Some(engine.read_ciphertext(&mut out[..waiting]) as f64)
        })
    }
}
