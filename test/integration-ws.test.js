'use strict';
// ws (npm) over tls-rs, both directions:
//  - a ws client whose connections tls-rs makes (`createConnection: tlsRs.connect`, the hook ws
//    documents) → a ws server on Node's built-in https;
//  - a ws server on a tls-rs https server (tls-rs/https createServer) ← a ws client on Node's
//    built-in tls (ws's default), with and without a client certificate.
// Messages flow both ways (text, a 1 MiB binary frame, permessage-deflate), and each side's
// TLS properties are checked.

const assert = require('node:assert/strict');
const nodeHttps = require('node:https');
const nodeTls = require('node:tls');
const { describe, it } = require('node:test');
const { WebSocket, WebSocketServer } = require('ws');
const tlsRs = require('tls-rs');
const tlsRsHttps = require('tls-rs/https');
const { readCert, withTimeout } = require('./helpers/services');

const ca = readCert('ca-cert.pem');
const serverCerts = { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') };
const clientCerts = { key: readCert('client-key.pem'), cert: readCert('client-cert.pem') };
const BIG = Buffer.alloc(1 << 20, 'tls-rs ');

/** Listens on 127.0.0.1:0 and closes (connections too) after the test. */
async function listen(t, server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  }));
  return server.address().port;
}

/** An echo ws server on `httpsServer`; records what it saw of each connection's TLS socket. */
function echoServer(t, httpsServer, options = {}) {
  const wss = new WebSocketServer({ server: httpsServer, perMessageDeflate: true, ...options });
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  const seen = [];
  wss.on('connection', (ws, req) => {
    const s = req.socket;
    const peer = s.getPeerCertificate();
    seen.push({
      encrypted: s.encrypted, authorized: s.authorized, protocol: s.getProtocol(),
      cipher: s.getCipher().name, peerCN: peer?.subject?.CN ?? null,
      tlsRs: s instanceof tlsRs.TLSSocket, extensions: req.headers['sec-websocket-extensions'] ?? '',
    });
    ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `echo ${data}`, { binary: isBinary }));
  });
  return seen;
}

/** What user code sees of a connected client TLS socket. */
function clientView(socket, tlsModule) {
  return {
    impl: socket instanceof tlsModule.TLSSocket, authorized: socket.authorized,
    authorizationError: socket.authorizationError ?? null, protocol: socket.getProtocol(),
    cipher: socket.getCipher().name, peerCN: socket.getPeerCertificate().subject?.CN,
  };
}

/** Opens `ws`, sends a text and a 1 MiB binary message, and returns the echoes. */
async function exchange(ws) {
  await withTimeout(new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  }), 10_000, 'ws open');
  const messages = [];
  const got = new Promise((resolve, reject) => {
    ws.on('message', (data, isBinary) => {
      messages.push(isBinary ? data : data.toString());
      if (messages.length === 2) resolve();
    });
    ws.once('error', reject);
  });
  ws.send('hello over tls');
  ws.send(BIG);
  await withTimeout(got, 15_000, 'ws echoes');
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.close(1000, 'done');
  await withTimeout(closed, 5_000, 'ws close');
  return messages;
}

// What ws's own tlsConnect does before tls.connect: Node 18's http hands createConnection the
// request's `path` ('/'), which tls.connect, built-in as tls-rs, would take for an IPC path.
function withoutPath(options) {
  options.path = undefined;
  return options;
}

describe('ws client on tls-rs → ws server on built-in https', { timeout: 40_000 }, () => {
  for (const host of ['localhost', '127.0.0.1']) {
    it(`wss://${host}: messages flow, TLS verified`, async (t) => {
      const server = nodeHttps.createServer(serverCerts);
      const seen = echoServer(t, server);
      const port = await listen(t, server);

      let view;
      const connectOptions = [];
      const ws = new WebSocket(`wss://${host}:${port}/`, {
        ca, perMessageDeflate: true,
        createConnection(options) {
          connectOptions.push({ host: options.host, port: options.port });
          const socket = tlsRs.connect(withoutPath(options));
          socket.once('secureConnect', () => { view = clientView(socket, tlsRs); });
          return socket;
        },
      });
      const messages = await exchange(ws);

      assert.equal(messages[0], 'echo hello over tls');
      assert.ok(BIG.equals(messages[1]), 'the 1 MiB binary frame comes back intact');
      assert.deepEqual(connectOptions, [{ host, port: String(port) }]);
      assert.deepEqual(view, {
        impl: true, authorized: true, authorizationError: null, protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384', peerCN: 'localhost',
      });
      assert.deepEqual(seen, [{
        encrypted: true, authorized: false, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384',
        peerCN: null, tlsRs: false, extensions: 'permessage-deflate; client_max_window_bits',
      }]);
    });
  }

  it('an untrusted server is refused with Node\'s error', async (t) => {
    const server = nodeHttps.createServer(serverCerts);
    echoServer(t, server);
    const port = await listen(t, server);
    const ws = new WebSocket(`wss://localhost:${port}/`, { createConnection: (o) => tlsRs.connect(withoutPath(o)) });
    const err = await withTimeout(new Promise((resolve) => ws.once('error', resolve)), 10_000, 'ws error');
    assert.equal(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });
});

describe('ws server on tls-rs/https ← ws client on built-in tls', { timeout: 40_000 }, () => {
  it('messages flow, the server socket is tls-rs', async (t) => {
    const server = tlsRsHttps.createServer(serverCerts);
    const seen = echoServer(t, server);
    const port = await listen(t, server);

    const ws = new WebSocket(`wss://localhost:${port}/`, { ca, perMessageDeflate: true });
    let view;
    ws.once('upgrade', (res) => { view = clientView(res.socket, nodeTls); });
    const messages = await exchange(ws);

    assert.equal(messages[0], 'echo hello over tls');
    assert.ok(BIG.equals(messages[1]), 'the 1 MiB binary frame comes back intact');
    assert.deepEqual(view, {
      impl: true, authorized: true, authorizationError: null, protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384', peerCN: 'localhost',
    });
    assert.deepEqual(seen, [{
      encrypted: true, authorized: false, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384',
      peerCN: null, tlsRs: true, extensions: 'permessage-deflate; client_max_window_bits',
    }]);
  });

  it('requestCert: the client certificate is verified and seen by the ws server', async (t) => {
    const server = tlsRsHttps.createServer({ ...serverCerts, ca, requestCert: true, rejectUnauthorized: true });
    const seen = echoServer(t, server);
    const port = await listen(t, server);

    const ws = new WebSocket(`wss://localhost:${port}/`, { ca, ...clientCerts, perMessageDeflate: false });
    const messages = await exchange(ws);

    assert.equal(messages[0], 'echo hello over tls');
    assert.ok(BIG.equals(messages[1]));
    assert.deepEqual(seen, [{
      encrypted: true, authorized: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384',
      peerCN: 'tls-rs client', tlsRs: true, extensions: '',
    }]);
  });

  it('requestCert: a client without a certificate does not get a WebSocket', async (t) => {
    const server = tlsRsHttps.createServer({ ...serverCerts, ca, requestCert: true, rejectUnauthorized: true });
    const seen = echoServer(t, server);
    const port = await listen(t, server);

    const ws = new WebSocket(`wss://localhost:${port}/`, { ca });
    const err = await withTimeout(new Promise((resolve) => ws.once('error', resolve)), 10_000, 'ws error');
    // TLS 1.3: the client's handshake completes before the server's alert arrives, so the
    // client sees the alert (or the reset) while waiting for the upgrade response.
    assert.match(`${err.code} ${err.message}`, /certificate required|ECONNRESET|socket hang up/);
    assert.deepEqual(seen, []);
  });
});
