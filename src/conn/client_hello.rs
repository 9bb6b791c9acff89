//! The one ClientHello parser. `scan` reads the first ClientHello from the raw records before
//! OpenSSL sees them — Node's ClientHelloParser, which lets a server ask JS for a stored session
//! ('resumeSession') and wait for the answer without OpenSSL waiting on anything; it keeps only
//! what a session lookup needs: the legacy session id, whether a TLS 1.2 ticket was sent, the
//! TLS 1.3 PSK identities, and whether the hello carries an encrypted one (ECH). `alpn_protocols` and `server_name` parse the extension bodies
//! OpenSSL's client-hello callback hands over (questions.rs).

/// Node's kMaxHelloLength is 16 KiB; post-quantum key shares make hellos larger, so allow more.
/// A longer ClientHello is handed to OpenSSL unexamined.
pub const MAX_HELLO_LEN: usize = 64 * 1024;

const RECORD_HANDSHAKE: u8 = 22;
const HANDSHAKE_CLIENT_HELLO: u8 = 1;
pub(super) const EXT_SESSION_TICKET: u16 = 35;
pub(super) const EXT_PRE_SHARED_KEY: u16 = 41;
/// encrypted_client_hello (RFC 9849).
const EXT_ECH: u16 = 0xfe0d;
const MAX_RECORD_LEN: usize = 16384 + 2048;

/// What `scan` found at the start of a server's input.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// More bytes are needed to see the whole ClientHello.
    Incomplete,
    Hello(ClientHello),
    /// Not a (parsable) ClientHello: OpenSSL gets the bytes and deals with them.
    NotAHello,
}

/// The session-related parts of a ClientHello.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_session_id (TLS 1.2 session id, or TLS 1.3's compatibility-mode random id).
    pub session_id: Vec<u8>,
    /// A non-empty session_ticket extension (a TLS 1.2 ticket the server can open itself).
    pub has_ticket: bool,
    /// The identities of a pre_shared_key extension (TLS 1.3 tickets), in order.
    pub psk_identities: Vec<Vec<u8>>,
    /// An encrypted_client_hello extension: this may be the outer hello of an encrypted inner
    /// one, whose session fields are the ones that count.
    pub ech: bool,
}

/// Reads the ClientHello at the start of `input` (TLS records as received).
pub fn scan(input: &[u8]) -> Scan {
    let mut handshake = Vec::new();
    let mut rest = input;
    loop {
        if handshake.len() >= 4 {
            if handshake[0] != HANDSHAKE_CLIENT_HELLO {
                return Scan::NotAHello;
            }
            let len = u24(&handshake[1..4]);
            if len > MAX_HELLO_LEN {
                return Scan::NotAHello;
            }
            if handshake.len() >= 4 + len {
                return parse_body(&handshake[4..4 + len]).map_or(Scan::NotAHello, Scan::Hello);
            }
        }
        if rest.is_empty() {
            return Scan::Incomplete;
        }
        // Record header: type, version (3.x), length.
        if rest[0] != RECORD_HANDSHAKE || (rest.len() >= 2 && rest[1] != 3) {
            return Scan::NotAHello;
        }
        if rest.len() < 5 {
            return Scan::Incomplete;
        }
        let len = u16(&rest[3..5]);
        if len == 0 || len > MAX_RECORD_LEN {
            return Scan::NotAHello;
        }
        if rest.len() < 5 + len {
            return Scan::Incomplete;
        }
        handshake.extend_from_slice(&rest[5..5 + len]);
        rest = &rest[5 + len..];
    }
}

fn u16(b: &[u8]) -> usize {
    ((b[0] as usize) << 8) | b[1] as usize
}

fn u24(b: &[u8]) -> usize {
    ((b[0] as usize) << 16) | ((b[1] as usize) << 8) | b[2] as usize
}

/// A cursor over a handshake message; every read fails cleanly at the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u8_prefixed(&mut self) -> Option<&'a [u8]> {
        let n = self.take(1)?[0] as usize;
        self.take(n)
    }

    fn u16_prefixed(&mut self) -> Option<&'a [u8]> {
        let n = u16(self.take(2)?);
        self.take(n)
    }
}

fn parse_body(body: &[u8]) -> Option<ClientHello> {
    let mut r = Reader(body);
    r.take(2 + 32)?; // legacy_version, random
    let session_id = r.u8_prefixed()?;
    if session_id.len() > 32 {
        return None;
    }
    r.u16_prefixed()?; // cipher_suites
    r.u8_prefixed()?; // compression_methods
    let mut hello = ClientHello { session_id: session_id.to_vec(), ..Default::default() };
    if r.0.is_empty() {
        return Some(hello); // no extensions
    }
    let mut exts = Reader(r.u16_prefixed()?);
    while !exts.0.is_empty() {
        let kind = u16(exts.take(2)?) as u16;
        let data = exts.u16_prefixed()?;
        match kind {
            EXT_SESSION_TICKET => hello.has_ticket = !data.is_empty(),
            EXT_PRE_SHARED_KEY => hello.psk_identities = psk_identities(data)?,
            EXT_ECH => hello.ech = true,
            _ => {}
        }
    }
    Some(hello)
}

/// The protocol list of an ALPN extension body (RFC 7301: u16 length, then u8-prefixed
/// non-empty names) in wire format, or None if it is malformed or empty (OpenSSL then rejects
/// the ClientHello itself).
pub fn alpn_protocols(body: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader(body);
    let list = r.u16_prefixed()?;
    if !r.0.is_empty() || list.is_empty() {
        return None;
    }
    let mut names = Reader(list);
    while !names.0.is_empty() {
        if names.u8_prefixed()?.is_empty() {
            return None;
        }
    }
    Some(list.to_vec())
}

/// The host_name of a server_name extension body (RFC 6066), or None when there is none or it
/// is malformed, empty or contains a NUL.
pub fn server_name(body: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader(body);
    let mut list = Reader(r.u16_prefixed()?);
    if !r.0.is_empty() {
        return None;
    }
    while !list.0.is_empty() {
        let kind = list.take(1)?[0];
        let name = list.u16_prefixed()?;
        if kind == 0 {
            return (!name.is_empty() && !name.contains(&0)).then(|| name.to_vec());
        }
    }
    None
}

/// The identities of a pre_shared_key extension body — PskIdentity identities<7..2^16-1>,
/// each `opaque identity<1..2^16-1>; uint32 age` — or None if it is malformed.
pub fn psk_identities(data: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut ids = Reader(Reader(data).u16_prefixed()?);
    let mut out = Vec::new();
    while !ids.0.is_empty() {
        out.push(ids.u16_prefixed()?.to_vec());
        ids.take(4)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16be(n: usize) -> [u8; 2] {
        [(n >> 8) as u8, n as u8]
    }

    /// A ClientHello handshake message with the given session id and extensions.
    fn hello_message(session_id: &[u8], extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend([7u8; 32]);
        body.push(session_id.len() as u8);
        body.extend(session_id);
        body.extend([0, 2, 0x13, 0x01]); // one cipher suite
        body.extend([1, 0]); // null compression
        let mut exts = Vec::new();
        for (kind, data) in extensions {
            exts.extend(u16be(*kind as usize));
            exts.extend(u16be(data.len()));
            exts.extend(data);
        }
        body.extend(u16be(exts.len()));
        body.extend(exts);
        let mut msg = vec![HANDSHAKE_CLIENT_HELLO, 0, (body.len() >> 8) as u8, body.len() as u8];
        msg.extend(body);
        msg
    }

    /// `msg` split into handshake records of at most `max` bytes of payload each.
    fn records(msg: &[u8], max: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in msg.chunks(max) {
            out.extend([RECORD_HANDSHAKE, 3, 1]);
            out.extend(u16be(chunk.len()));
            out.extend(chunk);
        }
        out
    }

    fn psk_extension(identities: &[&[u8]]) -> Vec<u8> {
        let mut ids = Vec::new();
        for id in identities {
            ids.extend(u16be(id.len()));
            ids.extend(*id);
            ids.extend([0, 0, 0, 1]);
        }
        let mut data = u16be(ids.len()).to_vec();
        data.extend(ids);
        data.extend([0, 33, 32]);
        data.extend([9u8; 32]); // one binder
        data
    }

    #[test]
    fn reads_session_id_ticket_and_psk_identities() {
        let msg = hello_message(&[1u8; 32], &[(0, vec![0, 0]), (EXT_SESSION_TICKET, vec![5; 100]), (EXT_PRE_SHARED_KEY, psk_extension(&[&[2u8; 32], b"other"]))]);
        let Scan::Hello(hello) = scan(&records(&msg, 16384)) else { panic!("not parsed") };
        assert_eq!(hello.session_id, vec![1u8; 32]);
        assert!(hello.has_ticket);
        assert_eq!(hello.psk_identities, vec![vec![2u8; 32], b"other".to_vec()]);
        assert!(!hello.ech);
        let msg = hello_message(&[], &[(EXT_ECH, vec![0, 0, 1, 0, 1, 7])]);
        let Scan::Hello(hello) = scan(&records(&msg, 16384)) else { panic!("not parsed") };
        assert!(hello.ech);
    }

    #[test]
    fn an_empty_ticket_extension_is_no_ticket() {
        let msg = hello_message(&[], &[(EXT_SESSION_TICKET, vec![])]);
        assert_eq!(scan(&records(&msg, 16384)), Scan::Hello(ClientHello::default()));
    }

    #[test]
    fn waits_for_every_record_of_a_fragmented_hello() {
        let msg = hello_message(&[3u8; 16], &[(EXT_PRE_SHARED_KEY, psk_extension(&[&[4u8; 32]]))]);
        let wire = records(&msg, 10);
        for cut in 0..wire.len() {
            assert_eq!(scan(&wire[..cut]), Scan::Incomplete, "cut at {cut}");
        }
        let Scan::Hello(hello) = scan(&wire) else { panic!("not parsed") };
        assert_eq!(hello.session_id, vec![3u8; 16]);
        assert_eq!(hello.psk_identities, vec![vec![4u8; 32]]);
    }

    #[test]
    fn other_input_is_not_a_hello() {
        assert_eq!(scan(b"GET / HTTP/1.1\r\n\r\n"), Scan::NotAHello);
        // An SSLv2-style hello.
        assert_eq!(scan(&[0x80, 0x2e, 0x01, 0x03, 0x01]), Scan::NotAHello);
        // A handshake record holding some other message.
        assert_eq!(scan(&records(&[2, 0, 0, 1, 0], 100)), Scan::NotAHello);
        // A truncated body inside a complete message.
        let mut msg = hello_message(&[1u8; 8], &[]);
        msg.truncate(20);
        msg[3] = 16;
        assert_eq!(scan(&records(&msg, 100)), Scan::NotAHello);
        // A session id longer than 32 bytes.
        assert_eq!(scan(&records(&hello_message(&[1u8; 33], &[]), 16384)), Scan::NotAHello);
    }

    #[test]
    fn data_after_the_hello_is_ignored() {
        let mut wire = records(&hello_message(&[5u8; 32], &[]), 16384);
        wire.extend([23, 3, 3, 0, 1, 0]);
        let Scan::Hello(hello) = scan(&wire) else { panic!("not parsed") };
        assert_eq!(hello.session_id, vec![5u8; 32]);
    }

    #[test]
    fn malformed_extension_bodies_are_not_parsed() {
        assert_eq!(alpn_protocols(&[0, 3, 2, b'h', b'2']), Some(vec![2, b'h', b'2']));
        assert_eq!(alpn_protocols(&[0, 3, 3, b'h', b'2']), None);
        assert_eq!(alpn_protocols(&[0, 0]), None);
        assert_eq!(alpn_protocols(&[0, 1, 0]), None);
        assert_eq!(alpn_protocols(&[0, 3, 2, b'h', b'2', 9]), None);
        assert_eq!(server_name(&[0, 6, 0, 0, 3, b'a', b'.', b'b']), Some(b"a.b".to_vec()));
        assert_eq!(server_name(&[0, 6, 0, 0, 4, b'a', b'.', b'b']), None);
        assert_eq!(server_name(&[0, 6, 0, 0, 3, b'a', 0, b'b']), None);
        assert_eq!(server_name(&[0, 0]), None);
    }
}
