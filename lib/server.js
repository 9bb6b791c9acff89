'use strict';
// tls.Server: a net.Server whose first 'connection' listener wraps each accepted socket in a
// server-side TLSSocket (so user 'connection' listeners see the raw socket, as in Node, and
// server.emit('connection', duplex) injects a connection).

const net = require('node:net');
const crypto = require('node:crypto');
const EventEmitter = require('node:events');
const { deprecate } = require('node:util');
const { TLSSocket, configureServerSession } = require('./socket');
const { AcceptedHandshake, acceptsUnattended } = require('./accepted-handshake');
const { kAdoptedSession, kOwnClientError } = require('./symbols');
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS, ERR_TLS_REQUIRED_SERVER_NAME },
  ConnResetException,
  assertInternal: assert,
} = require('./errors');
const { validateObject, validateNumber, validateFunction, validateBuffer, validateString } = require('./validators');
const { SecureContext, ticketKeyRing } = require('./secure-context');
const { forwardKeylog } = require('./keylog');
const { nativeEnabled } = require('./native');
const netServerSocketChannel = require('node:diagnostics_channel').channel('net.server.socket');
const { convertNPNProtocols } = require('./npn');
const { SNICallback, servernamePattern } = require('./sni');
const { tlsModule } = require('./defaults');
const hostTls = require('./host-tls');
const { kSession } = require('./symbols');
const { initOCSPStapling, syncOCSPStapling } = require('./ocsp-stapling');

// Whether a connection's failure before 'secureConnection' was reported ('tlsClientError').
const kErrorEmitted = Symbol('kErrorEmitted');
const kHandshakeTimeout = Symbol('kHandshakeTimeout');
const kSNICallback = Symbol('kSNICallback');
const kEnableTrace = Symbol('kEnableTrace');
const kPskCallback = Symbol('kPskCallback');
const kPskIdentityHint = Symbol('kPskIdentityHint');
// net's own onconnection, kept on the listening handle (acceptNatively).
const kNetOnConnection = Symbol('kNetOnConnection');
// Marks a TLSSocket acceptNatively made (its 'connection' event is an announcement).
const kAcceptedNatively = Symbol('kAcceptedNatively');
const kEmptyObject = Object.freeze({ __proto__: null });

/**
 * tls.Server: a net.Server whose connections are server TLSSockets; `listener` is a
 * 'secureConnection' listener. Callable without `new`, as Node's.
 */
function Server(options, listener) {
  if (!(this instanceof Server)) return new Server(options, listener);

  if (typeof options === 'function') {
    listener = options;
    options = kEmptyObject;
  } else if (options == null || typeof options === 'object') {
    options = options ?? kEmptyObject;
  } else {
    throw new ERR_INVALID_ARG_TYPE('options', 'Object', options);
  }

  this._contexts = [];
  this.requestCert = options.requestCert === true;
  this.rejectUnauthorized = options.rejectUnauthorized !== false;
  this.ALPNCallback = options.ALPNCallback;
  if (this.ALPNCallback && options.ALPNProtocols) {
    throw new ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS();
  }
  if (options.sessionTimeout) this.sessionTimeout = options.sessionTimeout;
  if (options.ticketKeys) this.ticketKeys = options.ticketKeys;
  if (options.ALPNProtocols) tlsModule().convertALPNProtocols(options.ALPNProtocols, this);

  this.setSecureContext(options);

  this[kHandshakeTimeout] = options.handshakeTimeout || (120 * 1000);
  this[kEnableTrace] = options.enableTrace;
  this[kSNICallback] = options.SNICallback;
  validateNumber(this[kHandshakeTimeout], 'options.handshakeTimeout');
  if (this[kSNICallback]) validateFunction(this[kSNICallback], 'options.SNICallback');
  // NPN (seed docs) and PSK (lib/npn.js, lib/psk.js).
  if (options.NPNProtocols) convertNPNProtocols(options.NPNProtocols, this);
  this[kPskCallback] = options.pskCallback;
  this[kPskIdentityHint] = options.pskIdentityHint;
  if (this[kPskCallback]) validateFunction(this[kPskCallback], 'options.pskCallback');
  if (this[kPskIdentityHint]) validateString(this[kPskIdentityHint], 'options.pskIdentityHint');

  Reflect.apply(net.Server, this, [options, tlsConnectionListener]);
  this.prependListener('listening', acceptNatively);
  // Beyond Node: OCSP stapling without user code (lib/ocsp-stapling.js).
  initOCSPStapling(this, options);

  if (listener) this.on('secureConnection', listener);
}
Object.setPrototypeOf(Server.prototype, net.Server.prototype);
Object.setPrototypeOf(Server, net.Server);

// The context options a server keeps as its own fields (setSecureContext, setOptions).
const CONTEXT_FIELDS = ['pfx', 'key', 'passphrase', 'cert', 'clientCertEngine', 'ca', 'minVersion',
  'maxVersion', 'secureProtocol', 'crl', 'ciphers', 'dhparam'];

// Node's default sessionIdContext: derived from the command line, so the same program shares it.
function defaultSessionIdContext() {
  return crypto.createHash('sha1').update(process.argv.join(' ')).digest('hex').slice(0, 32);
}

/** Replaces the context used for connections accepted from now on. */
Server.prototype.setSecureContext = function setSecureContext(options) {
  validateObject(options, 'options');
  for (const name of CONTEXT_FIELDS) this[name] = options[name] ? options[name] : undefined;
  this.sigalgs = options.sigalgs;
  this.ecdhCurve = options.ecdhCurve;
  this.honorCipherOrder = options.honorCipherOrder !== undefined ? !!options.honorCipherOrder : true;
  this.secureOptions = options.secureOptions || undefined;
  this.sessionIdContext = options.sessionIdContext || defaultSessionIdContext();
  if (options.sessionTimeout) this.sessionTimeout = options.sessionTimeout;
  if (options.ticketKeys) this.ticketKeys = options.ticketKeys;
  this.privateKeyIdentifier = options.privateKeyIdentifier;
  this.privateKeyEngine = options.privateKeyEngine;
  // Beyond Node (lib/ech.js): kept and passed on only when used, so the rest stays Node's.
  if (options.echKeys !== undefined || this.echKeys !== undefined) this.echKeys = options.echKeys ?? undefined;
  // Node 24 (lib/host-tls.js): kept and passed on, as its setSecureContext does.
  const compression = hostTls.certificateCompression();
  if (compression) this.certificateCompression = options.certificateCompression;

  this._sharedCreds = tlsModule().createSecureContext({
    pfx: this.pfx,
    key: this.key,
    passphrase: this.passphrase,
    cert: this.cert,
    clientCertEngine: this.clientCertEngine,
    ca: this.ca,
    ciphers: this.ciphers,
    sigalgs: this.sigalgs,
    ecdhCurve: this.ecdhCurve,
    dhparam: this.dhparam,
    minVersion: this.minVersion,
    maxVersion: this.maxVersion,
    secureProtocol: this.secureProtocol,
    secureOptions: this.secureOptions,
    honorCipherOrder: this.honorCipherOrder,
    crl: this.crl,
    sessionIdContext: this.sessionIdContext,
    ticketKeys: this.ticketKeys,
    sessionTimeout: this.sessionTimeout,
    privateKeyIdentifier: this.privateKeyIdentifier,
    privateKeyEngine: this.privateKeyEngine,
    ...(this.echKeys !== undefined && { echKeys: this.echKeys }),
    ...(compression ? { certificateCompression: this.certificateCompression } : {}),
  });
  syncOCSPStapling(this);
};

/**
 * Serves `context` (a SecureContext or createSecureContext options) to clients asking for
 * `servername` by SNI; `*` matches one label. The context added last wins.
 */
Server.prototype.addContext = function addContext(servername, context) {
  if (!servername) throw new ERR_TLS_REQUIRED_SERVER_NAME();
  const re = servernamePattern(servername);
  const secureContext =
    context instanceof SecureContext ? context : tlsModule().createSecureContext(context);
  this._contexts.push([re, secureContext.context]);
  syncOCSPStapling(this);
};

// Node's cluster module calls these around listen() in a worker: the primary keeps the first
// worker's data and hands it to every worker, so all workers share one set of ticket keys and a
// client that connected to one worker resumes on another.
Server.prototype._getServerData = function _getServerData() {
  return { ticketKeys: this.getTicketKeys().toString('hex') };
};

Server.prototype._setServerData = function _setServerData(data) {
  this.setTicketKeys(Buffer.from(data.ticketKeys, 'hex'));
};

/** The 48-byte session-ticket keys of the current context (name ‖ HMAC key ‖ AES key). */
Server.prototype.getTicketKeys = function getTicketKeys() {
  return this._sharedCreds.context.getTicketKeys();
};

/**
 * Replaces the ticket keys of the current context; tickets sealed with other keys stop resuming.
 * Beyond Node, an array of 48-byte keys is a key ring: the first seals new tickets, tickets
 * under the others still resume (and get a ticket under the first).
 */
Server.prototype.setTicketKeys = function setTicketKeys(keys) {
  // (An empty array is not a ring: Node's type error.)
  if (Array.isArray(keys) && keys.length > 0) {
    this._sharedCreds.context.setTicketKeys(ticketKeyRing(keys, 'keys'));
    return;
  }
  validateBuffer(keys);
  assert(keys.byteLength === 48, 'Session ticket keys must be a 48-byte buffer');
  this._sharedCreds.context.setTicketKeys(keys);
};

// The seed docs' `server.connections`: the number of open connections (Node 20 dropped it).
Object.defineProperty(Server.prototype, 'connections', {
  __proto__: null,
  configurable: true,
  enumerable: false,
  get() { return this._connections; },
});

// The deprecated setOptions (DEP0122) of Node 18-22 (Node 24 removed it, and so does tls-rs
// there): it sets the server's fields as Node does. Fields read per connection (requestCert,
// rejectUnauthorized, ALPNProtocols, PSK) apply to the next connection; context fields (key,
// cert, ciphers, ...) only to a later setSecureContext(), as in Node.
function setOptions(options) {
  this.requestCert = options.requestCert === true;
  this.rejectUnauthorized = options.rejectUnauthorized !== false;
  // Unlike setSecureContext, a field the options leave out keeps its value.
  for (const name of CONTEXT_FIELDS) {
    if (options[name]) this[name] = options[name];
  }
  if (options.ecdhCurve !== undefined) this.ecdhCurve = options.ecdhCurve;
  if (options.sessionTimeout) this.sessionTimeout = options.sessionTimeout;
  if (options.ticketKeys) this.ticketKeys = options.ticketKeys;
  this.honorCipherOrder = options.honorCipherOrder !== undefined ? !!options.honorCipherOrder : true;
  if (options.secureOptions) this.secureOptions = options.secureOptions;
  if (options.ALPNProtocols) tlsModule().convertALPNProtocols(options.ALPNProtocols, this);
  this.sessionIdContext = options.sessionIdContext || defaultSessionIdContext();
  if (options.pskCallback) this[kPskCallback] = options.pskCallback;
  if (options.pskIdentityHint) this[kPskIdentityHint] = options.pskIdentityHint;
  if (options.sigalgs) this.sigalgs = options.sigalgs;
  if (options.privateKeyIdentifier !== undefined) this.privateKeyIdentifier = options.privateKeyIdentifier;
  if (options.privateKeyEngine !== undefined) this.privateKeyEngine = options.privateKeyEngine;
}
if (hostTls.serverSetOptions()) {
  Server.prototype.setOptions = deprecate(setOptions, 'Server.prototype.setOptions() is deprecated', 'DEP0122');
}

// With captureRejections, a rejected async 'secureConnection' listener destroys that socket
// with the error (Node's tls.Server); other events fall back to net.Server's handling.
Server.prototype[EventEmitter.captureRejectionSymbol] = function(err, event, sock) {
  if (event === 'secureConnection') sock.destroy(err);
  else Reflect.apply(net.Server.prototype[EventEmitter.captureRejectionSymbol], this, [err, event, sock]);
};

// Wraps each accepted socket in a server TLSSocket with the server's current options.
// net.Server's connection listener: each accepted net.Socket (or a Duplex given to
// server.emit('connection')) is wrapped in a server-side TLSSocket over the memory-BIO path.
function tlsConnectionListener(rawSocket) {
  // (A natively accepted socket is already a TLSSocket: 'connection' only announces it.)
  if (rawSocket[kAcceptedNatively]) return;
  serverSocket(this, rawSocket, {});
}

// A server-side TLSSocket for `server` over `rawSocket` (null: the caller attaches a native
// transport), with the server's options and its listeners.
function serverSocket(server, rawSocket, extra) {
  return serverSocketWith(server, rawSocket, serverSocketOptions(server, extra));
}

// The TLSSocket options of a connection `server` accepts now.
function serverSocketOptions(server, extra) {
  return {
    secureContext: server._sharedCreds,
    isServer: true,
    server,
    requestCert: server.requestCert,
    rejectUnauthorized: server.rejectUnauthorized,
    handshakeTimeout: server[kHandshakeTimeout],
    ALPNProtocols: server.ALPNProtocols,
    ALPNCallback: server.ALPNCallback,
    SNICallback: server[kSNICallback] || SNICallback,
    pauseOnConnect: server.pauseOnConnect,
    enableTrace: server[kEnableTrace],
    NPNProtocols: server.NPNProtocols,
    pskCallback: server[kPskCallback],
    pskIdentityHint: server[kPskIdentityHint],
    ...extra,
  };
}

function serverSocketWith(server, rawSocket, options) {
  const socket = new TLSSocket(rawSocket, options);
  socket.on('secure', onServerSocketSecure);
  // (A handshake begun without its socket had no 'keylog' listener to forward to then.)
  if (!options[kAdoptedSession]) forwardKeylog(server, socket);
  socket[kErrorEmitted] = false;
  socket.on('close', onSocketClose);
  socket.on('_tlsError', onSocketTLSError);
  // Where the running Node's server does (not Node 18: there an 'error' nobody else listens for,
  // such as a rejected async 'secureConnection' listener's, is an uncaught exception).
  if (hostTls.tlsCallbackErrorsCaught()) socket.on('error', onSocketTLSError);
  return socket;
}

// Once listening: connections the server accepts go straight to a native transport (lib/native.js),
// without a net.Socket, unless someone else listens for 'connection' (they get the raw
// net.Socket, as in Node) or maxConnections is reached (net drops the connection). In a cluster
// worker the handle is cluster's, which calls the same onconnection.
function acceptNatively() {
  const handle = this._handle;
  if (!nativeEnabled || !handle || typeof handle.onconnection !== 'function' || handle[kNetOnConnection]) return;
  const server = this;
  const netOnConnection = handle.onconnection;
  handle[kNetOnConnection] = netOnConnection;
  handle.onconnection = function onconnection(err, clientHandle) {
    if (err || server.listenerCount('connection') !== 1 || !clientHandle || !(clientHandle.fd >= 0) ||
        (server.maxConnections && server._connections >= server.maxConnections)) {
      return Reflect.apply(netOnConnection, this, [err, clientHandle]);
    }
    // As net's onconnection, without the net.Socket.
    if (server.noDelay && clientHandle.setNoDelay) clientHandle.setNoDelay(true);
    if (server.keepAlive && clientHandle.setKeepAlive) clientHandle.setKeepAlive(true, server.keepAliveInitialDelay);
    const options = serverSocketOptions(server, { allowHalfOpen: server.allowHalfOpen });
    if (!netServerSocketChannel.hasSubscribers && acceptsUnattended(server, options)) {
      // The handshake runs natively; the TLSSocket comes when JS is needed.
      try {
        new AcceptedHandshake(server, clientHandle, options, configureServerSession,
          (session, handshakeTimeout, native, pipe) => adoptHandshake(server, options, session, handshakeTimeout, native, pipe));
      } catch (err) {
        if (err?.code !== 'ERR_TLS_RS_TRANSPORT') throw err;
        cannotTakeOver(this, netOnConnection, clientHandle);
      }
      return;
    }
    const socket = serverSocketWith(server, null, options);
    try {
      socket._acceptNative(clientHandle, server);
    } catch (err) {
      if (err?.code !== 'ERR_TLS_RS_TRANSPORT') throw err;
      // Nobody heard of this socket: it goes without a word.
      socket[kErrorEmitted] = true;
      socket.destroy();
      cannotTakeOver(this, netOnConnection, clientHandle);
      return;
    }
    announceNativeSocket(server, socket);
  };
}

// The accepted socket could not move to a native transport (its fd is duplicated, and at the
// process's file-descriptor limit there is none left): the connection takes net's path, as if
// the native one were off, rather than failing the server.
function cannotTakeOver(listeningHandle, netOnConnection, clientHandle) {
  Reflect.apply(netOnConnection, listeningHandle, [null, clientHandle]);
}

// The TLSSocket of a handshake `server` began natively (lib/accepted-handshake.js), built over
// its `session` and `native` transport with the options of its accept; `handshakeTimeout`: the
// time left of it.
function adoptHandshake(server, options, session, handshakeTimeout, native, pipe) {
  const socket = serverSocketWith(server, null, { ...options, [kAdoptedSession]: session, handshakeTimeout });
  socket._adoptNative(native, pipe, server);
  announceNativeSocket(server, socket);
  return socket;
}

// A natively accepted socket is still announced, as net does (nobody but tls.Server listens;
// whoever wraps emit sees it).
function announceNativeSocket(server, socket) {
  socket._server = server;
  socket[kAcceptedNatively] = true;
  server.emit('connection', socket);
  if (netServerSocketChannel.hasSubscribers) netServerSocketChannel.publish({ socket });
}

function onServerSocketSecure() {
  if (this._requestCert) {
    const verifyError = this.ssl.verifyError();
    if (verifyError) {
      this.authorizationError = verifyError.code;
      if (this._rejectUnauthorized) {
        this._readAfterSecure();
        this.destroy();
      }
    } else if (!this[kSession].hasPeerCertificate() && (hostTls.clientCertificateRequired() || this.isSessionReused())) {
      // verifyError() passes a handshake without a client certificate when PSK or a TLS 1.3
      // resumption authenticated it (Node's VerifyPeerCertificate). Node 24.22.3+ does not
      // authorize either (lib/host-tls.js); before, PSK only: a TLS 1.3 resumption without a
      // certificate never happens with Node's server there, and must not authorize here.
      this.authorizationError = 'UNABLE_TO_GET_ISSUER_CERT';
      if (this._rejectUnauthorized) this.destroy();
    } else {
      this.authorized = true;
    }
  }
  if (!this.destroyed && this._releaseControl()) {
    this.secureConnecting = false;
    this._tlsOptions.server.emit('secureConnection', this);
  }
}

// Errors before 'secureConnection' are the server's 'tlsClientError' (and the seed docs'
// 'clientError', for code written against them; not on an https.Server, whose 'clientError'
// its own 'tlsClientError' listener emits).
function emitClientError(server, err, socket) {
  server.emit('tlsClientError', err, socket);
  if (!server[kOwnClientError] && server.listenerCount('clientError') > 0) server.emit('clientError', err, socket);
}

function onSocketTLSError(err) {
  if (!this._controlReleased && !this[kErrorEmitted]) {
    this[kErrorEmitted] = true;
    emitClientError(this._tlsOptions.server, err, this);
  }
}

function onSocketClose(hadError) {
  if (hadError) return;
  if (!this._controlReleased && !this[kErrorEmitted]) {
    this[kErrorEmitted] = true;
    emitClientError(this._tlsOptions.server, new ConnResetException('socket hang up'), this);
  }
}

/** tls.createServer([options][, secureConnectionListener]): a new tls.Server. */
function createServer(options, listener) {
  return new Server(options, listener);
}

module.exports = { Server, createServer };
