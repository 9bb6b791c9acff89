//! The handshake pool: worker threads that run a connection's CPU-heavy handshake steps (key
//! exchange, signing, chain verification) off the JS thread. A connection moves to a worker with
//! its input and comes back with its status, so no two threads ever touch it; results are
//! applied on the loop's thread, in the order each connection sent them.
//!
//! `Job`s go to the workers through a queue; each finished job is put in its `Slot` and the loop
//! is woken with one `uv_async_t` (libuv coalesces wake-ups: one wake may carry many results).
//! A JS call that needs a connection while it is away waits for its slot (`Slot::wait`), which
//! is what the step would have cost had it run inline.

use super::uv::{self, uv_handle_t, Uv};
use crate::conn::{Connection, Status};
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
    fn fill(&self, connection: Traveling, status: Status) {
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
}

/// What the loop thread runs for each finished job (a token from `Job::token`).
pub type Finished = fn(usize);

struct Queues {
    jobs: Mutex<VecDeque<Job>>,
    work: Condvar,
    done: Mutex<Vec<usize>>,
}

/// The process's pool (one per loop: Node's main thread).
pub struct Pool {
    queues: Arc<Queues>,
    wake: *mut uv_handle_t,
    uv: &'static Uv,
    finished: Finished,
    /// Jobs submitted whose results the loop has not handled yet (loop thread only).
    in_flight: AtomicUsize,
}
// SAFETY: `wake` is a uv_async_t, which libuv allows any thread to signal (uv_async_send);
// everything else is shared through `Arc<Queues>`.
unsafe impl Send for Pool {}
unsafe impl Sync for Pool {}

static POOL: OnceLock<Option<Pool>> = OnceLock::new();

/// The number of workers: `TLS_RS_HANDSHAKE_THREADS`, else the machine's cores; 0 turns the pool
/// off (every step runs inline).
pub fn configured_workers() -> usize {
    match std::env::var("TLS_RS_HANDSHAKE_THREADS").ok().and_then(|v| v.trim().parse().ok()) {
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// The pool on `loop_`, started on first use; None when it is off or cannot start.
pub fn pool(loop_: *mut c_void, finished: Finished) -> Option<&'static Pool> {
    POOL.get_or_init(|| Pool::start(loop_, finished, configured_workers())).as_ref()
}

impl Pool {
    fn start(loop_: *mut c_void, finished: Finished, workers: usize) -> Option<Pool> {
        if workers == 0 {
            return None;
        }
        let uv = uv::uv()?;
        let wake = uv::alloc_raw(unsafe { (uv.handle_size)(uv::UV_ASYNC) });
        if wake.is_null() || unsafe { (uv.async_init)(loop_, wake, on_wake) } != 0 {
            return None;
        }
        // An idle pool does not keep the process alive; one with a step away does (submit).
        unsafe { (uv.unref)(wake) };
        let queues = Arc::new(Queues { jobs: Mutex::new(VecDeque::new()), work: Condvar::new(), done: Mutex::new(Vec::new()) });
        let pool = Pool { queues, wake, uv, finished, in_flight: AtomicUsize::new(0) };
        for i in 0..workers {
            let queues = pool.queues.clone();
            let wake = pool.wake as usize;
            std::thread::Builder::new()
                .name(format!("tls-rs handshake {i}"))
                .spawn(move || work(queues, uv, wake))
                .ok()?;
        }
        Some(pool)
    }

    /// Queues `job` for a worker. On the loop's thread. While a step is away the loop stays
    /// alive, as it would for the socket's read had the step run inline: a connection the
    /// server still waits for (server.close()) is not cut off by the process exiting.
    pub fn submit(&self, job: Job) {
        if self.in_flight.fetch_add(1, Ordering::Relaxed) == 0 {
            unsafe { (self.uv.ref_)(self.wake) };
        }
        let mut jobs = self.queues.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.push_back(job);
        self.queues.work.notify_one();
    }

    // On the loop's thread: `n` results handled; the last one lets the loop go again.
    fn handled(&self, n: usize) {
        if n > 0 && self.in_flight.fetch_sub(n, Ordering::Relaxed) == n {
            unsafe { (self.uv.unref)(self.wake) };
        }
    }
}

/// A worker: runs jobs until the process ends.
fn work(queues: Arc<Queues>, uv: &'static Uv, wake: usize) {
    loop {
        let job = {
            let mut jobs = queues.jobs.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = queues.work.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        };
        let Job { mut connection, input, slot, token } = job;
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
        queues.done.lock().unwrap_or_else(|e| e.into_inner()).push(token);
        unsafe { (uv.async_send)(wake as *mut uv_handle_t) };
    }
}

/// On the loop's thread: every finished job's token goes to the pool's `finished`.
unsafe extern "C" fn on_wake(_handle: *mut uv_handle_t) {
    let Some(Some(pool)) = POOL.get() else { return };
    let done = std::mem::take(&mut *pool.queues.done.lock().unwrap_or_else(|e| e.into_inner()));
    pool.handled(done.len());
    for token in done {
        let _ = std::panic::catch_unwind(|| (pool.finished)(token));
    }
}
