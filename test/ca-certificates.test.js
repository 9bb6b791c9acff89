'use strict';
// tls.getCACertificates / tls.setDefaultCACertificates and NODE_USE_SYSTEM_CA, as Node 22.15+ /
// 24 have them, on every Node. Node 20 has none of it, so the expected values were recorded from
// Node 24.22.3 on this machine (see each test); each scenario runs in a child process with its
// own environment.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const certs = path.join(__dirname, 'fixtures', 'certs');

/** Runs `script` with tls-rs (or `impl`) as `tls`, fixtures through `f(name)`; returns its JSON output. */
function run(script, env = {}, impl = root) {
  const base = { ...process.env };
  for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_USE_SYSTEM_CA', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_OPTIONS']) delete base[name];
  const result = spawnSync(process.execPath, ['-e', `
    const tls = require(${JSON.stringify(impl)});
    const fs = require('fs');
    const { X509Certificate } = require('crypto');
    const f = (n) => fs.readFileSync(${JSON.stringify(certs)} + '/' + n, 'latin1');
    const pem = (n) => new X509Certificate(f(n)).toString();
    const outcome = (fn) => { try { return { returned: fn() }; } catch (e) { return { code: e.code, name: e.name, message: e.message }; } };
    // Whether a client with no ca (and \`options\`) trusts a server whose chain ends at the tls-rs test root.
    const trusted = (options = {}) => new Promise((resolve) => {
      const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => s.end());
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ ...options, port: srv.address().port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false }, () => {
          resolve(c.authorized || c.authorizationError);
          c.destroy();
          srv.close();
        });
      });
    });
    (async () => { ${script} })().then((out) => console.log(JSON.stringify(out)));
  `], { encoding: 'utf8', timeout: 20000, env: { ...base, ...env } });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-ca-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('tls.getCACertificates', () => {
  it('bundled, extra, default: frozen PEM lists; default = bundled + extra', () => {
    // Node 24: each list is frozen, the same array on every call, 'bundled' equals
    // tls.rootCertificates, 'default' is bundled then extra, no argument means 'default'.
    const out = run(`
      const b = tls.getCACertificates('bundled'), e = tls.getCACertificates('extra'), d = tls.getCACertificates();
      return {
        frozen: [b, e, d].every(Object.isFrozen),
        same: b === tls.getCACertificates('bundled') && d === tls.getCACertificates('default'),
        bundledIsRoots: b === tls.rootCertificates,
        extra: e, defaultIsBundledThenExtra: d.length === b.length + e.length && d.every((p, i) => p === [...b, ...e][i]),
        // The bundled ones as tls.rootCertificates has them; others as OpenSSL writes PEM.
        strings: d.every((p) => typeof p === 'string' && p.startsWith('-----BEGIN CERTIFICATE-----\\n')) &&
          e.every((p) => p.endsWith('-----END CERTIFICATE-----\\n')),
        expectedExtra: [pem('agent-cert.pem'), pem('intermediate-cert.pem')],
      };`, { NODE_EXTRA_CA_CERTS: path.join(certs, 'agent-chain.pem') });
    assert.equal(out.frozen, true);
    assert.equal(out.same, true);
    assert.equal(out.bundledIsRoots, true);
    assert.equal(out.defaultIsBundledThenExtra, true);
    assert.equal(out.strings, true);
    // agent-chain.pem is the leaf and the intermediate: both are "extra" certificates.
    assert.deepEqual(out.extra, out.expectedExtra);
  });

  it('validates the type as Node 24', () => {
    const out = run(`return ['x', 1, null].map((t) => outcome(() => tls.getCACertificates(t)));`);
    assert.deepEqual(out, [
      { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError', message: "The argument 'type' is invalid. Received 'x'" },
      { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError', message: 'The "type" argument must be of type string. Received type number (1)' },
      { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError', message: 'The "type" argument must be of type string. Received null' },
    ]);
  });

  it("'system': OpenSSL's CA file, then every file of its CA directory in name order", (t) => {
    // Node 24 on Linux: SSL_CERT_FILE's certificates, then each file's of SSL_CERT_DIR, not
    // deduplicated (recorded: 578 entries for 145 distinct certificates on this machine).
    const dir = tmpDir(t);
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.copyFileSync(path.join(certs, 'ca-cert.pem'), path.join(dir, 'bundle.pem'));
    fs.copyFileSync(path.join(certs, 'intermediate-cert.pem'), path.join(dir, 'certs', 'b.pem'));
    fs.copyFileSync(path.join(certs, 'ca-cert.pem'), path.join(dir, 'certs', 'a.pem'));
    fs.writeFileSync(path.join(dir, 'certs', 'c.txt'), 'not a certificate');
    const out = run(`return { system: tls.getCACertificates('system'), expected: [pem('ca-cert.pem'), pem('ca-cert.pem'), pem('intermediate-cert.pem')] };`,
      { SSL_CERT_FILE: path.join(dir, 'bundle.pem'), SSL_CERT_DIR: path.join(dir, 'certs') });
    assert.deepEqual(out.system, out.expected);
  });

  it('NODE_USE_SYSTEM_CA=1: the system store joins the default roots, and is trusted', (t) => {
    const dir = tmpDir(t);
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.copyFileSync(path.join(certs, 'ca-cert.pem'), path.join(dir, 'bundle.pem'));
    const script = `
      const b = tls.getCACertificates('bundled'), s = tls.getCACertificates('system'), d = tls.getCACertificates();
      return { order: d.length === b.length + s.length && d.every((p, i) => p === [...b, ...s][i]), trusted: await trusted() };`;
    const env = { SSL_CERT_FILE: path.join(dir, 'bundle.pem'), SSL_CERT_DIR: path.join(dir, 'certs') };
    // Node 24: default = bundled, then system, then extra.
    assert.deepEqual(run(script, { ...env, NODE_USE_SYSTEM_CA: '1' }), { order: true, trusted: true });
    assert.deepEqual(run(script, env), { order: false, trusted: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });
});

describe('NODE_EXTRA_CA_CERTS in a context that adds trust of its own', () => {
  it('is trusted where the running Node trusts it (22.7+), and not on Node 18/20', () => {
    // A crl, a pfx or addCACert gives a context its own store, built as Node's NewRootCertStore:
    // the bundled roots, and from Node 22.7 the extra certificates too.
    const script = `
      const withCA = tls.createSecureContext();
      withCA.context.addCACert(f('selfsigned-cert.pem'));
      return [await trusted(), await trusted({ crl: f('ca-crl.pem') }), await trusted({ pfx: fs.readFileSync(${JSON.stringify(certs)} + '/client.pfx'), passphrase: 'sample' }),
        await trusted({ secureContext: withCA })];`;
    const env = { NODE_EXTRA_CA_CERTS: path.join(certs, 'ca-cert.pem') };
    const ours = run(script, env);
    assert.deepEqual(ours, run(script, env, 'node:tls'));
    // (The crl fails on the intermediate's missing CRL, and client.pfx brings the root itself,
    // on every Node; addCACert tells the two kinds of store apart.)
    const [major, minor] = process.versions.node.split('.').map(Number);
    const extraTrusted = major > 22 || (major === 22 && minor >= 7);
    assert.deepEqual(ours, [true, 'UNABLE_TO_GET_CRL', true, extraTrusted || 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
  });
});

describe('tls.setDefaultCACertificates', () => {
  it('replaces the default roots for later connections; duplicates and unparsable entries are left out', () => {
    // Node 24: [root0, root0, Buffer(root1)] → 2 entries; ['garbage'] throws; [] empties it;
    // [valid, 'nope'] keeps the valid one.
    const out = run(`
      const before = await trusted();
      tls.setDefaultCACertificates([f('ca-cert.pem'), f('ca-cert.pem'), Buffer.from(f('intermediate-cert.pem'))]);
      const d = tls.getCACertificates('default');
      const set = { length: d.length, frozen: Object.isFrozen(d), first: d[0] === pem('ca-cert.pem'), trusted: await trusted(),
        bundledKept: tls.getCACertificates('bundled').length === tls.rootCertificates.length };
      const errors = [[], 'x', [1], ['garbage'], [f('ca-cert.pem'), 'nope']].map((v) => outcome(() => {
        tls.setDefaultCACertificates(v);
        return tls.getCACertificates().length;
      }));
      tls.setDefaultCACertificates([]);
      return { before, set, errors, emptied: await trusted() };`);
    assert.equal(out.before, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.deepEqual(out.set, { length: 2, frozen: true, first: true, trusted: true, bundledKept: true });
    assert.deepEqual(out.errors, [
      { returned: 0 },
      { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError', message: 'The "certs" argument must be an instance of Array. Received type string (\'x\')' },
      { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError', message: 'The "certs[0]" argument must be of type string or an instance of ArrayBufferView. Received type number (1)' },
      { code: 'ERR_CRYPTO_OPERATION_FAILED', name: 'Error', message: 'No valid certificates found in the provided array' },
      { returned: 1 },
    ]);
    assert.equal(out.emptied, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  it('reads each element as OpenSSL reads PEM: a certificate block that does not parse throws its error', () => {
    // Recorded from Node 24.22.3; compared with the running Node's own where it has the function.
    const script = `
      const good = f('ca-cert.pem');
      const badBody = '-----BEGIN CERTIFICATE-----\\nvalid cert content\\n-----END CERTIFICATE-----';
      const badDer = '-----BEGIN CERTIFICATE-----\\n' + Buffer.alloc(60, 7).toString('base64') + '\\n-----END CERTIFICATE-----\\n';
      const cases = [[good, badBody], [badBody], [badDer], [good + badBody], [Buffer.from(badBody)],
        [good.slice(0, 200) + '\\n-----END CERTIFICATE-----'], [good.replace(/CERTIFICATE/g, 'X509 CERTIFICATE')],
        [good.replace(/CERTIFICATE/g, 'TRUSTED CERTIFICATE')], [f('agent-key.pem')], [good, 'text'],
        // An encrypted block: an error, never a passphrase prompt (Node's NoPasswordCallback).
        [good.replace('-----\\n', '-----\\nProc-Type: 4,ENCRYPTED\\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\\n\\n')]];
      return cases.map((certs) => outcome(() => {
        tls.setDefaultCACertificates(certs);
        return tls.getCACertificates().length;
      }));`;
    const asn1 = { code: 'ERR_OSSL_PEM_ASN1_LIB', name: 'Error', message: 'error:0488000D:PEM routines::ASN1 lib' };
    const none = { code: 'ERR_CRYPTO_OPERATION_FAILED', name: 'Error', message: 'No valid certificates found in the provided array' };
    const expected = [asn1, asn1, asn1, asn1, asn1,
      { code: 'ERR_OSSL_PEM_BAD_BASE64_DECODE', name: 'Error', message: 'error:04800064:PEM routines::bad base64 decode' },
      { returned: 1 }, none, none, { returned: 1 },
      { code: 'ERR_OSSL_PEM_BAD_DECRYPT', name: 'Error', message: 'error:04800065:PEM routines::bad decrypt' }];
    assert.deepEqual(run(script), expected);
    if (require('node:tls').setDefaultCACertificates) assert.deepEqual(run(script, {}, 'node:tls'), expected);
  });
});
