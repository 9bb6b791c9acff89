'use strict';
// The running Node's OpenSSL security rules, which every tls-rs context takes on so that what the
// running Node accepts, tls-rs accepts (and refuses what it refuses):
//
//   hostSecurityLevel()        -> the default level of Node's OpenSSL, or undefined to keep OpenSSL 3.6's (2)
//   hostUsesOpenSSL30Rules     -> whether Node's OpenSSL judges versions and CCM-8 suites as 3.0 does
//
// OpenSSL 3.2 raised the default level from 1 to 2 (RSA/DH keys under 2048 bits refused).
//
// The version and CCM-8 rules are a matter of OpenSSL's version: 3.1 refused TLS 1.0/1.1 from
// level 1 (3.0: TLS 1.0 from level 3, TLS 1.1 from 4) and rated the 8-byte-tag AES-CCM suites
// at 64 bits (3.0: their key size). src/context/security.rs holds 3.0's rules.
// `@SECLEVEL=n` in `ciphers` still overrides the level; the rules follow whatever level is set.

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

/** The running Node's default security level: 1 before OpenSSL 3.2, else undefined (OpenSSL 3.6's 2). */
function hostSecurityLevel() {
  return hostOpenSSLBefore(3, 2) ? 1 : undefined;
}

module.exports = { hostSecurityLevel, hostUsesOpenSSL30Rules };
