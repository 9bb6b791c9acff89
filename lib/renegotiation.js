'use strict';
// TLS 1.2 renegotiation, as Node's _tls_wrap does it: renegotiate(), disableRenegotiation(),
// and the server's guard against clients that renegotiate too often (more than
// tls.CLIENT_RENEG_LIMIT handshakes, each within tls.CLIENT_RENEG_WINDOW seconds of the one
// before, read when each handshake starts).

const { codes: { ERR_TLS_SESSION_ATTACK, ERR_TLS_RENEGOTIATION_DISABLED } } = require('./errors');
const { validateObject, validateFunction } = require('./validators');
const { tlsModule } = require('./defaults');
const { kSession, kHandshakes, kLastHandshakeTime } = require('./symbols');

const kDisableRenegotiation = Symbol('kDisableRenegotiation');

/** Adds the renegotiation methods to TLSSocket.prototype. */
function install(proto) {
  /**
   * Starts a TLS 1.2 renegotiation (with new requestCert / rejectUnauthorized); `callback(err)`
   * once it is done. False (and the error to the callback) when OpenSSL refuses to start one.
   */
  proto.renegotiate = function renegotiate(options, callback) {
    validateObject(options, 'options');
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (this.destroyed) return;

    let requestCert = !!this._requestCert;
    let rejectUnauthorized = !!this._rejectUnauthorized;
    if (options.requestCert !== undefined) requestCert = !!options.requestCert;
    if (options.rejectUnauthorized !== undefined) rejectUnauthorized = !!options.rejectUnauthorized;
    if (requestCert !== this._requestCert || rejectUnauthorized !== this._rejectUnauthorized) {
      this[kSession].setVerifyMode(requestCert, rejectUnauthorized);
      this._requestCert = requestCert;
      this._rejectUnauthorized = rejectUnauthorized;
    }
    // As Node: empty writes push out what is pending before and after the request.
    this.write('');
    if (!this[kSession]) {
      // The write destroyed the socket (after end()): Node's _handle.renegotiate() then throws
      // on the handle that is gone, and its callback gets that TypeError.
      const gone = new TypeError('Cannot read properties of null (reading \'renegotiate\')');
      if (callback) process.nextTick(callback, gone);
      return false;
    }
    const failure = this[kSession].renegotiate();
    if (failure) {
      if (callback) process.nextTick(callback, failure);
      return false;
    }
    this.write('');
    if (callback) this.once('secure', () => callback(null));
    return true;
  };

  /** A renegotiation the peer starts from now on is ERR_TLS_RENEGOTIATION_DISABLED. */
  proto.disableRenegotiation = function disableRenegotiation() {
    this[kDisableRenegotiation] = true;
  };

  // Node's onhandshakestart (servers only; a client's is a no-op).
  proto._onHandshakeStart = function _onHandshakeStart(now) {
    if (!this._tlsOptions.isServer) return;
    const last = this[kLastHandshakeTime] || 0;
    this[kLastHandshakeTime] = now;
    if (last === 0) return;
    const tls = tlsModule();
    if ((now - last) >= tls.CLIENT_RENEG_WINDOW * 1000) this[kHandshakes] = 1;
    else this[kHandshakes]++;
    if (this[kHandshakes] > tls.CLIENT_RENEG_LIMIT) {
      this._emitTLSError(new ERR_TLS_SESSION_ATTACK());
      return;
    }
    if (this[kDisableRenegotiation]) this._emitTLSError(new ERR_TLS_RENEGOTIATION_DISABLED());
  };
}

module.exports = { install };
