'use strict';
// Handshake events, their order, and what a connected socket reports — identical to built-in tls
// whichever end tls-rs is on.

const { describe, it } = require('node:test');
const {
  differential, describeCertificate, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS,
} = require('./helpers/differential');

const CERTS = {
  rsa: { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') },
  ecdsa: { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') },
};
const ca = fixture('ca-cert.pem');

function describeSocket(s, { ephemeral }) {
  return {
    encrypted: s.encrypted,
    authorized: s.authorized,
    authorizationError: s.authorizationError,
    protocol: s.getProtocol(),
    cipher: s.getCipher(),
    alpnProtocol: s.alpnProtocol,
    servername: s.servername,
    reused: s.isSessionReused(),
    peer: describeCertificate(s.getPeerCertificate()),
    peerChain: describeCertificate(s.getPeerCertificate(true)),
    own: describeCertificate(s.getCertificate()),
    peerX509: s.getPeerX509Certificate()?.fingerprint256,
    ownX509: s.getX509Certificate()?.fingerprint256,
    ...(ephemeral ? { ephemeral: s.getEphemeralKeyInfo() } : {}),
    remoteAddress: s.remoteAddress,
    remoteFamily: s.remoteFamily,
    localAddress: s.localAddress,
    addressFamily: s.address().family,
  };
}

// The seed docs' echo exchange: the server greets, echoes, and ends when the client ends.
async function echo({ clientTls, serverTls, rec }, { certs, server = {}, client = {}, ephemeral }) {
  const srv = serverTls.createServer({ ...certs, ...server }, (s) => {
    rec.add('server', 'secureConnection', describeSocket(s, { ephemeral: false }));
    rec.watch(s, 'server-socket', SOCKET_EVENTS);
    s.write('welcome!\n');
    s.pipe(s);
  });
  rec.watch(srv, 'server', SERVER_EVENTS);
  const port = await listen(srv);
  const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...client });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('secureConnect', () => {
    rec.add('client', 'at secureConnect', describeSocket(c, { ephemeral }));
    c.write('hello');
  });
  c.setEncoding('utf8');
  let received = '';
  c.on('data', (d) => {
    received += d;
    if (received === 'welcome!\nhello') c.end();
  });
  await once(c, 'close');
  rec.add('client', 'after close', { received, cert: c.getPeerCertificate(), cipher: c.getCipher() });
  srv.close();
  await once(srv, 'close');
}

describe('handshake: events and socket properties match built-in tls', () => {
  for (const certName of Object.keys(CERTS)) {
    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      for (const side of ['client', 'server', 'both']) {
        it(`${certName}, ${version}, tls-rs as ${side}`, async () => {
          await differential((env) => echo(env, {
            certs: CERTS[certName],
            client: { maxVersion: version },
            // Both ends tls-rs negotiate the post-quantum hybrid group Node cannot; compare the
            // ephemeral key only where Node is one end.
            ephemeral: side !== 'both',
          }), { side });
        });
      }
    }
  }

  it('server requesting a client certificate, client sends a trusted one', async () => {
    for (const side of ['client', 'server']) {
      await differential((env) => echo(env, {
        certs: CERTS.rsa,
        server: { requestCert: true, ca },
        client: { key: fixture('client-key.pem'), cert: fixture('client-cert.pem') },
      }), { side });
    }
  });

  it('server requesting a client certificate, rejectUnauthorized false, client sends none', async () => {
    for (const side of ['client', 'server']) {
      await differential((env) => echo(env, {
        certs: CERTS.rsa,
        server: { requestCert: true, rejectUnauthorized: false, ca },
      }), { side });
    }
  });
});
