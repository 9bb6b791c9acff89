'use strict';
// Where a TLSSocket's ciphertext comes from and goes to. Three kinds of transport, as in Node:
// - 'owned': the net.Socket tls-rs connected (TLSSocket#connect); it reads through net's public
//   `onread` into one shared buffer, so no chunk is allocated on the way in;
// - 'socket': a net.Socket handed in (accepted, or STARTTLS): its reads are taken over where
//   net delivers them (`push`), so its old 'data' listeners never see ciphertext and its
//   buffer never grows — what Node's TLSWrap does to the handle;
// - 'stream': any other Duplex, read through 'data' (Node's JSStreamSocket does the same).
// Every chunk read goes to the socket's _onCiphertext (lib/dispatch.js); the socket writes its
// ciphertext with _writeTransport (below).

const net = require('node:net');
const { AsyncResource } = require('node:async_hooks');
const { codes: { ERR_STREAM_WRAP } } = require('./errors');
const { kSession, kTransport, kTransportKind, kReadPaused, kShuttingDown, kStreamWriteQueue } = require('./symbols');
const native = require('./native');

const { nativeEnabled } = native;

// Sockets tls-rs connects read ciphertext into this one buffer (net's `onread`): the session
// copies it into OpenSSL synchronously, before the next read can reuse it.
const ciphertextReadBuffer = Buffer.allocUnsafeSlow(64 * 1024);

// Calls made on the transport before connect() created it, as [method, args].
const kBeforeTransport = Symbol('kBeforeTransport');
// The transport emitted an error of its own; it emitted 'close' (each set, never cleared).
const kTransportFailed = Symbol('kTransportFailed');
const kTransportClosed = Symbol('kTransportClosed');
// Writes to a Duplex not finished yet, in order: { cb, size, finished } (one made after the
// Duplex closed is never sent, and waits here to be cancelled).
const kStreamWrites = Symbol('kStreamWrites');

/** Adds the transport methods to TLSSocket.prototype. */
function install(proto) {
  /** Takes over `transport`'s reads and events; `kind` is 'owned', 'socket' or 'stream'. */
  proto._attachTransport = function _attachTransport(transport, kind) {
    this[kTransport] = transport;
    this[kTransportKind] = kind;
    // tls-rs decides when the write side ends (after close_notify), not the transport.
    transport.allowHalfOpen = true;
    // A socket or stream handed in reports its reads in its own async context (an accepted
    // socket's: none). Node's TLSWrap, made here, reports them in the context the TLSSocket was
    // made in (the server's, for its connections): an AsyncLocalStorage store set around
    // createServer() or new TLSSocket() is seen in 'secureConnection', 'data' and 'end'.
    // (A socket tls-rs connects itself already reads in the context connect() was called in.)
    const scope = kind === 'owned' ? null : new AsyncResource('TLSWRAP', { requireManualDestroy: true });
    const inScope = scope ? (fn, arg) => scope.runInAsyncScope(fn, this, arg) : (fn, arg) => Reflect.apply(fn, this, [arg]);
    if (kind === 'socket') {
      useSharedReadBuffer(transport, (nread, buf) => {
        inScope(this._onCiphertext, buf.subarray(0, nread));
        return !this[kReadPaused];
      });
      transport.push = (chunk) => {
        if (chunk === null) {
          inScope(this._onTransportEnd);
          return false;
        }
        inScope(this._onCiphertext, chunk);
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
        inScope(this._onCiphertext, chunk);
      };
      transport.on('data', ondata);
    }
    if (kind !== 'socket') transport.on('end', () => inScope(this._onTransportEnd));
    transport.on('drain', () => inScope(this._continueWrite));
    transport.on('close', () => {
      this[kTransportClosed] = true;
      // Node's JSStreamSocket destroys the TLSSocket one immediate after its stream closed (its
      // doClose). A failed write that finishes first (below) closes it with that write's error;
      // a write made meanwhile is cancelled there ('write ECANCELED', _writeStream).
      if (kind === 'stream') {
        setImmediate(() => {
          inScope(this._cancelStreamWrites);
          if (!this.destroyed) inScope(this.destroy);
        });
      } else if (!this.destroyed) {
        inScope(this.destroy);
      }
      scope?.emitDestroy();
    });
    transport.on('error', (err) => inScope(onTransportError, err));
  };

  // Whether the socket Node's TLSWrap would wrap has no handle left: a handed-in net.Socket
  // its user destroyed, or a Duplex that closed (its JSStreamSocket is destroyed then). (A
  // net.Socket that destroyed itself on an error of its own is not one: Node's TLSWrap does its
  // I/O on that socket's handle, so the JS socket never sees such an error.)
  proto._wrappedSocketGone = function _wrappedSocketGone() {
    const transport = this[kTransport];
    if (this[kTransportKind] === 'socket') {
      return this[kTransportClosed] === true || (transport.destroyed && !this[kTransportFailed]);
    }
    return this[kTransportKind] === 'stream' && this[kTransportClosed] === true;
  };

  // The transport's 'error', on the socket (`this`).
  function onTransportError(err) {
    this[kTransportFailed] = true;
    // After a TLS error (the peer's alert) the peer's reset is the same failure: Node reports
    // one error, then the socket closes (a second 'error' crashed ioredis's once('error')).
    if (this._hadError) this.destroy();
    // Like Node's afterShutdown, a failure to deliver close_notify to a peer that is already
    // gone is not reported; the connection just closes.
    else if (this[kShuttingDown] && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.destroy();
    // Node's TLSWrap has no write request for handshake records, so a peer that reset before
    // they were delivered is not a write error: the socket closes ('socket hang up').
    else if (!this._secureEstablished && err.syscall === 'write' &&
             (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.destroy();
    else if (this[kTransportKind] === 'owned') this.destroy(err);
    else this._emitTLSError(err);
  }

  /** Backpressure from our reader reaches the transport. */
  proto._pauseTransport = function _pauseTransport() {
    const transport = this[kTransport];
    if (!transport) return;
    if (this[kTransportKind] === 'native') {
      transport.native.setDelivering(false);
      transport.native.readStop();
    } else if (this[kTransportKind] !== 'socket') {
      // (A hijacked socket stops itself: our push() returned false, so net stops reading.)
      transport.pause();
    }
  };

  /** The reader wants more: the transport reads again. */
  proto._resumeTransport = function _resumeTransport() {
    const transport = this[kTransport];
    if (!transport || transport.destroyed) return;
    if (this[kTransportKind] === 'native') {
      transport.native.readStart();
    } else if (this[kTransportKind] === 'socket') {
      // net's own _read restarts a handle that stopped reading.
      if (!transport.connecting) transport._read(0);
    } else {
      transport.resume();
    }
  };

  /**
   * net.Socket#connect: connects the TCP (or IPC) transport this socket owns. net connects it
   * (lookup, address selection, its events); once connected, the native transport takes the
   * socket over (lib/native.js), else it is read through `onread`.
   */
  proto.connect = function connect(...args) {
    const [options, cb] = net._normalizeArgs(args);
    if (cb) this.once('connect', cb);
    const useNative = nativeEnabled;
    const transport = new net.Socket({
      allowHalfOpen: true,
      noDelay: options.noDelay,
      keepAlive: options.keepAlive,
      keepAliveInitialDelay: options.keepAliveInitialDelay,
      // (Also when the native transport will take the socket over: if it cannot, net reads.)
      onread: {
        buffer: ciphertextReadBuffer,
        callback: (nread, buf) => {
          this._onCiphertext(buf.subarray(0, nread));
          return !this[kReadPaused];
        },
      },
    });
    // net's list of the addresses tried (family autoselection), on the socket as in Node.
    const keepAttempts = () => {
      if (transport.autoSelectFamilyAttemptedAddresses) {
        this.autoSelectFamilyAttemptedAddresses = transport.autoSelectFamilyAttemptedAddresses;
      }
    };
    transport.once('error', keepAttempts);
    for (const event of ['lookup', 'connectionAttempt', 'connectionAttemptFailed', 'connectionAttemptTimeout']) {
      transport.on(event, (...eventArgs) => {
        keepAttempts();
        this.emit(event, ...eventArgs);
      });
    }
    transport.once('connect', () => {
      keepAttempts();
      if (useNative && this[kSession]) {
        try {
          this._takeOverConnected(transport, !!options.path);
        } catch (err) {
          // No file descriptor left for the duplicate (the process's limit): net keeps the
          // socket and reads it (the memory-BIO path), as with the native transport off.
          if (err?.code !== 'ERR_TLS_RS_TRANSPORT') throw err;
        }
      }
      this.connecting = false;
      this.emit('connect');
      this.emit('ready');
    });
    this._parent = transport;
    this.connecting = true;
    // As net's lookupAndConnect sets it on the socket it connects: a TLS connection over this
    // one (tls.connect({ socket })) checks the server's name against it when given no host.
    if (!options.path) this._host = options.host || 'localhost';
    this._attachTransport(transport, 'owned');
    transport.connect(options);
    // Calls made before there was a transport, in order, now that it has its handle.
    for (const [method, methodArgs] of this[kBeforeTransport] ?? []) transport[method](...methodArgs);
    this[kBeforeTransport] = null;
    return this;
  };

  // The socket net connected becomes a native transport; the net.Socket goes away quietly
  // (Node's TLSSocket from tls.connect has no inner socket: _parent is null).
  proto._takeOverConnected = function _takeOverConnected(transport, pipe) {
    const handle = transport._handle;
    const unrefed = typeof handle.hasRef === 'function' && !handle.hasRef();
    this._attachNative(handle.fd, pipe);
    transport.removeAllListeners();
    transport.on('error', () => {});
    transport.destroy();
    this._parent = null;
    if (unrefed) this[kTransport].unref();
    this[kTransport].native.readStart();
  };

  // transport.write(out, cb), except to a handed-in net.Socket whose write side its user ended
  // (`raw.end()`): Node's TLSWrap writes to that socket's handle, which libuv then refuses with
  // EPIPE — the write's callback gets 'write EPIPE', and records without one (the handshake's)
  // are dropped without a word.
  proto._writeTransport = function _writeTransport(out, cb) {
    const transport = this[kTransport];
    if (this[kTransportKind] === 'socket' && transport.writableEnded) {
      if (cb) process.nextTick(cb, native.systemError('EPIPE', 'write'));
      return true;
    }
    if (this[kTransportKind] === 'stream') return this._writeStream(out, cb);
    return transport.write(out, cb || undefined);
  };

  // A write to a Duplex transport, counted in `_handle.writeQueueSize` until the tick after the
  // stream called back: then before the write's own callback (which comes on a later tick:
  // finishLater), as Node's JSStreamSocket finishes a write (on an immediate) before TLSWrap
  // calls back; and still counted right after write() even when the stream called back inside
  // it. A write the stream fails finishes as Node's JSStreamSocket finishes it: on an
  // immediate (after the stream's own 'error' and 'close'), still counted, with a libuv error —
  // the stream error's code when libuv has that name (ECONNRESET), else EPIPE: 'write EPIPE'.
  // (A write failed once the socket is destroyed calls back as a destroyed socket's pending
  // write does: native.destroyedWriteResult.)
  proto._writeStream = function _writeStream(out, cb) {
    const closed = this[kTransportClosed] === true;
    const write = { cb, size: closed ? 0 : out.length, finished: false };
    (this[kStreamWrites] ??= new Set()).add(write);
    if (closed) return true;
    this[kStreamWriteQueue] += write.size;
    return this[kTransport].write(out, (err) => {
      if (write.finished) return;
      if (err) {
        const code = native.isSystemErrorName(err.code) ? err.code : 'EPIPE';
        setImmediate(() => this._finishStreamWrite(write, code));
        return;
      }
      write.finished = true;
      this[kStreamWrites].delete(write);
      process.nextTick(() => { this[kStreamWriteQueue] -= write.size; });
      if (cb) cb(null);
    });
  };

  // A Duplex write ends with libuv's `code`: its callback gets that write error, or, once the
  // socket is destroyed, what a destroyed socket's pending write gets (native.destroyedWriteResult).
  proto._finishStreamWrite = function _finishStreamWrite(write, code, reason) {
    if (write.finished) return;
    write.finished = true;
    this[kStreamWrites].delete(write);
    this[kStreamWriteQueue] -= write.size;
    if (write.cb) write.cb(this._streamWriteResult(code, reason));
  };

  // What a Duplex write that ended with libuv's `code` calls back with: that write error, or,
  // once the socket is destroyed, a destroyed socket's pending write's result (with `reason`
  // after the message, as Node's TLSWrap words the writes its own destruction cancels).
  proto._streamWriteResult = function _streamWriteResult(code, reason) {
    if (!this.destroyed) return native.systemError(code, 'write');
    const err = native.destroyedWriteResult(code);
    if (err && reason) err.message += ` ${reason}`;
    return err;
  };

  // Node's JSStreamSocket.doClose, an immediate after its stream closed or the socket was
  // destroyed — or, inside destroy() (`bySslDestruction`), TLSWrap's own destruction: the writes
  // still in flight, and those made after the stream closed, are cancelled ('write ECANCELED').
  // True when one was, and its callback comes a tick later (a destroyed socket's write that ends
  // without an error: finishLater), so that 'close' can wait for it.
  proto._cancelStreamWrites = function _cancelStreamWrites(bySslDestruction = false) {
    const reason = bySslDestruction ? 'Canceled because of SSL destruction' : undefined;
    let called = false;
    for (const write of this[kStreamWrites] ?? []) {
      called ||= Boolean(write.cb);
      this._finishStreamWrite(write, 'ECANCELED', reason);
    }
    return called && this.destroyed && native.destroyedWriteResult('ECANCELED') === null;
  };

  /**
   * Whether a write goes to the transport: one that is not destroyed, or a Duplex (whose
   * failed or cancelled writes fail as Node's JSStreamSocket fails them, above).
   */
  proto._transportTakesWrites = function _transportTakesWrites() {
    const transport = this[kTransport];
    return !!transport && (!transport.destroyed || this[kTransportKind] === 'stream');
  };

  /** The transport ended: so does the cleartext stream. */
  proto._onTransportEnd = function _onTransportEnd() {
    this._pushEOF();
  };

  /**
   * Starts the flow (on the tick after the constructor, so the caller can attach listeners
   * first, as Node's initRead): bytes a handed-in socket already buffered go to the session first.
   */
  proto._startReading = function _startReading() {
    if (!this[kSession]) return;
    const transport = this[kTransport];
    if (transport && this[kTransportKind] !== 'owned') {
      // (A plain Duplex hands its buffered chunks to our 'data' listener by itself.)
      if (this[kTransportKind] === 'socket' && transport.readableLength) {
        let buf;
        while (this[kSession] && (buf = transport.read()) !== null) {
          this._onCiphertext(typeof buf === 'string' ? Buffer.from(buf, 'latin1') : buf);
        }
      }
      // The TLS layer reads whatever the socket's stream state (a pauseOnConnect socket, a
      // STARTTLS socket its previous owner paused), as Node's TLSWrap reads the handle.
      this._resumeTransport();
    }
    this.read(0);
  };

  // net.Socket's setNoDelay / setKeepAlive / ref / unref, on the transport (see forwardToTransport).
  proto.setNoDelay = function setNoDelay(enable) {
    return forwardToTransport(this, 'setNoDelay', [enable]);
  };

  proto.setKeepAlive = function setKeepAlive(enable, initialDelay) {
    return forwardToTransport(this, 'setKeepAlive', [enable, initialDelay]);
  };

  proto.ref = function ref() {
    return forwardToTransport(this, 'ref', []);
  };

  proto.unref = function unref() {
    return forwardToTransport(this, 'unref', []);
  };

  /** The transport's peer address ({} without one), which net.Socket's remoteAddress reads. */
  proto._getpeername = function _getpeername() {
    const transport = this[kTransport];
    if (!transport || typeof transport._getpeername !== 'function') return {};
    return transport._getpeername();
  };

  /** The transport's local address ({} without one), which net.Socket's address() reads. */
  proto._getsockname = function _getsockname() {
    const transport = this[kTransport];
    if (!transport || typeof transport._getsockname !== 'function') return {};
    return transport._getsockname();
  };
}

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

module.exports = { install };
