'use strict';
// The running Node's OpenSSL security rules, which every tls-rs context takes on so that what the
// running Node accepts, tls-rs accepts (and refuses what it refuses):
//
//   hostSecurityLevel()        -> the default level of Node's OpenSSL, or undefined to keep OpenSSL 4.0's (2)
//   hostUsesOpenSSL30Rules     -> whether Node's OpenSSL judges versions and CCM-8 suites as 3.0 does
//   hostOpenSSLBefore(ma, mi)  -> whether Node's OpenSSL is older than ma.mi
//
// The default level is not a matter of OpenSSL's version alone: OpenSSL 3.2 raised it from 1 to
// 2, but a Node may build its OpenSSL with another default (nodejs/node#59859 pins 1 for Node 22
// on OpenSSL 3.5), a Node linked to the system's OpenSSL takes the system's, and Node's OpenSSL
// config (--openssl-config) can set it. So it is read off the running Node: a 1024-bit RSA
// certificate (80 bits) is accepted from level 1 down and refused (ERR_SSL_EE_KEY_TOO_SMALL)
// from level 2 up. Levels 0 and 3+ are not told apart from 1 and 2.
// The level decides RSA/DH/ECC key sizes on both ends, `dhparam` included.
//
// The version and CCM-8 rules are a matter of OpenSSL's version: 3.1 refused TLS 1.0/1.1 from
// level 1 (3.0: TLS 1.0 from level 3, TLS 1.1 from 4) and rated the 8-byte-tag AES-CCM suites
// at 64 bits (3.0: their key size). src/context/security.rs holds 3.0's rules.
// `@SECLEVEL=n` in `ciphers` still overrides the level; the rules follow whatever level is set.

const nodeTls = require('node:tls');

// A self-signed certificate with a 1024-bit RSA key (no private key goes with it: only the
// public key's size is judged).
const RSA_1024_CERT = `-----BEGIN CERTIFICATE-----
MIICHjCCAYegAwIBAgIUc1a+YjDwqIRwTJRHERMYE5KOjU4wDQYJKoZIhvcNAQEL
BQAwIDEeMBwGA1UEAwwVdGxzLXJzLXNlY2xldmVsLXByb2JlMCAXDTI2MTIwNDE3
MzM0NloYDzIxMjYxMTEwMTczMzQ2WjAgMR4wHAYDVQQDDBV0bHMtcnMtc2VjbGV2
ZWwtcHJvYmUwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAJ6s8eSBLuOmW/CN
9XAGnh4c98iM4j1hVcOjzd+mjyBKTq91DIvGoMDtu34SjvsYMu8SN462qnzC/1T/
4e5NUBPd8D4fhUJM0KxZYVlU91UI26eOTu08X6PVJHIc4iaYurKLPatnPdV3e/Vj
aU6LqWmPQKpvHuUfufsBOc9Pv7CfAgMBAAGjUzBRMB0GA1UdDgQWBBSw8nyj7SrD
LNEMWxAQPn9+UCBg8jAfBgNVHSMEGDAWgBSw8nyj7SrDLNEMWxAQPn9+UCBg8jAP
BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4GBAADUjAA5LRhCH3dKcpfl
/mllYymAbDP5EHRHRRHIkKCuCryc0GTcIGFP0DGKp1o6ACMUYOK6e3XwSYdZ97Jw
AeqigArD6u1HUfgQCmeR/Sj+3S/8M6oJJ1uvr89CY4WaCX3BeDz9YvSHZJ5wLwwF
/VnT0BI8MsXW7C+O5VJKJn3U
-----END CERTIFICATE-----
`;

/** process.versions.openssl as [major, minor], or null when it does not parse. */
function hostOpenSSLVersion() {
  const m = /^(\d+)\.(\d+)/.exec(process.versions.openssl || '');
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

const version = hostOpenSSLVersion();

/** Whether the running Node's OpenSSL is older than major.minor (false when unknown). */
function hostOpenSSLBefore(major, minor) {
  if (version === null) return false;
  return version[0] < major || (version[0] === major && version[1] < minor);
}

/** OpenSSL 3.0 (or older): TLS 1.0/1.1 below level 3/4 and CCM-8 suites at level 1 are allowed. */
const hostUsesOpenSSL30Rules = hostOpenSSLBefore(3, 1);

let level = null;

/**
 * The running Node's default security level as tls-rs applies it: 1 when Node accepts a 1024-bit
 * RSA key, undefined (OpenSSL 4.0's default, 2) when it refuses it. Probed once, on first use
 * (one built-in SecureContext without the root store: ~0.2 ms).
 */
function hostSecurityLevel() {
  if (level !== null) return level;
  try {
    // `ca: []`: no trust store, so Node does not build its root store for this.
    nodeTls.createSecureContext({ ca: [], cert: RSA_1024_CERT });
    level = 1;
  } catch (err) {
    // Anything but the key-size refusal says nothing about the level: go by the version then
    // (OpenSSL's own default was 1 before 3.2).
    level = err?.code === 'ERR_SSL_EE_KEY_TOO_SMALL' || !hostOpenSSLBefore(3, 2) ? undefined : 1;
  }
  return level;
}

module.exports = { hostSecurityLevel, hostUsesOpenSSL30Rules, hostOpenSSLBefore };
