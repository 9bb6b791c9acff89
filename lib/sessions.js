'use strict';
// Sessions and resumption on a TLSSocket, as Node's _tls_wrap.js does them: a client's
// 'session' events (onnewsessionclient, held until the server is verified: kPendingSession), a
// server's 'newSession' (onnewsession, whose callback releases the held output) and
// 'resumeSession' (loadSession), and setSession / getSession / getTLSTicket /
// isSessionReused. Sessions are DER (i2d_SSL_SESSION), interchangeable with Node's; on a Node
// that wraps them (22+: lib/host-tls.js), a client's sessions carry Node's header and the server
// name they were made for, and one made for another name is not offered, as Node does.

const { codes: { ERR_SOCKET_CLOSED, ERR_MULTIPLE_CALLBACK } } = require('./errors');
const { kSession, kConnectOptions, kAdoptedSession } = require('./symbols');
const hostTls = require('./host-tls');
const { HOLD_NEW_SESSION } = require('./held-output');
const { emitHandshakeEvent } = require('./callback-errors');

const kIsVerified = Symbol('kIsVerified');
const kPendingSession = Symbol('kPendingSession');
const kSessionCallbacks = Symbol('kSessionCallbacks');

/** Adds the session methods to TLSSocket.prototype. */
function install(proto) {
  /** TLSSocket _init: a client's `session` option; session events only once someone listens. */
  proto._initSessions = function _initSessions() {
    const options = this._tlsOptions;
    this[kIsVerified] = false;
    this[kPendingSession] = null;
    this[kSessionCallbacks] = false;
    if (options.isServer) {
      // Only when the listeners exist at accept time, as in Node.
      const server = this.server;
      // (A handshake begun before its socket had none then: lib/accepted-handshake.js.)
      if (server && !options[kAdoptedSession] &&
          (server.listenerCount('resumeSession') > 0 || server.listenerCount('newSession') > 0)) {
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

  // Node's enableSessionCallbacks: the connection reports new sessions from now on (once).
  proto._enableSessionCallbacks = function _enableSessionCallbacks() {
    if (!this[kSession] || this[kSessionCallbacks]) return;
    this[kSessionCallbacks] = true;
    this[kSession].enableSessionCallbacks();
  };

  // Node's onhandshakedone, for the first handshake and every renegotiation: 'secure', on a
  // server once a pending 'newSession' callback came.
  proto._onHandshakeDone = function _onHandshakeDone() {
    if (this._newSessionPending) this._securePending = true;
    else this._finishInit();
  };

  // Node's onnewsessionclient / onnewsession: a session OpenSSL created.
  proto._onNewSession = function _onNewSession(id, data) {
    if (!this._tlsOptions.isServer) {
      data = wrapSessionState(data, this[kConnectOptions]);
      // Emitted once the server is verified (connect.js); the latest one is kept until then.
      if (this[kIsVerified]) this.emit('session', data);
      else this[kPendingSession] = data;
      return;
    }
    const server = this.server;
    if (!server) return;
    // The output (and anything written meanwhile) waits for a 'newSession' callback. One flag
    // (Node's _newSessionPending / awaiting_new_session_): whichever callback comes first
    // releases it, also when a TLS 1.3 server issued two tickets.
    this._newSessionPending = true;
    this._holdOutput(HOLD_NEW_SESSION);
    let once = false;
    const done = () => {
      if (once) return;
      once = true;
      if (!this[kSession]) {
        this.destroy(new ERR_SOCKET_CLOSED());
        return;
      }
      this._newSessionPending = false;
      this._releaseHeldOutput(HOLD_NEW_SESSION);
      if (this._securePending) {
        this._securePending = false;
        this._finishInit();
      }
      this._actOnStatus();
    };
    // (A listener's throw, where Node catches it: the server's 'error', and the handshake goes on.)
    const onError = (err) => {
      server.emit('error', err);
      done();
    };
    if (!emitHandshakeEvent(server, 'newSession', [id, data, done], onError)) done();
  };

  // Node's loadSession: the server asks its 'resumeSession' listener, and the handshake goes
  // on (Node's endParser: resume) with whatever session it found.
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
      this._resumeHandshake();
    };
    if (!this.server || !emitHandshakeEvent(this.server, 'resumeSession', [id, onSession], onSession)) {
      this._resumeHandshake();
    }
  };

  // Called by tls.connect after 'secureConnect' (Node's kIsVerified).
  proto._emitPendingSession = function _emitPendingSession() {
    this[kIsVerified] = true;
    const session = this[kPendingSession];
    this[kPendingSession] = null;
    if (session) this.emit('session', session);
  };

  /** A client resumes `session` (a Buffer from 'session' or getSession(); a latin1 string too). */
  proto.setSession = function setSession(session) {
    if (hostTls.wrapsSessions()) {
      session = getSessionForReuse(session, this[kConnectOptions] || this._tlsOptions);
      if (session === undefined) return;
    } else if (typeof session === 'string') {
      session = Buffer.from(session, 'latin1');
    }
    if (!this[kSession]) throw new TypeError("Cannot read properties of null (reading 'setSession')");
    setNativeSession(this[kSession], session);
  };

  /** The session to resume with later (DER): undefined before one exists, null once destroyed. */
  proto.getSession = function getSession() {
    if (!this[kSession]) return null;
    return wrapSessionState(this[kSession].getSession() ?? undefined, this[kConnectOptions] || this._tlsOptions);
  };

  /** A client's session ticket: undefined without one, null once destroyed. */
  proto.getTLSTicket = function getTLSTicket() {
    return this[kSession] ? this[kSession].getTLSTicket() ?? undefined : null;
  };

  /** Whether the handshake resumed a session; null once destroyed. */
  proto.isSessionReused = function isSessionReused() {
    return this[kSession] ? this[kSession].isSessionReused() : null;
  };
}

// Node 22+'s session state (internal/tls/wrap.js): "\0nodejs:tls:session:1\0", the server name's
// byte length (uint16 BE) and UTF-8 bytes, then the DER session.
const kSessionStatePrefix = Buffer.from('\0nodejs:tls:session:1\0');

/** The name a client's session is bound to and its certificate is checked against (Node's order). */
function getSessionServerIdentity(options) {
  return options?.servername || options?.host || options?.socket?._host || 'localhost';
}

/** A client's DER session as the running Node hands it out (wrapped on Node 22+). */
function wrapSessionState(session, options) {
  if (!hostTls.wrapsSessions() || !Buffer.isBuffer(session) || options?.isServer) return session;
  const servername = Buffer.from(getSessionServerIdentity(options), 'utf8');
  const length = Buffer.allocUnsafe(2);
  length.writeUInt16BE(servername.length, 0);
  return Buffer.concat([kSessionStatePrefix, length, servername, session]);
}

function unwrapSessionState(session) {
  if (!Buffer.isBuffer(session) || session.length < kSessionStatePrefix.length + 2 ||
      Buffer.compare(session.subarray(0, kSessionStatePrefix.length), kSessionStatePrefix) !== 0) {
    return undefined;
  }
  const start = kSessionStatePrefix.length + 2;
  const end = start + session.readUInt16BE(kSessionStatePrefix.length);
  if (session.length < end) return undefined;
  return { servername: session.toString('utf8', start, end), session: session.subarray(end) };
}

/**
 * Node 22+'s getSessionForReuse: the DER session a client may offer, or undefined when the
 * session was made for another server name, or is bare DER and the client verifies the server.
 */
function getSessionForReuse(session, options) {
  if (typeof session === 'string') session = Buffer.from(session, 'latin1');
  if (options?.isServer) return session;
  const wrapped = unwrapSessionState(session);
  if (wrapped !== undefined) {
    return wrapped.servername === getSessionServerIdentity(options) ? wrapped.session : undefined;
  }
  if (Buffer.isBuffer(session) && options?.rejectUnauthorized !== false) return undefined;
  return session;
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

module.exports = { install, getSessionForReuse, getSessionServerIdentity };
