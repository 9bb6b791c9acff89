'use strict';
// tls-rs/session-store against a real redis-server: two server processes share one session cache
// (ioredis over TLS, redisSessionStore), so a client that connected to one resumes on the other,
// on TLS 1.2 and TLS 1.3 (tickets off: resumption by session id). When Redis goes away the
// servers fall back to full handshakes; no connection fails.

const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { test } = require('node:test');
const tls = require('..');
const { needs, readCert, startRedis, withTimeout } = require('./helpers/services');

const ROOT = path.join(__dirname, '..');

// One TLS server process: sessions in Redis (through tls-rs/session-store), port on stdout.
const SERVER = `
const tls = require(${JSON.stringify(ROOT)});
const { useSessionStore, redisSessionStore } = require(${JSON.stringify(path.join(ROOT, 'session-store'))});
const Redis = require('ioredis');
const { SSL_OP_NO_TICKET } = require('crypto').constants;
const fs = require('fs');
const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
const redis = new Redis({ host: '127.0.0.1', port: Number(process.env.REDIS_PORT), tls: { ca: f('ca-cert.pem'), servername: 'localhost' },
  maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 100 });
redis.on('error', () => {});
// One sessionIdContext for both: their command lines differ (process.argv[1]), as those of two
// programs or machines would, and Node's default context is a hash of the command line.
const server = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem'), secureOptions: SSL_OP_NO_TICKET,
  sessionIdContext: 'tls-rs-session-store-test' },
  (s) => s.end(String(s.isSessionReused())));
let storeErrors = 0;
useSessionStore(server, redisSessionStore(redis), { timeout: 300, onError: () => storeErrors++ });
redis.once('ready', () => server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port }))));
process.on('message', () => process.send({ storeErrors }));
`;

/** Starts server process `name`; resolves to its port once Redis is connected and it listens. */
async function startServer(t, redisPort, name) {
  const child = spawn(process.execPath, ['-e', SERVER, name], {
    cwd: ROOT, env: { ...process.env, REDIS_PORT: String(redisPort), CERTS: path.join(__dirname, 'fixtures', 'certs') },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  t.after(() => child.kill());
  let out = '';
  child.stdout.setEncoding('utf8');
  const port = await withTimeout(new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out).port);
    });
  }), 10_000, 'server process');
  return { port, child };
}

/** One connection: whether the server says it resumed, and the session to try next. */
async function connect(port, version, session) {
  const socket = tls.connect({ port, host: '127.0.0.1', ca: readCert('ca-cert.pem'), servername: 'localhost',
    minVersion: version, maxVersion: version, session });
  let latest;
  socket.on('session', (s) => { latest = s; });
  let reply = '';
  socket.setEncoding('utf8').on('data', (d) => { reply += d; });
  await withTimeout(once(socket, 'close'), 10_000, 'connection');
  return { reused: reply === 'true', session: latest };
}

test('two servers share sessions through Redis', { timeout: 60_000, skip: needs('redis-server') }, async (t) => {
  const redis = await startRedis(t);
  const [a, b] = await Promise.all([startServer(t, redis.port, 'a'), startServer(t, redis.port, 'b')]);

  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    await t.test(`${version}: a session made on one server resumes on the other`, async () => {
      const first = await connect(a.port, version);
      assert.equal(first.reused, false);
      assert.ok(first.session);
      // The write to Redis runs in the background: wait until server b can see it.
      let second;
      for (let i = 0; i < 50; i++) {
        second = await connect(b.port, version, first.session);
        if (second.reused) break;
      }
      assert.equal(second.reused, true);
    });
  }

  await t.test('a Redis outage ends in full handshakes, not failed connections', async () => {
    const { session } = await connect(a.port, 'TLSv1.2');
    await redis.service.stop();
    const during = await connect(b.port, 'TLSv1.2', session);
    assert.equal(during.reused, false);
    b.child.send('errors?');
    const [{ storeErrors }] = await once(b.child, 'message');
    assert.ok(storeErrors > 0, 'the store reported its errors');
  });
});
