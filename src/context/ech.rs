//! A server's Encrypted Client Hello keys: each an ECHConfig with its private key, in the PEM
//! form OpenSSL 4.0 reads and writes (`openssl ech`, nginx's `ssl_ech_file`: a PRIVATE KEY
//! block, then an ECHCONFIG block holding a base64 ECHConfigList). Several at once allow key
//! rotation: every key decrypts; only those marked `retry` go back to clients as retry configs.

use crate::error::OpenSslError;
use crate::ffi::{
    OSSL_ECHSTORE, OSSL_ECHSTORE_free, OSSL_ECHSTORE_new, OSSL_ECHSTORE_new_config, OSSL_ECHSTORE_read_pem,
    OSSL_ECHSTORE_write_pem, OSSL_HPKE_SUITE, SSL_CTX_set1_echstore,
};
use crate::mem_bio::MemBio;
use openssl_sys as sys;
use std::ffi::CString;
use std::ptr;

/// OSSL_ECH_RFC9849_VERSION (ech.h).
const ECH_VERSION: u16 = 0xfe0d;
/// OSSL_ECHSTORE_LAST (ech.h): the entry just made (key and config; ALL writes configs only).
const LAST_ENTRY: i32 = -1;
/// OSSL_HPKE_SUITE_DEFAULT: X25519, HKDF-SHA256, AES-128-GCM.
const DEFAULT_SUITE: OSSL_HPKE_SUITE = OSSL_HPKE_SUITE { kem_id: 0x20, kdf_id: 0x1, aead_id: 0x1 };
/// SSL_OP_ECH_TRIALDECRYPT (ssl.h): when the key whose config_id the client names does not
/// decrypt its hello, try every key.
const SSL_OP_ECH_TRIALDECRYPT: u64 = 1 << 38;

/// An OSSL_ECHSTORE owned by Rust.
struct Store(*mut OSSL_ECHSTORE);

impl Store {
    fn new() -> Result<Self, OpenSslError> {
        let es = unsafe { OSSL_ECHSTORE_new(ptr::null_mut(), ptr::null()) };
        if es.is_null() {
            return Err(failure("cannot make an ECH key store"));
        }
        Ok(Store(es))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        unsafe { OSSL_ECHSTORE_free(self.0) };
    }
}

/// OpenSSL's first queued error, or `message`; the queue is left empty.
fn failure(message: &str) -> OpenSslError {
    let err = OpenSslError::take().unwrap_or_else(|| OpenSslError::plain(message, "ERR_SSL_ECH"));
    unsafe { sys::ERR_clear_error() };
    err
}

/// Puts `keys` (PEM bytes, and whether its config is sent as a retry config) on the context,
/// replacing any set before (an empty list removes them). Fails with the index of the first
/// key OpenSSL cannot read.
pub fn set_keys(ctx: *mut sys::SSL_CTX, keys: &[(&[u8], bool)]) -> Result<(), (usize, OpenSslError)> {
    if keys.is_empty() {
        unsafe { SSL_CTX_set1_echstore(ctx, ptr::null_mut()) };
        unsafe { sys::ERR_clear_error() };
        return Ok(());
    }
    let store = Store::new().map_err(|e| (0, e))?;
    for (i, (pem, retry)) in keys.iter().enumerate() {
        let bio = MemBio::reading(pem).ok_or_else(|| (i, failure("ECH key too large")))?;
        if unsafe { OSSL_ECHSTORE_read_pem(store.0, bio.as_ptr(), *retry as i32) } != 1 {
            return Err((i, failure("not an ECH key")));
        }
    }
    if unsafe { SSL_CTX_set1_echstore(ctx, store.0) } != 1 {
        return Err((0, failure("cannot set the ECH keys")));
    }
    // A config_id is one random byte: two keys of a rotation share it once in 256. OpenSSL then
    // tries only the first of them, and a client with the other's config is rejected; trial
    // decryption finds its key. Only then, as it costs every key's decryption for a hello that
    // none decrypts (GREASE).
    let ids: Vec<Option<u8>> = keys.iter().map(|(pem, _)| config_id(pem)).collect();
    let shared = ids.iter().enumerate().any(|(i, id)| id.is_none() || ids[..i].contains(id));
    unsafe {
        if shared {
            sys::SSL_CTX_set_options(ctx, SSL_OP_ECH_TRIALDECRYPT as _);
        } else {
            sys::SSL_CTX_clear_options(ctx, SSL_OP_ECH_TRIALDECRYPT as _);
        }
    }
    Ok(())
}

/// The config_id of the first ECHConfig in an ECH key PEM's ECHCONFIG block, None when it
/// cannot be read (OpenSSL read the block; such a key is treated as sharing its id).
fn config_id(pem: &[u8]) -> Option<u8> {
    const BEGIN: &[u8] = b"-----BEGIN ECHCONFIG-----";
    const END: &[u8] = b"-----END ECHCONFIG-----";
    let start = pem.windows(BEGIN.len()).position(|w| w == BEGIN)? + BEGIN.len();
    let len = pem[start..].windows(END.len()).position(|w| w == END)?;
    let text: String = pem[start..start + len].iter().filter(|b| !b.is_ascii_whitespace()).map(|&b| b as char).collect();
    let list = openssl::base64::decode_block(&text).ok()?;
    // ECHConfigList: u16 length, then ECHConfig: u16 version, u16 length, u8 config_id.
    list.get(6).copied()
}

/// A new X25519 ECH key and its ECHConfig for `public_name` (RFC 9849 version, HKDF-SHA256,
/// AES-128-GCM; `max_name_length` 0 lets clients pad as they see fit), as the PEM `set_keys`
/// and `openssl ech` read.
pub fn generate(public_name: &str, max_name_length: u8) -> Result<String, OpenSslError> {
    let name = CString::new(public_name).map_err(|_| OpenSslError::plain("public name contains a NUL byte", "ERR_SSL_ECH"))?;
    let store = Store::new()?;
    if unsafe { OSSL_ECHSTORE_new_config(store.0, ECH_VERSION, max_name_length, name.as_ptr(), DEFAULT_SUITE) } != 1 {
        return Err(failure("cannot make an ECH config"));
    }
    let out = MemBio::writable().ok_or_else(|| failure("cannot make a BIO"))?;
    if unsafe { OSSL_ECHSTORE_write_pem(store.0, LAST_ENTRY, out.as_ptr()) } != 1 {
        return Err(failure("cannot write the ECH key"));
    }
    Ok(out.take_string())
}
