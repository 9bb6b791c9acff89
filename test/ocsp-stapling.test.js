'use strict';
// OCSP stapling without user code (beyond Node; lib/ocsp-stapling.js), against a real
// `openssl ocsp` responder on 127.0.0.1 (test/helpers/ocsp-responder.js): the server fetches,
// caches and staples its certificate's response (what built-in tls and tls-rs clients receive
// with requestOCSP is the responder's answer; `openssl s_client -status` sees it on the wire);
// a responder that is down costs the staple, never the handshake, and the staple appears once it
// is up; a response the issuer did not sign is not stapled; SNI contexts staple their own; an
// 'OCSPRequest' listener decides alone. The client's `checkOCSP` refuses a revoked certificate
// (ERR_TLS_RS_OCSP_REVOKED), an unusable staple (ERR_TLS_RS_OCSP_INVALID) and, with 'require', a
// missing one (ERR_TLS_RS_OCSP_MISSING), also against built-in tls servers, and leaves resumed
// sessions (which carry no staple) alone. Freshness (expired,
// not yet valid) is judged at chosen clocks in the Rust tests (src/context/ocsp_staple.rs).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const nodeTls = require('node:tls');
const tls = require('tls-rs');
const { once, listen, startOpensslClient } = require('./helpers/peers');
const { needs, runNode } = require('./helpers/services');
const { makePki, startResponder } = require('./helpers/ocsp-responder');

const VERSIONS = ['TLSv1.2', 'TLSv1.3'];
const skip = needs('openssl');
// Retries come quickly in these tests; the defaults are for production.
const FAST = { retryDelay: 50, maxRetryDelay: 200 };

/** A tls-rs server stapling `leaf`'s response (the issuer comes from `ca`), listening. */
async function staplingServer(t, pki, leaf = 'good', extra = {}) {
  const server = tls.createServer({ ...pki.leaves[leaf], ca: pki.ca, ocspStapling: FAST, ...extra }, (s) => s.end('hi'));
  t.after(() => server.close());
  const port = await listen(server);
  return { server, port };
}

/**
 * Connects with `clientTls` and reports { response (what 'OCSPResponse' gave), secure, error }
 * once the socket closes.
 */
async function connect(clientTls, port, options = {}) {
  const socket = clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', requestOCSP: true, ...options });
  const seen = { response: undefined, secure: false, error: null };
  socket.on('OCSPResponse', (r) => { seen.response = r; });
  socket.on('secureConnect', () => { seen.secure = true; });
  socket.on('error', (err) => { seen.error = err; });
  socket.resume();
  await once(socket, 'close');
  return seen;
}

describe('OCSP stapling (server ocspStapling, client checkOCSP)', { skip }, () => {
  for (const maxVersion of VERSIONS) {
    it(`staples the responder's answer; built-in tls and tls-rs clients receive it (${maxVersion})`, async (t) => {
      const pki = await makePki(t);
      await startResponder(t, pki);
      const { server, port } = await staplingServer(t, pki, 'good', { maxVersion });
      const [info] = await once(server, 'OCSPStaple');
      assert.equal(info.status, 'good');
      assert.equal(info.responder, pki.url);
      assert.ok(info.thisUpdate instanceof Date && info.nextUpdate - info.thisUpdate === 86_400_000);
      assert.ok(Buffer.isBuffer(info.certificate) && Buffer.isBuffer(info.response));
      for (const clientTls of [nodeTls, tls]) {
        const seen = await connect(clientTls, port, { ca: pki.ca });
        assert.deepEqual(seen.response, info.response, clientTls === tls ? 'tls-rs client' : 'built-in client');
        assert.ok(seen.secure && !seen.error);
      }
      // The check passes, also when a staple is required; without requestOCSP nothing is stapled.
      for (const checkOCSP of [true, 'require']) {
        const seen = await connect(tls, port, { ca: pki.ca, requestOCSP: false, checkOCSP });
        assert.ok(seen.secure && !seen.error, String(seen.error));
        assert.deepEqual(seen.response, info.response);
      }
      assert.equal((await connect(nodeTls, port, { ca: pki.ca, requestOCSP: false })).response, undefined);
    });
  }

  it('a responder that is down costs the staple, not the handshake; the staple comes once it is up', async (t) => {
    const pki = await makePki(t);
    const { server, port } = await staplingServer(t, pki);
    const [err] = await once(server, 'OCSPStapleError');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.responder, pki.url);
    assert.ok(err.retryIn >= FAST.retryDelay && err.retryIn <= FAST.maxRetryDelay, String(err.retryIn));
    for (const maxVersion of VERSIONS) {
      const seen = await connect(tls, port, { ca: pki.ca, maxVersion, checkOCSP: true });
      assert.ok(seen.secure && !seen.error, String(seen.error));
      assert.equal(seen.response, null);
      const required = await connect(tls, port, { ca: pki.ca, maxVersion, checkOCSP: 'require' });
      assert.equal(required.error?.code, 'ERR_TLS_RS_OCSP_MISSING');
      assert.equal(required.secure, false);
    }
    const fetched = once(server, 'OCSPStaple');
    await startResponder(t, pki);
    const [info] = await fetched;
    for (const maxVersion of VERSIONS) {
      const seen = await connect(tls, port, { ca: pki.ca, maxVersion, checkOCSP: 'require' });
      assert.ok(seen.secure && !seen.error, String(seen.error));
      assert.deepEqual(seen.response, info.response);
    }
  });

  it('a revoked certificate fails a checkOCSP client with ERR_TLS_RS_OCSP_REVOKED; clients without the check connect', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    const { server, port } = await staplingServer(t, pki, 'revoked');
    const [info] = await once(server, 'OCSPStaple');
    assert.equal(info.status, 'revoked');
    assert.equal(info.revocationReason, 'keyCompromise');
    assert.equal(info.revocationTime.toISOString(), '2025-01-01T00:00:00.000Z');
    const client = { ca: pki.ca, servername: 'revoked.test' };
    for (const maxVersion of VERSIONS) {
      const refused = await connect(tls, port, { ...client, maxVersion, checkOCSP: true });
      assert.equal(refused.error?.code, 'ERR_TLS_RS_OCSP_REVOKED');
      assert.equal(refused.error.revocationReason, 'keyCompromise');
      assert.equal(refused.secure, false);
      for (const clientTls of [tls, nodeTls]) {
        const seen = await connect(clientTls, port, { ...client, maxVersion });
        assert.ok(seen.secure && !seen.error, String(seen.error));
        assert.deepEqual(seen.response, info.response);
      }
    }
  });

  it('checkOCSP judges what a built-in tls server staples: revoked, garbage, the wrong certificate', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    // The responses the responder gives for the good and the revoked certificates.
    const responses = {};
    for (const leaf of ['good', 'revoked']) {
      const { server } = await staplingServer(t, pki, leaf);
      responses[leaf] = (await once(server, 'OCSPStaple'))[0].response;
    }
    const cases = [
      ['good', responses.good, null],
      ['good', responses.revoked, 'ERR_TLS_RS_OCSP_INVALID'], // a response about another certificate
      ['revoked', responses.revoked, 'ERR_TLS_RS_OCSP_REVOKED'],
      ['good', Buffer.from('30030a0106', 'hex'), 'ERR_TLS_RS_OCSP_INVALID'], // "unauthorized"
    ];
    for (const [leaf, response, code] of cases) {
      const server = nodeTls.createServer(pki.leaves[leaf], (s) => s.end());
      server.on('OCSPRequest', (cert, issuer, cb) => cb(null, response));
      const port = await listen(server);
      const servername = leaf === 'good' ? 'localhost' : 'revoked.test';
      const seen = await connect(tls, port, { ca: pki.ca, servername, checkOCSP: true });
      server.close();
      assert.equal(seen.error?.code ?? null, code, `${leaf}: ${seen.error}`);
      if (code === 'ERR_TLS_RS_OCSP_INVALID') assert.match(seen.error.message, /stapled OCSP response is not usable: the OCSP/);
    }
  });

  it('a response not signed by the issuer is refused and not stapled', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki, { signer: 'other' });
    const { server, port } = await staplingServer(t, pki);
    const [err] = await once(server, 'OCSPStapleError');
    assert.equal(err.code, 'ERR_TLS_RS_OCSP_INVALID');
    assert.match(err.message, /signature does not verify/);
    assert.equal((await connect(nodeTls, port, { ca: pki.ca })).response, null);
  });

  it('SNI contexts (addContext) staple their own certificate\'s response', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    const server = tls.createServer({ ...pki.leaves.good, ca: pki.ca, ocspStapling: FAST }, (s) => s.end());
    t.after(() => server.close());
    server.addContext('sni.test', { ...pki.leaves.sni, ca: pki.ca });
    const staples = new Map();
    const both = new Promise((resolve) => server.on('OCSPStaple', (info) => {
      staples.set(info.certificate.toString('base64'), info.response);
      if (staples.size === 2) resolve();
    }));
    const port = await listen(server);
    await both;
    for (const maxVersion of VERSIONS) {
      for (const servername of ['localhost', 'sni.test']) {
        const socket = tls.connect({ port, host: '127.0.0.1', servername, ca: pki.ca, maxVersion, checkOCSP: 'require' });
        const [[response]] = await Promise.all([once(socket, 'OCSPResponse'), once(socket, 'secureConnect')]);
        const served = staples.get(socket.getPeerX509Certificate().raw.toString('base64'));
        assert.deepEqual(response, served, servername);
        socket.destroy();
      }
    }
  });

  it('an \'OCSPRequest\' listener decides alone (Node\'s API)', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    const { server, port } = await staplingServer(t, pki);
    const [info] = await once(server, 'OCSPStaple');
    let answer = null;
    server.on('OCSPRequest', (cert, issuer, cb) => cb(null, answer));
    assert.equal((await connect(tls, port, { ca: pki.ca })).response, null);
    answer = Buffer.from('30030a0106', 'hex');
    assert.deepEqual((await connect(nodeTls, port, { ca: pki.ca })).response, answer);
    server.removeAllListeners('OCSPRequest');
    assert.deepEqual((await connect(tls, port, { ca: pki.ca })).response, info.response);
  });

  it('setSecureContext with the same certificate keeps stapling; a certificate without AIA is reported', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    const { server, port } = await staplingServer(t, pki);
    const [info] = await once(server, 'OCSPStaple');
    server.setSecureContext({ ...pki.leaves.good, ca: pki.ca });
    assert.deepEqual((await connect(tls, port, { ca: pki.ca })).response, info.response);
    const reported = once(server, 'OCSPStapleError');
    server.setSecureContext({ ...pki.leaves.noaia, ca: pki.ca });
    const [err] = await reported;
    assert.equal(err.code, 'ERR_TLS_RS_OCSP_NO_RESPONDER');
    assert.equal((await connect(tls, port, { ca: pki.ca, servername: 'noaia.test' })).response, null);
  });

  for (const maxVersion of VERSIONS) {
    it(`a resumed session is not checked: no certificate, no staple (${maxVersion})`, async (t) => {
      const pki = await makePki(t);
      await startResponder(t, pki);
      const { server, port } = await staplingServer(t, pki, 'good', { maxVersion });
      await once(server, 'OCSPStaple');
      const options = { port, host: '127.0.0.1', servername: 'localhost', ca: pki.ca, maxVersion, checkOCSP: 'require' };
      const first = tls.connect(options);
      const [[session]] = await Promise.all([once(first, 'session'), once(first, 'secureConnect')]);
      first.destroy();
      const again = tls.connect({ ...options, session });
      const responses = [];
      again.on('OCSPResponse', (r) => responses.push(r));
      await once(again, 'secureConnect');
      assert.equal(again.isSessionReused(), true);
      assert.ok(responses.every((r) => r === null), 'nothing stapled on resumption');
      again.destroy();
    });
  }

  it('openssl s_client -status sees the staple on the wire', async (t) => {
    const pki = await makePki(t);
    await startResponder(t, pki);
    const { server, port } = await staplingServer(t, pki);
    await once(server, 'OCSPStaple');
    const client = startOpensslClient(port, ['-status', '-servername', 'localhost', '-CAfile', `${pki.dir}/ca.pem`], { t });
    await client.waitFor(/Verify return code: 0/);
    client.end?.();
    assert.match(client.output, /OCSP Response Status: successful/);
    assert.match(client.output, /Cert Status: good/);
  });

  it('`timeout` bounds the whole answer: a responder that trickles it is a failed fetch', async (t) => {
    const http = require('node:http');
    const pki = await makePki(t);
    // Ten bytes every 50 ms for 3 s, then garbage: each chunk would renew an idle timeout.
    const responder = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/ocsp-response' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || (sent += 10) > 600) {
          clearInterval(timer);
          res.end();
        } else {
          res.write(Buffer.alloc(10, 0x30));
        }
      }, 50);
    });
    responder.listen(pki.port, '127.0.0.1');
    await once(responder, 'listening');
    t.after(() => responder.close());
    const { server } = await staplingServer(t, pki, 'good', { ocspStapling: { ...FAST, timeout: 300, retryDelay: 60_000 } });
    const [err] = await once(server, 'OCSPStapleError');
    assert.equal(err.code, 'ERR_TLS_RS_OCSP_RESPONDER');
    assert.equal(err.message, `OCSP stapling: no answer from the responder ${pki.url} within 300 ms`);
    responder.closeAllConnections();
  });

  it('a stapling server whose responder is down lets the process exit once closed', async (t) => {
    const code = `
      const tls = require(${JSON.stringify(require.resolve('tls-rs'))});
      const fs = require('fs');
      const pki = JSON.parse(process.env.PKI);
      const server = tls.createServer({ key: pki.key, cert: pki.cert, ca: pki.ca, ocspStapling: { retryDelay: 60000 } });
      server.on('OCSPStapleError', (err) => { console.log('error', err.code); server.close(); });
      server.listen(0, '127.0.0.1');
    `;
    const pki = await makePki(t, { port: 1 });
    const env = { ...process.env, PKI: JSON.stringify({ key: String(pki.leaves.good.key), cert: String(pki.leaves.good.cert), ca: String(pki.ca) }) };
    const result = await runNode(t, code, { env, ms: 20_000 });
    assert.match(result.stdout, /error ECONNREFUSED/);
  });

  it('examples/ocsp-stapling-demo.js runs', async (t) => {
    const path = require('node:path');
    const result = await runNode(t, `require(${JSON.stringify(path.join(__dirname, '..', 'examples', 'ocsp-stapling-demo.js'))})`, { ms: 25_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /stapling: good until .*\nclient: \d+-byte OCSP staple checked, authorized: true/);
  });

  it('validates its options', () => {
    assert.throws(() => tls.createServer({ ocspStapling: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => tls.createServer({ ocspStapling: { timeout: -1 } }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => tls.connect({ port: 1, checkOCSP: 'maybe' }), { code: 'ERR_INVALID_ARG_VALUE' });
  });
});
