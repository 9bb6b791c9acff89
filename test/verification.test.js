'use strict';
// Certificate verification on clients and servers: every failure carries Node's code and
// message, rejectUnauthorized decides between 'error' and an unauthorized 'secureConnect'.

const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { differential, fixture } = require('./helpers/differential');
const { connectAndRecord } = require('./helpers/verification');

const ca = fixture('ca-cert.pem');

// The server is always a plain echo server; the client's options vary.
const connectTo = (env, { serverCerts, server = {}, client }) =>
  connectAndRecord(env, { server: { ...serverCerts, ...server }, client });

const leaf = (name, chain) => ({ key: fixture(`${name}-key.pem`), cert: fixture(chain || `${name}-cert.pem`) });

const CLIENT_CASES = [
  ['trusted chain', leaf('agent', 'agent-chain.pem'), { ca, servername: 'localhost' }],
  ['self-signed leaf (DEPTH_ZERO_SELF_SIGNED_CERT)', leaf('selfsigned'), { ca, servername: 'localhost' }],
  ['leaf without its intermediate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', leaf('agent'), { ca, servername: 'localhost' }],
  ['unknown root (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)', leaf('agent', 'agent-chain.pem'), { servername: 'localhost' }],
  ['root sent in the chain but not trusted (SELF_SIGNED_CERT_IN_CHAIN)', {
    key: fixture('agent-key.pem'),
    cert: Buffer.concat([fixture('agent-chain.pem'), fixture('ca-cert.pem')]),
  }, { ca: fixture('selfsigned-cert.pem'), servername: 'localhost' }],
  ['expired (CERT_HAS_EXPIRED)', leaf('expired'), { ca, servername: 'localhost' }],
  ['not yet valid (CERT_NOT_YET_VALID)', leaf('notyet'), { ca, servername: 'localhost' }],
  ['wrong host (ERR_TLS_CERT_ALTNAME_INVALID)', leaf('wronghost'), { ca, servername: 'localhost' }],
  ['host checked against host when no servername', leaf('agent', 'agent-chain.pem'), { ca }],
  ['custom checkServerIdentity returning an error', leaf('agent', 'agent-chain.pem'), {
    ca, servername: 'localhost',
    checkServerIdentity: (host, cert) => Object.assign(new Error(`no ${host} ${cert.subject.CN}`), { code: 'CUSTOM' }),
  }],
];

describe('client verification matches built-in tls', () => {
  for (const [name, serverCerts, client] of CLIENT_CASES) {
    for (const rejectUnauthorized of [true, false]) {
      it(`${name}, rejectUnauthorized ${rejectUnauthorized}`, async () => {
        await differential((env) => connectTo(env, {
          serverCerts,
          client: { ...client, rejectUnauthorized },
        }), { side: 'client' });
      });
    }
  }
});

describe('server client-certificate checks match built-in tls', () => {
  const serverCerts = leaf('agent', 'agent-chain.pem');
  const cases = [
    ['trusted client certificate', { requestCert: true, ca }, leaf('client')],
    ['untrusted client certificate, rejectUnauthorized false', { requestCert: true, rejectUnauthorized: false, ca }, leaf('selfsigned')],
    ['untrusted client certificate, rejectUnauthorized true', { requestCert: true, ca }, leaf('selfsigned')],
    ['no client certificate, rejectUnauthorized true', { requestCert: true, ca }, {}],
    ['no client certificate, rejectUnauthorized false', { requestCert: true, rejectUnauthorized: false, ca }, {}],
    ['certificate not requested', {}, leaf('client')],
  ];
  for (const [name, server, clientCert] of cases) {
    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      it(`${name}, ${version}`, async () => {
        await differential((env) => connectTo(env, {
          serverCerts,
          server,
          client: { ca, servername: 'localhost', maxVersion: version, ...clientCert },
        }), { side: 'server' });
      });
    }
  }
});

// A requestCert server whose client sent no certificate, though verifyError() is empty (Node's
// VerifyPeerCertificate passes PSK and TLS 1.3 resumption): not authorized. Node 24.22.3+ checks
// hasPeerCertificate(); before, it authorized PSK and never resumed such a TLS 1.3 session
// (lib/server.js, lib/host-tls.js). Whether the second connection resumed is not compared: Node
// 18-22's server does not resume there, tls-rs's does.
describe('a requestCert server and a client without a certificate', () => {
  const { describeError, listen, once } = require('./helpers/differential');
  const assert = require('node:assert/strict');
  const tlsRs = require('..');
  const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
  const client = { host: '127.0.0.1', servername: 'localhost', ca };

  for (const side of ['server', 'both']) {
    it(`TLS 1.3, resumed: not authorized (tls-rs as ${side})`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer({ ...certs, ca, requestCert: true, rejectUnauthorized: false }, (s) => {
          rec.add('server', 'secureConnection', { authorized: s.authorized, authorizationError: s.authorizationError });
          s.end();
        });
        const port = await listen(srv);
        let session;
        for (let i = 0; i < 2; i++) {
          const c = clientTls.connect({ ...client, port, session });
          c.on('session', (s) => { session = s; });
          c.on('error', (err) => rec.add('client', 'error', describeError(err)));
          c.resume();
          await once(c, 'close');
        }
        srv.close();
        await once(srv, 'close');
      }, { side });
    });

    it(`PSK: authorized only before Node 24.22.3 (tls-rs as ${side})`, async () => {
      const psk = Buffer.from('d731ef57be09e5204f0b205b60627028', 'hex');
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer({
          requestCert: true, rejectUnauthorized: false, ciphers: 'PSK+HIGH', maxVersion: 'TLSv1.2', pskCallback: () => psk,
        }, (s) => {
          rec.add('server', 'secureConnection', { authorized: s.authorized, authorizationError: s.authorizationError });
          s.end();
        });
        const port = await listen(srv);
        const c = clientTls.connect({
          port, host: '127.0.0.1', ciphers: 'PSK+HIGH', maxVersion: 'TLSv1.2', checkServerIdentity: () => undefined,
          pskCallback: () => ({ psk, identity: 'client' }),
        });
        c.on('error', (err) => rec.add('client', 'error', describeError(err)));
        c.resume();
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side });
    });
  }

  // The bypass this closes: a ticket a lenient server gave a client without a certificate, taken
  // to a rejectUnauthorized server with the same ticket keys, must not open a connection there.
  it('a ticket from a lenient server does not get past a rejectUnauthorized one', async () => {
    const shared = { ...certs, ca, requestCert: true, ticketKeys: Buffer.alloc(48, 7), sessionIdContext: 'shared' };
    const lenient = tlsRs.createServer({ ...shared, rejectUnauthorized: false }, (s) => s.end());
    const accepted = [];
    const strict = tlsRs.createServer({ ...shared, rejectUnauthorized: true }, (s) => { accepted.push(s.authorized); s.end(); });
    strict.on('tlsClientError', () => {});
    const lenientPort = await listen(lenient);
    const strictPort = await listen(strict);
    let session;
    const first = tlsRs.connect({ ...client, port: lenientPort });
    first.on('session', (s) => { session = s; });
    first.resume();
    await once(first, 'close');
    assert.ok(session, 'the lenient server issued a ticket');
    const second = tlsRs.connect({ ...client, port: strictPort, session });
    second.on('error', () => {});
    second.resume();
    await once(second, 'close');
    assert.deepEqual(accepted, []);
    lenient.close();
    strict.close();
    await Promise.all([once(lenient, 'close'), once(strict, 'close')]);
  });
});

// tls-rs answers the plain host-name case natively (lib/connect.js, src/x509/identity.rs): a
// replaced getPeerCertificate or checkServerIdentity must still be called as Node calls it.
describe('the host-name check', () => {
  const binding = require('../lib/binding');
  const { tlsRs, nodeTls } = require('./helpers/differential');
  const { once } = require('./helpers/differential');

  /** Connects a `clientTls` client to a built-in server with `serverCerts`; resolves the socket once closed. */
  async function connectOnce(clientTls, serverCerts, client) {
    const server = nodeTls.createServer(serverCerts, (s) => s.end('bye'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = clientTls.connect({ port: server.address().port, host: '127.0.0.1', ca, ...client });
      socket.on('error', () => {});
      socket.resume();
      await once(socket, 'close');
      return socket;
    } finally {
      server.close();
    }
  }

  it('a replaced TLSSocket.prototype.getPeerCertificate is called as in Node', async () => {
    await differential(async ({ clientTls, rec }) => {
      const proto = clientTls.TLSSocket.prototype;
      const original = proto.getPeerCertificate;
      proto.getPeerCertificate = function(...args) {
        rec.add('client', 'getPeerCertificate', args);
        return original.apply(this, args);
      };
      try {
        const socket = await connectOnce(clientTls, leaf('agent', 'agent-chain.pem'), { servername: 'localhost' });
        rec.add('client', 'authorized', socket.authorized);
      } finally {
        proto.getPeerCertificate = original;
      }
    }, { side: 'client' });
  });

  it('a checkServerIdentity of the caller gets the host and the certificate, as in Node', async () => {
    await differential(async ({ clientTls, rec }) => {
      const socket = await connectOnce(clientTls, leaf('agent', 'agent-chain.pem'), {
        servername: 'localhost',
        checkServerIdentity: (host, cert) => { rec.add('client', 'checkServerIdentity', host, cert.subjectaltname, cert.subject.CN); },
      });
      rec.add('client', 'authorized', socket.authorized);
    }, { side: 'client' });
  });

  it('a host that is one of the DNS names builds no certificate object; other names do', async () => {
    const original = binding.TlsConnection.prototype.getPeerCertificate;
    let built = 0;
    binding.TlsConnection.prototype.getPeerCertificate = function(...args) {
      built++;
      return original.apply(this, args);
    };
    try {
      // agent-chain.pem names localhost.
      const plain = await connectOnce(tlsRs, leaf('agent', 'agent-chain.pem'), { servername: 'LocalHost.' });
      assert.equal(plain.authorized, true);
      assert.equal(built, 0);
      const wrong = await connectOnce(tlsRs, leaf('wronghost'), { servername: 'localhost', rejectUnauthorized: false });
      assert.equal(wrong.authorizationError, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(built, 1, 'a host the certificate does not name goes to checkServerIdentity');
    } finally {
      binding.TlsConnection.prototype.getPeerCertificate = original;
    }
  });
});
