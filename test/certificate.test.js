'use strict';
// Differential tests for the certificate objects (src/x509.rs): getPeerCertificate(),
// getPeerCertificate(true) and getCertificate() of tls-rs sessions must equal Node's built-in
// tls field by field, in the same key order, with the same null prototypes and the same
// (circular) issuer chain.
//
// Node's side runs real sockets; ours drives two native sessions back to back in memory, so this
// needs only the addon. Certificates are generated at runtime with the openssl CLI.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tls = require('node:tls');
const { inspect } = require('node:util');

const b = require('../lib/binding');
// Whose X509ToObject the running Node has: 20 (18/20), 22 or 24 (src/x509/mod.rs). The
// expectations below that hold for one of them say so.
const NODE_OBJECTS = require('../lib/host-tls').certificateObjects();
const connectionPair = require('./helpers/connection-pair');

const TLS1_2 = 0x0303;
const TLS1_3 = 0x0304;

function haveOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------
// Test PKI.

const EXTENSIONS = `
oid_section = new_oids

[new_oids]
tlsRsTestAttribute = 1.3.6.1.4.1.99999.42

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://ocsp.root.example/, caIssuers;URI:http://root.example/root.cer

[many]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.4.1.99999.7
subjectAltName = @many_alt
authorityInfoAccess = @many_aia

[many_alt]
DNS.1 = localhost
DNS.2 = *.example.com
DNS.3 = bücher.example.com
DNS.4 = it\\'s.example.com
IP.1 = 127.0.0.1
IP.2 = ::1
IP.3 = 2001:db8::ff
email.1 = admin@example.com
URI.1 = https://example.com/path?q=1
URI.2 = http://example.com/a,b
RID.1 = 1.2.3.4
otherName.1 = 1.3.6.1.5.5.7.8.5;UTF8:user@xmpp.example.com
otherName.2 = msUPN;UTF8:upn@example.com
otherName.3 = 1.2.3.4.5;UTF8:unknown kind
otherName.4 = 1.3.6.1.5.5.7.8.7;IA5:_srv.example.com
otherName.5 = 1.3.6.1.5.5.7.8.9;UTF8:smtp@example.com
otherName.6 = 1.3.6.1.5.5.7.8.8;UTF8:realm,with comma
otherName.7 = 1.3.6.1.5.5.7.8.5;IA5:wrong string type
dirName.1 = many_dir

[many_dir]
C = US
O = Dir, Inc. Grüße
CN = Dir Name

[many_aia]
OCSP;URI.0 = http://ocsp.example.com/
OCSP;URI.1 = http://ocsp2.example.com/
caIssuers;URI.2 = http://ca.example.com/a,b.cer
caIssuers;IP.3 = 10.0.0.1

[odd]
basicConstraints = CA:FALSE
subjectAltName = DNS:odd.example.com
authorityInfoAccess = @odd_aia

[odd_aia]
1.2.3.4;URI.0 = http://odd.example/
caIssuers;dirName.1 = many_dir
OCSP;otherName.2 = 1.3.6.1.5.5.7.8.5;UTF8:a,b
OCSP;otherName.3 = 1.3.6.1.5.5.7.8.7;IA5:_srv.example
OCSP;RID.4 = 1.2.3.4.5
OCSP;IP.5 = ::1
OCSP;email.6 = ocsp@example.com

[oddnames]
subjectAltName = DER:301087050102030405A300A505A1030C0178

[broken]
subjectAltName = DER:30030101FF
authorityInfoAccess = DER:30030101FF

[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:ec.example.com

[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = email:client@example.com

[no_cert_sign]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:localhost

[plain]
`;

class Pki {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-x509-'));
    this.extfile = this.file('ext.cnf', EXTENSIONS);
    this.serial = 0x1000;
  }

  file(name, contents) {
    const p = path.join(this.dir, name);
    if (contents !== undefined) fs.writeFileSync(p, contents);
    return p;
  }

  openssl(...args) {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  read(name) {
    return fs.readFileSync(this.file(name), 'utf8');
  }

  key(name, spec) {
    const out = `${name}.key`;
    if (spec === 'rsa-pss') {
      this.openssl('genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out);
    } else if (spec === 'rsa-big-exponent') {
      this.openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048',
                   '-pkeyopt', 'rsa_keygen_pubexp:0x1000000000000000000000001', '-out', out);
    } else if (spec.startsWith('rsa')) {
      this.openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(3)}`, '-out', out);
    } else if (spec === 'ed25519') {
      this.openssl('genpkey', '-algorithm', 'ed25519', '-out', out);
    } else {
      const [curve, form] = spec.split(':');
      this.openssl('ecparam', '-name', curve, '-genkey', '-noout', ...(form ? ['-conv_form', form] : []), '-out', out);
    }
    return out;
  }

  // A certificate for `name`, self-signed or issued by `issuer`; returns { key, cert } PEM.
  cert(name, { key = 'rsa2048', subject, issuer, ext = 'plain', days = 365, serial, utf8 = false, stringMask } = {}) {
    const keyFile = this.key(name, key);
    // `string_mask = default` makes req pick T61String / BMPString instead of UTF8String.
    const reqConfig = stringMask === undefined ? this.extfile :
      this.file(`${name}.cnf`, `${EXTENSIONS}\n[req]\ndistinguished_name = dn\nstring_mask = ${stringMask}\n[dn]\n`);
    const subj = ['-subj', subject, ...(utf8 ? ['-utf8'] : []), '-multivalue-rdn'];
    const certFile = `${name}.pem`;
    const serialArgs = ['-set_serial', serial ?? String(this.serial++)];
    if (!issuer) {
      this.openssl('req', '-new', '-x509', '-key', keyFile, ...subj, '-days', String(days), ...serialArgs,
                   '-config', reqConfig, '-extensions', ext, '-out', certFile);
    } else {
      this.openssl('req', '-new', '-key', keyFile, ...subj, '-config', reqConfig, '-out', `${name}.csr`);
      this.openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`,
                   ...serialArgs, '-days', String(days), '-extfile', this.extfile, '-extensions', ext,
                   '-out', certFile);
    }
    return { key: this.read(keyFile), cert: this.read(certFile) };
  }

  // A certificate with explicit validity dates (YYYYMMDDHHMMSSZ), via `openssl ca`.
  dated(name, { issuer, subject, startdate, enddate, ext = 'server' }) {
    const keyFile = this.key(name, 'prime256v1');
    this.openssl('req', '-new', '-key', keyFile, '-subj', subject, '-config', this.extfile, '-out', `${name}.csr`);
    fs.writeFileSync(this.file('index.txt'), '');
    fs.writeFileSync(this.file('serial'), '0A\n');
    const conf = this.file('ca.cnf', `${EXTENSIONS}
[ca_section]
dir = ${this.dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[ ca_default ]
`);
    this.openssl('ca', '-batch', '-config', conf, '-name', 'ca_section', '-cert', `${issuer}.pem`,
                 '-keyfile', `${issuer}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext',
                 '-startdate', startdate, '-enddate', enddate, '-extfile', this.extfile, '-extensions', ext);
    return { key: this.read(keyFile), cert: this.read(`${name}.pem`) };
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------
// Observations.

const ROOTS_LOADED = { done: false };

// Node's built-in tls over a real socket pair.
function nodeObserve(sc) {
  return new Promise((resolve, reject) => {
    const obs = {};
    let pending = 2;
    const finish = () => {
      if (--pending === 0) {
        server.close();
        resolve(obs);
      }
    };
    const version = sc.tls12 ? { maxVersion: 'TLSv1.2' } : {};
    const server = tls.createServer({
      key: sc.server.key, cert: sc.server.cert, ca: sc.server.ca,
      requestCert: !!sc.requestCert, rejectUnauthorized: false, ...version,
    }, (socket) => {
      obs.server = {
        peer: socket.getPeerCertificate(),
        detailed: socket.getPeerCertificate(true),
        own: socket.getCertificate(),
      };
      socket.on('error', () => {});
      socket.end();
      finish();
    });
    server.on('tlsClientError', reject);
    server.listen(0, '127.0.0.1', () => {
      const client = tls.connect({
        port: server.address().port, host: '127.0.0.1', servername: 'localhost',
        ca: sc.client.ca, key: sc.client.key, cert: sc.client.cert,
        rejectUnauthorized: false, ...version,
      }, () => {
        obs.client = {
          peer: client.getPeerCertificate(),
          detailed: client.getPeerCertificate(true),
          own: client.getCertificate(),
        };
        client.on('data', () => {});
        client.on('end', () => client.end());
        finish();
      });
      client.on('error', reject);
    });
  });
}

function nativeContext(side, tls12) {
  const ctx = new b.SecureContext();
  ctx.init(undefined, TLS1_2, tls12 ? TLS1_2 : TLS1_3);
  if (side.ca) {
    ctx.addCACert(Buffer.from(side.ca));
  } else {
    if (!ROOTS_LOADED.done) {
      b.loadRootCertificates(tls.rootCertificates);
      ROOTS_LOADED.done = true;
    }
    ctx.addRootCerts();
  }
  if (side.cert) ctx.setCert(Buffer.from(side.cert));
  if (side.key) ctx.setKey(Buffer.from(side.key));
  return ctx;
}

// tls-rs: two native connections wired back to back.
function oursObserve(sc) {
  const client = new b.TlsConnection(nativeContext(sc.client, sc.tls12), false);
  const server = new b.TlsConnection(nativeContext(sc.server, sc.tls12), true);
  if (sc.requestCert) server.setVerifyMode(true, false);
  client.setServername('localhost');
  connectionPair.handshake(client, server);
  assert.equal(client.takeError(), null);
  assert.equal(server.takeError(), null);
  assert.ok(client.handshakeDone && server.handshakeDone, 'handshake did not complete');
  const observe = (s) => ({ peer: s.getPeerCertificate(false), detailed: s.getPeerCertificate(true), own: s.getCertificate() });
  return { client: observe(client), server: observe(server) };
}

// ------------------------------------------------------------------------------------------
// Comparison: values, key order, prototypes and the shape of the issuer chain (cycles included).

function sameShape(actual, expected, where, seen = new Map()) {
  if (expected === null || typeof expected !== 'object') {
    assert.strictEqual(actual, expected, where);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object, got ${inspect(actual)}`);
  if (seen.has(expected)) {
    assert.strictEqual(actual, seen.get(expected), `${where}: issuer cycle differs`);
    return;
  }
  seen.set(expected, actual);
  assert.strictEqual(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), `${where}: prototype`);
  if (Buffer.isBuffer(expected)) {
    assert.ok(Buffer.isBuffer(actual), `${where}: not a Buffer`);
    assert.ok(actual.equals(expected), `${where}: bytes differ`);
    return;
  }
  assert.deepStrictEqual(Object.keys(actual), Object.keys(expected), `${where}: keys or key order`);
  for (const key of Object.keys(expected)) {
    sameShape(actual[key], expected[key], `${where}.${key}`, seen);
  }
}

function chainLength(cert) {
  const seen = new Set();
  while (cert && !seen.has(cert)) {
    seen.add(cert);
    cert = cert.issuerCertificate;
  }
  return seen.size;
}

// Compares one side's observations; `expectPeer` false: the peer sent no certificate.
function compareSide(ours, node, side, { expectPeer = true, expectOwn = true } = {}) {
  if (expectPeer) {
    sameShape(ours.peer, node.peer, `${side}.getPeerCertificate()`);
    sameShape(ours.detailed, node.detailed, `${side}.getPeerCertificate(true)`);
    assert.deepStrictEqual(ours.detailed, node.detailed); // cycle-aware structural check as well
    assert.equal(chainLength(ours.detailed), chainLength(node.detailed));
  } else {
    assert.deepStrictEqual(node.peer, {});
    assert.equal(ours.peer, null);
    assert.equal(ours.detailed, null);
  }
  if (expectOwn) {
    sameShape(ours.own, node.own, `${side}.getCertificate()`);
  } else {
    assert.deepStrictEqual(node.own, {});
    assert.equal(ours.own, null);
  }
}

async function differential(sc, expectations = {}) {
  const node = await nodeObserve(sc);
  const ours = oursObserve(sc);
  compareSide(ours.client, node.client, 'client', { expectOwn: !!sc.client.cert });
  compareSide(ours.server, node.server, 'server', { expectPeer: !!sc.client.cert && !!sc.requestCert });
  if (expectations.check) expectations.check(node);
  return node;
}

// ------------------------------------------------------------------------------------------

describe('the comparison itself', () => {
  it('notices key order, prototypes, values and cycle shape', () => {
    const np = (o) => Object.assign(Object.create(null), o);
    sameShape({ a: np({ x: '1' }), b: 2 }, { a: np({ x: '1' }), b: 2 }, 'same');
    assert.throws(() => sameShape({ b: 2, a: 1 }, { a: 1, b: 2 }, 'order'), /keys or key order/);
    assert.throws(() => sameShape({ a: { x: '1' } }, { a: np({ x: '1' }) }, 'proto'), /prototype/);
    assert.throws(() => sameShape({ a: Buffer.from('x') }, { a: Buffer.from('y') }, 'bytes'), /bytes differ/);
    const selfLoop = (o) => { o.issuerCertificate = o; return o; };
    const twoStep = () => { const leaf = { n: 1 }; leaf.issuerCertificate = { n: 1 }; leaf.issuerCertificate.issuerCertificate = leaf.issuerCertificate; return leaf; };
    assert.throws(() => sameShape(twoStep(), selfLoop({ n: 1 }), 'cycle'), /issuer cycle differs/);
  });
});

describe('certificate objects match Node\'s', { skip: !haveOpenssl() && 'openssl CLI not available' }, () => {
  let pki;
  const c = {};

  before(() => {
    pki = new Pki();
    c.root = pki.cert('root', { subject: '/C=US/O=tls-rs test/CN=tls-rs Test Root', ext: 'ca', days: 3650 });
    c.inter = pki.cert('inter', { key: 'secp384r1', subject: '/C=US/O=tls-rs test/CN=tls-rs Test Intermediate',
                                  issuer: 'root', ext: 'intermediate', days: 3000 });
    c.many = pki.cert('many', {
      subject: '/C=US/ST=California/L=San Francisco/O=tls-rs/OU=Engineering/OU=QA/CN=Grüße, localhost' +
               '/emailAddress=admin@example.com/tlsRsTestAttribute=custom attribute',
      utf8: true, issuer: 'inter', ext: 'many', serial: '0x00ff0102030405060708',
    });
    c.ec = pki.cert('ec', { key: 'prime256v1', subject: '/O=tls-rs/CN=ec.example.com', issuer: 'inter', ext: 'server' });
    c.ec521 = pki.cert('ec521', { key: 'secp521r1:compressed', subject: '/CN=compressed.example.com',
                                  issuer: 'root', ext: 'server' });
    c.ed25519 = pki.cert('ed25519', { key: 'ed25519', subject: '/CN=ed25519.example.com', issuer: 'root', ext: 'server' });
    c.self = pki.cert('self', { subject: '/C=US/O=Self+OU=Signed/CN=localhost', days: 15000, serial: '1' });
    c.selfNoCertSign = pki.cert('selfnocertsign', { key: 'prime256v1', subject: '/CN=no cert sign', ext: 'no_cert_sign' });
    c.pss = pki.cert('pss', { key: 'rsa-pss', subject: '/CN=pss.example.com', issuer: 'root', ext: 'server' });
    c.bigExponent = pki.cert('bige', { key: 'rsa-big-exponent', subject: '/CN=bige.example.com', issuer: 'root', ext: 'server' });
    c.odd = pki.cert('odd', { key: 'prime256v1', subject: '/CN=odd.example.com', issuer: 'root', ext: 'odd' });
    c.oddnames = pki.cert('oddnames', { key: 'prime256v1', subject: '/CN=oddnames.example.com', issuer: 'root', ext: 'oddnames' });
    c.broken = pki.cert('broken', { key: 'prime256v1', subject: '/CN=broken.example.com', issuer: 'root', ext: 'broken' });
    c.strings = pki.cert('strings', { key: 'prime256v1', subject: '/O=Grüße AG/OU=日本/CN=string types', utf8: true,
                                      stringMask: 'default', issuer: 'root', ext: 'server' });
    c.client = pki.cert('client', { subject: '/O=tls-rs/OU=Clients/CN=client one/emailAddress=client@example.com',
                                    issuer: 'root', ext: 'client' });
    c.dated = pki.dated('dated', { issuer: 'root', subject: '/CN=dated.example.com',
                                   startdate: '20260305090807Z', enddate: '20500101000000Z' });
  });

  after(() => pki && pki.remove());

  it('RSA leaf via an intermediate (chain sent by the server, root from the client\'s ca)', async () => {
    const node = await differential({
      server: { key: c.many.key, cert: c.many.cert + c.inter.cert },
      client: { ca: c.root.cert },
    });
    // Sanity: the interesting fields are really there.
    const peer = node.client.peer;
    assert.deepStrictEqual(peer.subject.OU, ['Engineering', 'QA']);
    assert.match(peer.subjectaltname, /IP Address:0:0:0:0:0:0:0:1/);
    assert.match(peer.subjectaltname, /URI:"http:\/\/example.com\/a\\u002cb"/);
    assert.match(peer.subjectaltname, /DNS:"it's.example.com"/);
    assert.equal(peer.subject['1.3.6.1.4.1.99999.42'], 'custom attribute');
    assert.deepStrictEqual(peer.infoAccess['CA Issuers - URI'], ['http://ca.example.com/a,b.cer']);
    assert.equal(Object.getPrototypeOf(peer.infoAccess), null);
    assert.equal(chainLength(node.client.detailed), 3);
    assert.equal(node.client.detailed.issuerCertificate.issuerCertificate.issuerCertificate,
                 node.client.detailed.issuerCertificate.issuerCertificate);
  });

  it('chain completed from the trust store (server sends only its leaf)', async () => {
    await differential({
      server: { key: c.many.key, cert: c.many.cert },
      client: { ca: c.root.cert + c.inter.cert },
    });
  });

  it('chain ending at an issuer the store does not know (default root store)', async () => {
    const node = await differential({
      server: { key: c.ec.key, cert: c.ec.cert + c.inter.cert },
      client: {},
    });
    assert.equal(chainLength(node.client.detailed), 2);
    assert.equal(node.client.detailed.issuerCertificate.issuerCertificate, undefined);
  });

  it('ECDSA P-256 leaf', async () => {
    const node = await differential({
      server: { key: c.ec.key, cert: c.ec.cert + c.inter.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.nistCurve, 'P-256');
  });

  it('ECDSA P-521 leaf with a compressed point, over TLS 1.2', async () => {
    await differential({
      server: { key: c.ec521.key, cert: c.ec521.cert },
      client: { ca: c.root.cert },
      tls12: true,
    });
  });

  it('Ed25519 leaf (no public key fields)', async () => {
    const node = await differential({
      server: { key: c.ed25519.key, cert: c.ed25519.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.pubkey, undefined);
  });

  it('RSA-PSS leaf (no public key fields up to Node 20, the RSA ones from 22)', async () => {
    const node = await differential({
      server: { key: c.pss.key, cert: c.pss.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(typeof node.client.peer.modulus, NODE_OBJECTS >= 22 ? 'string' : 'undefined');
  });

  it('RSA exponent wider than 64 bits', async () => {
    const node = await differential({
      server: { key: c.bigExponent.key, cert: c.bigExponent.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.exponent, NODE_OBJECTS >= 22 ? '0x1000000000000000000000001' : '0xffffffffffffffff');
  });

  it('self-signed certificate: its own issuer', async () => {
    const node = await differential({
      server: { key: c.self.key, cert: c.self.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.detailed.issuerCertificate, node.client.detailed);
  });

  it('self-signed certificate without keyCertSign, trusted by the client', async () => {
    await differential({
      server: { key: c.selfNoCertSign.key, cert: c.selfNoCertSign.cert },
      client: { ca: c.selfNoCertSign.cert },
    });
  });

  it('explicit validity dates (space-padded day, GeneralizedTime)', async () => {
    const node = await differential({
      server: { key: c.dated.key, cert: c.dated.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.valid_from, 'Mar  5 09:08:07 2026 GMT');
    assert.equal(node.client.peer.valid_to, 'Jan  1 00:00:00 2050 GMT');
  });

  it('unusual infoAccess entries (unknown method, DirName, othername, RID, IP, email)', async () => {
    const node = await differential({
      server: { key: c.odd.key, cert: c.odd.cert },
      client: { ca: c.root.cert },
    });
    const peer = node.client.peer;
    assert.deepStrictEqual(peer.infoAccess['OCSP - othername'], ['XmppAddr:a,b', 'SRVName:_srv.example']);
    assert.deepStrictEqual(peer.infoAccess['1.2.3.4 - URI'], ['http://odd.example/']);
  });

  it('IP address of a bad length, X400Name and EdiPartyName', async () => {
    const node = await differential({
      server: { key: c.oddnames.key, cert: c.oddnames.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.subjectaltname,
                 'IP Address:<invalid length=5>, X400Name:<unsupported>, EdiPartyName:<unsupported>');
  });

  it('undecodable subjectAltName and infoAccess are null (Node 22+: "DNS:" and left out)', async () => {
    const node = await differential({
      server: { key: c.broken.key, cert: c.broken.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.subjectaltname, NODE_OBJECTS >= 22 ? 'DNS:' : null);
    assert.equal(node.client.peer.infoAccess, NODE_OBJECTS >= 22 ? undefined : null);
  });

  it('T61String and BMPString name values', async () => {
    const node = await differential({
      server: { key: c.strings.key, cert: c.strings.cert },
      client: { ca: c.root.cert },
    });
    assert.equal(node.client.peer.subject.OU, '日本');
    assert.equal(node.client.peer.subject.O, 'Grüße AG');
  });

  it('client certificate seen by the server, and both getCertificate()', async () => {
    await differential({
      server: { key: c.ec.key, cert: c.ec.cert + c.inter.cert, ca: c.root.cert },
      client: { key: c.client.key, cert: c.client.cert, ca: c.root.cert },
      requestCert: true,
    });
  });

  it('client certificate via an intermediate, over TLS 1.2', async () => {
    await differential({
      server: { key: c.self.key, cert: c.self.cert, ca: c.root.cert },
      client: { key: c.many.key, cert: c.many.cert + c.inter.cert, ca: c.self.cert },
      requestCert: true,
      tls12: true,
    });
  });

  it('no client certificate: Node says {}, the native session null', async () => {
    await differential({
      server: { key: c.ec.key, cert: c.ec.cert, ca: c.root.cert },
      client: { ca: c.root.cert },
      requestCert: true,
    });
  });
});

// ------------------------------------------------------------------------------------------
// Crafted certificates: DER built by hand, for content the openssl CLI will not produce
// (invalid UTF-8, NUL bytes, duplicate extensions, bad times, negative serials...). They come
// from the peer, so they must give Node's answer and never break the addon.

const crypto = require('node:crypto');

const der = {
  len(n) {
    if (n < 0x80) return Buffer.from([n]);
    const bytes = [];
    for (; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  },
  tlv(tag, ...parts) {
    const body = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
    return Buffer.concat([Buffer.from([tag]), der.len(body.length), body]);
  },
  seq: (...parts) => der.tlv(0x30, ...parts),
  set: (...parts) => der.tlv(0x31, ...parts),
  oid(text) {
    const arcs = text.split('.').map(Number);
    const out = [40 * arcs[0] + arcs[1]];
    for (const arc of arcs.slice(2)) {
      const b = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) b.unshift(0x80 | (v & 0x7f));
      out.push(...b);
    }
    return der.tlv(0x06, Buffer.from(out));
  },
  int: (bytes) => der.tlv(0x02, Buffer.from(bytes)),
  str: (tag, value) => der.tlv(tag, typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)),
  explicit: (n, ...parts) => der.tlv(0xa0 | n, ...parts),
  implicit: (n, bytes) => der.tlv(0x80 | n, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)),
  octet: (bytes) => der.tlv(0x04, bytes),
  bits: (bytes) => der.tlv(0x03, Buffer.from([0]), bytes),
};

const UTF8 = 0x0c; const PRINTABLE = 0x13; const T61 = 0x14; const IA5 = 0x16; const UNIVERSAL = 0x1c; const BMP = 0x1e;
const OID = { CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11', L: '2.5.4.7', ST: '2.5.4.8', street: '2.5.4.9',
              SAN: '2.5.29.17', EKU: '2.5.29.37', AIA: '1.3.6.1.5.5.7.1.1', OCSP: '1.3.6.1.5.5.7.48.1',
              caIssuers: '1.3.6.1.5.5.7.48.2', xmpp: '1.3.6.1.5.5.7.8.5', srv: '1.3.6.1.5.5.7.8.7',
              upn: '1.3.6.1.4.1.311.20.2.3' };

// [[oid, tag, value], ...] → Name (one attribute per RDN).
const dn = (entries) => der.seq(...entries.map(([oid, tag, value]) => der.set(der.seq(der.oid(oid), der.str(tag, value)))));
const ext = (oid, value) => der.seq(der.oid(oid), der.octet(value));
const gn = {
  dns: (v) => der.implicit(2, v),
  email: (v) => der.implicit(1, v),
  uri: (v) => der.implicit(6, v),
  ip: (bytes) => der.implicit(8 - 1, bytes),
  rid: (oid) => der.implicit(8, der.oid(oid).subarray(2)),
  dir: (name) => der.explicit(4, name),
  other: (oid, value) => der.explicit(0, der.oid(oid), der.explicit(0, value)),
};
const utc = (s) => der.str(0x17, s);

// A self-signed (unless `issuer` differs) P-256 certificate for the returned key.
function craft({ subject = dn([[OID.CN, UTF8, 'crafted']]), issuer, serial = [0x01], notBefore = utc('260101000000Z'),
                 notAfter = utc('360101000000Z'), extensions = [] }) {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sigAlg = der.seq(der.oid('1.2.840.10045.4.3.2'));
  const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const tbs = der.seq(der.explicit(0, der.int([2])), der.int(serial), sigAlg, issuer || subject,
                      der.seq(notBefore, notAfter), subject, spki,
                      ...(extensions.length ? [der.explicit(3, der.seq(...extensions))] : []));
  const signature = crypto.sign('sha256', tbs, privateKey);
  const body = der.seq(tbs, sigAlg, der.bits(signature)).toString('base64').match(/.{1,64}/g).join('\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
  };
}

describe('crafted certificates match Node\'s', () => {
  const run = (leaf) => differential({ server: leaf, client: { ca: leaf.cert } });

  it('name strings of every type, NUL bytes and unknown attributes', async () => {
    const node = await run(craft({ subject: dn([
      [OID.CN, UTF8, 'nul\0inside'], [OID.O, PRINTABLE, 'Printable'], [OID.OU, T61, [0x47, 0x72, 0xfc, 0xdf]],
      [OID.L, IA5, 'ia5'], [OID.ST, BMP, Buffer.from('日本', 'utf16le').swap16()],
      [OID.street, UNIVERSAL, [0, 0, 0x03, 0xa9, 0, 1, 0xf6, 0x00]], ['1.3.6.1.4.1.99999.1', UTF8, 'x'],
      [OID.OU, UTF8, 'second OU'], [OID.OU, UTF8, 'third OU'],
    ]) }));
    assert.equal(node.client.peer.subject.CN, 'nul\0inside');
    assert.deepStrictEqual(node.client.peer.subject.OU, ['Grüß', 'second OU', 'third OU']);
  });

  it('name values OpenSSL cannot convert: subject and issuer left out (Node 22+: those entries)', async () => {
    const node = await run(craft({
      // Name values may be any of DirectoryString's types, but also a BIT STRING or a SEQUENCE, which
      // ASN1_STRING_to_UTF8 refuses. (Invalid UTF-8 never gets this far: decoding the name fails.)
      subject: dn([[OID.O, UTF8, 'ok'], [OID.CN, 0x03, [0x00, 0x41]]]),
      issuer: dn([[OID.CN, 0x30, []]]),
    }));
    if (NODE_OBJECTS >= 22) {
      assert.deepStrictEqual({ ...node.client.peer.subject }, { O: 'ok' });
      assert.deepStrictEqual({ ...node.client.peer.issuer }, {});
    } else {
      assert.ok(!('subject' in node.client.peer) && !('issuer' in node.client.peer));
    }
  });

  it('alt names that need escaping', async () => {
    const node = await run(craft({ extensions: [ext(OID.SAN, der.seq(
      gn.dns('quote"back\\slash'), gn.dns([0x61, 0x00, 0x62]), gn.dns([0x63, 0xe9]), gn.dns(''),
      gn.email('a,b@example.com'), gn.uri('http://example.com/\n'), gn.uri("it's"), gn.ip([]),
      gn.ip([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0xef]),
      gn.dir(dn([[OID.CN, UTF8, 'ctl\x01 "é"'], [OID.O, UTF8, 'a+b;c<d>']])),
      gn.other(OID.xmpp, der.str(UTF8, [0x61, 0xff, 0x62])), gn.other(OID.upn, der.str(UTF8, 'tab\there')),
      gn.other(OID.srv, der.str(IA5, [0x5f, 0xe9])), gn.other('1.3.6.1.4.1.99999.3', der.str(UTF8, 'x')),
      gn.rid('1.2.840.113549.1.1.11'),
    ))] }));
    assert.match(node.client.peer.subjectaltname, /^DNS:"quote\\"back\\\\slash", DNS:"a\\u0000b"/);
  });

  it('a DirName OpenSSL cannot print makes subjectaltname null (Node 22+: "DNS:")', async () => {
    const node = await run(craft({ extensions: [ext(OID.SAN, der.seq(
      gn.dns('fine.example.com'), gn.dir(dn([[OID.CN, UTF8, [0xc3]]])),
    ))] }));
    assert.equal(node.client.peer.subjectaltname, NODE_OBJECTS >= 22 ? 'DNS:' : null);
  });

  it('infoAccess values that need escaping, a long method OID and repeated keys', async () => {
    const longOid = `1.3.6.1.4.1.${Array(30).fill(123456).join('.')}`;
    const node = await run(craft({ extensions: [ext(OID.AIA, der.seq(
      der.seq(der.oid(OID.OCSP), gn.uri('http://a.example/\nb:c')),
      der.seq(der.oid(OID.caIssuers), gn.dir(dn([[OID.CN, UTF8, 'Issuer: "x", y']]))),
      der.seq(der.oid(longOid), gn.dns('long.example')),
      der.seq(der.oid(OID.OCSP), gn.uri('http://second.example/')),
      der.seq(der.oid(OID.OCSP), gn.other(OID.xmpp, der.str(UTF8, 'x\ny'))),
    ))] }));
    assert.deepStrictEqual(node.client.peer.infoAccess['OCSP - URI'], ['http://a.example/\nb:c', 'http://second.example/']);
    // The method OID: up to 79 bytes (Node 18/20), whole from 22.
    assert.deepStrictEqual(node.client.peer.infoAccess[`${NODE_OBJECTS >= 22 ? longOid : longOid.slice(0, 79)} - DNS`], ['long.example']);
  });

  it('empty extensions, serial zero and unprintable times', async () => {
    await run(craft({
      serial: [0x00], notBefore: utc('garbage12345Z'), notAfter: der.str(0x18, '20500101000000.123Z'),
      extensions: [ext(OID.SAN, der.seq()), ext(OID.AIA, der.seq()), ext(OID.EKU, der.seq())],
    }));
  });

  it('negative serial and extended key usages with a very long OID', async () => {
    const longOid = `1.3.6.1.4.1.${Array(60).fill(1234567).join('.')}`;
    const node = await run(craft({
      serial: [0xff, 0x00, 0x01],
      extensions: [ext(OID.EKU, der.seq(der.oid('1.3.6.1.5.5.7.3.1'), der.oid(longOid)))],
    }));
    assert.equal(node.client.peer.ext_key_usage[1], NODE_OBJECTS >= 22 ? longOid : longOid.slice(0, 255));
  });

  it('duplicate extensions: first SAN and infoAccess used, ext_key_usage dropped, not self-issued', async () => {
    const node = await run(craft({ extensions: [
      ext(OID.SAN, der.seq(gn.dns('first.example'))), ext(OID.SAN, der.seq(gn.dns('second.example'))),
      ext(OID.EKU, der.seq(der.oid('1.3.6.1.5.5.7.3.1'))), ext(OID.EKU, der.seq(der.oid('1.3.6.1.5.5.7.3.2'))),
      ext(OID.AIA, der.seq(der.seq(der.oid(OID.OCSP), gn.uri('http://first/')))),
      ext(OID.AIA, der.seq(der.seq(der.oid(OID.OCSP), gn.uri('http://second/')))),
    ] }));
    assert.equal(node.client.peer.subjectaltname, 'DNS:first.example');
    assert.equal(node.client.peer.ext_key_usage, undefined);
  });
});

// ------------------------------------------------------------------------------------------
// The shared test PKI (test/fixtures/certs, from test/fixtures/gen-certs.sh), when present.

const FIXTURES = path.join(__dirname, 'fixtures', 'certs');
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('fixture certificates match Node\'s', { skip: !fs.existsSync(path.join(FIXTURES, 'ca-cert.pem')) && 'no test/fixtures/certs' }, () => {
  const servers = [['agent-key.pem', 'agent-chain.pem'], ['ec-key.pem', 'ec-cert.pem'], ['expired-key.pem', 'expired-cert.pem'],
                   ['notyet-key.pem', 'notyet-cert.pem'], ['wronghost-key.pem', 'wronghost-cert.pem'],
                   ['selfsigned-key.pem', 'selfsigned-cert.pem'], ['revoked-key.pem', 'revoked-cert.pem']];
  for (const [key, cert] of servers) {
    it(cert, async () => {
      await differential({ server: { key: fixture(key), cert: fixture(cert) }, client: { ca: fixture('ca-cert.pem') } });
    });
  }
  for (const [key, cert] of [['client-key.pem', 'client-cert.pem'], ['client-ec-key.pem', 'client-ec-cert.pem']]) {
    it(`${cert} seen by the server`, async () => {
      await differential({
        server: { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem'), ca: fixture('ca-cert.pem') },
        client: { key: fixture(key), cert: fixture(cert), ca: fixture('ca-cert.pem') },
        requestCert: true,
      });
    });
  }
});
