'use strict';
// A tls.Server on the native transport begins each handshake without a TLSSocket
// (lib/accepted-handshake.js): the socket is built when the handshake completes, asks a
// question, or fails while someone listens for 'tlsClientError'. What user code sees is
// compared with built-in tls; that no socket was built is counted on TLSSocket.prototype._init.

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it, afterEach } = require('node:test');
const { liveObjects } = require('../lib/binding');
const { describeError, fixture, once, listen, nodeTls, tlsRs } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const nativeOn = process.env.TLS_RS_TRANSPORT !== 'js';

// TLSSockets tls-rs constructs (every path runs _init once).
let built = 0;
const init = tlsRs.TLSSocket.prototype._init;
tlsRs.TLSSocket.prototype._init = function countedInit(...args) {
  built++;
  return Reflect.apply(init, this, args);
};

// Resolves once `server` counts `n` connections (its count changes inside libuv callbacks).
async function connectionsReach(server, n) {
  for (let i = 0; i < 5000; i++) {
    const count = await new Promise((resolve, reject) => server.getConnections((err, c) => (err ? reject(err) : resolve(c))));
    if (count === n) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`the server never counted ${n} connections`);
}

// Resolves once `condition()` holds, checked once per loop turn.
async function until(condition) {
  for (let i = 0; i < 5000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
}

// Clients that never complete a handshake: one that closes at once, one that sends garbage,
// one whose ClientHello is answered and that then refuses the server's certificate.
async function failedHandshakes(tls, port) {
  const quiet = net.connect(port, '127.0.0.1');
  await once(quiet, 'connect');
  quiet.end();
  await once(quiet, 'close');
  const garbage = net.connect(port, '127.0.0.1');
  garbage.on('error', () => {});
  garbage.end(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  garbage.resume();
  await once(garbage, 'close');
  const refusing = tls.connect({ port, host: '127.0.0.1', servername: 'localhost' });
  const err = await once(refusing, 'error');
  assert.equal(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  await once(refusing, 'close');
}

// What the server reports of failedHandshakes(), and how many connections it counts after.
async function serverView(tls) {
  const server = tls.createServer(certs, () => assert.fail('no handshake completes'));
  const errors = [];
  server.on('tlsClientError', (err, socket) => {
    errors.push({ error: describeError(err), socket: socket instanceof tls.TLSSocket });
  });
  const port = await listen(server);
  await failedHandshakes(nodeTls, port);
  await connectionsReach(server, 0);
  server.close();
  await once(server, 'close');
  // (The last one is reported when the server's socket closes, after it left the count.)
  await until(() => errors.length >= 3);
  return errors;
}

describe('handshakes begun before their TLSSocket', { skip: !nativeOn && 'TLS_RS_TRANSPORT=js' }, () => {
  afterEach(() => { built = 0; });

  it('a connection that never completes its handshake builds no TLSSocket', async () => {
    const sockets = liveObjects().sockets;
    const server = tlsRs.createServer(certs, () => assert.fail('no handshake completes'));
    const port = await listen(server);
    await failedHandshakes(nodeTls, port);
    await connectionsReach(server, 0);
    server.close();
    await once(server, 'close');
    assert.equal(built, 0);
    assert.equal(liveObjects().sockets, sockets, 'their native sockets were released');
  });

  it("with a 'tlsClientError' listener, it is built for the error, as built-in tls reports it", async () => {
    const expected = await serverView(nodeTls);
    assert.equal(expected.length, 3, 'built-in tls reported each failure');
    assert.deepEqual(await serverView(tlsRs), expected);
    assert.equal(built, 3);
  });

  it('a completed handshake builds one TLSSocket, announced by a connection event', async () => {
    let remoteAddress;
    const server = tlsRs.createServer(certs, (s) => {
      remoteAddress = s.remoteAddress;
      s.end('hi');
    });
    const announced = [];
    const emit = server.emit;
    server.emit = function(event, ...args) {
      if (event === 'connection') announced.push(args[0]);
      return Reflect.apply(emit, this, [event, ...args]);
    };
    const secured = once(server, 'secureConnection');
    const port = await listen(server);
    const client = nodeTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') });
    client.resume();
    const socket = await secured;
    await once(client, 'close');
    assert.equal(built, 1);
    assert.deepEqual(announced, [socket]);
    assert.equal(socket.servername, 'localhost');
    assert.equal(remoteAddress, '127.0.0.1');
    server.close();
    await once(server, 'close');
  });

  it("the handshake timeout is reported as built-in tls reports it (a 'tlsClientError' listener closes)", async () => {
    const run = async (tls) => {
      const server = tls.createServer({ ...certs, handshakeTimeout: 100 });
      const errors = [];
      server.on('tlsClientError', (err, socket) => {
        errors.push(describeError(err));
        socket.destroy();
      });
      const port = await listen(server);
      const client = net.connect(port, '127.0.0.1');
      client.resume();
      await once(client, 'close');
      server.close();
      await once(server, 'close');
      return errors;
    };
    const expected = await run(nodeTls);
    assert.equal(expected[0].code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    built = 0;
    assert.deepEqual(await run(tlsRs), expected);
    assert.equal(built, 1);
  });

  it('without a listener the handshake timeout does nothing, as in Node, and builds nothing', async () => {
    const server = tlsRs.createServer({ ...certs, handshakeTimeout: 20 });
    const port = await listen(server);
    const client = net.connect(port, '127.0.0.1');
    let closed = false;
    client.on('close', () => { closed = true; });
    await once(client, 'connect');
    await connectionsReach(server, 1);
    // Nothing to await: the timeout's absence of effect is checked well after it ran out.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(closed, false);
    assert.equal(built, 0);
    client.end();
    await connectionsReach(server, 0);
    server.close();
    await once(server, 'close');
  });

  it('counts in getConnections and keeps server.close() waiting until it ends', async () => {
    const server = tlsRs.createServer(certs);
    const port = await listen(server);
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    await connectionsReach(server, 1);
    let closed = false;
    server.close(() => { closed = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, 'the handshake in progress keeps the server open');
    client.end();
    await once(server, 'close');
    assert.equal(built, 0);
  });

  it('maxConnections counts handshakes in progress', async () => {
    const server = tlsRs.createServer(certs);
    server.maxConnections = 1;
    const port = await listen(server);
    const first = net.connect(port, '127.0.0.1');
    await once(first, 'connect');
    await connectionsReach(server, 1);
    const second = net.connect(port, '127.0.0.1');
    second.on('error', () => {});
    second.resume();
    await once(second, 'close');
    first.end();
    await connectionsReach(server, 0);
    server.close();
    await once(server, 'close');
    assert.equal(built, 0);
  });

  it('a handshake that asks a question builds its socket then (SNI contexts)', async () => {
    const server = tlsRs.createServer(certs, (s) => s.end(s.servername));
    server.addContext('localhost', certs);
    const port = await listen(server);
    const client = nodeTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') });
    client.setEncoding('utf8');
    let got = '';
    client.on('data', (d) => { got += d; });
    await once(client, 'close');
    assert.equal(got, 'localhost');
    assert.equal(built, 1);
    server.close();
    await once(server, 'close');
  });

  it("a server listening for 'newSession' builds the socket at accept, as before", async () => {
    const server = tlsRs.createServer(certs);
    server.on('newSession', (id, data, cb) => cb());
    const port = await listen(server);
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    await connectionsReach(server, 1);
    client.end();
    await connectionsReach(server, 0);
    server.close();
    await once(server, 'close');
    assert.equal(built, 1);
  });
});
