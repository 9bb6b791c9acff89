'use strict';
// Ticket-key rotation (beyond Node): setTicketKeys([current, ...previous]) and the ticketKeys
// option as an array. New tickets are sealed under the first key; tickets under the others still
// resume and are renewed under the first; a key dropped from the ring no longer resumes. Node's
// single 48-byte form behaves as in Node.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const tls = require('..');

const certs = path.join(__dirname, 'fixtures', 'certs');
const fixture = (name) => fs.readFileSync(path.join(certs, name));
const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };

/** One connection; resolves to whether it resumed and the last session it was given. */
async function connect(port, version, session) {
  const socket = tls.connect({ port, host: '127.0.0.1', ca: fixture('ca-cert.pem'), servername: 'localhost',
    maxVersion: version, minVersion: version, session });
  let latest;
  socket.on('session', (s) => { latest = s; });
  await once(socket, 'secureConnect');
  const reused = socket.isSessionReused();
  // TLS 1.2 renews a resumed session's ticket inside the handshake, without a 'session' event.
  const atSecure = socket.getSession();
  socket.resume();
  await once(socket, 'close');
  return { reused, session: latest ?? atSecure };
}

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

describe('ticket-key ring', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    it(`rotates without losing sessions (${version})`, async (t) => {
      const [oldKey, newKey] = [crypto.randomBytes(48), crypto.randomBytes(48)];
      const server = tls.createServer({ ...CERT, ticketKeys: oldKey }, (s) => s.end());
      t.after(() => server.close());
      const port = await listen(server);
      const first = await connect(port, version);
      assert.equal(first.reused, false);

      server.setTicketKeys([newKey, oldKey]);
      assert.deepEqual(server.getTicketKeys(), newKey);
      const underOld = await connect(port, version, first.session);
      assert.equal(underOld.reused, true, 'a ticket under an older key of the ring resumes');
      assert.ok(underOld.session, 'and the client is given a new ticket');

      server.setTicketKeys([newKey]);
      assert.equal((await connect(port, version, first.session)).reused, false, 'a key dropped from the ring no longer resumes');
      assert.equal((await connect(port, version, underOld.session)).reused, true, 'the renewed ticket is under the current key');
    });
  }

  it('the ticketKeys option takes a ring too; the current key is what getTicketKeys() returns', async (t) => {
    const [a, b] = [crypto.randomBytes(48), crypto.randomBytes(48)];
    const before = tls.createServer({ ...CERT, ticketKeys: b }, (s) => s.end());
    const after = tls.createServer({ ...CERT, ticketKeys: [a, b] }, (s) => s.end());
    t.after(() => {
      before.close();
      after.close();
    });
    const first = await connect(await listen(before), 'TLSv1.3');
    assert.deepEqual(after.getTicketKeys(), a);
    assert.equal((await connect(await listen(after), 'TLSv1.3', first.session)).reused, true);
  });

  it('validates a ring; the single-key form fails as in Node', () => {
    const server = tls.createServer(CERT);
    // An empty array is no ring: Node's own type error (Node's test-tls-ticket-invalid-arg).
    for (const [mine, theirs] of [
      [() => server.setTicketKeys([]), () => require('node:tls').createServer({}).setTicketKeys([])],
      [() => tls.createSecureContext({ ticketKeys: [] }), () => require('node:tls').createSecureContext({ ticketKeys: [] })],
    ]) {
      const expected = (() => {
        try {
          theirs();
        } catch (err) {
          return err;
        }
      })();
      assert.equal(expected.code, 'ERR_INVALID_ARG_TYPE');
      assert.throws(mine, { name: expected.name, code: expected.code, message: expected.message });
    }
    assert.throws(() => server.setTicketKeys([Buffer.alloc(48), Buffer.alloc(47)]),
      { code: 'ERR_INVALID_ARG_VALUE', message: "The argument 'keys[1]' must be exactly 48 bytes. Received 47" });
    assert.throws(() => server.setTicketKeys(['x'.repeat(48)]), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => tls.createSecureContext({ ticketKeys: [Buffer.alloc(12)] }), { code: 'ERR_INVALID_ARG_VALUE' });
    // Node's own form and error, untouched.
    const nodeError = (() => {
      try {
        require('node:tls').createServer({}).setTicketKeys(Buffer.alloc(96));
      } catch (err) {
        return err;
      }
    })();
    assert.throws(() => server.setTicketKeys(Buffer.alloc(96)), { name: nodeError.name, code: nodeError.code, message: nodeError.message });
  });
});
