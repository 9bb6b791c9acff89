//! The handshake pool: worker threads that run a connection's CPU-heavy handshake steps (key
//! exchange, signing, chain verification) off the JS thread. A connection moves to a worker with
//! its input and comes back with its status, so no two threads ever touch it; results are
//! applied on the loop's thread, in the order each connection sent them.
//!
//! The workers are the process's, shared by every loop (Node's main thread and each
//! worker_threads Worker). Each loop has its own `Mailbox`: a job carries the mailbox of the loop
//! that sent it, the worker puts the job's token there and wakes that loop with the mailbox's
//! `uv_async_t` (libuv coalesces wake-ups: one wake may carry many results). A JS call that
//! needs a connection while it is away waits for its slot (`Slot::wait`), which is what the step
//! would have cost had it run inline.

use super::teardown;
use super::uv::{self, uv_handle_t, Uv};
use crate::conn::{Connection, Status};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// A connection on its way to or from a worker.
pub struct Traveling(pub Connection);
// SAFETY: a Connection is one SSL, its two BIOs and its ex_data, reached only through this
// value; it moves whole and one thread at a time uses it. Connections whose callbacks call
// into JS (PSK) are never sent (`Connection::may_travel`).
unsafe impl Send for Traveling {}

/// Where a job's result waits: the connection back and its status.
#[derive(Default)]
pub struct Slot {
    result: Mutex<Option<(Traveling, Status)>>,
    ready: Condvar,
}

impl Slot {
    /// A worker's step is done: the connection and the status it left.
    pub(crate) fn fill(&self, connection: Traveling, status: Status) {
        let mut result = self.result.lock().unwrap_or_else(|e| e.into_inner());
        *result = Some((connection, status));
        self.ready.notify_all();
    }

    /// Blocks until the job is done and takes its result. Only for a slot whose result nobody
    /// took yet (the caller knows the connection is still away): a worker always fills it.
    pub fn wait(&self) -> (Connection, Status) {
        let mut result = self.result.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some((connection, status)) = result.take() {
                return (connection.0, status);
            }
            result = self.ready.wait(result).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The result, if the job is done (None while it runs or once taken).
    pub fn try_take(&self) -> Option<(Connection, Status)> {
        let mut result = self.result.lock().unwrap_or_else(|e| e.into_inner());
        result.take().map(|(c, s)| (c.0, s))
    }
}

/// One handshake step for a worker: feed `input` to the connection.
pub struct Job {
    pub connection: Traveling,
    pub input: Vec<u8>,
    pub slot: Arc<Slot>,
    /// Who to tell on the loop's thread (an opaque token the caller decodes there).
    pub token: usize,
    /// The sending loop's mailbox (set by `Mailbox::submit`).
    mailbox: Option<Arc<Mailbox>>,
}

impl Job {
    pub fn new(connection: Traveling, input: Vec<u8>, slot: Arc<Slot>, token: usize) -> Job {
        Job { connection, input, slot, token, mailbox: None }
    }
}

/// What the loop thread runs for each finished job (a token from `Job::token`).
pub type Finished = fn(usize);

/// What the loop thread runs, as its loop ends, for each job whose result came too late to be
/// applied: the token's owner lets go of what it handed over.
pub type Discarded = fn(usize);

/// The process's workers and their queue of jobs, from every loop.
struct Workers {
    jobs: Mutex<VecDeque<Job>>,
    work: Condvar,
}

static WORKERS: OnceLock<Option<Arc<Workers>>> = OnceLock::new();

/// The number of workers: `TLS_RS_HANDSHAKE_THREADS`, else the machine's cores; 0 turns the pool
/// off (every step runs inline).
pub fn configured_workers() -> usize {
    match std::env::var("TLS_RS_HANDSHAKE_THREADS").ok().and_then(|v| v.trim().parse().ok()) {
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn workers() -> Option<&'static Arc<Workers>> {
    WORKERS
        .get_or_init(|| {
            let count = configured_workers();
            if count == 0 {
                return None;
            }
            let workers = Arc::new(Workers { jobs: Mutex::new(VecDeque::new()), work: Condvar::new() });
            for i in 0..count {
                let workers = workers.clone();
                std::thread::Builder::new()
                    .name(format!("tls-rs handshake {i}"))
                    .spawn(move || work(workers))
                    .ok()?;
            }
            Some(workers)
        })
        .as_ref()
}

/// Where a loop's finished jobs wait for it, and the handle that wakes it.
pub struct Mailbox {
    state: Mutex<MailboxState>,
    /// Signalled for each token posted once the loop is ending (`close_mailbox` waits on it).
    posted: Condvar,
    uv: &'static Uv,
    finished: Finished,
    discarded: Discarded,
    /// Jobs submitted whose results the loop has not handled yet (loop thread only).
    in_flight: AtomicUsize,
    workers: &'static Arc<Workers>,
}

struct MailboxState {
    tokens: Vec<usize>,
    /// The loop's uv_async_t; null once closed (the loop is ending): results then stay.
    wake: *mut uv_handle_t,
}
// SAFETY: `wake` is a uv_async_t, which libuv allows any thread to signal (uv_async_send); it is
// only signalled under the lock, and closed (set null) under it before uv_close.
unsafe impl Send for MailboxState {}

thread_local! {
    /// This thread's loop's mailbox, once a step was offloaded from it.
    static MAILBOX: RefCell<Option<Arc<Mailbox>>> = const { RefCell::new(None) };
}

/// The pool as seen from the loop `loop_` of the calling thread, started on first use; None when
/// it is off, cannot start, or the loop is ending. Each job's token comes back to `finished`, or
/// to `discarded` when the loop ended first.
pub fn pool(loop_: *mut c_void, finished: Finished, discarded: Discarded) -> Option<Arc<Mailbox>> {
    if teardown::ending() {
        return None;
    }
    if let Some(mailbox) = MAILBOX.with(|m| m.borrow().clone()) {
        return Some(mailbox);
    }
    let mailbox = Mailbox::open(loop_, finished, discarded)?;
    MAILBOX.with(|m| *m.borrow_mut() = Some(mailbox.clone()));
    Some(mailbox)
}

impl Mailbox {
    fn open(loop_: *mut c_void, finished: Finished, discarded: Discarded) -> Option<Arc<Mailbox>> {
        let uv = uv::uv()?;
        let workers = workers()?;
        let wake = uv::alloc_raw(unsafe { (uv.handle_size)(uv::UV_ASYNC) });
        if wake.is_null() {
            return None;
        }
        if unsafe { (uv.async_init)(loop_, wake, on_wake) } != 0 {
            unsafe { uv::free_raw(wake) };
            return None;
        }
        // An idle pool does not keep the loop alive; one with a step away does (submit).
        unsafe { (uv.unref)(wake) };
        let state = Mutex::new(MailboxState { tokens: Vec::new(), wake });
        let mailbox = Arc::new(Mailbox {
            state,
            posted: Condvar::new(),
            uv,
            finished,
            discarded,
            in_flight: AtomicUsize::new(0),
            workers,
        });
        let id = teardown::register(Box::new(close_mailbox));
        MAILBOX_ID.with(|m| m.set(id));
        Some(mailbox)
    }

    /// Queues `job` for a worker. On the loop's thread. While a step is away the loop stays
    /// alive, as it would for the socket's read had the step run inline: a connection the
    /// server still waits for (server.close()) is not cut off by the process exiting.
    pub fn submit(self: &Arc<Self>, mut job: Job) {
        if self.in_flight.fetch_add(1, Ordering::Relaxed) == 0 {
            let wake = self.state.lock().unwrap_or_else(|e| e.into_inner()).wake;
            if !wake.is_null() {
                unsafe { (self.uv.ref_)(wake) };
            }
        }
        job.mailbox = Some(self.clone());
        self.workers.jobs.lock().unwrap_or_else(|e| e.into_inner()).push_back(job);
        // Woken after the lock is released: a woken worker that preempted this thread (the two
        // may share a CPU) would otherwise find the queue locked and hand the CPU back.
        self.workers.work.notify_one();
    }

    // On a worker: a job's result is in its slot; tell the loop.
    fn post(&self, token: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.tokens.push(token);
        if state.wake.is_null() {
            // The loop is ending: `close_mailbox` waits for this token to discard it.
            self.posted.notify_one();
            return;
        }
        // Only the first token signals: the loop was told of the others' batch and takes all
        // tokens at once, so later ones need no eventfd write (nor a chance to preempt here).
        if state.tokens.len() == 1 {
            unsafe { (self.uv.async_send)(state.wake) };
        }
    }

    // On the loop's thread: `n` results handled; the last one lets the loop go again.
    fn handled(&self, n: usize, wake: *mut uv_handle_t) {
        if n > 0 && self.in_flight.fetch_sub(n, Ordering::Relaxed) == n {
            unsafe { (self.uv.unref)(wake) };
        }
    }
}

thread_local! {
    /// The mailbox's registration with teardown (its uv_async_t is open while set).
    static MAILBOX_ID: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Closes this thread's mailbox (its loop is ending). The jobs still out are waited for (what
/// they would have cost inline) and their tokens discarded: each holds its connection, which
/// would otherwise never be freed — a worker must not free it, nor can the loop apply it now.
fn close_mailbox() {
    let Some(mailbox) = MAILBOX.with(|m| m.borrow().clone()) else { return };
    let mut state = mailbox.state.lock().unwrap_or_else(|e| e.into_inner());
    let wake = std::mem::replace(&mut state.wake, std::ptr::null_mut());
    if wake.is_null() {
        return;
    }
    let mut out = mailbox.in_flight.swap(0, Ordering::Relaxed);
    let mut late = Vec::new();
    loop {
        out = out.saturating_sub(state.tokens.len());
        late.append(&mut state.tokens);
        if out == 0 {
            break;
        }
        state = mailbox.posted.wait(state).unwrap_or_else(|e| e.into_inner());
    }
    drop(state);
    for token in late {
        let _ = std::panic::catch_unwind(|| (mailbox.discarded)(token));
    }
    teardown::unregister(MAILBOX_ID.with(|m| m.replace(0)));
    unsafe { (mailbox.uv.close)(wake, on_mailbox_closed) };
}

unsafe extern "C" fn on_mailbox_closed(handle: *mut uv_handle_t) {
    uv::free_raw(handle);
    teardown::closing_done();
}

/// A worker: runs jobs until the process ends.
fn work(workers: Arc<Workers>) {
    loop {
        let job = {
            let mut jobs = workers.jobs.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = workers.work.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        };
        let Job { mut connection, input, slot, token, mailbox } = job;
        // A panic in OpenSSL's callbacks must not take the worker (or the process) down: the
        // connection then fails on the loop's thread.
        let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let status = connection.0.receive(&input);
            connection.0.discard_errors();
            crate::live_objects::count_offloaded_step();
            status
        }))
        .unwrap_or(Status::Failed);
        slot.fill(connection, status);
        // Before posting: once posted, the loop may free what holds the slot, and the last
        // reference must not be this thread's (it would free the connection here).
        drop(slot);
        if let Some(mailbox) = mailbox {
            mailbox.post(token);
        }
    }
}

/// On the loop's thread: every finished job's token goes to the mailbox's `finished`.
unsafe extern "C" fn on_wake(handle: *mut uv_handle_t) {
    let Some(mailbox) = MAILBOX.with(|m| m.borrow().clone()) else { return };
    let done = std::mem::take(&mut mailbox.state.lock().unwrap_or_else(|e| e.into_inner()).tokens);
    mailbox.handled(done.len(), handle);
    for token in done {
        let _ = std::panic::catch_unwind(|| (mailbox.finished)(token));
    }
}
