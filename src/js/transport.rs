//! `TlsTransport`: the JS face of `io::Transport`, the socket Rust owns for a connection
//! (lib/native.js drives it). What the transport reports reaches JS as `onevent(kind, a, b)`
//! calls on the owner (the TLSSocket), `kind` a `TransportEvent`.

use super::connection::TlsConnection;
use crate::conn::Status as ConnStatus;
use crate::io::teardown;
use crate::io::transport::{Sink, SocketKind, Transport, Written};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::cell::Cell;
use std::os::raw::c_void;
use std::ptr;
use std::rc::Rc;

/// What `onevent(kind, a, b)` reports.
#[napi]
pub enum TransportEvent {
    /// `a`: the connection's `Status` after input, for JS to handle; then `pump()` or `flush()`.
    Status = 0,
    /// `a`: a Buffer of records one after the other, `b`: their lengths (a Uint32Array), or
    /// undefined when `a` is one record.
    Records = 1,
    /// The peer ended: `a` true for close_notify, false for a FIN.
    End = 2,
    /// A socket error: `a` libuv's code (ECONNRESET, ...), `b` true when writing.
    Error = 3,
    /// The write or shutdown `a` completed; `b` is libuv's code when it failed.
    Done = 4,
    /// The socket is closed; nothing follows.
    Closed = 5,
}

/// Calls the owner's `onevent`. Holds strong references until `closed`.
struct JsSink {
    env: sys::napi_env,
    owner: Cell<sys::napi_ref>,
    onevent: Cell<sys::napi_ref>,
    context: Cell<sys::napi_async_context>,
    /// The object `context` was made for (the first owner), held here: N-API holds it weakly
    /// (Node 22+), and once collected the context's callbacks lose its AsyncLocalStorage store.
    resource: Cell<sys::napi_ref>,
    /// JS calls into this transport that are running: a throw from `onevent` then propagates
    /// to that caller; with none running (libuv called us), it is an uncaught exception.
    depth: Rc<Cell<u32>>,
}

impl JsSink {
    fn call(&self, kind: TransportEvent, build: impl FnOnce(sys::napi_env) -> [sys::napi_value; 2]) {
        let env = self.env;
        // An ending environment runs no JS; its references go with it.
        if self.onevent.get().is_null() || teardown::ending() {
            return;
        }
        unsafe {
            let mut scope = ptr::null_mut();
            sys::napi_open_handle_scope(env, &mut scope);
            let mut owner = ptr::null_mut();
            let mut function = ptr::null_mut();
            sys::napi_get_reference_value(env, self.owner.get(), &mut owner);
            sys::napi_get_reference_value(env, self.onevent.get(), &mut function);
            let mut kind_value = ptr::null_mut();
            sys::napi_create_uint32(env, kind as u32, &mut kind_value);
            let [a, b] = build(env);
            let argv = [kind_value, a, b];
            let mut result = ptr::null_mut();
            let status = if self.depth.get() > 0 {
                sys::napi_call_function(env, owner, function, 3, argv.as_ptr(), &mut result)
            } else {
                sys::napi_make_callback(env, self.context.get(), owner, function, 3, argv.as_ptr(), &mut result)
            };
            if status == sys::Status::napi_pending_exception && self.depth.get() == 0 {
                let mut error = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(env, &mut error);
                sys::napi_fatal_exception(env, error);
            }
            sys::napi_close_handle_scope(env, scope);
        }
    }

    /// Reports to `owner`'s `onevent` from now on (nothing once released). The async context
    /// stays: one async resource per connection, whoever owns it.
    fn retarget(&self, owner: sys::napi_value, onevent: sys::napi_value) {
        if self.owner.get().is_null() {
            return;
        }
        let env = self.env;
        unsafe {
            for (cell, value) in [(&self.owner, owner), (&self.onevent, onevent)] {
                let mut new_ref = ptr::null_mut();
                sys::napi_create_reference(env, value, 1, &mut new_ref);
                sys::napi_delete_reference(env, cell.replace(new_ref));
            }
        }
    }

    fn release(&self) {
        if teardown::ending() {
            return;
        }
        unsafe {
            for r in [self.owner.replace(ptr::null_mut()), self.onevent.replace(ptr::null_mut()), self.resource.replace(ptr::null_mut())] {
                if !r.is_null() {
                    sys::napi_delete_reference(self.env, r);
                }
            }
            let context = self.context.replace(ptr::null_mut());
            if !context.is_null() {
                sys::napi_async_destroy(self.env, context);
            }
        }
    }
}

fn undefined(env: sys::napi_env) -> sys::napi_value {
    let mut v = ptr::null_mut();
    unsafe { sys::napi_get_undefined(env, &mut v) };
    v
}

fn string(env: sys::napi_env, s: &str) -> sys::napi_value {
    let mut v = ptr::null_mut();
    unsafe { sys::napi_create_string_utf8(env, s.as_ptr() as *const _, s.len() as isize, &mut v) };
    v
}

fn boolean(env: sys::napi_env, b: bool) -> sys::napi_value {
    let mut v = ptr::null_mut();
    unsafe { sys::napi_get_boolean(env, b, &mut v) };
    v
}

impl Sink for JsSink {
    fn status(&self, status: ConnStatus) {
        let status = super::status::Status::from(status) as u32;
        self.call(TransportEvent::Status, |env| {
            let mut v = ptr::null_mut();
            unsafe { sys::napi_create_uint32(env, status, &mut v) };
            [v, undefined(env)]
        });
    }

    fn records(&self, data: &[u8], lengths: &[u32]) {
        self.call(TransportEvent::Records, |env| unsafe {
            // A copy into a V8-managed Buffer: cheaper than an external one for small records.
            let mut buffer = ptr::null_mut();
            sys::napi_create_buffer_copy(env, data.len(), data.as_ptr() as *const c_void, ptr::null_mut(), &mut buffer);
            // One record (the usual case): no lengths array.
            if lengths.len() == 1 {
                return [buffer, undefined(env)];
            }
            let mut array_buffer = ptr::null_mut();
            let mut raw: *mut c_void = ptr::null_mut();
            sys::napi_create_arraybuffer(env, lengths.len() * 4, &mut raw, &mut array_buffer);
            if !raw.is_null() {
                ptr::copy_nonoverlapping(lengths.as_ptr() as *const u8, raw as *mut u8, lengths.len() * 4);
            }
            let mut lengths_array = ptr::null_mut();
            sys::napi_create_typedarray(env, sys::TypedarrayType::uint32_array, lengths.len(), array_buffer, 0, &mut lengths_array);
            [buffer, lengths_array]
        });
    }

    fn end(&self, close_notify: bool) {
        self.call(TransportEvent::End, |env| [boolean(env, close_notify), undefined(env)]);
    }

    fn error(&self, code: &str, write: bool) {
        self.call(TransportEvent::Error, |env| [string(env, code), boolean(env, write)]);
    }

    fn done(&self, id: u32, error: Option<&str>) {
        self.call(TransportEvent::Done, |env| {
            let mut v = ptr::null_mut();
            unsafe { sys::napi_create_uint32(env, id, &mut v) };
            [v, error.map_or_else(|| undefined(env), |e| string(env, e))]
        });
    }

    fn closed(&self) {
        self.call(TransportEvent::Closed, |env| [undefined(env), undefined(env)]);
        self.release();
    }
}

thread_local! {
    /// This thread's environment has its end hook (`close_at_environment_end`).
    static END_HOOK: Cell<bool> = const { Cell::new(false) };
}

/// Once per thread: when Node tears the environment down (a worker's exit, the main thread's
/// end), the native transport's handles on its loop are closed, and Node waits for their close
/// callbacks before it closes the loop (an async cleanup hook, removed when they ran).
fn close_at_environment_end(env: sys::napi_env) {
    if END_HOOK.with(|h| h.replace(true)) {
        return;
    }
    unsafe extern "C" fn on_end(handle: sys::napi_async_cleanup_hook_handle, _data: *mut c_void) {
        let handle = handle as usize;
        let _ = std::panic::catch_unwind(move || {
            teardown::begin(Box::new(move || unsafe {
                sys::napi_remove_async_cleanup_hook(handle as sys::napi_async_cleanup_hook_handle);
            }))
        });
    }
    let mut handle = ptr::null_mut();
    unsafe { sys::napi_add_async_cleanup_hook(env, Some(on_end), ptr::null_mut(), &mut handle) };
}

/// The socket Rust owns for one TlsConnection.
#[napi]
pub struct TlsTransport {
    transport: Rc<Transport>,
    sink: Rc<JsSink>,
    depth: Rc<Cell<u32>>,
}

/// The address of one end of a TCP socket, as Node's `_getpeername()` returns it.
#[napi(object)]
pub struct SocketAddress {
    pub address: String,
    pub family: String,
    pub port: u32,
}

impl TlsTransport {
    /// Runs `f` as a JS call into the transport (a throw from `onevent` propagates to it).
    fn enter<T>(&self, f: impl FnOnce(&Rc<Transport>) -> T) -> T {
        self.depth.set(self.depth.get() + 1);
        let result = f(&self.transport);
        self.depth.set(self.depth.get() - 1);
        result
    }
}

#[napi]
impl TlsTransport {
    /// Takes over a duplicate of socket `fd` (a TCP socket, or with `pipe` a Unix one) for
    /// `connection`; the caller closes its own fd. `onevent(kind, a, b)` is called on `owner`
    /// with what happens (`TransportEvent`).
    #[napi(constructor, catch_unwind)]
    pub fn new(env: &Env, connection: &TlsConnection, fd: i32, pipe: bool, owner: Object, onevent: Function<'_>) -> Result<Self> {
        let raw_env = env.raw();
        let mut owner_ref = ptr::null_mut();
        let mut onevent_ref = ptr::null_mut();
        let mut resource_ref = ptr::null_mut();
        let mut context = ptr::null_mut();
        unsafe {
            sys::napi_create_reference(raw_env, owner.raw(), 1, &mut owner_ref);
            sys::napi_create_reference(raw_env, owner.raw(), 1, &mut resource_ref);
            sys::napi_create_reference(raw_env, onevent.raw(), 1, &mut onevent_ref);
            sys::napi_async_init(raw_env, owner.raw(), string(raw_env, "TLSWRAP"), &mut context);
        }
        let depth = Rc::new(Cell::new(0));
        let sink = Rc::new(JsSink {
            env: raw_env,
            owner: Cell::new(owner_ref),
            onevent: Cell::new(onevent_ref),
            context: Cell::new(context),
            resource: Cell::new(resource_ref),
            depth: depth.clone(),
        });
        let mut loop_ = ptr::null_mut();
        unsafe { sys::napi_get_uv_event_loop(raw_env, &mut loop_) };
        close_at_environment_end(raw_env);
        let kind = if pipe { SocketKind::Pipe } else { SocketKind::Tcp };
        match Transport::open(loop_ as *mut c_void, fd, kind, connection.cell().clone(), Box::new(sink.clone())) {
            Ok(transport) => Ok(TlsTransport { transport, sink, depth }),
            Err(message) => Err(super::errors::throw_code(env, "ERR_TLS_RS_TRANSPORT", &format!("tls-rs: cannot take over the socket: {message}"))),
        }
    }

    /// Starts reading the socket; 0, or a libuv error code.
    #[napi(catch_unwind)]
    pub fn read_start(&self) -> i32 {
        self.transport.read_start()
    }

    /// Stops reading the socket.
    #[napi(catch_unwind)]
    pub fn read_stop(&self) {
        self.transport.read_stop()
    }

    /// Whether records are decrypted and delivered as they arrive (JS is established and reads).
    #[napi(catch_unwind)]
    pub fn set_delivering(&self, on: bool) {
        self.transport.set_delivering(on)
    }

    /// Reports to `owner`'s `onevent` from now on: a TLSSocket adopting a connection its server
    /// accepted before the socket existed.
    #[napi(catch_unwind)]
    pub fn set_owner(&self, owner: Object, onevent: Function<'_>) {
        self.sink.retarget(owner.raw(), onevent.raw());
    }

    /// While true, input that only advances the handshake is not reported (`Status` comes when
    /// the handshake completes, asks a question or fails); the handshake's output is sent.
    #[napi(catch_unwind)]
    pub fn set_unattended(&self, on: bool) {
        self.transport.set_unattended(on)
    }

    /// Holds output back (true) or lets it go (false; then call `flush`).
    #[napi(catch_unwind)]
    pub fn hold(&self, on: bool) {
        self.transport.hold(on)
    }

    /// Delivers every record there is (while delivering), then sends what is waiting.
    #[napi(catch_unwind)]
    pub fn pump(&self) {
        self.enter(|t| t.pump())
    }

    /// Sends what the connection has waiting: true when it all went to the kernel now, else
    /// `Done` with `id` follows (id 0: nobody waits).
    #[napi(catch_unwind)]
    pub fn flush(&self, id: u32) -> bool {
        self.enter(|t| t.flush(id))
    }

    /// Encrypts and sends `data`: 1 when it all went to the kernel now, 0 when `Done` with `id`
    /// follows, -1 when the connection failed (its `status()` says so).
    #[napi(catch_unwind)]
    pub fn write(&self, data: &[u8], id: u32) -> i32 {
        self.enter(|t| match t.write(&[data], id) {
            Ok(Written::Sent) => 1,
            Ok(Written::Pending) => 0,
            Ok(Written::Failed) | Err(_) => -1,
        })
    }

    /// The ids of the writes a renegotiation still holds, which the transport forgets: the
    /// connection failed before they went out, and JS fails them.
    #[napi(catch_unwind)]
    pub fn take_held_writes(&self) -> Vec<u32> {
        self.transport.take_held_writes()
    }

    /// close_notify (when established), everything sent, then FIN; `Done` with `id` follows.
    #[napi(catch_unwind)]
    pub fn shutdown(&self, id: u32) {
        self.enter(|t| t.shutdown(id))
    }

    /// Closes the socket; `Closed` follows.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.transport.close()
    }

    /// TCP_NODELAY on or off.
    #[napi(catch_unwind)]
    pub fn set_no_delay(&self, enable: bool) -> i32 {
        let t = &self.transport;
        if t.is_closed() {
            return 0;
        }
        unsafe { (t.uv().tcp_nodelay)(t.handle(), enable as i32) }
    }

    /// SO_KEEPALIVE on or off, with the initial delay in seconds.
    #[napi(catch_unwind)]
    pub fn set_keep_alive(&self, enable: bool, delay: u32) -> i32 {
        let t = &self.transport;
        if t.is_closed() {
            return 0;
        }
        unsafe { (t.uv().tcp_keepalive)(t.handle(), enable as i32, delay) }
    }

    /// The socket keeps the event loop alive (as a net.Socket's `ref()`).
    #[napi(js_name = "ref", catch_unwind)]
    pub fn ref_(&self) {
        let t = &self.transport;
        if !t.is_closed() {
            unsafe { (t.uv().ref_)(t.handle()) }
        }
    }

    /// The socket does not keep the event loop alive (as `unref()`).
    #[napi(catch_unwind)]
    pub fn unref(&self) {
        let t = &self.transport;
        if !t.is_closed() {
            unsafe { (t.uv().unref)(t.handle()) }
        }
    }

    /// The peer's address, or null (a Unix socket, or closed).
    #[napi(catch_unwind)]
    pub fn getpeername(&self) -> Option<SocketAddress> {
        let (address, family, port) = self.transport.address(true)?;
        Some(SocketAddress { address, family: family.into(), port: port.into() })
    }

    /// This end's address, or null.
    #[napi(catch_unwind)]
    pub fn getsockname(&self) -> Option<SocketAddress> {
        let (address, family, port) = self.transport.address(false)?;
        Some(SocketAddress { address, family: family.into(), port: port.into() })
    }

    /// The socket's file descriptor (-1 once closed).
    #[napi(getter, catch_unwind)]
    pub fn fd(&self) -> i32 {
        self.transport.fd()
    }

    /// Bytes queued on libuv, not yet taken by the kernel.
    #[napi(getter, catch_unwind)]
    pub fn write_queue_size(&self) -> u32 {
        self.transport.write_queue_size() as u32
    }
}
