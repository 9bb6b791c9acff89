'use strict';
// TLSSocket: a net.Socket whose bytes go through one native TlsConnection (sans-I/O) and a
// transport stream. This file is its lifecycle — construction, the handshake's start and end,
// errors, reading, writing, shutdown and teardown; the rest of TLSSocket.prototype is
// added by one file per concept (bottom of this file), each exporting install(proto).
//
// read:  transport (transport.js) → _onCiphertext → connectionReceive → _afterSessionStep
//        (dispatch.js, the one place that acts on the connection's Status and events)
//        → _readCleartext (a batch of records) → _deliver → push()
// write: _write/_writev → connectionEncrypt (ciphertext straight into a slab) → transport.write(cb)

const net = require('node:net');
const binding = require('./binding');
const { SecureContext } = require('./secure-context');
const { tlsModule } = require('./defaults');
const hostTls = require('./host-tls');
const {
  codes: {
    ERR_TLS_HANDSHAKE_TIMEOUT,
    ERR_TLS_INVALID_CONTEXT,
    ERR_SOCKET_CLOSED,
    ERR_SOCKET_CLOSED_BEFORE_CONNECTION,
    ERR_INVALID_ARG_VALUE,
  },
} = require('./errors');
const {
  kSession, kTransport, kTransportKind, kReadPaused, kBytesRead, kShuttingDown, kHandshakes, kLastHandshakeTime,
  kAdoptedSession, kQuestionPending, kStreamWriteQueue,
} = require('./symbols');
const { connectionEncrypt, connectionTakeCiphertext } = binding;
// Ciphertext flushes are slices of this (lib/slab.js).
const { ciphertextSlab } = require('./slab');
// The rest of TLSSocket.prototype, one file per concept.
const transport = require('./transport');
const handle = require('./handle');
const dispatch = require('./dispatch');
const alpn = require('./alpn');
const sni = require('./sni');
const ocsp = require('./ocsp');
const npn = require('./npn');
const psk = require('./psk');
const ech = require('./ech');
const sessions = require('./sessions');
const heldOutput = require('./held-output');
const renegotiation = require('./renegotiation');
const keylog = require('./keylog');
const trace = require('./trace');
const introspection = require('./introspection');
const native = require('./native');
const idleTimeout = require('./idle-timeout');

const { kTimer, clearIdleTimer } = idleTimeout;

const { kHeldOutput } = heldOutput;
// Large writes are encrypted in slices so the transport's backpressure bounds memory.
const ENCRYPT_SLICE = 256 * 1024;
const EMPTY = Buffer.alloc(0);

// A write made before the handshake completed, held as [data, cb] until 'secure'.
const kHeldWrite = Symbol('kHeldWrite');
const kHandshakeStarted = Symbol('kHandshakeStarted');
// The write being encrypted and sent: { data, offset, cb }, resumed on the transport's 'drain'.
const kActiveWrite = Symbol('kActiveWrite');
const kEOF = Symbol('kEOF');
const kOnread = Symbol('kOnread');
const kBytesDispatched = Symbol('kBytesDispatched');

/**
 * Node's TLSSocket. A plain constructor function, as Node's is, so that pre-class subclasses
 * (`util.inherits` + `tls.TLSSocket.call(this, socket, opts)`) work.
 * @param {object} [opts] Node's TLSSocket options.
 */
function TLSSocket(socket, opts) {
  // Node's constructor checks in this order: enableTrace, ALPNProtocols, the transport, the
  // context, then net.Socket's options.
  const tlsOptions = { ...opts };
  const enableTrace = trace.traceOption(tlsOptions);
  if (tlsOptions.ALPNProtocols) tlsModule().convertALPNProtocols(tlsOptions.ALPNProtocols, tlsOptions);
  // Anything but a connected net.Socket goes through Node's JSStreamSocket, whose first act
  // is stream.pause(): a transport without one fails there, before anything is set up.
  if (socket && !(socket instanceof net.Socket) && typeof socket.pause !== 'function') {
    throw new TypeError('stream.pause is not a function');
  }
  const context = tlsOptions.secureContext || tlsOptions.credentials ||
    tlsModule().createSecureContext(tlsOptions);
  if (!(context instanceof SecureContext) || !(context.context instanceof binding.SecureContext)) {
    throw new ERR_TLS_INVALID_CONTEXT('context');
  }
  Reflect.apply(net.Socket, this, [{
    allowHalfOpen: socket ? socket.allowHalfOpen : tlsOptions.allowHalfOpen,
    highWaterMark: tlsOptions.highWaterMark,
    signal: tlsOptions.signal,
  }]);
  this._tlsOptions = tlsOptions;
  this._secureEstablished = false;
  this._securePending = false;
  this._newSessionPending = false;
  this._controlReleased = false;
  this.secureConnecting = true;
  this._SNICallback = null;
  this.servername = null;
  this.alpnProtocol = null;
  this.npnProtocol = null;
  this.authorized = false;
  this.authorizationError = null;
  this.encrypted = true;

  const adopted = tlsOptions[kAdoptedSession];
  this[kSession] = adopted ?? new binding.TlsConnection(context.context, !!tlsOptions.isServer);
  // The options keep only that it was adopted: a closed socket someone still holds must not
  // hold its session's handle too.
  if (adopted) tlsOptions[kAdoptedSession] = true;
  this[kTransport] = null;
  this[kTransportKind] = null;
  this[kHeldWrite] = null;
  this[kActiveWrite] = null;
  this[kQuestionPending] = false;
  this[kStreamWriteQueue] = 0;
  this._initHeldOutput();
  this[kReadPaused] = false;
  this[kEOF] = false;
  this[kTimer] = null;
  this[kOnread] = !socket ? onreadOption(tlsOptions.onread) : null;
  // A server's renegotiation guard (lib/renegotiation.js), as Node's _init sets it on the handle.
  this[kHandshakes] = tlsOptions.isServer ? 0 : undefined;
  this[kLastHandshakeTime] = tlsOptions.isServer ? 0 : undefined;
  // Cleartext counts, as Node's TLSWrap reports them through bytesRead / bytesWritten.
  this[kBytesRead] = 0;
  this[kBytesDispatched] = 0;

  // Node's pauseOnCreate: the handshake proceeds, 'data' waits for resume().
  if (tlsOptions.pauseOnConnect) this.readableFlowing = false;
  this.on('error', this._tlsError);
  this._init(socket);
  if (enableTrace) this[kSession].enableTrace();
  process.nextTick(startReading, this);
  // An already-aborted signal ran _destroy inside net.Socket(), before the session existed.
  if (tlsOptions.signal?.aborted) this._dropSession();
}
Object.setPrototypeOf(TLSSocket.prototype, net.Socket.prototype);
Object.setPrototypeOf(TLSSocket, net.Socket);

// Frees the native connection; the socket's getters answer as destroyed from now on.
TLSSocket.prototype._dropSession = function _dropSession() {
  const session = this[kSession];
  this[kSession] = null;
  if (session) session.destroy();
};

// Node's _destroySSL: frees the connection now; `ssl` / `_handle` are null from then on.
TLSSocket.prototype._destroySSL = function _destroySSL() {
  this._dropSession();
};

// Node's _init: each concept's per-socket state, then the transport `socket` (if given).
TLSSocket.prototype._init = function _init(socket) {
  const options = this._tlsOptions;
  this._initSessionSteps(options);
  // A client's session before its ALPN protocols, as in Node.
  this._initSessions();
  this._initALPNProtocols(options);
  this._initKeylog();
  if (options.handshakeTimeout > 0) {
    this.setTimeout(options.handshakeTimeout, this._handleTimeout);
  }
  if (socket) {
    // As Node: a net.Socket is the parent, and one without a handle yet (not connected) counts
    // as connecting until its 'connect'; any other stream is neither.
    if (socket instanceof net.Socket) {
      this._parent = socket;
      this.connecting = socket.connecting || !socket._handle;
      socket.once('connect', () => {
        this.connecting = false;
        this.emit('connect');
      });
    }
    this._attachTransport(socket, socket instanceof net.Socket ? 'socket' : 'stream');
  } else {
    this.connecting = true;
  }
  this._initNPN(options);
  this._initOCSP(options);
  this._initPSK(options);
  this._initECH(options);
};

// _init's first steps: the session's ALPN and SNI callbacks, and the verify mode.
TLSSocket.prototype._initSessionSteps = function _initSessionSteps(options) {
  // In Node's order: the ALPN callback, then the SNI callback.
  this._initALPNCallback(options);
  this._initSNI(options);
  this.server = options.server;
  // Clients always request (and check) the server's certificate; servers only on request.
  const requestCert = !!options.requestCert || !options.isServer;
  const rejectUnauthorized = !!options.rejectUnauthorized;
  this._requestCert = requestCert;
  this._rejectUnauthorized = rejectUnauthorized;
  // Only a server asking for certificates changes the session's verify mode (a new session
  // already has OpenSSL's SSL_VERIFY_NONE; clients verify in JS).
  if (options.isServer && requestCert) {
    this[kSession].setVerifyMode(requestCert, rejectUnauthorized);
  }
};

/**
 * Configures the server session `session` as a TLSSocket with `options` would (its _init's
 * session steps and NPN), for a handshake begun before the socket (lib/accepted-handshake.js);
 * the socket built later over it takes the same steps again, which change nothing.
 */
function configureServerSession(session, options) {
  const standIn = Object.create(TLSSocket.prototype);
  standIn[kSession] = session;
  standIn._initSessionSteps(options);
  standIn._initALPNProtocols(options);
  standIn._initNPN(options);
}

// ---- handshake -------------------------------------------------------------------------

// Starts a client's handshake (once the transport is connected); once.
TLSSocket.prototype._start = function _start() {
  if (this.connecting) {
    this.once('connect', this._start);
    return;
  }
  if (!this[kSession] || this[kHandshakeStarted]) return;
  this[kHandshakeStarted] = true;
  if (this._tlsOptions.requestOCSP) this[kSession].requestOCSP();
  this._afterSessionStep(this[kSession].start());
};

// A client's first write starts a handshake nothing else started, as SSL_write does in Node's
// TLSWrap: `new TLSSocket()` + connect() + write() (tls.connect starts it by itself).
TLSSocket.prototype._startOnWrite = function _startOnWrite() {
  if (!this._tlsOptions.isServer && this[kSession] && !this[kHandshakeStarted]) this._start();
};

// Node's setKeyCert: takes a SecureContext or its options; only a server's session uses it
// (Node's TLSWrap ignores it on clients), and nothing happens once the socket is destroyed.
TLSSocket.prototype.setKeyCert = function setKeyCert(context) {
  if (!this[kSession]) return;
  const secureContext = context instanceof SecureContext ? context : tlsModule().createSecureContext(context);
  if (!this._tlsOptions.isServer) return;
  // Node 22+ refuses a context without a certificate before OpenSSL sees it (lib/host-tls.js).
  if (hostTls.setKeyCertNeedsCertificate() && secureContext.context.getCertificate() === null) {
    throw new Error('SetKeyCert');
  }
  this[kSession].setKeyCert(secureContext.context);
};

// The handshake is done: the negotiated names are set, 'secure' is emitted, and a write
// held until then goes out.
TLSSocket.prototype._finishInit = function _finishInit() {
  const session = this[kSession];
  if (!session) return;
  this.alpnProtocol = session.getALPNNegotiatedProtocol();
  this.npnProtocol = session.getNegotiatedProtocol();
  if (this.servername === null) this.servername = session.getServername() ?? false;
  this._finishECH();
  this._secureEstablished = true;
  if (this._tlsOptions.handshakeTimeout > 0) this.setTimeout(0, this._handleTimeout);
  this.emit('secure');
  // Writes made before the handshake go out once the peer is verified (or not rejected).
  if (!this.destroyed && this[kHeldWrite]) {
    const [data, cb] = this[kHeldWrite];
    this[kHeldWrite] = null;
    this._writeCleartext(data, cb);
  }
};

// Node's onerror before the handshake completed.
TLSSocket.prototype._onHandshakeError = function _onHandshakeError(err) {
  if (this._hadError) return;
  this._hadError = true;
  this._closeAfterHandlingError = true;
  this.destroy(err);
};

// The connection failed (Status.Failed): Node's onerror, before or after the handshake.
TLSSocket.prototype._onSessionError = function _onSessionError() {
  const err = this._takeSessionError();
  if (this._hadError) return;
  this._hadError = true;
  if (!this._secureEstablished) {
    const handshakeError = this._echHandshakeError(err);
    if (handshakeError === err && this[kHeldWrite] && !this._tlsOptions.isServer) {
      this._failHeldWrite(err);
      return;
    }
    this._closeAfterHandlingError = true;
    this.destroy(handshakeError);
  } else if (this._tlsOptions.isServer && this._rejectUnauthorized &&
             /peer did not return a certificate/.test(err.message)) {
    this.destroy();
  } else if (!this._failRenegotiationHeldWrites(err)) {
    this._emitTLSError(err);
  }
};

// Node's error for a write OpenSSL refused (TLSWrap's DoWrite and ClearIn): EPROTO, with
// OpenSSL's words when it queued any ("write EPROTO ...:unexpected record").
TLSSocket.prototype._writeError = function _writeError(err) {
  const writeError = native.systemError('EPROTO', 'write');
  if (err.message) writeError.message = `write EPROTO ${err.message}`;
  return writeError;
};

// The connection failed while a renegotiation held writes: as Node's ClearIn fails its pending
// write, they fail with EPROTO and that error destroys the socket (else they, and end(), would
// wait forever). False when no write was held.
TLSSocket.prototype._failRenegotiationHeldWrites = function _failRenegotiationHeldWrites(err) {
  let callbacks = [];
  if (this[kTransportKind] === 'native') {
    callbacks = this._takeNativeHeldWrites();
  } else if (this[kActiveWrite]?.held) {
    callbacks.push(this[kActiveWrite].cb);
    this[kActiveWrite] = null;
  }
  if (callbacks.length === 0) return false;
  const writeError = this._writeError(err);
  for (const cb of callbacks) cb(writeError);
  this.destroy(writeError);
  return true;
};

// A client's handshake failed with a write waiting for it: in Node that write's SSL_write
// (TLSWrap's ClearIn) meets the failure first, so the write fails with EPROTO and OpenSSL's
// words — the familiar "write EPROTO ...:wrong version number" — and that error destroys the
// socket; the handshake's own error is not reported.
TLSSocket.prototype._failHeldWrite = function _failHeldWrite(err) {
  const [, cb] = this[kHeldWrite];
  this[kHeldWrite] = null;
  const writeError = this._writeError(err);
  cb(writeError);
  this.destroy(writeError);
};

// The connection's failure as Node reports it (an Error built natively, as TLSWrap builds it).
TLSSocket.prototype._takeSessionError = function _takeSessionError() {
  const err = this[kSession]?.takeError();
  if (err) return err;
  const fallback = new Error('TLS session failed without an OpenSSL error');
  fallback.code = 'ERR_SSL_SYSCALL';
  return fallback;
};

// The handshake took longer than `handshakeTimeout`.
TLSSocket.prototype._handleTimeout = function _handleTimeout() {
  this._emitTLSError(new ERR_TLS_HANDSHAKE_TIMEOUT());
};

// A TLS error: 'error' once control is released, before that only '_tlsError'.
TLSSocket.prototype._emitTLSError = function _emitTLSError(err) {
  const e = this._tlsError(err);
  if (e) this.emit('error', e);
};

// Until control is released, TLS errors go to '_tlsError' (the server turns them into
// 'tlsClientError'); afterwards they are ordinary 'error' events.
TLSSocket.prototype._tlsError = function _tlsError(err) {
  this.emit('_tlsError', err);
  if (this._controlReleased) return err;
  return null;
};

// From now on TLS errors are 'error' events; false if that was already so.
TLSSocket.prototype._releaseControl = function _releaseControl() {
  if (this._controlReleased) return false;
  this._controlReleased = true;
  this.removeListener('error', this._tlsError);
  return true;
};

// ---- reading ---------------------------------------------------------------------------

// Hands one cleartext record to the reader (push, or the `onread` buffer); false when it pushes back.
// As net's onStreamRead, a `buffer` function is asked for the next buffer after each callback (and
// once when the socket is made, onreadOption), so a reader sees one call more than reads.
TLSSocket.prototype._deliver = function _deliver(chunk) {
  const onread = this[kOnread];
  if (!onread) return this.push(chunk);
  let offset = 0;
  let keepReading = true;
  while (offset < chunk.length) {
    const buf = onread.buffer ?? onread.next();
    if (!(buf instanceof Uint8Array) || buf.length === 0) {
      // net would read into an empty one forever (a busy loop in Node): nothing can be delivered.
      this.destroy(new ERR_INVALID_ARG_VALUE('options.onread.buffer', buf, 'must give a non-empty Uint8Array'));
      return false;
    }
    const n = Math.min(buf.length, chunk.length - offset);
    chunk.copy(buf, 0, offset, offset + n);
    offset += n;
    if (onread.callback.call(this, n, buf) === false) keepReading = false;
    if (onread.next !== null) {
      const next = onread.next();
      if (next instanceof Uint8Array) onread.buffer = next;
    }
  }
  return keepReading;
};

// The consumer wants more: continue where backpressure stopped us.
TLSSocket.prototype._read = function _read() {
  if (!this[kReadPaused]) return;
  this[kReadPaused] = false;
  if (this._secureEstablished) this._readCleartext();
  if (!this[kReadPaused]) this._resumeTransport();
};

// With `onread` nothing is pushed, so the stream machinery never calls _read: as net does for
// its onread sockets, pause() stops reading and resume() / read() start it again.
TLSSocket.prototype.pause = function pause() {
  if (this[kOnread] && !this[kReadPaused]) {
    this[kReadPaused] = true;
    this._pauseTransport();
  }
  return net.Socket.prototype.pause.call(this);
};

TLSSocket.prototype.resume = function resume() {
  if (this[kOnread]) this._read();
  return net.Socket.prototype.resume.call(this);
};

TLSSocket.prototype.read = function read(n) {
  if (this[kOnread]) this._read();
  return net.Socket.prototype.read.call(this, n);
};

// The cleartext stream ends (close_notify, or the transport ended), once.
TLSSocket.prototype._pushEOF = function _pushEOF() {
  if (this[kEOF]) return;
  this[kEOF] = true;
  this.push(null);
  // As Node's onStreamRead: lets 'end' fire even when nobody is reading.
  this.read(0);
};

// ---- writing ---------------------------------------------------------------------------

// Writable's _write / _writev: encrypted and sent once the handshake is done; `cb` when the
// transport took the ciphertext.
TLSSocket.prototype._write = function _write(chunk, encoding, cb) {
  const data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
  this[kBytesDispatched] += data.length;
  this._writeCleartext(data, cb);
};

TLSSocket.prototype._writev = function _writev(chunks, cb) {
  const buffers = chunks.map(({ chunk, encoding }) =>
    (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk));
  const data = buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
  this[kBytesDispatched] += data.length;
  this._writeCleartext(data, cb);
};

// Sends `data` now, holds it until 'secure', or fails `cb` with ERR_SOCKET_CLOSED. While the
// socket connects, the write waits for 'connect', or fails once the socket closes before it
// (net's _writeGeneric: ERR_SOCKET_CLOSED_BEFORE_CONNECTION from a 'close' listener).
TLSSocket.prototype._writeCleartext = function _writeCleartext(data, cb) {
  if (this.connecting) {
    const onClose = () => cb(new ERR_SOCKET_CLOSED_BEFORE_CONNECTION());
    this.once('connect', () => {
      this.off('close', onClose);
      this._writeCleartext(data, cb);
    });
    this.once('close', onClose);
    this._startOnWrite();
    return;
  }
  if (!this[kSession] || !this[kTransport]) {
    if (this.connecting || (this[kSession] && !this._secureEstablished)) {
      this[kHeldWrite] = [data, cb];
      this._startOnWrite();
    } else {
      cb(new ERR_SOCKET_CLOSED());
    }
    return;
  }
  if (!this._secureEstablished) {
    this[kHeldWrite] = [data, cb];
    this._startOnWrite();
    return;
  }
  this._refreshTimer();
  if (this[kTransportKind] === 'native') {
    if (this[kHeldOutput]) {
      // Encrypted now, sent with the held output ('newSession'); `cb` once it is.
      this._nativeWrite(data, () => {});
      this[kHeldOutput].push(cb);
    } else {
      this._nativeWrite(data, cb);
    }
    return;
  }
  this[kActiveWrite] = { data, offset: 0, cb: callOnce(cb) };
  this._continueWrite();
};

// Reading finished the renegotiation that held the current write's cleartext: it went into
// the ciphertext, and the write completes once that is sent.
TLSSocket.prototype._releaseHeldWrite = function _releaseHeldWrite() {
  const write = this[kActiveWrite];
  if (!write?.held || !this[kSession] || this[kSession].holdsCleartext()) return;
  this[kActiveWrite] = null;
  this._flushCiphertext(finishLater(write.cb), true);
};

// Encrypts the current write slice by slice while the transport accepts more.
TLSSocket.prototype._continueWrite = function _continueWrite() {
  const write = this[kActiveWrite];
  if (!write || !this[kSession]) return;
  const { data, cb } = write;
  do {
    const end = Math.min(data.length, write.offset + ENCRYPT_SLICE);
    const slice = write.offset === 0 && end === data.length ? data : data.subarray(write.offset, end);
    const session = this[kSession];
    const slab = ciphertextSlab;
    const start = slab.used;
    // The ciphertext goes straight into the slab unless the output is held ('newSession') or
    // there is no transport to send it to: then it waits in the connection for the flush.
    const direct = !this[kHeldOutput] && this._transportTakesWrites();
    const n = connectionEncrypt(session, slice, direct ? slab.buf : EMPTY, direct ? start : 0);
    if (n === 0 && this._sessionFailed()) {
      this[kActiveWrite] = null;
      cb(this._writeError(this._takeSessionError()));
      return;
    }
    write.offset = end;
    const last = write.offset >= data.length;
    // The ciphertext is in the slab already when it fitted; else the flush takes it.
    const out = n > 0 ? slab.take(n) : null;
    // A renegotiation may hold some of it: then `cb` once reading let it out
    // (_releaseHeldWrite), as Node's TLSWrap keeps its write until ClearIn wrote it.
    write.held = last && session.holdsCleartext();
    // A slice before the last that the transport fails fails the whole write, as Node's one
    // write request fails (its callback is called once: callOnce).
    const done = !last ? (err) => err && this._failSlicedWrite(write, err) : (write.held ? null : finishLater(cb));
    const accepted = out ? this._sendCiphertext(out, start, done) : this._flushCiphertext(done, done !== null);
    if (last) {
      if (!write.held) this[kActiveWrite] = null;
      return;
    }
    if (!accepted) return; // resumed on the transport's 'drain'
  } while (this[kSession]);
};

// A write's callback, called at most once (a failed slice and the last one may both report).
function callOnce(cb) {
  let called = false;
  return (err) => {
    if (called) return;
    called = true;
    cb(err);
  };
}

// A slice of the current write failed in the transport: the write fails with its error.
TLSSocket.prototype._failSlicedWrite = function _failSlicedWrite(write, err) {
  if (this[kActiveWrite] === write) this[kActiveWrite] = null;
  write.cb(err);
};

// The transport's callback for a write's last ciphertext, passed on from a later tick: as from
// Node's TLSWrap, whose write finishes asynchronously (EncOut's SetImmediate), it comes after
// the ticks user code queued meanwhile, and the writes made meanwhile queue in the Writable and
// go out together through _writev. Not from an immediate, as Node's: a net.Socket destroys
// itself when a write fails, so a close_notify that end() wrote from there could meet the reset
// of a peer in this process that had already failed the handshake, and lose its unread alert
// (Node's TLSWrap keeps reading after a failed write). Failures are passed on at once.
function finishLater(cb) {
  return (err) => (err ? cb(err) : process.nextTick(cb));
}

/**
 * Sends the ciphertext the session holds. `cb` (if any) runs once the transport took it;
 * `always` sends an empty write so `cb` still runs when nothing is pending.
 */
TLSSocket.prototype._flushCiphertext = function _flushCiphertext(cb, always = false) {
  // Held while 'newSession' callbacks are pending, or Node 24's handshake step runs (Node's
  // EncOut sends nothing then: lib/held-output.js).
  if (this[kHeldOutput]) {
    if (cb) this[kHeldOutput].push(cb);
    return true;
  }
  const session = this[kSession];
  const transport = this[kTransport];
  if (!session || !this._transportTakesWrites()) {
    if (cb) process.nextTick(cb, new ERR_SOCKET_CLOSED());
    return true;
  }
  if (this[kTransportKind] === 'native') {
    this._nativeFlush(cb);
    return true;
  }
  const slab = ciphertextSlab;
  let n = connectionTakeCiphertext(session, slab.buf, slab.used);
  if (n === 0) {
    if (cb || always) return this._writeTransport(EMPTY, cb);
    return true;
  }
  if (n < 0 && -n <= slab.size / 2) {
    slab.renew();
    n = connectionTakeCiphertext(session, slab.buf, 0);
  }
  if (n > 0) {
    const start = slab.used;
    return this._sendCiphertext(slab.take(n), start, cb);
  }
  const out = Buffer.allocUnsafe(-n);
  session.takeCiphertext(out);
  return this._writeTransport(out, cb);
};

// Writes `out`, the slab slice that starts at `start`, to the transport (which exists and is
// not held back: the caller checked).
TLSSocket.prototype._sendCiphertext = function _sendCiphertext(out, start, cb) {
  const transport = this[kTransport];
  const slab = ciphertextSlab;
  const end = slab.used;
  const accepted = this._writeTransport(out, cb);
  // A net.Socket with nothing queued wrote `out` synchronously and holds no reference to it:
  // the next flush reuses that slab space, which stays warm in cache. (Any other Duplex may
  // keep the chunk, so its slices are never reused.)
  if (slab.used === end && out.buffer === slab.buf.buffer &&
      this[kTransportKind] !== 'stream' && transport.writableLength === 0) {
    slab.used = start;
  }
  return accepted;
};

// close_notify, then the transport's FIN (Node's TLSWrap::DoShutdown).
TLSSocket.prototype._final = function _final(cb) {
  if (this.connecting) {
    this.once('connect', () => this._final(cb));
    return;
  }
  // Node 24: end() inside the step that completed the handshake waits for it (held-output.js).
  if (this._waitForSecureStep(() => this._final(cb))) return;
  const transport = this[kTransport];
  if (!transport || transport.destroyed) {
    cb();
    return;
  }
  if (this[kTransportKind] === 'native') {
    this._nativeShutdown(cb);
    return;
  }
  this[kShuttingDown] = true;
  if (this[kSession] && this._secureEstablished) this[kSession].shutdown();
  this._flushCiphertext(null);
  if (this[kTransportKind] === 'stream') {
    // Node's JSStreamSocket.doShutdown ends the wrapped stream on the next setImmediate turn.
    setImmediate(() => transport.end(() => cb()));
    return;
  }
  transport.end(() => cb());
};

// ---- teardown --------------------------------------------------------------------------

TLSSocket.prototype._destroy = function _destroy(err, cb) {
  // An already-aborted `signal` destroys the socket inside net.Socket(), before it has a handle:
  // Node's net then emits 'close' with no argument.
  const unconstructed = this[kSession] === undefined;
  this.connecting = false;
  clearIdleTimer(this);
  this._dropSession();
  const held = this[kHeldWrite];
  const active = this[kActiveWrite];
  this[kHeldWrite] = null;
  this[kActiveWrite] = null;
  const transport = this[kTransport];
  cb(err);
  // A write waiting for the handshake or for the transport ends as Node's TLSWrap ends it, on a
  // later tick as there: a callback that throws must not cut this teardown short.
  if (held) process.nextTick(held[1], native.destroyedWriteResult('ECANCELED'));
  if (active) process.nextTick(active.cb, native.destroyedWriteResult('ECANCELED'));
  this._dropHeldOutput();
  const emitClose = unconstructed ? () => this.emit('close') : () => this.emit('close', !!err);
  if (this[kTransportKind] === 'native') {
    // As net's _destroy: the server's count drops now, 'close' comes once the socket is closed.
    this._leaveServer();
    this._nativeClose(emitClose);
  } else if (transport && this._wrappedSocketGone() && hostTls.closedStreamClosesAtOnce()) {
    // Node's TLSWrap.close calls back at once when the socket it wraps has no handle left, so
    // 'close' comes before the 'error' the destroy queued — after the write callbacks: those
    // above, and the Duplex writes its destruction cancels (TLSWrap's DestroySSL).
    const later = this[kTransportKind] === 'stream' && this._cancelStreamWrites(true);
    if (held || active || later) process.nextTick(emitClose);
    else emitClose();
  } else if (this[kTransportKind] === 'stream') {
    // Node's JSStreamSocket.doClose: the Duplex is destroyed, then, an immediate later, the
    // writes in flight are cancelled and the socket closes (whenever the Duplex emits 'close').
    if (!transport.destroyed) transport.destroy();
    setImmediate(() => {
      if (this._cancelStreamWrites()) process.nextTick(emitClose);
      else emitClose();
    });
  } else if (transport && !transport.closed) {
    transport.once('close', emitClose);
    transport.destroy();
  } else {
    process.nextTick(emitClose);
  }
};

// ---- byte counts -----------------------------------------------------------------------

/** Cleartext bytes delivered so far. */
Object.defineProperty(TLSSocket.prototype, 'bytesRead', {
  configurable: true,
  get() {
    return this[kBytesRead];
  },
});

/** Cleartext bytes written so far, including those still buffered (as net.Socket counts). */
Object.defineProperty(TLSSocket.prototype, 'bytesWritten', {
  configurable: true,
  get() {
    let bytes = this[kBytesDispatched];
    for (const { chunk, encoding } of this.writableBuffer) {
      bytes += Buffer.isBuffer(chunk) ? chunk.length : Buffer.byteLength(chunk, encoding);
    }
    return bytes;
  },
});

// Cleartext bytes handed to the connection so far (net.Socket's field of that name).
Object.defineProperty(TLSSocket.prototype, '_bytesDispatched', {
  configurable: true,
  get() {
    return this[kBytesDispatched];
  },
});

/** True until the transport is connected, and once destroyed. */
Object.defineProperty(TLSSocket.prototype, 'pending', {
  configurable: true,
  get() {
    return !this[kSession] || this.connecting;
  },
});

/** Cleartext bytes waiting to be written (writableLength); undefined once destroyed. */
Object.defineProperty(TLSSocket.prototype, 'bufferSize', {
  configurable: true,
  get() {
    return this[kSession] ? this.writableLength : undefined;
  },
});

// net's `onread` option ({ buffer, callback }) when well formed, else null (then ignored, as net):
// { buffer: the one read into next, next: the buffer function or null, callback }. As net, a
// buffer function is called here, when the socket is made; if that gives no Uint8Array, each
// read asks it again.
function onreadOption(onread) {
  if (onread !== null && typeof onread === 'object' &&
      (onread.buffer instanceof Uint8Array || typeof onread.buffer === 'function') &&
      typeof onread.callback === 'function') {
    const next = typeof onread.buffer === 'function' ? onread.buffer : null;
    const first = next !== null ? next() : onread.buffer;
    return { buffer: first instanceof Uint8Array ? first : null, next, callback: onread.callback };
  }
  return null;
}

// Node's initRead, on the tick after the constructor (lib/transport.js).
function startReading(tlsSocket) {
  tlsSocket._startReading();
}

for (const part of [transport, native, handle, dispatch, alpn, sni, ocsp, npn, psk, ech, sessions, heldOutput,
  renegotiation, keylog, trace, introspection, idleTimeout]) {
  part.install(TLSSocket.prototype);
}

module.exports = { TLSSocket, configureServerSession };
