//! X509 → the plain object `getPeerCertificate()` / `getCertificate()` return.
//!
//! A field-by-field port of Node 20's `X509ToObject` and `GetPeerCert` (src/crypto/crypto_common.cc)
//! with `translatePeerCertificate` (lib/_tls_common.js) already applied, so the object handed to JS
//! is final: `infoAccess` is the parsed null-prototype object, not the raw text.
//!
//! Certificates come from the network: nothing here panics on their content. A field OpenSSL cannot
//! decode is left out (or `null`, where Node puts `null`), exactly as Node's `Set()` skips
//! `undefined`.

use foreign_types_shared::{ForeignType, ForeignTypeRef};
use napi::bindgen_prelude::*;
use openssl::hash::MessageDigest;
use openssl::ssl::SslRef;
use openssl::x509::{X509, X509Ref, X509VerifyResult};
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uchar, c_ulong, c_void};

use crate::ffi;
use crate::mem_bio::MemBio;

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
const V_ASN1_UTF8STRING: c_int = 12;
const V_ASN1_IA5STRING: c_int = 22;
/// `XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~ASN1_STRFLGS_ESC_CTRL` (Node's
/// kX509NameFlagsRFC2253WithinUtf8JSON), used for `DirName:` entries.
const NAME_FLAGS_RFC2253_WITHIN_UTF8_JSON: c_ulong = 0x1110317 & !0x4 & !0x2;
/// Store lookups after the peer's own chain ends; Node loops without bound (a store holding a
/// cross-signing cycle would hang it), we stop here.
const MAX_STORE_ISSUERS: usize = 64;

/// A C string OpenSSL returned (static or in a local buffer), or None for NULL.
fn c_str<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        unsafe { CStr::from_ptr(p) }.to_str().ok()
    }
}

/// `OBJ_obj2txt` into a buffer of `N` bytes (truncating like Node's fixed buffers).
fn obj_to_text<const N: usize>(obj: *const sys::ASN1_OBJECT, no_name: bool) -> Option<String> {
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

/// The bytes of an ASN1_STRING (empty for NULL).
fn asn1_bytes<'a>(s: *const sys::ASN1_STRING) -> &'a [u8] {
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
fn colon_hex(bytes: &[u8]) -> String {
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
// Subject alternative names and info access: Node's own safe printer (PrintGeneralName).

/// Node's IsSafeAltName: no quotes, backslashes, commas or control characters (and, outside
/// UTF-8 strings, nothing beyond '~').
fn is_safe_alt_name(name: &[u8], utf8: bool) -> bool {
    name.iter().all(|&c| match c {
        b'"' | b'\\' | b',' | b'\'' => false,
        _ if utf8 => c >= b' ' && c != 0x7f,
        _ => (b' '..=b'~').contains(&c),
    })
}

/// Node's PrintAltName: safe names verbatim, others as a JSON string literal.
fn print_alt_name(out: &mut Vec<u8>, name: &[u8], utf8: bool, safe_prefix: Option<&str>) {
    if is_safe_alt_name(name, utf8) {
        if let Some(prefix) = safe_prefix {
            out.extend_from_slice(prefix.as_bytes());
            out.push(b':');
        }
        out.extend_from_slice(name);
        return;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    if let Some(prefix) = safe_prefix {
        out.extend_from_slice(prefix.as_bytes());
        out.push(b':');
    }
    for &c in name {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            _ if (c >= b' ' && c != b',' && c <= b'~') || (utf8 && c & 0x80 != 0) => out.push(c),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]),
        }
    }
    out.push(b'"');
}

/// Node's PrintGeneralName. Returns false when the entry cannot be printed (the whole
/// `subjectaltname` / `infoAccess` then becomes null).
fn print_general_name(out: &mut Vec<u8>, gen: *const sys::GENERAL_NAME) -> bool {
    if gen.is_null() {
        return false;
    }
    let (kind, d) = unsafe { ((*gen).type_, (*gen).d) };
    match kind {
        sys::GEN_DNS => {
            out.extend_from_slice(b"DNS:");
            print_alt_name(out, asn1_bytes(d as *const sys::ASN1_STRING), false, None);
        }
        sys::GEN_EMAIL => {
            out.extend_from_slice(b"email:");
            print_alt_name(out, asn1_bytes(d as *const sys::ASN1_STRING), false, None);
        }
        sys::GEN_URI => {
            out.extend_from_slice(b"URI:");
            print_alt_name(out, asn1_bytes(d as *const sys::ASN1_STRING), false, None);
        }
        sys::GEN_DIRNAME => {
            out.extend_from_slice(b"DirName:");
            let Some(tmp) = MemBio::writable() else { return false };
            if d.is_null()
                || unsafe { ffi::X509_NAME_print_ex(tmp.as_ptr(), d as *const sys::X509_NAME, 0, NAME_FLAGS_RFC2253_WITHIN_UTF8_JSON) } < 0
            {
                return false;
            }
            print_alt_name(out, tmp.bytes(), true, None);
        }
        sys::GEN_IPADD => {
            out.extend_from_slice(b"IP Address:");
            let ip = asn1_bytes(d as *const sys::ASN1_STRING);
            match ip.len() {
                4 => out.extend_from_slice(format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]).as_bytes()),
                16 => {
                    let groups: Vec<String> = ip.chunks(2).map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]]))).collect();
                    out.extend_from_slice(groups.join(":").as_bytes());
                }
                n => out.extend_from_slice(format!("<invalid length={n}>").as_bytes()),
            }
        }
        sys::GEN_RID => {
            // Always the numeric form, unlike OpenSSL's own printer.
            let oid = obj_to_text::<256>(d as *const sys::ASN1_OBJECT, true).unwrap_or_default();
            out.extend_from_slice(b"Registered ID:");
            out.extend_from_slice(oid.as_bytes());
        }
        sys::GEN_OTHERNAME => print_other_name(out, d as *const ffi::OTHERNAME),
        sys::GEN_X400 => out.extend_from_slice(b"X400Name:<unsupported>"),
        sys::GEN_EDIPARTY => out.extend_from_slice(b"EdiPartyName:<unsupported>"),
        _ => return false,
    }
    true
}

/// `othername:` entries in OpenSSL 3's GENERAL_NAME_print format, for the types Node knows.
fn print_other_name(out: &mut Vec<u8>, other: *const ffi::OTHERNAME) {
    let (type_id, value) = if other.is_null() { (std::ptr::null_mut(), std::ptr::null_mut()) } else { unsafe { ((*other).type_id, (*other).value) } };
    let nid = if type_id.is_null() { NID_UNDEF } else { unsafe { sys::OBJ_obj2nid(type_id) } };
    let (prefix, unicode) = match nid {
        NID_ID_ON_SMTPUTF8MAILBOX => (Some("SmtpUTF8Mailbox"), true),
        NID_XMPPADDR => (Some("XmppAddr"), true),
        NID_SRVNAME => (Some("SRVName"), false),
        NID_MS_UPN => (Some("UPN"), true),
        NID_NAIREALM => (Some("NAIRealm"), true),
        _ => (None, true),
    };
    let val_type = if value.is_null() { -1 } else { unsafe { (*value).type_ } };
    let expected = if unicode { V_ASN1_UTF8STRING } else { V_ASN1_IA5STRING };
    match prefix {
        Some(prefix) if val_type == expected => {
            out.extend_from_slice(b"othername:");
            let string = unsafe { (*value).value.asn1_string };
            print_alt_name(out, asn1_bytes(string), unicode, Some(prefix));
        }
        _ => out.extend_from_slice(b"othername:<unsupported>"),
    }
}

/// What one of the text fields holds: absent (Node's `undefined`, skipped), `null`, or a string.
enum Text {
    Absent,
    Null,
    Value(String),
}

/// The first extension `nid` decoded with X509V3_EXT_d2i (Node reads only the first occurrence).
/// `Err(())` when it is present but does not decode.
fn decoded_extension(cert: &X509Ref, nid: c_int) -> Option<std::result::Result<*mut c_void, ()>> {
    let index = unsafe { sys::X509_get_ext_by_NID(cert.as_ptr(), nid, -1) };
    if index < 0 {
        return None;
    }
    let ext = unsafe { sys::X509_get_ext(cert.as_ptr(), index) };
    if ext.is_null() {
        return None;
    }
    let decoded = unsafe { sys::X509V3_EXT_d2i(ext) };
    Some(if decoded.is_null() { Err(()) } else { Ok(decoded) })
}

/// `subjectaltname`: "DNS:a, IP Address:1.2.3.4, ..." (Node's GetSubjectAltNameString).
fn subject_alt_name(cert: &X509Ref) -> Text {
    let names = match decoded_extension(cert, NID_SUBJECT_ALT_NAME) {
        None => return Text::Absent,
        Some(Err(())) => return Text::Null,
        Some(Ok(names)) => names as *mut sys::OPENSSL_STACK,
    };
    let mut out = Vec::new();
    let mut ok = true;
    let count = unsafe { sys::OPENSSL_sk_num(names) };
    for i in 0..count {
        if i != 0 {
            out.extend_from_slice(b", ");
        }
        let gen = unsafe { sys::OPENSSL_sk_value(names, i) } as *const sys::GENERAL_NAME;
        if !print_general_name(&mut out, gen) {
            ok = false;
            break;
        }
    }
    unsafe { sys::OPENSSL_sk_pop_free(names, Some(free_general_name)) };
    if ok {
        Text::Value(String::from_utf8_lossy(&out).into_owned())
    } else {
        Text::Null
    }
}

unsafe extern "C" fn free_general_name(p: *mut c_void) {
    sys::GENERAL_NAME_free(p as *mut sys::GENERAL_NAME);
}

unsafe extern "C" fn free_access_description(p: *mut c_void) {
    sys::ACCESS_DESCRIPTION_free(p as *mut sys::ACCESS_DESCRIPTION);
}

unsafe extern "C" fn free_asn1_object(p: *mut c_void) {
    sys::ASN1_OBJECT_free(p as *mut sys::ASN1_OBJECT);
}

/// The raw `infoAccess` text Node's C++ produces: "OCSP - URI:http://…\nCA Issuers - URI:…"
/// (SafeX509InfoAccessPrint).
fn info_access_text(cert: &X509Ref) -> Text {
    let descs = match decoded_extension(cert, NID_INFO_ACCESS) {
        None => return Text::Absent,
        Some(Err(())) => return Text::Null,
        Some(Ok(descs)) => descs as *mut sys::OPENSSL_STACK,
    };
    let mut out = Vec::new();
    let mut ok = true;
    let count = unsafe { sys::OPENSSL_sk_num(descs) };
    for i in 0..count {
        if i != 0 {
            out.push(b'\n');
        }
        let desc = unsafe { sys::OPENSSL_sk_value(descs, i) } as *const sys::ACCESS_DESCRIPTION;
        if desc.is_null() {
            ok = false;
            break;
        }
        let (method, location) = unsafe { ((*desc).method, (*desc).location) };
        let mut objtmp = [0 as c_char; 80];
        if !method.is_null() {
            unsafe { ffi::i2t_ASN1_OBJECT(objtmp.as_mut_ptr(), objtmp.len() as c_int, method) };
        }
        objtmp[79] = 0;
        out.extend_from_slice(unsafe { CStr::from_ptr(objtmp.as_ptr()) }.to_bytes());
        out.extend_from_slice(b" - ");
        if !print_general_name(&mut out, location) {
            ok = false;
            break;
        }
    }
    unsafe { sys::OPENSSL_sk_pop_free(descs, Some(free_access_description)) };
    if ok {
        Text::Value(String::from_utf8_lossy(&out).into_owned())
    } else {
        Text::Null
    }
}

/// translatePeerCertificate's parsing of the infoAccess text:
/// `/([^\n:]*):([^\n]*)(?:\n|$)/g`, JSON-decoding values that start with '"', grouped by key in
/// first-seen order.
fn parse_info_access(text: &str) -> Vec<(String, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut pos = 0;
    while pos <= bytes.len() {
        let key_end = pos + bytes[pos..].iter().position(|&b| b == b'\n' || b == b':').unwrap_or(bytes.len() - pos);
        if key_end >= bytes.len() || bytes[key_end] != b':' {
            // No match starts anywhere in this line: resume after its newline.
            pos = key_end + 1;
            continue;
        }
        let val_start = key_end + 1;
        let val_end = val_start + bytes[val_start..].iter().position(|&b| b == b'\n').unwrap_or(bytes.len() - val_start);
        let key = &text[pos..key_end];
        let raw = &text[val_start..val_end];
        let val = if raw.starts_with('"') { json_string(raw).unwrap_or_else(|| raw.to_string()) } else { raw.to_string() };
        match groups.iter_mut().find(|(k, _)| k == key) {
            Some((_, vals)) => vals.push(val),
            None => groups.push((key.to_string(), vec![val])),
        }
        pos = val_end + 1;
    }
    groups
}

/// JSON.parse of a string literal (the only JSON print_alt_name produces). None if malformed.
/// print_alt_name escapes only to \u00XX, so a lone surrogate escape (which a Rust String cannot
/// hold) never occurs; one would become U+FFFD.
fn json_string(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let decoded = match c {
            '"' => return None,
            c if (c as u32) < 0x20 => return None,
            '\\' => match chars.next()? {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let hex: String = (0..4).map(|_| chars.next().filter(char::is_ascii_hexdigit)).collect::<Option<String>>()?;
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('\u{FFFD}')
                }
                _ => return None,
            },
            c => c,
        };
        out.push(decoded);
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Distinguished names.

/// `subject` / `issuer` entries in order: short name (or dotted OID) → values. None when a value
/// cannot be converted to UTF-8 (Node then leaves the whole field out).
fn name_entries(name: *const sys::X509_NAME) -> Option<Vec<(String, Vec<String>)>> {
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
            None => obj_to_text::<80>(object, true).unwrap_or_default(),
        };
        let mut utf8: *mut c_uchar = std::ptr::null_mut();
        let len = unsafe { sys::ASN1_STRING_to_UTF8(&mut utf8, data) };
        if len < 0 {
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

/// `modulus`, `bits`, `exponent`, `pubkey` of an RSA key (Node's order).
fn set_rsa_fields(env: &Env, info: &mut Object, rsa: *const sys::RSA) -> Result<()> {
    let (mut n, mut e, mut d) = (std::ptr::null(), std::ptr::null(), std::ptr::null());
    unsafe { sys::RSA_get0_key(rsa, &mut n, &mut e, &mut d) };
    if n.is_null() || e.is_null() {
        return Ok(());
    }
    let bio = MemBio::writable().ok_or_else(|| Error::from_reason("BIO_new failed"))?;
    unsafe { ffi::BN_print(bio.as_ptr(), n) };
    info.set_named_property("modulus", bio.take_string())?;
    info.set_named_property("bits", unsafe { sys::BN_num_bits(n) })?;
    info.set_named_property("exponent", format!("0x{:x}", bn_get_word(e)))?;
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
struct Builder<'e> {
    env: &'e Env,
    create: Function<'e, FnArgs<(Null,)>, Object<'e>>,
}

impl<'e> Builder<'e> {
    fn new(env: &'e Env) -> Result<Self> {
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
    fn certificate(&self, cert: &X509Ref) -> Result<Object<'e>> {
        let env = self.env;
        let mut info = Object::new(env)?;

        for (key, name) in [("subject", cert.subject_name()), ("issuer", cert.issuer_name())] {
            if let Some(entries) = name_entries(name.as_ptr()) {
                info.set_named_property(key, self.grouped(entries, false)?)?;
            }
        }
        match subject_alt_name(cert) {
            Text::Absent => {}
            Text::Null => info.set_named_property("subjectaltname", Null)?,
            Text::Value(s) => info.set_named_property("subjectaltname", s)?,
        }
        match info_access_text(cert) {
            Text::Absent => {}
            Text::Null => info.set_named_property("infoAccess", Null)?,
            Text::Value(s) => info.set_named_property("infoAccess", self.grouped(parse_info_access(&s), true)?)?,
        }
        info.set_named_property("ca", unsafe { ffi::X509_check_ca(cert.as_ptr()) } == 1)?;

        let pkey = unsafe { ffi::X509_get0_pubkey(cert.as_ptr()) };
        if !pkey.is_null() {
            match unsafe { sys::EVP_PKEY_id(pkey) } {
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
fn ext_key_usage(cert: &X509Ref) -> Option<Vec<String>> {
    let eku = unsafe { sys::X509_get_ext_d2i(cert.as_ptr(), NID_EXT_KEY_USAGE, std::ptr::null_mut(), std::ptr::null_mut()) }
        as *mut sys::OPENSSL_STACK;
    if eku.is_null() {
        return None;
    }
    let count = unsafe { sys::OPENSSL_sk_num(eku) };
    let usages = (0..count)
        .filter_map(|i| obj_to_text::<256>(unsafe { sys::OPENSSL_sk_value(eku, i) } as *const sys::ASN1_OBJECT, true))
        .collect();
    unsafe { sys::OPENSSL_sk_pop_free(eku, Some(free_asn1_object)) };
    Some(usages)
}

/// Leaves OpenSSL's error queue empty whatever happened (Node's ClearErrorOnReturn), so nothing
/// here is later mistaken for a TLS error.
fn clearing_errors<T>(f: impl FnOnce() -> T) -> T {
    let result = f();
    unsafe { sys::ERR_clear_error() };
    result
}

/// One certificate as Node's object (without `issuerCertificate`).
pub fn certificate_object<'e>(env: &'e Env, cert: &X509Ref) -> napi::Result<Object<'e>> {
    clearing_errors(|| Builder::new(env)?.certificate(cert))
}

// ---------------------------------------------------------------------------------------------
// The peer's chain (getPeerCertificate(true)).

/// A certificate on the chain: borrowed from the peer's chain or owned from the trust store.
enum ChainCert<'a> {
    Peer(&'a X509Ref),
    Store(X509),
}

impl ChainCert<'_> {
    fn get(&self) -> &X509Ref {
        match self {
            ChainCert::Peer(cert) => cert,
            ChainCert::Store(cert) => cert,
        }
    }
}

fn self_issued(cert: &X509Ref) -> bool {
    cert.issued(cert) == X509VerifyResult::OK
}

/// `cert`'s issuer from the SSL_CTX's trust store (Node's SSL_CTX_get_issuer).
fn store_issuer(ssl: &SslRef, cert: &X509Ref) -> Option<X509> {
    let store = unsafe { crate::ffi::SSL_CTX_get_cert_store(crate::ffi::SSL_get_SSL_CTX(ssl.as_ptr())) };
    if store.is_null() {
        return None;
    }
    unsafe {
        let ctx = sys::X509_STORE_CTX_new();
        if ctx.is_null() {
            return None;
        }
        let mut issuer: *mut sys::X509 = std::ptr::null_mut();
        let found = sys::X509_STORE_CTX_init(ctx, store, std::ptr::null_mut(), std::ptr::null_mut()) == 1
            && ffi::X509_STORE_CTX_get1_issuer(&mut issuer, ctx, cert.as_ptr()) == 1
            && !issuer.is_null();
        sys::X509_STORE_CTX_free(ctx);
        found.then(|| X509::from_ptr(issuer))
    }
}

/// The peer's certificate (with the issuer chain when `detailed`), or None if it sent none.
pub fn peer_certificate<'e>(env: &'e Env, ssl: &SslRef, is_server: bool, detailed: bool) -> napi::Result<Option<Object<'e>>> {
    clearing_errors(|| peer_certificate_inner(env, ssl, is_server, detailed))
}

fn peer_certificate_inner<'e>(env: &'e Env, ssl: &SslRef, is_server: bool, detailed: bool) -> Result<Option<Object<'e>>> {
    // On the client the peer chain starts with the peer's certificate; on the server it does not.
    let own = if is_server { ssl.peer_certificate() } else { None };
    let chain: Vec<&X509Ref> = ssl.peer_cert_chain().map(|stack| stack.iter().collect()).unwrap_or_default();
    let mut peer_certs: Vec<&X509Ref> = own.as_deref().into_iter().chain(chain).collect();
    if peer_certs.is_empty() {
        return Ok(None);
    }
    let js = Builder::new(env)?;
    let leaf = peer_certs.remove(0);
    let result = js.certificate(leaf)?;
    if !detailed {
        return Ok(Some(result));
    }

    // Link each certificate to its issuer among the rest of the peer's chain (AddIssuerChainToObject).
    let mut last_obj = result;
    let mut last = ChainCert::Peer(leaf);
    while let Some(i) = peer_certs.iter().position(|ca| ca.issued(last.get()) == X509VerifyResult::OK) {
        let ca = peer_certs.remove(i);
        let ca_obj = js.certificate(ca)?;
        last_obj.set_named_property("issuerCertificate", ca_obj)?;
        last_obj = ca_obj;
        last = ChainCert::Peer(ca);
    }

    // Continue through the local trust store (GetLastIssuedCert).
    for _ in 0..MAX_STORE_ISSUERS {
        if self_issued(last.get()) {
            break;
        }
        let Some(ca) = store_issuer(ssl, last.get()) else { break };
        let ca_obj = js.certificate(&ca)?;
        last_obj.set_named_property("issuerCertificate", ca_obj)?;
        last_obj = ca_obj;
        // A self-signed certificate without keyCertSign is not "self-issued", and the store
        // hands it back as its own issuer: stop there.
        if last.get().as_ptr() == ca.as_ptr() {
            break;
        }
        last = ChainCert::Store(ca);
    }

    // A self-signed root is its own issuer: the chain ends in a cycle, as in Node.
    if self_issued(last.get()) {
        let me = last_obj;
        last_obj.set_named_property("issuerCertificate", me)?;
    }
    Ok(Some(result))
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
    use super::*;

    #[test]
    fn alt_names_are_escaped_like_node() {
        let mut out = Vec::new();
        print_alt_name(&mut out, b"a.example", false, None);
        assert_eq!(out, b"a.example");
        out.clear();
        print_alt_name(&mut out, b"a,b\"c\\\x01\xe9", false, None);
        assert_eq!(out, b"\"a\\u002cb\\\"c\\\\\\u0001\\u00e9\"");
        out.clear();
        print_alt_name(&mut out, "café".as_bytes(), true, Some("XmppAddr"));
        assert_eq!(out, "XmppAddr:café".as_bytes());
        out.clear();
        print_alt_name(&mut out, b"x'y", true, Some("UPN"));
        assert_eq!(out, b"\"UPN:x'y\"");
    }

    #[test]
    fn info_access_is_parsed_like_translate_peer_certificate() {
        let parsed = parse_info_access("OCSP - URI:http://o/\nCA Issuers - URI:\"http://a\\u002cb\"\nnoise\nOCSP - URI:http://p/");
        assert_eq!(
            parsed,
            vec![
                ("OCSP - URI".to_string(), vec!["http://o/".to_string(), "http://p/".to_string()]),
                ("CA Issuers - URI".to_string(), vec!["http://a,b".to_string()]),
            ]
        );
        assert!(parse_info_access("").is_empty());
        assert_eq!(parse_info_access("x - IP Address:0:0:0:0:0:0:0:1"), vec![("x - IP Address".to_string(), vec!["0:0:0:0:0:0:0:1".to_string()])]);
    }

    #[test]
    fn json_strings() {
        assert_eq!(json_string("\"a\\\"b\\\\c\\u00e9\"").as_deref(), Some("a\"b\\cé"));
        assert_eq!(json_string("\"unterminated"), None);
        assert_eq!(json_string("\"a\"b\""), None);
        assert_eq!(json_string("\"\\u+abc\""), None);
    }
}
