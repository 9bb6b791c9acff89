//! A shortcut for the client's host-name check: whether Node's own `tls.checkServerIdentity`
//! surely accepts a certificate, decided without building the `getPeerCertificate(true)` object
//! it reads. The answer is "yes" only for the plain case — the host name is, letter for letter
//! (ASCII case aside), one of the `DNS:` entries of the subjectaltname text Node would print —
//! and "ask Node" for everything else (wildcards, IP addresses, CN fallback, unusual characters),
//! so no certificate is accepted here that Node would refuse.

use super::alt_names::{subject_alt_name, Text};
use openssl::x509::X509Ref;

/// `name` with one trailing dot removed (Node's unfqdn), if what remains is a plain DNS name:
/// non-empty labels of ASCII letters, digits and '-'. None otherwise.
fn plain_dns_name(name: &str) -> Option<&str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let plain = !name.is_empty()
        && name.split('.').all(|label| !label.is_empty() && label.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    plain.then_some(name)
}

/// True when Node's checkServerIdentity(`host`, cert) returns no error for `cert` because a
/// `DNS:` entry equals `host`; false means "run checkServerIdentity" (which may still accept).
pub fn host_matches_dns_name(cert: &X509Ref, host: &str) -> bool {
    let Some(host) = plain_dns_name(host) else { return false };
    // A last label that begins with a digit: Node takes a numeric one for an IPv4 address
    // (net.isIP), and Node 22+ refuses hosts that URL parsing reads as IPv4 ("0x7f000001",
    // "a.0x1": "non-canonical IP address"). Node decides those.
    if host.rsplit('.').next().is_some_and(|label| label.bytes().next().is_some_and(|c| c.is_ascii_digit())) {
        return false;
    }
    let Text::Value(alt_names) = subject_alt_name(cert) else { return false };
    // Node splits quoted entries differently (splitEscapedAltNames): leave those to it.
    if alt_names.contains('"') {
        return false;
    }
    alt_names
        .split(", ")
        .filter_map(|entry| entry.strip_prefix("DNS:"))
        .filter_map(plain_dns_name)
        .any(|name| name.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::{X509NameBuilder, X509};

    fn cert_with(dns: &[&str], ips: &[&str]) -> X509 {
        let key = PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "example.com").unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
        b.set_not_after(&Asn1Time::days_from_now(1).unwrap()).unwrap();
        if !dns.is_empty() || !ips.is_empty() {
            let mut san = SubjectAlternativeName::new();
            for d in dns {
                san.dns(d);
            }
            for ip in ips {
                san.ip(ip);
            }
            let ext = san.build(&b.x509v3_context(None, None)).unwrap();
            b.append_extension(ext).unwrap();
        }
        b.sign(&key, MessageDigest::sha256()).unwrap();
        b.build()
    }

    #[test]
    fn exact_dns_names_match_in_any_ascii_case_with_a_trailing_dot() {
        let cert = cert_with(&["other.example", "Example.COM"], &[]);
        assert!(host_matches_dns_name(&cert, "example.com"));
        assert!(host_matches_dns_name(&cert, "EXAMPLE.com."));
        assert!(host_matches_dns_name(&cert, "other.example"));
        assert!(!host_matches_dns_name(&cert, "www.example.com"));
        assert!(!host_matches_dns_name(&cert, "example.co"));
    }

    #[test]
    fn everything_else_is_left_to_check_server_identity() {
        // A wildcard (Node may accept), the CN fallback, IP addresses, odd names.
        assert!(!host_matches_dns_name(&cert_with(&["*.example.com"], &[]), "www.example.com"));
        assert!(!host_matches_dns_name(&cert_with(&[], &[]), "example.com"));
        assert!(!host_matches_dns_name(&cert_with(&["127.0.0.1"], &["127.0.0.1"]), "127.0.0.1"));
        assert!(!host_matches_dns_name(&cert_with(&["a.b.c.4"], &[]), "a.b.c.4"));
        // Hosts URL parsing reads as IPv4 (Node 22+ refuses them): a hex last label.
        for host in ["a.0x1", "0x7f000001", "a.b.c.0x10", "a.0X1f"] {
            assert!(!host_matches_dns_name(&cert_with(&[host], &[]), host), "{host}");
        }
        assert!(!host_matches_dns_name(&cert_with(&["a..b"], &[]), "a..b"));
        assert!(!host_matches_dns_name(&cert_with(&["under_score.example"], &[]), "under_score.example"));
        assert!(!host_matches_dns_name(&cert_with(&["example.com"], &[]), "example.com.."));
        assert!(!host_matches_dns_name(&cert_with(&["example.com"], &[]), ""));
        // A quoted entry anywhere: Node's other splitter decides.
        assert!(!host_matches_dns_name(&cert_with(&["example.com", "a,b.example"], &[]), "example.com"));
    }
}
