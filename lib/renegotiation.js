'use strict';
// TLS 1.2 renegotiation, as Node's _tls_wrap does it: renegotiate(), disableRenegotiation(),
// and the server's guard against clients that renegotiate too often (more than
// tls.CLIENT_RENEG_LIMIT handshakes, each within tls.CLIENT_RENEG_WINDOW seconds of the one
// before, read when each handshake starts). Also the dispatch of the events the native
// connection queues from OpenSSL's callbacks, in OpenSSL's order (binding.EventKind).

const { performance } = require('node:perf_hooks');
const { codes: { ERR_TLS_SESSION_ATTACK, ERR_TLS_RENEGOTIATION_DISABLED } } = require('./errors');
const { validateObject, validateFunction } = require('./validators');
const { EventKind } = require('./binding');
const { tlsModule } = require('./defaults');

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
      if (callback) process.nextTick(callback, failure);
      return false;
    }
    this.write('');
    if (callback) this.once('secure', () => callback(null));
    return true;
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
    const tls = tlsModule();
    if ((now - last) >= tls.CLIENT_RENEG_WINDOW * 1000) this[kHandshakes] = 1;
    else this[kHandshakes] = (this[kHandshakes] || 0) + 1;
    if (this[kHandshakes] > tls.CLIENT_RENEG_LIMIT) {
      this._emitTLSError(new ERR_TLS_SESSION_ATTACK());
      return;
    }
    if (this[kDisableRenegotiation]) this._emitTLSError(new ERR_TLS_RENEGOTIATION_DISABLED());
  };

  // Node's onhandshakedone, for the first handshake and every renegotiation: 'secure', on a
  // server once a pending 'newSession' callback came.
  proto._onHandshakeDone = function _onHandshakeDone() {
    if (this._newSessionPending) this._securePending = true;
    else this._finishInit();
  };

  // Takes the connection's queued events and handles them in order (Status.Events).
  proto._onSessionEvents = function _onSessionEvents() {
    const session = this[kSession];
    if (!session) return;
    const events = session.takeEvents();
    // Node's TLSWrap holds a server's output once a step created a session (EncOut checks
    // awaiting_new_session_ after the step), so what 'secure' handlers write in that step is
    // held too, though a TLS 1.3 handshake completes before its tickets are made.
    if (this._tlsOptions.isServer && this.server && events.some((e) => e.kind === EventKind.NewSession)) this._holdOutput();
    for (const event of events) {
      switch (event.kind) {
        case EventKind.HandshakeStart:
          // Node's onhandshakestart gets uv_now(); any monotonic milliseconds do.
          this._onHandshakeStart(performance.timeOrigin + performance.now());
          break;
        case EventKind.HandshakeDone:
          this._onHandshakeDone();
          break;
        case EventKind.NewSession:
          this._onNewSession(event.id, event.data);
          break;
        case EventKind.Keylog:
          this.emit('keylog', event.data);
          break;
        case EventKind.OcspResponse:
          this.emit('OCSPResponse', event.data ?? null);
          break;
      }
      if (!this[kSession]) return;
    }
  };
}

module.exports = { installRenegotiation };
