//! The native transport: a connection's socket owned by Rust on Node's own libuv loop, so
//! ciphertext goes between the kernel and the connection without JavaScript. JS sees cleartext
//! (one call per readable burst) and statuses, through a `Sink`.
//!
//! The protocol of calls (lib/native.js drives it):
//! - input: libuv reads into the transport's buffer; the bytes go to `Connection::receive`.
//!   While `delivering` (JS established the connection and wants data), records are decrypted
//!   here and handed over in one `Sink::records` per burst; any other status goes to
//!   `Sink::status`, and JS answers by calling `pump` (read on) or `flush` (just send);
//! - output: `write` encrypts cleartext and sends it; `flush` sends what the connection has
//!   waiting (handshake flights, alerts, close_notify). Sending tries the socket first and
//!   queues the rest on libuv; a write's `id` is reported done once the kernel took it;
//! - `hold` keeps output back (Node's 'newSession' hold) until released;
//! - `close` closes the socket; `Sink::closed` comes once libuv released it.
//!
//! Single-threaded: every method runs on the loop's thread; the JS a `Sink` call runs may call
//! back into the transport, so state lives in `Cell`s and no borrow is held across a call out.

use super::pool::{self, Job, Slot, Traveling};
use super::teardown;
use super::uv::{self, uv_buf_t, uv_handle_t, uv_req_t, uv_stream_t, Uv};
use std::sync::Arc;
use crate::conn::cell::{ConnectionCell, Unavailable};
use crate::conn::{Connection, Status};
use std::cell::{Cell, RefCell};
use std::os::raw::{c_char, c_int, c_void};
use std::rc::Rc;

/// Bytes read from the socket per libuv read (Node's TCPWrap reads 64 KiB too).
const READ_SIZE: usize = 64 * 1024;
/// The most cleartext one record holds: a read needs this much room.
const MAX_RECORD: usize = 16 * 1024;
/// Cleartext handed over per `Sink::records` at most (four full records).
const BURST: usize = 4 * MAX_RECORD;

/// What the transport tells JS. Every call may run JS that calls back into the transport.
pub trait Sink {
    /// The connection's status after input, when it is not "Ready" with JS reading: JS handles
    /// it (events, questions, failure) and then calls `pump` or `flush`.
    fn status(&self, status: Status);
    /// Decrypted records, one after the other in `data`, each `lengths[i]` bytes.
    fn records(&self, data: &[u8], lengths: &[u32]);
    /// The peer closed its side (FIN), or sent close_notify (`close_notify`).
    fn end(&self, close_notify: bool);
    /// A socket error (libuv's name: ECONNRESET, EPIPE, ...) while reading (`write` false) or
    /// writing.
    fn error(&self, code: &str, write: bool);
    /// The write or shutdown `id` completed (`error` is libuv's name when it failed).
    fn done(&self, id: u32, error: Option<&str>);
    /// libuv released the socket; nothing else follows.
    fn closed(&self);
}

/// A shared sink (its owner may keep a handle on it, to retarget it).
impl<S: Sink + ?Sized> Sink for Rc<S> {
    fn status(&self, status: Status) {
        (**self).status(status)
    }
    fn records(&self, data: &[u8], lengths: &[u32]) {
        (**self).records(data, lengths)
    }
    fn end(&self, close_notify: bool) {
        (**self).end(close_notify)
    }
    fn error(&self, code: &str, write: bool) {
        (**self).error(code, write)
    }
    fn done(&self, id: u32, error: Option<&str>) {
        (**self).done(id, error)
    }
    fn closed(&self) {
        (**self).closed()
    }
}

/// What kind of socket the fd is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SocketKind {
    Tcp,
    Pipe,
}

/// The per-thread buffer for decrypted records (`INBOUND`), so the common case allocates
/// nothing. A nested use (JS that a delivery runs reads again) gets a fresh buffer.
struct Scratch(Vec<u8>);

thread_local! {
    /// What libuv reads into (its spare capacity), for every transport of the loop: a read is
    /// handed to its connection before the next one (Node's TCPWrap shares one buffer the same
    /// way), so an idle connection holds no read buffer. A large read is handed over whole and
    /// the connection's old input storage takes its place (`Connection::receive_owned`).
    static READ_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static INBOUND: Cell<Option<Vec<u8>>> = const { Cell::new(None) };
    /// Handshakes in progress on this loop's transports (`Handshaking`).
    static HANDSHAKES_IN_PROGRESS: Cell<usize> = const { Cell::new(0) };
}

impl Scratch {
    fn take() -> Scratch {
        Scratch(INBOUND.with(|s| s.take()).unwrap_or_else(|| vec![0; BURST]))
    }

    fn put_back(self) {
        INBOUND.with(|s| s.set(Some(self.0)));
    }
}

/// What became of a `Transport::write`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Written {
    /// All of it went to the kernel now.
    Sent,
    /// `Sink::done(id)` follows.
    Pending,
    /// The connection failed; nothing was sent.
    Failed,
}

/// A write queued on libuv: its bytes live here until the callback.
struct PendingWrite {
    transport: Rc<Transport>,
    data: Vec<u8>,
    id: u32,
}

/// A connection over a socket on Node's loop (see the module doc).
pub struct Transport {
    uv: &'static Uv,
    /// The uv_tcp_t / uv_pipe_t (libuv-sized allocation), null once closed.
    handle: Cell<*mut uv_handle_t>,
    connection: Rc<ConnectionCell>,
    sink: Box<dyn Sink>,
    /// The loop the socket is on.
    loop_: *mut c_void,
    /// JS wants the socket read (`read_start`, until `read_stop`).
    want_reading: Cell<bool>,
    /// libuv is reading the socket (not while the connection is away on a worker).
    reading: Cell<bool>,
    /// The connection is on a handshake worker (io/pool.rs); input waits in the socket.
    away: Cell<bool>,
    /// JS established the connection and wants cleartext: records are decrypted and delivered
    /// here; otherwise input only advances the handshake and JS is told the status.
    delivering: Cell<bool>,
    /// Output is held (Node's 'newSession' hold).
    held: Cell<bool>,
    /// The handshake runs without JS until it completes or needs it: a server connection
    /// accepted before its TLSSocket exists (lib/accepted-handshake.js).
    unattended: Cell<bool>,
    /// Shutting down: a failure to send close_notify is not reported (the shutdown's own
    /// result is), as Node's afterShutdown ignores it.
    shutting_down: Cell<bool>,
    /// Counted in `liveObjects().sockets` until libuv closed the socket.
    live: RefCell<Option<crate::live_objects::Live>>,
    /// Counted in HANDSHAKES_IN_PROGRESS until the handshake is done or the socket closed.
    handshaking: RefCell<Option<Handshaking>>,
    /// The socket's registration with `teardown` while open (closed when the loop ends).
    teardown_id: Cell<usize>,
    /// Writes whose cleartext the connection holds through a renegotiation, in order: done once
    /// it let them out (`release_held_writes`).
    held_writes: RefCell<Vec<u32>>,
}

/// One handshake in progress on this loop: counted while it lives.
struct Handshaking;

impl Handshaking {
    fn new() -> Handshaking {
        HANDSHAKES_IN_PROGRESS.with(|n| n.set(n.get() + 1));
        Handshaking
    }

    /// Other handshakes are in progress on this loop besides the caller's.
    fn others() -> bool {
        HANDSHAKES_IN_PROGRESS.with(|n| n.get()) > 1
    }
}

impl Drop for Handshaking {
    fn drop(&mut self) {
        HANDSHAKES_IN_PROGRESS.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

impl Transport {
    /// Opens a duplicate of the socket `fd` (the caller closes its own) on `loop_` for
    /// `connection`. The transport does nothing until `read_start`.
    pub fn open(
        loop_: *mut c_void,
        fd: c_int,
        kind: SocketKind,
        connection: Rc<ConnectionCell>,
        sink: Box<dyn Sink>,
    ) -> Result<Rc<Transport>, String> {
        let uv = uv::uv().ok_or("libuv is not available in this process")?;
        let fd = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        let handle = uv::alloc_raw(unsafe { (uv.handle_size)(if kind == SocketKind::Tcp { uv::UV_TCP } else { uv::UV_NAMED_PIPE }) });
        if handle.is_null() {
            unsafe { libc::close(fd) };
            return Err("out of memory".into());
        }
        let init = unsafe {
            match kind {
                SocketKind::Tcp => (uv.tcp_init)(loop_, handle),
                SocketKind::Pipe => (uv.pipe_init)(loop_, handle, 0),
            }
        };
        if init != 0 {
            unsafe {
                uv::free_raw(handle);
                libc::close(fd);
            }
            return Err(uv::error_name(uv, init));
        }
        let transport = Rc::new(Transport {
            uv,
            handle: Cell::new(handle),
            connection,
            sink,
            loop_,
            want_reading: Cell::new(false),
            reading: Cell::new(false),
            away: Cell::new(false),
            delivering: Cell::new(false),
            held: Cell::new(false),
            unattended: Cell::new(false),
            shutting_down: Cell::new(false),
            live: RefCell::new(Some(crate::live_objects::Live::new(crate::live_objects::Kind::Socket))),
            handshaking: RefCell::new(None),
            teardown_id: Cell::new(0),
            held_writes: RefCell::new(Vec::new()),
        });
        let weak = Rc::downgrade(&transport);
        transport.teardown_id.set(teardown::register(Box::new(move || {
            if let Some(transport) = weak.upgrade() {
                transport.close();
            }
        })));
        if !transport.connection_established() {
            *transport.handshaking.borrow_mut() = Some(Handshaking::new());
        }
        // libuv's handle points back at the transport (one reference, released in close_cb).
        unsafe { (uv.handle_set_data)(handle, Rc::into_raw(transport.clone()) as *mut c_void) };
        let opened = unsafe {
            match kind {
                SocketKind::Tcp => (uv.tcp_open)(handle, fd),
                SocketKind::Pipe => (uv.pipe_open)(handle, fd),
            }
        };
        if opened != 0 {
            transport.close();
            unsafe { libc::close(fd) };
            return Err(uv::error_name(uv, opened));
        }
        Ok(transport)
    }

    fn stream(&self) -> *mut uv_stream_t {
        self.handle.get()
    }

    /// Whether the socket is closed (or closing).
    pub fn is_closed(&self) -> bool {
        self.handle.get().is_null()
    }

    /// Starts reading the socket (idempotent).
    pub fn read_start(&self) -> c_int {
        self.want_reading.set(true);
        self.resume_reading()
    }

    /// Stops reading the socket (backpressure, pause()).
    pub fn read_stop(&self) {
        self.want_reading.set(false);
        self.pause_reading();
    }

    fn resume_reading(&self) -> c_int {
        if self.is_closed() || self.reading.get() || self.away.get() || !self.want_reading.get() {
            return 0;
        }
        let err = unsafe { (self.uv.read_start)(self.stream(), alloc_cb, read_cb) };
        self.reading.set(err == 0);
        err
    }

    fn pause_reading(&self) {
        if !self.is_closed() && self.reading.replace(false) {
            unsafe { (self.uv.read_stop)(self.stream()) };
        }
    }

    /// Whether records are decrypted and delivered here (set once JS is established and reads).
    pub fn set_delivering(&self, on: bool) {
        self.delivering.set(on);
    }

    /// While on, input that only advances the handshake is not reported: the handshake's own
    /// output is sent here, and JS hears of the connection when the handshake completes, asks a
    /// question, fails or ends (`Connection::unattended_status`).
    pub fn set_unattended(&self, on: bool) {
        self.unattended.set(on);
    }

    /// Holds output back, or releases it (and sends what waited).
    pub fn hold(&self, on: bool) {
        self.held.set(on);
    }

    fn with_connection<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> Result<T, Unavailable> {
        self.connection.try_with(f)
    }

    /// Input from the socket: the `len` bytes libuv read into this thread's read buffer.
    fn on_data(self: &Rc<Self>, len: usize) {
        let mut input = READ_BUFFER.with(|b| b.take());
        // SAFETY: alloc_cb lent libuv this Vec's spare capacity and libuv wrote `len` bytes there.
        unsafe { input.set_len(len.min(input.capacity())) };
        if self.offload(&input) {
            READ_BUFFER.with(|b| b.replace(input));
            return;
        }
        // A large read becomes the connection's input queue without a copy; the queue's old
        // storage comes back as the next read buffer.
        match self.with_connection(|c| c.receive_owned(input)) {
            Ok((status, spare)) => {
                READ_BUFFER.with(|b| b.replace(spare));
                self.after_input(status);
            }
            Err(_) => self.pause_reading(),
        }
    }

    /// Sends a handshake step to the pool, when there is one, the connection may travel and
    /// other handshakes are in progress on this loop. A lone handshake runs inline: the trip
    /// to a worker and back (two thread wake-ups) costs more than it saves when nothing else
    /// waits for the JS thread (bench/README.md). Reading pauses until the step is back
    /// (`step_done`).
    fn offload(self: &Rc<Self>, input: &[u8]) -> bool {
        if !Handshaking::others() {
            return false;
        }
        let worth_it = self.with_connection(|c| !c.handshake_done() && c.may_travel()).unwrap_or(false);
        if !worth_it {
            return false;
        }
        let Some(pool) = pool::pool(self.loop_, step_done, step_discarded) else { return false };
        let slot = Arc::new(Slot::default());
        let Some(connection) = self.connection.send_away(slot.clone()) else { return false };
        let input = input.to_vec();
        self.away.set(true);
        self.pause_reading();
        // The job holds a reference to the transport until `step_done` takes it back (or, the
        // loop ending first, `step_discarded`).
        let token = Rc::into_raw(self.clone()) as usize;
        pool.submit(Job::new(Traveling(connection), input, slot, token));
        true
    }

    /// Acts on the status input left: delivers records when JS reads, else asks JS.
    fn after_input(self: &Rc<Self>, status: Status) {
        if self.handshaking.borrow().is_some() && (status == Status::Failed || self.connection_established()) {
            self.handshaking.borrow_mut().take();
        }
        let mut status = status;
        if self.unattended.get() {
            match self.with_connection(|c| c.unattended_status()) {
                Ok(None) => {
                    self.flush(0);
                    return;
                }
                Ok(Some(reported)) => status = reported,
                Err(_) => {}
            }
        }
        match status {
            Status::Ready | Status::PeerClosed if self.delivering.get() => self.pump(),
            Status::Ready if !self.connection_established() => {
                // A partial record of the handshake: nothing to tell, maybe something to send.
                self.flush(0);
            }
            _ => self.sink.status(status),
        }
    }

    fn connection_established(&self) -> bool {
        self.with_connection(|c| c.handshake_done()).unwrap_or(false)
    }

    /// Reads and delivers every record there is while JS reads, then sends what is waiting.
    /// A status other than "Ready" goes to JS, which calls `pump` again once it handled it.
    pub fn pump(self: &Rc<Self>) {
        while self.delivering.get() {
            let mut scratch = Scratch::take();
            let mut lengths = [0u32; BURST / MAX_RECORD];
            let mut records = 0;
            let mut used = 0;
            let outcome = self.with_connection(|c| {
                while records < lengths.len() {
                    match c.read_cleartext(&mut scratch.0[used..used + MAX_RECORD]) {
                        Some(n) => {
                            lengths[records] = n as u32;
                            records += 1;
                            used += n;
                        }
                        None => return c.status(),
                    }
                }
                Status::Ready
            });
            let Ok(status) = outcome else { return };
            if records > 0 {
                self.sink.records(&scratch.0[..used], &lengths[..records]);
            }
            scratch.put_back();
            match status {
                Status::Ready if records == lengths.len() => continue,
                Status::Ready => break,
                Status::PeerClosed => {
                    self.flush(0);
                    self.release_held_writes();
                    self.delivering.set(false);
                    self.sink.end(true);
                    return;
                }
                other => {
                    // (Held writes wait: JS handles the status — a renegotiation's 'secure'
                    // comes before their callbacks, as in Node — then pumps again.)
                    self.sink.status(other);
                    return;
                }
            }
        }
        self.flush(0);
        self.release_held_writes();
    }

    /// Encrypts `chunks` and sends them with what was waiting: `Sent` when everything went to
    /// the kernel now, `Pending` when `Sink::done(id)` follows, `Failed` when the connection
    /// failed (its error waits in it). Err when the connection is away.
    pub fn write(self: &Rc<Self>, chunks: &[&[u8]], id: u32) -> Result<Written, Unavailable> {
        let (encrypted, held) =
            self.with_connection(|c| (chunks.iter().all(|chunk| c.encrypt(chunk).is_some()), c.holds_cleartext()))?;
        if !encrypted {
            return Ok(Written::Failed);
        }
        if held {
            // A renegotiation holds (some of) it: done once it went out, as Node's TLSWrap keeps
            // its write until ClearIn wrote it, so that backpressure and end() wait for it.
            self.flush(0);
            self.held_writes.borrow_mut().push(id);
            return Ok(Written::Pending);
        }
        Ok(if self.flush(id) { Written::Sent } else { Written::Pending })
    }

    /// The writes a renegotiation holds, taken from the transport: the connection failed before
    /// it let them out, so JS fails them (as Node's ClearIn fails its pending write).
    pub fn take_held_writes(&self) -> Vec<u32> {
        std::mem::take(&mut *self.held_writes.borrow_mut())
    }

    /// Reports the writes a renegotiation held done once the connection wrote their cleartext:
    /// the last when its ciphertext went to the kernel, those before it now.
    fn release_held_writes(self: &Rc<Self>) {
        if self.held_writes.borrow().is_empty() || self.with_connection(|c| c.holds_cleartext()).unwrap_or(true) {
            return;
        }
        let mut ids = std::mem::take(&mut *self.held_writes.borrow_mut());
        let last = ids.pop().unwrap_or(0);
        let last_sent = self.flush(last);
        for id in ids {
            self.sink.done(id, None);
        }
        if last_sent {
            self.sink.done(last, None);
        }
    }

    /// Sends the ciphertext the connection has waiting (unless output is held). True when it
    /// all went to the kernel now (or there was nothing, or the socket is closed); otherwise
    /// `Sink::done(id)` follows when it did (id 0: nobody waits).
    pub fn flush(self: &Rc<Self>, id: u32) -> bool {
        if self.held.get() || self.is_closed() {
            return true;
        }
        // The kernel takes what it can straight from the connection's queue; only the rest is
        // copied. try_write calls nothing back, so the connection may stay borrowed meanwhile.
        let (try_write, stream) = (self.uv.try_write, self.stream());
        let rest = self
            .with_connection(|c| {
                c.send_ciphertext(|data| {
                    let buf = uv_buf_t { base: data.as_ptr() as *mut c_char, len: data.len() };
                    // SAFETY: the stream is open (checked above) and `data` outlives the call.
                    // A failure (EAGAIN, EPIPE, ...) takes nothing: libuv then reports it from
                    // the queued write's callback, asynchronously, as net reports a failed write.
                    usize::try_from(unsafe { try_write(stream, &buf, 1) }).unwrap_or(0)
                })
            })
            .unwrap_or_default();
        rest.is_empty() || self.queue_write(rest, id)
    }

    /// Queues `data` on libuv, which writes it when the socket takes it; false (the write is
    /// pending, `Sink::done(id)` follows).
    fn queue_write(self: &Rc<Self>, data: Vec<u8>, id: u32) -> bool {
        let req = uv::alloc_raw(unsafe { (self.uv.req_size)(uv::UV_WRITE) });
        if req.is_null() {
            self.write_failed(id, -12); // ENOMEM
            return false;
        }
        let len = data.len();
        let pending = Box::new(PendingWrite { transport: self.clone(), data, id });
        let buf = uv_buf_t { base: pending.data.as_ptr() as *mut c_char, len };
        unsafe { (self.uv.req_set_data)(req, Box::into_raw(pending) as *mut c_void) };
        let err = unsafe { (self.uv.write)(req, self.stream(), &buf, 1, write_cb) };
        if err != 0 {
            drop(unsafe { Box::from_raw((self.uv.req_get_data)(req) as *mut PendingWrite) });
            unsafe { uv::free_raw(req) };
            self.write_failed(id, err);
        }
        false
    }

    fn write_failed(&self, id: u32, err: c_int) {
        let name = uv::error_name(self.uv, err);
        if id == 0 && self.shutting_down.get() {
            return;
        }
        if id != 0 {
            self.sink.done(id, Some(&name));
        } else {
            self.sink.error(&name, true);
        }
    }

    /// Queues close_notify (once established), sends everything, then shuts the write side
    /// (FIN); `Sink::done(id)` follows.
    pub fn shutdown(self: &Rc<Self>, id: u32) {
        let _ = self.with_connection(|c| c.shutdown());
        self.held.set(false);
        self.shutting_down.set(true);
        self.flush(0);
        if self.is_closed() {
            self.sink.done(id, None);
            return;
        }
        let req = uv::alloc_raw(unsafe { (self.uv.req_size)(uv::UV_SHUTDOWN) });
        if req.is_null() {
            self.sink.done(id, Some("ENOMEM"));
            return;
        }
        let pending = Box::new(PendingWrite { transport: self.clone(), data: Vec::new(), id });
        unsafe { (self.uv.req_set_data)(req, Box::into_raw(pending) as *mut c_void) };
        let err = unsafe { (self.uv.shutdown)(req, self.stream(), shutdown_cb) };
        if err != 0 {
            drop(unsafe { Box::from_raw((self.uv.req_get_data)(req) as *mut PendingWrite) });
            unsafe { uv::free_raw(req) };
            self.sink.done(id, Some(&uv::error_name(self.uv, err)));
        }
    }

    /// Closes the socket (idempotent); `Sink::closed` follows.
    pub fn close(&self) {
        let handle = self.handle.replace(std::ptr::null_mut());
        if handle.is_null() {
            return;
        }
        self.reading.set(false);
        self.delivering.set(false);
        teardown::unregister(self.teardown_id.replace(0));
        unsafe { (self.uv.close)(handle, close_cb) };
    }

    /// The raw libuv handle (null once closed), for the socket options.
    pub fn handle(&self) -> *mut uv_handle_t {
        self.handle.get()
    }

    /// libuv.
    pub fn uv(&self) -> &'static Uv {
        self.uv
    }

    /// Bytes queued on libuv, not yet taken by the kernel.
    pub fn write_queue_size(&self) -> usize {
        if self.is_closed() {
            return 0;
        }
        unsafe { (self.uv.stream_get_write_queue_size)(self.stream()) }
    }

    /// The socket's file descriptor, or -1 once closed.
    pub fn fd(&self) -> c_int {
        let mut fd = -1;
        if !self.is_closed() && unsafe { (self.uv.fileno)(self.handle.get(), &mut fd) } != 0 {
            return -1;
        }
        fd
    }

    /// The peer's (`peer`) or this end's address of a TCP socket: (address, family, port).
    pub fn address(&self, peer: bool) -> Option<(String, &'static str, u16)> {
        let fd = self.fd();
        if fd < 0 {
            return None;
        }
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        let sa = &mut storage as *mut _ as *mut libc::sockaddr;
        let ok = unsafe { if peer { libc::getpeername(fd, sa, &mut len) } else { libc::getsockname(fd, sa, &mut len) } };
        if ok != 0 {
            return None;
        }
        match storage.ss_family as c_int {
            libc::AF_INET => {
                let v4 = unsafe { &*(sa as *const libc::sockaddr_in) };
                let ip = std::net::Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr));
                Some((ip.to_string(), "IPv4", u16::from_be(v4.sin_port)))
            }
            libc::AF_INET6 => {
                let v6 = unsafe { &*(sa as *const libc::sockaddr_in6) };
                let ip = std::net::Ipv6Addr::from(v6.sin6_addr.s6_addr);
                Some((ip.to_string(), "IPv6", u16::from_be(v6.sin6_port)))
            }
            _ => None,
        }
    }
}

/// On the loop's thread: a handshake step came back from the pool.
fn step_done(token: usize) {
    // SAFETY: `offload` made the token from an Rc it handed over.
    let transport = unsafe { Rc::from_raw(token as *const Transport) };
    let status = transport.connection.come_back();
    transport.away.set(false);
    // Closed, or its connection destroyed, while the step was away (JS destroyed the socket):
    // the owner heard the last of it.
    let Some(status) = status else { return };
    if transport.is_closed() {
        return;
    }
    transport.resume_reading();
    transport.after_input(status);
}

/// On the loop's thread, as the loop ends: a step that came back too late to be applied. The
/// transport (closed by now) lets go; its connection, back in its slot, is freed with it.
fn step_discarded(token: usize) {
    // SAFETY: `offload` made the token from an Rc it handed over.
    drop(unsafe { Rc::from_raw(token as *const Transport) });
}

/// The transport a libuv handle points at (a borrowed `Rc`).
unsafe fn transport_of(handle: *const uv_handle_t) -> Option<Rc<Transport>> {
    let uv = uv::uv()?;
    let raw = (uv.handle_get_data)(handle) as *const Transport;
    if raw.is_null() {
        return None;
    }
    Rc::increment_strong_count(raw);
    Some(Rc::from_raw(raw))
}

unsafe extern "C" fn alloc_cb(handle: *mut uv_handle_t, _suggested: usize, buf: *mut uv_buf_t) {
    if transport_of(handle).is_none() {
        return;
    }
    // libuv writes into the spare capacity before read_cb, when nothing else uses the buffer.
    READ_BUFFER.with(|b| {
        let mut buffer = b.borrow_mut();
        buffer.clear();
        buffer.reserve(READ_SIZE);
        let spare = buffer.spare_capacity_mut();
        *buf = uv_buf_t { base: spare.as_mut_ptr() as *mut c_char, len: spare.len() };
    });
}

unsafe extern "C" fn read_cb(stream: *mut uv_stream_t, nread: isize, _buf: *const uv_buf_t) {
    let Some(transport) = transport_of(stream) else { return };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if nread > 0 {
            transport.on_data(nread as usize);
        } else if nread == uv::UV_EOF {
            transport.pause_reading();
            transport.sink.end(false);
        } else if nread < 0 {
            transport.pause_reading();
            transport.sink.error(&uv::error_name(transport.uv, nread as c_int), false);
        }
    }));
    if outcome.is_err() {
        transport.close();
    }
}

unsafe extern "C" fn write_cb(req: *mut uv_req_t, status: c_int) {
    let Some(uv) = uv::uv() else { return };
    let pending = Box::from_raw((uv.req_get_data)(req) as *mut PendingWrite);
    uv::free_raw(req);
    let transport = &pending.transport;
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if status != 0 {
            transport.write_failed(pending.id, status);
        } else if pending.id != 0 {
            transport.sink.done(pending.id, None);
        }
    }));
}

unsafe extern "C" fn shutdown_cb(req: *mut uv_req_t, status: c_int) {
    let Some(uv) = uv::uv() else { return };
    let pending = Box::from_raw((uv.req_get_data)(req) as *mut PendingWrite);
    uv::free_raw(req);
    let name = (status != 0).then(|| uv::error_name(uv, status));
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pending.transport.sink.done(pending.id, name.as_deref())));
}

unsafe extern "C" fn close_cb(handle: *mut uv_handle_t) {
    let Some(uv) = uv::uv() else { return };
    // Takes back the reference the handle held.
    let raw = (uv.handle_get_data)(handle) as *const Transport;
    uv::free_raw(handle);
    if !raw.is_null() {
        let transport = Rc::from_raw(raw);
        transport.live.borrow_mut().take();
        transport.handshaking.borrow_mut().take();
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| transport.sink.closed()));
    }
    // Last: when the loop is ending, this may be the close it waited for.
    teardown::closing_done();
}
