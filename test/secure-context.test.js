'use strict';

// tls.createSecureContext(options): tls-rs against Node's built-in tls on this machine.
//
// 1. Differential: every option case (valid and invalid) goes through both implementations; both
//    must succeed, or both throw the same class / code / own keys, and the same message where the
//    message is Node's own (OpenSSL's text may differ between Node's OpenSSL 3.0 and our 4.0).
//    Warnings (process.emitWarning) must match too.
// 2. Functional: the options take effect, checked by in-memory handshakes between two native
//    TlsConnections built on the contexts.
// 3. Default trust: the shared root store, NODE_EXTRA_CA_CERTS (child processes).

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const nodeTls = require('node:tls');

const ours = require('../lib/secure-context');
const binding = require('../lib/binding');
const connectionPair = require('./helpers/connection-pair');

const CERTS = path.join(__dirname, 'fixtures', 'certs');
const f = (name) => fs.readFileSync(path.join(CERTS, name));
const s = (name) => f(name).toString();

// ---- helpers ---------------------------------------------------------------------------------

// A self-signed 1024-bit RSA certificate and its key (80 bits: level 1 takes it, level 2 does not),
// made with the system's openssl once per process.
let rsa1024Pair = null;
function rsa1024() {
  if (rsa1024Pair) return rsa1024Pair;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-rsa1024-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'key.pem',
      '-out', 'cert.pem', '-subj', '/CN=localhost', '-days', '30', '-sha256'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    rsa1024Pair = {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rsa1024Pair;
}

// Runs fn, capturing what it returns or throws and the warnings it emits.
function observe(fn) {
  const warnings = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, type) => { warnings.push([String(warning), type]); };
  try {
    return { ok: true, value: fn(), warnings };
  } catch (err) {
    return { ok: false, err, warnings };
  } finally {
    process.emitWarning = emitWarning;
  }
}

const isOpenSSLText = (msg) => /^error:[0-9A-F]{8}:/.test(msg) || /^[0-9A-F]+:error:[0-9A-F]{8}:/.test(msg);
const ownKeys = (err) => Object.keys(err).filter((k) => k !== 'opensslErrorStack').sort();

function describeOutcome(o) {
  if (o.ok) return 'success';
  return `${o.err && o.err.constructor && o.err.constructor.name} ${o.err && o.err.code} ${o.err && o.err.message}`;
}

// Asserts that Node and tls-rs behave the same for `opts`; returns both outcomes.
function assertSame(opts, { opensslMessage = false } = {}) {
  const theirs = observe(() => nodeTls.createSecureContext(opts()));
  const mine = observe(() => ours.createSecureContext(opts()));
  assert.equal(mine.ok, theirs.ok,
               `node: ${describeOutcome(theirs)}; tls-rs: ${describeOutcome(mine)}`);
  if (!theirs.ok) {
    const [a, b] = [mine.err, theirs.err];
    assert.equal(a.constructor, b.constructor, `class: ${describeOutcome(mine)} vs ${describeOutcome(theirs)}`);
    assert.equal(a.name, b.name);
    assert.equal(a.code, b.code, `code: ${describeOutcome(mine)} vs ${describeOutcome(theirs)}`);
    assert.deepEqual(ownKeys(a), ownKeys(b));
    if (!opensslMessage && !isOpenSSLText(b.message)) {
      assert.equal(a.message, b.message);
      assert.equal(a.stack.split('\n')[0], b.stack.split('\n')[0]);
    }
    if (b.library !== undefined) assert.equal(a.library, b.library);
    if (b.reason !== undefined && !opensslMessage) assert.equal(a.reason, b.reason);
  }
  assert.deepEqual(mine.warnings, theirs.warnings);
  return { theirs, mine };
}

// Drives two connections to the end of their handshake (or a failure), all in memory.
function handshake(serverCtx, clientCtx, { requestCert = false } = {}) {
  const server = new binding.TlsConnection(serverCtx.context, true);
  const client = new binding.TlsConnection(clientCtx.context, false);
  if (requestCert) server.setVerifyMode(true, false);
  const { clientHelloSize } = connectionPair.handshake(client, server);
  const result = {
    ok: server.handshakeDone && client.handshakeDone,
    protocol: client.getProtocol(),
    cipher: client.getCipher()?.name,
    clientError: client.takeError()?.code,
    serverError: server.takeError()?.code,
    clientVerify: client.verifyError()?.code ?? null,
    serverVerify: server.verifyError()?.code ?? null,
    clientHelloSize,
  };
  server.destroy();
  client.destroy();
  return result;
}

const RSA = { key: f('agent-key.pem'), cert: f('agent-chain.pem') };
const EC = { key: f('ec-key.pem'), cert: f('ec-cert.pem') };
const server = (opts = {}) => ours.createSecureContext({ ...RSA, ...opts });
const client = (opts = {}) => ours.createSecureContext(opts);
const trusting = (opts = {}) => client({ ca: f('ca-cert.pem'), ...opts });

function withPem(pem, label) {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, `-----$1 ${label}-----`);
}

// ---- 1. differential ---------------------------------------------------------------------------

describe('createSecureContext: same result as Node', () => {
  const cases = {
    // options itself
    'no options': () => undefined,
    'null options': () => null,
    'false options': () => false,
    'empty object': () => ({}),
    'string options': () => 'str',
    'number options': () => 1,
    'array options': () => [],
    'function options': () => function named() {},

    // key / passphrase
    'key + cert': () => ({ key: f('agent-key.pem'), cert: f('agent-cert.pem') }),
    'key as string': () => ({ key: s('agent-key.pem'), cert: s('agent-cert.pem') }),
    'key as Uint8Array, cert as DataView': () => {
      const c = f('agent-cert.pem');
      return { key: new Uint8Array(f('agent-key.pem')), cert: new DataView(c.buffer, c.byteOffset, c.byteLength) };
    },
    'key as Uint16Array': () => {
      const k = f('agent-key.pem');
      const even = Buffer.concat([k, Buffer.from(k.length % 2 ? '\n' : '')]);
      return { key: new Uint16Array(even.buffer, even.byteOffset, even.length / 2), cert: f('agent-cert.pem') };
    },
    'key only (no cert)': () => ({ key: f('agent-key.pem') }),
    'key: number': () => ({ key: 1 }),
    'key: ArrayBuffer': () => ({ key: new Uint8Array(f('agent-key.pem')).buffer }),
    'key: plain object (not in an array)': () => ({ key: { pem: f('agent-key.pem') } }),
    'key: [null]': () => ({ key: [null] }),
    'key: [1]': () => ({ key: [1] }),
    'key: [{pem: 1}]': () => ({ key: [{ pem: 1 }] }),
    'key: falsy values are ignored': () => ({ key: false, cert: 0, ca: '' }),
    'key: garbage': () => ({ key: 'garbage' }),
    'key: empty buffer': () => ({ key: Buffer.alloc(0) }),
    'encrypted key, no passphrase': () => ({ key: f('agent-key-encrypted.pem') }),
    'encrypted key, wrong passphrase': () => ({ key: f('agent-key-encrypted.pem'), passphrase: 'bad' }),
    'encrypted key, right passphrase': () => ({ key: f('agent-key-encrypted.pem'), passphrase: 'sample', cert: f('agent-cert.pem') }),
    'legacy encrypted key, wrong passphrase': () => ({ key: f('agent-key-encrypted-legacy.pem'), passphrase: 'bad' }),
    'legacy encrypted key, right passphrase': () => ({ key: f('agent-key-encrypted-legacy.pem'), passphrase: 'sample' }),
    'passphrase: number': () => ({ key: f('agent-key.pem'), passphrase: 1 }),
    'passphrase with a NUL byte': () => ({ key: f('agent-key-encrypted.pem'), passphrase: 'sam\0ple' }),
    'key: [{pem, passphrase}]': () => ({ key: [{ pem: f('agent-key-encrypted.pem'), passphrase: 'sample' }], cert: f('agent-cert.pem') }),
    'key: [{pem, passphrase: 1}]': () => ({ key: [{ pem: f('agent-key-encrypted.pem'), passphrase: 1 }] }),
    'key: [{pem}] uses top-level passphrase': () => ({ key: [{ pem: f('agent-key-encrypted.pem') }], passphrase: 'sample' }),
    'key/cert mismatch (RSA vs RSA)': () => ({ key: f('client-key.pem'), cert: f('agent-cert.pem') }),
    'key/cert of different types are separate slots': () => ({ key: f('ec-key.pem'), cert: f('agent-cert.pem') }),
    'RSA + EC pairs': () => ({ key: [f('agent-key.pem'), f('ec-key.pem')], cert: [f('agent-cert.pem'), f('ec-cert.pem')] }),

    // cert
    'cert: number': () => ({ cert: 1 }),
    'cert: [good, 1]': () => ({ cert: [f('agent-cert.pem'), 1] }),
    'cert: garbage': () => ({ cert: 'garbage' }),
    'cert: empty string (falsy)': () => ({ cert: '' }),
    'cert: empty buffer': () => ({ cert: Buffer.alloc(0) }),
    'cert: chain': () => ({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }),
    'cert: chain + trailing junk': () => ({ cert: s('agent-chain.pem') + 'junk' }),
    'cert: broken second PEM': () => ({
      cert: s('agent-cert.pem') + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    }),
    'cert: TRUSTED CERTIFICATE leaf': () => ({ key: f('agent-key.pem'), cert: withPem(s('agent-cert.pem'), 'TRUSTED CERTIFICATE') }),
    'cert: a bundled root (issuer from the default store)': () => ({ cert: nodeTls.rootCertificates[3] }),

    // ca
    'ca: number': () => ({ ca: 1 }),
    'ca: [pem, 1]': () => ({ ca: ['x', 1] }),
    'ca: garbage is ignored': () => ({ ca: 'garbage' }),
    'ca: Buffer': () => ({ ca: f('ca-cert.pem') }),
    'ca: array of Buffer and string': () => ({ ca: [f('ca-cert.pem'), s('intermediate-cert.pem')] }),
    'ca: one string, many PEMs': () => ({ ca: s('ca-cert.pem') + s('intermediate-cert.pem') }),
    'ca: X509 CERTIFICATE': () => ({ ca: withPem(s('ca-cert.pem'), 'X509 CERTIFICATE') }),
    'ca: TRUSTED CERTIFICATE': () => ({ ca: withPem(s('ca-cert.pem'), 'TRUSTED CERTIFICATE') }),

    // crl
    'crl: Buffer': () => ({ crl: f('ca-crl.pem') }),
    'crl: string': () => ({ crl: s('ca-crl.pem') }),
    'crl: with ca': () => ({ ca: f('ca-cert.pem'), crl: f('ca-crl.pem') }),
    'crl: garbage': () => ({ crl: 'garbage' }),
    'crl: number': () => ({ crl: 1 }),
    'crl: [good, garbage]': () => ({ crl: [f('ca-crl.pem'), 'garbage'] }),
    'crl: [good, 3]': () => ({ crl: [f('ca-crl.pem'), 3] }),

    // pfx
    'pfx: right passphrase': () => ({ pfx: f('agent.pfx'), passphrase: 'sample' }),
    'pfx: no passphrase': () => ({ pfx: f('agent.pfx') }),
    'pfx: wrong passphrase': () => ({ pfx: f('agent.pfx'), passphrase: 'x' }),
    'pfx: garbage': () => ({ pfx: Buffer.from('garbage') }),
    'pfx: number': () => ({ pfx: 1 }),
    'pfx: passphrase number': () => ({ pfx: f('agent.pfx'), passphrase: 1 }),
    'pfx: [{buf, passphrase}]': () => ({ pfx: [{ buf: f('agent.pfx'), passphrase: 'sample' }] }),
    'pfx: [{buf}] + top-level passphrase': () => ({ pfx: [{ buf: f('agent.pfx') }], passphrase: 'sample' }),
    'pfx: [buf] with no passphrase': () => ({ pfx: [f('agent.pfx')] }),
    'pfx: [1]': () => ({ pfx: [1] }),
    'pfx: [null]': () => ({ pfx: [null] }),
    'pfx: [{buf, passphrase: 5}]': () => ({ pfx: [{ buf: f('agent.pfx'), passphrase: 5 }] }),
    'pfx: client.pfx': () => ({ pfx: f('client.pfx'), passphrase: 'sample' }),
    'pfx: two bundles': () => ({ pfx: [{ buf: f('agent.pfx') }, { buf: f('client.pfx') }], passphrase: 'sample' }),
    'pfx: no key': () => ({ pfx: f('agent-nokey.pfx'), passphrase: 'sample' }),
    'pfx: legacy RC2 encryption': () => ({ pfx: f('agent-legacy.pfx'), passphrase: 'sample' }),

    // ciphers
    'ciphers: empty string means the default': () => ({ ciphers: '' }),
    'ciphers: ":"': () => ({ ciphers: ':' }),
    'ciphers: "::"': () => ({ ciphers: '::' }),
    'ciphers: unknown': () => ({ ciphers: 'nope' }),
    'ciphers: unknown TLS_': () => ({ ciphers: 'TLS_nope' }),
    'ciphers: only !TLS_': () => ({ ciphers: '!TLS_AES_128_GCM_SHA256' }),
    'ciphers: number': () => ({ ciphers: 1 }),
    'ciphers: null (default)': () => ({ ciphers: null }),
    'ciphers: TLS 1.3 only': () => ({ ciphers: 'TLS_AES_128_GCM_SHA256' }),
    'ciphers: TLS 1.2 only': () => ({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }),
    'ciphers: mixed': () => ({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES128-GCM-SHA256' }),
    'ciphers: @SECLEVEL': () => ({ ciphers: 'DEFAULT:@SECLEVEL=0' }),
    'ciphers: TLS 1.2 only with min TLSv1.3': () => ({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', minVersion: 'TLSv1.3' }),
    // Node's OpenSSL (3.0, 3.5) matches names and commands case-sensitively (OpenSSL 4.0 does not).
    'ciphers: lower-case name': () => ({ ciphers: 'aes256-sha' }),
    'ciphers: lower-case alias': () => ({ ciphers: 'high' }),
    'ciphers: lower-case DEFAULT': () => ({ ciphers: 'default' }),
    'ciphers: lower-case @strength': () => ({ ciphers: 'HIGH:@strength' }),
    'ciphers: lower-case @seclevel': () => ({ ciphers: 'DEFAULT:@seclevel=0' }),
    'ciphers: lower-case TLS 1.2 standard name': () => ({ ciphers: 'tls_ecdhe_rsa_with_aes_128_gcm_sha256' }),
    'ciphers: a TLS 1.2 standard name as the only TLS 1.3 suite': () => ({ ciphers: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }),
    'ciphers: unknown TLS_ beside a known suite': () => ({ ciphers: 'TLS_AES_128_GCM_SHA256:TLS_nope' }),

    // ecdhCurve
    'ecdhCurve: auto': () => ({ ecdhCurve: 'auto' }),
    'ecdhCurve: list': () => ({ ecdhCurve: 'P-256:X25519:P-384' }),
    'ecdhCurve: X25519': () => ({ ecdhCurve: 'X25519' }),
    'ecdhCurve: unknown': () => ({ ecdhCurve: 'nope' }),
    'ecdhCurve: empty': () => ({ ecdhCurve: '' }),
    'ecdhCurve: trailing colon': () => ({ ecdhCurve: 'X25519:' }),
    'ecdhCurve: number': () => ({ ecdhCurve: 1 }),
    'ecdhCurve: null': () => ({ ecdhCurve: null }),

    // dhparam
    'dhparam: auto': () => ({ dhparam: 'auto' }),
    'dhparam: 2048': () => ({ dhparam: f('dhparam-2048.pem') }),
    'dhparam: 1024 warns': () => ({ dhparam: f('dhparam-1024.pem') }),
    'dhparam: 512 throws': () => ({ dhparam: f('dhparam-512.pem') }),
    'dhparam: garbage is ignored': () => ({ dhparam: 'garbage' }),
    'dhparam: number': () => ({ dhparam: 1 }),
    'dhparam: null': () => ({ dhparam: null }),

    // protocol versions
    'minVersion: TLSv1': () => ({ minVersion: 'TLSv1' }),
    'minVersion: TLSv1.3': () => ({ minVersion: 'TLSv1.3' }),
    'maxVersion: TLSv1.2': () => ({ maxVersion: 'TLSv1.2' }),
    'minVersion > maxVersion': () => ({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' }),
    'minVersion: bad string': () => ({ minVersion: 'TLSv9' }),
    'maxVersion: number': () => ({ maxVersion: 1 }),
    'minVersion: SSLv3': () => ({ minVersion: 'SSLv3' }),
    'minVersion: null (default)': () => ({ minVersion: null }),

    // secureProtocol
    'secureProtocol: SSLv2_method': () => ({ secureProtocol: 'SSLv2_method' }),
    'secureProtocol: SSLv3_server_method': () => ({ secureProtocol: 'SSLv3_server_method' }),
    'secureProtocol: SSLv3_client_method': () => ({ secureProtocol: 'SSLv3_client_method' }),
    'secureProtocol: unknown': () => ({ secureProtocol: 'Foo' }),
    'secureProtocol: empty string': () => ({ secureProtocol: '', minVersion: 'TLSv1' }),
    'secureProtocol: number is ignored': () => ({ secureProtocol: 1 }),
    'secureProtocol: null with minVersion': () => ({ secureProtocol: null, minVersion: 'TLSv1' }),
    'secureProtocol + minVersion conflict': () => ({ secureProtocol: 'TLSv1_2_method', minVersion: 'TLSv1.2' }),
    'secureProtocol + maxVersion conflict': () => ({ secureProtocol: 'TLS_method', maxVersion: 'TLSv1.2' }),
    'secureProtocol conflict with a bad version': () => ({ secureProtocol: 'TLS_method', minVersion: 'bogus' }),

    // secureOptions, honorCipherOrder
    'secureOptions: string': () => ({ secureOptions: 'x' }),
    'secureOptions: 1.5': () => ({ secureOptions: 1.5 }),
    'secureOptions: huge': () => ({ secureOptions: 2 ** 40 }),
    'secureOptions: beyond safe integer': () => ({ secureOptions: 2 ** 60 }),
    'secureOptions: NO_TLSv1_3': () => ({ secureOptions: crypto.constants.SSL_OP_NO_TLSv1_3 }),
    'secureOptions: string + honorCipherOrder': () => ({ secureOptions: 'x', honorCipherOrder: true }),
    'honorCipherOrder': () => ({ honorCipherOrder: true }),

    // session
    'sessionIdContext: number': () => ({ sessionIdContext: 1 }),
    'sessionIdContext: empty': () => ({ sessionIdContext: '' }),
    'sessionIdContext: 32 chars': () => ({ sessionIdContext: 'x'.repeat(32) }),
    'sessionTimeout: -1': () => ({ sessionTimeout: -1 }),
    'sessionTimeout: string': () => ({ sessionTimeout: 'x' }),
    'sessionTimeout: 1.5': () => ({ sessionTimeout: 1.5 }),
    'sessionTimeout: 2 ** 31': () => ({ sessionTimeout: 2 ** 31 }),
    'sessionTimeout: 0': () => ({ sessionTimeout: 0 }),
    'sessionTimeout: 3600': () => ({ sessionTimeout: 3600 }),
    'ticketKeys: 10 bytes': () => ({ ticketKeys: Buffer.alloc(10) }),
    'ticketKeys: string': () => ({ ticketKeys: 'x'.repeat(48) }),

    // sigalgs
    'sigalgs: valid': () => ({ sigalgs: 'RSA-PSS+SHA256:ECDSA+SHA256' }),
    'sigalgs: ed25519': () => ({ sigalgs: 'ed25519' }),
    'sigalgs: empty': () => ({ sigalgs: '' }),
    'sigalgs: unknown': () => ({ sigalgs: 'nope' }),
    'sigalgs: number': () => ({ sigalgs: 1 }),

    // engines (validation before any engine is touched)
    'privateKeyIdentifier without engine': () => ({ privateKeyIdentifier: 'x' }),
    'privateKeyIdentifier with key': () => ({ privateKeyIdentifier: 'x', privateKeyEngine: 'y', key: f('agent-key.pem') }),
    'privateKeyIdentifier: number': () => ({ privateKeyIdentifier: 1, privateKeyEngine: 'y' }),
    'privateKeyEngine: number': () => ({ privateKeyIdentifier: 'x', privateKeyEngine: 1 }),
    'privateKeyEngine alone is ignored': () => ({ privateKeyEngine: 'x' }),
    'clientCertEngine: number': () => ({ clientCertEngine: 1 }),
    'clientCertEngine: null': () => ({ clientCertEngine: null }),

    // allowPartialTrustChain
    'allowPartialTrustChain': () => ({ allowPartialTrustChain: true }),
    'allowPartialTrustChain with ca': () => ({ allowPartialTrustChain: true, ca: f('intermediate-cert.pem') }),

    // order of validation: the first invalid option in Node's order wins
    'several invalid options': () => ({ ecdhCurve: 1, sigalgs: 1, key: 1, ciphers: 1 }),
    'invalid ecdhCurve after a bad key': () => ({ ecdhCurve: 1, key: 'garbage' }),
  };

  // Where Node 20's OpenSSL 3.0 words an error differently from ours (same code, or no code).
  const opensslWording = new Set(['pfx: garbage', 'key: empty buffer']);

  for (const [name, opts] of Object.entries(cases)) {
    test(name, () => { assertSame(opts, { opensslMessage: opensslWording.has(name) }); });
  }

  test('getCertificate / getIssuer return the same DER as Node', () => {
    const variants = [
      { key: f('agent-key.pem'), cert: f('agent-cert.pem') },
      { key: f('agent-key.pem'), cert: f('agent-chain.pem') },
      { key: f('agent-key.pem'), cert: f('agent-cert.pem'), ca: f('intermediate-cert.pem') },
      { key: [f('agent-key.pem'), f('ec-key.pem')], cert: [f('agent-chain.pem'), f('ec-cert.pem')], ca: f('ca-cert.pem') },
      { pfx: f('agent.pfx'), passphrase: 'sample' },
      { pfx: f('client.pfx'), passphrase: 'sample' },
      { cert: nodeTls.rootCertificates[3] },
      { cert: nodeTls.rootCertificates[3], ca: f('ca-cert.pem') },
      {},
    ];
    for (const opts of variants) {
      const a = nodeTls.createSecureContext(opts).context;
      const b = ours.createSecureContext(opts).context;
      assert.deepEqual(b.getCertificate(), a.getCertificate());
      assert.deepEqual(b.getIssuer(), a.getIssuer());
    }
  });

  test('protocol range (getMinProto / getMaxProto) matches Node for every secureProtocol', () => {
    const methods = ['SSLv23', 'TLS', 'TLSv1', 'TLSv1_1', 'TLSv1_2'].flatMap((m) =>
      [`${m}_method`, `${m}_server_method`, `${m}_client_method`]);
    for (const secureProtocol of [undefined, ...methods]) {
      const a = nodeTls.createSecureContext({ secureProtocol }).context;
      const b = ours.createSecureContext({ secureProtocol }).context;
      assert.deepEqual([b.getMinProto(), b.getMaxProto()], [a.getMinProto(), a.getMaxProto()], secureProtocol);
    }
    for (const [minVersion, maxVersion] of [['TLSv1', 'TLSv1.1'], ['TLSv1.1', undefined], [undefined, 'TLSv1.2'],
      ['TLSv1.3', undefined], ['TLSv1.3', 'TLSv1.2']]) {
      for (const ciphers of [undefined, 'TLS_AES_128_GCM_SHA256']) {
        const opts = { minVersion, maxVersion, ciphers };
        const a = nodeTls.createSecureContext(opts).context;
        const b = ours.createSecureContext(opts).context;
        assert.deepEqual([b.getMinProto(), b.getMaxProto()], [a.getMinProto(), a.getMaxProto()], JSON.stringify(opts));
      }
    }
  });

  test('DEFAULT_MIN_VERSION / DEFAULT_MAX_VERSION / DEFAULT_CIPHERS / DEFAULT_ECDH_CURVE are read at call time', () => {
    // tls-rs reads its own module's defaults (initialised from Node's); set both alike.
    const rsTls = require('..');
    const setDefault = (name, value) => { nodeTls[name] = value; rsTls[name] = value; };
    const saved = {
      min: nodeTls.DEFAULT_MIN_VERSION, max: nodeTls.DEFAULT_MAX_VERSION,
      ciphers: nodeTls.DEFAULT_CIPHERS, curve: nodeTls.DEFAULT_ECDH_CURVE,
    };
    try {
      setDefault('DEFAULT_MIN_VERSION', 'TLSv1.1');
      setDefault('DEFAULT_MAX_VERSION', 'TLSv1.2');
      const a = nodeTls.createSecureContext().context;
      const b = ours.createSecureContext().context;
      assert.deepEqual([b.getMinProto(), b.getMaxProto()], [a.getMinProto(), a.getMaxProto()]);
      assert.deepEqual([b.getMinProto(), b.getMaxProto()], [0x0302, 0x0303]);

      setDefault('DEFAULT_MIN_VERSION', 'TLSv9');
      assertSame(() => ({}));
      setDefault('DEFAULT_MIN_VERSION', saved.min);
      setDefault('DEFAULT_MAX_VERSION', saved.max);

      setDefault('DEFAULT_CIPHERS', 'nope');
      assertSame(() => ({}));
      setDefault('DEFAULT_CIPHERS', ':');
      assertSame(() => ({}));
      setDefault('DEFAULT_CIPHERS', 'TLS_AES_128_GCM_SHA256');
      assertSame(() => ({}));
      const only13 = ours.createSecureContext().context;
      assert.equal(only13.getMinProto(), 0x0304);
      setDefault('DEFAULT_CIPHERS', saved.ciphers);

      setDefault('DEFAULT_ECDH_CURVE', 'nope');
      assertSame(() => ({}));
      setDefault('DEFAULT_ECDH_CURVE', 'P-256');
      const r = handshake(server(), client({ ecdhCurve: 'X25519' }));
      assert.equal(r.ok, false, 'the server took DEFAULT_ECDH_CURVE = P-256');
      setDefault('DEFAULT_ECDH_CURVE', '');
      assertSame(() => ({})); // '' falls back to 'auto'
    } finally {
      setDefault('DEFAULT_MIN_VERSION', saved.min);
      setDefault('DEFAULT_MAX_VERSION', saved.max);
      setDefault('DEFAULT_CIPHERS', saved.ciphers);
      setDefault('DEFAULT_ECDH_CURVE', saved.curve);
    }
  });

  test('direct native calls behave like Node\'s (addCACert / addCRL / setKey on a context)', () => {
    const steps = [
      (c) => c.addCACert(f('ca-cert.pem')),
      (c) => c.addCACert('garbage'),
      (c) => c.addCACert(42),
      (c) => c.addCRL(f('ca-crl.pem')),
      (c) => c.addCRL('garbage'),
      (c) => c.setCert(f('agent-chain.pem')),
      (c) => c.setKey(f('agent-key.pem')),
      (c) => c.setKey(f('client-key.pem')),
      (c) => c.setKey(f('agent-key-encrypted.pem'), 'sample'),
      (c) => c.setKey(f('agent-key-encrypted.pem'), 12),
      (c) => c.setECDHCurve('X25519'),
      (c) => c.setDHParam(f('dhparam-1024.pem')),
      (c) => c.setDHParam(true),
      (c) => c.setOptions(0x4000),
      (c) => c.setSessionTimeout(10),
      (c) => c.loadPKCS12(f('agent.pfx'), Buffer.from('sample')),
      (c) => c.loadPKCS12(f('agent.pfx'), 'sample'),
      (c) => c.loadPKCS12(1),
    ];
    for (const [i, step] of steps.entries()) {
      const a = observe(() => step(nodeTls.createSecureContext().context));
      const b = observe(() => step(ours.createSecureContext().context));
      assert.equal(b.ok, a.ok, `step ${i}: node ${describeOutcome(a)}; tls-rs ${describeOutcome(b)}`);
      if (a.ok) {
        assert.deepEqual(b.value, a.value, `step ${i}`);
      } else {
        assert.equal(b.err.code, a.err.code, `step ${i}`);
        assert.equal(b.err.constructor, a.err.constructor, `step ${i}`);
        if (!isOpenSSLText(a.err.message)) assert.equal(b.err.message, a.err.message, `step ${i}`);
      }
    }
  });
});

// ---- where tls-rs deliberately differs ----------------------------------------------------------

describe('createSecureContext: deliberate differences', () => {
  test('X25519MLKEM768 is accepted (Node 20\'s OpenSSL 3.0 has no ML-KEM)', () => {
    assert.doesNotThrow(() => ours.createSecureContext({ ecdhCurve: 'X25519MLKEM768' }));
    assert.doesNotThrow(() => ours.createSecureContext({ ecdhCurve: 'X25519MLKEM768:X25519:P-256' }));
  });

  // What Node built without ENGINE support (tls-rs's OpenSSL) throws, message and all.
  test('engine options throw ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED with Node\'s message', () => {
    const expected = (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.code, 'ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED');
      assert.equal(err.message, 'Custom engines not supported by this OpenSSL');
      assert.equal(err.stack.split('\n')[0], 'Error [ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED]: Custom engines not supported by this OpenSSL');
      return true;
    };
    assert.throws(() => ours.createSecureContext({ privateKeyEngine: 'pkcs11', privateKeyIdentifier: 'id' }), expected);
    assert.throws(() => ours.createSecureContext({ clientCertEngine: 'dynamic' }), expected);
  });

  test('a too long sessionIdContext throws a TypeError with OpenSSL\'s printed queue, like Node', () => {
    const { theirs, mine } = assertSame(() => ({ sessionIdContext: 'x'.repeat(33) }));
    assert.equal(mine.err.code, undefined);
    assert.match(mine.err.message, /:error:0A000111:SSL routines:SSL_CTX_set_session_id_context:ssl session id context too long:/);
    assert.match(theirs.err.message, /:error:0A000111:SSL routines:SSL_CTX_set_session_id_context:ssl session id context too long:/);
  });
});

// ---- shape ----------------------------------------------------------------------------------------

describe('SecureContext shape', () => {
  test('createSecureContext returns a SecureContext with a native .context', () => {
    const c = ours.createSecureContext();
    assert.ok(c instanceof ours.SecureContext);
    assert.ok(c.context instanceof binding.SecureContext);
    assert.deepEqual(Object.keys(c), Object.keys(nodeTls.createSecureContext()));
  });

  test('SecureContext can be called with or without new, as in Node', () => {
    const a = ours.SecureContext(undefined, 0, 'TLSv1.2', 'TLSv1.3');
    const b = new ours.SecureContext('TLSv1_2_method');
    assert.ok(a instanceof ours.SecureContext);
    assert.equal(a.context.getMinProto(), 0x0303);
    assert.equal(b.context.getMaxProto(), 0x0303);
    assert.throws(() => new ours.SecureContext('TLS_method', 0, 'TLSv1.2'), { code: 'ERR_TLS_PROTOCOL_VERSION_CONFLICT' });
    assert.throws(() => new ours.SecureContext(undefined, 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('honorCipherOrder and secureOptions set SSL_OP bits', () => {
    const { SSL_OP_CIPHER_SERVER_PREFERENCE, SSL_OP_NO_TICKET } = crypto.constants;
    assert.equal(ours.createSecureContext().context.getOptions() & SSL_OP_CIPHER_SERVER_PREFERENCE, 0);
    const c = ours.createSecureContext({ honorCipherOrder: true, secureOptions: SSL_OP_NO_TICKET }).context;
    assert.equal(c.getOptions() & SSL_OP_CIPHER_SERVER_PREFERENCE, SSL_OP_CIPHER_SERVER_PREFERENCE);
    assert.equal(c.getOptions() & SSL_OP_NO_TICKET, SSL_OP_NO_TICKET);
  });

  test('the context keeps the running Node\'s default OpenSSL security level', () => {
    // Node's default is 1 exactly when it takes an 80-bit (1024-bit RSA) key.
    const { cert } = rsa1024();
    const nodeLevel = observe(() => nodeTls.createSecureContext({ cert })).ok ? 1 : 2;
    assert.equal(ours.createSecureContext().context.getSecurityLevel(), nodeLevel);
    assert.equal(ours.createSecureContext({ ciphers: 'DEFAULT:@SECLEVEL=3' }).context.getSecurityLevel(), 3);
  });

  test('a 1024-bit RSA key and 1024-bit DH parameters are taken or refused as Node does', () => {
    const { key, cert } = rsa1024();
    assertSame(() => ({ key, cert }));
    assertSame(() => ({ key, cert, ciphers: 'DEFAULT:@SECLEVEL=2' }));
    assertSame(() => ({ dhparam: f('dhparam-1024.pem') }));
    assertSame(() => ({ dhparam: f('dhparam-1024.pem'), ciphers: 'DEFAULT:@SECLEVEL=2' }));
  });

  // Node's OpenSSL config can raise its default level (a distribution's policy does the same to
  // a Node linked to the system's OpenSSL); tls-rs's OpenSSL does not read Node's config, so
  // only following the running Node keeps the two in step (a level chosen from
  // process.versions.openssl stays at 1 here).
  test('a Node whose OpenSSL config raises the default level to 2: tls-rs refuses what it refuses', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-seclevel-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, 'openssl.cnf');
    fs.writeFileSync(config, [
      'nodejs_conf = nodejs_init', '[nodejs_init]', 'ssl_conf = ssl_sect', '[ssl_sect]',
      'system_default = system_default_sect', '[system_default_sect]', 'CipherString = DEFAULT@SECLEVEL=2', '',
    ].join('\n'));
    const { key, cert } = rsa1024();
    const script = `
      const ours = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'secure-context.js'))});
      const tls = require('node:tls');
      const [key, cert, dh] = JSON.parse(process.argv[1]);
      process.emitWarning = () => {};
      const cases = { rsa1024: { key, cert }, dh1024: { dhparam: dh }, rsa1024AtLevel1: { key, cert, ciphers: 'DEFAULT:@SECLEVEL=1' } };
      const outcome = (create, options) => {
        try { create(options); return 'ok'; } catch (err) { return err.code + ' ' + err.message; }
      };
      const out = {};
      for (const [name, options] of Object.entries(cases)) {
        out[name] = { node: outcome(tls.createSecureContext, options), rs: outcome(ours.createSecureContext, options) };
      }
      out.level = ours.createSecureContext().context.getSecurityLevel();
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, [`--openssl-config=${config}`, '-e', script,
      JSON.stringify([key, cert, s('dhparam-1024.pem')])], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out, {
      rsa1024: { node: 'ERR_SSL_EE_KEY_TOO_SMALL error:0A00018F:SSL routines::ee key too small',
                 rs: 'ERR_SSL_EE_KEY_TOO_SMALL error:0A00018F:SSL routines::ee key too small' },
      dh1024: { node: 'ERR_CRYPTO_OPERATION_FAILED Error setting temp DH parameter',
                rs: 'ERR_CRYPTO_OPERATION_FAILED Error setting temp DH parameter' },
      rsa1024AtLevel1: { node: 'ok', rs: 'ok' },
      level: 2,
    });
  });

  test('dhparam < 2048 bits emits Node\'s SecurityWarning (Node 24: refused at its level 2)', () => {
    const theirs = observe(() => nodeTls.createSecureContext({ dhparam: f('dhparam-1024.pem') }));
    const o = observe(() => ours.createSecureContext({ dhparam: f('dhparam-1024.pem') }));
    assert.equal(describeOutcome(o), describeOutcome(theirs));
    assert.deepEqual(o.warnings, theirs.warnings);
    if (theirs.ok) assert.deepEqual(o.warnings, [['DH parameter is less than 2048 bits', 'SecurityWarning']]);
    else assert.equal(describeOutcome(o), 'Error ERR_CRYPTO_OPERATION_FAILED Error setting temp DH parameter');
  });
});

// ---- 2. functional: the options take effect -------------------------------------------------------

describe('options take effect in a handshake', () => {
  test('a context with no key/cert works as a client; default is TLSv1.3', () => {
    const r = handshake(server(), client());
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.protocol, 'TLSv1.3');
  });

  test('a bare native SecureContext (no init) works as a client', () => {
    const bare = { context: new binding.SecureContext() };
    const r = handshake(server(), bare);
    assert.equal(r.ok, true, JSON.stringify(r));
  });

  test('ciphers: TLS 1.3 suite chosen by the client', () => {
    const r = handshake(server(), client({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }));
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  });

  test('ciphers: TLS 1.2 cipher list', () => {
    const r = handshake(server({ maxVersion: 'TLSv1.2' }), client({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }));
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.protocol, 'TLSv1.2');
    assert.equal(r.cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
  });

  test('ciphers: no common cipher fails', () => {
    const r = handshake(server({ ciphers: 'TLS_AES_128_GCM_SHA256' }), client({ ciphers: 'TLS_AES_256_GCM_SHA384' }));
    assert.equal(r.ok, false);
  });

  test('ciphers: an empty TLS 1.2 list forces TLS 1.3 as the minimum', () => {
    const srv = server({ ciphers: 'TLS_AES_128_GCM_SHA256' });
    assert.equal(srv.context.getMinProto(), 0x0304);
    const r = handshake(srv, client({ maxVersion: 'TLSv1.2' }));
    assert.equal(r.ok, false);
    assert.equal(r.serverError, 'ERR_SSL_UNSUPPORTED_PROTOCOL');
  });

  test('honorCipherOrder: server order wins only when set', () => {
    const order = { ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384' };
    const clientPrefers256 = () => client({ ciphers: 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256' });
    assert.equal(handshake(server({ ...order, honorCipherOrder: true }), clientPrefers256()).cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(handshake(server(order), clientPrefers256()).cipher, 'TLS_AES_256_GCM_SHA384');
  });

  test('minVersion / maxVersion', () => {
    assert.equal(handshake(server({ maxVersion: 'TLSv1.2' }), client()).protocol, 'TLSv1.2');
    assert.equal(handshake(server(), client({ maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    const r = handshake(server({ minVersion: 'TLSv1.3' }), client({ maxVersion: 'TLSv1.2' }));
    assert.equal(r.ok, false);
    assert.equal(r.clientError, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  test('secureProtocol pins the version', () => {
    assert.equal(handshake(server({ secureProtocol: 'TLSv1_2_method' }), client()).protocol, 'TLSv1.2');
    assert.equal(handshake(server({ secureProtocol: 'SSLv23_method' }), client()).protocol, 'TLSv1.2');
    assert.equal(handshake(server({ secureProtocol: 'TLS_method' }), client()).protocol, 'TLSv1.3');
    const r = handshake(server({ secureProtocol: 'TLSv1_2_server_method' }), client({ secureProtocol: 'TLSv1_2_server_method' }));
    assert.equal(r.ok, false, 'a server-method context cannot act as a client');
  });

  test('secureOptions: SSL_OP_NO_TLSv1_3', () => {
    const r = handshake(server({ secureOptions: crypto.constants.SSL_OP_NO_TLSv1_3 }), client());
    assert.equal(r.protocol, 'TLSv1.2');
  });

  test('ecdhCurve: X25519MLKEM768 is negotiated when both sides set it', () => {
    const pq = { ecdhCurve: 'X25519MLKEM768' };
    const r = handshake(server(pq), client(pq));
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.protocol, 'TLSv1.3');
    // The ML-KEM-768 key share alone is 1184 bytes (+32 for X25519).
    assert.ok(r.clientHelloSize > 1216, `ClientHello of ${r.clientHelloSize} bytes carries the hybrid key share`);
    // A server that only accepts the hybrid group refuses a classical-only client.
    const classical = handshake(server(pq), client({ ecdhCurve: 'X25519' }));
    assert.equal(classical.ok, false);
    assert.equal(classical.serverError, 'ERR_SSL_NO_SUITABLE_KEY_SHARE');
  });

  test('ecdhCurve: lists and single curves restrict the groups', () => {
    assert.equal(handshake(server({ ecdhCurve: 'P-256' }), client({ ecdhCurve: 'P-384:P-256' })).ok, true);
    assert.equal(handshake(server({ ecdhCurve: 'P-256' }), client({ ecdhCurve: 'X25519' })).ok, false);
    const small = handshake(server({ ecdhCurve: 'X25519' }), client({ ecdhCurve: 'X25519' }));
    assert.equal(small.ok, true);
    assert.ok(small.clientHelloSize < 600, `classical ClientHello is ${small.clientHelloSize} bytes`);
    // TLS 1.2 ECDHE with an explicit curve list.
    assert.equal(handshake(server({ ecdhCurve: 'P-384', maxVersion: 'TLSv1.2' }), client({ ecdhCurve: 'P-384' })).ok, true);
  });

  test('dhparam enables DHE cipher suites', () => {
    const dhe = { ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' };
    assert.equal(handshake(server(dhe), client(dhe)).ok, false, 'no DH parameters: no DHE');
    for (const dhparam of ['auto', f('dhparam-2048.pem')]) {
      const r = handshake(server({ ...dhe, dhparam }), client(dhe));
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.cipher, 'DHE-RSA-AES128-GCM-SHA256');
    }
  });

  test('ECDSA certificate, and RSA + ECDSA pairs on one context', () => {
    const ecdsaOnly = { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' };
    assert.equal(handshake(server(), client(ecdsaOnly)).ok, false, 'RSA-only server');
    assert.equal(handshake(ours.createSecureContext(EC), client(ecdsaOnly)).ok, true);
    const dual = ours.createSecureContext({ key: [RSA.key, EC.key], cert: [RSA.cert, EC.cert] });
    assert.equal(handshake(dual, client(ecdsaOnly)).cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    const rsaOnly = { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' };
    assert.equal(handshake(dual, client(rsaOnly)).cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
  });

  test('sigalgs restrict the signature algorithms', () => {
    assert.equal(handshake(server({ sigalgs: 'ECDSA+SHA256' }), client()).ok, false);
    assert.equal(handshake(server(), client({ sigalgs: 'ECDSA+SHA256' })).ok, false);
    assert.equal(handshake(server(), client({ sigalgs: 'RSA-PSS+SHA256' })).ok, true);
  });

  test('encrypted keys and {pem, passphrase} keys serve', () => {
    const r = handshake(ours.createSecureContext({ key: [{ pem: f('agent-key-encrypted.pem'), passphrase: 'sample' }], cert: RSA.cert }),
                        trusting());
    assert.equal(r.ok, true);
    assert.equal(r.clientVerify, null);
  });

  test('ca: trusted chain, untrusted chain, partial chain', () => {
    assert.equal(handshake(server(), trusting()).clientVerify, null);
    assert.equal(handshake(server(), client({ ca: f('selfsigned-cert.pem') })).clientVerify, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(handshake(server(), client({ ca: f('intermediate-cert.pem') })).clientVerify, 'UNABLE_TO_GET_ISSUER_CERT');
    assert.equal(handshake(server(), client({ ca: f('intermediate-cert.pem'), allowPartialTrustChain: true })).clientVerify, null);
  });

  test('ca: one string with many PEMs, X509 CERTIFICATE and TRUSTED CERTIFICATE headers', () => {
    const leafOnly = ours.createSecureContext({ key: RSA.key, cert: f('agent-cert.pem') });
    assert.equal(handshake(leafOnly, trusting()).clientVerify, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(handshake(leafOnly, client({ ca: s('ca-cert.pem') + s('intermediate-cert.pem') })).clientVerify, null);
    for (const label of ['X509 CERTIFICATE', 'TRUSTED CERTIFICATE']) {
      assert.equal(handshake(server(), client({ ca: withPem(s('ca-cert.pem'), label) })).clientVerify, null, label);
    }
  });

  test('the server completes its chain from its ca (ca is loaded before cert)', () => {
    const leafOnly = ours.createSecureContext({ key: RSA.key, cert: f('agent-cert.pem'), ca: f('intermediate-cert.pem') });
    assert.equal(handshake(leafOnly, trusting()).clientVerify, null);
  });

  test('crl: revoked certificates are refused, CRL checks cover the chain', () => {
    const revoked = ours.createSecureContext({ key: f('revoked-key.pem'), cert: f('revoked-cert.pem') });
    assert.equal(handshake(revoked, trusting()).clientVerify, null, 'no CRL: trusted');
    assert.equal(handshake(revoked, trusting({ crl: f('ca-crl.pem') })).clientVerify, 'CERT_REVOKED');
    assert.equal(handshake(ours.createSecureContext(EC), trusting({ crl: f('ca-crl.pem') })).clientVerify, null);
    // CRL_CHECK_ALL: the intermediate's CRL is missing.
    assert.equal(handshake(server(), trusting({ crl: [f('ca-crl.pem')] })).clientVerify, 'UNABLE_TO_GET_CRL');
  });

  test('pfx: key, chain and CA certificates', () => {
    const srv = ours.createSecureContext({ pfx: f('agent.pfx'), passphrase: 'sample' });
    assert.equal(handshake(srv, trusting()).clientVerify, null);
    const viaArray = ours.createSecureContext({ pfx: [{ buf: f('agent.pfx'), passphrase: 'sample' }] });
    assert.equal(handshake(viaArray, trusting()).clientVerify, null);
  });

  test('pfx: client certificate, and its CA certificates are trusted (server side)', () => {
    const srv = server({ pfx: f('client.pfx'), passphrase: 'sample', key: undefined, cert: undefined });
    // The server's trust comes only from client.pfx's CA certificates (no ca option).
    const cli = ours.createSecureContext({ pfx: f('client.pfx'), passphrase: 'sample' });
    const r = handshake(srv, cli, { requestCert: true });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.serverVerify, null);
    const noCert = handshake(server({ ca: f('ca-cert.pem') }), client(), { requestCert: true });
    assert.equal(noCert.serverVerify, 'UNABLE_TO_GET_ISSUER_CERT');
  });

  test('addCACert on a default context adds to a copy of the bundled roots', () => {
    const c = ours.createSecureContext();
    c.context.addCACert(f('ca-cert.pem'));
    assert.equal(handshake(server(), c).clientVerify, null);
    const other = ours.createSecureContext();
    assert.equal(handshake(server(), other).clientVerify, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
                 'the shared root store was not modified');
  });
});

// ---- 3. default trust ----------------------------------------------------------------------------

describe('default trust store', () => {
  const lib = path.join(__dirname, '..', 'lib');

  function runChild(code, env) {
    const r = spawnSync(process.execPath, ['-e', code], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...env },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r;
  }

  // A child that reports how the default client context judges the agent chain.
  const verifyScript = `
    const ours = require(${JSON.stringify(path.join(lib, 'secure-context.js'))});
    const binding = require(${JSON.stringify(path.join(lib, 'binding.js'))});
    const connectionPair = require(${JSON.stringify(path.join(__dirname, 'helpers', 'connection-pair.js'))});
    const fs = require('fs'), f = (n) => fs.readFileSync(${JSON.stringify(CERTS)} + '/' + n);
    ${handshake.toString()}
    const srv = ours.createSecureContext({ key: f('agent-key.pem'), cert: f('agent-chain.pem') });
    const out = [handshake(srv, ours.createSecureContext()).clientVerify];
    const copy = ours.createSecureContext(); copy.context.addCACert(f('selfsigned-cert.pem'));
    out.push(handshake(srv, copy).clientVerify);
    console.log(JSON.stringify(out));
  `;

  test('the shared store holds tls.rootCertificates', () => {
    ours.createSecureContext();
    const info = binding.loadRootCertificates(nodeTls.rootCertificates);
    assert.ok(info.certificates >= nodeTls.rootCertificates.length, `${info.certificates} certificates`);
    // A bundled root's issuer (itself) is found through the default store, not with a ca.
    assert.ok(ours.createSecureContext({ cert: nodeTls.rootCertificates[0] }).context.getIssuer());
    assert.equal(ours.createSecureContext({ cert: nodeTls.rootCertificates[0], ca: f('ca-cert.pem') }).context.getIssuer(), null);
  });

  test('NODE_EXTRA_CA_CERTS is trusted by default contexts, and by private copies where Node 22.7+ trusts it', () => {
    const plain = JSON.parse(runChild(verifyScript, {}).stdout);
    assert.deepEqual(plain, ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
    const extra = JSON.parse(runChild(verifyScript, { NODE_EXTRA_CA_CERTS: path.join(CERTS, 'ca-cert.pem') }).stdout);
    // As in Node: addCACert on a default context copies the bundled roots, with the extra
    // certificates from Node 22.7 (test/ca-certificates.test.js compares it with Node's).
    const [major, minor] = process.versions.node.split('.').map(Number);
    const copyTrusts = major > 22 || (major === 22 && minor >= 7);
    assert.deepEqual(extra, [null, copyTrusts ? null : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
  });

  test('an unreadable NODE_EXTRA_CA_CERTS is reported once, as Node reports it', () => {
    const missing = path.join(os.tmpdir(), `tls-rs-missing-${process.pid}.pem`);
    const make = (mod) => `require(${JSON.stringify(mod)}).createSecureContext(); require(${JSON.stringify(mod)}).createSecureContext();`;
    const theirs = runChild(make('tls'), { NODE_EXTRA_CA_CERTS: missing });
    const mine = runChild(make(path.join(lib, 'secure-context.js')), { NODE_EXTRA_CA_CERTS: missing });
    assert.match(theirs.stderr, /^Warning: Ignoring extra certs from `.*`, load failed: error:80000002:system library::No such file or directory\n$/);
    assert.equal(mine.stderr, theirs.stderr);
  });

  test('NODE_EXTRA_CA_CERTS set after startup is loaded lazily, with Node\'s warning text', () => {
    const missing = path.join(os.tmpdir(), `tls-rs-missing-${process.pid}.pem`);
    const code = `process.env.NODE_EXTRA_CA_CERTS = ${JSON.stringify(missing)};
      const m = require(${JSON.stringify(path.join(lib, 'secure-context.js'))});
      m.createSecureContext(); m.createSecureContext();`;
    const r = runChild(code, {});
    assert.equal(r.stderr, `Warning: Ignoring extra certs from \`${missing}\`, load failed: error:80000002:system library::No such file or directory\n`);
  });

  test('a NODE_EXTRA_CA_CERTS file without certificates is silently accepted', () => {
    const junk = path.join(os.tmpdir(), `tls-rs-junk-${process.pid}.pem`);
    fs.writeFileSync(junk, 'junk');
    try {
      const r = runChild(`process.env.NODE_EXTRA_CA_CERTS = ${JSON.stringify(junk)};
        require(${JSON.stringify(path.join(lib, 'secure-context.js'))}).createSecureContext();`, {});
      assert.equal(r.stderr, '');
    } finally {
      fs.unlinkSync(junk);
    }
  });
});
