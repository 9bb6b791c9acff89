'use strict';
// Encrypted Client Hello (RFC 9849, OpenSSL 4.0; lib/ech.js, lib/ech-keys.js) between tls-rs
// ends (npm test runs this file on both transports): accepted ECH and what each socket says,
// the inner ClientHello driving SNICallback / ALPN / client certificates / TLS 1.3 resumption,
// the cleartext on the wire, rejected ECH with and without retry configs, GREASE, and Node-style
// validation. The OpenSSL 4.0 CLI peers are in ech-openssl.test.js.

const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { fixture, once, listen, tlsRs: tls, nodeTls } = require('./helpers/differential');
const { captureClientHello, parseHello } = require('./helpers/wire');
const { generateECHKey, echConfigListOf } = require('../lib/ech-keys');

const identity = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');
// The fixture certificate is for localhost: the public name the outer hello carries must be a
// name the server has a certificate for (a refused client checks it).
const PUBLIC_NAME = 'localhost';
const keyA = generateECHKey({ publicName: PUBLIC_NAME });
const keyB = generateECHKey({ publicName: PUBLIC_NAME });

/** A tls-rs server; resolves { server, port, sockets } (the accepted sockets, in order). */
async function echServer(options = {}, onSecure = (s) => s.end('hello')) {
  const sockets = [];
  const server = tls.createServer({ ...identity, ...options }, (s) => {
    sockets.push(s);
    onSecure(s);
  });
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  return { server, port, sockets };
}

/** Connects; resolves { socket, data } once secureConnect and 'end', or rejects with the error. */
function connect(port, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...options });
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('error', reject);
    socket.on('end', () => resolve({ socket, data }));
  });
}

describe('Encrypted Client Hello between tls-rs ends', () => {
  it('accepted: both sockets say so; the server sees the inner server name', async () => {
    const { server, port, sockets } = await echServer({ echKeys: keyA.key });
    try {
      const { socket, data } = await connect(port, { echConfigList: keyA.echConfigList });
      assert.equal(data, 'hello');
      assert.equal(socket.echAccepted, true);
      assert.equal(sockets[0].echAccepted, true);
      assert.equal(sockets[0].servername, 'localhost');
    } finally {
      server.close();
    }
  });

  it('takes the list in base64 (as DNS HTTPS records publish it) and as a Uint8Array', async () => {
    const { server, port } = await echServer({ echKeys: [keyA.key] });
    try {
      for (const echConfigList of [keyA.echConfigList.toString('base64'), new Uint8Array(keyA.echConfigList)]) {
        const { socket } = await connect(port, { echConfigList });
        assert.equal(socket.echAccepted, true);
      }
    } finally {
      server.close();
    }
  });

  it('without echConfigList nothing changes: echAccepted is false on both ends', async () => {
    const { server, port, sockets } = await echServer({ echKeys: keyA.key });
    try {
      const { socket } = await connect(port);
      assert.equal(socket.echAccepted, false);
      assert.equal(sockets[0].echAccepted, false);
    } finally {
      server.close();
    }
  });

  it('the inner hello drives SNICallback and ALPN; the inner server name is not in cleartext, the public name is', async () => {
    const inner = 'inner.secret.example';
    const asked = [];
    const { server, port, sockets } = await echServer({
      echKeys: keyA.key,
      ALPNProtocols: ['secret-proto', 'http/1.1'],
      SNICallback: (name, cb) => { asked.push(name); cb(null, tls.createSecureContext(identity)); },
    });
    const options = { servername: inner, ALPNProtocols: ['secret-proto'], echConfigList: keyA.echConfigList,
      checkServerIdentity: () => undefined };
    try {
      const { socket } = await connect(port, options);
      assert.equal(socket.echAccepted, true);
      assert.deepEqual(asked, [inner]);
      assert.equal(sockets[0].servername, inner);
      assert.equal(sockets[0].alpnProtocol, 'secret-proto');
      assert.equal(socket.alpnProtocol, 'secret-proto');

      const hello = await captureClientHello(tls, options);
      const { extensions } = parseHello(hello);
      const sni = extensions.get(0);
      assert.equal(sni.subarray(5).toString(), PUBLIC_NAME, 'the outer SNI is the public name');
      assert.ok(extensions.has(0xfe0d), 'the outer hello carries the encrypted_client_hello extension');
      assert.equal(hello.indexOf(inner), -1, 'the inner server name is not in cleartext');
      // OpenSSL repeats the inner ALPN list in the outer hello, as browsers do (README).
      assert.equal(extensions.get(16).subarray(3).toString(), 'secret-proto');
      // Without ECH the same client sends both in cleartext.
      const plain = await captureClientHello(tls, { ...options, echConfigList: undefined });
      assert.notEqual(plain.indexOf(inner), -1);
    } finally {
      server.close();
    }
  });

  it('new TLSSocket over a connected net.Socket takes echConfigList; addContext serves the inner name', async () => {
    const net = require('node:net');
    const inner = 'inner.secret.example';
    const { server, port, sockets } = await echServer({ echKeys: keyA.key });
    server.addContext(inner, { ...identity, cert: fixture('agent-chain.pem') });
    try {
      const raw = net.connect(port, '127.0.0.1');
      await once(raw, 'connect');
      const socket = new tls.TLSSocket(raw, { echConfigList: keyA.echConfigList.toString('base64'), rejectUnauthorized: false });
      socket.setServername(inner);
      socket.resume();
      socket.write('ping'); // a client TLSSocket of its own starts the handshake on its first write
      await once(socket, 'secure');
      assert.equal(socket.echAccepted, true);
      socket.end();
      await once(socket, 'close');
      assert.equal(sockets[0].servername, inner);
      assert.equal(sockets[0].echAccepted, true);
    } finally {
      server.close();
    }
  });

  it('client certificates and TLS 1.3 resumption work under ECH', async () => {
    const { server, port, sockets } = await echServer({ echKeys: keyA.key, requestCert: true, ca });
    const client = { echConfigList: keyA.echConfigList, key: fixture('client-key.pem'), cert: fixture('client-cert.pem') };
    try {
      let session;
      const first = await new Promise((resolve, reject) => {
        const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...client });
        s.on('session', (sess) => { session = sess; });
        s.on('error', reject);
        s.resume();
        s.on('end', () => resolve(s));
      });
      assert.equal(first.echAccepted, true);
      assert.equal(sockets[0].authorized, true, sockets[0].authorizationError);
      assert.equal(sockets[0].getPeerCertificate().subject.CN, 'tls-rs client');
      assert.ok(session, 'a TLS 1.3 ticket arrived');
      const { socket: second } = await connect(port, { ...client, session });
      assert.equal(second.isSessionReused(), true);
      assert.equal(second.echAccepted, true);
      assert.equal(sockets[1].echAccepted, true);
    } finally {
      server.close();
    }
  });

  // The outer hello's pre_shared_key identity is a decoy (RFC 9849 §6.1.2): 'resumeSession' is
  // asked about the inner hello's, once OpenSSL has decrypted it, and still before ALPNCallback.
  it('TLS 1.3 resumption from an external session store (newSession / resumeSession) under ECH', async () => {
    const store = new Map();
    const asked = [];
    const { server, port } = await echServer({
      echKeys: keyA.key,
      secureOptions: require('node:constants').SSL_OP_NO_TICKET,
      ALPNCallback: ({ protocols }) => { asked.push('ALPNCallback'); return protocols[0]; },
    });
    server.on('newSession', (id, data, cb) => { store.set(id.toString('hex'), data); cb(); });
    server.on('resumeSession', (id, cb) => {
      asked.push(store.has(id.toString('hex')) ? 'resumeSession (stored)' : 'resumeSession');
      cb(null, store.get(id.toString('hex')) ?? null);
    });
    try {
      let session;
      await new Promise((resolve, reject) => {
        const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, echConfigList: keyA.echConfigList, ALPNProtocols: ['x'] });
        s.on('session', (sess) => { session = sess; });
        s.on('error', reject);
        s.resume();
        s.on('close', resolve);
      });
      assert.ok(store.size > 0, 'the server stored sessions');
      asked.length = 0;
      const { socket } = await connect(port, { echConfigList: keyA.echConfigList, session, ALPNProtocols: ['x'] });
      assert.equal(socket.echAccepted, true);
      assert.equal(socket.isSessionReused(), true);
      assert.equal(socket.alpnProtocol, 'x');
      assert.deepEqual(asked, ['resumeSession (stored)', 'ALPNCallback']);
    } finally {
      server.close();
    }
  });

  it('several keys at once (rotation): each one\'s config is accepted', async () => {
    const { server, port } = await echServer({ echKeys: [keyA.key, { pem: keyB.key, retry: false }] });
    try {
      for (const key of [keyA, keyB]) {
        const { socket } = await connect(port, { echConfigList: key.echConfigList });
        assert.equal(socket.echAccepted, true);
      }
    } finally {
      server.close();
    }
  });

  it('two keys that share a config_id (one rotation in 256) are both accepted', async () => {
    // A config_id is one random byte: make keys until two share it.
    const byId = new Map();
    let pair;
    while (!pair) {
      const key = generateECHKey({ publicName: PUBLIC_NAME });
      const id = key.echConfigList[6];
      if (byId.has(id)) pair = [byId.get(id), key];
      else byId.set(id, key);
    }
    const { server, port } = await echServer({ echKeys: [pair[0].key, { pem: pair[1].key, retry: false }] });
    try {
      for (const key of pair) {
        const { socket } = await connect(port, { echConfigList: key.echConfigList });
        assert.equal(socket.echAccepted, true);
      }
    } finally {
      server.close();
    }
  });

  it('rejected: ERR_TLS_ECH_REJECTED carries the retry configs, and retrying with them is accepted', async () => {
    const { server, port, sockets } = await echServer({ echKeys: keyB.key });
    try {
      const err = await connect(port, { echConfigList: keyA.echConfigList }).then(() => null, (e) => e);
      assert.ok(err, 'the handshake fails');
      assert.equal(err.code, 'ERR_TLS_ECH_REJECTED');
      assert.equal(err.publicName, PUBLIC_NAME);
      assert.match(err.message, /rejected Encrypted Client Hello/);
      assert.deepEqual(err.retryConfigList, keyB.echConfigList);
      assert.equal(sockets.length, 0);
      const { socket } = await connect(port, { echConfigList: err.retryConfigList });
      assert.equal(socket.echAccepted, true);
    } finally {
      server.close();
    }
  });

  it('rejected by a server without ECH keys: ERR_TLS_ECH_REJECTED without retry configs', async () => {
    const { server, port } = await echServer();
    try {
      const err = await connect(port, { echConfigList: keyA.echConfigList }).then(() => null, (e) => e);
      assert.equal(err?.code, 'ERR_TLS_ECH_REJECTED');
      assert.equal(err.retryConfigList, undefined);
    } finally {
      server.close();
    }
  });

  it('with built-in tls (no ECH) at the other end: its server refuses ECH, its client is served as before', async () => {
    const server = nodeTls.createServer(identity, (s) => s.end('hello'));
    const port = await listen(server);
    try {
      const err = await connect(port, { echConfigList: keyA.echConfigList }).then(() => null, (e) => e);
      assert.equal(err?.code, 'ERR_TLS_ECH_REJECTED', 'no silent fallback to a cleartext server name');
      assert.equal(err.retryConfigList, undefined);
    } finally {
      server.close();
    }
    const { server: echSrv, port: echPort, sockets } = await echServer({ echKeys: keyA.key });
    try {
      const socket = nodeTls.connect({ port: echPort, host: '127.0.0.1', servername: 'localhost', ca });
      socket.resume();
      await once(socket, 'end');
      assert.equal(sockets[0].echAccepted, false);
      assert.equal(sockets[0].servername, 'localhost');
    } finally {
      echSrv.close();
    }
  });

  it('rejected by a server whose certificate is not valid for the public name: the verification error, no retry configs', async () => {
    const other = generateECHKey({ publicName: 'public.example' });
    const { server, port } = await echServer({ echKeys: keyB.key });
    try {
      const err = await connect(port, { echConfigList: other.echConfigList }).then(() => null, (e) => e);
      assert.equal(err?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(err.retryConfigList, undefined);
      assert.match(err.message, /public\.example/);
    } finally {
      server.close();
    }
  });

  it('a tampered encrypted hello is refused as RFC 9849 says (the server answers the outer hello); the server keeps serving', async () => {
    const net = require('node:net');
    const hello = await captureClientHello(tls, { echConfigList: keyA.echConfigList });
    const ech = parseHello(hello).extensions.get(0xfe0d);
    const at = hello.indexOf(ech) + ech.length - 20; // inside the HPKE ciphertext
    const tampered = Buffer.from(hello);
    tampered[at] ^= 0xff;
    const { server, port } = await echServer({ echKeys: keyA.key });
    try {
      const raw = net.connect(port, '127.0.0.1', () => raw.write(tampered));
      raw.on('error', () => {});
      const reply = await once(raw, 'data');
      assert.equal(reply[0], 22, 'a handshake record (ServerHello) answers the outer hello');
      raw.destroy();
      const { socket } = await connect(port, { echConfigList: keyA.echConfigList });
      assert.equal(socket.echAccepted, true);
    } finally {
      server.close();
    }
  });

  it('echGrease sends a GREASE ECH extension; the connection is not ECH', async () => {
    const hello = await captureClientHello(tls, { echGrease: true });
    assert.ok(parseHello(hello).extensions.has(0xfe0d));
    const plain = await captureClientHello(tls, {});
    assert.ok(!parseHello(plain).extensions.has(0xfe0d));
    const { server, port } = await echServer({ echKeys: keyA.key });
    try {
      const { socket } = await connect(port, { echGrease: true });
      assert.equal(socket.echAccepted, false);
    } finally {
      server.close();
    }
  });

  it('bad options throw Node-style errors', () => {
    const attempt = (options) => {
      try {
        tls.connect({ port: 1, host: '127.0.0.1', ...options }).destroy();
        return null;
      } catch (err) {
        return err.code;
      }
    };
    assert.equal(attempt({ echConfigList: 42 }), 'ERR_INVALID_ARG_TYPE');
    assert.equal(attempt({ echConfigList: 'not base64!' }), 'ERR_INVALID_ARG_VALUE');
    assert.equal(attempt({ echConfigList: Buffer.from('garbage that is no ECHConfigList at all, long enough') }), 'ERR_INVALID_ARG_VALUE');
    assert.equal(attempt({ echGrease: 'yes' }), 'ERR_INVALID_ARG_TYPE');
    assert.throws(() => tls.createSecureContext({ echKeys: 42 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => tls.createSecureContext({ echKeys: 'not a key' }), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.echKeys/ });
    assert.throws(() => tls.createSecureContext({ echKeys: [keyA.key, 'x'] }), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.echKeys\[1\]/ });
    assert.throws(() => tls.createSecureContext({ echKeys: [{ pem: keyA.key, retry: 1 }] }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => generateECHKey({ publicName: 5 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.deepEqual(echConfigListOf(keyA.key), keyA.echConfigList);
  });
});

it('examples/ech-demo.js (the README\'s example) runs', { timeout: 30000 }, () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'examples', 'ech-demo.js')], { encoding: 'utf8', timeout: 25000 });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^DNS: private\.example\. HTTPS 1 \. ech=[A-Za-z0-9+/=]+\n/);
  assert.match(result.stdout, /client: echAccepted true\n/);
  assert.match(result.stdout, /server: echAccepted true, servername private\.example\n/);
  assert.match(result.stdout, /client: ERR_TLS_ECH_REJECTED, retry configs received\n/);
  assert.match(result.stdout, /client: retried, echAccepted true\n/);
});

it('a certificate reload (tls-rs/reload) keeps the server\'s ECH keys', async (t) => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const { watchCredentials } = require('../lib/reload');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ech-reload-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'key.pem'), identity.key);
  fs.writeFileSync(path.join(dir, 'cert.pem'), identity.cert);
  const { server, port } = await echServer({ echKeys: keyA.key });
  try {
    const watcher = await watchCredentials(server, { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }, { watch: false });
    await watcher.reload();
    watcher.close();
    const { socket } = await connect(port, { echConfigList: keyA.echConfigList });
    assert.equal(socket.echAccepted, true);
  } finally {
    server.close();
  }
});
