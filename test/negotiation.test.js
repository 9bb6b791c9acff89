'use strict';
// What the options that steer negotiation actually negotiate: minDHSize, dhparam, ecdhCurve,
// sigalgs, honorCipherOrder, minVersion / maxVersion — compared with built-in tls on the wire
// result (cipher, protocol, ephemeral key, shared sigalgs, the error when nothing overlaps) —
// and the hybrid post-quantum group that two tls-rs ends agree on, read off the wire.

const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { differential, describeError, fixture, once, listen, recorder, nodeTls, tlsRs } = require('./helpers/differential');
const { duplexPair, parseHello } = require('./helpers/wire');

const rsa = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ecdsa = { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') };
const ca = fixture('ca-cert.pem');

// One connection: records what each end negotiated, or the errors when the handshake fails (or
// when the server refuses its options: Node 24 refuses a 1024-bit `dhparam` at its level 2).
async function negotiate({ clientTls, serverTls, rec }, serverOptions, clientOptions) {
  let srv;
  try {
    srv = serverTls.createServer({ ...rsa, ...serverOptions }, (s) => {
      rec.add('server', 'secure', {
        cipher: s.getCipher(), protocol: s.getProtocol(), sigalgs: s.getSharedSigalgs(),
      });
      s.end();
    });
  } catch (err) {
    rec.add('server', 'createServer', describeError(err));
    return;
  }
  srv.on('tlsClientError', (err) => rec.add('server', 'tlsClientError', describeError(err)));
  const port = await listen(srv);
  try {
    const c = clientTls.connect({ host: '127.0.0.1', servername: 'localhost', ca, port, ...clientOptions }, () => {
      rec.add('client', 'secureConnect', {
        cipher: c.getCipher(), protocol: c.getProtocol(), key: c.getEphemeralKeyInfo(),
      });
    });
    c.on('error', (err) => rec.add('client', 'error', describeError(err)));
    c.resume();
    await once(c, 'close');
  } catch (err) {
    // (Options connect() refuses: recorded, and the server still closes.)
    rec.add('client', 'connect', describeError(err));
  } finally {
    srv.close();
    await once(srv, 'close');
  }
}

/** One connection, tls-rs serving built-in tls: what `negotiate` records. */
async function recordOnce(serverOptions, clientOptions) {
  const rec = recorder();
  await negotiate({ clientTls: nodeTls, serverTls: tlsRs, rec }, serverOptions, clientOptions);
  return rec.logs;
}

const CASES = {
  'minDHSize: a 1024-bit DHE group is refused by a client wanting 2048': [
    { dhparam: fixture('dhparam-1024.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' },
    { minDHSize: 2048 }],
  'minDHSize: a 2048-bit DHE group is accepted; getEphemeralKeyInfo reports it': [
    { dhparam: fixture('dhparam-2048.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' },
    { minDHSize: 2048 }],
  'dhparam: a 1024-bit DHE group is used at the default security level': [
    { dhparam: fixture('dhparam-1024.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' }, {}],
  'dhparam: a 1024-bit DHE group is refused by a client wanting 2048 that offers no FFDHE group': [
    { dhparam: fixture('dhparam-1024.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' },
    { minDHSize: 2048, ecdhCurve: 'X25519:P-256' }],
  'dhparam: a 1024-bit DHE group is used with a client that offers no FFDHE group': [
    { dhparam: fixture('dhparam-1024.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' },
    { ecdhCurve: 'X25519:P-256' }],
  'dhparam: "auto" picks a group for DHE': [
    { dhparam: 'auto', ciphers: 'DHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' }, {}],
  'ecdhCurve: the server\'s P-384 is the key exchange group (TLS 1.2)': [
    { ecdhCurve: 'P-384', maxVersion: 'TLSv1.2' }, {}],
  'ecdhCurve: P-521 in TLS 1.3 via a list': [{ ecdhCurve: 'P-521:P-384' }, { ecdhCurve: 'P-521' }],
  'ecdhCurve: no common group fails the handshake': [{ ecdhCurve: 'P-384' }, { ecdhCurve: 'X25519' }],
  // Groups OpenSSL 4.0 leaves out unless built with them (Node's test-tls-ecdh-multiple).
  'ecdhCurve: secp256k1 in a list (TLS 1.2)': [
    { ecdhCurve: 'secp256k1:prime256v1:secp521r1', maxVersion: 'TLSv1.2' }, { ecdhCurve: 'secp256k1' }],
  'ecdhCurve: secp224r1': [{ ecdhCurve: 'secp224r1:prime256v1' }, { ecdhCurve: 'secp224r1' }],
  'sigalgs: the server restricts to RSA-PSS+SHA384': [{ sigalgs: 'RSA-PSS+SHA384' }, {}],
  'sigalgs: no common signature algorithm fails the handshake': [
    { sigalgs: 'RSA-PSS+SHA512' }, { sigalgs: 'ECDSA+SHA256' }],
  'honorCipherOrder: the server\'s order wins (TLS 1.2)': [
    { ciphers: 'AES256-GCM-SHA384:AES128-GCM-SHA256', honorCipherOrder: true, maxVersion: 'TLSv1.2' },
    { ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384' }],
  'honorCipherOrder off: the client\'s order wins (TLS 1.2)': [
    { ciphers: 'AES256-GCM-SHA384:AES128-GCM-SHA256', maxVersion: 'TLSv1.2' },
    { ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384' }],
  // Node's OpenSSL (3.0, 3.5) reads cipher names case-sensitively: a differently cased name is
  // skipped (OpenSSL 4.0 took it).
  'ciphers: a lower-case cipher name is skipped, so nothing is shared (TLS 1.2)': [
    { ciphers: 'AES256-SHA', maxVersion: 'TLSv1.2' }, { ciphers: 'aes256-sha:AES128-SHA' }],
  'ciphers: a TLS 1.2 standard name among the TLS 1.3 suites': [
    {}, { ciphers: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384' }],
  // ...and such a name goes to the front of the TLS 1.2 cipher list, where Node's OpenSSL serves
  // it (OpenSSL 4.0 skipped it: vendor/openssl-src, the third patch).
  'ciphers: a TLS 1.2 standard name alone serves that suite (TLS 1.2)': [
    { ciphers: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', maxVersion: 'TLSv1.2' },
    { ciphers: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', maxVersion: 'TLSv1.2' }],
  'ciphers: a TLS 1.2 standard name is preferred to the cipher list (TLS 1.2, server\'s order)': [
    { ciphers: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256', honorCipherOrder: true, maxVersion: 'TLSv1.2' },
    {}],
  'ciphers: a TLS 1.2 standard name among TLS 1.3 suites is offered first (TLS 1.2)': [
    { maxVersion: 'TLSv1.2' },
    { ciphers: 'TLS_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256' }],
  'TLS 1.3 cipher suites: the client\'s only suite is used': [
    {}, { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }],
  'minVersion above the peer\'s maxVersion fails with protocol errors': [
    { minVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2' }],
  'secureProtocol TLSv1_2_method on the client caps the version': [{}, { secureProtocol: 'TLSv1_2_method' }],
};

// tls-rs against built-in tls in each role. (tls-rs on both ends differs by design: OpenSSL 4.0
// also offers ML-DSA signature algorithms and agrees on the hybrid ML-KEM group — see below.)
// README, "OpenSSL 4.0": a tls-rs server follows RFC 7919, so a client offering named FFDHE
// groups (built-in tls does by default) gets ffdhe2048 rather than the configured parameters.
// Where the running Node refuses 1024-bit parameters at all (Node 24), both servers refuse them
// alike and the differential holds.
const RFC7919_CASES = new Set(['minDHSize: a 1024-bit DHE group is refused by a client wanting 2048',
  'dhparam: a 1024-bit DHE group is used at the default security level']);
const hostTakes1024BitDH = (() => {
  try {
    require('node:tls').createSecureContext({ dhparam: fixture('dhparam-1024.pem') });
    return true;
  } catch {
    return false;
  }
})();

describe('negotiation options match built-in tls', () => {
  for (const side of ['client', 'server']) {
    for (const [name, [serverOptions, clientOptions]] of Object.entries(CASES)) {
      if (side === 'server' && RFC7919_CASES.has(name) && hostTakes1024BitDH) {
        it(`${name}: RFC 7919 instead, the client's ffdhe2048 (tls-rs as server)`, async () => {
          const record = await recordOnce(serverOptions, clientOptions);
          assert.deepEqual(record.client, [['secureConnect', {
            cipher: { name: 'DHE-RSA-AES128-GCM-SHA256', standardName: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', version: 'TLSv1.2' },
            protocol: 'TLSv1.2', key: { type: 'DH', size: 2048 },
          }]]);
        });
        continue;
      }
      it(`${name} (tls-rs as ${side})`, async () => {
        await differential((env) => negotiate(env, serverOptions, clientOptions), { side });
      });
    }

    it(`an ECDSA certificate: the shared sigalgs are ECDSA ones (tls-rs as ${side})`, async () => {
      await differential((env) => negotiate(env, ecdsa, {}), { side });
    });
  }
});

// The groups in a TLS 1.3 key_share extension of the first handshake message in `bytes`
// (ClientHello: every share offered; ServerHello: the one chosen).
function keyShareGroups(bytes) {
  const hello = parseHello(bytes);
  const ext = hello.extensions.get(0x33);
  if (!ext) return [];
  if (hello.type === 'ServerHello') return [ext.readUInt16BE(0)];
  const groups = [];
  for (let p = 2; p + 4 <= ext.length; p += 4 + ext.readUInt16BE(p + 2)) groups.push(ext.readUInt16BE(p));
  return groups;
}

describe('hybrid post-quantum key exchange', () => {
  const X25519MLKEM768 = 0x11ec;
  const X25519 = 0x1d;

  it('two tls-rs ends agree on X25519MLKEM768 by default (seen in the ServerHello on the wire)', async () => {
    const tls = require('..');
    const firstFlight = { client: null, server: null };
    // In-memory wire that remembers each direction's first chunk.
    const [a, b] = duplexPair({
      tap: (from, chunk) => { firstFlight[from === 'a' ? 'client' : 'server'] ??= Buffer.from(chunk); },
    });
    const server = new tls.TLSSocket(b, { isServer: true, secureContext: tls.createSecureContext(rsa) });
    server.on('data', (d) => server.end(d));
    let protocol;
    const c = tls.connect({ socket: a, servername: 'localhost', ca }, () => {
      protocol = c.getProtocol();
      c.end('pq');
    });
    c.setEncoding('utf8');
    let echoed = '';
    c.on('data', (d) => { echoed += d; });
    await once(c, 'end');
    assert.equal(echoed, 'pq');
    assert.equal(protocol, 'TLSv1.3');
    assert.ok(keyShareGroups(firstFlight.client).includes(X25519MLKEM768), 'the ClientHello offers the hybrid share');
    assert.deepEqual(keyShareGroups(firstFlight.server), [X25519MLKEM768], 'the server chose it');
  });

  it('ecdhCurve X25519 leaves it out; built-in tls as server picks X25519', async () => {
    const tls = require('..');
    const nodeTls = require('node:tls');
    let hello = null;
    const srv = nodeTls.createServer(rsa, (s) => s.end());
    const port = await listen(srv);
    const net = require('node:net');
    const raw = net.connect(port, '127.0.0.1');
    const write = raw.write;
    raw.write = function (chunk, ...rest) { hello ??= Buffer.from(chunk); return write.call(this, chunk, ...rest); };
    await once(raw, 'connect');
    const c = tls.connect({ socket: raw, servername: 'localhost', ca, ecdhCurve: 'X25519' });
    await once(c, 'secureConnect');
    assert.deepEqual(keyShareGroups(hello), [X25519]);
    assert.deepEqual(c.getEphemeralKeyInfo(), { type: 'ECDH', name: 'X25519', size: 253 });
    c.destroy();
    srv.close();
  });
});
