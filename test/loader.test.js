'use strict';
// lib/binding.js picks the addon: a local build (build/tls_rs.node; refused when older than
// src/), else this platform's prebuilt package at tls-rs's version, else an error that names the
// platform and the build command. Each case is a copy of lib/ and package.json in a temporary
// directory, loaded in a child process (test/package.test.js covers a real npm install).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const { currentTarget, platformPackage, platformBinary, LOCAL_ADDON } = require('../lib/native-target');

const ROOT = path.join(__dirname, '..');
const target = currentTarget();
const version = require('../package.json').version;
let work;

before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-loader-')); });
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A package directory with lib/ and package.json, plus what `layout` adds. */
function pkgDir(name, { local = false, prebuilt = null, src = false } = {}) {
  const dir = path.join(work, name);
  fs.cpSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  if (local) {
    fs.mkdirSync(path.join(dir, 'build'));
    fs.copyFileSync(LOCAL_ADDON, path.join(dir, 'build', 'tls_rs.node'));
  }
  if (prebuilt) {
    const p = path.join(dir, 'node_modules', platformPackage(target));
    fs.mkdirSync(p, { recursive: true });
    fs.writeFileSync(path.join(p, 'package.json'),
      JSON.stringify({ name: platformPackage(target), version: prebuilt, main: platformBinary(target) }));
    fs.copyFileSync(LOCAL_ADDON, path.join(p, platformBinary(target)));
  }
  if (src) {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), '');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'src', 'lib.rs'), future, future);
  }
  return dir;
}

/** Loads `dir`'s binding in a child; { ok, addon file (Linux), error }. */
function load(dir) {
  const r = spawnSync(process.execPath, ['-e', `
    const fs = require('fs');
    try {
      const b = require(${JSON.stringify(path.join(dir, 'lib', 'binding.js'))});
      const maps = process.platform === 'linux' ? fs.readFileSync('/proc/self/maps', 'utf8') : '';
      const files = [...new Set(maps.split('\\n').map((l) => l.split(/\\s+/)[5]).filter((p) => p && p.endsWith('.node')))];
      console.log(JSON.stringify({ ok: b.getSSLCiphers().length > 0, files }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.message }));
    }`], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, TLS_RS_SKIP_STALE_CHECK: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('the addon loader', () => {
  it('loads the prebuilt package of this platform when there is no local build', () => {
    const dir = pkgDir('prebuilt', { prebuilt: version });
    const r = load(dir);
    assert.equal(r.ok, true, r.error);
    if (process.platform === 'linux') {
      assert.deepEqual(r.files, [path.join(dir, 'node_modules', platformPackage(target), platformBinary(target))]);
    }
  });

  it('prefers the local build (a developer\'s checkout), and refuses one older than src/', () => {
    const dir = pkgDir('both', { local: true, prebuilt: version });
    const r = load(dir);
    assert.equal(r.ok, true, r.error);
    if (process.platform === 'linux') assert.deepEqual(r.files, [path.join(dir, 'build', 'tls_rs.node')]);
    const stale = pkgDir('stale', { local: true, prebuilt: version, src: true });
    assert.match(load(stale).error, /tls_rs\.node is older than its Rust sources\. Run `npm run build`/);
  });

  it('refuses a prebuilt package of another version', () => {
    const r = load(pkgDir('mismatch', { prebuilt: '0.0.0-other' }));
    assert.match(r.error, new RegExp(`${platformPackage(target)} is version 0\\.0\\.0-other but tls-rs is ${version.replace(/\./g, '\\.')}`));
  });

  it('without either: an error naming the platform, the missing package and the build command', () => {
    const r = load(pkgDir('none'));
    assert.match(r.error, new RegExp(`no native addon for ${target}, Node ${process.version.replace(/\./g, '\\.')}`));
    assert.match(r.error, new RegExp(`${platformPackage(target)} is not installed`));
    assert.match(r.error, /npm rebuild tls-rs/);
  });
});
