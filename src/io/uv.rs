//! libuv, as Node's own event loop runs it. Node exports libuv's symbols to addons; they are
//! looked up at run time (as napi-rs looks up N-API's), so `cargo test` links without Node and a
//! missing symbol is an error, not a crash. Handles and requests are allocated with libuv's own
//! sizes (`uv_handle_size`), so no libuv struct layout is copied here.

#![allow(non_camel_case_types)]

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::sync::OnceLock;

/// An opaque libuv loop, handle or request.
pub type uv_loop_t = c_void;
pub type uv_handle_t = c_void;
pub type uv_stream_t = c_void;
pub type uv_req_t = c_void;

/// `uv_buf_t` on Unix.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct uv_buf_t {
    pub base: *mut c_char,
    pub len: usize,
}

/// `uv_handle_type` values used here.
pub const UV_ASYNC: c_int = 1;
pub const UV_NAMED_PIPE: c_int = 7;
pub const UV_TCP: c_int = 12;
/// `uv_req_type` values used here.
pub const UV_WRITE: c_int = 3;
pub const UV_SHUTDOWN: c_int = 4;
/// `UV_EOF` on Linux.
pub const UV_EOF: isize = -4095;

pub type uv_alloc_cb = unsafe extern "C" fn(*mut uv_handle_t, usize, *mut uv_buf_t);
pub type uv_read_cb = unsafe extern "C" fn(*mut uv_stream_t, isize, *const uv_buf_t);
pub type uv_write_cb = unsafe extern "C" fn(*mut uv_req_t, c_int);
pub type uv_shutdown_cb = unsafe extern "C" fn(*mut uv_req_t, c_int);
pub type uv_close_cb = unsafe extern "C" fn(*mut uv_handle_t);
pub type uv_async_cb = unsafe extern "C" fn(*mut uv_handle_t);

/// The libuv functions the native transport uses.
#[allow(clippy::type_complexity)]
pub struct Uv {
    pub handle_size: unsafe extern "C" fn(c_int) -> usize,
    pub req_size: unsafe extern "C" fn(c_int) -> usize,
    pub handle_set_data: unsafe extern "C" fn(*mut uv_handle_t, *mut c_void),
    pub handle_get_data: unsafe extern "C" fn(*const uv_handle_t) -> *mut c_void,
    pub req_set_data: unsafe extern "C" fn(*mut uv_req_t, *mut c_void),
    pub req_get_data: unsafe extern "C" fn(*const uv_req_t) -> *mut c_void,
    pub tcp_init: unsafe extern "C" fn(*mut uv_loop_t, *mut uv_handle_t) -> c_int,
    pub tcp_open: unsafe extern "C" fn(*mut uv_handle_t, c_int) -> c_int,
    pub tcp_nodelay: unsafe extern "C" fn(*mut uv_handle_t, c_int) -> c_int,
    pub tcp_keepalive: unsafe extern "C" fn(*mut uv_handle_t, c_int, c_uint) -> c_int,
    pub pipe_init: unsafe extern "C" fn(*mut uv_loop_t, *mut uv_handle_t, c_int) -> c_int,
    pub pipe_open: unsafe extern "C" fn(*mut uv_handle_t, c_int) -> c_int,
    pub read_start: unsafe extern "C" fn(*mut uv_stream_t, uv_alloc_cb, uv_read_cb) -> c_int,
    pub read_stop: unsafe extern "C" fn(*mut uv_stream_t) -> c_int,
    pub try_write: unsafe extern "C" fn(*mut uv_stream_t, *const uv_buf_t, c_uint) -> c_int,
    pub write: unsafe extern "C" fn(*mut uv_req_t, *mut uv_stream_t, *const uv_buf_t, c_uint, uv_write_cb) -> c_int,
    pub shutdown: unsafe extern "C" fn(*mut uv_req_t, *mut uv_stream_t, uv_shutdown_cb) -> c_int,
    pub close: unsafe extern "C" fn(*mut uv_handle_t, uv_close_cb),
    pub ref_: unsafe extern "C" fn(*mut uv_handle_t),
    pub unref: unsafe extern "C" fn(*mut uv_handle_t),
    pub stream_get_write_queue_size: unsafe extern "C" fn(*const uv_stream_t) -> usize,
    pub async_init: unsafe extern "C" fn(*mut uv_loop_t, *mut uv_handle_t, uv_async_cb) -> c_int,
    pub async_send: unsafe extern "C" fn(*mut uv_handle_t) -> c_int,
    pub fileno: unsafe extern "C" fn(*const uv_handle_t, *mut c_int) -> c_int,
    pub err_name: unsafe extern "C" fn(c_int) -> *const c_char,
}

fn symbol(name: &CStr) -> Option<*mut c_void> {
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

// Each field's declared type is the transmute's target; spelling it again per call would only
// repeat the struct.
macro_rules! load {
    ($($field:ident = $name:literal),* $(,)?) => {
        #[allow(clippy::missing_transmute_annotations)]
        Some(Uv { $($field: unsafe { std::mem::transmute::<*mut c_void, _>(symbol($name)?) }),* })
    };
}

/// libuv's functions from the running process (Node's), or None when they are not there (a
/// process that is not Node, such as `cargo test`).
pub fn uv() -> Option<&'static Uv> {
    static UV: OnceLock<Option<Uv>> = OnceLock::new();
    UV.get_or_init(|| {
        load!(
            handle_size = c"uv_handle_size",
            req_size = c"uv_req_size",
            handle_set_data = c"uv_handle_set_data",
            handle_get_data = c"uv_handle_get_data",
            req_set_data = c"uv_req_set_data",
            req_get_data = c"uv_req_get_data",
            tcp_init = c"uv_tcp_init",
            tcp_open = c"uv_tcp_open",
            tcp_nodelay = c"uv_tcp_nodelay",
            tcp_keepalive = c"uv_tcp_keepalive",
            pipe_init = c"uv_pipe_init",
            pipe_open = c"uv_pipe_open",
            read_start = c"uv_read_start",
            read_stop = c"uv_read_stop",
            try_write = c"uv_try_write",
            write = c"uv_write",
            shutdown = c"uv_shutdown",
            close = c"uv_close",
            ref_ = c"uv_ref",
            unref = c"uv_unref",
            stream_get_write_queue_size = c"uv_stream_get_write_queue_size",
            async_init = c"uv_async_init",
            async_send = c"uv_async_send",
            fileno = c"uv_fileno",
            err_name = c"uv_err_name",
        )
    })
    .as_ref()
}

/// libuv's name for an error code (`ECONNRESET`), as Node's `err.code`.
pub fn error_name(uv: &Uv, err: c_int) -> String {
    let p = unsafe { (uv.err_name)(err) };
    if p.is_null() {
        return format!("UV_{err}");
    }
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// A zeroed allocation of `size` bytes for a libuv handle or request, freed with `free_raw`.
pub fn alloc_raw(size: usize) -> *mut c_void {
    unsafe { libc::calloc(1, size.max(1)) }
}

/// Frees what `alloc_raw` returned.
///
/// # Safety
/// `p` came from `alloc_raw` and libuv no longer uses it.
pub unsafe fn free_raw(p: *mut c_void) {
    libc::free(p)
}
