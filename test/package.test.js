'use strict';
// The release tarballs (issue 16): `scripts/package.js` (npm run package) packs the main package
// and this machine's platform package from the addon already built (nothing is compiled here);
// installed with `npm install --offline` into an empty project, on a PATH without the Rust
// toolchain, they give a working `require('tls-rs')` (a real handshake, on the prebuilt addon),
// `tls-rs/register` and `tls-rs/https`. Without the platform package, the install tries to build
// from source and says why it cannot, and the loader names the platform and the command.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const { currentTarget, platformPackage, platformBinary, TARGETS } = require('../lib/native-target');

const ROOT = path.join(__dirname, '..');
const CERTS = path.join(__dirname, 'fixtures', 'certs');
const target = currentTarget();
const RUST_TOOLS = ['cargo', 'rustc', 'rustup'];

/** The npm CLI as [command, leading args]: the one running this suite, else npm on PATH. */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && execPath.endsWith('.js')) return [process.execPath, [execPath]];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (fs.existsSync(candidate)) {
      const real = fs.realpathSync(candidate);
      return real.endsWith('.js') ? [process.execPath, [real]] : [real, []];
    }
  }
  throw new Error('npm not found on PATH');
}

/**
 * A PATH of one directory, `shimDir`, linking to every command on this PATH (first one wins) but
 * the Rust toolchain, and `node` to this node: a machine without Rust, where npm still finds sh.
 */
function pathWithoutRust(shimDir) {
  fs.symlinkSync(process.execPath, path.join(shimDir, 'node'));
  for (const dir of (process.env.PATH || '').split(path.delimiter).filter(Boolean)) {
    let names;
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const name of names) {
      if (RUST_TOOLS.includes(name) || name.startsWith('cargo-') || name.startsWith('rust')) continue;
      try { fs.symlinkSync(path.join(dir, name), path.join(shimDir, name)); } catch { /* taken */ }
    }
  }
  return shimDir;
}

let work;
let tarballs;
let env;
let npm;

function run(cmd, args, { cwd, input } = {}) {
  return spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', timeout: 120_000 });
}

function npmInstall(project, files, extra = []) {
  return run(npm[0], [...npm[1], 'install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts',
    ...extra, ...files], { cwd: project });
}

function emptyProject(name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  return dir;
}

/** Runs `node args` in `cwd` with the Rust-free PATH; returns stdout parsed as JSON. */
function nodeJson(cwd, args) {
  const r = run(process.execPath, args, { cwd });
  assert.equal(r.status, 0, `node ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-package-'));
  const shims = path.join(work, 'bin');
  fs.mkdirSync(shims);
  // An empty npm cache: with --offline, nothing can come from a registry.
  env = {
    ...process.env, PATH: pathWithoutRust(shims), CERTS,
    npm_config_cache: path.join(work, 'npm-cache'), npm_config_update_notifier: 'false',
  };
  delete env.CARGO_TARGET_DIR;
  npm = npmCommand();
  const out = path.join(work, 'dist');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.js'), '--out', out, '--json'],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  tarballs = JSON.parse(r.stdout);
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

describe('npm run package', { skip: !TARGETS[target] && `no platform package for ${target}` }, () => {
  it('writes the main package (no addon, no build output, no tests) and this platform\'s package', () => {
    const [main, platform] = tarballs;
    assert.equal(main.name, 'tls-rs');
    assert.equal(path.basename(main.file), `tls-rs-${require('../package.json').version}.tgz`);
    for (const required of ['package.json', 'lib/tls.js', 'lib/register.js', 'lib/esm-hooks.mjs', 'lib/https.js',
      'register.js', 'https.js', 'index.d.ts', 'binding.d.ts', 'scripts/install.js', 'src/lib.rs', 'Cargo.lock',
      'vendor/openssl-sys/Cargo.toml', 'vendor/openssl-sys/build/main.rs', 'vendor/openssl-src/Cargo.toml',
      'vendor/openssl-src/src/lib.rs']) {
      assert.ok(main.files.includes(required), `main package lacks ${required}`);
    }
    const unwanted = main.files.filter((f) => /^(build|target|test|bench|fuzz|node_modules|npm|dist)\/|\.node$/.test(f));
    assert.deepEqual(unwanted, []);
    assert.equal(platform.name, platformPackage(target));
    assert.deepEqual([...platform.files].sort(), ['README.md', 'package.json', platformBinary(target)]);
    for (const t of tarballs) assert.ok(fs.statSync(t.file).size === t.size);
  });

  it('the published package.json lists every platform package as an optional dependency, and no dev tooling', () => {
    const dir = path.join(work, 'unpacked');
    fs.mkdirSync(dir);
    const r = run('tar', ['xzf', tarballs[0].file, '-C', dir]);
    assert.equal(r.status, 0, r.stderr);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8'));
    assert.deepEqual(pkg.optionalDependencies,
      Object.fromEntries(Object.keys(TARGETS).map((t) => [platformPackage(t), pkg.version])));
    assert.equal(pkg.devDependencies, undefined);
    assert.deepEqual(Object.keys(pkg.scripts), ['install']);
    for (const t of Object.keys(TARGETS)) {
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'npm', t, 'package.json'), 'utf8'));
      assert.equal(manifest.name, platformPackage(t));
      assert.equal(manifest.version, pkg.version, `npm/${t}/package.json`);
      assert.equal(manifest.main, platformBinary(t));
      assert.deepEqual(manifest.os, [TARGETS[t].os]);
      assert.deepEqual(manifest.cpu, [TARGETS[t].cpu]);
      assert.deepEqual(manifest.libc, TARGETS[t].libc && [TARGETS[t].libc]);
    }
  });

  it('installs offline into an empty project without Rust on PATH: tls-rs, tls-rs/register and tls-rs/https work on the prebuilt addon', () => {
    assert.equal(run('cargo', ['--version']).error?.code, 'ENOENT', 'cargo is still on PATH');
    const project = emptyProject('app');
    const install = npmInstall(project, tarballs.map((t) => t.file));
    assert.equal(install.status, 0, `npm install:\n${install.stdout}\n${install.stderr}`);
    assert.match(install.stdout, new RegExp(`using the prebuilt addon from ${platformPackage(target)}`));
    const installed = path.join(project, 'node_modules', 'tls-rs');
    assert.ok(!fs.existsSync(path.join(installed, 'build')) && !fs.existsSync(path.join(installed, 'target')));

    // A handshake between a tls-rs server and a tls-rs client, verified against the test CA.
    const handshake = nodeJson(project, ['-e', `
      const tls = require('tls-rs'), fs = require('fs');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const server = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => s.end('hello'));
      server.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ca: f('ca-cert.pem') }, () => {
          let data = '';
          c.setEncoding('utf8').on('data', (d) => { data += d; }).on('end', () => {
            const maps = fs.readFileSync('/proc/self/maps', 'utf8');
            const addon = [...new Set(maps.split('\\n').map((l) => l.split(/\\s+/)[5]).filter((p) => p && p.endsWith('.node')))];
            console.log(JSON.stringify({ authorized: c.authorized, protocol: c.getProtocol(), data, addon }));
            server.close();
          });
        });
      });`]);
    assert.deepEqual(handshake, {
      authorized: true, protocol: 'TLSv1.3', data: 'hello',
      addon: [fs.realpathSync(path.join(project, 'node_modules', platformPackage(target), platformBinary(target)))],
    });

    // tls-rs/register (CommonJS and ESM) and an https server from tls-rs/https, reached by https.get.
    const registered = nodeJson(project, ['-r', 'tls-rs/register', '-e', `
      const https = require('https'), fs = require('fs'), tlsRs = require('tls-rs');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const server = require('tls-rs/https').createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') },
        (req, res) => res.end('over ' + req.url));
      server.listen(0, '127.0.0.1', () => {
        https.get({ host: 'localhost', port: server.address().port, path: '/x', ca: f('ca-cert.pem') }, (res) => {
          const socket = res.socket;
          let body = '';
          res.on('data', (d) => { body += d; }).on('end', () => {
            console.log(JSON.stringify({ swapped: require('tls') === tlsRs, body, tlsRsSocket: socket instanceof tlsRs.TLSSocket }));
            server.close();
          });
        });
      });`]);
    assert.deepEqual(registered, { swapped: true, body: 'over /x', tlsRsSocket: true });
    fs.writeFileSync(path.join(project, 'app.mjs'), `import tls from 'node:tls';
import { createRequire } from 'node:module';
console.log(JSON.stringify({ esm: tls === createRequire(import.meta.url)('tls-rs') }));\n`);
    assert.deepEqual(nodeJson(project, ['--import', 'tls-rs/register', 'app.mjs']), { esm: true });
  });

  it('without the platform package: the install tries to build, says it cannot; the loader names platform and command', () => {
    const project = emptyProject('no-prebuilt');
    const install = npmInstall(project, [tarballs[0].file]);
    assert.notEqual(install.status, 0, 'npm install should fail without a prebuilt and without cargo');
    assert.match(install.stdout + install.stderr, new RegExp(`no prebuilt addon for ${target}`));
    assert.match(install.stdout + install.stderr, /cargo is not on PATH/);

    const skipped = npmInstall(project, [tarballs[0].file], ['--ignore-scripts']);
    assert.equal(skipped.status, 0, skipped.stderr);
    const r = run(process.execPath, ['-e', "require('tls-rs')"], { cwd: project });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`no native addon for ${target}.*${platformPackage(target)} is not installed`));
    assert.match(r.stderr, /npm rebuild tls-rs/);
  });
});
