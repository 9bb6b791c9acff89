'use strict';
// OCSP stapling: the client's requestOCSP and 'OCSPResponse' (before 'secureConnect'), the
// server's 'OCSPRequest'(certificate, issuer, callback) answered asynchronously (with a response,
// with null, with an error, twice), after SNICallback with the SNI context's certificate —
// differential against built-in tls with tls-rs as client, server and both, in TLS 1.2 and 1.3;
// then interop with `openssl s_client -status` and `openssl s_server -status_file`.
//
// Responses are DER OCSPResponses: OpenSSL 4.0 (tls-rs) staples and accepts only those, where
// Node's OpenSSL 3.0 passes any bytes through (see the README).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { execFileSync } = require('node:child_process');
const {
  differential, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS, tlsRs,
} = require('./helpers/differential');
const { CERTS, OPENSSL, startOpensslServer, startOpensslClient, withTimeout, tmpDir } = require('./helpers/peers');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const EC_CERT = { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') };
const ca = fixture('ca-cert.pem');
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];
const SIDES = ['client', 'server', 'both'];
// A DER OCSPResponse with status "unauthorized" (no body).
const RESPONSE = Buffer.from('30030a0106', 'hex');

const digest = (buf) => (buf ? crypto.createHash('sha256').update(buf).digest('hex').slice(0, 16) : buf);

/** One connection with a requesting client and a server answering 'OCSPRequest' with `answer`. */
async function connection({ clientTls, serverTls, rec }, { answer, listener = true, request = true, version, sni }) {
  const options = { ...CERT, maxVersion: version };
  if (sni) options.SNICallback = (name, cb) => setTimeout(cb, 5, null, serverTls.createSecureContext(EC_CERT));
  const srv = serverTls.createServer(options, (s) => s.end('bye'));
  rec.watch(srv, 'server', SERVER_EVENTS);
  if (listener) {
    srv.on('OCSPRequest', (certificate, issuer, cb) => {
      rec.add('server', 'OCSPRequest args', { certificate: digest(certificate), issuer: digest(issuer), cb: typeof cb });
      answer(cb);
    });
  }
  const port = await listen(srv);
  const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: request, maxVersion: version });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {});
  c.on('OCSPResponse', (resp) => rec.add('client', 'response', {
    isBuffer: Buffer.isBuffer(resp), hex: resp && resp.toString('hex'), secureConnecting: c.secureConnecting,
  }));
  c.resume();
  await once(c, 'close');
  srv.close();
  await once(srv, 'close');
}

describe('OCSP stapling matches built-in tls', () => {
  const answers = {
    'a response, asynchronously': (cb) => setTimeout(cb, 5, null, RESPONSE),
    'a response, synchronously': (cb) => cb(null, RESPONSE),
    'a Uint8Array response': (cb) => setTimeout(cb, 5, null, new Uint8Array(RESPONSE)),
    'null: nothing stapled': (cb) => setTimeout(cb, 5, null, null),
    'an error destroys the socket': (cb) => setTimeout(cb, 5, new Error('OCSP lookup failed')),
    'a second call: ERR_MULTIPLE_CALLBACK': (cb) => { cb(null, RESPONSE); cb(null, RESPONSE); },
  };
  for (const [name, answer] of Object.entries(answers)) {
    for (const version of VERSIONS) {
      for (const side of SIDES) {
        it(`${name} — ${version}, tls-rs as ${side}`, async () => {
          await differential((env) => connection(env, { answer, version }), { side });
        });
      }
    }
  }

  // As SNICallback's (test/sni.test.js): Node 24 goes on with the handshake inside the
  // listener's callback, Node 18-22 once the listener returned (lib/host-tls.js).
  it('an answer given inside the listener continues the handshake where the running Node does', async () => {
    for (const side of ['server', 'both']) {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer(CERT, (s) => s.end());
        srv.on('keylog', (line) => rec.add('server', 'keylog', line.toString().split(' ')[0]));
        srv.on('OCSPRequest', (certificate, issuer, cb) => {
          cb(null, RESPONSE);
          rec.add('server', 'OCSPRequest listener returns');
        });
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
        c.on('OCSPResponse', (resp) => rec.add('client', 'response', resp && resp.toString('hex')));
        c.resume();
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side });
    }
  });

  for (const side of SIDES) {
    it(`no 'OCSPRequest' listener: the client gets null — tls-rs as ${side}`, async () => {
      await differential((env) => connection(env, { listener: false, version: 'TLSv1.3' }), { side });
    });
    it(`a client that does not request: no event on either end — tls-rs as ${side}`, async () => {
      await differential((env) => connection(env, { request: false, answer: (cb) => cb(null, RESPONSE) }), { side });
    });
  }

  for (const version of VERSIONS) {
    it(`after SNICallback, with the SNI context's certificate — ${version}`, async () => {
      await differential((env) => connection(env, { answer: (cb) => cb(null, RESPONSE), version, sni: true }), { side: 'server' });
    });
  }

  it('new tls.TLSSocket(socket, { requestOCSP: true })', async () => {
    await differential(async ({ clientTls, serverTls, rec }) => {
      const srv = serverTls.createServer(CERT, (s) => s.end());
      srv.on('OCSPRequest', (cert, issuer, cb) => cb(null, RESPONSE));
      const port = await listen(srv);
      const raw = net.connect(port, '127.0.0.1');
      await once(raw, 'connect');
      const c = new clientTls.TLSSocket(raw, { requestOCSP: true, secureContext: clientTls.createSecureContext({ ca }) });
      rec.watch(c, 'client', new Set(['OCSPResponse', 'secure', 'error', 'close']));
      c.on('OCSPResponse', (resp) => rec.add('client', 'response', resp && resp.toString('hex')));
      c._start();
      c.resume();
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'both' });
  });

  it('a response that is not a buffer throws ERR_INVALID_ARG_TYPE from the callback', async () => {
    await differential(async ({ serverTls, clientTls, rec }) => {
      const srv = serverTls.createServer(CERT, (s) => s.end());
      srv.on('OCSPRequest', (cert, issuer, cb) => {
        try {
          cb(null, 'not a buffer');
        } catch (err) {
          rec.add('server', 'threw', { name: err.name, code: err.code, message: err.message });
          cb(new Error('gave up'));
        }
      });
      rec.watch(srv, 'server', SERVER_EVENTS);
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
      c.on('error', () => {});
      c.resume();
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });
});

// ---- interop with the openssl CLI -------------------------------------------------------------

/** A real OCSP response for agent-cert.pem signed by the test CA, made with `openssl ocsp`. */
function makeOcspResponse(t) {
  const dir = tmpDir(t, 'tls-rs-ocsp-');
  const index = path.join(dir, 'index.txt');
  const serial = execFileSync(OPENSSL, ['x509', '-in', path.join(CERTS, 'agent-cert.pem'), '-noout', '-serial'])
    .toString().trim().split('=')[1];
  const subject = execFileSync(OPENSSL, ['x509', '-in', path.join(CERTS, 'agent-cert.pem'), '-noout', '-subject', '-nameopt', 'compat'])
    .toString().trim().replace(/^subject=\s*/, '');
  fs.writeFileSync(index, `V\t391231235959Z\t\t${serial}\tunknown\t${subject}\n`);
  const req = path.join(dir, 'req.der');
  const resp = path.join(dir, 'resp.der');
  execFileSync(OPENSSL, ['ocsp', '-issuer', path.join(CERTS, 'intermediate-cert.pem'), '-cert', path.join(CERTS, 'agent-cert.pem'),
    '-reqout', req, '-no_nonce'], { stdio: 'pipe' });
  execFileSync(OPENSSL, ['ocsp', '-index', index, '-rsigner', path.join(CERTS, 'intermediate-cert.pem'),
    '-rkey', path.join(CERTS, 'intermediate-key.pem'), '-CA', path.join(CERTS, 'intermediate-cert.pem'),
    '-reqin', req, '-respout', resp, '-ndays', '1'], { stdio: 'pipe' });
  return { file: resp, der: fs.readFileSync(resp) };
}

describe('OCSP interop with openssl', () => {
  for (const [version, flag] of [['TLSv1.2', '-tls1_2'], ['TLSv1.3', '-tls1_3']]) {
    it(`s_client -status gets the tls-rs server's stapled response (${version})`, async (t) => {
      const { der } = makeOcspResponse(t);
      const asked = [];
      const srv = tlsRs.createServer(CERT, (s) => s.end());
      srv.on('OCSPRequest', (cert, issuer, cb) => {
        asked.push([digest(cert), digest(issuer)]);
        setTimeout(cb, 5, null, der);
      });
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-status', flag, '-servername', 'localhost'], { t });
      await client.waitFor(/OCSP Response Status: successful/);
      await client.waitFor(/Cert Status: good/);
      client.end();
      await client.waitExit();
      assert.equal(asked.length, 1);
      assert.equal(asked[0][0], digest(new crypto.X509Certificate(fixture('agent-cert.pem')).raw));
      assert.equal(asked[0][1], digest(new crypto.X509Certificate(fixture('intermediate-cert.pem')).raw));
    });

    it(`the tls-rs client gets s_server -status_file's response (${version})`, async (t) => {
      const { file, der } = makeOcspResponse(t);
      const server = await startOpensslServer(['-key', 'agent-key.pem', '-cert', 'agent-cert.pem',
        '-cert_chain', 'intermediate-cert.pem', '-status_file', file, flag], { t });
      const socket = tlsRs.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
      t.after(() => socket.destroy());
      const order = [];
      socket.on('OCSPResponse', (resp) => order.push(['OCSPResponse', resp.equals(der)]));
      await withTimeout(new Promise((resolve, reject) => {
        socket.once('secureConnect', () => { order.push('secureConnect'); resolve(); });
        socket.once('error', reject);
      }), 10_000, 'secureConnect');
      assert.deepEqual(order, [['OCSPResponse', true], 'secureConnect']);
      socket.end();
    });
  }

  it('the tls-rs client gets null from s_server without -status_file', async (t) => {
    const server = await startOpensslServer(['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem'], { t });
    const socket = tlsRs.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
    t.after(() => socket.destroy());
    const resp = await withTimeout(new Promise((resolve) => socket.once('OCSPResponse', resolve)), 10_000, 'OCSPResponse');
    assert.equal(resp, null);
    socket.end();
  });
});

describe('bytes that are not a DER OCSPResponse (OpenSSL 4.0 differs from Node 20)', () => {
  it('a tls-rs server staples nothing for them: the client gets null', async () => {
    const srv = tlsRs.createServer(CERT, (s) => s.end());
    srv.on('OCSPRequest', (cert, issuer, cb) => cb(null, Buffer.from('not an OCSP response')));
    const port = await listen(srv);
    const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
    const events = [];
    c.on('OCSPResponse', (resp) => events.push(['OCSPResponse', resp]));
    c.on('secureConnect', () => events.push('secureConnect'));
    c.resume();
    await withTimeout(once(c, 'close'), 10_000, 'close');
    srv.close();
    assert.deepEqual(events, [['OCSPResponse', null], 'secureConnect']);
  });

  it('a tls-rs client fails the handshake cleanly when a built-in server staples them', async () => {
    const nodeTls = require('node:tls');
    const srv = nodeTls.createServer(CERT, (s) => s.end());
    srv.on('OCSPRequest', (cert, issuer, cb) => cb(null, Buffer.from('not an OCSP response')));
    const port = await listen(srv);
    const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', requestOCSP: true });
    const events = [];
    c.on('OCSPResponse', () => events.push('OCSPResponse'));
    c.on('secureConnect', () => events.push('secureConnect'));
    c.on('error', (err) => events.push(err.library));
    await withTimeout(once(c, 'close'), 10_000, 'close');
    srv.close();
    assert.deepEqual(events, ['asn1 encoding routines']);
  });
});
