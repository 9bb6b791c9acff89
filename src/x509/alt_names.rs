//! subjectaltname and infoAccess as Node prints them: its own safe printer (PrintGeneralName,
//! PrintAltName) rather than OpenSSL's, then translatePeerCertificate's parsing of infoAccess.
//! Certificates come from the network: nothing here panics on their content.

use super::{asn1_bytes, obj_to_text, object_style, NAME_FLAGS_RFC2253_WITHIN_UTF8_JSON, NID_UNDEF};
use super::{NID_ID_ON_SMTPUTF8MAILBOX, NID_INFO_ACCESS, NID_MS_UPN, NID_NAIREALM, NID_SRVNAME, NID_SUBJECT_ALT_NAME, NID_XMPPADDR};
use super::{V_ASN1_IA5STRING, V_ASN1_UTF8STRING};
use crate::ffi;
use crate::mem_bio::MemBio;
use foreign_types_shared::ForeignTypeRef;
use openssl::x509::X509Ref;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

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
pub(super) enum Text {
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
pub(super) fn subject_alt_name(cert: &X509Ref) -> Text {
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

/// Frees one ASN1_OBJECT of a stack (OPENSSL_sk_pop_free's element callback).
pub(super) unsafe extern "C" fn free_asn1_object(p: *mut c_void) {
    sys::ASN1_OBJECT_free(p as *mut sys::ASN1_OBJECT);
}

/// The raw `infoAccess` text Node's C++ produces: "OCSP - URI:http://…\nCA Issuers - URI:…"
/// (SafeX509InfoAccessPrint).
pub(super) fn info_access_text(cert: &X509Ref) -> Text {
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
        if object_style() >= 22 {
            // Node 22+: the method's name or OID whole (i2t_ASN1_OBJECT is OBJ_obj2txt with names).
            out.extend_from_slice(super::obj_to_full_text(method, false).unwrap_or_default().as_bytes());
        } else {
            let mut objtmp = [0 as c_char; 80];
            if !method.is_null() {
                unsafe { ffi::i2t_ASN1_OBJECT(objtmp.as_mut_ptr(), objtmp.len() as c_int, method) };
            }
            objtmp[79] = 0;
            out.extend_from_slice(unsafe { CStr::from_ptr(objtmp.as_ptr()) }.to_bytes());
        }
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
pub(super) fn parse_info_access(text: &str) -> Vec<(String, Vec<String>)> {
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

