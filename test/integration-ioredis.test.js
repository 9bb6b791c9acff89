'use strict';
// ioredis → redis-server (Debian's, built with TLS) listening only on a TLS port
// (`--port 0 --tls-port`), ioredis running on tls-rs through `tls-rs/register` (ioredis calls
// `tls.connect({ port, host, ...options.tls })` and treats 'secureConnect' as connected).
// Commands, a pipeline and a 1 MiB value, pub/sub, a reconnect after the server restarts (the
// subscription comes back by itself), and client certificates (tls-auth-clients yes).

require('tls-rs/register'); // first, as in a user's app: every later require('tls') is tls-rs

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');
const Redis = require('ioredis');
const { describeTlsStream, needs, readCert, startRedis, withTimeout } = require('./helpers/services');

const ca = readCert('ca-cert.pem');
const clientCerts = { key: readCert('client-key.pem'), cert: readCert('client-cert.pem') };

/** What user code sees of ioredis's TLS socket. */
function clientView(redis) {
  return describeTlsStream(redis.stream);
}

/** An ioredis client on 127.0.0.1:port over TLS, quit (or disconnected) after the test. */
function client(t, port, { tls = {}, ...options } = {}) {
  const redis = new Redis({
    host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 3,
    tls: { ca, servername: 'localhost', ...tls }, ...options,
  });
  redis.on('error', () => {}); // connection errors are retried; each test asserts what it expects
  t.after(() => redis.disconnect());
  return redis;
}

const event = (emitter, name, ms = 10_000) => withTimeout(new Promise((resolve) => emitter.once(name, (...a) => resolve(a))), ms, `'${name}'`);

const EXPECTED_VIEW = { tlsRs: true, authorized: true, authorizationError: null, protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384', peerCN: 'localhost', servername: 'localhost' };

test('ioredis → redis-server TLS port over tls-rs', { timeout: 50_000, skip: needs('redis-server') }, async (t) => {
  const server = await startRedis(t);
  const { port } = server;

  await t.test('commands, a pipeline and a 1 MiB value', async (t) => {
    const redis = client(t, port);
    await withTimeout(redis.connect(), 8000, 'connect');
    assert.deepEqual(clientView(redis), EXPECTED_VIEW);
    assert.equal(await redis.ping(), 'PONG');
    assert.equal(await redis.set('greeting', 'hello over tls-rs'), 'OK');
    assert.equal(await redis.get('greeting'), 'hello over tls-rs');

    const big = crypto.randomBytes(1 << 20);
    await redis.set('big', big);
    assert.ok(big.equals(await redis.getBuffer('big')), 'the 1 MiB value comes back intact');

    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.incr('counter');
    const results = await withTimeout(pipeline.exec(), 10_000, 'pipeline');
    assert.equal(results.length, 1000);
    assert.deepEqual(results[999], [null, 1000]);
    assert.equal(await redis.get('counter'), '1000');
    await redis.quit();
  });

  await t.test('pub/sub, then a reconnect after the server restarts', async (t) => {
    const sub = client(t, port);
    const pub = client(t, port);
    await withTimeout(Promise.all([sub.connect(), pub.connect()]), 8000, 'connect');
    const messages = [];
    let onMessage = () => {};
    sub.on('message', (channel, message) => { messages.push([channel, message]); onMessage(); });
    const nextMessage = () => withTimeout(new Promise((resolve) => { onMessage = resolve; }), 10_000, 'pub/sub message');
    assert.equal(await sub.subscribe('news'), 1);

    let got = nextMessage();
    assert.equal(await pub.publish('news', 'before restart'), 1);
    await got;
    assert.deepEqual(messages, [['news', 'before restart']]);

    const oldStreams = [sub.stream, pub.stream];
    await pub.set('lost-on-restart', '1');
    // The server goes away: both clients see their TLS sockets close and reconnect by themselves.
    const reconnecting = Promise.all([event(sub, 'reconnecting'), event(pub, 'reconnecting')]);
    await server.restart({ downMs: 200 });
    await reconnecting;
    await withTimeout(Promise.all([event(sub, 'ready', 15_000), event(pub, 'ready', 15_000)]), 20_000, 'ready again');

    assert.notEqual(sub.stream, oldStreams[0]);
    assert.notEqual(pub.stream, oldStreams[1]);
    assert.deepEqual(clientView(pub), EXPECTED_VIEW);
    assert.deepEqual(clientView(sub), EXPECTED_VIEW);
    assert.equal(await pub.get('lost-on-restart'), null, 'a new server (no persistence)');

    // ioredis resubscribed on its new connection (it sends SUBSCRIBE before emitting 'ready');
    // the server answers a connection's commands in order, so once a PING behind it is answered
    // the subscription is in place, and publishing reaches it again.
    await withTimeout(sub.ping(), 5000, 'ping after the resubscription');
    assert.equal(await pub.pubsub('NUMSUB', 'news').then((r) => r[1]), 1);
    got = nextMessage();
    assert.equal(await pub.publish('news', 'after restart'), 1);
    await got;
    assert.deepEqual(messages, [['news', 'before restart'], ['news', 'after restart']]);
    await Promise.all([sub.quit(), pub.quit()]);
  });

  await t.test('an unverifiable server is refused with Node\'s error', async (t) => {
    const redis = client(t, port, { tls: { ca: undefined }, retryStrategy: () => null });
    const errors = [];
    redis.on('error', (e) => errors.push({ code: e.code, message: e.message }));
    const err = await withTimeout(redis.connect().then(() => null, (e) => e), 8000, 'connect error');
    assert.ok(err, 'connected without trusting the server');
    // connect() rejects with "Connection is closed."; the TLS error went to 'error'.
    assert.deepEqual(errors, [{ code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', message: 'unable to get local issuer certificate' }]);
  });
});

test('ioredis → redis-server requiring client certificates (tls-auth-clients yes)', { timeout: 30_000, skip: needs('redis-server') }, async (t) => {
  const { port } = await startRedis(t, { authClients: 'yes' });

  await t.test('with the client certificate: commands work', async (t) => {
    const redis = client(t, port, { tls: clientCerts });
    await withTimeout(redis.connect(), 8000, 'connect');
    assert.deepEqual(clientView(redis), EXPECTED_VIEW);
    assert.equal(await redis.set('k', 'v'), 'OK');
    assert.equal(await redis.get('k'), 'v');
    await redis.quit();
  });

  await t.test('without one: the server ends the connection, no command succeeds', async (t) => {
    const redis = client(t, port, { retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    // TLS 1.3: the client's handshake is done before the server reads its (empty) certificate,
    // so the refusal arrives as a reset or an alert right after 'secureConnect' (with Node's
    // built-in tls too: connect() resolves, the command fails with "Connection is closed.").
    const outcome = await withTimeout(redis.connect().then(() => redis.ping()).then((r) => ({ ok: r }), (e) => ({ err: e })),
      8000, 'refusal');
    assert.ok(outcome.err, `the server answered ${outcome.ok}`);
    assert.match(`${outcome.err.code} ${outcome.err.message}`,
      /certificate required|ECONNRESET|Connection is closed|Stream isn't writeable/);
  });
});
