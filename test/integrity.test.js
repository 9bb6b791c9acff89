'use strict';

// Bulk integrity: 100 MiB of random bytes each way, both directions at once on one connection,
// for tls-rs ↔ tls-rs and tls-rs ↔ Node's built-in tls (both ways round). The SHA-256 of what
// each side wrote must equal the SHA-256 of what the other side read, byte counts included.
//
// Along the way:
//   - write backpressure: write() returns false, 'drain' follows, and the writer (which never
//     writes while a drain is pending) sees writableNeedDrain consistent with write()'s result;
//   - every write callback fires, without error, in write order, before the sender is done;
//   - read backpressure: the receivers pause every few chunks and resume a tick later;
//   - chunk sizes vary (1 byte .. 1 MiB, around the 16 KiB TLS record size) so records and
//     writes never line up.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const nodeTls = require('node:tls');

const tlsRs = require('..');
const { readCert, listen, closeServer, once, withTimeout } = require('./helpers/peers');

const MiB = 1024 * 1024;
const TOTAL = 100 * MiB;
const SIZES = [MiB, 64 * 1024, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 300_001, 5, MiB - 3, 1000];
const PAUSE_EVERY = 97; // chunks between read pauses

const SERVER_OPTIONS = { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') };
const CA = readCert('ca-cert.pem');

/** Chunk `i` of a stream: an 8-byte counter, then a slice of `block` that moves with i. */
function makeChunk(block, i, size) {
  const chunk = Buffer.allocUnsafe(size);
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(i));
  header.copy(chunk, 0, 0, Math.min(8, size));
  if (size > 8) {
    const n = size - 8;
    const start = (i * 7919) % (block.length - n + 1);
    block.copy(chunk, 8, start, start + n);
  }
  return chunk;
}

/**
 * Writes TOTAL bytes to `socket`, respecting backpressure. Resolves once every write callback
 * fired, with what user code could observe about it.
 */
function send(socket, label, total = TOTAL) {
  const block = crypto.randomBytes(MiB);
  const hash = crypto.createHash('sha256');
  const stats = {
    label, bytes: 0, accepted: 0, writes: 0, falseReturns: 0, drains: 0,
    writesWhileNeedDrain: 0, needDrainMismatch: 0,
    callbacks: 0, callbackOrderErrors: [], callbackErrors: [],
  };
  const done = new Promise((resolve, reject) => {
    let i = 0;
    let waitingDrain = false;
    let ended = false;
    const maybeDone = () => {
      if (ended && stats.callbacks === stats.writes) {
        stats.sha256 = hash.digest('hex');
        resolve(stats);
      }
    };
    const pump = () => {
      while (stats.bytes < total) {
        if (waitingDrain || socket.writableNeedDrain) stats.writesWhileNeedDrain++;
        const size = Math.min(SIZES[i % SIZES.length], total - stats.bytes);
        const chunk = makeChunk(block, i, size);
        hash.update(chunk);
        stats.bytes += size;
        const index = i++;
        stats.writes++;
        const ok = socket.write(chunk, (err) => {
          if (err) stats.callbackErrors.push(err);
          else stats.accepted += size;
          if (index !== stats.callbacks) stats.callbackOrderErrors.push({ expected: stats.callbacks, got: index });
          stats.callbacks++;
          maybeDone();
        });
        if (ok === socket.writableNeedDrain) stats.needDrainMismatch++;
        if (!ok) {
          stats.falseReturns++;
          waitingDrain = true;
          socket.once('drain', () => {
            stats.drains++;
            waitingDrain = false;
            pump();
          });
          return;
        }
      }
      ended = true;
      maybeDone();
    };
    socket.once('error', reject);
    pump();
  });
  done.stats = stats; // live view, for tests that look while it runs
  return done;
}

/** Reads from `socket`, pausing now and then; resolves after TOTAL bytes. Keeps counting after. */
function receive(socket, label, total = TOTAL) {
  const hash = crypto.createHash('sha256');
  const stats = { label, bytes: 0, chunks: 0, pauses: 0 };
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk) => {
      stats.bytes += chunk.length;
      if (stats.bytes <= total) hash.update(chunk);
      else if (stats.bytes - chunk.length < total) {
        hash.update(chunk.subarray(0, total - (stats.bytes - chunk.length)));
      }
      stats.chunks++;
      if (stats.chunks % PAUSE_EVERY === 0) {
        stats.pauses++;
        socket.pause();
        setImmediate(() => socket.resume());
      }
      if (stats.bytes >= total && !stats.sha256) {
        stats.sha256 = hash.digest('hex');
        resolve(stats);
      }
    });
    socket.once('error', reject);
    socket.once('end', () => {
      if (!stats.sha256) reject(new Error(`${label}: 'end' after ${stats.bytes} of ${total} bytes`));
    });
  });
}

function checkSender(s, total = TOTAL) {
  assert.equal(s.bytes, total, `${s.label}: bytes written`);
  assert.equal(s.accepted, total, `${s.label}: bytes whose write callback fired`);
  assert.equal(s.callbacks, s.writes, `${s.label}: every write callback fired`);
  assert.deepEqual(s.callbackErrors, [], `${s.label}: write callbacks without error`);
  assert.deepEqual(s.callbackOrderErrors, [], `${s.label}: write callbacks in order`);
  assert.ok(s.falseReturns > 0, `${s.label}: write() returned false at least once`);
  assert.equal(s.drains, s.falseReturns, `${s.label}: a 'drain' after every false write()`);
  assert.equal(s.writesWhileNeedDrain, 0, `${s.label}: no write while a drain was pending`);
  assert.equal(s.needDrainMismatch, 0, `${s.label}: writableNeedDrain agrees with write()`);
}

const PAIRS = [
  ['tls-rs client ↔ tls-rs server', tlsRs, tlsRs],
  ['tls-rs client ↔ node:tls server', tlsRs, nodeTls],
  ['node:tls client ↔ tls-rs server', nodeTls, tlsRs],
  ['node:tls ↔ node:tls (control)', nodeTls, nodeTls],
];

for (const [name, clientImpl, serverImpl] of PAIRS) {
  test(`${name}: 100 MiB each way, SHA-256 equal, backpressure and write callbacks`, { timeout: 30_000 }, async (t) => {
    const serverSockets = [];
    let onServerSide;
    const serverReady = new Promise((resolve, reject) => { onServerSide = { resolve, reject }; });
    const server = serverImpl.createServer(SERVER_OPTIONS, (socket) => {
      serverSockets.push(socket);
      onServerSide.resolve({
        socket, sent: send(socket, 'server→client'), received: receive(socket, 'client→server'),
      });
    });
    server.on('tlsClientError', (err) => onServerSide.reject(err));
    t.after(() => closeServer(server, serverSockets));
    const port = await listen(server);

    const client = clientImpl.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA });
    t.after(() => client.destroy());
    await withTimeout(new Promise((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    }), 10_000, 'secureConnect');
    assert.equal(client.authorized, true);
    const clientSent = send(client, 'client→server');
    const clientReceived = receive(client, 'server→client');
    const serverSide = await withTimeout(serverReady, 10_000, 'secureConnection');

    const [c2sSent, s2cSent, c2sReceived, s2cReceived] = await Promise.all([
      clientSent, serverSide.sent, serverSide.received, clientReceived,
    ]);

    checkSender(c2sSent);
    checkSender(s2cSent);
    assert.equal(c2sReceived.bytes, TOTAL, 'client→server bytes received');
    assert.equal(s2cReceived.bytes, TOTAL, 'server→client bytes received');
    assert.equal(c2sReceived.sha256, c2sSent.sha256, 'client→server SHA-256');
    assert.equal(s2cReceived.sha256, s2cSent.sha256, 'server→client SHA-256');
    assert.ok(c2sReceived.pauses > 0 && s2cReceived.pauses > 0);

    // A clean close afterwards, with not one extra byte on either side.
    const serverSocket = serverSide.socket;
    const closed = Promise.all([once(client, 'close', 10_000), once(serverSocket, 'close', 10_000)]);
    client.end();
    serverSocket.on('end', () => serverSocket.end());
    await closed;
    assert.equal(c2sReceived.bytes, TOTAL, 'client→server: no bytes after the total');
    assert.equal(s2cReceived.bytes, TOTAL, 'server→client: no bytes after the total');
  });
}

// A reader that stops reading must stop the writer: TCP fills, the writer's callbacks stall and
// write() keeps returning false. What the writer got accepted meanwhile is bounded by the
// socket buffers (a few MiB on loopback), not by what it wanted to send.
const PAUSED_TOTAL = 48 * MiB;
const PAUSE_MS = 300;
const MAX_IN_FLIGHT = 20 * MiB;

for (const [name, clientImpl, serverImpl] of PAIRS) {
  test(`${name}: a paused reader stops the writer`, { timeout: 30_000 }, async (t) => {
    const serverSockets = [];
    let onServerSocket;
    const serverSocketReady = new Promise((resolve) => { onServerSocket = resolve; });
    const server = serverImpl.createServer(SERVER_OPTIONS, (socket) => {
      serverSockets.push(socket);
      socket.pause();
      onServerSocket(socket);
    });
    t.after(() => closeServer(server, serverSockets));
    const port = await listen(server);
    const client = clientImpl.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA });
    t.after(() => client.destroy());
    await withTimeout(once(client, 'secureConnect'), 10_000, 'secureConnect');
    const serverSocket = await withTimeout(serverSocketReady, 10_000, 'secureConnection');

    const sent = send(client, 'client→paused server', PAUSED_TOTAL);
    // A sleep on purpose: the claim is that the writer stays stalled while the reader is paused,
    // which only a stretch of time without progress can show.
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const acceptedAtPause = sent.stats.accepted;
    assert.equal(sent.stats.sha256, undefined, 'the writer must not finish while the reader is paused');
    assert.equal(client.writableNeedDrain, true, 'the writer is waiting for drain');
    assert.ok(acceptedAtPause <= MAX_IN_FLIGHT,
              `accepted ${acceptedAtPause} bytes while the reader was paused`);
    assert.ok(serverSocket.readableLength <= 1 * MiB,
              `the paused reader buffers little (readableLength ${serverSocket.readableLength})`);

    const received = receive(serverSocket, 'client→paused server', PAUSED_TOTAL);
    serverSocket.resume();
    const [s, r] = await Promise.all([sent, received]);
    checkSender(s, PAUSED_TOTAL);
    assert.equal(r.bytes, PAUSED_TOTAL);
    assert.equal(r.sha256, s.sha256);
    client.end();
    serverSocket.end();
  });
}
