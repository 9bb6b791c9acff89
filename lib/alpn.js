'use strict';
// ALPN, as Node does it: `ALPNProtocols` (a client's offer, a server's preference), a server's
// `ALPNCallback({ servername, protocols })` asked during the handshake, `tlsSocket.alpnProtocol`
// once it is done (lib/socket.js), and tls.convertALPNProtocols.

const { isArrayBufferView, isUint8Array } = require('node:util').types;
const {
  codes: { ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_TLS_ALPN_CALLBACK_INVALID_RESULT },
} = require('./errors');
const hostTls = require('./host-tls');
const { validateFunction } = require('./validators');
const { kSession } = require('./symbols');
const { handshakeCallbackFailed } = require('./callback-errors');

const kALPNCallback = Symbol('kALPNCallback');

// ALPN protocols in wire format: each name prefixed by its byte length
// ("\x02h2\x08http/1.1"); a name longer than 255 bytes is ERR_OUT_OF_RANGE, an empty one
// ERR_INVALID_ARG_VALUE where the running Node checks it.
function convertProtocols(protocols) {
  const lens = new Array(protocols.length);
  const rejectEmpty = hostTls.alpnValidatesBuffers();
  const buff = Buffer.allocUnsafe(protocols.reduce((p, c, i) => {
    const len = Buffer.byteLength(c);
    if (len === 0 && rejectEmpty) {
      throw new ERR_INVALID_ARG_VALUE(`protocols[${i}]`, c, 'must be a non-empty string');
    }
    if (len > 255) {
      throw new ERR_OUT_OF_RANGE('The byte length of the protocol at index ' +
        `${i} exceeds the maximum length.`, '<= 255', len, true);
    }
    lens[i] = len;
    return p + 1 + len;
  }, 0));

  let offset = 0;
  for (let i = 0, c = protocols.length; i < c; i++) {
    buff[offset++] = lens[i];
    buff.write(protocols[i], offset);
    offset += lens[i];
  }
  return buff;
}

// Where the running Node checks it: a wire-format buffer holds whole, non-empty names (empty
// means no ALPN).
function validateALPNBuffer(buffer) {
  if (!hostTls.alpnValidatesBuffers()) return;
  let offset = 0;
  while (offset < buffer.length) {
    const len = buffer[offset];
    if (len === 0) {
      throw new ERR_INVALID_ARG_VALUE('ALPNProtocols', buffer, 'must not contain zero-length protocol');
    }
    if (offset + 1 + len > buffer.length) {
      throw new ERR_INVALID_ARG_VALUE('ALPNProtocols', buffer, 'contains truncated protocol');
    }
    offset += 1 + len;
  }
}

/**
 * Sets `out.ALPNProtocols` to `protocols` in wire format: an array of strings is encoded, a
 * Buffer / TypedArray / DataView is copied (and checked, where Node checks it). Anything else
 * leaves `out` untouched (as Node).
 */
function convertALPNProtocols(protocols, out) {
  if (Array.isArray(protocols)) {
    out.ALPNProtocols = convertProtocols(protocols);
  } else if (isUint8Array(protocols)) {
    // A copy, so later changes by the caller do not leak in.
    const buffer = Buffer.from(protocols);
    validateALPNBuffer(buffer);
    out.ALPNProtocols = buffer;
  } else if (isArrayBufferView(protocols)) {
    const buffer = Buffer.from(protocols.buffer.slice(
      protocols.byteOffset,
      protocols.byteOffset + protocols.byteLength,
    ));
    validateALPNBuffer(buffer);
    out.ALPNProtocols = buffer;
  }
}

/** Adds the ALPN methods to TLSSocket.prototype. */
function install(proto) {
  /** TLSSocket _init, first step: takes a server's ALPNCallback. */
  proto._initALPNCallback = function _initALPNCallback(options) {
    this[kALPNCallback] = null;
    if (options.isServer && options.ALPNCallback) {
      validateFunction(options.ALPNCallback, 'options.ALPNCallback');
      this[kALPNCallback] = options.ALPNCallback;
      this[kSession].enableALPNCallback();
    }
  };

  /** TLSSocket _init, after SNI (Node's order): gives the connection the converted protocols. */
  proto._initALPNProtocols = function _initALPNProtocols(options) {
    if (options.ALPNProtocols) {
      if (!Buffer.isBuffer(options.ALPNProtocols)) {
        throw new TypeError('Must give a Buffer as first argument');
      }
      this[kSession].setALPNProtocols(options.ALPNProtocols);
    }
  };

  // Node's callALPNCallback: ALPNCallback({ servername, protocols }) returns one of protocols,
  // or undefined to refuse them all (a fatal no_application_protocol alert). An error it throws
  // is handled as the running Node does (lib/callback-errors.js): a refusal on Node 18.
  proto._onALPNRequest = function _onALPNRequest() {
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
      if (handshakeCallbackFailed(this, err)) return;
      index = -1;
    }
    session.selectALPN(index);
    this._resumeHandshake();
  };
}

module.exports = { convertALPNProtocols, install };
