'use strict';
// mqtt (mqtt.js) → mosquitto (Debian's) with a TLS listener, mqtt.js running on tls-rs through
// `tls-rs/register` (mqtt.js calls `tls.connect(opts)` and on 'secureConnect' checks
// `connection.authorized` itself). Publish / subscribe at QoS 0, 1 and 2 and a 256 KiB payload,
// keepalive pings on an idle connection, an unverifiable broker, then a listener that requires
// client certificates (use_identity_as_username: the broker logs the certificate's CN).

require('tls-rs/register'); // first, as in a user's app: every later require('tls') is tls-rs

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');
const mqtt = require('mqtt');
const { describeTlsStream, needs, readCert, startMosquitto, withTimeout } = require('./helpers/services');

const ca = readCert('ca-cert.pem');
const clientCerts = { key: readCert('client-key.pem'), cert: readCert('client-cert.pem') };

const EXPECTED_VIEW = { tlsRs: true, authorized: true, authorizationError: null, protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384', peerCN: 'localhost', servername: 'localhost' };

/** What user code sees of mqtt.js's TLS socket. */
function clientView(client) {
  return describeTlsStream(client.stream);
}

/** An mqtts client to 127.0.0.1:port (SNI and verification for "localhost"), ended after the test. */
function client(t, port, options = {}) {
  const c = mqtt.connect({
    protocol: 'mqtts', host: '127.0.0.1', port, servername: 'localhost', ca, reconnectPeriod: 0,
    connectTimeout: 5000, ...options,
  });
  t.after(() => new Promise((resolve) => c.end(true, {}, resolve)));
  return c;
}

/** Resolves on 'connect' (with the CONNACK), rejects on the first 'error' or an early 'close'. */
function connected(c) {
  return withTimeout(new Promise((resolve, reject) => {
    c.once('connect', resolve);
    c.once('error', reject);
    c.once('close', () => reject(new Error('closed before CONNACK')));
  }), 8000, 'mqtt connect');
}

/** The outcome of a connection that must fail: the first 'error', or a close without CONNACK. */
function refused(c) {
  return withTimeout(new Promise((resolve, reject) => {
    c.once('connect', () => reject(new Error('the broker accepted the connection')));
    c.once('error', (err) => resolve({ error: err }));
    c.once('close', () => resolve({ closed: true }));
  }), 8000, 'mqtt refusal');
}

test('mqtt → mosquitto TLS listener over tls-rs', { timeout: 30_000, skip: needs('mosquitto') }, async (t) => {
  const { port } = await startMosquitto(t);

  await t.test('publish / subscribe at QoS 0, 1, 2 and a 256 KiB payload', async (t) => {
    const sub = client(t, port);
    const pub = client(t, port);
    await Promise.all([connected(sub), connected(pub)]);
    assert.deepEqual(clientView(sub), EXPECTED_VIEW);
    assert.deepEqual(clientView(pub), EXPECTED_VIEW);

    const granted = await sub.subscribeAsync('tls-rs/#', { qos: 2 });
    assert.deepEqual(granted.map((g) => g.qos), [2]);
    const big = crypto.randomBytes(256 * 1024);
    const expected = [['tls-rs/q0', 'zero'], ['tls-rs/q1', 'one'], ['tls-rs/q2', 'two'], ['tls-rs/big', big]];
    const received = [];
    const all = withTimeout(new Promise((resolve) => {
      sub.on('message', (topic, payload) => {
        received.push([topic, topic === 'tls-rs/big' ? payload : payload.toString()]);
        if (received.length === expected.length) resolve();
      });
    }), 10_000, 'messages');
    await pub.publishAsync('tls-rs/q0', 'zero', { qos: 0 });
    await pub.publishAsync('tls-rs/q1', 'one', { qos: 1 });
    await pub.publishAsync('tls-rs/q2', 'two', { qos: 2 });
    await pub.publishAsync('tls-rs/big', big, { qos: 1 });
    await all;
    // QoS 2 reaches the subscriber only after its PUBREL: the order across QoS levels may vary.
    const byTopic = Object.fromEntries(received);
    assert.deepEqual(Object.keys(byTopic).sort(), expected.map(([topic]) => topic).sort());
    assert.deepEqual([byTopic['tls-rs/q0'], byTopic['tls-rs/q1'], byTopic['tls-rs/q2']], ['zero', 'one', 'two']);
    assert.ok(big.equals(byTopic['tls-rs/big']), 'the 256 KiB payload arrives intact');
  });

  await t.test('an idle connection stays up on keepalive pings', async (t) => {
    const c = client(t, port, { keepalive: 1 });
    await connected(c);
    // Nothing is sent, so the only traffic is the keepalive: a PINGREQ after a second idle,
    // answered by the broker (bounded, so that no ping fails the test).
    await withTimeout(new Promise((resolve) => {
      c.on('packetreceive', (packet) => { if (packet.cmd === 'pingresp') resolve(); });
    }), 5000, 'pingresp');
    assert.equal(c.connected, true);
    await c.publishAsync('tls-rs/after-idle', 'still here', { qos: 1 });
  });

  await t.test('an unverifiable broker is refused with Node\'s error', async (t) => {
    const c = client(t, port, { ca: undefined });
    const outcome = await refused(c);
    assert.equal(outcome.error?.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', String(outcome.error ?? 'closed'));
  });
});

test('mqtt → mosquitto requiring client certificates over tls-rs', { timeout: 25_000, skip: needs('mosquitto') }, async (t) => {
  const broker = await startMosquitto(t, { requireCertificate: true });
  const { port } = broker;

  await t.test('with the client certificate: connected as its CN, messages flow', async (t) => {
    const c = client(t, port, { ...clientCerts, clientId: 'tls-rs-cert-client' });
    await connected(c);
    assert.deepEqual(clientView(c), EXPECTED_VIEW);
    await broker.service.waitFor(/New client connected from 127\.0\.0\.1:\d+ as tls-rs-cert-client \([^)]*u'tls-rs client'\)/,
      { ms: 5000 });
    await c.subscribeAsync('echo', { qos: 1 });
    const got = withTimeout(new Promise((resolve) => c.once('message', (topic, payload) => resolve(payload.toString()))),
      5000, 'message');
    await c.publishAsync('echo', 'with a client certificate', { qos: 1 });
    assert.equal(await got, 'with a client certificate');
  });

  await t.test('without a client certificate the broker refuses the connection', async (t) => {
    const c = client(t, port, { clientId: 'tls-rs-no-cert' });
    const outcome = await refused(c);
    // TLS 1.3: the client is done with its handshake before the broker checks the (missing)
    // certificate, so the refusal is the broker's alert, a reset, or a close.
    if (outcome.error) assert.match(`${outcome.error.code} ${outcome.error.message}`, /certificate required|ECONNRESET|EPIPE/);
    assert.doesNotMatch(broker.service.output, /as tls-rs-no-cert/);
  });
});
