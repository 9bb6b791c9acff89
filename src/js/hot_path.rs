//! The per-record path of a `TlsConnection` and a `TlsTransport` as plain N-API functions, one
//! call per batch of bytes: `connectionReceive`, `connectionReadCleartext`, `connectionEncrypt`,
//! `connectionTakeCiphertext` (the memory-BIO path), `transportWrite`, `transportPump`,
//! `transportFlush` (the native transport). Output goes into buffers the caller owns, at an offset, so
//! lib/socket.js hands out slices of pooled slabs instead of allocating per record.
//!
//! Why not class methods: napi-rs wraps every class method call in its own bookkeeping, which
//! measured ~40 % of the addon's time in a 1 KiB echo. These functions unwrap the connection
//! themselves (one `napi_unwrap` after a type-tag check) and check every argument's type before
//! reading it: a wrong argument is a TypeError, never a crash.

use super::connection::{unavailable, TlsConnection};
use super::transport::TlsTransport;
use crate::conn::cell::Unavailable;
use super::status::Status;
use crate::conn::{self, Connection};
use napi::bindgen_prelude::{sys, Object, TypeTag};
use napi::{Env, JsValue, Result};
use std::ffi::{c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The most cleartext one TLS record carries: a read needs this much room.
const MAX_RECORD: usize = 16 * 1024;

/// Puts the functions on the addon's exports (called from lib.rs).
pub fn register(exports: &Object, env: &Env) -> Result<()> {
    let raw_env = env.raw();
    let functions: [(&CStr, sys::napi_callback); 7] = [
        (c"connectionReceive", Some(connection_receive)),
        (c"connectionReadCleartext", Some(connection_read_cleartext)),
        (c"connectionEncrypt", Some(connection_encrypt)),
        (c"connectionTakeCiphertext", Some(connection_take_ciphertext)),
        (c"transportWrite", Some(transport_write)),
        (c"transportPump", Some(transport_pump)),
        (c"transportFlush", Some(transport_flush)),
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

/// Why a call did not run.
enum Refused {
    /// An argument has the wrong type (a TypeError).
    BadArguments,
    /// The connection is destroyed or busy.
    Unavailable(Unavailable),
}

/// The call's first `N` arguments (missing ones are `undefined`).
unsafe fn arguments<const N: usize>(env: sys::napi_env, info: sys::napi_callback_info) -> Option<[sys::napi_value; N]> {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    let status = unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) };
    (status == sys::Status::napi_ok).then_some(argv)
}

/// The TlsConnection wrapped by `value`, checked by its napi-rs type tag.
unsafe fn connection<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a TlsConnection> {
    unsafe { unwrap_tagged::<TlsConnection>(env, value) }
}

/// The `T` (a #[napi] class) wrapped by `value`, checked by its napi-rs type tag. Only shared
/// references are made.
unsafe fn unwrap_tagged<'a, T: TypeTag>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a T> {
    let mut matches = false;
    let tag = <T as TypeTag>::type_tag();
    if unsafe { sys::napi_check_object_type_tag(env, value, &tag, &mut matches) } != sys::Status::napi_ok || !matches {
        return None;
    }
    let mut raw = ptr::null_mut();
    if unsafe { sys::napi_unwrap(env, value, &mut raw) } != sys::Status::napi_ok || raw.is_null() {
        return None;
    }
    // napi-rs wraps a `Box<T>`; the tag check above proved the class.
    Some(unsafe { &*(raw as *const T) })
}

/// The elements of a typed array argument of the `expected` kind, or None for anything else.
unsafe fn typed_array<'a, T>(env: sys::napi_env, value: sys::napi_value, expected: sys::napi_typedarray_type) -> Option<&'a mut [T]> {
    let mut is_typed_array = false;
    if unsafe { sys::napi_is_typedarray(env, value, &mut is_typed_array) } != sys::Status::napi_ok || !is_typed_array {
        return None;
    }
    let mut kind = 0;
    let mut len = 0usize;
    let mut data: *mut c_void = ptr::null_mut();
    let status = unsafe { sys::napi_get_typedarray_info(env, value, &mut kind, &mut len, &mut data, ptr::null_mut(), ptr::null_mut()) };
    if status != sys::Status::napi_ok || kind != expected {
        return None;
    }
    if len == 0 || data.is_null() {
        return Some(&mut []);
    }
    Some(unsafe { std::slice::from_raw_parts_mut(data as *mut T, len) })
}

/// The bytes of a Buffer / Uint8Array argument.
unsafe fn bytes<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a mut [u8]> {
    unsafe { typed_array(env, value, sys::TypedarrayType::uint8_array) }
}

/// A non-negative integer argument (an offset).
unsafe fn offset(env: sys::napi_env, value: sys::napi_value) -> Option<usize> {
    let mut kind = 0;
    if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok || kind != sys::ValueType::napi_number {
        return None;
    }
    let mut n = 0u32;
    (unsafe { sys::napi_get_value_uint32(env, value, &mut n) } == sys::Status::napi_ok).then_some(n as usize)
}

/// Runs `body` on the connection in the first argument and returns its number; a destroyed
/// connection answers `gone` (what the call answers for a failed one). A bad argument throws a
/// TypeError, a busy connection ERR_TLS_RS_CONNECTION_BUSY, a panic a plain Error.
unsafe fn run<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    gone: f64,
    body: impl FnOnce(&mut Connection, [sys::napi_value; N]) -> Option<f64>,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let args = unsafe { arguments::<N>(env, info) }.ok_or(Refused::BadArguments)?;
        let tls = unsafe { connection(env, args[0]) }.ok_or(Refused::BadArguments)?;
        match tls.try_with(|c| body(c, args)) {
            Ok(result) => result.ok_or(Refused::BadArguments),
            Err(Unavailable::Destroyed) => Ok(gone),
            Err(why) => Err(Refused::Unavailable(why)),
        }
    }));
    let env_ref = Env::from_raw(env);
    match outcome {
        Ok(Ok(n)) => {
            let mut out = ptr::null_mut();
            unsafe { sys::napi_create_double(env, n, &mut out) };
            out
        }
        Ok(Err(Refused::BadArguments)) => {
            unsafe { sys::napi_throw_type_error(env, ptr::null(), c"tls-rs: invalid connection I/O arguments".as_ptr()) };
            ptr::null_mut()
        }
        Ok(Err(Refused::Unavailable(why))) => {
            let _ = unavailable(&env_ref, why);
            ptr::null_mut()
        }
        Err(_) => {
            unsafe { sys::napi_throw_error(env, ptr::null(), c"tls-rs: internal error in connection I/O".as_ptr()) };
            ptr::null_mut()
        }
    }
}

/// `connectionReceive(connection, ciphertext)`: feeds the peer's bytes; returns the `Status`.
unsafe extern "C" fn connection_receive(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run::<2>(env, info, Status::Failed as i32 as f64, |c, [_, input]| {
            let input = bytes(env, input)?;
            Some(Status::from(c.receive(input)) as i32 as f64)
        })
    }
}

/// `connectionReadCleartext(connection, out, offset, lengths)`: decrypts records into
/// `out[offset..]`, one after the other, while each has 16 KiB of room and `lengths` (a
/// Uint32Array) has a slot for its length. Returns n ≥ 0 when it wrote n records and the
/// connection needs more input; otherwise -(n + 1) for n records written, and the caller must
/// look at `status()` before reading on (`Ready` then means the output was full).
unsafe extern "C" fn connection_read_cleartext(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run::<4>(env, info, -1.0, |c, [_, out, at, lengths]| {
            let out = bytes(env, out)?.get_mut(offset(env, at)?..)?;
            let lengths: &mut [u32] = typed_array(env, lengths, sys::TypedarrayType::uint32_array)?;
            let (mut records, mut used) = (0usize, 0usize);
            while records < lengths.len() && out.len() - used >= MAX_RECORD {
                match c.read_cleartext(&mut out[used..]) {
                    Some(n) => {
                        lengths[records] = n as u32;
                        records += 1;
                        used += n;
                    }
                    None if c.status() == conn::Status::Ready => return Some(records as f64),
                    None => break,
                }
            }
            Some(-(records as f64) - 1.0)
        })
    }
}

/// `connectionEncrypt(connection, cleartext, out, offset)`: encrypts all of `cleartext` and moves
/// the ciphertext waiting into `out[offset..]`. Returns the bytes moved; when they do not fit,
/// moves nothing and returns minus the bytes waiting (take them with `takeCiphertext` and a
/// buffer that large). 0 also when the connection failed: `status()` is then `Failed`.
unsafe extern "C" fn connection_encrypt(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run::<4>(env, info, 0.0, |c, [_, input, out, at]| {
            let input = bytes(env, input)?;
            let out = bytes(env, out)?.get_mut(offset(env, at)?..)?;
            let Some(waiting) = c.encrypt(input) else { return Some(0.0) };
            Some(take_into(c, waiting, out))
        })
    }
}

/// `connectionTakeCiphertext(connection, out, offset)`: moves all waiting ciphertext into
/// `out[offset..]` and returns its length; when it does not fit, moves nothing and returns
/// minus the length waiting.
unsafe extern "C" fn connection_take_ciphertext(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run::<3>(env, info, 0.0, |c, [_, out, at]| {
            let out = bytes(env, out)?.get_mut(offset(env, at)?..)?;
            let waiting = c.pending_ciphertext();
            Some(take_into(c, waiting, out))
        })
    }
}

/// All `waiting` ciphertext into `out` (its length), or -waiting when it does not fit.
fn take_into(c: &mut Connection, waiting: usize, out: &mut [u8]) -> f64 {
    if waiting > out.len() {
        return -(waiting as f64);
    }
    c.take_ciphertext(&mut out[..waiting]) as f64
}

/// Runs `body` on the transport in the first argument (a JS call into it) and returns its number.
unsafe fn run_transport<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(&TlsTransport, [sys::napi_value; N]) -> Option<f64>,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let args = unsafe { arguments::<N>(env, info) }?;
        let transport = unsafe { unwrap_tagged::<TlsTransport>(env, args[0]) }?;
        body(transport, args)
    }));
    match outcome {
        Ok(Some(n)) => {
            let mut out = ptr::null_mut();
            unsafe { sys::napi_create_double(env, n, &mut out) };
            out
        }
        Ok(None) => {
            unsafe { sys::napi_throw_type_error(env, ptr::null(), c"tls-rs: invalid transport arguments".as_ptr()) };
            ptr::null_mut()
        }
        Err(_) => {
            unsafe { sys::napi_throw_error(env, ptr::null(), c"tls-rs: internal error in the transport".as_ptr()) };
            ptr::null_mut()
        }
    }
}

/// A non-negative integer argument that fits a u32 (a write id).
unsafe fn id(env: sys::napi_env, value: sys::napi_value) -> Option<u32> {
    unsafe { offset(env, value) }.map(|n| n as u32)
}

/// `transportWrite(transport, cleartext, id)`: TlsTransport#write — 1 sent now, 0 `Done(id)`
/// follows, -1 the connection failed.
unsafe extern "C" fn transport_write(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run_transport::<3>(env, info, |t, [_, data, write_id]| {
            let (data, write_id) = (bytes(env, data)?, id(env, write_id)?);
            Some(t.write(data, write_id) as f64)
        })
    }
}

/// `transportPump(transport)`: TlsTransport#pump.
unsafe extern "C" fn transport_pump(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        run_transport::<1>(env, info, |t, _| {
            t.pump();
            Some(0.0)
        })
    }
}

/// `transportFlush(transport, id)`: TlsTransport#flush — 1 when everything went out now.
unsafe extern "C" fn transport_flush(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe { run_transport::<2>(env, info, |t, [_, flush_id]| Some(t.flush(id(env, flush_id)?) as u8 as f64)) }
}
