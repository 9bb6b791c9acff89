//! Session-ticket keys as Node keeps them: 48 bytes per context, laid out
//! `name (16) ‖ HMAC-SHA256 key (16) ‖ AES-128-CBC key (16)`, random at context creation, read and
//! replaced through `getTicketKeys()` / `setTicketKeys()`.
//!
//! Beyond Node, a context can hold a key ring: the first key seals new tickets, and tickets sealed
//! under the others are still accepted — and renewed under the first — so keys can be rotated
//! without a wave of full handshakes.
//!
//! The ticket callback is Node's TicketCompatibilityCallback (crypto_context.cc): it makes
//! OpenSSL seal tickets with these keys exactly as OpenSSL 1.0.x did, so a tls-rs server and a
//! Node server given the same 48 bytes accept each other's tickets. It uses OpenSSL 3's
//! EVP_MAC variant of the callback; the tickets on the wire are the same.

use crate::ffi::{OSSL_PARAM_construct_utf8_string, SSL_CTX_set_tlsext_ticket_key_evp_cb};
use foreign_types_shared::ForeignTypeRef;
use openssl::error::ErrorStack;
use openssl::ex_data::Index;
use openssl::ssl::{SslContext, SslContextBuilder, SslContextRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar};
use std::sync::{Mutex, OnceLock};

/// Length of Node's ticket keys.
pub const TICKET_KEYS_LEN: usize = 48;
const PART: usize = 16;

/// One context's key ring, the current key first (never empty). Behind a mutex because OpenSSL
/// may seal or open a ticket on a handshake worker while JS replaces the keys.
struct TicketKeys(Mutex<Vec<[u8; TICKET_KEYS_LEN]>>);

fn keys_index() -> Index<SslContext, TicketKeys> {
    static INDEX: OnceLock<Index<SslContext, TicketKeys>> = OnceLock::new();
    *INDEX.get_or_init(|| SslContext::new_ex_index().expect("SSL_CTX ex_data index"))
}

/// Node's SecureContext::Init step for tickets: fresh random keys and the callback using them.
pub fn install(builder: &mut SslContextBuilder) -> Result<(), ErrorStack> {
    let mut keys = [0u8; TICKET_KEYS_LEN];
    openssl::rand::rand_bytes(&mut keys)?;
    builder.set_ex_data(keys_index(), TicketKeys(Mutex::new(vec![keys])));
    unsafe { SSL_CTX_set_tlsext_ticket_key_evp_cb(builder.as_ptr(), Some(ticket_key_callback)) };
    Ok(())
}

/// The context's key ring, current key first (None for a context `install` never saw).
pub fn get(ctx: &SslContextRef) -> Option<Vec<[u8; TICKET_KEYS_LEN]>> {
    ctx.ex_data(keys_index()).map(|k| k.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
}

/// Replaces the context's key ring (`keys` non-empty, current first); tickets sealed under keys
/// not in it are no longer accepted. Returns false for a context without keys or an empty ring.
pub fn set(ctx: &SslContextRef, keys: &[[u8; TICKET_KEYS_LEN]]) -> bool {
    match ctx.ex_data(keys_index()) {
        Some(k) if !keys.is_empty() => {
            *k.0.lock().unwrap_or_else(|e| e.into_inner()) = keys.to_vec();
            true
        }
        _ => false,
    }
}

/// AES-128-CBC fetched from the default provider once: `EVP_aes_128_cbc()` is a legacy
/// cipher that EVP_EncryptInit_ex / EVP_DecryptInit_ex fetch again by name on every ticket
/// sealed or opened. None when the fetch fails (the legacy cipher is used then).
fn ticket_cipher() -> *const sys::EVP_CIPHER {
    static CIPHER: OnceLock<Option<openssl::cipher::Cipher>> = OnceLock::new();
    match CIPHER.get_or_init(|| openssl::cipher::Cipher::fetch(None, "AES-128-CBC", None).ok()) {
        Some(cipher) => cipher.as_ptr(),
        None => unsafe { sys::EVP_aes_128_cbc() },
    }
}

/// Sets the ticket HMAC (SHA-256 with `key`) on OpenSSL's MAC context.
unsafe fn init_hmac(hctx: *mut sys::EVP_MAC_CTX, key: &[u8]) -> bool {
    let mut key: [u8; PART] = match key.try_into() {
        Ok(key) => key,
        Err(_) => return false,
    };
    let mut digest = *b"SHA256\0";
    let params = [
        sys::OSSL_PARAM_construct_octet_string(c"key".as_ptr(), key.as_mut_ptr().cast(), key.len()),
        OSSL_PARAM_construct_utf8_string(c"digest".as_ptr(), digest.as_mut_ptr().cast(), 0),
        sys::OSSL_PARAM_construct_end(),
    ];
    sys::EVP_MAC_CTX_set_params(hctx, params.as_ptr()) > 0
}

/// Node's TicketCompatibilityCallback. Sealing (`enc` = 1): the current key's name, a random IV,
/// AES-128-CBC and HMAC-SHA256 with the current keys. Opening: 0 (ignore the ticket, full
/// handshake) when no key of the ring has the ticket's name, 1 for the current key, 2 (accept
/// and issue a new ticket) for an older one.
unsafe extern "C" fn ticket_key_callback(
    ssl: *mut sys::SSL,
    name: *mut c_uchar,
    iv: *mut c_uchar,
    ectx: *mut sys::EVP_CIPHER_CTX,
    hctx: *mut sys::EVP_MAC_CTX,
    enc: c_int,
) -> c_int {
    let ctx = SslContextRef::from_ptr(crate::ffi::SSL_get_SSL_CTX(ssl));
    let Some(ring) = ctx.ex_data(keys_index()) else { return -1 };
    // The one key this ticket needs, copied out of the lock (no allocation per ticket).
    let (position, keys) = {
        let ring = ring.0.lock().unwrap_or_else(|e| e.into_inner());
        let position = if enc != 0 {
            0
        } else {
            let ticket_name = std::slice::from_raw_parts(name, PART);
            match ring.iter().position(|keys| &keys[..PART] == ticket_name) {
                Some(position) => position,
                // Not our key: discard the ticket.
                None => return 0,
            }
        };
        let Some(keys) = ring.get(position) else { return -1 };
        (position, *keys)
    };
    let (key_name, rest) = keys.split_at(PART);
    let (hmac_key, aes_key) = rest.split_at(PART);
    if enc != 0 {
        std::ptr::copy_nonoverlapping(key_name.as_ptr(), name, PART);
        if sys::RAND_bytes(iv, PART as c_int) <= 0
            || sys::EVP_EncryptInit_ex(ectx, ticket_cipher(), std::ptr::null_mut(), aes_key.as_ptr(), iv) <= 0
            || !init_hmac(hctx, hmac_key)
        {
            return -1;
        }
        return 1;
    }
    if sys::EVP_DecryptInit_ex(ectx, ticket_cipher(), std::ptr::null_mut(), aes_key.as_ptr(), iv) <= 0
        || !init_hmac(hctx, hmac_key)
    {
        return -1;
    }
    if position == 0 { 1 } else { 2 }
}
