//! Follows the record headers of the peer's byte stream, so an error can be reported the way
//! OpenSSL 3.0 (Node 20) words it: 3.0 checks a record's version before its type, 4.0 the
//! other way round, so a record that is wrong in both (text garbage, say) is "bad record type"
//! here and "wrong version number" in Node.

use crate::error::OpenSslError;

/// Record content types TLS defines (change_cipher_spec, alert, handshake, application_data).
const KNOWN_TYPES: [u8; 4] = [20, 21, 22, 23];

/// Where the stream stands: inside a header (bytes of it so far) or a record body.
#[derive(Default)]
pub struct RecordScan {
    header: Vec<u8>,
    body_left: usize,
    /// The first header with an unknown type: (type, version major).
    first_bad: Option<(u8, u8)>,
}

impl RecordScan {
    /// Follows `bytes`, the next part of the peer's stream.
    pub fn follow(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && self.first_bad.is_none() {
            if self.body_left > 0 {
                let n = self.body_left.min(bytes.len());
                self.body_left -= n;
                bytes = &bytes[n..];
                continue;
            }
            let n = (5 - self.header.len()).min(bytes.len());
            self.header.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if let [kind, major, _, hi, lo] = self.header[..] {
                if !KNOWN_TYPES.contains(&kind) {
                    self.first_bad = Some((kind, major));
                }
                self.body_left = (usize::from(hi) << 8) | usize::from(lo);
                self.header.clear();
            }
        }
    }

    /// `err` in OpenSSL 3.0's words: "bad record type" for a record whose version is not 3.x
    /// becomes "wrong version number" (when the running Node's OpenSSL is 3.0).
    pub fn as_openssl_30(&self, mut err: OpenSslError) -> OpenSslError {
        if crate::host_openssl::answers_as_openssl_30() && err.reason.as_deref() == Some("bad record type") && matches!(self.first_bad, Some((_, major)) if major != 3) {
            err.message = err.message.replacen(":0A0001BB:", ":0A00010B:", 1).replacen(":bad record type:", ":wrong version number:", 1);
            err.reason = Some("wrong version number".into());
            err.code = "ERR_SSL_WRONG_VERSION_NUMBER".into();
        }
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_type() -> OpenSslError {
        OpenSslError {
            message: "X:error:0A0001BB:SSL routines:f:bad record type:file:1:\n".into(),
            code: "ERR_SSL_BAD_RECORD_TYPE".into(),
            library: Some("SSL routines".into()),
            reason: Some("bad record type".into()),
        }
    }

    #[test]
    fn text_after_a_record_is_a_wrong_version() {
        let mut scan = RecordScan::default();
        scan.follow(&[22, 3, 1, 0, 2, 1]);
        scan.follow(&[0, b't', b'h', b'i', b's', b' ']);
        let err = scan.as_openssl_30(bad_type());
        assert_eq!(err.code, "ERR_SSL_WRONG_VERSION_NUMBER");
        assert_eq!(err.message, "X:error:0A00010B:SSL routines:f:wrong version number:file:1:\n");
    }

    #[test]
    fn an_unknown_type_with_a_tls_version_stays_a_bad_record_type() {
        let mut scan = RecordScan::default();
        scan.follow(&[0x63, 3, 3, 0, 5]);
        assert_eq!(scan.as_openssl_30(bad_type()).code, "ERR_SSL_BAD_RECORD_TYPE");
    }
}
