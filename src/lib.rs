//! tls-rs: Node's `tls` module over a vendored OpenSSL. This file only registers modules;
//! every `#[napi]` item registers itself.

// Items only reached through napi registration look unused to `cargo test`.
#![cfg_attr(test, allow(dead_code))]

mod ciphers;
mod client_hello;
mod context;
mod engine;
mod error;
mod ffi;
/// Fuzz bodies shared by `fuzz/` (feature "fuzzing") and the seeded `cargo test` run.
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod live_objects;
mod root_store;
mod session;
mod session_ext;
mod session_io;
mod tickets;
mod x509;
