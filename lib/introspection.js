'use strict';
// What a TLSSocket tells about its connection, with Node's validation and its results before
// the handshake and after destroy(): getPeerCertificate, getCertificate, getCipher, getProtocol,
// getEphemeralKeyInfo, exportKeyingMaterial, getFinished, getPeerFinished, getSharedSigalgs,
// getX509Certificate, getPeerX509Certificate, and setMaxSendFragment.

const { X509Certificate } = require('node:crypto');
const { codes: { ERR_TLS_INVALID_STATE } } = require('./errors');
const { validateUint32, validateString, validateBuffer, validateInt32 } = require('./validators');
const { kSession } = require('./symbols');
const hostTls = require('./host-tls');

/** Adds the introspection methods to TLSSocket.prototype. */
function install(proto) {
  /** The peer's certificate (with its issuer chain when `detailed`); {} without one, null once destroyed. */
  proto.getPeerCertificate = function getPeerCertificate(detailed) {
    if (!this[kSession]) return null;
    return this[kSession].getPeerCertificate(!!detailed) || {};
  };

  /** This end's certificate; {} without one, null once destroyed. */
  proto.getCertificate = function getCertificate() {
    if (!this[kSession]) return null;
    return this[kSession].getCertificate() || {};
  };

  /** { name, standardName, version } of the negotiated cipher; undefined before, null once destroyed. */
  proto.getCipher = function getCipher() {
    return this[kSession] ? this[kSession].getCipher() ?? undefined : null;
  };

  /** The negotiated protocol version ('TLSv1.3', ...), null once destroyed. */
  proto.getProtocol = function getProtocol() {
    return this[kSession] ? this[kSession].getProtocol() : null;
  };

  /** A client's ephemeral key exchange ({ type, name, size }); null on a server or once destroyed. */
  proto.getEphemeralKeyInfo = function getEphemeralKeyInfo() {
    if (!this[kSession]) return null;
    if (this._tlsOptions.isServer) return null;
    const info = this[kSession].getEphemeralKeyInfo();
    // Node 24 always has type, name and size, undefined where there is none (lib/host-tls.js).
    const allKeys = hostTls.ephemeralKeyInfoHasAllKeys();
    if (!info) return allKeys ? { type: undefined, name: undefined, size: undefined } : {};
    // Node's key order: { type, size } for DH, { type, name, size } for ECDH; a group with no
    // such key (X25519MLKEM768) as Node 24 reports it: { type: 'TLSGroup', name }; Node 22
    // reports {} (lib/host-tls.js).
    if (info.type === 'DH') return allKeys ? { type: info.type, name: undefined, size: info.size } : { type: info.type, size: info.size };
    if (info.type === 'TLSGroup') {
      if (hostTls.ephemeralKeyInfoHidesGroups()) return {};
      return allKeys ? { type: info.type, name: info.name, size: undefined } : { type: info.type, name: info.name };
    }
    return { type: info.type, name: info.name, size: info.size };
  };

  /**
   * RFC 5705 keying material: `length` bytes for `label` (and `context`); before 'secure',
   * ERR_TLS_INVALID_STATE.
   */
  proto.exportKeyingMaterial = function exportKeyingMaterial(length, label, context) {
    validateUint32(length, 'length', true);
    validateString(label, 'label');
    if (context !== undefined) validateBuffer(context, 'context');
    if (!this._secureEstablished) throw new ERR_TLS_INVALID_STATE();
    const session = this[kSession];
    // Node reads a null handle here (a TypeError); length past int32 aborts Node's process.
    if (!session) throw new TypeError("Cannot read properties of null (reading 'exportKeyingMaterial')");
    if (length > 2147483647) throw new RangeError(`tls-rs: exportKeyingMaterial length ${length} is too large`);
    const ctx = context === undefined ? undefined :
      Buffer.from(context.buffer, context.byteOffset, context.byteLength);
    return session.exportKeyingMaterial(length, label, ctx);
  };

  // Node proxies these to the handle: null once destroyed, undefined when OpenSSL has none.
  /** The Finished message this end sent, as a Buffer. */
  proto.getFinished = function getFinished() {
    const session = this[kSession];
    return session ? session.getFinished() ?? undefined : null;
  };

  /** The Finished message the peer sent, as a Buffer. */
  proto.getPeerFinished = function getPeerFinished() {
    const session = this[kSession];
    return session ? session.getPeerFinished() ?? undefined : null;
  };

  /** The signature algorithms both ends support, most preferred first; null once destroyed. */
  proto.getSharedSigalgs = function getSharedSigalgs() {
    const session = this[kSession];
    return session ? session.getSharedSigalgs() : null;
  };

  /** This end's certificate as a crypto.X509Certificate, or undefined. */
  proto.getX509Certificate = function getX509Certificate() {
    const der = this[kSession]?.getX509Certificate();
    return der ? new X509Certificate(der) : undefined;
  };

  /** The peer's certificate as a crypto.X509Certificate, or undefined. */
  // `detailed` is unused, as in Node; it is declared so the function's length is Node's.
  proto.getPeerX509Certificate = function getPeerX509Certificate(detailed) { // eslint-disable-line no-unused-vars
    const chain = this[kSession]?.getPeerX509Chain() ?? [];
    if (chain.length === 0) return undefined;
    const peer = new X509Certificate(chain[0]);
    // Node's C++ sets each one's issuer from the rest of the chain the peer sent, unverified; from
    // JS the link is an own property shadowing X509Certificate's getter (undefined at the end).
    let last = peer;
    for (const der of chain.slice(1)) {
      const issuer = new X509Certificate(der);
      Object.defineProperty(last, 'issuerCertificate', { value: issuer, enumerable: false, configurable: true });
      last = issuer;
    }
    return peer;
  };

  /** Caps outgoing records at `size` bytes (512–16384); whether OpenSSL accepted it. */
  proto.setMaxSendFragment = function setMaxSendFragment(size) {
    validateInt32(size, 'size');
    const session = this[kSession];
    if (!session) throw new TypeError("Cannot read properties of null (reading 'setMaxSendFragment')");
    return session.setMaxSendFragment(size) === 1;
  };
}

module.exports = { install };
