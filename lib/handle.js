'use strict';
// A TLSSocket's `_handle` (and `ssl`): in Node, the TLSWrap. Packages call it — mysqljs
// `ssl.verifyError()`, smtp-server checks client certificates with `_handle.verifyError()`, http
// pauses reading through `_handle.readStop()` — so TLSHandle has those members of TLSWrap.

const {
  kSession, kReadPaused, kTransport, kTransportKind, kHandshakes, kLastHandshakeTime, kStreamWriteQueue,
} = require('./symbols');

const hostTls = require('./host-tls');

// Node 24's hint for a chain that ends in no trusted root (lib/host-tls.js), after the reasons
// it gives it for (24.22.3 checked: "unable to get local issuer certificate" and "self-signed
// certificate in certificate chain" get none).
const SYSTEM_CA_HINT = '; if the root CA is installed locally, try running Node.js with --use-system-ca';
const SYSTEM_CA_HINT_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

const kOwner = Symbol('kOwner');
const kHandle = Symbol('kHandle');

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
    const hint = hostTls.verifyErrorHintsSystemCa() && SYSTEM_CA_HINT_CODES.has(result.code) ? SYSTEM_CA_HINT : '';
    const err = new Error(result.message + hint);
    err.code = result.code;
    return err;
  }

  /** The peer's certificate as TLSWrap returns it (undefined without one). */
  getPeerCertificate(detailed) {
    return this[kOwner][kSession]?.getPeerCertificate(!!detailed) ?? undefined;
  }

  /** This end's certificate as TLSWrap returns it (undefined without one). */
  getCertificate() {
    return this[kOwner][kSession]?.getCertificate() ?? undefined;
  }

  /** The server name the client sent, or false. */
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

  /** The socket's file descriptor (TLSWrap's stream's), or -1 without one of its own. */
  get fd() {
    const owner = this[kOwner];
    const transport = owner[kTransport];
    if (owner[kTransportKind] === 'native') return transport.native.fd;
    return transport?._handle?.fd ?? -1;
  }

  /**
   * Bytes written but not yet taken by the kernel; over a Duplex stream (Node's JSStreamSocket),
   * the ciphertext waiting in the connection or written to the stream and not yet settled.
   */
  get writeQueueSize() {
    const owner = this[kOwner];
    const transport = owner[kTransport];
    if (owner[kTransportKind] === 'native') return transport.native.writeQueueSize;
    // Node's is the ciphertext its output BIO holds until the stream finished writing it.
    if (owner[kTransportKind] === 'stream') return (owner[kSession]?.pendingCiphertext() ?? 0) + owner[kStreamWriteQueue];
    return transport?._handle?.writeQueueSize ?? 0;
  }

  /**
   * TLSWrap's shutdown (net's _final calls it): close_notify, then the transport's FIN;
   * `req.oncomplete(0)` on a later tick once done. Returns 0.
   */
  shutdown(req) {
    let sync = true;
    this[kOwner]._final(() => {
      if (sync) process.nextTick(() => req.oncomplete(0));
      else req.oncomplete(0);
    });
    sync = false;
    return 0;
  }

  /** A server's handshakes within tls.CLIENT_RENEG_WINDOW (undefined on a client), as Node's. */
  get handshakes() {
    return this[kOwner][kHandshakes];
  }

  /** When a server's last handshake started (0 before; undefined on a client), as Node's. */
  get lastHandshakeTime() {
    return this[kOwner][kLastHandshakeTime];
  }

  // No async id of its own: http then uses the default trigger id, as for handle-less sockets.
  getAsyncId() {
    return undefined;
  }
}

/** Adds `_handle` and `ssl` to TLSSocket.prototype: the socket's TLSHandle, null once destroyed. */
function install(proto) {
  // The socket's TLSHandle; assignments are ignored.
  Object.defineProperty(proto, '_handle', {
    configurable: true,
    get() {
      if (!this[kSession]) return null;
      return (this[kHandle] ??= new TLSHandle(this));
    },
    set(value) {
      // net.Socket assigns the handles it creates; a TLSSocket's handle is always its TLSHandle.
    },
  });

  // Node's alias of _handle.
  Object.defineProperty(proto, 'ssl', {
    configurable: true,
    get() {
      return this._handle;
    },
    set(value) {
      // Read-only in effect: it always reflects the session.
    },
  });
}

module.exports = { install };
