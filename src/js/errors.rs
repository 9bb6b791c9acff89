//! Every JS error the addon creates, shaped as Node's C++ creates it: OpenSSL failures as an
//! `Error` whose message is OpenSSL's text with `library`, `reason` and `code` (set in that
//! order, as Node sets them), ThrowCryptoError's `opensslErrorStack`, and Node's THROW_ERR_*
//! (an Error or TypeError with only a `code`). lib/ never rebuilds an error from fields.

use crate::error::OpenSslError;
use crate::ffi;
use napi::bindgen_prelude::*;
use napi::sys;
use openssl::error::ErrorStack;
use std::os::raw::{c_char, c_ulong};
use std::ptr;

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::from_status(napi::Status::from(status)))
    }
}

/// `new Error(message)` with no own property but `message` (napi-rs's own errors add a code).
fn plain_error<'e>(env: &'e Env, message: &str) -> Result<Object<'e>> {
    let text = env.create_string(message)?;
    let mut raw = ptr::null_mut();
    check(unsafe { sys::napi_create_error(env.raw(), ptr::null_mut(), text.raw(), &mut raw) })?;
    Ok(Object::from_raw(env.raw(), raw))
}

/// Throws `error` and returns the marker napi-rs uses for "an exception is already pending".
fn throw(env: &Env, error: Result<Object>) -> napi::Error {
    match error.and_then(|e| env.throw(e)) {
        Ok(()) => napi::Error::from_status(napi::Status::PendingException),
        Err(e) => e,
    }
}

/// The Error Node reports for a failed TLS step or OpenSSL call: OpenSSL's message, then
/// `library`, `reason` (when known) and `code`.
pub fn openssl_error<'e>(env: &'e Env, err: &OpenSslError) -> Result<Object<'e>> {
    let mut obj = plain_error(env, &err.message)?;
    if let Some(library) = &err.library {
        obj.set_named_property("library", library.as_str())?;
    }
    if let Some(reason) = &err.reason {
        obj.set_named_property("reason", reason.as_str())?;
    }
    obj.set_named_property("code", err.code.as_str())?;
    Ok(obj)
}

/// Throws `err` as `openssl_error` shapes it.
pub fn throw_error(env: &Env, err: &OpenSslError) -> napi::Error {
    throw(env, openssl_error(env, err))
}

/// Throws the first error of `stack` as `openssl_error` shapes it (`fallback` names the call
/// when the stack is empty).
pub fn throw_stack(env: &Env, stack: &ErrorStack, fallback: &str) -> napi::Error {
    let err = OpenSslError::from_stack(stack).unwrap_or_else(|| OpenSslError::plain(fallback, "ERR_OSSL_UNKNOWN"));
    throw_error(env, &err)
}

/// Node's THROW_ERR_*: `new Error(message)` with an own `code`.
pub fn throw_code(env: &Env, code: &str, message: &str) -> napi::Error {
    throw(env, plain_error(env, message).and_then(|mut e| e.set_named_property("code", code).map(|_| e)))
}

/// Node's THROW_ERR_* for type errors: `new TypeError(message)` with an own `code`.
pub fn throw_type_code(env: &Env, code: &str, message: &str) -> napi::Error {
    match env.throw_type_error(message, Some(code)) {
        Ok(()) => napi::Error::from_status(napi::Status::PendingException),
        Err(e) => e,
    }
}

/// `new TypeError(message)` without a code (Node's ThrowException(Exception::TypeError(...))).
pub fn throw_plain_type_error(env: &Env, message: &str) -> napi::Error {
    match env.throw_type_error(message, None) {
        Ok(()) => napi::Error::from_status(napi::Status::PendingException),
        Err(e) => e,
    }
}

/// Node's env->ThrowError: `new Error(message)` without a code.
pub fn throw_plain_error(env: &Env, message: &str) -> napi::Error {
    throw(env, plain_error(env, message))
}

/// OpenSSL's `error:XXXXXXXX:lib::reason` for `e`, cut to `max` bytes as Node's buffers cut it
/// (128 for a thrown message, 256 for `opensslErrorStack` entries).
fn error_string(e: c_ulong, max: usize) -> String {
    let mut buf = vec![0 as c_char; max];
    unsafe { ffi::ERR_error_string_n(e, buf.as_mut_ptr(), buf.len()) };
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// Node's ThrowCryptoError(env, err, message): an `Error` whose message is OpenSSL's string for
/// the first error of `stack` (or `message` when the stack is empty and a message is given), with
/// `opensslErrorStack` (the other errors, newest first) when there are any, then `library`,
/// `reason` and `code` of the first error. Clears OpenSSL's error queue.
pub fn throw_crypto(env: &Env, stack: &ErrorStack, message: Option<&str>) -> napi::Error {
    let codes: Vec<c_ulong> = stack.errors().iter().map(|e| e.code()).collect();
    let (first, rest) = codes.split_first().map(|(f, r)| (*f, r)).unwrap_or((0, &[]));
    let text = match message {
        Some(m) if first == 0 => m.to_string(),
        _ => error_string(first, 128),
    };
    let error = plain_error(env, &text).and_then(|mut obj| {
        if !rest.is_empty() {
            let others: Vec<String> = rest.iter().rev().map(|&e| error_string(e, 256)).collect();
            obj.set_named_property("opensslErrorStack", others)?;
        }
        if let Some(err) = OpenSslError::from_stack(stack).filter(|_| first != 0) {
            if let Some(library) = &err.library {
                obj.set_named_property("library", library.as_str())?;
            }
            if let Some(reason) = &err.reason {
                obj.set_named_property("reason", reason.as_str())?;
                obj.set_named_property("code", err.code.as_str())?;
            }
        }
        Ok(obj)
    });
    unsafe { openssl_sys::ERR_clear_error() };
    throw(env, error)
}

/// ThrowCryptoError with what the OpenSSL error queue holds.
pub fn throw_crypto_queue(env: &Env, message: Option<&str>) -> napi::Error {
    throw_crypto(env, &ErrorStack::get(), message)
}
