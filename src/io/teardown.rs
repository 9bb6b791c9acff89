//! The end of a loop: when Node tears down the environment of a thread (a worker's exit, the
//! main thread's end), every libuv handle tls-rs opened on that thread's loop must be closed
//! and its close callback run before Node closes the loop (a worker's loop that closes with a
//! handle open aborts the process). Handles register here while open; `begin` closes them all
//! and calls `done` once the last close callback ran. From then on nothing calls into JS.
//!
//! Per thread: a thread runs one loop (Node's main thread, or one worker).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Closes one registered handle (the transport's or the pool mailbox's `close`).
pub type Close = Box<dyn FnOnce()>;

thread_local! {
    /// The open handles of this thread's loop, by an id the owner keeps.
    static OPEN: RefCell<HashMap<usize, Close>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<usize> = const { Cell::new(1) };
    /// Handles closed whose close callback has not run yet.
    static CLOSING: Cell<usize> = const { Cell::new(0) };
    /// Set by `begin`: the environment is going away.
    static ENDING: Cell<bool> = const { Cell::new(false) };
    /// What `begin` was given, called when CLOSING is back to 0.
    static DONE: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
}

/// Registers an open handle; `close` closes it (and later calls `closing_done`). Returns the id
/// to `unregister` with once the owner closed it itself.
pub fn register(close: Close) -> usize {
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    OPEN.with(|open| open.borrow_mut().insert(id, close));
    id
}

/// The handle `id` is closing (its owner called uv_close): no longer open, and one more close
/// callback to wait for.
pub fn unregister(id: usize) {
    OPEN.with(|open| open.borrow_mut().remove(&id));
    CLOSING.with(|n| n.set(n.get() + 1));
}

/// A close callback ran.
pub fn closing_done() {
    let left = CLOSING.with(|n| {
        n.set(n.get().saturating_sub(1));
        n.get()
    });
    if left == 0 && ENDING.with(|e| e.get()) {
        if let Some(done) = DONE.with(|d| d.borrow_mut().take()) {
            done();
        }
    }
}

/// Whether the environment is going away: JS must not be called any more.
pub fn ending() -> bool {
    ENDING.with(|e| e.get())
}

/// Closes every open handle of this thread's loop; `done` runs once their close callbacks have
/// (now, when there is nothing to wait for).
pub fn begin(done: Box<dyn FnOnce()>) {
    ENDING.with(|e| e.set(true));
    DONE.with(|d| *d.borrow_mut() = Some(done));
    // Each close unregisters itself; take them first so none runs with OPEN borrowed.
    let open: Vec<Close> = OPEN.with(|open| open.borrow_mut().drain().map(|(_, close)| close).collect());
    for close in open {
        close();
    }
    if CLOSING.with(|n| n.get()) == 0 {
        if let Some(done) = DONE.with(|d| d.borrow_mut().take()) {
            done();
        }
    }
}
