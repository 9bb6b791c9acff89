//! JS values as Node's C++ reads them: strings as UTF-8, ArrayBufferViews as their bytes.

use napi::bindgen_prelude::*;
use napi::{sys as napi_sys, JsValue};
use std::os::raw::{c_char, c_void};
use std::ptr;

/// A JS string's UTF-8 (lone surrogates become U+FFFD).
pub fn js_string(env: &Env, value: &Unknown) -> Result<String> {
    let raw_env = env.raw();
    let raw = value.value().value;
    let mut len = 0usize;
    check(unsafe { napi_sys::napi_get_value_string_utf8(raw_env, raw, ptr::null_mut(), 0, &mut len) })?;
    let mut buf = vec![0u8; len + 1];
    let mut written = 0usize;
    check(unsafe { napi_sys::napi_get_value_string_utf8(raw_env, raw, buf.as_mut_ptr() as *mut c_char, buf.len(), &mut written) })?;
    buf.truncate(written);
    Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

fn check(status: napi_sys::napi_status) -> Result<()> {
    if status == napi_sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(Status::from(status), "N-API call failed"))
    }
}

/// Node's LoadBIO: the UTF-8 of a string, or the bytes of an ArrayBufferView; None otherwise.
pub fn view_bytes(env: &Env, value: &Unknown) -> Result<Option<Vec<u8>>> {
    if value.get_type()? == ValueType::String {
        return Ok(Some(js_string(env, value)?.into_bytes()));
    }
    buffer_view_bytes(env, value)
}

/// The bytes of a TypedArray / Buffer / DataView; None for anything else.
pub fn buffer_view_bytes(env: &Env, value: &Unknown) -> Result<Option<Vec<u8>>> {
    let raw_env = env.raw();
    let raw = value.value().value;
    let mut is = false;
    check(unsafe { napi_sys::napi_is_typedarray(raw_env, raw, &mut is) })?;
    if is {
        let mut kind = 0;
        let mut length = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut offset = 0usize;
        check(unsafe { napi_sys::napi_get_typedarray_info(raw_env, raw, &mut kind, &mut length, &mut data, &mut ab, &mut offset) })?;
        let element = match kind {
            0..=2 => 1,  // Int8, Uint8, Uint8Clamped
            3 | 4 => 2,  // Int16, Uint16
            5..=7 => 4,  // Int32, Uint32, Float32
            8..=10 => 8, // Float64, BigInt64, BigUint64
            11 => 2,     // Float16
            _ => 1,
        };
        let bytes = length * element;
        return Ok(Some(if bytes == 0 || data.is_null() {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(data as *const u8, bytes) }.to_vec()
        }));
    }
    check(unsafe { napi_sys::napi_is_dataview(raw_env, raw, &mut is) })?;
    if is {
        let mut length = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut offset = 0usize;
        check(unsafe { napi_sys::napi_get_dataview_info(raw_env, raw, &mut length, &mut data, &mut ab, &mut offset) })?;
        return Ok(Some(if length == 0 || data.is_null() {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(data as *const u8, length) }.to_vec()
        }));
    }
    Ok(None)
}

