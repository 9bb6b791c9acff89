'use strict';
// Sessions and resumption on a TLSSocket, as Node's _tls_wrap.js does them: a client's
// 'session' events (onnewsessionclient, held until the server is verified: kPendingSession), a
// server's 'newSession' (onnewsession, whose callback releases the held output) and
// 'resumeSession' (loadSession), and setSession / getSession / getTLSTicket /
// isSessionReused. Sessions are DER (i2d_SSL_SESSION), interchangeable with Node's.

const { codes: { ERR_SOCKET_CLOSED, ERR_MULTIPLE_CALLBACK } } = require('./errors');

// Status bits of the native session (src/session.rs).
const STATUS_HANDSHAKE_DONE = 1;
const STATUS_RESUME_REQUEST = 16;
const STATUS_NEW_SESSION = 32;

const kIsVerified = Symbol('kIsVerified');
const kPendingSession = Symbol('kPendingSession');
const kSessionCallbacks = Symbol('kSessionCallbacks');
// The write callbacks waiting while 'newSession' holds the output (socket.js's
// _flushCiphertext appends to it).
const kHeldOutput = Symbol('kHeldOutput');

/** Adds the methods to TLSSocket.prototype; `kSession` is the socket's native session. */
function installSessions(proto, kSession) {
  proto._setupSessions = function _setupSessions() {
    const options = this._tlsOptions;
    this[kIsVerified] = false;
    this[kPendingSession] = null;
    this[kSessionCallbacks] = false;
    this[kHeldOutput] = null;
    if (options.isServer) {
      // Only when the listeners exist at accept time, as in Node.
      const server = this.server;
      if (server && (server.listenerCount('resumeSession') > 0 || server.listenerCount('newSession') > 0)) {
        this._enableSessionCallbacks();
      }
    } else {
      if (options.session) setNativeSession(this[kSession], options.session);
      // Sessions are serialized only once someone listens for them.
      if (this.listenerCount('newListener', sessionNewListener) === 0) {
        this.on('newListener', sessionNewListener);
      }
    }
  };

  proto._enableSessionCallbacks = function _enableSessionCallbacks() {
    if (!this[kSession] || this[kSessionCallbacks]) return;
    this[kSessionCallbacks] = true;
    this[kSession].enableSessionCallbacks();
  };

  // Status bits 16/32 of a session step. Returns the bits _afterSessionStep still has to act
  // on, or -1 when the handshake now waits for a 'resumeSession' answer.
  proto._onSessionStatus = function _onSessionStatus(status) {
    if (status & STATUS_NEW_SESSION) status = this._onNewSessions(status);
    if (status & STATUS_RESUME_REQUEST) {
      this._askResumeSession();
      return -1;
    }
    return status;
  };

  proto._onNewSessions = function _onNewSessions(status) {
    const session = this[kSession];
    if (!session) return status;
    const created = session.takeNewSessions();
    if (created.length === 0) return status;
    if (!this._tlsOptions.isServer) {
      // Node's onnewsessionclient: emitted once the server is verified (tls.js), the latest
      // one kept until then.
      for (const { data } of created) {
        if (this[kIsVerified]) this.emit('session', data);
        else this[kPendingSession] = data;
      }
      return status;
    }
    const server = this.server;
    if (!server) return status;
    // The handshake's output (and anything written meanwhile) waits for a 'newSession' callback.
    // One flag (Node's _newSessionPending / awaiting_new_session_): whichever callback comes
    // first releases it, also when a TLS 1.3 server issued two tickets.
    this._newSessionPending = true;
    if (!this[kHeldOutput]) this[kHeldOutput] = [];
    if ((status & STATUS_HANDSHAKE_DONE) && session.getProtocol() === 'TLSv1.3') {
      // TLS 1.3 tickets are issued after the handshake is done (Node sees 'done' first).
      status &= ~STATUS_HANDSHAKE_DONE;
      this._finishInit();
    }
    for (const { id, data } of created) {
      let once = false;
      const done = () => {
        if (once) return;
        once = true;
        if (!this[kSession]) {
          this.destroy(new ERR_SOCKET_CLOSED());
          return;
        }
        this._newSessionPending = false;
        this._releaseHeldOutput();
        if (this._securePending) {
          this._securePending = false;
          this._finishInit();
        }
        this._afterSessionStep(0);
      };
      if (!server.emit('newSession', id, data, done)) done();
    }
    if ((status & STATUS_HANDSHAKE_DONE) && this._newSessionPending) {
      // Node's onhandshakedone: 'secure' waits for the newSession callback.
      status &= ~STATUS_HANDSHAKE_DONE;
      this._securePending = true;
    }
    return status;
  };

  // A renegotiation completed: whether 'secure' may be emitted now (Node's onhandshakedone
  // waits for a pending 'newSession' callback).
  proto._onRenegotiated = function _onRenegotiated() {
    if (!this._newSessionPending) return true;
    this._securePending = true;
    return false;
  };

  proto._releaseHeldOutput = function _releaseHeldOutput() {
    const callbacks = this[kHeldOutput];
    this[kHeldOutput] = null;
    if (!callbacks) return;
    let cb = null;
    if (callbacks.length === 1) cb = callbacks[0];
    else if (callbacks.length > 1) cb = (err) => { for (const f of callbacks) f(err); };
    this._flushCiphertext(cb, cb !== null);
  };

  // Destroyed while 'newSession' held the output: its write callbacks fail.
  proto._dropHeldOutput = function _dropHeldOutput() {
    const callbacks = this[kHeldOutput];
    this[kHeldOutput] = null;
    if (callbacks) for (const cb of callbacks) cb(new ERR_SOCKET_CLOSED());
  };

  // Node's loadSession: the server asks its 'resumeSession' listener, and the handshake goes
  // on (endParser) with whatever session it found.
  proto._askResumeSession = function _askResumeSession() {
    const session = this[kSession];
    const id = session.resumeSessionId;
    let once = false;
    const onSession = (err, data) => {
      if (once) {
        this.destroy(new ERR_MULTIPLE_CALLBACK());
        return;
      }
      once = true;
      if (err) {
        this.destroy(err);
        return;
      }
      if (!this[kSession]) {
        this.destroy(new ERR_SOCKET_CLOSED());
        return;
      }
      if (ArrayBuffer.isView(data)) this[kSession].loadSession(asBuffer(data));
      this._afterSessionStep(this[kSession].endParser());
    };
    if (!this.server || !this.server.emit('resumeSession', id, onSession)) {
      this._afterSessionStep(session.endParser());
    }
  };

  // Called by tls.connect after 'secureConnect' (Node's kIsVerified).
  proto._emitPendingSession = function _emitPendingSession() {
    this[kIsVerified] = true;
    const session = this[kPendingSession];
    this[kPendingSession] = null;
    if (session) this.emit('session', session);
  };

  proto.setSession = function setSession(session) {
    if (typeof session === 'string') session = Buffer.from(session, 'latin1');
    if (!this[kSession]) throw new TypeError("Cannot read properties of null (reading 'setSession')");
    setNativeSession(this[kSession], session);
  };

  proto.getSession = function getSession() {
    return this[kSession] ? this[kSession].getSession() ?? undefined : null;
  };

  proto.getTLSTicket = function getTLSTicket() {
    return this[kSession] ? this[kSession].getTLSTicket() ?? undefined : null;
  };

  proto.isSessionReused = function isSessionReused() {
    return this[kSession] ? this[kSession].isSessionReused() : null;
  };
}

function asBuffer(view) {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

// Node's native setSession: an ArrayBufferView or a TypeError (strings are converted by the
// JS method only); bytes that are not a session are ignored.
function setNativeSession(session, value) {
  if (!ArrayBuffer.isView(value)) {
    const err = new TypeError('Session must be a buffer');
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  session.setSession(asBuffer(value));
}

// Node's newListener: session callbacks are enabled by the first 'session' listener.
function sessionNewListener(event) {
  if (event !== 'session') return;
  this._enableSessionCallbacks();
  this.removeListener('newListener', sessionNewListener);
}

module.exports = { kHeldOutput, installSessions };
