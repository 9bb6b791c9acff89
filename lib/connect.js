'use strict';
// tls.connect and the client's verification of the server, as Node's _tls_wrap.js does them:
// options merged over Node's defaults (read from the module at call time), a TLSSocket on the
// connection, then, once the handshake is done, the chain's verify result and the host name
// (options.checkServerIdentity) decide 'secureConnect' or an error.

const net = require('node:net');
const { TLSSocket } = require('./socket');
const { tlsModule } = require('./defaults');
const { sharedClientContext } = require('./shared-client-contexts');
const {
  codes: { ERR_INVALID_ARG_VALUE, ERR_TLS_DH_PARAM_SIZE },
  ConnResetException,
  assertInternal: assert,
} = require('./errors');
const { validateFunction, validateNumber } = require('./validators');
const { wantsOCSPCheck, checkOCSPStaple } = require('./ocsp-stapling');

const { kConnectOptions, kSession } = require('./symbols');
const { checkServerIdentity } = require('./identity');
const { getSessionForReuse, getSessionServerIdentity } = require('./sessions');
const hostTls = require('./host-tls');

let allowUnauthorizedWarned = false;
// Whether NODE_TLS_REJECT_UNAUTHORIZED=0 turns verification off (Node's warning, once).
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

/**
 * tls.connect([port][, host][, options][, callback]): a client TLSSocket, connected to
 * `port`/`host`/`path` or over `options.socket`; `callback` is a 'secureConnect' listener. The
 * server is verified once the handshake is done (onConnectSecure), as Node does it.
 */
function connect(...args) {
  args = normalizeConnectArgs(args);
  let options = args[0];
  const cb = args[1];
  const allowUnauthorized = getAllowUnauthorized();
  const tls = tlsModule();

  options = {
    rejectUnauthorized: !allowUnauthorized,
    ciphers: tls.DEFAULT_CIPHERS,
    checkServerIdentity: tls.checkServerIdentity,
    minDHSize: 1024,
    ...options,
  };

  // (What a replaced tls.createSecureContext is given, as from Node.)
  if (!options.keepAlive) options.singleUse = true;

  if (hostTls.connectValidatesOptions()) {
    validateFunction(options.checkServerIdentity, 'options.checkServerIdentity');
    validateNumber(options.minDHSize, 'options.minDHSize', 1);
  } else {
    assert(typeof options.checkServerIdentity === 'function');
    assert(typeof options.minDHSize === 'number',
           'options.minDHSize is not a number: ' + options.minDHSize);
    assert(options.minDHSize > 0,
           'options.minDHSize is not a positive number: ' +
           options.minDHSize);
  }
  // Beyond Node: `checkOCSP` asks for a staple and judges it (lib/ocsp-stapling.js).
  const checkOCSP = wantsOCSPCheck(options);
  // Through the module, as Node: a user's replacement is the one used (and sees the options
  // before the session is picked, as in Node 22+). Equal options share a context.
  const context = options.secureContext || sharedClientContext(options) || tls.createSecureContext(options);

  // Node 26: DEP0123 reached its end of life.
  if (hostTls.ipServernameThrows() && options.servername && net.isIP(options.servername)) {
    throw new ERR_INVALID_ARG_VALUE('options.servername', options.servername,
                                    'Setting the TLS ServerName to an IP address is not permitted.');
  }

  // Node 22+: a session made for another server name (or a bare one, when verifying) is not offered.
  if (hostTls.wrapsSessions()) options.session = getSessionForReuse(options.session, options);

  const tlssock = new TLSSocket(options.socket, {
    allowHalfOpen: options.allowHalfOpen,
    pipe: !!options.path,
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
    // (The seed docs' NPN: absent unless given, so _tlsOptions stays Node 20's otherwise.)
    ...(options.NPNProtocols !== undefined && { NPNProtocols: options.NPNProtocols }),
    requestOCSP: options.requestOCSP || checkOCSP,
    pskCallback: options.pskCallback,
    // Beyond Node (lib/ech.js); absent unless given, so _tlsOptions stays Node's otherwise.
    ...(options.echConfigList !== undefined && { echConfigList: options.echConfigList }),
    ...(options.echGrease !== undefined && { echGrease: options.echGrease }),
  });
  options.rejectUnauthorized = options.rejectUnauthorized !== false;
  tlssock[kConnectOptions] = options;

  if (cb) tlssock.once('secureConnect', cb);

  // An already-aborted `signal` destroyed the socket in its constructor: connect nothing.
  // (Built-in tls connects anyway, and asserts in its C++ stream code when data arrives.) net's
  // constructor then undid `destroyed` (initSocketHandle); Node's socket ends destroyed (its
  // connection attempt is torn down too, with a second 'close' not copied here).
  if (options.signal?.aborted) {
    tlssock._readableState.destroyed = true;
    tlssock._writableState.destroyed = true;
    return tlssock;
  }

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
}

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
    const hostname = getSessionServerIdentity(options);
    if (!namedInCertificate(this, options, hostname)) {
      const cert = this.getPeerCertificate(true);
      verifyError = options.checkServerIdentity(hostname, cert);
    }
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
  const ocspError = checkOCSPStaple(this, options.checkOCSP);
  if (ocspError) {
    this.destroy(ocspError);
    return;
  }
  this.secureConnecting = false;
  this.emit('secureConnect');
  // Sessions received before verification are emitted now (Node's kPendingSession).
  this._emitPendingSession();
  this.removeListener('end', onConnectEnd);
}

const getPeerCertificate = TLSSocket.prototype.getPeerCertificate;

// Whether Node's checkServerIdentity would surely accept the server's certificate for
// `hostname` because one of its DNS names is `hostname` (native, src/x509/identity.rs): then the
// certificate object it would read need not be built (~40 µs per handshake). Only when the
// check and getPeerCertificate are Node's and tls-rs's own, so a replaced one still runs.
function namedInCertificate(socket, options, hostname) {
  return options.checkServerIdentity === checkServerIdentity && socket.getPeerCertificate === getPeerCertificate &&
    typeof hostname === 'string' && socket[kSession].peerCertificateNamesHost(hostname);
}

// The server closed before the handshake completed: Node's ECONNRESET, with where it connected.
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

module.exports = { connect };
