//! Counts of live native objects, so tests can prove that sockets free their OpenSSL state
//! when they close (not only when GC runs) and that nothing leaks under churn.

use napi_derive::napi;
use std::sync::atomic::{AtomicI64, Ordering};

static ENGINES: AtomicI64 = AtomicI64::new(0);
static SESSION_HANDLES: AtomicI64 = AtomicI64::new(0);
static CONTEXTS: AtomicI64 = AtomicI64::new(0);

/// Which count a `Live` guard holds a unit of.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A `TlsEngine` (one SSL and its BIOs): freed by `destroy()` or with its handle.
    Engine,
    /// A `TlsSession` JS handle: freed by its finalizer (GC).
    SessionHandle,
    /// A `SecureContext` (one SSL_CTX as seen from JS): freed by its finalizer.
    Context,
}

fn counter(kind: Kind) -> &'static AtomicI64 {
    match kind {
        Kind::Engine => &ENGINES,
        Kind::SessionHandle => &SESSION_HANDLES,
        Kind::Context => &CONTEXTS,
    }
}

/// One unit of a live count: counted while this value exists.
pub struct Live(Kind);

impl Live {
    /// Counts one more object of `kind` until the returned guard is dropped.
    pub fn new(kind: Kind) -> Self {
        counter(kind).fetch_add(1, Ordering::Relaxed);
        Live(kind)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        counter(self.0).fetch_sub(1, Ordering::Relaxed);
    }
}

/// `liveObjects()`: how many native objects exist now.
#[napi(object)]
pub struct LiveObjects {
    /// TLS engines (SSL objects) not yet freed: one per open or not-yet-collected-and-undestroyed session.
    pub sessions: i64,
    /// TlsSession handles JS has not yet garbage-collected.
    pub session_handles: i64,
    /// SecureContext objects JS has not yet garbage-collected.
    pub contexts: i64,
}

/// The live counts of native sessions, session handles and contexts in this process.
#[napi]
pub fn live_objects() -> LiveObjects {
    LiveObjects {
        sessions: ENGINES.load(Ordering::Relaxed),
        session_handles: SESSION_HANDLES.load(Ordering::Relaxed),
        contexts: CONTEXTS.load(Ordering::Relaxed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_while_they_live() {
        let before = live_objects().contexts;
        let a = Live::new(Kind::Context);
        let b = Live::new(Kind::Context);
        assert!(live_objects().contexts >= before + 2);
        drop(a);
        drop(b);
    }
}
