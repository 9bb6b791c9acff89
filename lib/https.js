'use strict';
// `tls-rs/https`: Node's https.Server and https.createServer, serving over tls-rs. Built exactly
// as Node's https.js builds its Server — HTTP's own connection listener on a TLS server — only
// with tls-rs's Server underneath. Everything else (request, get, Agent) is Node's https, whose
// Agent `tls-rs/register` points at tls-rs.

const https = require('node:https');
// (Node's own: tls-rs's files are not redirected by tls-rs/register.)
const nodeTls = require('node:tls');
const { promisify } = require('node:util');
const {
  httpServerPreClose,
  Server: HttpServer,
  setupConnectionsTracking,
  storeHTTPOptions,
  _connectionListener,
} = require('node:_http_server');
const tls = require('./tls');
const { kOwnClientError } = require('./symbols');
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
  this[kOwnClientError] = true;
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

// Node's https.Agent#createConnection as it was before tls-rs/register replaced it.
const kNodeCreateConnection = Symbol.for('tls-rs.https.nodeCreateConnection');

/**
 * Node's own https.Agent#createConnection, with the tls.connect it calls being tls-rs's: its
 * session cache, its per-request checkServerIdentity rule and its arguments are the running
 * Node's. (Through a proxy, as Node 22 and 24 go with `proxyEnv` or NODE_USE_ENV_PROXY, only
 * the tunnel's TLS, which Node starts once the proxy answered, is built-in tls.)
 */
function createConnection(...args) {
  const nodeCreateConnection = https.Agent.prototype[kNodeCreateConnection] ?? https.Agent.prototype.createConnection;
  const nodeConnect = nodeTls.connect;
  nodeTls.connect = tls.connect;
  try {
    return Reflect.apply(nodeCreateConnection, this, args);
  } finally {
    nodeTls.connect = nodeConnect;
  }
}

module.exports = { ...https, Server, createServer, createConnection };
