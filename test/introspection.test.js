'use strict';
// Introspection: exportKeyingMaterial, getFinished / getPeerFinished, getSharedSigalgs,
// getX509Certificate / getPeerX509Certificate, getCipher, getEphemeralKeyInfo — their values
// before the handshake, once secure (the two ends agree with each other) and after destroy(),
// and Node's argument validation. Then setMaxSendFragment(): validation, results, and the record
// sizes seen on the wire through a counting TCP relay. Differential against built-in tls.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { X509Certificate } = require('node:crypto');
const {
  differential, describeError, fixture, once, listen,
} = require('./helpers/differential');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const CLIENT_CERT = { key: fixture('client-key.pem'), cert: fixture('client-cert.pem') };
const ca = fixture('ca-cert.pem');
const SIDES = ['client', 'server', 'both'];
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];

function outcome(fn) {
  try {
    const v = fn();
    return { returned: describeValue(v) };
  } catch (err) {
    return { threw: describeError(err) };
  }
}

function describeValue(v) {
  if (Buffer.isBuffer(v)) return { buffer: v.length };
  if (v instanceof X509Certificate) {
    // Node links a peer's X509Certificate to the rest of the chain the peer sent.
    const issuers = [];
    for (let i = v.issuerCertificate; i && issuers.length < 5; i = i.issuerCertificate) {
      issuers.push({ x509: i instanceof X509Certificate, subject: i.subject });
    }
    return { x509: v.constructor === X509Certificate || Object.getPrototypeOf(v) instanceof X509Certificate,
      subject: v.subject, fingerprint256: v.fingerprint256, issuers };
  }
  return v;
}

/**
 * Everything a socket tells about itself, as comparable data. The peer's X509Certificate is
 * kept in `seen`: Node's client-side getPeerX509Certificate() takes the certificate out of
 * OpenSSL's peer chain, so a second call answers differently (tls-rs does not copy that).
 */
function introspect(s, seen = {}) {
  return {
    finished: outcome(() => s.getFinished()),
    peerFinished: outcome(() => s.getPeerFinished()),
    x509: outcome(() => s.getX509Certificate()),
    peerX509: outcome(() => (seen.peerX509 = s.getPeerX509Certificate())),
    cipher: outcome(() => s.getCipher()),
    ekm: outcome(() => s.exportKeyingMaterial(8, 'EXPERIMENTAL-tls-rs')),
  };
}

/** Node's validation of exportKeyingMaterial and setMaxSendFragment. */
function validation(s) {
  return {
    ekmZero: outcome(() => s.exportKeyingMaterial(0, 'x')),
    ekmNegative: outcome(() => s.exportKeyingMaterial(-1, 'x')),
    ekmFloat: outcome(() => s.exportKeyingMaterial(1.5, 'x')),
    ekmString: outcome(() => s.exportKeyingMaterial('8', 'x')),
    ekmLabel: outcome(() => s.exportKeyingMaterial(8, 1)),
    ekmContext: outcome(() => s.exportKeyingMaterial(8, 'x', 'ctx')),
    ekmUint8Context: outcome(() => s.exportKeyingMaterial(8, 'x', new Uint8Array(3))),
    ekmEmptyLabel: outcome(() => s.exportKeyingMaterial(4, '')),
    msf: [undefined, 'a', 1.5, 511, 512, 1000, 16384, 16385, -1, 2 ** 31].map((v) => outcome(() => s.setMaxSendFragment(v))),
  };
}

describe('introspection differential', () => {
  for (const side of SIDES) {
    for (const version of VERSIONS) {
      it(`${version}, tls-rs as ${side}`, () => differential(async ({ clientTls, serverTls, rec }) => {
        let serverSocket;
        const srv = serverTls.createServer({ ...CERT, maxVersion: version, requestCert: true, ca }, (s) => {
          serverSocket = s;
        });
        const port = await listen(srv);
        // X25519 as Node 20 negotiates it (two OpenSSL 4.0 ends would pick a hybrid ML-KEM group,
        // which has no ephemeral key info).
        const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: version,
          ecdhCurve: 'X25519:prime256v1', ...CLIENT_CERT });
        rec.add('client', 'before handshake', introspect(c), outcome(() => c.getSharedSigalgs()));
        await once(c, 'secureConnect');
        if (!serverSocket) await once(srv, 'secureConnection');
        const s = serverSocket;
        const seen = {};
        rec.add('client', 'protocol', c.getProtocol(), s.getProtocol());
        rec.add('client', 'secure', introspect(c, seen), validation(c));
        rec.add('server', 'secure', introspect(s), validation(s));
        // Node 20's OpenSSL 3.0 and tls-rs's 4.0 share different lists when both ends are 4.0.
        if (side !== 'both') rec.add('both', 'sigalgs', c.getSharedSigalgs(), s.getSharedSigalgs());
        rec.add('both', 'server sigalgs non-empty', s.getSharedSigalgs().length > 0);
        // JSON: the key order too.
        rec.add('both', 'ephemeral', JSON.stringify(c.getEphemeralKeyInfo()), s.getEphemeralKeyInfo());
        // The two ends agree.
        rec.add('both', 'finished', c.getFinished().equals(s.getPeerFinished()), s.getFinished().equals(c.getPeerFinished()),
          c.getFinished().equals(c.getPeerFinished()));
        const ctx = Buffer.from('context');
        rec.add('both', 'ekm', c.exportKeyingMaterial(32, 'EXPERIMENTAL-a', ctx).equals(s.exportKeyingMaterial(32, 'EXPERIMENTAL-a', ctx)),
          c.exportKeyingMaterial(32, 'EXPERIMENTAL-a').equals(s.exportKeyingMaterial(32, 'EXPERIMENTAL-a')),
          c.exportKeyingMaterial(32, 'EXPERIMENTAL-a').equals(c.exportKeyingMaterial(32, 'EXPERIMENTAL-b')),
          // No context and an empty context are the same only in TLS 1.3.
          c.exportKeyingMaterial(32, 'L').equals(c.exportKeyingMaterial(32, 'L', Buffer.alloc(0))));
        rec.add('both', 'certificates', seen.peerX509.raw.equals(s.getX509Certificate().raw),
          s.getPeerX509Certificate().raw.equals(c.getX509Certificate().raw));
        c.destroy();
        s.destroy();
        rec.add('client', 'after destroy', introspect(c), outcome(() => c.getSharedSigalgs()),
          outcome(() => c.setMaxSendFragment(1000)), outcome(() => c.getEphemeralKeyInfo()));
        srv.close();
        await once(srv, 'close');
      }, { side }));
    }
  }

  it('a server without a client certificate has no peer X509Certificate (tls-rs as both)', () => differential(async ({ clientTls, serverTls, rec }) => {
    const srv = serverTls.createServer({ ...CERT }, (s) => {
      rec.add('server', outcome(() => s.getPeerX509Certificate()), outcome(() => s.getX509Certificate()));
      s.end();
    });
    const port = await listen(srv);
    const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    c.on('secureConnect', () => rec.add('client', outcome(() => c.getX509Certificate())));
    c.resume();
    await once(c, 'close');
    srv.close();
    await once(srv, 'close');
  }, { side: 'both' }));

  // A client's peer X509Certificate comes from the chain the server sent, which a TLS 1.2
  // resumption does not repeat: Node answers undefined then, not the session's certificate.
  for (const side of SIDES) {
    it(`a resumed TLS 1.2 client has no peer X509Certificate (tls-rs as ${side})`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2' }, (s) => s.end());
      const port = await listen(srv);
      let session;
      for (const round of ['full', 'resumed']) {
        const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', session });
        c.on('session', (s) => { session = s; });
        c.on('secureConnect', () => rec.add('client', round, c.isSessionReused(), outcome(() => c.getPeerX509Certificate())));
        c.resume();
        await once(c, 'close');
      }
      srv.close();
      await once(srv, 'close');
    }, { side }));
  }
});

// Node 24's and 26's own getEphemeralKeyInfo() crashes the process when called before the
// handshake (SIGSEGV in SSL_get0_group_name; 24.22.3 and 26.12.1 checked): there the oracle
// cannot answer, and tls-rs is held to what Node 18-22 answer, {}.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const BUILT_IN_CRASHES_BEFORE_HANDSHAKE = NODE_MAJOR >= 24;

describe('getEphemeralKeyInfo', () => {
  const cases = {
    'DHE (TLS 1.2)': { server: { dhparam: fixture('dhparam-2048.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' } },
    'ECDHE P-256 (TLS 1.2)': { server: { ecdhCurve: 'prime256v1', maxVersion: 'TLSv1.2' } },
    'X448 (TLS 1.3)': { server: { ecdhCurve: 'X448' } },
  };
  for (const [name, { server }] of Object.entries(cases)) {
    it(`${name} (tls-rs as client)`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const srv = serverTls.createServer({ ...CERT, ...server }, (s) => {
        rec.add('server', JSON.stringify(s.getEphemeralKeyInfo()));
        s.end();
      });
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', ciphers: server.ciphers });
      if (!BUILT_IN_CRASHES_BEFORE_HANDSHAKE) rec.add('client', 'before', JSON.stringify(c.getEphemeralKeyInfo()));
      else if (clientTls !== require('node:tls')) assert.equal(JSON.stringify(c.getEphemeralKeyInfo()), '{}');
      c.on('secureConnect', () => rec.add('client', JSON.stringify(c.getEphemeralKeyInfo()), c.getCipher()));
      c.resume();
      await once(c, 'close');
      rec.add('client', 'after', JSON.stringify(c.getEphemeralKeyInfo()));
      srv.close();
      await once(srv, 'close');
    }, { side: 'client' }));
  }

  // Node 18/20 cannot negotiate a hybrid group; what Node 24 (OpenSSL 3.5) reports for one, recorded
  // from node 24.22.3: client { type: 'TLSGroup', name: 'X25519MLKEM768', size: undefined } (its
  // object always has the three keys), server null. On 18/20 tls-rs adds it as { type, name }.
  for (const ecdhCurve of [undefined, 'X25519MLKEM768']) {
    it(`a hybrid post-quantum group is named as Node 24 names it (ecdhCurve ${ecdhCurve})`, async () => {
      const tlsRs = require('..');
      let serverInfo;
      const srv = tlsRs.createServer({ ...CERT, ecdhCurve }, (s) => {
        serverInfo = s.getEphemeralKeyInfo();
        s.end();
      });
      const port = await listen(srv);
      try {
        const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', ecdhCurve });
        await once(c, 'secureConnect');
        if (NODE_MAJOR === 22) {
          // Node 22 negotiates the group itself and reports {} for it (recorded from 22.23.5).
          assert.deepEqual(c.getEphemeralKeyInfo(), {});
        } else if (NODE_MAJOR >= 24) { // (26.12.1 answers as 24)
          assert.deepEqual(c.getEphemeralKeyInfo(), { type: 'TLSGroup', name: 'X25519MLKEM768', size: undefined });
          assert.deepEqual(Object.keys(c.getEphemeralKeyInfo()), ['type', 'name', 'size']);
        } else {
          assert.deepEqual(c.getEphemeralKeyInfo(), { type: 'TLSGroup', name: 'X25519MLKEM768' });
          assert.deepEqual(Object.keys(c.getEphemeralKeyInfo()), ['type', 'name']);
        }
        c.resume();
        await once(c, 'close');
        assert.equal(serverInfo, null);
      } finally {
        srv.close();
      }
    });
  }
});

describe('setMaxSendFragment on the wire', () => {
  /** The sizes of the application-data records the client sends, seen by a TCP relay. */
  function relay(targetPort) {
    const sizes = [];
    const server = net.createServer((down) => {
      const up = net.connect(targetPort, '127.0.0.1');
      let pending = Buffer.alloc(0);
      down.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
          const length = pending.readUInt16BE(3);
          if (pending[0] === 23) sizes.push(length);
          pending = pending.subarray(5 + length);
        }
        up.write(chunk);
      });
      up.pipe(down);
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
      down.on('close', () => up.destroy());
    });
    return { server, sizes };
  }

  for (const version of VERSIONS) {
    it(`${version}: records follow the fragment size (tls-rs as client)`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const payload = Buffer.alloc(4000, 'x');
      const srv = serverTls.createServer({ ...CERT, maxVersion: version }, (s) => {
        let got = 0;
        s.on('data', (d) => {
          got += d.length;
          if (got === payload.length * 2) s.end();
        });
      });
      const port = await listen(srv);
      const r = relay(port);
      const relayPort = await listen(r.server);
      const c = clientTls.connect({ port: relayPort, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: version });
      await once(c, 'secureConnect');
      // Before any limit: one record; then records of at most 512 bytes of cleartext.
      await new Promise((resolve) => c.write(payload, resolve));
      rec.add('client', 'set 512', c.setMaxSendFragment(512));
      await new Promise((resolve) => c.write(payload, resolve));
      c.resume();
      await once(c, 'close');
      r.server.close();
      srv.close();
      await once(srv, 'close');
      // Record overhead (AEAD tag, TLS 1.3 content type, TLS 1.2 explicit nonce) is < 64 bytes.
      const big = r.sizes.filter((n) => n > 512 + 64).length;
      const small = r.sizes.filter((n) => n > 512 && n <= 512 + 64).length;
      rec.add('wire', { records: r.sizes.length, big, small });
      assert.equal(big, 1);
      assert.equal(small, Math.floor(payload.length / 512));
    }, { side: 'client' }));
  }
});
