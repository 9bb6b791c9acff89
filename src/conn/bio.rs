//! The engine's transport BIOs: a byte queue that behaves as a `BIO_s_mem` with
//! `BIO_set_mem_eof_return(-1)` (an empty read asks to retry), without its costs.
//!
//! Why not `BIO_s_mem`: every write grows its `BUF_MEM` with `BUF_MEM_grow_clean`, which zeroes
//! the bytes it is about to overwrite (one extra pass over all traffic, visible in bulk
//! profiles), and the buffer keeps its largest size for the life of the connection. Here a
//! write appends to a `Vec`, a read consumes from the front, and small storage is freed whenever
//! the queue is drained, so a connection idle after its handshake holds no transport buffer.

use crate::ffi::BIO_get_new_index;
#[cfg(test)]
use crate::ffi::BIO_test_flags;
use openssl_sys as sys;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::sync::OnceLock;

const BIO_TYPE_SOURCE_SINK: c_int = 0x0400;
const BIO_FLAGS_READ: c_int = 0x01;
const BIO_FLAGS_RWS: c_int = 0x07;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_CTRL_EOF: c_int = 2;
const BIO_CTRL_GET_CLOSE: c_int = 8;
const BIO_CTRL_SET_CLOSE: c_int = 9;
/// The bytes waiting to be read (`BIO_pending`).
pub const BIO_CTRL_PENDING: c_int = 10;
const BIO_CTRL_FLUSH: c_int = 11;
const BIO_CTRL_DUP: c_int = 12;
const BIO_CTRL_WPENDING: c_int = 13;

/// Drained storage larger than this (about two full records) is kept rather than freed.
const KEEP_ABOVE: usize = 34 * 1024;
/// Input at least this large (a full record and its header) may become the queue (`append_owned`).
const ADOPT_FROM: usize = 16 * 1024 + 5;

/// The queued bytes are `buf[start..]`.
#[derive(Default)]
struct Queue {
    buf: Vec<u8>,
    start: usize,
    /// `buf` is a caller's read buffer (`append_owned`): freed once drained, so a connection
    /// idle after one large read keeps no read-sized buffer.
    adopted: bool,
}

struct Method(*mut sys::BIO_METHOD);
// The method table is immutable once built and OpenSSL only reads it.
unsafe impl Send for Method {}
unsafe impl Sync for Method {}

fn method() -> *mut sys::BIO_METHOD {
    static METHOD: OnceLock<Method> = OnceLock::new();
    METHOD
        .get_or_init(|| unsafe {
            let m = sys::BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, c"tls-rs queue".as_ptr());
            if !m.is_null() {
                sys::BIO_meth_set_write__fixed_rust(m, Some(queue_write));
                sys::BIO_meth_set_read__fixed_rust(m, Some(queue_read));
                sys::BIO_meth_set_ctrl__fixed_rust(m, Some(queue_ctrl));
                sys::BIO_meth_set_create__fixed_rust(m, Some(queue_create));
                sys::BIO_meth_set_destroy__fixed_rust(m, Some(queue_destroy));
            }
            Method(m)
        })
        .0
}

/// A new, empty queue BIO, or null if OpenSSL could not allocate one.
pub fn new_queue_bio() -> *mut sys::BIO {
    let m = method();
    if m.is_null() {
        return std::ptr::null_mut();
    }
    unsafe { sys::BIO_new(m) }
}

unsafe fn queue<'a>(bio: *mut sys::BIO) -> Option<&'a mut Queue> {
    unsafe { (sys::BIO_get_data(bio) as *mut Queue).as_mut() }
}

unsafe extern "C" fn queue_create(bio: *mut sys::BIO) -> c_int {
    unsafe {
        sys::BIO_set_data(bio, Box::into_raw(Box::<Queue>::default()) as *mut c_void);
        sys::BIO_set_init(bio, 1);
    }
    1
}

unsafe extern "C" fn queue_destroy(bio: *mut sys::BIO) -> c_int {
    if bio.is_null() {
        return 0;
    }
    unsafe {
        let data = sys::BIO_get_data(bio) as *mut Queue;
        if !data.is_null() {
            drop(Box::from_raw(data));
        }
        sys::BIO_set_data(bio, std::ptr::null_mut());
        sys::BIO_set_init(bio, 0);
    }
    1
}

unsafe extern "C" fn queue_write(bio: *mut sys::BIO, data: *const c_char, len: c_int) -> c_int {
    unsafe { sys::BIO_clear_flags(bio, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY) };
    let Some(q) = (unsafe { queue(bio) }) else { return -1 };
    if len <= 0 || data.is_null() {
        return 0;
    }
    let bytes = unsafe { std::slice::from_raw_parts(data as *const u8, len as usize) };
    q.append(bytes);
    len
}

/// Offers the queued bytes of `bio` (a queue BIO) to `send`, which returns how many of them it
/// took; the rest, if any, is moved out as an owned copy and the queue left empty. Lets a
/// caller hand ciphertext to the kernel straight from the queue, copying only what the kernel
/// would not take.
pub fn drain_queue(bio: *mut sys::BIO, send: impl FnOnce(&[u8]) -> usize) -> Vec<u8> {
    let Some(q) = (unsafe { queue(bio) }) else { return Vec::new() };
    let waiting = &q.buf[q.start..];
    if waiting.is_empty() {
        return Vec::new();
    }
    let sent = send(waiting).min(waiting.len());
    let rest = waiting[sent..].to_vec();
    q.start = q.buf.len();
    q.drained();
    rest
}

/// Appends `bytes` to the queue of `bio` (a queue BIO) and returns an empty buffer for the
/// caller's next input. When the queue is empty and `bytes` is large (at least a full record),
/// `bytes` becomes the queue without a copy and the queue's old storage is returned; otherwise
/// the bytes are copied in and `bytes` itself comes back. Small input is always copied, so a
/// connection holding a partial record never keeps a large buffer for it.
pub fn append_owned(bio: *mut sys::BIO, bytes: Vec<u8>) -> Vec<u8> {
    // Only a BIO whose creation failed half-way has no queue; new_queue_bio never returns one.
    let Some(q) = (unsafe { queue(bio) }) else { return Vec::new() };
    let mut spare = if q.start == q.buf.len() && bytes.len() >= ADOPT_FROM {
        q.start = 0;
        q.adopted = true;
        std::mem::replace(&mut q.buf, bytes)
    } else {
        q.append(&bytes);
        bytes
    };
    spare.clear();
    spare
}

impl Queue {
    fn append(&mut self, bytes: &[u8]) {
        // Reclaim the consumed front before growing, instead of growing past it.
        if self.start > 0 && self.buf.len() + bytes.len() > self.buf.capacity() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Called once everything is consumed. Small storage is freed (an idle connection keeps no
    /// buffer; a small malloc is cheap); large storage is kept for the next burst, as growing it
    /// again costs reallocations and page faults on every bulk write.
    fn drained(&mut self) {
        if self.adopted || self.buf.capacity() <= KEEP_ABOVE {
            *self = Queue::default();
        } else {
            self.buf.clear();
            self.start = 0;
        }
    }
}

unsafe extern "C" fn queue_read(bio: *mut sys::BIO, out: *mut c_char, len: c_int) -> c_int {
    unsafe { sys::BIO_clear_flags(bio, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY) };
    let Some(q) = (unsafe { queue(bio) }) else { return -1 };
    let waiting = q.buf.len() - q.start;
    if waiting == 0 {
        // As BIO_s_mem with eof_return -1: nothing yet, try again later.
        unsafe { sys::BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY) };
        return -1;
    }
    if len <= 0 || out.is_null() {
        return 0;
    }
    let n = waiting.min(len as usize);
    unsafe { std::ptr::copy_nonoverlapping(q.buf.as_ptr().add(q.start), out as *mut u8, n) };
    q.start += n;
    if q.start == q.buf.len() {
        q.drained();
    }
    n as c_int
}

unsafe extern "C" fn queue_ctrl(bio: *mut sys::BIO, cmd: c_int, _larg: c_long, _parg: *mut c_void) -> c_long {
    let waiting = unsafe { queue(bio) }.map_or(0, |q| q.buf.len() - q.start);
    match cmd {
        BIO_CTRL_PENDING => waiting as c_long,
        BIO_CTRL_EOF => c_long::from(waiting == 0),
        BIO_CTRL_FLUSH | BIO_CTRL_DUP => 1,
        // The SSL owns its BIOs and frees them (SSL_set_bio); BIO_CLOSE.
        BIO_CTRL_GET_CLOSE => 1,
        BIO_CTRL_SET_CLOSE => 1,
        BIO_CTRL_WPENDING => 0,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_written_in_order_and_asks_to_retry_when_empty() {
        let bio = new_queue_bio();
        assert!(!bio.is_null());
        unsafe {
            let mut out = [0u8; 8];
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, 8), -1);
            assert_ne!(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY), 0);
            assert_eq!(sys::BIO_write(bio, b"hello".as_ptr() as *const c_void, 5), 5);
            assert_eq!(sys::BIO_write(bio, b" world".as_ptr() as *const c_void, 6), 6);
            assert_eq!(sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()), 11);
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, 8), 8);
            assert_eq!(&out, b"hello wo");
            assert_eq!(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY), 0);
            // A write after a partial read keeps the order.
            assert_eq!(sys::BIO_write(bio, b"!".as_ptr() as *const c_void, 1), 1);
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, 8), 4);
            assert_eq!(&out[..4], b"rld!");
            assert_eq!(sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()), 0);
            sys::BIO_free_all(bio);
        }
    }

    #[test]
    fn append_owned_adopts_large_input_into_an_empty_queue_and_copies_the_rest() {
        let bio = new_queue_bio();
        unsafe {
            // A read buffer: read-sized capacity, a full record in it.
            let mut large = Vec::with_capacity(64 * 1024);
            large.resize(ADOPT_FROM, 7u8);
            let large_ptr = large.as_ptr();
            let spare = append_owned(bio, large);
            assert!(spare.is_empty());
            assert_eq!(queue(bio).unwrap().buf.as_ptr(), large_ptr, "adopted, not copied");
            // Not empty now: the next input is copied in after it, and comes back.
            let more = b"tail".to_vec();
            let more_ptr = more.as_ptr();
            let back = append_owned(bio, more);
            assert_eq!((back.as_ptr(), back.len()), (more_ptr, 0));
            assert_eq!(sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()), ADOPT_FROM as c_long + 4);
            let mut out = vec![0u8; ADOPT_FROM + 4];
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, out.len() as c_int), out.len() as c_int);
            assert!(out[..ADOPT_FROM].iter().all(|&b| b == 7));
            assert_eq!(&out[ADOPT_FROM..], b"tail");
            // Drained, the adopted buffer is freed, not kept as large storage.
            assert_eq!(queue(bio).unwrap().buf.capacity(), 0);
            // Small input into an empty queue is copied too.
            let small = b"abc".to_vec();
            let small_ptr = small.as_ptr();
            let back = append_owned(bio, small);
            assert_eq!(back.as_ptr(), small_ptr);
            assert_eq!(sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()), 3);
            sys::BIO_free_all(bio);
        }
    }

    #[test]
    fn drain_queue_offers_everything_and_returns_what_was_not_taken() {
        let bio = new_queue_bio();
        unsafe {
            let mut out = [0u8; 2];
            sys::BIO_write(bio, b"hello world".as_ptr() as *const c_void, 11);
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, 2), 2);
            let mut offered = Vec::new();
            let rest = drain_queue(bio, |bytes| {
                offered = bytes.to_vec();
                4
            });
            assert_eq!(offered, b"llo world");
            assert_eq!(rest, b"world");
            assert_eq!(sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()), 0);
            // All taken; and an empty queue offers nothing.
            sys::BIO_write(bio, b"abc".as_ptr() as *const c_void, 3);
            assert!(drain_queue(bio, |bytes| bytes.len()).is_empty());
            assert!(drain_queue(bio, |_| panic!("nothing to offer")).is_empty());
            // Writes after a drain start a fresh queue.
            sys::BIO_write(bio, b"xy".as_ptr() as *const c_void, 2);
            assert_eq!(sys::BIO_read(bio, out.as_mut_ptr() as *mut c_void, 2), 2);
            assert_eq!(&out, b"xy");
            sys::BIO_free_all(bio);
        }
    }
}
