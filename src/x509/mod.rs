//! X509 → the plain object `getPeerCertificate()` / `getCertificate()` return. This file builds
//! the object; alt_names.rs renders subjectaltname / infoAccess text, chain.rs assembles the
//! peer's issuer chain, identity.rs answers the plain host-name check without the object.
//!
//! A field-by-field port of Node 20's `X509ToObject` and `GetPeerCert` (src/crypto/crypto_common.cc)
//! with `translatePeerCertificate` (lib/_tls_common.js) already applied, so the object handed to JS
//! is final: `infoAccess` is the parsed null-prototype object, not the raw text.
//!
//! Node 22 and 24 build the object differently (ncrypto); `set_object_style` picks the running
//! Node's (see `ObjectStyle`).
//!
//! Certificates come from the network: nothing here panics on their content. A field OpenSSL cannot
//! decode is left out (or `null`, where Node puts `null`), exactly as Node's `Set()` skips
//! `undefined`.

mod alt_names;
mod chain;
mod identity;

pub use chain::peer_certificate;
pub use identity::host_matches_dns_name;

use foreign_types_shared::ForeignTypeRef;
use napi::bindgen_prelude::*;
use openssl::hash::MessageDigest;
use openssl::x509::X509Ref;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uchar, c_ulong, c_void};
use std::sync::atomic::{AtomicU8, Ordering};

use crate::ffi;
use crate::mem_bio::MemBio;
use alt_names::{free_asn1_object, info_access_text, parse_info_access, subject_alt_name, Text};

const NID_UNDEF: c_int = 0;
const POINT_CONVERSION_UNCOMPRESSED: c_int = 4;
const NID_SUBJECT_ALT_NAME: c_int = 85;
const NID_INFO_ACCESS: c_int = 177;
const NID_EXT_KEY_USAGE: c_int = 126;
const NID_MS_UPN: c_int = 649;
const NID_ID_ON_SMTPUTF8MAILBOX: c_int = 1208;
const NID_XMPPADDR: c_int = 1209;
const NID_SRVNAME: c_int = 1210;
const NID_NAIREALM: c_int = 1211;
const EVP_PKEY_RSA: c_int = 6;
const EVP_PKEY_EC: c_int = 408;
const EVP_PKEY_RSA_PSS: c_int = 912;
const V_ASN1_UTF8STRING: c_int = 12;
const V_ASN1_IA5STRING: c_int = 22;
/// `XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~ASN1_STRFLGS_ESC_CTRL` (Node's
/// kX509NameFlagsRFC2253WithinUtf8JSON), used for `DirName:` entries.
const NAME_FLAGS_RFC2253_WITHIN_UTF8_JSON: c_ulong = 0x1110317 & !0x4 & !0x2;
/// Store lookups after the peer's own chain ends; Node loops without bound (a store holding a
/// cross-signing cycle would hang it), we stop here.
const MAX_STORE_ISSUERS: usize = 64;

/// Whose X509ToObject the objects follow (lib/host-tls.js reads it off the running Node):
/// 20 for Node 18/20; 22 for Node 22 — a name value that cannot be converted drops that entry
/// only, OIDs are not truncated, RSA-PSS keys get the RSA fields, `exponent` is the whole number
/// in uppercase hex, a subjectAltName that is empty or cannot be printed reads "DNS:" and such an
/// infoAccess is left out; 24 for Node 24 — Node 22's values under a fixed key order
/// (`NODE_24_KEYS`), a key without a value holding `undefined`.
static OBJECT_STYLE: AtomicU8 = AtomicU8::new(20);

/// Node 24's keys, in its order (a dictionary template): every object has them all.
const NODE_24_KEYS: [&str; 19] = [
    "subject", "issuer", "subjectaltname", "infoAccess", "ca", "modulus", "exponent", "pubkey", "bits",
    "valid_from", "valid_to", "fingerprint", "fingerprint256", "fingerprint512", "ext_key_usage", "serialNumber",
    "raw", "asn1Curve", "nistCurve",
];

/// Sets whose objects are built: 20, 22 or 24 (anything else counts as the nearest older one).
pub fn set_object_style(major: u32) {
    let style = if major >= 24 { 24 } else if major >= 22 { 22 } else { 20 };
    OBJECT_STYLE.store(style, Ordering::Relaxed);
}

fn object_style() -> u8 {
    OBJECT_STYLE.load(Ordering::Relaxed)
}

/// A C string OpenSSL returned (static or in a local buffer), or None for NULL.
pub(super) fn c_str<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        unsafe { CStr::from_ptr(p) }.to_str().ok()
    }
}

/// `OBJ_obj2txt` into a buffer of `N` bytes (truncating like Node's fixed buffers).
pub(super) fn obj_to_text<const N: usize>(obj: *const sys::ASN1_OBJECT, no_name: bool) -> Option<String> {
    if obj.is_null() {
        return None;
    }
    let mut buf = [0 as c_char; N];
    let n = unsafe { sys::OBJ_obj2txt(buf.as_mut_ptr(), N as c_int, obj, no_name as c_int) };
    if n < 0 {
        return None;
    }
    buf[N - 1] = 0;
    Some(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// `OBJ_obj2txt` of any length (Node 22+ sizes its buffer), or None for NULL.
pub(super) fn obj_to_full_text(obj: *const sys::ASN1_OBJECT, no_name: bool) -> Option<String> {
    if obj.is_null() {
        return None;
    }
    let len = unsafe { sys::OBJ_obj2txt(std::ptr::null_mut(), 0, obj, no_name as c_int) };
    if len < 0 {
        return None;
    }
    let mut buf = vec![0 as c_char; len as usize + 1];
    unsafe { sys::OBJ_obj2txt(buf.as_mut_ptr(), buf.len() as c_int, obj, no_name as c_int) };
    buf[len as usize] = 0;
    Some(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// An OID as the running Node prints it: truncated to `N - 1` bytes up to Node 20, whole from 22.
pub(super) fn oid_text<const N: usize>(obj: *const sys::ASN1_OBJECT, no_name: bool) -> Option<String> {
    if object_style() >= 22 { obj_to_full_text(obj, no_name) } else { obj_to_text::<N>(obj, no_name) }
}

/// The bytes of an ASN1_STRING (empty for NULL).
pub(super) fn asn1_bytes<'a>(s: *const sys::ASN1_STRING) -> &'a [u8] {
    if s.is_null() {
        return &[];
    }
    let (data, len) = unsafe { (sys::ASN1_STRING_get0_data(s), sys::ASN1_STRING_length(s)) };
    if data.is_null() || len <= 0 {
        return &[];
    }
    unsafe { std::slice::from_raw_parts(data, len as usize) }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Uppercase hex pairs joined by ':' (Node's AddFingerprintDigest).
pub(super) fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        // A table, not format!: fingerprints are built on every client handshake.
        out.push(HEX_UPPER[usize::from(b >> 4)] as char);
        out.push(HEX_UPPER[usize::from(b & 0x0f)] as char);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Distinguished names.

/// `subject` / `issuer` entries in order: short name (or dotted OID) → values. None when a value
/// cannot be converted to UTF-8 (Node 18/20 then leave the whole field out; 22+ skip that entry).
pub(super) fn name_entries(name: *const sys::X509_NAME) -> Option<Vec<(String, Vec<String>)>> {
    if name.is_null() {
        return None;
    }
    let count = unsafe { sys::X509_NAME_entry_count(name) }.max(0);
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..count {
        let entry = unsafe { sys::X509_NAME_get_entry(name, i) };
        if entry.is_null() {
            return None;
        }
        let (object, data) = unsafe { (sys::X509_NAME_ENTRY_get_object(entry), sys::X509_NAME_ENTRY_get_data(entry)) };
        let nid = if object.is_null() { NID_UNDEF } else { unsafe { sys::OBJ_obj2nid(object) } };
        let key = match (nid != NID_UNDEF).then(|| c_str(unsafe { sys::OBJ_nid2sn(nid) })).flatten() {
            Some(short) => short.to_string(),
            None => oid_text::<80>(object, true).unwrap_or_default(),
        };
        let mut utf8: *mut c_uchar = std::ptr::null_mut();
        let len = unsafe { sys::ASN1_STRING_to_UTF8(&mut utf8, data) };
        if len < 0 {
            if object_style() >= 22 {
                continue;
            }
            return None;
        }
        let value = if utf8.is_null() {
            String::new()
        } else {
            let v = String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(utf8, len as usize) }).into_owned();
            unsafe { sys::CRYPTO_free(utf8 as *mut c_void, c"x509.rs".as_ptr(), line!() as c_int) };
            v
        };
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => entries.push((key, vec![value])),
        }
    }
    Some(entries)
}

// ---------------------------------------------------------------------------------------------
// Public key fields.

/// What Node's BN_print writes (uppercase hex, no leading zero digit), from one BN_bn2hex:
/// BN_print makes one BIO_write per digit, 512 of them for an RSA-2048 modulus.
fn bn_print_text(n: *const sys::BIGNUM) -> Result<String> {
    // SAFETY: `n` is a key component the key owns, alive for this call.
    let bn = unsafe { openssl::bn::BigNumRef::from_ptr(n as *mut sys::BIGNUM) };
    let hex = bn.to_hex_str().map_err(|e| Error::from_reason(e.to_string()))?;
    let (sign, digits) = hex.strip_prefix('-').map_or(("", &hex[..]), |d| ("-", d));
    let digits = if digits.len() > 1 { digits.strip_prefix('0').unwrap_or(digits) } else { digits };
    Ok(format!("{sign}{digits}"))
}

/// `modulus`, `bits`, `exponent`, `pubkey` of an RSA key (Node's order).
fn set_rsa_fields(env: &Env, info: &mut Object, rsa: *const sys::RSA) -> Result<()> {
    let (mut n, mut e, mut d) = (std::ptr::null(), std::ptr::null(), std::ptr::null());
    unsafe { sys::RSA_get0_key(rsa, &mut n, &mut e, &mut d) };
    if n.is_null() || e.is_null() {
        return Ok(());
    }
    info.set_named_property("modulus", bn_print_text(n)?)?;
    info.set_named_property("bits", unsafe { sys::BN_num_bits(n) })?;
    if object_style() >= 22 {
        info.set_named_property("exponent", format!("0x{}", bn_print_text(e)?))?;
    } else {
        info.set_named_property("exponent", format!("0x{:x}", bn_get_word(e)))?;
    }
    let size = unsafe { sys::i2d_RSA_PUBKEY(rsa, std::ptr::null_mut()) };
    if size > 0 {
        let mut der = vec![0u8; size as usize];
        let mut p = der.as_mut_ptr();
        if unsafe { sys::i2d_RSA_PUBKEY(rsa, &mut p) } == size {
            info.set_named_property("pubkey", BufferSlice::copy_from(env, &der)?)?;
        }
    }
    Ok(())
}

/// BN_get_word on a 64-bit BN_ULONG: the value, or all ones when it does not fit.
fn bn_get_word(bn: *const sys::BIGNUM) -> u64 {
    let bytes = unsafe { openssl::bn::BigNumRef::from_ptr(bn as *mut sys::BIGNUM) }.to_vec();
    if bytes.len() > 8 {
        return u64::MAX;
    }
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64)
}

/// `bits`, `pubkey`, `asn1Curve`, `nistCurve` of an EC key (Node's order).
fn set_ec_fields(env: &Env, info: &mut Object, cert: &X509Ref, ec: *const sys::EC_KEY) -> Result<()> {
    let group = unsafe { sys::EC_KEY_get0_group(ec) };
    if !group.is_null() {
        let bits = unsafe { sys::EC_GROUP_order_bits(group) };
        if bits > 0 {
            info.set_named_property("bits", bits)?;
        }
    }
    let point = unsafe { sys::EC_KEY_get0_public_key(ec) };
    if !point.is_null() && !group.is_null() {
        let form = unsafe { ffi::EC_KEY_get_conv_form(ec) };
        // An uncompressed point is the certificate's own key bytes: no field inversion needed.
        let encoded = asn1_bytes(unsafe { ffi::X509_get0_pubkey_bitstr(cert.as_ptr()) });
        let field_bytes = (unsafe { sys::EC_GROUP_get_degree(group) } as usize).div_ceil(8);
        if form == POINT_CONVERSION_UNCOMPRESSED && encoded.first() == Some(&4) && encoded.len() == 1 + 2 * field_bytes {
            info.set_named_property("pubkey", BufferSlice::copy_from(env, encoded)?)?;
            return set_ec_curve_fields(info, group);
        }
        // One call into a buffer big enough for any curve (P-521 uncompressed: 133 bytes): each
        // point2oct converts the point to affine coordinates, a field inversion.
        let mut buf = [0u8; 160];
        let written =
            unsafe { ffi::EC_POINT_point2oct(group, point, form, buf.as_mut_ptr(), buf.len(), std::ptr::null_mut()) };
        if written > 0 {
            info.set_named_property("pubkey", BufferSlice::copy_from(env, &buf[..written])?)?;
        }
    }
    set_ec_curve_fields(info, group)
}

/// `asn1Curve`, `nistCurve` of an EC key's group (may be null).
fn set_ec_curve_fields(info: &mut Object, group: *const sys::EC_GROUP) -> Result<()> {
    let nid = if group.is_null() { NID_UNDEF } else { unsafe { sys::EC_GROUP_get_curve_name(group) } };
    if nid != NID_UNDEF {
        if let Some(name) = c_str(unsafe { sys::OBJ_nid2sn(nid) }) {
            info.set_named_property("asn1Curve", name)?;
        }
        if let Some(name) = c_str(unsafe { ffi::EC_curve_nid2nist(nid) }) {
            info.set_named_property("nistCurve", name)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The certificate object.

/// Builds JS values; `Object.create` makes the null-prototype objects Node uses.
pub(super) struct Builder<'e> {
    env: &'e Env,
    create: Function<'e, FnArgs<(Null,)>, Object<'e>>,
}

impl<'e> Builder<'e> {
    /// A builder for objects in `env`.
    pub(super) fn new(env: &'e Env) -> Result<Self> {
        // `Object` is a function; read its `create` property through an object view of it.
        let object_ctor: Unknown<'e> = env.get_global()?.get_named_property("Object")?;
        let create = Object::from_raw(env.raw(), object_ctor.raw()).get_named_property("create")?;
        Ok(Builder { env, create })
    }

    fn null_proto_object(&self) -> Result<Object<'e>> {
        // A one-element tuple: a bare zero-sized `Null` would be passed as "no arguments".
        self.create.call(FnArgs::from((Null,)))
    }

    /// A null-prototype object; keys seen once hold a string, repeated keys an array.
    fn grouped(&self, entries: Vec<(String, Vec<String>)>, always_array: bool) -> Result<Object<'e>> {
        let mut obj = self.null_proto_object()?;
        for (key, mut values) in entries {
            if values.len() == 1 && !always_array {
                obj.set_named_property(&key, values.pop().unwrap_or_default())?;
            } else {
                obj.set_named_property(&key, values)?;
            }
        }
        Ok(obj)
    }

    /// Node's X509ToObject.
    pub(super) fn certificate(&self, cert: &X509Ref) -> Result<Object<'e>> {
        let env = self.env;
        let mut info = Object::new(env)?;
        let style = object_style();
        if style >= 24 {
            for key in NODE_24_KEYS {
                info.set_named_property(key, ())?;
            }
        }

        for (key, name) in [("subject", cert.subject_name()), ("issuer", cert.issuer_name())] {
            if let Some(entries) = name_entries(name.as_ptr()) {
                info.set_named_property(key, self.grouped(entries, false)?)?;
            }
        }
        match (subject_alt_name(cert), style >= 22) {
            (Text::Absent, _) => {}
            (Text::Null, false) => info.set_named_property("subjectaltname", Null)?,
            (Text::Value(s), false) => info.set_named_property("subjectaltname", s)?,
            (Text::Value(s), true) if !s.is_empty() => info.set_named_property("subjectaltname", s)?,
            (_, true) => info.set_named_property("subjectaltname", "DNS:")?,
        }
        match (info_access_text(cert), style >= 22) {
            (Text::Absent, _) => {}
            (Text::Null, false) => info.set_named_property("infoAccess", Null)?,
            (Text::Value(s), false) => info.set_named_property("infoAccess", self.grouped(parse_info_access(&s), true)?)?,
            (Text::Value(s), true) if !s.is_empty() => {
                info.set_named_property("infoAccess", self.grouped(parse_info_access(&s), true)?)?
            }
            (_, true) => {}
        }
        info.set_named_property("ca", unsafe { ffi::X509_check_ca(cert.as_ptr()) } == 1)?;

        let pkey = unsafe { ffi::X509_get0_pubkey(cert.as_ptr()) };
        if !pkey.is_null() {
            match unsafe { sys::EVP_PKEY_id(pkey) } {
                EVP_PKEY_RSA | EVP_PKEY_RSA_PSS if style >= 22 => {
                    let rsa = unsafe { ffi::EVP_PKEY_get0_RSA(pkey) };
                    if !rsa.is_null() {
                        set_rsa_fields(env, &mut info, rsa)?;
                    }
                }
                EVP_PKEY_RSA => {
                    let rsa = unsafe { ffi::EVP_PKEY_get0_RSA(pkey) };
                    if !rsa.is_null() {
                        set_rsa_fields(env, &mut info, rsa)?;
                    }
                }
                EVP_PKEY_EC => {
                    let ec = unsafe { ffi::EVP_PKEY_get0_EC_KEY(pkey) };
                    if !ec.is_null() {
                        set_ec_fields(env, &mut info, cert, ec)?;
                    }
                }
                _ => {}
            }
        }

        let bio = MemBio::writable().ok_or_else(|| Error::from_reason("BIO_new failed"))?;
        for (key, time) in [("valid_from", cert.not_before()), ("valid_to", cert.not_after())] {
            // On a malformed time OpenSSL prints "Bad time value", and Node shows that.
            unsafe { sys::ASN1_TIME_print(bio.as_ptr(), time.as_ptr()) };
            info.set_named_property(key, bio.take_string())?;
        }

        for (key, md) in [
            ("fingerprint", MessageDigest::sha1()),
            ("fingerprint256", MessageDigest::sha256()),
            ("fingerprint512", MessageDigest::sha512()),
        ] {
            if let Ok(digest) = cert.digest(md) {
                info.set_named_property(key, colon_hex(&digest))?;
            }
        }
        if let Some(usages) = ext_key_usage(cert) {
            info.set_named_property("ext_key_usage", usages)?;
        }
        if let Some(serial) = cert.serial_number().to_bn().ok().and_then(|bn| bn.to_hex_str().ok()) {
            info.set_named_property("serialNumber", serial.to_string())?;
        }
        if let Ok(der) = cert.to_der() {
            info.set_named_property("raw", BufferSlice::copy_from(env, &der)?)?;
        }
        Ok(info)
    }
}

/// `ext_key_usage`: the extended key usage OIDs in dotted form, or None without (a decodable)
/// extension.
pub(super) fn ext_key_usage(cert: &X509Ref) -> Option<Vec<String>> {
    let eku = unsafe { sys::X509_get_ext_d2i(cert.as_ptr(), NID_EXT_KEY_USAGE, std::ptr::null_mut(), std::ptr::null_mut()) }
        as *mut sys::OPENSSL_STACK;
    if eku.is_null() {
        return None;
    }
    let count = unsafe { sys::OPENSSL_sk_num(eku) };
    let usages = (0..count)
        .filter_map(|i| oid_text::<256>(unsafe { sys::OPENSSL_sk_value(eku, i) } as *const sys::ASN1_OBJECT, true))
        .collect();
    unsafe { sys::OPENSSL_sk_pop_free(eku, Some(free_asn1_object)) };
    Some(usages)
}

/// Leaves OpenSSL's error queue empty whatever happened (Node's ClearErrorOnReturn), so nothing
/// here is later mistaken for a TLS error.
pub(super) fn clearing_errors<T>(f: impl FnOnce() -> T) -> T {
    let result = f();
    unsafe { sys::ERR_clear_error() };
    result
}

/// One certificate as Node's object (without `issuerCertificate`).
pub fn certificate_object<'e>(env: &'e Env, cert: &X509Ref) -> napi::Result<Object<'e>> {
    clearing_errors(|| Builder::new(env)?.certificate(cert))
}


/// The env-free part of `certificate_object` (names, subjectaltname, infoAccess, EKU) over any
/// certificate, for the fuzz bodies: the text a peer's certificate is turned into.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn fuzz_certificate_text(cert: &X509Ref) -> usize {
    let mut seen = 0;
    for name in [cert.subject_name(), cert.issuer_name()] {
        seen += name_entries(name.as_ptr()).map_or(0, |e| e.len());
    }
    if let Text::Value(s) = subject_alt_name(cert) {
        seen += s.len();
    }
    if let Text::Value(s) = info_access_text(cert) {
        seen += parse_info_access(&s).len();
    }
    seen + ext_key_usage(cert).map_or(0, |e| e.len())
}

#[cfg(test)]
mod tests {
    use super::{bn_print_text, ffi, MemBio};
    use foreign_types_shared::ForeignType;
    use openssl::bn::BigNum;

    #[test]
    fn bn_print_text_is_what_bn_print_writes() {
        for hex in ["0", "A", "0A", "1234", "ABCDEF0123", "-A", "-0123", "80000000000000000000000000000001"] {
            let bn = BigNum::from_hex_str(hex).unwrap();
            let bio = MemBio::writable().unwrap();
            unsafe { ffi::BN_print(bio.as_ptr(), bn.as_ptr()) };
            assert_eq!(bn_print_text(bn.as_ptr()).unwrap(), bio.take_string(), "{hex}");
        }
    }
}
