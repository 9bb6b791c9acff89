'use strict';
// tls-rs: Node's `tls` module over a Rust/OpenSSL engine. This file is the module surface;
// each concept lives in its own file (socket.js, server.js, secure-context.js, identity.js).

const net = require('node:net');
const nodeTls = require('node:tls');
const binding = require('./binding');
const { settings, setTLSModule } = require('./defaults');
const { TLSSocket, kConnectOptions } = require('./socket');
const { Server, createServer } = require('./server');
const { SecureContext, createSecureContext } = require('./secure-context');
const { checkServerIdentity } = require('./identity');
const { isArrayBufferView, isUint8Array } = require('node:util').types;
const {
  codes: { ERR_TLS_DH_PARAM_SIZE, ERR_OUT_OF_RANGE },
  ConnResetException,
  assertInternal: assert,
} = require('./errors');

// Plain data properties, as Node's: lib/ reads them through this object at call time.
Object.assign(exports, settings);

// OpenSSL lists only the TLS 1.3 suites enabled by default; Node names all five.
const TLS13_CIPHERS = ['tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256', 'tls_aes_128_gcm_sha256',
  'tls_aes_128_ccm_8_sha256', 'tls_aes_128_ccm_sha256'];
let ciphers;
/**
 * The cipher names tls-rs's OpenSSL supports, lower-cased, deduplicated and sorted; a fresh
 * array each call (as Node), so a caller changing it does not change the next answer.
 */
exports.getCiphers = function getCiphers() {
  if (!ciphers) {
    ciphers = [...new Set([...binding.getSSLCiphers(), ...TLS13_CIPHERS].map((c) => c.toLowerCase()))].sort();
  }
  return ciphers.slice();
};

// The same bundled Mozilla roots as the running Node (the default trust store uses them too).
Object.defineProperty(exports, 'rootCertificates', {
  __proto__: null,
  configurable: false,
  enumerable: true,
  get: () => nodeTls.rootCertificates,
});

// ALPN protocols in wire format: each name prefixed by its byte length
// ("\x02h2\x08http/1.1"); a name longer than 255 bytes is ERR_OUT_OF_RANGE.
function convertProtocols(protocols) {
  const lens = new Array(protocols.length);
  const buff = Buffer.allocUnsafe(protocols.reduce((p, c, i) => {
    const len = Buffer.byteLength(c);
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

/**
 * Sets `out.ALPNProtocols` to `protocols` in wire format: an array of strings is encoded, a
 * Buffer / TypedArray / DataView is copied. Anything else leaves `out` untouched (as Node).
 */
exports.convertALPNProtocols = function convertALPNProtocols(protocols, out) {
  if (Array.isArray(protocols)) {
    out.ALPNProtocols = convertProtocols(protocols);
  } else if (isUint8Array(protocols)) {
    // A copy, so later changes by the caller do not leak in.
    out.ALPNProtocols = Buffer.from(protocols);
  } else if (isArrayBufferView(protocols)) {
    out.ALPNProtocols = Buffer.from(protocols.buffer.slice(
      protocols.byteOffset,
      protocols.byteOffset + protocols.byteLength,
    ));
  }
};

// Node v5's NPN helper (lib/npn.js).
exports.convertNPNProtocols = require('./npn').convertNPNProtocols;

exports.checkServerIdentity = checkServerIdentity;
exports.createSecureContext = createSecureContext;
exports.SecureContext = SecureContext;
exports.TLSSocket = TLSSocket;
exports.Server = Server;
exports.createServer = createServer;

const { createSecurePair, SecurePair, CryptoStream } = require('./secure-pair');
exports.createSecurePair = createSecurePair;
// The seed docs describe these classes; Node 20 no longer exports them.
exports.SecurePair = SecurePair;
exports.CryptoStream = CryptoStream;

let allowUnauthorizedWarned = false;
function getAllowUnauthorized() {
  const allow = process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0';
  if (allow && !allowUnauthorizedWarned) {
    allowUnauthorizedWarned = true;
    process.emitWarning('Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to \'0\' ' +
                        'makes TLS connections and HTTPS requests insecure by disabling ' +
                        'certificate verification.');
  }
  return allow;
}

// Arguments: [port,] [host,] [options,] [cb]
function normalizeConnectArgs(listArgs) {
  const args = net._normalizeArgs(listArgs);
  const options = args[0];
  const cb = args[1];
  // net only knows host/port/path; merge the TLS options object given after them.
  if (listArgs[1] !== null && typeof listArgs[1] === 'object') {
    Object.assign(options, listArgs[1]);
  } else if (listArgs[2] !== null && typeof listArgs[2] === 'object') {
    Object.assign(options, listArgs[2]);
  }
  return cb ? [options, cb] : [options];
}

let ipServernameWarned = false;

exports.connect = function connect(...args) {
  args = normalizeConnectArgs(args);
  let options = args[0];
  const cb = args[1];
  const allowUnauthorized = getAllowUnauthorized();

  options = {
    rejectUnauthorized: !allowUnauthorized,
    ciphers: exports.DEFAULT_CIPHERS,
    checkServerIdentity: exports.checkServerIdentity,
    minDHSize: 1024,
    ...options,
  };

  assert(typeof options.checkServerIdentity === 'function');
  assert(typeof options.minDHSize === 'number',
         'options.minDHSize is not a number: ' + options.minDHSize);
  assert(options.minDHSize > 0,
         'options.minDHSize is not a positive number: ' +
         options.minDHSize);

  // Through the module, as Node: a user's replacement is the one used.
  const context = options.secureContext || exports.createSecureContext(options);

  const tlssock = new TLSSocket(options.socket, {
    allowHalfOpen: options.allowHalfOpen,
    secureContext: context,
    isServer: false,
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    ALPNProtocols: options.ALPNProtocols,
    highWaterMark: options.highWaterMark,
    onread: options.onread,
    signal: options.signal,
    enableTrace: options.enableTrace,
    session: options.session,
    NPNProtocols: options.NPNProtocols,
    requestOCSP: options.requestOCSP,
    pskCallback: options.pskCallback,
  });
  options.rejectUnauthorized = options.rejectUnauthorized !== false;
  tlssock[kConnectOptions] = options;

  if (cb) tlssock.once('secureConnect', cb);

  // An already-aborted `signal` destroyed the socket in its constructor: connect nothing.
  // (Built-in tls connects anyway, and asserts in its C++ stream code when data arrives.)
  if (options.signal?.aborted) return tlssock;

  if (!options.socket) {
    if (options.timeout) tlssock.setTimeout(options.timeout);
    tlssock.connect(options, tlssock._start);
  }

  tlssock._releaseControl();

  if (options.session) tlssock.setSession(options.session);

  if (options.servername) {
    if (!ipServernameWarned && net.isIP(options.servername)) {
      process.emitWarning(
        'Setting the TLS ServerName to an IP address is not permitted by ' +
        'RFC 6066. This will be ignored in a future version.',
        'DeprecationWarning',
        'DEP0123',
      );
      ipServernameWarned = true;
    }
    tlssock.setServername(options.servername);
  }

  if (options.socket) tlssock._start();

  tlssock.on('secure', onConnectSecure);
  tlssock.prependListener('end', onConnectEnd);
  return tlssock;
};

// Client verification runs after the handshake, as in Node: chain result, then host name.
function onConnectSecure() {
  const options = this[kConnectOptions];

  const ekeyinfo = this.getEphemeralKeyInfo();
  if (ekeyinfo && ekeyinfo.type === 'DH' && ekeyinfo.size < options.minDHSize) {
    const err = new ERR_TLS_DH_PARAM_SIZE(ekeyinfo.size);
    this.emit('error', err);
    this.destroy();
    return;
  }

  let verifyError = this.ssl.verifyError();

  if (!verifyError && !this.isSessionReused()) {
    const hostname = options.servername || options.host ||
      (options.socket && options.socket._host) || 'localhost';
    const cert = this.getPeerCertificate(true);
    verifyError = options.checkServerIdentity(hostname, cert);
  }

  if (verifyError) {
    this.authorized = false;
    this.authorizationError = verifyError.code || verifyError.message;
    if (options.rejectUnauthorized !== false) {
      this.destroy(verifyError);
      return;
    }
  } else {
    this.authorized = true;
  }
  this.secureConnecting = false;
  this.emit('secureConnect');
  // Sessions received before verification are emitted now (Node's kPendingSession).
  this._emitPendingSession();
  this.removeListener('end', onConnectEnd);
}

function onConnectEnd() {
  if (!this._hadError) {
    const options = this[kConnectOptions];
    this._hadError = true;
    const error = new ConnResetException('Client network socket disconnected ' +
                                         'before secure TLS connection was established');
    error.path = options.path;
    error.host = options.host;
    error.port = options.port;
    error.localAddress = options.localAddress;
    this.destroy(error);
  }
}

// Every file of lib/ reads the settings, and calls what Node calls through the module, here.
setTLSModule(module.exports);
