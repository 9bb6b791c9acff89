'use strict';
// `tls-rs/https`: Node's https.Server and https.createServer, serving over tls-rs. Built exactly
// as Node's https.js builds its Server — HTTP's own connection listener on a TLS server — only
// with tls-rs's Server underneath. Everything else (request, get, Agent) is Node's https, whose
// Agent `tls-rs/register` points at tls-rs.

const https = require('node:https');
const { promisify } = require('node:util');
const {
  httpServerPreClose,
  Server: HttpServer,
  setupConnectionsTracking,
  storeHTTPOptions,
  _connectionListener,
} = require('node:_http_server');
const tls = require('./tls');
const { validateObject } = require('./validators');

/** https.Server: Node's HTTP server over a tls-rs Server (ALPN 'http/1.1' unless told otherwise). */
function Server(opts, requestListener) {
  if (!(this instanceof Server)) return new Server(opts, requestListener);

  let ALPNProtocols = ['http/1.1'];
  if (typeof opts === 'function') {
    requestListener = opts;
    opts = {};
  } else if (opts == null) {
    opts = {};
  } else {
    validateObject(opts, 'options');
    // Only one of ALPNProtocols and ALPNCallback may be set.
    if (opts.ALPNProtocols || opts.ALPNCallback) ALPNProtocols = undefined;
  }

  storeHTTPOptions.call(this, opts);
  tls.Server.call(this, { noDelay: true, ALPNProtocols, ...opts }, _connectionListener);

  this.httpAllowHalfOpen = false;
  if (requestListener) this.addListener('request', requestListener);
  this.addListener('tlsClientError', function addListener(err, conn) {
    if (!this.emit('clientError', err, conn)) conn.destroy(err);
  });
  this.timeout = 0;
  this.maxHeadersCount = null;
  this.on('listening', setupConnectionsTracking);
}
Object.setPrototypeOf(Server.prototype, tls.Server.prototype);
Object.setPrototypeOf(Server, tls.Server);

Server.prototype.closeAllConnections = HttpServer.prototype.closeAllConnections;
Server.prototype.closeIdleConnections = HttpServer.prototype.closeIdleConnections;
Server.prototype.setTimeout = HttpServer.prototype.setTimeout;
// As Node's https.Server#close: idle HTTP connections close with the server.
Server.prototype.close = function close(...args) {
  httpServerPreClose(this);
  tls.Server.prototype.close.apply(this, args);
  return this;
};
Server.prototype[Symbol.asyncDispose] = async function asyncDispose() {
  return promisify(this.close).call(this);
};

/** https.createServer([options][, requestListener]): a new https.Server. */
function createServer(opts, requestListener) {
  return new Server(opts, requestListener);
}

// Node's https.Agent#createConnection, connecting through tls-rs (session cache included).
function createConnection(port, host, options) {
  if (port !== null && typeof port === 'object') {
    options = port;
  } else if (host !== null && typeof host === 'object') {
    options = { ...host };
  } else if (options === null || typeof options !== 'object') {
    options = {};
  } else {
    options = { ...options };
  }
  if (typeof port === 'number') options.port = port;
  if (typeof host === 'string') options.host = host;

  if (options._agentKey) {
    const session = this._getSession(options._agentKey);
    if (session) options = { session, ...options };
  }
  const socket = tls.connect(options);
  if (options._agentKey) {
    socket.on('session', (session) => this._cacheSession(options._agentKey, session));
    socket.once('close', (err) => {
      if (err) this._evictSession(options._agentKey);
    });
  }
  return socket;
}

module.exports = { ...https, Server, createServer, createConnection };
