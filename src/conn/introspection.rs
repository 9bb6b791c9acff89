//! What a connection tells about itself beyond the basics (Node's getFinished,
//! getPeerFinished, getSharedSigalgs, exportKeyingMaterial, getX509Certificate,
//! getPeerX509Certificate, getEphemeralKeyInfo), and the record size it sends
//! (setMaxSendFragment).

use crate::ffi::SSL_get_shared_sigalgs;
use super::Connection;
use foreign_types_shared::ForeignType;
use crate::error::OpenSslError;
use openssl_sys as sys;
use std::ffi::CStr;
use std::os::raw::{c_int, c_long, c_uchar, c_void};

const SSL_CTRL_SET_MAX_SEND_FRAGMENT: c_int = 52;
const SSL_CTRL_GET_PEER_TMP_KEY: c_int = 109;
const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;
const EVP_PKEY_RSA: c_int = 6;
const EVP_PKEY_RSA_PSS: c_int = 912;
const EVP_PKEY_DSA: c_int = 116;
const EVP_PKEY_EC: c_int = 408;
const NID_ED25519: c_int = 1087;
const NID_ED448: c_int = 1088;
const NID_GOST2001: c_int = 811;
const NID_GOST2012_256: c_int = 979;
const NID_GOST2012_512: c_int = 980;

/// The peer's ephemeral key-exchange key: `("ECDH", Some("X25519"), 253)`, `("DH", None, 2048)`,
/// or for a group with no such key (a KEM such as X25519MLKEM768) `("TLSGroup", Some(name), 0)`,
/// as Node 24 reports it.
pub struct EphemeralKey {
    pub kind: &'static str,
    pub name: Option<String>,
    pub size: u32,
}

fn short_name(nid: c_int) -> Option<String> {
    let p = unsafe { sys::OBJ_nid2sn(nid) };
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Connection {
    /// The peer's ephemeral key-exchange key, if the handshake used one OpenSSL can report.
    pub fn ephemeral_key(&self) -> Option<EphemeralKey> {
        let mut raw: *mut sys::EVP_PKEY = std::ptr::null_mut();
        // SSL_get_peer_tmp_key is a macro over SSL_ctrl; it returns a new reference.
        let ok = unsafe { sys::SSL_ctrl(self.ssl.as_ptr(), SSL_CTRL_GET_PEER_TMP_KEY, 0, &mut raw as *mut _ as *mut c_void) };
        if ok == 0 || raw.is_null() {
            return self.negotiated_group_name().map(|name| EphemeralKey { kind: "TLSGroup", name: Some(name), size: 0 });
        }
        let key = unsafe { openssl::pkey::PKey::<openssl::pkey::Public>::from_ptr(raw) };
        let size = key.bits();
        let id = key.id();
        if id == openssl::pkey::Id::DH {
            return Some(EphemeralKey { kind: "DH", name: None, size });
        }
        let name = if id == openssl::pkey::Id::EC {
            key.ec_key().ok().and_then(|ec| ec.group().curve_name()).and_then(|nid| nid.short_name().ok().map(str::to_string))
        } else if id == openssl::pkey::Id::X25519 {
            Some("X25519".to_string())
        } else if id == openssl::pkey::Id::X448 {
            Some("X448".to_string())
        } else {
            return None;
        };
        Some(EphemeralKey { kind: "ECDH", name, size })
    }

    /// The name of the group the handshake negotiated (SSL_get_negotiated_group), if any.
    fn negotiated_group_name(&self) -> Option<String> {
        let id = unsafe { sys::SSL_ctrl(self.ssl.as_ptr(), SSL_CTRL_GET_NEGOTIATED_GROUP, 0, std::ptr::null_mut()) };
        if id <= 0 {
            return None;
        }
        let name = unsafe { crate::ffi::SSL_group_to_name(self.ssl.as_ptr(), id as c_int) };
        (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
    }

    /// The Finished message this end sent (`peer` false) or received, or None before there is one.
    pub fn finished(&self, peer: bool) -> Option<Vec<u8>> {
        let raw = self.ssl.as_ptr();
        let get = |buf: *mut c_void, len: usize| unsafe {
            if peer {
                sys::SSL_get_peer_finished(raw, buf, len)
            } else {
                sys::SSL_get_finished(raw, buf, len)
            }
        };
        let mut probe = [0u8; 1];
        let len = get(probe.as_mut_ptr() as *mut c_void, 1);
        if len == 0 {
            return None;
        }
        let mut out = vec![0u8; len];
        let n = get(out.as_mut_ptr() as *mut c_void, len);
        out.truncate(n);
        Some(out)
    }

    /// The signature algorithms both ends support, named as Node names them ("RSA-PSS+SHA256",
    /// "Ed25519+UNDEF"); empty on a client, which OpenSSL does not tell.
    pub fn shared_sigalgs(&self) -> Vec<String> {
        let raw = self.ssl.as_ptr();
        let null = std::ptr::null_mut();
        let count = unsafe { SSL_get_shared_sigalgs(raw, 0, null, null, null, null as *mut c_uchar, null as *mut c_uchar) };
        (0..count.max(0))
            .map(|i| {
                let (mut sign, mut hash) = (0, 0);
                unsafe { SSL_get_shared_sigalgs(raw, i, &mut sign, &mut hash, null, null as *mut c_uchar, null as *mut c_uchar) };
                let sign_name = match sign {
                    EVP_PKEY_RSA => "RSA".to_string(),
                    EVP_PKEY_RSA_PSS => "RSA-PSS".to_string(),
                    EVP_PKEY_DSA => "DSA".to_string(),
                    EVP_PKEY_EC => "ECDSA".to_string(),
                    NID_ED25519 => "Ed25519".to_string(),
                    NID_ED448 => "Ed448".to_string(),
                    NID_GOST2001 => "gost2001".to_string(),
                    NID_GOST2012_256 => "gost2012_256".to_string(),
                    NID_GOST2012_512 => "gost2012_512".to_string(),
                    other => short_name(other).unwrap_or_else(|| "UNDEF".to_string()),
                };
                format!("{sign_name}+{}", short_name(hash).unwrap_or_else(|| "UNDEF".to_string()))
            })
            .collect()
    }

    /// RFC 5705 keying material (SSL_export_keying_material); `context` None is "no context",
    /// which differs from an empty one before TLS 1.3.
    pub fn export_keying_material(&self, length: usize, label: &[u8], context: Option<&[u8]>) -> Result<Vec<u8>, OpenSslError> {
        let mut out = vec![0u8; length];
        let (ctx_ptr, ctx_len) = context.map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
        let ok = unsafe {
            sys::SSL_export_keying_material(
                self.ssl.as_ptr(),
                out.as_mut_ptr(),
                length,
                label.as_ptr() as *const _,
                label.len(),
                ctx_ptr,
                ctx_len,
                c_int::from(context.is_some()),
            )
        };
        if ok != 1 {
            return Err(OpenSslError::take().unwrap_or_else(|| {
                OpenSslError::plain("SSL_export_keying_material failed", "ERR_CRYPTO_OPERATION_FAILED")
            }));
        }
        Ok(out)
    }

    /// DER of this end's certificate, if it has one.
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        self.ssl.certificate()?.to_der().ok()
    }

    /// DER of the peer's certificate, then of the certificates it sent after it, in the order
    /// sent; empty when there is none. As Node's getPeerX509Certificate(): a server takes the
    /// peer's certificate and the chain OpenSSL kept; a client only the chain, which starts with
    /// the server's certificate and is empty after a TLS 1.2 resumption.
    pub fn peer_x509_chain_der(&self) -> Vec<Vec<u8>> {
        let own = if self.is_server() { self.ssl.peer_certificate() } else { None };
        let chain = self.ssl.peer_cert_chain().into_iter().flat_map(|stack| stack.iter());
        own.as_deref().into_iter().chain(chain).filter_map(|cert| cert.to_der().ok()).collect()
    }

    /// SSL_set_max_send_fragment: 1 when `size` is accepted (512..=16384), else 0.
    pub fn set_max_send_fragment(&mut self, size: i32) -> i32 {
        let ok = unsafe { sys::SSL_ctrl(self.ssl.as_ptr(), SSL_CTRL_SET_MAX_SEND_FRAGMENT, size as c_long, std::ptr::null_mut()) };
        unsafe { sys::ERR_clear_error() };
        ok as i32
    }
}
