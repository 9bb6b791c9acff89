'use strict';
// An https server on tls-rs ← curl (Debian's, OpenSSL-based). The server is `tls-rs/https`
// createServer in this process, and `https.createServer` in a child that loaded
// `tls-rs/register`. curl verifies it against ca-cert.pem (`%{ssl_verify_result}` 0), gets the
// page, uploads 1 MiB, reuses a kept-alive connection, presents a client certificate, and
// refuses the server when it is not given the CA.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { test } = require('node:test');
const tlsRs = require('tls-rs');
const tlsRsHttps = require('tls-rs/https');
const { ROOT, Service, certPath, findBinary, needs, readCert, tmpDir } = require('./helpers/services');

const serverCerts = { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') };
const WRITE_OUT = '\n--curl-- %{ssl_verify_result} %{http_version} %{response_code} %{num_connects}\n';

/** Runs curl against https://localhost:port (resolved to 127.0.0.1); resolves with its outcome. */
function curl(port, args, { ms = 10_000 } = {}) {
  const bin = findBinary('curl', 'curl');
  return new Promise((resolve) => {
    execFile(bin, ['-sS', '-v', '--max-time', '8', '--resolve', `localhost:${port}:127.0.0.1`, '-w', WRITE_OUT, ...args],
      { timeout: ms, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
        const m = /\n--curl-- (\d+) (\S+) (\d+) (\d+)\n$/.exec(stdout);
        resolve({
          exitCode: err ? err.code : 0, stderr, body: m ? stdout.slice(0, m.index) : stdout,
          verifyResult: m && Number(m[1]), httpVersion: m && m[2], status: m && Number(m[3]), connects: m && Number(m[4]),
        });
      });
  });
}

/** curl's verbose lines about TLS: protocol / cipher and ALPN. */
function tlsLines(stderr) {
  return {
    connection: /SSL connection using (\S+) \/ (\S+)/.exec(stderr)?.slice(1, 3),
    alpn: /ALPN: server accepted (\S+)/.exec(stderr)?.[1] ?? /ALPN: server did not agree/.exec(stderr)?.[0] ?? null,
  };
}

/** The test server: answers GET with what it saw of the connection, POST with the body's digest. */
function handler(seen) {
  return (req, res) => {
    const s = req.socket;
    seen.push({ tlsRs: s instanceof tlsRs.TLSSocket, encrypted: !!s.encrypted, authorized: s.authorized,
      protocol: s.getProtocol(), cipher: s.getCipher().name, alpn: s.alpnProtocol,
      peerCN: s.getPeerCertificate().subject?.CN ?? null, servername: s.servername });
    const hash = crypto.createHash('sha256');
    let size = 0;
    req.on('data', (d) => { hash.update(d); size += d.length; });
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(req.method === 'POST' ? `${size} ${hash.digest('hex')}` : `hello ${req.url} over tls-rs`);
    });
  };
}

async function listen(t, server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return server.address().port;
}

test('curl → https server on tls-rs/https', { timeout: 40_000, skip: needs('curl') }, async (t) => {
  const seen = [];
  const server = tlsRsHttps.createServer(serverCerts, handler(seen));
  const port = await listen(t, server);
  const ca = ['--cacert', certPath('ca-cert.pem')];

  await t.test('GET: verified (ssl_verify_result 0), TLS 1.3, HTTP/1.1 over ALPN', async () => {
    const r = await curl(port, [...ca, `https://localhost:${port}/index`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.body, 'hello /index over tls-rs');
    assert.deepEqual([r.verifyResult, r.httpVersion, r.status], [0, '1.1', 200]);
    assert.deepEqual(tlsLines(r.stderr), { connection: ['TLSv1.3', 'TLS_AES_256_GCM_SHA384'], alpn: 'http/1.1' });
    assert.deepEqual(seen.at(-1), { tlsRs: true, encrypted: true, authorized: false, protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384', alpn: 'http/1.1', peerCN: null, servername: 'localhost' });
  });

  await t.test('POST 1 MiB: the server receives every byte', async (t) => {
    const dir = tmpDir(t);
    const file = path.join(dir, 'upload.bin');
    const data = crypto.randomBytes(1 << 20);
    fs.writeFileSync(file, data);
    const r = await curl(port, [...ca, '--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream',
      `https://localhost:${port}/upload`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.body, `${data.length} ${crypto.createHash('sha256').update(data).digest('hex')}`);
  });

  await t.test('keep-alive: three requests on one TLS connection', async () => {
    const urls = ['a', 'b', 'c'].map((p) => `https://localhost:${port}/${p}`);
    const r = await curl(port, [...ca, ...urls]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.body.replace(/\n--curl-- .*\n/g, '|'), 'hello /a over tls-rs|hello /b over tls-rs|hello /c over tls-rs');
    assert.match(r.stderr, /Re-using existing connection/);
    assert.equal(r.connects, 0, 'the last transfer made no new connection');
  });

  await t.test('without the CA curl refuses the server (exit 60)', async () => {
    const r = await curl(port, [`https://localhost:${port}/`]);
    assert.equal(r.exitCode, 60, r.stderr);
    assert.match(r.stderr, /unable to get local issuer certificate/);
    assert.equal(r.verifyResult, 20); // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
  });

  await t.test('wrong host name: curl refuses it (exit 60)', async () => {
    const r = await curl(port, [...ca, '--resolve', `wrong.test:${port}:127.0.0.1`, `https://wrong.test:${port}/`]);
    assert.equal(r.exitCode, 60, r.stderr);
    assert.match(r.stderr, /no alternative certificate subject name matches|does not match target host name/);
  });
});

test('curl with a client certificate → tls-rs/https server with requestCert', { timeout: 20_000, skip: needs('curl') }, async (t) => {
  const seen = [];
  const server = tlsRsHttps.createServer({ ...serverCerts, ca: readCert('ca-cert.pem'), requestCert: true,
    rejectUnauthorized: true }, handler(seen));
  const port = await listen(t, server);

  await t.test('the server sees the verified client certificate', async () => {
    const r = await curl(port, ['--cacert', certPath('ca-cert.pem'), '--cert', certPath('client-cert.pem'),
      '--key', certPath('client-key.pem'), `https://localhost:${port}/me`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.body, 'hello /me over tls-rs');
    assert.equal(r.verifyResult, 0);
    assert.deepEqual(seen.at(-1), { tlsRs: true, encrypted: true, authorized: true, protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384', alpn: 'http/1.1', peerCN: 'tls-rs client', servername: 'localhost' });
  });

  await t.test('without a client certificate: no response', async () => {
    const before = seen.length;
    const r = await curl(port, ['--cacert', certPath('ca-cert.pem'), `https://localhost:${port}/me`]);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /certificate required|alert|reset|closed/i);
    assert.equal(seen.length, before);
  });
});

test('curl → https.createServer under tls-rs/register (child process)', { timeout: 20_000, skip: needs('curl') }, async (t) => {
  const code = `
    const https = require('https'), fs = require('fs'), tlsRs = require('tls-rs');
    const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
    const server = https.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (req, res) => {
      res.end(JSON.stringify({ tlsRs: req.socket instanceof tlsRs.TLSSocket, protocol: req.socket.getProtocol(),
        server: server instanceof tlsRs.Server }));
    });
    server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));`;
  const child = new Service(process.execPath, ['-r', 'tls-rs/register', '-e', code],
    { cwd: ROOT, env: { ...process.env, CERTS: path.dirname(certPath('ca-cert.pem')) } });
  t.after(() => child.stop());
  const port = Number((await child.waitFor(/listening (\d+)/, { ms: 10_000 }))[1]);

  const r = await curl(port, ['--cacert', certPath('ca-cert.pem'), `https://localhost:${port}/`]);
  assert.equal(r.exitCode, 0, `${r.stderr}\n--- server ---\n${child.output}`);
  assert.equal(r.verifyResult, 0);
  assert.deepEqual(JSON.parse(r.body), { tlsRs: true, protocol: 'TLSv1.3', server: true });
  assert.deepEqual(tlsLines(r.stderr).connection, ['TLSv1.3', 'TLS_AES_256_GCM_SHA384']);
});
