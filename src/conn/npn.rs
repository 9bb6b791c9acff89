//! NPN (Next Protocol Negotiation; TLS 1.2 and below), as Node v4–v5 did it: the server
//! advertises its list, the client picks with OpenSSL's SSL_select_next_proto (the first server
//! protocol the client also lists; with no overlap the client's first protocol is sent anyway),
//! and `npnProtocol` is what each side ended with.
//!
//! OpenSSL only has SSL_CTX-level NPN callbacks (context_callbacks.rs); they read the per-SSL
//! `Npn` state (ex_data). As in Node v5, every client offers NPN; one without protocols of its
//! own answers an NPN server with "http/1.1" and its `npnProtocol` is false. A server SSL without protocols advertises nothing.

use super::Connection;
use foreign_types_shared::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;
use std::os::raw::{c_int, c_uchar, c_uint, c_void};
use std::sync::OnceLock;

/// What a client's selection produced (Node v5's selected_npn_proto).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NpnOutcome {
    /// Both sides listed this protocol.
    Negotiated(Vec<u8>),
    /// No protocol agreed: NPN was not offered by the server, there was no overlap, or this
    /// side had no list (npnProtocol false).
    NotNegotiated,
}

/// Per-SSL NPN state the context-level callbacks read.
#[derive(Debug, Default)]
struct Npn {
    /// This side's protocols in wire format (`\x05hello\x05world`), in preference order.
    protocols: Option<Vec<u8>>,
    /// Client: the selection made when the server advertised its list.
    selected: Option<NpnOutcome>,
}

fn npn_index() -> Index<Ssl, Npn> {
    static INDEX: OnceLock<Index<Ssl, Npn>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("SSL ex_data index"))
}

unsafe fn npn_of<'a>(ssl: *mut sys::SSL) -> Option<&'a mut Npn> {
    SslRef::from_ptr_mut(ssl).ex_data_mut(npn_index())
}

/// What a client without NPN protocols of its own sends to an NPN server (Node v5).
static FALLBACK_PROTOCOL: &[u8] = b"http/1.1";

/// Server: advertises this SSL's protocols, or nothing when it has none.
pub(super) extern "C" fn advertise_callback(ssl: *mut sys::SSL, out: *mut *const c_uchar, outlen: *mut c_uint, _arg: *mut c_void) -> c_int {
    let Some(npn) = (unsafe { npn_of(ssl) }) else { return sys::SSL_TLSEXT_ERR_NOACK };
    match &npn.protocols {
        Some(list) => unsafe {
            *out = list.as_ptr();
            *outlen = list.len() as c_uint;
            sys::SSL_TLSEXT_ERR_OK
        },
        None => sys::SSL_TLSEXT_ERR_NOACK,
    }
}

/// Client: picks from the server's advertised list. Always answers (OpenSSL fails the handshake
/// otherwise), as Node v5 did.
pub(super) extern "C" fn select_callback(
    ssl: *mut sys::SSL,
    out: *mut *mut c_uchar,
    outlen: *mut c_uchar,
    inbuf: *const c_uchar,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    let npn = unsafe { npn_of(ssl) };
    let own = npn.as_ref().and_then(|n| n.protocols.as_deref()).filter(|l| !l.is_empty());
    let Some(own) = own else {
        unsafe {
            *out = FALLBACK_PROTOCOL.as_ptr() as *mut c_uchar;
            *outlen = FALLBACK_PROTOCOL.len() as c_uchar;
        }
        if let Some(npn) = npn {
            npn.selected = Some(NpnOutcome::NotNegotiated);
        }
        return sys::SSL_TLSEXT_ERR_OK;
    };
    // On no overlap, SSL_select_next_proto points `out` at the client's first protocol.
    let status = unsafe { sys::SSL_select_next_proto(out, outlen, inbuf, inlen, own.as_ptr(), own.len() as c_uint) };
    let outcome = if status == sys::OPENSSL_NPN_NEGOTIATED {
        NpnOutcome::Negotiated(unsafe { std::slice::from_raw_parts(*out, *outlen as usize) }.to_vec())
    } else {
        NpnOutcome::NotNegotiated
    };
    if let Some(npn) = unsafe { npn_of(ssl) } {
        npn.selected = Some(outcome);
    }
    sys::SSL_TLSEXT_ERR_OK
}

/// NPN (see the module doc).
impl Connection {
    /// This side's NPN protocols in wire format: offered to (server) or picked from (client)
    /// the peer's; a client without (None) still offers NPN, as Node v5's clients did. Takes
    /// effect for TLS 1.2 and below; ALPN, when negotiated, takes precedence.
    pub fn set_npn_protocols(&mut self, wire: Option<&[u8]>) {
        if self.is_server && wire.is_none() {
            return;
        }
        let index = npn_index();
        if self.ssl.ex_data(index).is_none() {
            self.ssl.set_ex_data(index, Npn::default());
        }
        if let Some(npn) = self.ssl.ex_data_mut(index) {
            npn.protocols = wire.map(<[u8]>::to_vec);
        }
    }

    /// The NPN protocol this side ended with once the handshake is done: the server's is what
    /// the client sent; the client's is its selection when both sides listed the protocol.
    pub fn npn_protocol(&self) -> NpnOutcome {
        if !self.is_server {
            return self
                .ssl
                .ex_data(npn_index())
                .and_then(|n| n.selected.clone())
                .unwrap_or(NpnOutcome::NotNegotiated);
        }
        let mut data: *const c_uchar = std::ptr::null();
        let mut len: c_uint = 0;
        unsafe { sys::SSL_get0_next_proto_negotiated(self.ssl.as_ptr(), &mut data, &mut len) };
        if data.is_null() {
            return NpnOutcome::NotNegotiated;
        }
        NpnOutcome::Negotiated(unsafe { std::slice::from_raw_parts(data, len as usize) }.to_vec())
    }
}

/// NPN between two engines: selection, no overlap, a side without NPN, ALPN precedence, TLS 1.3.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::{connection_pair, pump};
    use openssl::ssl::SslVersion;

    fn wire(protocols: &[&str]) -> Vec<u8> {
        protocols.iter().flat_map(|p| std::iter::once(p.len() as u8).chain(p.bytes())).collect()
    }

    fn connect(max: SslVersion, client_npn: Option<&[&str]>, server_npn: Option<&[&str]>) -> (Connection, Connection) {
        let (mut client, mut server) = connection_pair(max);
        client.set_npn_protocols(client_npn.map(wire).as_deref());
        server.set_npn_protocols(server_npn.map(wire).as_deref());
        client.start();
        for _ in 0..10 {
            pump(&mut client, &mut server);
            pump(&mut server, &mut client);
            if client.handshake_done() && server.handshake_done() {
                return (client, server);
            }
        }
        panic!("handshake failed: {:?} {:?}", client.error(), server.error());
    }

    fn neg(p: &str) -> NpnOutcome {
        NpnOutcome::Negotiated(p.as_bytes().to_vec())
    }

    #[test]
    fn picks_the_first_server_protocol_the_client_lists() {
        let (c, s) = connect(SslVersion::TLS1_2, Some(&["c", "b", "e"]), Some(&["a", "b", "c"]));
        assert_eq!((c.npn_protocol(), s.npn_protocol()), (neg("b"), neg("b")));
    }

    #[test]
    fn no_overlap_sends_the_clients_first_protocol() {
        let (c, s) = connect(SslVersion::TLS1_2, Some(&["first", "x"]), Some(&["a", "b"]));
        assert_eq!((c.npn_protocol(), s.npn_protocol()), (NpnOutcome::NotNegotiated, neg("first")));
    }

    #[test]
    fn a_client_without_protocols_sends_http11() {
        let (c, s) = connect(SslVersion::TLS1_2, None, Some(&["a"]));
        assert_eq!((c.npn_protocol(), s.npn_protocol()), (NpnOutcome::NotNegotiated, neg("http/1.1")));
    }

    #[test]
    fn a_server_without_protocols_negotiates_nothing() {
        let (c, s) = connect(SslVersion::TLS1_2, Some(&["a"]), None);
        assert_eq!((c.npn_protocol(), s.npn_protocol()), (NpnOutcome::NotNegotiated, NpnOutcome::NotNegotiated));
    }

    #[test]
    fn tls13_has_no_npn() {
        let (c, s) = connect(SslVersion::TLS1_3, Some(&["a"]), Some(&["a"]));
        assert_eq!((c.npn_protocol(), s.npn_protocol()), (NpnOutcome::NotNegotiated, NpnOutcome::NotNegotiated));
    }
}
