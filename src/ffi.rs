//! Every OpenSSL function, callback type and struct layout that `openssl-sys` does not declare
//! (or declares with a Rust enum where OpenSSL may hand back any int). They live in the same
//! statically linked libcrypto/libssl, so declaring them is enough. No other file has an
//! `extern "C"` block.

#![allow(non_camel_case_types, clippy::upper_case_acronyms)]

use openssl_sys::{
    ASN1_OBJECT, ASN1_STRING, ASN1_TYPE, BIO, EC_GROUP, EC_KEY, EC_POINT, EVP_CIPHER_CTX, EVP_MAC_CTX, EVP_PKEY,
    OSSL_PARAM, PKCS12, RSA, SSL, SSL_CIPHER, SSL_CTX, SSL_SESSION, X509, X509_CRL, X509_NAME, X509_STORE, X509_STORE_CTX,
};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};

/// `OTHERNAME` (x509v3.h).
#[repr(C)]
pub struct OTHERNAME {
    pub type_id: *mut ASN1_OBJECT,
    pub value: *mut ASN1_TYPE,
}

/// OpenSSL's PSK callbacks (per SSL; openssl-sys only declares the SSL_CTX setters).
pub type PskClientCallback = unsafe extern "C" fn(
    ssl: *mut SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint;
pub type PskServerCallback =
    unsafe extern "C" fn(ssl: *mut SSL, identity: *const c_char, psk: *mut c_uchar, max_psk_len: c_uint) -> c_uint;
/// SSL_set_cert_cb's callback.
pub type CertCallback = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;
/// SSL_set_info_callback's callback.
pub type InfoCallback = unsafe extern "C" fn(*const SSL, c_int, c_int);
/// SSL_set_msg_callback's callback.
pub type MsgCallback = unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void);
/// SSL_CTX_set_security_callback's callback (OpenSSL 3's const-qualified form).
pub type SecurityCallback =
    unsafe extern "C" fn(s: *const SSL, ctx: *const SSL_CTX, op: c_int, bits: c_int, nid: c_int, other: *mut c_void, ex: *mut c_void) -> c_int;
/// SSL_CTX_set_tlsext_ticket_key_evp_cb's callback.
pub type TicketKeyEvpCallback =
    unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut c_uchar, *mut EVP_CIPHER_CTX, *mut EVP_MAC_CTX, c_int) -> c_int;

// The error queue.
extern "C" {
    pub fn ERR_print_errors_cb(cb: extern "C" fn(*const c_char, usize, *mut c_void) -> c_int, u: *mut c_void);
    pub fn ERR_print_errors(bp: *mut BIO);
    pub fn ERR_peek_error() -> c_ulong;
    pub fn ERR_error_string_n(e: c_ulong, buf: *mut c_char, len: usize);
    pub fn ERR_set_mark() -> c_int;
    pub fn ERR_pop_to_mark() -> c_int;
}

// SSL and SSL_CTX.
extern "C" {
    pub fn SSL_group_to_name(ssl: *mut SSL, id: c_int) -> *const c_char;
    pub fn SSL_CIPHER_get_auth_nid(cipher: *const SSL_CIPHER) -> c_int;
    pub fn SSL_get_SSL_CTX(ssl: *const SSL) -> *mut SSL_CTX;
    pub fn SSL_set_SSL_CTX(ssl: *mut SSL, ctx: *mut SSL_CTX) -> *mut SSL_CTX;
    pub fn SSL_certs_clear(ssl: *mut SSL);
    pub fn SSL_set_session_id_context(ssl: *mut SSL, sid_ctx: *const c_uchar, sid_ctx_len: c_uint) -> c_int;
    pub fn SSL_get_ciphers(ssl: *const SSL) -> *mut openssl_sys::stack_st_SSL_CIPHER;
    pub fn SSL_get_options(ssl: *const SSL) -> u64;
    pub fn SSL_set_options(ssl: *mut SSL, op: u64) -> u64;
    pub fn SSL_set_cert_cb(ssl: *mut SSL, cb: Option<CertCallback>, arg: *mut c_void);
    pub fn SSL_set_info_callback(ssl: *mut SSL, cb: Option<InfoCallback>);
    pub fn SSL_set_msg_callback(ssl: *mut SSL, cb: Option<MsgCallback>);
    pub fn SSL_trace(write_p: c_int, version: c_int, content_type: c_int, buf: *const c_void, len: usize, ssl: *mut SSL, arg: *mut c_void);
    pub fn SSL_renegotiate(ssl: *mut SSL) -> c_int;
    pub fn SSL_renegotiate_pending(ssl: *const SSL) -> c_int;
    pub fn SSL_in_init(ssl: *const SSL) -> c_int;
    pub fn SSL_set_psk_client_callback(ssl: *mut SSL, cb: Option<PskClientCallback>);
    pub fn SSL_set_psk_server_callback(ssl: *mut SSL, cb: Option<PskServerCallback>);
    pub fn SSL_use_psk_identity_hint(ssl: *mut SSL, hint: *const c_char) -> c_int;
    pub fn SSL_get_shared_sigalgs(
        ssl: *mut SSL,
        idx: c_int,
        psign: *mut c_int,
        phash: *mut c_int,
        psignhash: *mut c_int,
        rsig: *mut c_uchar,
        rhash: *mut c_uchar,
    ) -> c_int;
    pub fn SSL_dup_CA_list(list: *const openssl_sys::stack_st_X509_NAME) -> *mut openssl_sys::stack_st_X509_NAME;
    pub fn SSL_SESSION_get0_ticket(s: *const SSL_SESSION, tick: *mut *const c_uchar, len: *mut usize);
    pub fn SSL_CTX_get_cert_store(ctx: *const SSL_CTX) -> *mut X509_STORE;
    pub fn SSL_CTX_get_client_CA_list(ctx: *const SSL_CTX) -> *mut openssl_sys::stack_st_X509_NAME;
    pub fn SSL_CTX_set_timeout(ctx: *mut SSL_CTX, t: c_long) -> c_long;
    pub fn SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx: *mut SSL_CTX, cb: Option<TicketKeyEvpCallback>) -> c_int;
    pub fn SSL_CTX_get_security_callback(ctx: *const SSL_CTX) -> Option<SecurityCallback>;
    pub fn SSL_CTX_set_security_callback(ctx: *mut SSL_CTX, cb: Option<SecurityCallback>);
    pub fn SSL_CTX_get0_security_ex_data(ctx: *const SSL_CTX) -> *mut c_void;
    pub fn SSL_CTX_set0_security_ex_data(ctx: *mut SSL_CTX, ex: *mut c_void);
    #[cfg(test)]
    pub fn SSL_get1_supported_ciphers(s: *mut SSL) -> *mut openssl_sys::stack_st_SSL_CIPHER;
}

// BIOs.
extern "C" {
    pub fn BIO_get_new_index() -> c_int;
    pub fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut BIO;
    #[cfg(test)]
    pub fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int;
}

// Certificates, stores, keys.
extern "C" {
    pub fn X509_STORE_up_ref(store: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_load_file(store: *mut X509_STORE, file: *const c_char) -> c_int;
    pub fn X509_STORE_load_path(store: *mut X509_STORE, path: *const c_char) -> c_int;
    pub fn X509_STORE_add_crl(store: *mut X509_STORE, crl: *mut X509_CRL) -> c_int;
    pub fn X509_STORE_CTX_get1_issuer(issuer: *mut *mut X509, ctx: *mut X509_STORE_CTX, x: *mut X509) -> c_int;
    pub fn PEM_read_bio_X509_AUX(bp: *mut BIO, x: *mut *mut X509, cb: openssl_sys::pem_password_cb, u: *mut c_void) -> *mut X509;
    pub fn d2i_PKCS12_bio(bp: *mut BIO, p12: *mut *mut PKCS12) -> *mut PKCS12;
    pub fn X509_NAME_print_ex(out: *mut BIO, nm: *const X509_NAME, indent: c_int, flags: c_ulong) -> c_int;
    pub fn X509_check_ca(x: *mut X509) -> c_int;
    pub fn X509_get0_pubkey(x: *const X509) -> *mut EVP_PKEY;
    pub fn X509_get0_pubkey_bitstr(x: *const X509) -> *mut ASN1_STRING;
    pub fn EVP_PKEY_get0_RSA(pkey: *const EVP_PKEY) -> *const RSA;
    pub fn EVP_PKEY_get0_EC_KEY(pkey: *const EVP_PKEY) -> *const EC_KEY;
    pub fn EC_KEY_get_conv_form(key: *const EC_KEY) -> c_int;
    pub fn EC_POINT_point2oct(
        group: *const EC_GROUP,
        p: *const EC_POINT,
        form: c_int,
        buf: *mut c_uchar,
        len: usize,
        ctx: *mut c_void,
    ) -> usize;
    pub fn EC_curve_nid2nist(nid: c_int) -> *const c_char;
    #[cfg(test)]
    pub fn BN_print(bio: *mut BIO, a: *const openssl_sys::BIGNUM) -> c_int;
    pub fn i2t_ASN1_OBJECT(buf: *mut c_char, buf_len: c_int, a: *const ASN1_OBJECT) -> c_int;
    pub fn OSSL_PARAM_construct_utf8_string(key: *const c_char, buf: *mut c_char, bsize: usize) -> OSSL_PARAM;
}

/// `OSSL_ECHSTORE` (ech.h): a set of ECHConfigs, with their private keys on a server.
pub enum OSSL_ECHSTORE {}

/// `OSSL_HPKE_SUITE` (hpke.h): the KEM, KDF and AEAD of an ECHConfig.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OSSL_HPKE_SUITE {
    pub kem_id: u16,
    pub kdf_id: u16,
    pub aead_id: u16,
}

// Encrypted Client Hello (OpenSSL 4.0, ech.h).
extern "C" {
    pub fn OSSL_ECHSTORE_new(libctx: *mut c_void, propq: *const c_char) -> *mut OSSL_ECHSTORE;
    pub fn OSSL_ECHSTORE_free(es: *mut OSSL_ECHSTORE);
    pub fn OSSL_ECHSTORE_new_config(
        es: *mut OSSL_ECHSTORE,
        echversion: u16,
        max_name_length: u8,
        public_name: *const c_char,
        suite: OSSL_HPKE_SUITE,
    ) -> c_int;
    pub fn OSSL_ECHSTORE_write_pem(es: *mut OSSL_ECHSTORE, index: c_int, out: *mut BIO) -> c_int;
    pub fn OSSL_ECHSTORE_read_pem(es: *mut OSSL_ECHSTORE, inp: *mut BIO, for_retry: c_int) -> c_int;
    pub fn SSL_CTX_set1_echstore(ctx: *mut SSL_CTX, es: *mut OSSL_ECHSTORE) -> c_int;
    pub fn SSL_set1_ech_config_list(ssl: *mut SSL, ecl: *const u8, ecl_len: usize) -> c_int;
    pub fn SSL_ech_get1_status(s: *mut SSL, inner_sni: *mut *mut c_char, outer_sni: *mut *mut c_char) -> c_int;
    pub fn SSL_ech_get1_retry_config(s: *mut SSL, ec: *mut *mut c_uchar, eclen: *mut usize) -> c_int;
}
