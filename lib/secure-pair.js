'use strict';
// The legacy tls.createSecurePair() / SecurePair / CryptoStream of the seed docs, built the way
// Node 20 builds it: a TLSSocket (`cleartext`) over one end of an in-memory duplex pair whose
// other end (`encrypted`) the user pipes to and from the network.

const EventEmitter = require('node:events');
const { Duplex } = require('node:stream');
const { deprecate } = require('node:util');
const { TLSSocket } = require('./socket');
// Not through the module: Node's SecurePair calls _tls_common's createSecureContext too.
const { createSecureContext } = require('./secure-context');

const kCallback = Symbol('kCallback');
const kOtherSide = Symbol('kOtherSide');
const kBytesWritten = Symbol('kBytesWritten');

/**
 * One end of the pair. On the encrypted side this is the seed docs' CryptoStream: what is
 * written to it goes to the other end, and `bytesWritten` counts the bytes it has handed to
 * whoever reads it (the network side), TLS overhead included.
 */
class CryptoStream extends Duplex {
  constructor() {
    super();
    this[kCallback] = null;
    this[kOtherSide] = null;
    this[kBytesWritten] = 0;
  }

  get bytesWritten() {
    return this[kBytesWritten];
  }

  _read() {
    const callback = this[kCallback];
    if (callback) {
      this[kCallback] = null;
      callback();
    }
  }

  _write(chunk, encoding, callback) {
    if (chunk.length === 0) {
      process.nextTick(callback);
    } else {
      const other = this[kOtherSide];
      other[kBytesWritten] += chunk.length;
      other.push(chunk);
      other[kCallback] = callback;
    }
  }

  _final(callback) {
    this[kOtherSide].on('end', callback);
    this[kOtherSide].push(null);
  }
}

/**
 * The seed docs' SecurePair: `cleartext` (a TLSSocket) and `encrypted` (a CryptoStream for the
 * network side); 'secure' once the handshake is done.
 */
class SecurePair extends EventEmitter {
  constructor(secureContext = createSecureContext(),
              isServer = false,
              requestCert = !isServer,
              rejectUnauthorized = false,
              options = {}) {
    super();
    const encrypted = new CryptoStream();
    const clear = new CryptoStream();
    encrypted[kOtherSide] = clear;
    clear[kOtherSide] = encrypted;

    this.server = options.server;
    this.credentials = secureContext;
    this.encrypted = encrypted;
    this.cleartext = new TLSSocket(clear, {
      secureContext,
      isServer,
      requestCert,
      rejectUnauthorized,
      ...options,
    });
    // As the seed docs' SecurePair: 'secure' handlers check cleartext.authorized, and a client
    // pair starts its handshake by itself (Node 20's leaves a client pair waiting forever).
    this.cleartext.once('secure', () => {
      // A server pair verifies with requestCert (the argument or options.requestCert), a client
      // pair always (TLSSocket's _requestCert says which).
      if (this.cleartext._requestCert) {
        const verifyError = this.cleartext.ssl.verifyError();
        this.cleartext.authorized = !verifyError;
        this.cleartext.authorizationError = verifyError ? verifyError.code : null;
      }
      this.emit('secure');
    });
    if (!isServer) process.nextTick(() => this.cleartext._start());
  }

  destroy() {
    this.cleartext.destroy();
    this.encrypted.destroy();
  }
}

/** tls.createSecurePair([context][, isServer][, requestCert][, rejectUnauthorized][, options]) (DEP0064). */
const createSecurePair = deprecate(
  (...args) => Reflect.construct(SecurePair, args),
  'tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.',
  'DEP0064');

module.exports = { createSecurePair, SecurePair, CryptoStream };
