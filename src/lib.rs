//! tls-rs: Node's `tls` module over a vendored OpenSSL. This file only registers modules;
//! every `#[napi]` item registers itself.

mod ciphers;
mod context;
mod error;
mod ffi;
mod root_store;
mod session;
mod x509;
