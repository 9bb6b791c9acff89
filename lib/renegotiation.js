'use strict';
// TLS 1.2 renegotiation, as Node's _tls_wrap does it: renegotiate(), disableRenegotiation(),
// and the server's guard against clients that renegotiate too often (more than
// tls.CLIENT_RENEG_LIMIT handshakes, each within tls.CLIENT_RENEG_WINDOW seconds of the one
// before, read when each handshake starts). Also the dispatch of the events the native session
// queues from OpenSSL's callbacks: handshake starts, renegotiations done, key-log lines.

const { performance } = require('node:perf_hooks');
const { codes: { ERR_TLS_SESSION_ATTACK, ERR_TLS_RENEGOTIATION_DISABLED } } = require('./errors');
const { validateObject, validateFunction } = require('./validators');
const { opensslError } = require('./openssl-error');

// Entries of session.takeEvents() (src/session_ext.rs); Buffers are key-log lines.
const EVENT_HANDSHAKE_START = 1;
const EVENT_HANDSHAKE_DONE = 2;
const EVENT_NEW_SESSION = 3;

const kDisableRenegotiation = Symbol('kDisableRenegotiation');
const kLastHandshakeTime = Symbol('kLastHandshakeTime');
const kHandshakes = Symbol('kHandshakes');

/** Adds the methods to TLSSocket.prototype; `kSession` is the socket's native session. */
function installRenegotiation(proto, kSession) {
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
    const failure = this[kSession] ? this[kSession].renegotiate() : null;
    if (failure) {
      if (callback) process.nextTick(callback, opensslError(failure));
      return false;
    }
    this.write('');
    if (callback) this.once('secure', () => callback(null));
    return true;
  };

  // Called from _init: Node's info callback reports every handshake start and renegotiation.
  proto._setupRenegotiation = function _setupRenegotiation() {
    this[kSession].enableHandshakeEvents();
  };

  proto.disableRenegotiation = function disableRenegotiation() {
    this[kDisableRenegotiation] = true;
  };

  // Node's onhandshakestart (servers only; a client's is a no-op).
  proto._onHandshakeStart = function _onHandshakeStart(now) {
    if (!this._tlsOptions.isServer) return;
    const last = this[kLastHandshakeTime] || 0;
    this[kLastHandshakeTime] = now;
    if (last === 0) return;
    const tls = require('./tls');
    if ((now - last) >= tls.CLIENT_RENEG_WINDOW * 1000) this[kHandshakes] = 1;
    else this[kHandshakes] = (this[kHandshakes] || 0) + 1;
    if (this[kHandshakes] > tls.CLIENT_RENEG_LIMIT) {
      this._emitTLSError(new ERR_TLS_SESSION_ATTACK());
      return;
    }
    if (this[kDisableRenegotiation]) this._emitTLSError(new ERR_TLS_RENEGOTIATION_DISABLED());
  };

  // Takes the session's queued events, in order (status bit 256 / readCleartext -3).
  proto._onSessionEvents = function _onSessionEvents() {
    const session = this[kSession];
    if (!session) return;
    for (const event of session.takeEvents()) {
      if (event === EVENT_HANDSHAKE_START) {
        // Node's onhandshakestart gets uv_now(); any monotonic milliseconds do.
        this._onHandshakeStart(performance.timeOrigin + performance.now());
      } else if (event === EVENT_HANDSHAKE_DONE) {
        // Node's onhandshakedone after a renegotiation: 'secure' again, on a server once the
        // 'newSession' callback came.
        if (this._onRenegotiated()) this._finishInit();
      } else if (event === EVENT_NEW_SESSION) {
        this._onNewSessions(0);
      } else {
        this.emit('keylog', event);
      }
      if (!this[kSession]) return;
    }
  };
}

module.exports = { installRenegotiation };
