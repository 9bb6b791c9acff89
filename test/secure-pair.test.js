'use strict';
// tls.createSecurePair (seed docs; deprecated in Node 20 but present): a SecurePair whose
// `encrypted` stream is piped to a plain socket and whose `cleartext` is a TLSSocket.

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const { fixture, once, listen, tlsRs } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

// The seed docs' client pair: piped to a plain socket, it handshakes with a TLS echo server
// (built-in or tls-rs) and 'secure' handlers see cleartext.authorized.
async function clientPair(serverTls, { trusted, requestCert }) {
  const srv = serverTls.createServer(certs, (s) => { s.write('welcome!\n'); s.pipe(s); });
  const port = await listen(srv);
  const raw = net.connect(port, '127.0.0.1');
  await once(raw, 'connect');
  const context = tlsRs.createSecureContext(trusted ? { ca } : {});
  // requestCert is a server pair's setting: a client pair verifies its server whatever it says.
  const pair = requestCert === undefined ? tlsRs.createSecurePair(context, false) :
    tlsRs.createSecurePair(context, false, requestCert);
  raw.pipe(pair.encrypted).pipe(raw);
  const seen = {};
  pair.on('secure', () => {
    Object.assign(seen, {
      authorized: pair.cleartext.authorized,
      authorizationError: pair.cleartext.authorizationError,
      protocol: pair.cleartext.getProtocol(),
    });
    pair.cleartext.write('hello');
  });
  pair.cleartext.setEncoding('utf8');
  let got = '';
  pair.cleartext.on('data', (d) => {
    got += d;
    if (got === 'welcome!\nhello') pair.cleartext.end();
  });
  await once(pair.cleartext, 'end');
  raw.destroy();
  srv.close();
  await once(srv, 'close');
  return { ...seen, got };
}

describe('createSecurePair', () => {
  for (const [name, serverTls] of [['built-in', require('node:tls')], ['tls-rs', tlsRs]]) {
    it(`a client pair over a plain socket talks to a ${name} server`, async () => {
      assert.deepEqual(await clientPair(serverTls, { trusted: true }),
        { authorized: true, authorizationError: null, protocol: 'TLSv1.3', got: 'welcome!\nhello' });
      assert.deepEqual(await clientPair(serverTls, { trusted: false }),
        { authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', protocol: 'TLSv1.3', got: 'welcome!\nhello' });
      assert.deepEqual(await clientPair(serverTls, { trusted: true, requestCert: false }),
        { authorized: true, authorizationError: null, protocol: 'TLSv1.3', got: 'welcome!\nhello' });
    });
  }

  // requestCert as the positional argument and as Node 20's options.requestCert.
  for (const [form, args] of [['argument', [true, false]], ['option', [false, false, { requestCert: true }]]]) {
    it(`a server pair with requestCert (${form}) sees and verifies the client certificate`, async () => {
      let authorized;
      const plain = net.createServer((raw) => {
        const ctx = tlsRs.createSecureContext({ ...certs, ca });
        const pair = tlsRs.createSecurePair(ctx, true, ...args);
        raw.pipe(pair.encrypted).pipe(raw);
        pair.on('secure', () => {
          authorized = [pair.cleartext.authorized, pair.cleartext.authorizationError];
          const err = pair.cleartext.ssl.verifyError();
          pair.cleartext.end(err ? `rejected ${err.code}` : `hello ${pair.cleartext.getPeerCertificate().subject.CN}`);
        });
      });
      const port = await listen(plain);
      const c = tlsRs.connect({ port, host: '127.0.0.1', servername: 'localhost', ca,
        key: fixture('client-key.pem'), cert: fixture('client-cert.pem') });
      c.setEncoding('utf8');
      let got = '';
      c.on('data', (d) => { got += d; });
      await once(c, 'end');
      c.destroy();
      plain.close();
      assert.equal(got, 'hello tls-rs client');
      assert.deepEqual(authorized, [true, null]);
    });
  }

  it('emits the same DEP0064 deprecation warning as Node, once', () => {
    const { spawnSync } = require('node:child_process');
    const script = (mod) => `const tls = require(${JSON.stringify(mod)});
      tls.createSecurePair(); tls.createSecurePair();`;
    const stderrOf = (mod) => spawnSync(process.execPath, ['-e', script(mod)], { encoding: 'utf8' })
      .stderr.replace(/\(node:\d+\)/g, '(node)');
    const ours = stderrOf(require.resolve('..'));
    // Node 24 removed createSecurePair; tls-rs keeps it (the seed docs' API) with the warning
    // Node 18-22 print, recorded from them.
    if (typeof require('node:tls').createSecurePair === 'function') assert.equal(ours, stderrOf('node:tls'));
    else {
      assert.equal(ours, '(node) [DEP0064] DeprecationWarning: tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.\n' +
        '(Use `node --trace-deprecation ...` to show where the warning was created)\n');
    }
    assert.match(ours, /\[DEP0064\] DeprecationWarning: tls\.createSecurePair\(\) is deprecated/);
  });

  it('the encrypted CryptoStream counts ciphertext bytesWritten', async () => {
    const pair = tlsRs.createSecurePair(tlsRs.createSecureContext({ ca }));
    const peer = tlsRs.createSecurePair(tlsRs.createSecureContext(certs), true, false, false);
    pair.encrypted.pipe(peer.encrypted).pipe(pair.encrypted);
    await once(pair, 'secure');
    pair.cleartext.write('x'.repeat(1000));
    await once(peer.cleartext, 'data');
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(pair.encrypted instanceof tlsRs.CryptoStream);
    assert.ok(pair instanceof tlsRs.SecurePair);
    assert.ok(pair.encrypted.bytesWritten > 1000, `ciphertext with overhead: ${pair.encrypted.bytesWritten}`);
    assert.equal(pair.cleartext.bytesWritten, 1000);
    pair.destroy();
    peer.destroy();
  });
});
