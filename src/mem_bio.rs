//! `MemBio`: an OpenSSL memory BIO owned by Rust, freed on drop — read-only over borrowed bytes
//! (PEM/DER input for the context) or writable (text OpenSSL prints for certificate objects).
//! The connection's transport BIOs are another kind (conn/bio.rs).

use openssl_sys as sys;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_void};

const BIO_CTRL_RESET: c_int = 1;
const BIO_CTRL_INFO: c_int = 3;

/// A memory BIO; `'a` is the lifetime of the bytes a read-only one borrows.
pub struct MemBio<'a>(*mut sys::BIO, PhantomData<&'a [u8]>);

impl<'a> MemBio<'a> {
    /// A BIO reading `data` (not copied); None when OpenSSL cannot make one or `data` is too
    /// large for it.
    pub fn reading(data: &'a [u8]) -> Option<Self> {
        let len = c_int::try_from(data.len()).ok()?;
        let bio = unsafe { sys::BIO_new_mem_buf(data.as_ptr() as *const c_void, len) };
        (!bio.is_null()).then_some(MemBio(bio, PhantomData))
    }
}

impl MemBio<'static> {
    /// An empty BIO to print into; None when OpenSSL cannot make one.
    pub fn writable() -> Option<Self> {
        let bio = unsafe { sys::BIO_new(sys::BIO_s_mem()) };
        (!bio.is_null()).then_some(MemBio(bio, PhantomData))
    }
}

impl MemBio<'_> {
    /// The raw BIO, for OpenSSL calls; it stays owned by `self`.
    pub fn as_ptr(&self) -> *mut sys::BIO {
        self.0
    }

    /// What the BIO holds now (what was printed into it, or what is left to read).
    pub fn bytes(&self) -> &[u8] {
        let mut data: *mut c_char = std::ptr::null_mut();
        let len = unsafe { sys::BIO_ctrl(self.0, BIO_CTRL_INFO, 0, &mut data as *mut *mut c_char as *mut c_void) };
        if data.is_null() || len <= 0 {
            return &[];
        }
        unsafe { std::slice::from_raw_parts(data as *const u8, len as usize) }
    }

    /// The contents as a JS string would decode them (invalid UTF-8 → U+FFFD), then empties the
    /// BIO (Node's ToV8Value).
    pub fn take_string(&self) -> String {
        let s = String::from_utf8_lossy(self.bytes()).into_owned();
        unsafe { sys::BIO_ctrl(self.0, BIO_CTRL_RESET, 0, std::ptr::null_mut()) };
        s
    }
}

impl Drop for MemBio<'_> {
    fn drop(&mut self) {
        unsafe { sys::BIO_free_all(self.0) };
    }
}
