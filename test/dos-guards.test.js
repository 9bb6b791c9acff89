'use strict';
// DoS guards: handshakeTimeout cuts slow and half-finished handshakes while other clients are
// served (same errors as built-in tls), and a paused reader or a peer that does not read keeps
// memory bounded by highWaterMark-sized buffers instead of taking in whatever the peer sends.

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const { describeError, fixture, once, listen, nodeTls, tlsRs } = require('./helpers/differential');
const { captureClientHello } = require('./helpers/wire');

const certs = { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };


// `count` slow peers (silent, half a ClientHello, a whole ClientHello and nothing more) and,
// while they hang, clients that complete an exchange. Returns what the server reported.
async function slowLoris(serverTls, hello, count) {
  const errors = [];
  const srv = serverTls.createServer({ ...certs, handshakeTimeout: 400 }, (s) => s.pipe(s));
  // As in Node, the timeout is reported, and the listener decides: here (as https does) it
  // destroys the socket. Without that, built-in tls keeps the connection open too.
  srv.on('tlsClientError', (err, socket) => {
    errors.push(describeError(err));
    socket.destroy();
  });
  const port = await listen(srv);
  const slow = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    raw.resume();
    await once(raw, 'connect');
    if (i % 3 === 1) raw.write(hello.subarray(0, 40));
    if (i % 3 === 2) raw.write(hello);
    return raw;
  }));
  const closed = Promise.all(slow.map((raw) => (raw.destroyed ? null : once(raw, 'close'))));
  // Other clients are served while the slow ones hold their connections.
  const served = [];
  for (let i = 0; i < 5; i++) {
    const c = tlsRs.connect({ ...clientOptions, port });
    await once(c, 'secureConnect');
    c.setEncoding('utf8');
    c.end(`client ${i}`);
    let got = '';
    c.on('data', (d) => { got += d; });
    await once(c, 'close');
    served.push(got);
  }
  await closed;
  srv.close();
  await once(srv, 'close');
  return { errors, served };
}

describe('handshakeTimeout against slow and half-finished handshakes', () => {
  it('cuts every slow connection with the error built-in tls gives, while others are served', async () => {
    const hello = await captureClientHello();
    const count = 60;
    const actual = await slowLoris(tlsRs, hello, count);
    const expected = await slowLoris(nodeTls, hello, count);
    assert.deepStrictEqual(actual.served, ['client 0', 'client 1', 'client 2', 'client 3', 'client 4']);
    assert.equal(actual.errors.length, count);
    const key = (e) => JSON.stringify(e);
    assert.deepStrictEqual(actual.errors.map(key).sort(), expected.errors.map(key).sort());
    assert.equal(actual.errors[0].code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
  });
});

const MB = 1024 * 1024;

// Writes `total` bytes to `socket` honouring backpressure; resolves with the byte count.
function pump(socket, total, chunk = Buffer.alloc(64 * 1024, 0x61)) {
  return new Promise((resolve) => {
    let sent = 0;
    const more = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!socket.write(chunk)) return socket.once('drain', more);
      }
      socket.end();
      resolve(sent);
    };
    more();
  });
}

// Resolves once `probe()` stops changing (checked every 50 ms). A quiet period on purpose: the
// claim is that the reader stops taking bytes in, and no event announces "nothing more comes".
async function stalled(probe) {
  let last = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = probe();
    if (now === last) return now;
    last = now;
  }
}

describe('bounded memory with slow readers', () => {
  it('a paused tls-rs reader stops taking in a flood: bytes read stay bounded until it resumes', async () => {
    const total = 256 * MB;
    let raw;
    let server;
    const srv = tlsRs.createServer(certs, (s) => { server = s; s.pause(); });
    srv.on('connection', (socket) => { raw = socket; });
    const port = await listen(srv);
    const rss0 = process.memoryUsage().rss;
    const c = nodeTls.connect({ ...clientOptions, port });
    await once(c, 'secureConnect');
    const sending = pump(c, total);
    const heldBytes = await stalled(() => raw.bytesRead);
    // The sender is blocked long before the end: what crossed the wire is a few buffers' worth.
    if (process.env.TLS_RS_DOS_VERBOSE) console.log({ heldBytes, readableLength: server.readableLength, rssGrowth: process.memoryUsage().rss - rss0 });
    assert.ok(heldBytes < 16 * MB, `paused reader took in ${heldBytes} bytes of ${total}`);
    assert.ok(server.readableLength <= 2 * server.readableHighWaterMark + 64 * 1024,
      `readable buffer ${server.readableLength}`);
    assert.ok(process.memoryUsage().rss - rss0 < 64 * MB, 'RSS stayed bounded while paused');
    // Resumed, everything arrives.
    let received = 0;
    server.on('data', (d) => { received += d.length; });
    server.resume();
    const sent = await sending;
    await once(server, 'end');
    assert.equal(received, sent);
    c.destroy();
    srv.close();
    await once(srv, 'close');
  });

  it('a tls-rs writer to a peer that does not read sees write() return false, with bounded buffers', async () => {
    let peer;
    const srv = nodeTls.createServer(certs, (s) => { peer = s; s.pause(); });
    const port = await listen(srv);
    const c = tlsRs.connect({ ...clientOptions, port });
    await once(c, 'secureConnect');
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    let written = 0;
    let accepted = true;
    // Keep writing while there is room, as a well-behaved writer does, until the peer's
    // windows are full and write() keeps saying no.
    for (let round = 0; round < 400 && accepted !== 'stuck'; round++) {
      accepted = c.write(chunk);
      written += chunk.length;
      if (!accepted) {
        // 300 ms without 'drain' on purpose: the claim is that no drain comes while the peer
        // does not read (a drain that comes is awaited, not slept through).
        const drained = await Promise.race([once(c, 'drain').then(() => true),
          new Promise((resolve) => setTimeout(resolve, 300, false))]);
        if (!drained) accepted = 'stuck';
      }
    }
    if (process.env.TLS_RS_DOS_VERBOSE) console.log({ written, writableLength: c.writableLength });
    assert.equal(accepted, 'stuck', 'write() returned false and no drain came while the peer did not read');
    assert.ok(written < 64 * MB, `${written} bytes were accepted before backpressure held`);
    assert.ok(c.writableLength <= c.writableHighWaterMark + chunk.length, `writable buffer ${c.writableLength}`);
    // Once the peer reads, the writer drains and everything arrives.
    let received = 0;
    peer.on('data', (d) => { received += d.length; });
    peer.resume();
    c.end();
    await once(peer, 'end');
    assert.equal(received, written);
    srv.close();
    await once(srv, 'close');
  });
});
