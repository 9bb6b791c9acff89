'use strict';
// The native connection as lib/socket.js drives it: the hot-path functions of
// src/js/hot_path.rs (one call per batch, output at the caller's offset, a flush that does not
// fit reported without losing it, a TypeError for what is not a connection, a buffer or an
// offset), the Status contract, and the re-entry guard around the PSK callback.

const { describe, it } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const binding = require('../lib/binding');
const tls = require('..');
const { handshake, settle } = require('./helpers/connection-pair');

const { Status, EventKind, connectionReceive, connectionReadCleartext, connectionEncrypt, connectionTakeCiphertext } = binding;
const certs = path.join(__dirname, 'fixtures', 'certs');
const key = fs.readFileSync(path.join(certs, 'agent-key.pem'));
const cert = fs.readFileSync(path.join(certs, 'agent-cert.pem'));
const ca = fs.readFileSync(path.join(certs, 'ca-cert.pem'));

function pair(serverOptions = {}, clientOptions = {}) {
  const server = new binding.TlsConnection(tls.createSecureContext({ key, cert, ...serverOptions }).context, true);
  const client = new binding.TlsConnection(tls.createSecureContext({ ca, ...clientOptions }).context, false);
  handshake(client, server);
  assert.ok(client.handshakeDone && server.handshakeDone);
  // The client reads its TLS 1.3 tickets.
  readAll(client);
  return { server, client };
}

/** Every record `connection` has now, as Buffers (the lengths array as lib/socket.js uses it). */
function readAll(connection) {
  const records = [];
  const lengths = new Uint32Array(4);
  for (;;) {
    const out = Buffer.alloc(64 * 1024);
    let n = connectionReadCleartext(connection, out, 0, lengths);
    const more = n < 0;
    if (more) n = -n - 1;
    for (let i = 0, at = 0; i < n; at += lengths[i], i++) records.push(out.subarray(at, at + lengths[i]));
    if (!more || settle(connection, connection.status()) !== Status.Ready) return records;
  }
}

describe('connection I/O functions', () => {
  it('carry data both ways, writing at the given offsets', () => {
    const { server, client } = pair();
    const message = Buffer.from('hello over the hot path');
    const wire = Buffer.alloc(4096, 0xee);
    const n = connectionEncrypt(client, message, wire, 100);
    assert.ok(n > message.length, 'the ciphertext went straight into the buffer');
    assert.ok(wire.subarray(0, 100).every((b) => b === 0xee), 'bytes before the offset are untouched');
    assert.strictEqual(connectionTakeCiphertext(client, wire, 0), 0, 'nothing left to take');
    assert.strictEqual(connectionReceive(server, wire.subarray(100, 100 + n)), Status.Ready);
    const out = Buffer.alloc(64 * 1024, 0xee);
    const lengths = new Uint32Array(8);
    assert.strictEqual(connectionReadCleartext(server, out, 10, lengths), 1);
    assert.strictEqual(lengths[0], message.length);
    assert.deepStrictEqual(out.subarray(10, 10 + message.length), message);
    assert.strictEqual(out[9], 0xee);
    assert.strictEqual(connectionReadCleartext(server, out, 0, lengths), 0, 'no more records');
  });

  it('read a batch of records in one call, one after the other, each its own chunk', () => {
    const { server, client } = pair();
    const wire = Buffer.alloc(64 * 1024);
    let used = 0;
    for (const word of ['one', 'two', 'three']) used += connectionEncrypt(client, Buffer.from(word), wire, used);
    connectionReceive(server, wire.subarray(0, used));
    const out = Buffer.alloc(64 * 1024);
    const lengths = new Uint32Array(8);
    assert.strictEqual(connectionReadCleartext(server, out, 0, lengths), 3);
    assert.deepStrictEqual([...lengths.subarray(0, 3)], [3, 3, 5]);
    assert.strictEqual(out.subarray(0, 11).toString(), 'onetwothree');
  });

  it('stop a batch when the output or the lengths are full, and say so', () => {
    const { server, client } = pair();
    const big = Buffer.alloc(3 * 16384, 0x61);
    const waiting = -connectionEncrypt(client, big, Buffer.alloc(0), 0);
    assert.ok(waiting > big.length, 'nothing fitted: minus what is waiting');
    const wire = Buffer.alloc(waiting);
    assert.strictEqual(client.takeCiphertext(wire), waiting);
    connectionReceive(server, wire);
    // Room for one record: -(1 + 1) says "one record, look at status() before reading on".
    const lengths = new Uint32Array(8);
    assert.strictEqual(connectionReadCleartext(server, Buffer.alloc(16384 + 100), 0, lengths), -2);
    assert.strictEqual(server.status(), Status.Ready, 'the output was full, nothing else');
    assert.strictEqual(connectionReadCleartext(server, Buffer.alloc(64 * 1024), 0, new Uint32Array(1)), -2);
    assert.deepStrictEqual(readAll(server).map((r) => r.length), [16384]);
  });

  it('report close_notify and events through status()', () => {
    const { server, client } = pair();
    client.shutdown();
    const wire = Buffer.alloc(client.pendingCiphertext());
    client.takeCiphertext(wire);
    connectionReceive(server, wire);
    assert.strictEqual(connectionReadCleartext(server, Buffer.alloc(16384), 0, new Uint32Array(4)), -1);
    assert.strictEqual(server.status(), Status.PeerClosed);
    assert.deepStrictEqual(server.takeEvents(), []);
  });

  it('report a flush that does not fit as minus its size, and keep the bytes', () => {
    const { server, client } = pair();
    const waiting = -connectionEncrypt(client, Buffer.alloc(3000, 0x61), Buffer.alloc(100), 0);
    assert.ok(waiting > 3000);
    assert.strictEqual(connectionTakeCiphertext(client, Buffer.alloc(100), 0), -waiting);
    assert.strictEqual(connectionTakeCiphertext(client, Buffer.alloc(waiting + 10), 11), -waiting);
    assert.strictEqual(client.pendingCiphertext(), waiting);
    const wire = Buffer.alloc(waiting);
    assert.strictEqual(connectionTakeCiphertext(client, wire, 0), waiting);
    connectionReceive(server, wire);
    assert.deepStrictEqual(readAll(server).map((r) => r.length), [3000]);
  });

  it('reject what is not a TlsConnection, a buffer or an offset with a TypeError', () => {
    const { server } = pair();
    const context = tls.createSecureContext({ key, cert }).context;
    const buf = Buffer.alloc(16);
    const lengths = new Uint32Array(4);
    for (const call of [
      () => connectionReceive({}, buf),
      () => connectionReceive(context, buf),
      () => connectionReceive(server, 'text'),
      () => connectionReceive(server, {}),
      () => connectionReceive(server, new Uint16Array(4)),
      () => connectionReceive(server),
      () => connectionEncrypt(null, buf, buf, 0),
      () => connectionEncrypt(server, buf, 'out', 0),
      () => connectionReadCleartext(server, buf, 17, lengths),
      () => connectionReadCleartext(server, buf, -1, lengths),
      () => connectionReadCleartext(server, buf, 'x', lengths),
      () => connectionReadCleartext(server, buf, 0, new Uint8Array(4)),
      () => connectionReadCleartext(server, buf, 0),
      () => connectionTakeCiphertext(server, buf, 99),
      () => connectionTakeCiphertext(server, [], 0),
    ]) {
      assert.throws(call, TypeError);
    }
  });

  it('answer as a failed connection once destroyed', () => {
    const { server } = pair();
    server.destroy();
    const buf = Buffer.alloc(16);
    assert.strictEqual(connectionReceive(server, buf), Status.Failed);
    assert.strictEqual(server.status(), Status.Failed);
    assert.strictEqual(connectionReadCleartext(server, buf, 0, new Uint32Array(1)), -1);
    assert.strictEqual(connectionEncrypt(server, buf, buf, 0), 0);
    assert.strictEqual(connectionTakeCiphertext(server, buf, 0), 0);
    assert.throws(() => server.setServername('x'), { code: 'ERR_TLS_INVALID_STATE' });
  });

  it('queue what OpenSSL reports as ordered events', () => {
    const server = new binding.TlsConnection(tls.createSecureContext({ key, cert }).context, true);
    const client = new binding.TlsConnection(tls.createSecureContext({ ca }).context, false);
    client.enableKeylogCallback();
    assert.strictEqual(client.start(), Status.Events);
    const events = client.takeEvents();
    assert.deepStrictEqual(events.map((e) => e.kind), [EventKind.HandshakeStart]);
    assert.strictEqual(client.status(), Status.Ready);
    handshake(client, server);
    assert.strictEqual(client.takeError(), null);
  });
});

describe('the PSK callback cannot reach into its own connection', () => {
  const psk = Buffer.from('secret');
  function pskPair(onClientPsk) {
    const options = { ciphers: 'PSK-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' };
    const server = new binding.TlsConnection(tls.createSecureContext(options).context, true);
    const client = new binding.TlsConnection(tls.createSecureContext(options).context, false);
    server.enablePskCallback(() => ({ psk }));
    client.enablePskCallback(() => onClientPsk(client));
    return { server, client };
  }

  it('a call into the connection from inside the callback throws ERR_TLS_RS_CONNECTION_BUSY', () => {
    let thrown;
    const { server, client } = pskPair((connection) => {
      try {
        connection.getCipher();
      } catch (err) {
        thrown = err;
      }
      return { psk, identity: 'user' };
    });
    handshake(client, server);
    assert.strictEqual(thrown?.code, 'ERR_TLS_RS_CONNECTION_BUSY');
    assert.ok(client.handshakeDone && server.handshakeDone, 'the handshake itself went on');
  });

  it('destroy() from inside the callback takes effect when the step returns', () => {
    let statusInside;
    const { server, client } = pskPair((connection) => {
      connection.destroy();
      try {
        connection.status();
      } catch (err) {
        statusInside = err.code;
      }
      return null;
    });
    handshake(client, server);
    assert.strictEqual(statusInside, 'ERR_TLS_RS_CONNECTION_BUSY', 'still in use inside');
    assert.strictEqual(client.status(), Status.Failed, 'destroyed after');
    assert.throws(() => client.setServername('x'), { code: 'ERR_TLS_INVALID_STATE' });
  });
});
