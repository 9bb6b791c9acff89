//! tls-rs: Node's `tls` module over a vendored OpenSSL. This file is the module list and the one
//! registration hook; napi-rs registers each `#[napi]` item of js/ on the exports.
//!
//! Rooms: `conn/` the sans-I/O TLS connection (no N-API), `context/` the SSL_CTX and what hangs
//! off it (tickets, root store), `io/` the native transport on Node's loop, `x509` certificates
//! as Node's objects, `js/` every `#[napi]`
//! item, `ffi` every extern "C", `error` OpenSSL's error queue as Node reports it.

// Items only reached through napi registration look unused to `cargo test`.
#![cfg_attr(test, allow(dead_code))]

mod conn;
mod context;
mod error;
mod ffi;
mod host_openssl;
/// Fuzz bodies shared by `fuzz/` (feature "fuzzing") and the seeded `cargo test` run.
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod io;
mod js;
mod live_objects;
mod mem_bio;
#[cfg(test)]
mod vendored_openssl;
mod x509;

/// Registers what napi-rs's macros do not: the hot-path functions (js/hot_path.rs).
#[napi_derive::napi(module_exports)]
pub fn register(exports: napi::bindgen_prelude::Object, env: napi::Env) -> napi::Result<()> {
    js::hot_path::register(&exports, &env)
}
