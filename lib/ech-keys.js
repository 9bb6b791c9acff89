'use strict';
// `tls-rs/ech` (beyond Node): Encrypted Client Hello keys for a server (lib/ech.js has the
// options that use them).
//
//   generateECHKey({ publicName, maxNameLength = 0 }) -> { key, echConfigList }
//       key            the PEM a server takes as `echKeys` (a PRIVATE KEY block, then an ECHCONFIG
//                      block): what `openssl ech -public_name NAME` writes, and nginx reads
//       echConfigList  a Buffer: what clients pass as `echConfigList`; published in base64 as the
//                      `ech` parameter of the site's DNS HTTPS record
//   echConfigListOf(pem) -> Buffer: the ECHConfigList of such a PEM (e.g. one `openssl ech` wrote)
//
// The config is RFC 9849's (version 0xfe0d) with X25519, HKDF-SHA256 and AES-128-GCM; the public
// name is the name the outer, cleartext ClientHello carries, whose certificate the server must
// also hold (a client that is refused checks it before taking the retry configs).

const binding = require('./binding');
const { codes: { ERR_INVALID_ARG_VALUE } } = require('./errors');
const { validateObject, validateString, validateInt32 } = require('./validators');

const ECHCONFIG = /-----BEGIN ECHCONFIG-----([A-Za-z0-9+/=\s]*)-----END ECHCONFIG-----/;

/** The ECHConfigList in an ECH key PEM (string or Buffer). */
function echConfigListOf(pem) {
  const text = Buffer.isBuffer(pem) ? pem.toString('latin1') : pem;
  validateString(text, 'pem');
  const m = ECHCONFIG.exec(text);
  if (!m) throw new ERR_INVALID_ARG_VALUE('pem', pem, 'has no ECHCONFIG block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/** A new ECH key for `publicName`, with the ECHConfigList clients need. */
function generateECHKey(options) {
  validateObject(options, 'options');
  const { publicName, maxNameLength = 0 } = options;
  validateString(publicName, 'options.publicName');
  if (publicName.length === 0 || publicName.length > 255 || publicName.startsWith('.') || publicName.endsWith('.')) {
    throw new ERR_INVALID_ARG_VALUE('options.publicName', publicName, 'is not a DNS name of 1 to 255 characters');
  }
  validateInt32(maxNameLength, 'options.maxNameLength', 0, 255);
  const key = binding.generateECHKey(publicName, maxNameLength);
  return { key, echConfigList: echConfigListOf(key) };
}

module.exports = { generateECHKey, echConfigListOf };
