'use strict';
// TLSSocket: a net.Socket whose bytes go through one native TlsConnection (sans-I/O) and a
// transport stream. The transport is the net.Socket tls-rs connected or a server accepted.
//
// read:  transport 'data' → connectionReceive → connectionReadCleartext (a batch of records) → push()
// write: _write/_writev → connectionEncrypt (ciphertext straight into a slab) → transport.write(cb)
// Every call that advances the connection returns a binding.Status; _afterSessionStep is the one
// place that acts on it, and _onSessionEvents (renegotiation.js) the one that handles events.

const net = require('node:net');
const binding = require('./binding');
const { SecureContext } = require('./secure-context');
const { tlsModule } = require('./defaults');
const { SNICallback } = require('./sni');
const {
  codes: {
    ERR_TLS_HANDSHAKE_TIMEOUT,
    ERR_TLS_INVALID_CONTEXT,
    ERR_TLS_SNI_FROM_SERVER,
    ERR_SOCKET_CLOSED,
    ERR_OUT_OF_RANGE,
    ERR_MULTIPLE_CALLBACK,
    ERR_TLS_ALPN_CALLBACK_INVALID_RESULT,
    ERR_STREAM_WRAP,
  },
} = require('./errors');
const { validateString, validateNumber, validateFunction } = require('./validators');
const { installRenegotiation } = require('./renegotiation');
const { installIntrospection } = require('./introspection');
const { installKeylog } = require('./keylog');
const { traceOption, installTrace } = require('./trace');
const { setupNPN } = require('./npn');
const { kSNIContext, setupOCSP, askOCSPRequest } = require('./ocsp');
const { setupPSK } = require('./psk');
const { kHeldOutput, installSessions } = require('./sessions');

const { Status, connectionReceive, connectionReadCleartext, connectionEncrypt, connectionTakeCiphertext } = binding;
// Cleartext records and ciphertext flushes are slices of these (lib/slab.js).
const { cleartextSlab, ciphertextSlab } = require('./slab');
const MAX_RECORD = 16 * 1024;
// The record lengths of one connectionReadCleartext batch.
const recordLengths = new Uint32Array(64);
// Large writes are encrypted in slices so the transport's backpressure bounds memory.
const ENCRYPT_SLICE = 256 * 1024;
const TIMEOUT_MAX = 2 ** 31 - 1;
const EMPTY = Buffer.alloc(0);
// Sockets tls-rs connects read ciphertext into this one buffer (net's `onread`): the session
// copies it into OpenSSL synchronously, before the next read can reuse it.
const ciphertextReadBuffer = Buffer.allocUnsafeSlow(64 * 1024);

const kSession = Symbol('kSession');
const kTransport = Symbol('kTransport');
const kTransportKind = Symbol('kTransportKind');
// A write made before the handshake completed, held as [data, cb] until 'secure'.
const kHeldWrite = Symbol('kHeldWrite');
// The write being encrypted and sent: { data, offset, cb }, resumed on the transport's 'drain'.
const kActiveWrite = Symbol('kActiveWrite');
const kReadPaused = Symbol('kReadPaused');
const kEOF = Symbol('kEOF');
const kTimer = Symbol('kTimer');
const kOnread = Symbol('kOnread');
const kConnectOptions = Symbol('kConnectOptions');
const kErrorEmitted = Symbol('kErrorEmitted');
const kShuttingDown = Symbol('kShuttingDown');
const kHandle = Symbol('kHandle');
const kOwner = Symbol('kOwner');
const kBytesRead = Symbol('kBytesRead');
const kBytesDispatched = Symbol('kBytesDispatched');
const kALPNCallback = Symbol('kALPNCallback');
const kBeforeTransport = Symbol('kBeforeTransport');

/**
 * Node's TLSSocket. A plain constructor function, as Node's is, so that pre-class subclasses
 * (`util.inherits` + `tls.TLSSocket.call(this, socket, opts)`) work.
 * @param {object} [opts] Node's TLSSocket options.
 */
function TLSSocket(socket, opts) {
  // Anything but a connected net.Socket goes through Node's JSStreamSocket, whose first act
  // is stream.pause(): a transport without one fails there, before anything is set up.
  if (socket && !(socket instanceof net.Socket) && typeof socket.pause !== 'function') {
    throw new TypeError('stream.pause is not a function');
  }
  const tlsOptions = { ...opts };
  const enableTrace = traceOption(tlsOptions);
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

  const context = tlsOptions.secureContext || tlsOptions.credentials ||
    tlsModule().createSecureContext(tlsOptions);
  if (!(context instanceof SecureContext) || !(context.context instanceof binding.SecureContext)) {
    throw new ERR_TLS_INVALID_CONTEXT('context');
  }
  this[kSession] = new binding.TlsConnection(context.context, !!tlsOptions.isServer);
  this[kHandle] = null;
  this[kTransport] = null;
  this[kTransportKind] = null;
  this[kHeldWrite] = null;
  this[kActiveWrite] = null;
  this[kReadPaused] = false;
  this[kEOF] = false;
  this[kTimer] = null;
  this[kOnread] = !socket ? onreadOption(tlsOptions.onread) : null;
  // Cleartext counts, as Node's TLSWrap reports them through bytesRead / bytesWritten.
  this[kBytesRead] = 0;
  this[kBytesDispatched] = 0;

  // Node's pauseOnCreate: the handshake proceeds, 'data' waits for resume().
  if (tlsOptions.pauseOnConnect) this.readableFlowing = false;
  this.on('error', this._tlsError);
  this._init(socket);
  if (enableTrace) this[kSession].enableTrace();
  process.nextTick(initRead, this);
  // An already-aborted signal ran _destroy inside net.Socket(), before the session existed.
  if (tlsOptions.signal?.aborted) this._dropSession();
}
Object.setPrototypeOf(TLSSocket.prototype, net.Socket.prototype);
Object.setPrototypeOf(TLSSocket, net.Socket);

TLSSocket.prototype._dropSession = function _dropSession() {
  const session = this[kSession];
  this[kSession] = null;
  if (session) session.destroy();
};

TLSSocket.prototype._init = function _init(socket) {
  const options = this._tlsOptions;
  this._initALPNAndSNI(options);
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
  this._setupSessions();
  this._setupKeylog();
  if (options.handshakeTimeout > 0) {
    this.setTimeout(options.handshakeTimeout, this._handleTimeout);
  }
  if (socket) {
    this._parent = socket;
    this.connecting = socket.connecting || false;
    if (this.connecting) {
      socket.once('connect', () => {
        this.connecting = false;
        this.emit('connect');
      });
    }
    this._attachTransport(socket, socket instanceof net.Socket ? 'socket' : 'stream');
  } else {
    this.connecting = true;
  }
  this._initExtensions(options);
};

// NPN, OCSP stapling and PSK (lib/npn.js, ocsp.js, psk.js).
TLSSocket.prototype._initExtensions = function _initExtensions(options) {
  const session = this[kSession];
  setupNPN(session, options);
  setupOCSP(this, session, options);
  setupPSK(this, session, options);
};

TLSSocket.prototype._onOCSPRequest = function _onOCSPRequest() {
  askOCSPRequest(this, () => this[kSession], () => this._resumeHandshake());
};

/** Continues the handshake once the question it paused for is answered. */
TLSSocket.prototype._resumeHandshake = function _resumeHandshake() {
  if (this[kSession]) this._afterSessionStep(this[kSession].resume());
};

// ALPN and SNI, as Node's TLSSocket constructor and _init set them up.
TLSSocket.prototype._initALPNAndSNI = function _initALPNAndSNI(options) {
  const session = this[kSession];
  if (options.ALPNProtocols) tlsModule().convertALPNProtocols(options.ALPNProtocols, options);
  this[kALPNCallback] = null;
  if (options.isServer && options.ALPNCallback) {
    validateFunction(options.ALPNCallback, 'options.ALPNCallback');
    this[kALPNCallback] = options.ALPNCallback;
    session.enableALPNCallback();
  }
  // The server's default SNICallback only matters once server.addContext() was used.
  if (options.isServer && options.SNICallback &&
      (options.SNICallback !== SNICallback ||
       (options.server && options.server._contexts.length))) {
    validateFunction(options.SNICallback, 'options.SNICallback');
    this._SNICallback = options.SNICallback;
    session.enableSNICallback();
  }
  if (options.ALPNProtocols) {
    if (!Buffer.isBuffer(options.ALPNProtocols)) {
      throw new TypeError('Must give a Buffer as first argument');
    }
    session.setALPNProtocols(options.ALPNProtocols);
  }
};

// ---- transport -------------------------------------------------------------------------

/**
 * Takes over `transport`'s reads. Three kinds of transport, as in Node:
 * - 'owned': the net.Socket tls-rs connected; it reads through net's public `onread` into one
 *   shared buffer, so no chunk is allocated on the way in;
 * - 'socket': a net.Socket handed in (accepted, or STARTTLS): its reads are taken over where
 *   net delivers them (`push`), so its old 'data' listeners never see ciphertext and its
 *   buffer never grows — what Node's TLSWrap does to the handle;
 * - 'stream': any other Duplex, read through 'data' (Node's JSStreamSocket does the same).
 */
TLSSocket.prototype._attachTransport = function _attachTransport(transport, kind) {
  this[kTransport] = transport;
  this[kTransportKind] = kind;
  // tls-rs decides when the write side ends (after close_notify), not the transport.
  transport.allowHalfOpen = true;
  if (kind === 'socket') {
    useSharedReadBuffer(transport, (nread, buf) => {
      this._onCiphertext(buf.subarray(0, nread));
      return !this[kReadPaused];
    });
    transport.push = (chunk) => {
      if (chunk === null) {
        this._onTransportEnd();
        return false;
      }
      this._onCiphertext(chunk);
      return !this[kReadPaused];
    };
  } else if (kind === 'stream') {
    const ondata = (chunk) => {
      // As Node's JSStreamSocket: a stream that yields strings or objects cannot carry TLS.
      if (typeof chunk === 'string' || transport.readableObjectMode === true) {
        transport.pause();
        transport.removeListener('data', ondata);
        this.emit('error', new ERR_STREAM_WRAP());
        return;
      }
      this._onCiphertext(chunk);
    };
    transport.on('data', ondata);
  }
  if (kind !== 'socket') transport.on('end', () => this._onTransportEnd());
  transport.on('drain', () => this._continueWrite());
  transport.on('close', () => {
    if (!this.destroyed) this.destroy();
  });
  transport.on('error', (err) => {
    // Like Node's afterShutdown, a failure to deliver close_notify to a peer that is already
    // gone is not reported; the connection just closes.
    if (this[kShuttingDown] && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.destroy();
    // Node's TLSWrap has no write request for handshake records, so a peer that reset before
    // they were delivered is not a write error: the socket closes ('socket hang up').
    else if (!this._secureEstablished && err.syscall === 'write' &&
             (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.destroy();
    else if (kind === 'owned') this.destroy(err);
    else this._emitTLSError(err);
  });
};

// Backpressure from our reader reaches the transport.
TLSSocket.prototype._pauseTransport = function _pauseTransport() {
  const transport = this[kTransport];
  // A hijacked socket stops itself: our push() returned false, so net stops reading.
  if (transport && this[kTransportKind] !== 'socket') transport.pause();
};

TLSSocket.prototype._resumeTransport = function _resumeTransport() {
  const transport = this[kTransport];
  if (!transport || transport.destroyed) return;
  if (this[kTransportKind] === 'socket') {
    // net's own _read restarts a handle that stopped reading.
    if (!transport.connecting) transport._read(0);
  } else {
    transport.resume();
  }
};

/** net.Socket#connect: connects the TCP (or IPC) transport this socket owns. */
TLSSocket.prototype.connect = function connect(...args) {
  const [options, cb] = net._normalizeArgs(args);
  if (cb) this.once('connect', cb);
  const transport = new net.Socket({
    allowHalfOpen: true,
    noDelay: options.noDelay,
    keepAlive: options.keepAlive,
    keepAliveInitialDelay: options.keepAliveInitialDelay,
    onread: {
      buffer: ciphertextReadBuffer,
      callback: (nread, buf) => {
        this._onCiphertext(buf.subarray(0, nread));
        return !this[kReadPaused];
      },
    },
  });
  for (const event of ['lookup', 'connectionAttempt', 'connectionAttemptFailed', 'connectionAttemptTimeout']) {
    transport.on(event, (...eventArgs) => this.emit(event, ...eventArgs));
  }
  transport.once('connect', () => {
    this.connecting = false;
    this.emit('connect');
    this.emit('ready');
  });
  this._parent = transport;
  this.connecting = true;
  this._attachTransport(transport, 'owned');
  transport.connect(options);
  // Calls made before there was a transport, in order, now that it has its handle.
  for (const [method, methodArgs] of this[kBeforeTransport] ?? []) transport[method](...methodArgs);
  this[kBeforeTransport] = null;
  return this;
};

// ---- handshake -------------------------------------------------------------------------

TLSSocket.prototype._start = function _start() {
  if (this.connecting) {
    this.once('connect', this._start);
    return;
  }
  if (!this[kSession]) return;
  if (this._tlsOptions.requestOCSP) this[kSession].requestOCSP();
  this._afterSessionStep(this[kSession].start());
};

// Node's setKeyCert: takes a SecureContext or its options; only a server's session uses it
// (Node's TLSWrap ignores it on clients), and nothing happens once the socket is destroyed.
TLSSocket.prototype.setKeyCert = function setKeyCert(context) {
  if (!this[kSession]) return;
  const secureContext = context instanceof SecureContext ? context : tlsModule().createSecureContext(context);
  if (this._tlsOptions.isServer) this[kSession].setKeyCert(secureContext.context);
};

TLSSocket.prototype.setServername = function setServername(name) {
  validateString(name, 'name');
  if (this._tlsOptions.isServer) throw new ERR_TLS_SNI_FROM_SERVER();
  this[kSession].setServername(name);
};

TLSSocket.prototype._onCiphertext = function _onCiphertext(chunk) {
  const session = this[kSession];
  if (!session) return;
  this._refreshTimer();
  this._afterSessionStep(connectionReceive(session, chunk));
};

/** Acts on the Status a call into the connection returned (the one place that does). */
TLSSocket.prototype._afterSessionStep = function _afterSessionStep(status) {
  // A server learns the name from the ClientHello, before 'secure' (Node's servername callback).
  if (this.servername === null && this._tlsOptions.isServer && this[kSession]) {
    const name = this[kSession].getServername();
    if (name) this.servername = name;
  }
  for (;;) {
    switch (status) {
      case Status.Events:
        this._onSessionEvents();
        if (!this[kSession]) return;
        status = this[kSession].status();
        continue;
      case Status.Failed:
        // The alert goes out before the error is reported.
        this._flushCiphertext(null);
        this._onSessionError();
        return;
      case Status.AskingSession:
        this._askResumeSession();
        return;
      case Status.AskingSNI:
        this._flushCiphertext(null);
        this._onSNIRequest();
        return;
      case Status.AskingALPN:
        this._flushCiphertext(null);
        this._onALPNRequest();
        return;
      case Status.AskingOCSP:
        this._flushCiphertext(null);
        this._onOCSPRequest();
        return;
    }
    break; // Ready or PeerClosed: reading tells which
  }
  // Events ran first: as in Node, 'secure' (and the client's verification) runs before this
  // step's output is sent, so a client rejecting the server never sends its TLS 1.3 Finished.
  // _readCleartext flushes when it is done; the output is FIFO, so handshake bytes still
  // precede anything written from a 'data' handler. One flush per incoming chunk.
  if (this._secureEstablished && !this[kReadPaused]) this._readCleartext();
  else this._flushCiphertext(null);
};

TLSSocket.prototype._finishInit = function _finishInit() {
  const session = this[kSession];
  if (!session) return;
  this.alpnProtocol = session.getALPNNegotiatedProtocol();
  this.npnProtocol = session.getNegotiatedProtocol();
  if (this.servername === null) this.servername = session.getServername() ?? false;
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

// ---- the server's handshake questions (the engine waits for the answer) -----------------

// Node's callALPNCallback: ALPNCallback({ servername, protocols }) returns one of protocols,
// or undefined to refuse them all (a fatal no_application_protocol alert).
TLSSocket.prototype._onALPNRequest = function _onALPNRequest() {
  const session = this[kSession];
  let index = -1;
  try {
    const request = session.getALPNRequest();
    // Node's servername callback has already seen the name (TLS 1.3 asks this early).
    if (this.servername === null && request.servername) this.servername = request.servername;
    const servername = request.servername ?? false;
    const offer = request.protocols;
    const protocols = [];
    for (let offset = 0; offset < offer.length;) {
      const len = offer[offset];
      offset += 1;
      protocols.push(offer.slice(offset, offset + len).toString('ascii'));
      offset += len;
    }
    const selected = this[kALPNCallback]({ servername, protocols });
    if (selected !== undefined) {
      index = protocols.indexOf(selected);
      if (index === -1) throw new ERR_TLS_ALPN_CALLBACK_INVALID_RESULT(selected, protocols);
    }
  } catch (err) {
    this.destroy(err);
    return;
  }
  session.selectALPN(index);
  this._resumeHandshake();
};

// Node's loadSNI: SNICallback(servername, cb) answers, now or later, with a SecureContext (or
// its .context) whose certificate, key, chain and trust store this connection then uses.
TLSSocket.prototype._onSNIRequest = function _onSNIRequest() {
  const servername = this[kSession].getServername();
  let once = false;
  let sync = true;
  let answered = false;
  const done = () => {
    this._resumeHandshake();
  };
  try {
    this._SNICallback(servername, (err, context) => {
      if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
      once = true;
      if (err) return this.destroy(err);
      if (!this[kSession]) return this.destroy(new ERR_SOCKET_CLOSED());
      if (context) {
        const ctx = context.context || context;
        if (ctx instanceof binding.SecureContext) {
          this[kSNIContext] = ctx;
          // Node: a context without certificate, given before SNICallback returned, fails the
          // handshake (its OpenSSL error stays queued in that handshake step); later, not.
          this[kSession].useSNIContext(ctx, sync);
        } else if (ctx !== null && (typeof ctx === 'object' || typeof ctx === 'function')) {
          this._onHandshakeError(new TypeError('Invalid SNI context'));
          return;
        }
      }
      // As in Node, an answer given inside SNICallback takes effect once it returns (a
      // second call made there still stops the handshake before anything is sent).
      if (sync) answered = true;
      else done();
    });
  } catch (err) {
    this.destroy(err);
    return;
  }
  sync = false;
  if (answered && !this.destroyed) done();
};

// Node's onerror before the handshake completed.
TLSSocket.prototype._onHandshakeError = function _onHandshakeError(err) {
  if (this._hadError) return;
  this._hadError = true;
  this._closeAfterHandlingError = true;
  this.destroy(err);
};

TLSSocket.prototype._onSessionError = function _onSessionError() {
  const err = this._takeSessionError();
  if (this._hadError) return;
  this._hadError = true;
  if (!this._secureEstablished) {
    this._closeAfterHandlingError = true;
    this.destroy(err);
  } else if (this._tlsOptions.isServer && this._rejectUnauthorized &&
             /peer did not return a certificate/.test(err.message)) {
    this.destroy();
  } else {
    this._emitTLSError(err);
  }
};

// The connection's failure as Node reports it (an Error built natively, as TLSWrap builds it).
TLSSocket.prototype._takeSessionError = function _takeSessionError() {
  const err = this[kSession]?.takeError();
  if (err) return err;
  const fallback = new Error('TLS session failed without an OpenSSL error');
  fallback.code = 'ERR_SSL_SYSCALL';
  return fallback;
};

// Node's TLSWrap reads once more when the 'secure' handlers return, even if one destroyed the
// socket: an error OpenSSL left queued while verifying the peer (a tampered signature's
// "EVP lib") then fails that read, and a rejecting server reports it as 'tlsClientError'.
TLSSocket.prototype._readAfterSecure = function _readAfterSecure() {
  const session = this[kSession];
  if (!session) return;
  const slab = cleartextSlab;
  if (slab.size - slab.used < MAX_RECORD) slab.renew();
  // Reads nothing here (nothing can have arrived yet); it surfaces a queued error.
  if (connectionReadCleartext(session, slab.buf, slab.used, recordLengths) < 0 &&
      session.status() === Status.Failed) {
    this._onSessionError();
  }
};

TLSSocket.prototype._handleTimeout = function _handleTimeout() {
  this._emitTLSError(new ERR_TLS_HANDSHAKE_TIMEOUT());
};

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

TLSSocket.prototype._releaseControl = function _releaseControl() {
  if (this._controlReleased) return false;
  this._controlReleased = true;
  this.removeListener('error', this._tlsError);
  return true;
};

// ---- reading ---------------------------------------------------------------------------

TLSSocket.prototype._readCleartext = function _readCleartext() {
  let session;
  while ((session = this[kSession])) {
    const slab = cleartextSlab;
    if (slab.size - slab.used < MAX_RECORD) slab.renew();
    let n = connectionReadCleartext(session, slab.buf, slab.used, recordLengths);
    const more = n < 0;
    if (more) n = -n - 1;
    // The records lie one after the other in the slab. Every record of the batch is
    // delivered, as Node's ClearOut delivers all it decrypted.
    let total = 0;
    for (let i = 0; i < n; i++) total += recordLengths[i];
    const batch = total > 0 ? slab.take(total) : null;
    this[kBytesRead] += total;
    let keepReading = true;
    for (let i = 0, offset = 0; i < n; i++) {
      const chunk = n === 1 ? batch : batch.subarray(offset, offset + recordLengths[i]);
      offset += recordLengths[i];
      if (!this._deliver(chunk)) keepReading = false;
    }
    if (!keepReading) {
      this[kReadPaused] = true;
      this._pauseTransport();
      break;
    }
    if (!more || !this[kSession]) break;
    const status = this[kSession].status();
    if (status === Status.Events) {
      this._onSessionEvents();
    } else if (status === Status.PeerClosed) {
      this._pushEOF();
      break;
    } else if (status === Status.Failed) {
      this._flushCiphertext(null);
      this._onSessionError();
      return;
    }
  }
  // Reading can produce output too (TLS 1.3 key updates, renegotiation replies).
  this._flushCiphertext(null);
};

TLSSocket.prototype._deliver = function _deliver(chunk) {
  const onread = this[kOnread];
  if (!onread) return this.push(chunk);
  let offset = 0;
  let keepReading = true;
  while (offset < chunk.length) {
    const buf = typeof onread.buffer === 'function' ? onread.buffer() : onread.buffer;
    const n = Math.min(buf.length, chunk.length - offset);
    chunk.copy(buf, 0, offset, offset + n);
    offset += n;
    if (onread.callback.call(this, n, buf) === false) keepReading = false;
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

TLSSocket.prototype._onTransportEnd = function _onTransportEnd() {
  this._pushEOF();
};

TLSSocket.prototype._pushEOF = function _pushEOF() {
  if (this[kEOF]) return;
  this[kEOF] = true;
  this.push(null);
  // As Node's onStreamRead: lets 'end' fire even when nobody is reading.
  this.read(0);
};

// ---- writing ---------------------------------------------------------------------------

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

TLSSocket.prototype._writeCleartext = function _writeCleartext(data, cb) {
  if (!this[kSession] || !this[kTransport]) {
    if (this.connecting || (this[kSession] && !this._secureEstablished)) {
      this[kHeldWrite] = [data, cb];
    } else {
      cb(new ERR_SOCKET_CLOSED());
    }
    return;
  }
  if (!this._secureEstablished) {
    this[kHeldWrite] = [data, cb];
    return;
  }
  this._refreshTimer();
  this[kActiveWrite] = { data, offset: 0, cb };
  this._continueWrite();
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
    const transport = this[kTransport];
    const slab = ciphertextSlab;
    const start = slab.used;
    // The ciphertext goes straight into the slab unless the output is held ('newSession') or
    // there is no transport to send it to: then it waits in the connection for the flush.
    const direct = !this[kHeldOutput] && transport && !transport.destroyed;
    const n = connectionEncrypt(session, slice, direct ? slab.buf : EMPTY, direct ? start : 0);
    if (n === 0 && session.status() === Status.Failed) {
      this[kActiveWrite] = null;
      cb(this._takeSessionError());
      return;
    }
    write.offset = end;
    const last = write.offset >= data.length;
    // The ciphertext is in the slab already when it fitted; else the flush takes it.
    const out = n > 0 ? slab.take(n) : null;
    const accepted = out ? this._sendCiphertext(out, start, last ? cb : null) : this._flushCiphertext(last ? cb : null, last);
    if (last) {
      this[kActiveWrite] = null;
      return;
    }
    if (!accepted) return; // resumed on the transport's 'drain'
  } while (this[kSession]);
};

/**
 * Sends the ciphertext the session holds. `cb` (if any) runs once the transport took it;
 * `always` sends an empty write so `cb` still runs when nothing is pending.
 */
TLSSocket.prototype._flushCiphertext = function _flushCiphertext(cb, always = false) {
  // Held while 'newSession' callbacks are pending (Node's EncOut waits for newSessionDone).
  if (this[kHeldOutput]) {
    if (cb) this[kHeldOutput].push(cb);
    return true;
  }
  const session = this[kSession];
  const transport = this[kTransport];
  if (!session || !transport || transport.destroyed) {
    if (cb) process.nextTick(cb, new ERR_SOCKET_CLOSED());
    return true;
  }
  const slab = ciphertextSlab;
  let n = connectionTakeCiphertext(session, slab.buf, slab.used);
  if (n === 0) {
    if (cb || always) return transport.write(EMPTY, cb || undefined);
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
  return transport.write(out, cb || undefined);
};

// Writes `out`, the slab slice that starts at `start`, to the transport (which exists and is
// not held back: the caller checked).
TLSSocket.prototype._sendCiphertext = function _sendCiphertext(out, start, cb) {
  const transport = this[kTransport];
  const slab = ciphertextSlab;
  const end = slab.used;
  const accepted = transport.write(out, cb || undefined);
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
  const transport = this[kTransport];
  if (!transport || transport.destroyed) {
    cb();
    return;
  }
  this[kShuttingDown] = true;
  if (this[kSession] && this._secureEstablished) this[kSession].shutdown();
  this._flushCiphertext(null);
  transport.end(() => cb());
};

// ---- teardown --------------------------------------------------------------------------

TLSSocket.prototype._destroy = function _destroy(err, cb) {
  this.connecting = false;
  clearTimeout(this[kTimer]);
  this[kTimer] = null;
  this._dropSession();
  const held = this[kHeldWrite];
  const active = this[kActiveWrite];
  this[kHeldWrite] = null;
  this[kActiveWrite] = null;
  const transport = this[kTransport];
  cb(err);
  if (held) held[1](new ERR_SOCKET_CLOSED());
  if (active) active.cb(new ERR_SOCKET_CLOSED());
  this._dropHeldOutput();
  const emitClose = () => this.emit('close', !!err);
  if (transport && !transport.closed) {
    transport.once('close', emitClose);
    transport.destroy();
  } else {
    process.nextTick(emitClose);
  }
};

// ---- timeouts --------------------------------------------------------------------------

// Unnamed: a function named setTimeout would shadow the timer function it calls.
TLSSocket.prototype.setTimeout = function(msecs, callback) {
  if (this.destroyed) return this;
  this.timeout = msecs;
  msecs = timerDuration(msecs, 'msecs');
  clearTimeout(this[kTimer]);
  this[kTimer] = null;
  if (msecs === 0) {
    if (callback !== undefined) {
      validateFunction(callback, 'callback');
      this.removeListener('timeout', callback);
    }
  } else {
    this[kTimer] = setTimeout(() => this._onTimeout(), msecs);
    this[kTimer].unref();
    if (callback !== undefined) {
      validateFunction(callback, 'callback');
      this.once('timeout', callback);
    }
  }
  return this;
};

TLSSocket.prototype._onTimeout = function _onTimeout() {
  this.emit('timeout');
};

TLSSocket.prototype._refreshTimer = function _refreshTimer() {
  if (this[kTimer]) this[kTimer].refresh();
};

TLSSocket.prototype._unrefTimer = function _unrefTimer() {
  this._refreshTimer();
};

// ---- byte counts -----------------------------------------------------------------------

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

Object.defineProperty(TLSSocket.prototype, '_bytesDispatched', {
  configurable: true,
  get() {
    return this[kBytesDispatched];
  },
});

// Node's `_handle` and `ssl` are the TLSWrap; packages call it (mysqljs `ssl.verifyError()`,
// smtp-server checks client certificates with `_handle.verifyError()`, http pauses reading
// through `_handle.readStop()`). Null once the socket is destroyed.
Object.defineProperty(TLSSocket.prototype, '_handle', {
  configurable: true,
  get() {
    if (!this[kSession]) return null;
    return (this[kHandle] ??= new TLSHandle(this));
  },
  set(value) {
    // net.Socket assigns the handles it creates; a TLSSocket's handle is always its TLSHandle.
  },
});

Object.defineProperty(TLSSocket.prototype, 'ssl', {
  configurable: true,
  get() {
    return this._handle;
  },
  set(value) {
    // Read-only in effect: it always reflects the session.
  },
});

Object.defineProperty(TLSSocket.prototype, 'pending', {
  configurable: true,
  get() {
    return !this[kSession] || this.connecting;
  },
});

Object.defineProperty(TLSSocket.prototype, 'bufferSize', {
  configurable: true,
  get() {
    return this[kSession] ? this.writableLength : undefined;
  },
});

// ---- the transport's properties --------------------------------------------------------

TLSSocket.prototype.setNoDelay = function setNoDelay(enable) {
  return forwardToTransport(this, 'setNoDelay', [enable]);
};

TLSSocket.prototype.setKeepAlive = function setKeepAlive(enable, initialDelay) {
  return forwardToTransport(this, 'setKeepAlive', [enable, initialDelay]);
};

TLSSocket.prototype.ref = function ref() {
  return forwardToTransport(this, 'ref', []);
};

TLSSocket.prototype.unref = function unref() {
  return forwardToTransport(this, 'unref', []);
};

TLSSocket.prototype._getpeername = function _getpeername() {
  const transport = this[kTransport];
  if (!transport || typeof transport._getpeername !== 'function') return {};
  return transport._getpeername();
};

TLSSocket.prototype._getsockname = function _getsockname() {
  const transport = this[kTransport];
  if (!transport || typeof transport._getsockname !== 'function') return {};
  return transport._getsockname();
};

// ---- TLS introspection -----------------------------------------------------------------

TLSSocket.prototype.getPeerCertificate = function getPeerCertificate(detailed) {
  if (!this[kSession]) return null;
  return this[kSession].getPeerCertificate(!!detailed) || {};
};

TLSSocket.prototype.getCertificate = function getCertificate() {
  if (!this[kSession]) return null;
  return this[kSession].getCertificate() || {};
};

TLSSocket.prototype.getCipher = function getCipher() {
  return this[kSession] ? this[kSession].getCipher() ?? undefined : null;
};

TLSSocket.prototype.getProtocol = function getProtocol() {
  return this[kSession] ? this[kSession].getProtocol() : null;
};

TLSSocket.prototype.getEphemeralKeyInfo = function getEphemeralKeyInfo() {
  if (!this[kSession]) return null;
  if (this._tlsOptions.isServer) return null;
  const info = this[kSession].getEphemeralKeyInfo();
  if (!info) return {};
  // Node's key order: { type, size } for DH, { type, name, size } for ECDH.
  return info.type === 'DH' ? { type: info.type, size: info.size } :
    { type: info.type, name: info.name, size: info.size };
};

// An accepted (or handed-in) net.Socket reads into the shared ciphertext buffer, as one tls-rs
// connects does through `onread`: net's own read path otherwise allocates a 64 KiB buffer per
// read. net keeps `onread` state under private symbols, set for every net.Socket, which the
// handle's user-buffer mode (useUserBuffer) delivers to; without them the socket is left as is.
function useSharedReadBuffer(socket, callback) {
  const handle = socket._handle;
  // Only a plain TCP or pipe handle (not, say, the TLSWrap of a built-in TLSSocket).
  if (!handle || typeof handle.useUserBuffer !== 'function' ||
      (handle.constructor.name !== 'TCP' && handle.constructor.name !== 'Pipe')) return;
  const { kBuffer, kBufferCb } = netReadSymbols ?? findNetReadSymbols(socket);
  if (!kBuffer || !kBufferCb || socket[kBuffer] != null) return;
  socket[kBuffer] = ciphertextReadBuffer;
  socket[kBufferCb] = callback;
  handle.useUserBuffer(ciphertextReadBuffer);
}

// setNoDelay / setKeepAlive / ref / unref act on the transport. On a socket whose transport
// connect() has not created yet they are kept and replayed on it, as net.Socket keeps them for
// its handle (Node's TLSSocket has that handle from the start: unref() before connect counts).
function forwardToTransport(socket, method, args) {
  const transport = socket[kTransport];
  if (transport) {
    if (typeof transport[method] === 'function') transport[method](...args);
  } else if (!socket.destroyed) {
    (socket[kBeforeTransport] ??= []).push([method, args]);
  }
  return socket;
}

// net's private `onread` symbols are module-level, the same for every net.Socket: found once
// (on the first plain socket) instead of scanning each accepted socket's symbols.
let netReadSymbols = null;
function findNetReadSymbols(socket) {
  const found = { kBuffer: undefined, kBufferCb: undefined };
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    if (sym.description === 'kBuffer') found.kBuffer = sym;
    else if (sym.description === 'kBufferCb') found.kBufferCb = sym;
  }
  if (found.kBuffer && found.kBufferCb) netReadSymbols = found;
  return found;
}

// Node's getTimerDuration (internal/timers).
function timerDuration(msecs, name) {
  validateNumber(msecs, name);
  if (msecs < 0 || !Number.isFinite(msecs)) {
    throw new ERR_OUT_OF_RANGE(name, 'a non-negative finite number', msecs);
  }
  if (msecs > TIMEOUT_MAX) {
    process.emitWarning(`${msecs} does not fit into a 32-bit signed integer.` +
                        `\nTimer duration was truncated to ${TIMEOUT_MAX}.`,
                        'TimeoutOverflowWarning');
    return TIMEOUT_MAX;
  }
  return msecs;
}

/**
 * The members of Node's TLSWrap handle that code outside lib/ uses. It has no `isStreamBase`,
 * so http and http2 read the socket as a stream instead of consuming the handle natively.
 */
class TLSHandle {
  constructor(socket) {
    this[kOwner] = socket;
    this.reading = true;
  }

  /** Why the peer's certificate is not trusted, as an Error with Node's `code`, or null. */
  verifyError() {
    const result = this[kOwner][kSession]?.verifyError();
    if (!result) return null;
    const err = new Error(result.message);
    err.code = result.code;
    return err;
  }

  getPeerCertificate(detailed) {
    return this[kOwner][kSession]?.getPeerCertificate(!!detailed) ?? undefined;
  }

  getCertificate() {
    return this[kOwner][kSession]?.getCertificate() ?? undefined;
  }

  getServername() {
    return this[kOwner][kSession]?.getServername() ?? false;
  }

  // Flow control from the outside (http pauses a socket whose requests back up): the same
  // state as our own backpressure.
  readStart() {
    this.reading = true;
    this[kOwner]._read();
    return 0;
  }

  readStop() {
    this.reading = false;
    this[kOwner][kReadPaused] = true;
    this[kOwner]._pauseTransport();
    return 0;
  }

  // No async id of its own: http then uses the default trigger id, as for handle-less sockets.
  getAsyncId() {
    return undefined;
  }
}

function onreadOption(onread) {
  if (onread !== null && typeof onread === 'object' &&
      (onread.buffer instanceof Uint8Array || typeof onread.buffer === 'function') &&
      typeof onread.callback === 'function') {
    return onread;
  }
  return null;
}

// Starts the flow on the next tick so the caller can attach listeners first (Node's initRead):
// bytes the handed-in socket already buffered go to the session first.
function initRead(tlsSocket) {
  if (!tlsSocket[kSession]) return;
  const transport = tlsSocket[kTransport];
  if (transport && tlsSocket[kTransportKind] !== 'owned') {
    // (A plain Duplex hands its buffered chunks to our 'data' listener by itself.)
    if (tlsSocket[kTransportKind] === 'socket' && transport.readableLength) {
      let buf;
      while (tlsSocket[kSession] && (buf = transport.read()) !== null) {
        tlsSocket._onCiphertext(typeof buf === 'string' ? Buffer.from(buf, 'latin1') : buf);
      }
    }
    // The TLS layer reads whatever the socket's stream state (a pauseOnConnect socket, a
    // STARTTLS socket its previous owner paused), as Node's TLSWrap reads the handle.
    tlsSocket._resumeTransport();
  }
  tlsSocket.read(0);
}

installSessions(TLSSocket.prototype, kSession);
installRenegotiation(TLSSocket.prototype, kSession);
installIntrospection(TLSSocket.prototype, kSession);
installKeylog(TLSSocket.prototype, kSession);
installTrace(TLSSocket.prototype, kSession);

module.exports = { TLSSocket, kConnectOptions, kErrorEmitted };
