//! Whether tls-rs answers in OpenSSL 3.0's words. Node 18/20 bundle OpenSSL 3.0, whose error
//! reasons, error-queue order and a few answers differ from OpenSSL 3.6's (tls-rs's own); Node
//! 22/24 bundle 3.5, which answers as 3.6 does. lib/binding.js sets this once, at load, from the
//! running Node's `process.versions.openssl`; until then (the raw binding, `cargo test`) the
//! answers are 3.0's.

use std::sync::atomic::{AtomicBool, Ordering};

static OPENSSL_30: AtomicBool = AtomicBool::new(true);

/// Whether the running Node's OpenSSL is older than 3.2, so 3.6's answers are put in 3.0's words.
pub fn answers_as_openssl_30() -> bool {
    OPENSSL_30.load(Ordering::Relaxed)
}

/// Sets what `answers_as_openssl_30` reports (lib/binding.js, once at load).
pub fn set_answers_as_openssl_30(on: bool) {
    OPENSSL_30.store(on, Ordering::Relaxed);
}
