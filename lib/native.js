'use strict';
// The native transport: for the connections tls-rs makes (tls.connect to a port or path) and
// accepts (tls.Server), Rust owns the socket on Node's own event loop (src/io/) and moves the
// ciphertext between the kernel and the connection; JS sees cleartext and statuses. Sockets
// handed in by the user (the `socket` option, new TLSSocket(duplex), STARTTLS) keep the
// memory-BIO path of lib/transport.js.
//
// The binding's TlsTransport calls _onNativeEvent(kind, a, b) on the TLSSocket; the socket
// calls transportWrite / transportPump / transportFlush (one native call per write, per read
// burst). TLS_RS_TRANSPORT=js turns the native transport off (every socket then takes the
// memory-BIO path), so both paths can run the same tests.

const {
  TlsTransport, TransportEvent, transportWrite, transportPump, transportFlush,
} = require('./binding');
const { codes: { ERR_SOCKET_CLOSED } } = require('./errors');
const { kSession, kTransport, kTransportKind, kReadPaused, kBytesRead, kShuttingDown } = require('./symbols');
const { writesCancelledOnDestroy } = require('./host-tls');

/**
 * Whether the native transport is on: unless TLS_RS_TRANSPORT=js. In worker_threads too: each
 * thread's transports live on its own loop, and are closed when its environment ends
 * (src/io/teardown.rs).
 */
const nativeEnabled = process.env.TLS_RS_TRANSPORT !== 'js';

// The server a natively accepted socket counts in (its _connections).
const kAcceptedBy = Symbol('kAcceptedBy');
// Write callbacks waiting for libuv, by id (ids are per process).
const kWrites = Symbol('kWrites');
let nextWriteId = 1;

// Callbacks of writes the kernel took at once, run from one immediate as Node's native
// immediates (env->SetImmediate) run: one queued while they run — the next write's, made from
// a callback — runs in the same turn, so a burst of writes drains within one loop iteration.
const writesTaken = [];
let writesTakenScheduled = false;

function callBackSoon(cb) {
  writesTaken.push(cb);
  if (!writesTakenScheduled) {
    writesTakenScheduled = true;
    setImmediate(runWritesTaken);
  }
}

function runWritesTaken() {
  writesTakenScheduled = false;
  while (writesTaken.length > 0) {
    const cb = writesTaken.shift();
    try {
      cb();
    } catch (err) {
      // (The rest still run, from the next immediate.)
      if (writesTaken.length > 0 && !writesTakenScheduled) {
        writesTakenScheduled = true;
        setImmediate(runWritesTaken);
      }
      throw err;
    }
  }
}

/**
 * net.Socket's members that TLSSocket and net call on a transport (socket options, addresses),
 * over a native TlsTransport.
 */
class NativeSocket {
  constructor(native, pipe) {
    this.native = native;
    this.pipe = pipe;
    this.destroyed = false;
    this.closed = false;
    this.peername = null;
    this.sockname = null;
  }

  setNoDelay(enable = true) {
    if (!this.pipe) this.native.setNoDelay(!!enable);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0) {
    if (!this.pipe) this.native.setKeepAlive(!!enable, Math.trunc(Math.max(0, ~~initialDelay) / 1000));
    return this;
  }

  ref() {
    this.native.ref();
    return this;
  }

  unref() {
    this.native.unref();
    return this;
  }

  // As net: the peer's address is kept once known (still there after close), this end's
  // address only while the socket is open.
  _getpeername() {
    if (!this.peername && !this.pipe && !this.destroyed) this.peername = this.native.getpeername();
    return this.peername || {};
  }

  _getsockname() {
    if (this.destroyed || this.pipe) return {};
    this.sockname ??= this.native.getsockname();
    return this.sockname || {};
  }
}

/** Adds the native transport's methods to TLSSocket.prototype. */
function install(proto) {
  /**
   * Moves the connection onto a native transport over a duplicate of `fd` (the caller closes
   * its own). `pipe`: a Unix socket. Reading starts with _startReading.
   */
  proto._attachNative = function _attachNative(fd, pipe) {
    const native = new TlsTransport(this[kSession], fd, !!pipe, this, this._onNativeEvent);
    this[kTransport] = new NativeSocket(native, !!pipe);
    this[kTransportKind] = 'native';
    this[kWrites] = null;
  };

  /**
   * A connection `server` accepted (libuv's handle `clientHandle`) moves to a native transport;
   * the handle is closed. It counts in the server's connections until closed.
   */
  proto._acceptNative = function _acceptNative(clientHandle, server) {
    this.connecting = false;
    // (A socket its options already failed is destroyed: the connection just closes.)
    if (this[kSession]) {
      this._attachNative(clientHandle.fd, clientHandle.constructor?.name === 'Pipe');
      this[kAcceptedBy] = server;
      server._connections++;
    }
    clientHandle.close();
  };

  /**
   * Takes over the native transport of a handshake `server` began before this socket existed
   * (lib/accepted-handshake.js); the connection already counts in the server's connections.
   */
  proto._adoptNative = function _adoptNative(native, pipe, server) {
    this.connecting = false;
    this[kTransport] = new NativeSocket(native, !!pipe);
    this[kTransportKind] = 'native';
    this[kWrites] = null;
    this[kAcceptedBy] = server;
    native.setOwner(this, this._onNativeEvent);
  };

  /** What the native transport reports (TransportEvent). */
  proto._onNativeEvent = function _onNativeEvent(kind, a, b) {
    switch (kind) {
      case TransportEvent.Status:
        this._refreshTimer();
        this._afterSessionStep(a);
        break;
      case TransportEvent.Records:
        this._onNativeRecords(a, b);
        break;
      case TransportEvent.End:
        this._refreshTimer();
        this._pushEOF();
        break;
      case TransportEvent.Error:
        this._onNativeError(a, b);
        break;
      case TransportEvent.Done:
        this._onNativeDone(a, b);
        break;
      case TransportEvent.Closed:
        this[kTransport].closed = true;
        this._failNativeWrites();
        this.emit('_nativeClosed');
        break;
    }
  };

  // Records decrypted by the native transport: one chunk each to the reader.
  proto._onNativeRecords = function _onNativeRecords(data, lengths) {
    this._refreshTimer();
    this[kBytesRead] += data.length;
    let keepReading = true;
    if (lengths === undefined) {
      keepReading = this._deliver(data);
    } else {
      for (let i = 0, offset = 0; i < lengths.length; offset += lengths[i], i++) {
        if (!this._deliver(data.subarray(offset, offset + lengths[i]))) keepReading = false;
      }
    }
    if (!keepReading && !this[kReadPaused]) {
      this[kReadPaused] = true;
      this._pauseTransport();
    }
  };

  // A socket error, as net reports it ('read ECONNRESET' with errno, code, syscall).
  proto._onNativeError = function _onNativeError(code, writing) {
    const err = systemError(code, writing ? 'write' : 'read');
    // As for the 'owned' / 'socket' transports (lib/transport.js).
    if (this._hadError) this.destroy();
    else if (this[kShuttingDown] && (code === 'EPIPE' || code === 'ECONNRESET')) this.destroy();
    else if (!this._secureEstablished && writing && (code === 'EPIPE' || code === 'ECONNRESET')) this.destroy();
    else if (this._tlsOptions.isServer) {
      // As an accepted net.Socket's error, then its close.
      this._emitTLSError(err);
      this.destroy();
    } else {
      this.destroy(err);
    }
  };

  // A write (or shutdown) libuv completed.
  proto._onNativeDone = function _onNativeDone(id, code) {
    const writes = this[kWrites];
    const cb = writes?.get(id);
    if (!cb) return;
    writes.delete(id);
    if (code === undefined) cb(null);
    else if (this.destroyed) cb(destroyedWriteResult(code));
    else cb(code === 'ECANCELED' ? new ERR_SOCKET_CLOSED() : systemError(code, 'write'));
  };

  // Waits for `cb` under a new write id.
  proto._nativeWriteId = function _nativeWriteId(cb) {
    const id = nextWriteId++;
    if (nextWriteId > 0x7fffffff) nextWriteId = 1;
    (this[kWrites] ??= new Map()).set(id, cb);
    return id;
  };

  // The callbacks of the writes a renegotiation held, which the transport forgets (the
  // connection failed before they went out).
  proto._takeNativeHeldWrites = function _takeNativeHeldWrites() {
    const writes = this[kWrites];
    const callbacks = [];
    for (const id of this[kTransport].native.takeHeldWrites()) {
      const cb = writes?.get(id);
      if (!cb) continue;
      writes.delete(id);
      callbacks.push(cb);
    }
    return callbacks;
  };

  // Closed with writes still waiting: they fail; on a destroyed socket as Node's TLSWrap does
  // (destroyedWriteResult).
  proto._failNativeWrites = function _failNativeWrites() {
    const writes = this[kWrites];
    this[kWrites] = null;
    if (writes) for (const cb of writes.values()) cb(this.destroyed ? destroyedWriteResult('ECANCELED') : new ERR_SOCKET_CLOSED());
  };

  /**
   * Encrypts and sends `data`; `cb` once the kernel took it (or with the connection's failure).
   * A write the kernel took at once still calls back from an immediate, as Node's TLSWrap does
   * (EncOut "simulates asynchronous finishing"): the writes user code makes meanwhile queue in
   * the Writable and reach `_writev` together, as one record (a burst of small writes was
   * otherwise a record and a syscall each).
   */
  proto._nativeWrite = function _nativeWrite(data, cb) {
    const native = this[kTransport].native;
    const id = this._nativeWriteId(cb);
    const sent = transportWrite(native, data, id);
    if (sent === 0) return;
    this[kWrites].delete(id);
    if (sent === 1) callBackSoon(cb);
    else cb(this._writeError(this._takeSessionError()));
  };

  /**
   * Sends what the connection has waiting; `cb` (if any) once the kernel took it, never from
   * inside this call (it may be user code's: a 'newSession' callback releasing held output).
   */
  proto._nativeFlush = function _nativeFlush(cb) {
    const transport = this[kTransport];
    if (transport.closed) {
      if (cb) process.nextTick(cb, new ERR_SOCKET_CLOSED());
      return;
    }
    const id = cb ? this._nativeWriteId(cb) : 0;
    if (transportFlush(transport.native, id) && cb) {
      this[kWrites].delete(id);
      callBackSoon(cb);
    }
  };

  /** Delivers the cleartext there is, burst by burst, while the reader reads. */
  proto._nativePump = function _nativePump() {
    const native = this[kTransport].native;
    native.setDelivering(!this[kReadPaused]);
    transportPump(native);
  };

  /** close_notify (once established) and FIN; `cb` when the kernel took them. */
  proto._nativeShutdown = function _nativeShutdown(cb) {
    this[kShuttingDown] = true;
    const transport = this[kTransport];
    if (transport.closed) {
      cb();
      return;
    }
    transport.native.shutdown(this._nativeWriteId(() => cb()));
  };

  /** Closes the socket; `onClosed` once libuv released it. */
  proto._nativeClose = function _nativeClose(onClosed) {
    const transport = this[kTransport];
    if (transport.closed) {
      process.nextTick(onClosed);
      return;
    }
    this.once('_nativeClosed', onClosed);
    if (!transport.destroyed) {
      transport.destroyed = true;
      transport.native.close();
    }
  };

  /** A natively accepted socket is destroyed: it leaves its server's count (as net's _destroy). */
  proto._leaveServer = function _leaveServer() {
    const server = this[kAcceptedBy];
    if (!server) return;
    this[kAcceptedBy] = null;
    server._connections--;
    if (server._emitCloseIfDrained) server._emitCloseIfDrained();
  };

  /** Holds the native transport's output back ('newSession'), or lets it go. */
  proto._holdNativeOutput = function _holdNativeOutput(on) {
    if (this[kTransportKind] === 'native') this[kTransport].native.hold(on);
  };
}

/**
 * What a write the socket's destroy() cut short calls back with, on either transport: as Node
 * 18/20's net
 * (onWriteComplete on a destroyed stream), no error — the writes queued behind it then get
 * ERR_STREAM_DESTROYED from the stream; from Node 22 the handle's 'write ECANCELED', which the
 * stream passes on to them (lib/host-tls.js).
 */
function destroyedWriteResult(code) {
  return writesCancelledOnDestroy() ? systemError(code, 'write') : null;
}

// A system error as net creates it: `${syscall} ${code}` with errno, code and syscall.
function systemError(code, syscall) {
  const errno = errnoOf(code);
  const err = new Error(`${syscall} ${code}`);
  err.errno = errno;
  err.code = code;
  err.syscall = syscall;
  return err;
}

// libuv's (negative) number for an error name, from Node's own map.
let errnos = null;
function errnoOf(code) {
  if (!errnos) {
    errnos = new Map();
    for (const [errno, [name]] of require('node:util').getSystemErrorMap()) errnos.set(name, errno);
  }
  return errnos.get(code) ?? -1;
}

/** Whether libuv has an error of that name (ECONNRESET, EPIPE, ...). */
function isSystemErrorName(code) {
  return typeof code === 'string' && errnoOf(code) !== -1;
}

module.exports = { install, nativeEnabled, destroyedWriteResult, systemError, isSystemErrorName };
