'use strict';
// `node -r tls-rs/register app.js`, or `require('tls-rs/register')` first thing: from then on
// `require('tls')` / `require('node:tls')` in user code and packages return tls-rs, https.Agent
// (so https.request / https.get and every agent-based client) connects through tls-rs, and
// https.createServer / https.Server serve over it.
//
// ESM `import ... from 'node:tls'` goes through the module hooks in esm-hooks.mjs (Node ≥ 20.6,
// which has module.register; it starts the loader's hooks thread, ~25 ms once per process).
// Not covered: Node's own internal users of tls other than https (http2, the fetch built into Node).

const Module = require('node:module');
const https = require('node:https');
const tls = require('./tls');
const tlsRsHttps = require('./https');

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'tls' || request === 'node:tls') return tls;
  return originalLoad.call(this, request, parent, isMain);
};

if (typeof Module.register === 'function') {
  const { pathToFileURL } = require('node:url');
  Module.register(pathToFileURL(require.resolve('./esm-hooks.mjs')), {
    data: { tlsPath: require.resolve('./tls'), exportNames: Object.keys(require('node:tls')) },
  });
}

https.Agent.prototype.createConnection = tlsRsHttps.createConnection;
https.Server = tlsRsHttps.Server;
https.createServer = tlsRsHttps.createServer;

module.exports = tls;
