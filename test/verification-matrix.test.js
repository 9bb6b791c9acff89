'use strict';
// The certificate verification matrix with built-in tls as the oracle: for every way a peer's
// certificate can be wrong, tls-rs reaches the same verdict, err.code, message, `authorized`
// and `authorizationError` as Node 20, on clients and on servers with requestCert.
//
// The PKI is made once per run with the openssl CLI (EC keys, except where RSA is the point);
// dated and revoked certificates come from test/fixtures.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, describe, it } = require('node:test');
const { differential, describeError, fixture, once, nodeTls, tlsRs } =
  require('./helpers/differential');
const { connectAndRecord: connect } = require('./helpers/verification');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-matrix-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const read = (name) => fs.readFileSync(path.join(dir, name));

function newKey(name, kind = 'ec') {
  if (kind === 'ec') openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  else openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${kind.slice(3)}`, '-out', `${name}.key`);
}

/** A certificate `name` for `subject`, signed by `issuer` (or self-signed), with extensions `ext`. */
function issue(name, { subject, issuer, ext, key = 'ec' }) {
  newKey(name, key);
  fs.writeFileSync(path.join(dir, `${name}.ext`), `[v3]\n${ext.join('\n')}\n`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
  const signer = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-key', `${name}.key`];
  const serial = String(BigInt('0x' + require('node:crypto').randomBytes(8).toString('hex')));
  openssl('x509', '-req', '-in', `${name}.csr`, ...signer, '-set_serial', serial, '-days', '3650',
    '-extfile', `${name}.ext`, '-extensions', 'v3', '-out', `${name}.pem`);
}

const CA_EXT = ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
  'subjectKeyIdentifier = hash'];
const leafExt = (san) => [
  'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment',
  'extendedKeyUsage = serverAuth, clientAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
  ...(san ? [`subjectAltName = ${san}`] : []),
];

issue('root', { subject: '/CN=Matrix Root', ext: CA_EXT });
issue('inter', { subject: '/CN=Matrix Intermediate', issuer: 'root', ext: [...CA_EXT, 'authorityKeyIdentifier = keyid'] });
issue('otherroot', { subject: '/CN=Matrix Other Root', ext: CA_EXT });
const LEAVES = {
  cnonly: { subject: '/CN=localhost' },
  cnother: { subject: '/CN=other.example' },
  san: { subject: '/CN=cn.example', san: 'DNS:localhost, DNS:www.example.org' },
  wildcard: { subject: '/CN=wildcard', san: 'DNS:*.example.com' },
  partial: { subject: '/CN=partial', san: 'DNS:f*.example.com, DNS:*z.example.net, DNS:a.*.example.org' },
  // DNS names that are not plain host names (the client's DNS-name shortcut leaves them to Node).
  oddnames: { subject: '/CN=oddnames', san: 'DNS:127.0.0.1, DNS:fqdn.example., DNS:xn--bcher-kva.example, DNS:under_score.example' },
  ip: { subject: '/CN=ip', san: 'IP:127.0.0.1, IP:::1' },
  ipother: { subject: '/CN=ipother', san: 'DNS:localhost, IP:10.0.0.1, IP:fe80::1' },
  chained: { subject: '/CN=chained', san: 'DNS:localhost', issuer: 'inter' },
  untrusted: { subject: '/CN=untrusted', san: 'DNS:localhost', issuer: 'otherroot' },
  weak: { subject: '/CN=weak', san: 'DNS:localhost', key: 'rsa768' },
  rsa2048: { subject: '/CN=rsa2048', san: 'DNS:localhost', key: 'rsa2048' },
};
for (const [name, { subject, san, issuer = 'root', key }] of Object.entries(LEAVES)) {
  issue(name, { subject, issuer, key, ext: leafExt(san) });
}

/** The PEM of `pem` with one bit of its signature flipped (the DER ends with the signature). */
function tamperSignature(pem) {
  const der = Buffer.from(pem.toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 1] ^= 0x01;
  const b64 = der.toString('base64').match(/.{1,64}/g).join('\n');
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
}

const id = (name) => ({ key: read(`${name}.key`), cert: read(`${name}.pem`) });
const ID = {
  ...Object.fromEntries(Object.keys(LEAVES).map((n) => [n, id(n)])),
  chain: { key: read('chained.key'), cert: Buffer.concat([read('chained.pem'), read('inter.pem')]) },
  badsig: { key: read('san.key'), cert: tamperSignature(read('san.pem')) },
  selfsigned: { key: fixture('selfsigned-key.pem'), cert: fixture('selfsigned-cert.pem') },
  rootInChain: { key: read('untrusted.key'), cert: Buffer.concat([read('untrusted.pem'), read('otherroot.pem')]) },
  expired: { key: fixture('expired-key.pem'), cert: fixture('expired-cert.pem') },
  notyet: { key: fixture('notyet-key.pem'), cert: fixture('notyet-cert.pem') },
  revoked: { key: fixture('revoked-key.pem'), cert: fixture('revoked-cert.pem') },
  fixtureLeaf: { key: fixture('agent-key.pem'), cert: fixture('ec-cert.pem') },
};
ID.fixtureLeaf.key = fixture('ec-key.pem');
const root = read('root.pem');
const fixtureCa = fixture('ca-cert.pem');
const bothRoots = [root, fixtureCa];
const crl = fixture('ca-crl.pem');
// Lets a context load a key below security level 1 (the weak-key cases).
const SECLEVEL0 = 'DEFAULT@SECLEVEL=0';

// [name, server identity and options, client options]; each runs with rejectUnauthorized true and false.
const CLIENT_CASES = [
  ['CN-only certificate, CN matches', ID.cnonly, { ca: root, servername: 'localhost' }],
  ['CN-only certificate, CN differs', ID.cnother, { ca: root, servername: 'localhost' }],
  ['SAN certificate, DNS name matches', ID.san, { ca: root, servername: 'www.example.org' }],
  ['SAN certificate, host matches only the CN', ID.san, { ca: root, servername: 'cn.example' }],
  ['SAN certificate, host differs', ID.san, { ca: root, servername: 'nope.example.org' }],
  ['SAN certificate, DNS name in other letter case', ID.san, { ca: root, servername: 'WWW.Example.ORG' }],
  ['SAN certificate, DNS name with a trailing dot', ID.san, { ca: root, servername: 'www.example.org.' }],
  ['SAN certificate, DNS name with two trailing dots', ID.san, { ca: root, servername: 'www.example.org..' }],
  ['DNS name 127.0.0.1 vs the IP host 127.0.0.1', ID.oddnames, { ca: root }],
  ['DNS name with a trailing dot vs the name without', ID.oddnames, { ca: root, servername: 'fqdn.example' }],
  ['DNS name xn--bcher-kva.example', ID.oddnames, { ca: root, servername: 'xn--bcher-kva.example' }],
  ['DNS name under_score.example', ID.oddnames, { ca: root, servername: 'under_score.example' }],
  ['*.example.com vs a.example.com', ID.wildcard, { ca: root, servername: 'a.example.com' }],
  ['*.example.com vs a.b.example.com', ID.wildcard, { ca: root, servername: 'a.b.example.com' }],
  ['*.example.com vs example.com', ID.wildcard, { ca: root, servername: 'example.com' }],
  ['*.example.com vs A.EXAMPLE.COM.', ID.wildcard, { ca: root, servername: 'A.EXAMPLE.COM.' }],
  ['f*.example.com vs foo.example.com', ID.partial, { ca: root, servername: 'foo.example.com' }],
  ['f*.example.com vs bar.example.com', ID.partial, { ca: root, servername: 'bar.example.com' }],
  ['*z.example.net vs baz.example.net', ID.partial, { ca: root, servername: 'baz.example.net' }],
  ['a.*.example.org vs a.b.example.org', ID.partial, { ca: root, servername: 'a.b.example.org' }],
  ['IP SAN matches 127.0.0.1', ID.ip, { ca: root }],
  ['IP SAN does not list 127.0.0.1', ID.ipother, { ca: root }],
  ['IP host against a DNS-only certificate', ID.san, { ca: root }],
  ['chain with its intermediate', ID.chain, { ca: root, servername: 'localhost' }],
  ['missing intermediate', ID.chained, { ca: root, servername: 'localhost' }],
  ['untrusted root', ID.untrusted, { ca: root, servername: 'localhost' }],
  ['self-signed root sent in the chain', ID.rootInChain, { ca: root, servername: 'localhost' }],
  ['self-signed leaf', ID.selfsigned, { ca: root, servername: 'localhost' }],
  ['expired', ID.expired, { ca: bothRoots, servername: 'localhost' }],
  ['not yet valid', ID.notyet, { ca: bothRoots, servername: 'localhost' }],
  ['revoked through a CRL', ID.revoked, { ca: fixtureCa, crl, servername: 'localhost' }],
  ['CRL given, certificate not revoked', ID.fixtureLeaf, { ca: fixtureCa, crl, servername: 'localhost' }],
  ['bad signature (tampered certificate)', ID.badsig, { ca: root, servername: 'localhost' }],
  ['RSA-768 leaf (below security level 1)', { ...ID.weak, ciphers: SECLEVEL0 }, { ca: root, servername: 'localhost' }],
  ['RSA-2048 leaf', ID.rsa2048, { ca: root, servername: 'localhost' }],
];

describe('verification matrix: clients', () => {
  for (const [name, server, client] of CLIENT_CASES) {
    for (const rejectUnauthorized of [true, false]) {
      it(`${name}, rejectUnauthorized ${rejectUnauthorized}`, async () => {
        await differential((env) => connect(env, { server, client: { ...client, rejectUnauthorized } }), { side: 'client' });
      });
    }
  }

  for (const [name, server, client] of [
    ['IPv6 host in the IP SANs', ID.ip, { ca: root }],
    ['IPv6 host not in the IP SANs', ID.ipother, { ca: root }],
  ]) {
    it(name, async () => {
      await differential((env) => connect(env, { server, client, listenHost: '::1' }), { side: 'client' });
    });
  }
});

// [name, server options (besides requestCert), client identity]
const SERVER_CASES = [
  ['trusted client chain', { ca: root }, ID.chain],
  ['client leaf without its intermediate', { ca: root }, ID.chained],
  ['client certificate from an untrusted root', { ca: root }, ID.untrusted],
  ['client sends an untrusted root in its chain', { ca: root }, ID.rootInChain],
  ['self-signed client certificate', { ca: root }, ID.selfsigned],
  ['expired client certificate', { ca: bothRoots }, ID.expired],
  ['not-yet-valid client certificate', { ca: bothRoots }, ID.notyet],
  ['revoked client certificate (server crl)', { ca: fixtureCa, crl }, ID.revoked],
  ['client certificate with a bad signature', { ca: root }, ID.badsig],
  ['RSA-768 client certificate', { ca: root }, { ...ID.weak, ciphers: SECLEVEL0 }],
  ['wrong-host client certificate (names are not checked on servers)', { ca: root }, ID.cnother],
];

// README, "OpenSSL 4.0": Node 20's OpenSSL 3.0 fails the first read after the handshake with the
// error the chain check left on the thread's queue (ERR_SSL_EVP_LIB for a tampered client
// certificate; Node 22/24's OpenSSL 3.5: ERR_SSL_PROVIDER_SIGNATURE_FAILURE); OpenSSL 4.0's SSL_get_error reads the connection's own state, so the handshake's
// verdict stands: the socket is unauthorized (CERT_SIGNATURE_FAILURE), and a rejectUnauthorized
// server closes it as any rejected one ('tlsClientError' ECONNRESET, 'socket hang up').
function withoutStaleQueueError(record) {
  const stale = (entry) => Array.isArray(entry) &&
    (entry[1]?.code === 'ERR_SSL_EVP_LIB' || entry[1]?.code === 'ERR_SSL_PROVIDER_SIGNATURE_FAILURE');
  record.server = record.server.filter((entry) => !(stale(entry) && entry[0] === 'socket error'))
    .map((entry) => (stale(entry) && entry[0] === 'tlsClientError'
      ? ['tlsClientError', { name: 'Error', code: 'ECONNRESET', message: 'socket hang up' }] : entry));
  return record;
}

describe('verification matrix: servers with requestCert', () => {
  for (const [name, server, clientId] of SERVER_CASES) {
    for (const rejectUnauthorized of [true, false]) {
      for (const maxVersion of rejectUnauthorized ? ['TLSv1.2', 'TLSv1.3'] : ['TLSv1.3']) {
        it(`${name}, rejectUnauthorized ${rejectUnauthorized}, ${maxVersion}`, async () => {
          await differential((env) => connect(env, {
            server: { ...ID.cnonly, ...server, requestCert: true, rejectUnauthorized },
            client: { ca: root, servername: 'localhost', maxVersion, ...clientId },
          }), { side: 'server', difference: clientId === ID.badsig ? withoutStaleQueueError : undefined });
        });
      }
    }
  }
});

describe('keys below the security level', () => {
  it('an RSA-768 certificate is refused when the context is made, as by built-in tls', () => {
    const attempt = (tls) => {
      try {
        tls.createSecureContext(ID.weak);
        return 'created';
      } catch (err) {
        return describeError(err);
      }
    };
    const expected = attempt(nodeTls);
    assert.notEqual(expected, 'created');
    assert.deepStrictEqual(attempt(tlsRs), expected);
  });
});
