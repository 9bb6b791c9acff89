'use strict';
// The addon carries its own OpenSSL, statically linked with its symbols hidden (DESIGN.md,
// "OpenSSL"). Node's binary exports its bundled OpenSSL 3.0; an addon that exported, imported or
// dynamically linked OpenSSL symbols could silently end up calling into Node's copy or the
// system's libssl instead of its own.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it } = require('node:test');

const addon = path.join(__dirname, '..', 'build', 'tls_rs.node');

// Prefixes of OpenSSL's public API (libssl and libcrypto).
const OPENSSL_SYMBOL = /^(SSL|SSL_CTX|EVP|X509|BIO|ERR|PEM|OPENSSL|CRYPTO|RAND|BN|EC|RSA|DH|ASN1|OSSL|PKCS12)_/;

/** Runs `cmd` and returns its stdout, or null when the tool is not installed. */
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Symbol names from `nm -D <flags>` output lines ("addr T name" or "U name"). */
function symbols(output) {
  return output.split('\n').map((line) => line.trim().split(/\s+/).pop()).filter(Boolean)
    .map((name) => name.replace(/@.*$/, ''));
}

describe('linkage of build/tls_rs.node', { skip: process.platform !== 'linux' && 'nm -D / ldd checks are Linux-only' }, () => {
  it('the addon is built', () => {
    assert.ok(fs.existsSync(addon), `${addon} is missing: run \`npm install\``);
  });

  it('exports no OpenSSL symbols (nm -D --defined-only)', (t) => {
    const out = run('nm', ['-D', '--defined-only', addon]);
    if (out === null) return t.skip('nm is not installed (binutils); cannot inspect the addon\'s symbols');
    const exported = symbols(out).filter((name) => OPENSSL_SYMBOL.test(name));
    assert.deepEqual(exported, [], 'OpenSSL symbols are exported from the addon');
    for (const prefix of [' SSL_', ' EVP_', ' X509_']) {
      assert.ok(!out.includes(prefix), `nm -D --defined-only lists a${prefix} symbol`);
    }
    // Only N-API's registration entry point needs to be visible.
    assert.ok(symbols(out).includes('napi_register_module_v1'), 'napi_register_module_v1 is not exported');
  });

  it('imports no OpenSSL symbols (they would resolve to Node\'s OpenSSL 3.0)', (t) => {
    const out = run('nm', ['-D', '--undefined-only', addon]);
    if (out === null) return t.skip('nm is not installed (binutils); cannot inspect the addon\'s symbols');
    const imported = symbols(out).filter((name) => OPENSSL_SYMBOL.test(name));
    assert.deepEqual(imported, [], 'the addon leaves OpenSSL symbols to be resolved by the process');
  });

  it('links no libssl / libcrypto (ldd)', (t) => {
    const out = run('ldd', [addon]);
    if (out === null) return t.skip('ldd is not installed; cannot list the addon\'s shared libraries');
    assert.doesNotMatch(out, /lib(ssl|crypto)\b/, `ldd lists OpenSSL:\n${out}`);
  });

  it('embeds OpenSSL 4.0 or later (the one with Encrypted Client Hello)', () => {
    const text = fs.readFileSync(addon).toString('latin1');
    // OPENSSL_VERSION_TEXT, e.g. "OpenSSL 4.0.3 29 Sep 2026".
    const m = /OpenSSL (\d+)\.(\d+)\.(\d+)\S* +\d{1,2} [A-Z][a-z]{2} \d{4}/.exec(text);
    assert.ok(m, 'no OpenSSL version string in the addon');
    const [major, minor] = [Number(m[1]), Number(m[2])];
    assert.ok(major >= 4, `the addon embeds ${m[0]} (minor ${minor})`);
  });
});
