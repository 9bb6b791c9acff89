'use strict';
// undici (6.x: engines allow Node 18/20) with a custom connector over tls-rs → Node's built-in
// https server: requests flow, ALPN selects http/1.1, a kept-alive connection is reused, and a
// new connection resumes the TLS session the first one received ('session' → `session`), as
// undici's own connector does with node:tls.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const nodeHttps = require('node:https');
const { test } = require('node:test');
const { Agent, Client, request } = require('undici');
const tlsRs = require('tls-rs');
const { readCert, withTimeout } = require('./helpers/services');

const ca = readCert('ca-cert.pem');
const serverCerts = { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') };

/**
 * The connector a user writes to run undici on tls-rs (what undici's buildConnector does with
 * node:tls): ALPN http/1.1, SNI unless the host is an IP, one cached session per server name.
 * Every socket it makes is recorded as user code sees it once connected.
 */
function tlsRsConnector(tlsOptions, sockets) {
  const sessions = new Map();
  return ({ hostname, port, servername, httpSocket }, callback) => {
    const name = servername || hostname;
    const socket = tlsRs.connect({
      ...tlsOptions, host: hostname, port, servername: net.isIP(name) ? '' : name, socket: httpSocket,
      ALPNProtocols: ['http/1.1'], session: sessions.get(name),
    });
    socket.on('session', (session) => sessions.set(name, session));
    socket.once('secureConnect', () => {
      sockets.push({ tlsRs: socket instanceof tlsRs.TLSSocket, authorized: socket.authorized,
        protocol: socket.getProtocol(), cipher: socket.getCipher().name, alpn: socket.alpnProtocol,
        reused: socket.isSessionReused() });
      callback(null, socket);
    });
    socket.once('error', (err) => callback(err));
  };
}

async function httpsServer(t) {
  const connections = [];
  const server = nodeHttps.createServer({ ...serverCerts, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.end(JSON.stringify({ url: req.url, method: req.method, size: body.length,
        sha256: crypto.createHash('sha256').update(body).digest('hex'), alpn: req.socket.alpnProtocol }));
    });
  });
  server.on('secureConnection', (s) => connections.push(s));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { port: server.address().port, connections };
}

test('undici with a tls-rs connector → built-in https server', { timeout: 30_000 }, async (t) => {
  const { port } = await httpsServer(t);
  const sockets = [];
  const origin = `https://localhost:${port}`;
  // A Client is one connection at a time (an Agent's pool may open more while one is busy).
  const client = new Client(origin, { connect: tlsRsConnector({ ca }, sockets) });
  t.after(() => client.close());
  const get = async (path, opts = {}) => {
    const res = await withTimeout(request(`${origin}${path}`, { dispatcher: client, ...opts }), 10_000, `request ${path}`);
    return { status: res.statusCode, body: await res.body.json() };
  };

  await t.test('two GETs on one kept-alive, verified connection (ALPN http/1.1), then a 1 MiB POST', async () => {
    for (const path of ['/a', '/b']) {
      assert.deepEqual(await get(path), { status: 200, body: { url: path, method: 'GET', size: 0,
        sha256: crypto.createHash('sha256').update('').digest('hex'), alpn: 'http/1.1' } });
    }
    assert.deepEqual(sockets, [{ tlsRs: true, authorized: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384',
      alpn: 'http/1.1', reused: false }]);
    const data = crypto.randomBytes(1 << 20);
    const post = await get('/upload', { method: 'POST', body: data });
    assert.equal(post.body.size, data.length);
    assert.equal(post.body.sha256, crypto.createHash('sha256').update(data).digest('hex'));
  });

  await t.test('later connections resume the session the first one received', async () => {
    // `reset: true` closes the connection after the response; the next request connects anew.
    await get('/close', { reset: true });
    await get('/again');
    assert.equal(sockets.length, 2, JSON.stringify(sockets));
    assert.deepEqual(sockets.slice(1).map((s) => [s.alpn, s.reused]), sockets.slice(1).map(() => ['http/1.1', true]),
      'every later connection resumed a TLS session (as with node:tls)');
  });

  await t.test('through an Agent: an untrusted server fails the request with Node\'s error', async () => {
    const untrusted = new Agent({ connect: tlsRsConnector({}, []) });
    t.after(() => untrusted.close());
    const err = await withTimeout(request(`${origin}/`, { dispatcher: untrusted }).then(() => null, (e) => e), 10_000, 'request');
    assert.equal(err?.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });
});
