'use strict';
// tls-rs/session-store (beyond Node) over a store in memory: two servers share sessions (TLS 1.2
// and 1.3, tickets off); a store that does not answer in time ends in a full handshake and is
// reported to onError as ERR_TLS_RS_SESSION_STORE_TIMEOUT; `timeout` is validated. Against a real
// redis-server in two processes: integration-session-store.test.js.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { SSL_OP_NO_TICKET } = require('node:crypto').constants;
const tls = require('..');
const { useSessionStore } = require('../session-store');

const f = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', 'certs', name));

async function storeServer(t, store, options, serverOptions = {}) {
  const server = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-cert.pem'), secureOptions: SSL_OP_NO_TICKET,
    sessionIdContext: 'session-store-test', ...serverOptions }, (s) => s.end(String(s.isSessionReused())));
  useSessionStore(server, store, options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return server;
}

/** One connection: whether the server resumed it, and the client's last session. */
async function connect(server, version, session) {
  const socket = tls.connect({ port: server.address().port, host: '127.0.0.1', rejectUnauthorized: false,
    minVersion: version, maxVersion: version, session });
  let latest;
  socket.on('session', (s) => { latest = s; });
  let reply = '';
  socket.setEncoding('utf8').on('data', (d) => { reply += d; });
  await once(socket, 'close');
  return { reused: reply === 'true', session: latest };
}

function memoryStore() {
  const entries = new Map();
  return {
    entries,
    get: async (id) => entries.get(id.toString('hex')) ?? null,
    set: async (id, data) => { entries.set(id.toString('hex'), data); },
  };
}

describe('useSessionStore', { timeout: 30000 }, () => {
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    it(`a session made on one server resumes on another sharing the store (${version})`, async (t) => {
      const store = memoryStore();
      const [a, b] = [await storeServer(t, store), await storeServer(t, store)];
      const first = await connect(a, version);
      assert.equal(first.reused, false);
      assert.equal(store.entries.size > 0, true);
      assert.equal((await connect(b, version, first.session)).reused, true);
    });
  }

  it('a store slower than `timeout` costs a full handshake and is reported to onError', async (t) => {
    const store = memoryStore();
    let answerLate;
    const errors = [];
    const server = await storeServer(t, {
      get: (id) => new Promise((resolve) => { answerLate = () => resolve(store.entries.get(id.toString('hex'))); }),
      set: store.set,
    }, { timeout: 50, onError: (err) => errors.push(err) }, { maxVersion: 'TLSv1.2' });
    const first = await connect(server, 'TLSv1.2');
    const second = await connect(server, 'TLSv1.2', first.session);
    assert.equal(second.reused, false);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'ERR_TLS_RS_SESSION_STORE_TIMEOUT');
    assert.equal(errors[0].message, 'The session store did not answer within 50 ms');
    // The answer that comes after all is ignored.
    answerLate();
    await new Promise(setImmediate);
    assert.equal(errors.length, 1);
  });

  it('validates `timeout`: a number from 0 to 2^31 - 1 ms', () => {
    const server = tls.createServer();
    const store = memoryStore();
    for (const timeout of [-1, Infinity, 2 ** 31, NaN]) {
      assert.throws(() => useSessionStore(server, store, { timeout }), { code: 'ERR_OUT_OF_RANGE' }, String(timeout));
    }
    assert.throws(() => useSessionStore(server, store, { timeout: '5' }), { code: 'ERR_INVALID_ARG_TYPE' });
    useSessionStore(server, store, { timeout: 2 ** 31 - 1 })();
  });
});
