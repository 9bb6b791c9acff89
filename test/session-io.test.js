'use strict';
// The hot-path free functions of src/session_io.rs (what lib/socket.js calls per record): they
// move the same bytes as the TlsSession methods, write at the caller's offset, report a
// ciphertext flush that does not fit without losing it, and reject what is not a TlsSession or a
// buffer with a TypeError instead of touching memory.

const { describe, it } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const binding = require('../lib/binding');
const tls = require('..');

const { sessionReceive, sessionReadCleartext, sessionEncrypt, sessionTakeCiphertext } = binding;
const certs = path.join(__dirname, 'fixtures', 'certs');
const key = fs.readFileSync(path.join(certs, 'agent-key.pem'));
const cert = fs.readFileSync(path.join(certs, 'agent-cert.pem'));
const ca = fs.readFileSync(path.join(certs, 'ca-cert.pem'));

function pair() {
  const server = new binding.TlsSession(tls.createSecureContext({ key, cert }).context, true);
  const client = new binding.TlsSession(tls.createSecureContext({ ca }).context, false);
  const move = (from, to) => {
    const out = Buffer.alloc(64 * 1024);
    const n = sessionTakeCiphertext(from, out, 0);
    assert.ok(n >= 0);
    if (n > 0) sessionReceive(to, out.subarray(0, n));
    return n;
  };
  client.start();
  for (let i = 0; i < 10 && (!client.handshakeDone || !server.handshakeDone || move(client, server) || move(server, client)); i++) {
    move(client, server);
    move(server, client);
  }
  assert.ok(client.handshakeDone && server.handshakeDone);
  // Drain the TLS 1.3 tickets on the client.
  sessionReadCleartext(client, Buffer.alloc(16384), 0);
  return { server, client };
}

describe('session I/O functions', () => {
  it('carry data both ways, writing at the given offsets', () => {
    const { server, client } = pair();
    const message = Buffer.from('hello over the hot path');
    assert.ok(sessionEncrypt(client, message) > 0);
    const wire = Buffer.alloc(4096, 0xee);
    const n = sessionTakeCiphertext(client, wire, 100);
    assert.ok(n > message.length);
    assert.ok(wire.subarray(0, 100).every((b) => b === 0xee), 'bytes before the offset are untouched');
    assert.strictEqual(sessionTakeCiphertext(client, wire, 0), 0, 'nothing left to take');
    assert.strictEqual(sessionReceive(server, wire.subarray(100, 100 + n)), 0);
    const out = Buffer.alloc(1024, 0xee);
    const m = sessionReadCleartext(server, out, 10);
    assert.strictEqual(m, message.length);
    assert.deepStrictEqual(out.subarray(10, 10 + m), message);
    assert.strictEqual(out[9], 0xee);
    assert.strictEqual(sessionReadCleartext(server, out, 0), 0, 'no more records');
  });

  it('report a flush that does not fit as minus its size, and keep the bytes', () => {
    const { server, client } = pair();
    const waiting = sessionEncrypt(client, Buffer.alloc(3000, 0x61));
    assert.ok(waiting > 3000);
    assert.strictEqual(sessionTakeCiphertext(client, Buffer.alloc(100), 0), -waiting);
    assert.strictEqual(sessionTakeCiphertext(client, Buffer.alloc(waiting + 10), 11), -waiting);
    assert.strictEqual(client.pendingCiphertext(), waiting);
    const wire = Buffer.alloc(waiting);
    assert.strictEqual(client.readCiphertext(wire), waiting);
    sessionReceive(server, wire);
    assert.strictEqual(sessionReadCleartext(server, Buffer.alloc(16384), 0), 3000);
  });

  it('reject what is not a TlsSession, a buffer or an offset with a TypeError', () => {
    const { server } = pair();
    const context = tls.createSecureContext({ key, cert }).context;
    const buf = Buffer.alloc(16);
    for (const call of [
      () => sessionReceive({}, buf),
      () => sessionReceive(context, buf),
      () => sessionReceive(server, 'text'),
      () => sessionReceive(server),
      () => sessionEncrypt(null, buf),
      () => sessionReadCleartext(server, buf, 17),
      () => sessionReadCleartext(server, buf, -1),
      () => sessionReadCleartext(server, buf, 'x'),
      () => sessionTakeCiphertext(server, buf, 99),
      () => sessionTakeCiphertext(server, [], 0),
    ]) {
      assert.throws(call, TypeError);
    }
  });

  it('answer as the methods do once the session is destroyed', () => {
    const { server } = pair();
    server.destroy();
    const buf = Buffer.alloc(16);
    assert.strictEqual(sessionReceive(server, buf), server.receive(buf)); // STATUS_ERROR
    assert.strictEqual(sessionReceive(server, buf), 2);
    assert.strictEqual(sessionReadCleartext(server, buf, 0), -2);
    assert.strictEqual(sessionEncrypt(server, buf), -2);
    assert.strictEqual(sessionTakeCiphertext(server, buf, 0), 0);
  });
});
