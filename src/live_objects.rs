//! Counts of live native objects, so tests can prove that sockets free their OpenSSL state
//! when they close (not only when GC runs) and that nothing leaks under churn.

use std::sync::atomic::{AtomicI64, Ordering};

static ENGINES: AtomicI64 = AtomicI64::new(0);
static SESSION_HANDLES: AtomicI64 = AtomicI64::new(0);
static CONTEXTS: AtomicI64 = AtomicI64::new(0);
static SOCKETS: AtomicI64 = AtomicI64::new(0);
static OFFLOADED_STEPS: AtomicI64 = AtomicI64::new(0);

/// Which count a `Live` guard holds a unit of.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A `Connection` (one SSL and its BIOs): freed by `destroy()` or with its handle.
    Connection,
    /// A `TlsSession` JS handle: freed by its finalizer (GC).
    SessionHandle,
    /// A `SecureContext` (one SSL_CTX as seen from JS): freed by its finalizer.
    Context,
    /// A socket a native transport owns: from taking it over until libuv closed it.
    Socket,
}

fn counter(kind: Kind) -> &'static AtomicI64 {
    match kind {
        Kind::Connection => &ENGINES,
        Kind::SessionHandle => &SESSION_HANDLES,
        Kind::Context => &CONTEXTS,
        Kind::Socket => &SOCKETS,
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

/// How many native objects exist now: (connections, connection handles, contexts, sockets).
pub fn counts() -> (i64, i64, i64, i64) {
    let load = |c: &AtomicI64| c.load(Ordering::Relaxed);
    (load(&ENGINES), load(&SESSION_HANDLES), load(&CONTEXTS), load(&SOCKETS))
}

/// Counts one handshake step run on the pool (io/pool.rs).
pub fn count_offloaded_step() {
    OFFLOADED_STEPS.fetch_add(1, Ordering::Relaxed);
}

/// The handshake steps run on the pool so far.
pub fn offloaded_steps() -> i64 {
    OFFLOADED_STEPS.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_while_they_live() {
        let before = counts().2;
        let a = Live::new(Kind::Context);
        let b = Live::new(Kind::Context);
        assert!(counts().2 >= before + 2);
        drop(a);
        drop(b);
    }
}
