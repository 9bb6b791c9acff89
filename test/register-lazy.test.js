'use strict';
// `tls-rs/register` loads nothing until tls is used (issue 16): not tls-rs, not its addon, and on
// Node without module.registerHooks no module-hooks thread unless ES modules can show up. What
// each process loaded is read from inside it (require.cache, the addon among the process's
// mapped files, the hooks module in process.moduleLoadList); bench/startup.js measures the time.
// Also: https as the hook patches it, from CommonJS and ESM, and the checkout's files by path.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');

const root = path.join(__dirname, '..');
const inThreadHooks = typeof Module.registerHooks === 'function';
let dir;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-lazy-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'tls-rs'), 'dir');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Prints what this process loaded, as JSON, when it exits.
const REPORT = `process.on('exit', () => {
  const maps = process.platform === 'linux' ? require('fs').readFileSync('/proc/self/maps', 'utf8') : '';
  process._rawDebug('REPORT' + JSON.stringify({
    tlsRs: Object.keys(require.cache).some((f) => f.endsWith(require('path').join('lib', 'tls.js'))),
    addon: process.platform === 'linux' ? /tls[-_]rs[^/]*\\.node/.test(maps) : null,
    hooksThread: process.moduleLoadList.includes('NativeModule internal/modules/esm/hooks'),
  }));
});`;

function node(args, { input } = {}) {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 20000, input });
  assert.equal(r.status, 0, `node ${args.join(' ')}: ${r.stderr}`);
  const report = /REPORT(.*)/.exec(r.stderr);
  return { stdout: r.stdout.trim(), loaded: report && JSON.parse(report[1]) };
}

function write(name, text) {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}

const NOTHING = { tlsRs: false, addon: process.platform === 'linux' ? false : null, hooksThread: false };

describe('tls-rs/register at start-up', () => {
  it('-r / --import with -e code that never uses tls load neither tls-rs nor its addon, nor start a hooks thread', () => {
    for (const flag of ['-r', '--import']) {
      assert.deepEqual(node([flag, 'tls-rs/register', '-e', REPORT]).loaded, NOTHING, flag);
    }
  });

  it('a CommonJS app without import() starts no hooks thread; its first require of tls loads tls-rs', () => {
    const app = write('plain.cjs', `${REPORT}\nrequire('node:path');\n`);
    assert.deepEqual(node(['-r', 'tls-rs/register', app]).loaded, NOTHING);
    const uses = write('uses.cjs', `${REPORT}\nconsole.log(require('tls') === require('tls-rs'));\n`);
    const r = node(['-r', 'tls-rs/register', uses]);
    assert.equal(r.stdout, 'true');
    assert.deepEqual(r.loaded, { ...NOTHING, tlsRs: true, addon: NOTHING.addon === null ? null : true });
  });

  it('a CommonJS app whose code calls import() gets tls-rs from import("node:tls")', () => {
    const app = write('dynamic.cjs', "import('node:tls').then((m) => console.log(m.default === require('tls-rs')));\n");
    assert.equal(node(['-r', 'tls-rs/register', app]).stdout, 'true');
  });

  it('an ES module app starts the hooks (on a thread only without module.registerHooks)', () => {
    const app = write('app.mjs', `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${REPORT}\n`);
    assert.deepEqual(node(['-r', 'tls-rs/register', app]).loaded, { ...NOTHING, hooksThread: !inThreadHooks });
  });

  it('ESM named imports of node:tls offer every export of tls-rs', () => {
    const app = write('names.mjs', `import * as tls from 'node:tls';
import { createRequire } from 'node:module';
const tlsRs = createRequire(import.meta.url)('tls-rs');
console.log(JSON.stringify(Object.keys(tlsRs).filter((k) => tls[k] !== tlsRs[k])));\n`);
    for (const flag of ['-r', '--import']) assert.equal(node([flag, 'tls-rs/register', app]).stdout, '[]', flag);
  });
});

describe('https under tls-rs/register', () => {
  const expected = JSON.stringify({ createServer: true, Server: true, createConnection: true });
  const check = (https, tlsRsHttps) => `JSON.stringify({ createServer: ${https}.createServer === ${tlsRsHttps}.createServer,
    Server: ${https}.Server === ${tlsRsHttps}.Server,
    createConnection: (() => {
      const socket = new ${https}.Agent().createConnection({ host: '127.0.0.1', port: 1 }).on('error', () => {});
      socket.destroy();
      return socket instanceof require('tls-rs').TLSSocket;
    })() })`;

  it('require("https") serves and connects over tls-rs, also when https was loaded before the hook', () => {
    const code = `const https = require('https'); console.log(${check('https', "require('tls-rs/https')")});`;
    assert.equal(node(['-r', 'tls-rs/register', '-e', code]).stdout, expected);
    // tls-rs/https loaded by the app first (it copies https's members while https is patched).
    const ownFirst = `const ours = require('tls-rs/https'); const https = require('https'); console.log(${check('https', 'ours')});`;
    assert.equal(node(['-r', 'tls-rs/register', '-e', ownFirst]).stdout, expected);
    const patchedFirst = `const https = require('https'); const ours = require('tls-rs/https'); console.log(${check('https', 'ours')});`;
    assert.equal(node(['-r', 'tls-rs/register', '-e', patchedFirst]).stdout, expected);
    // A preload before the hook keeps Node's https object; the hook patches that object.
    const early = write('early.cjs', "globalThis.earlyHttps = require('node:https');\n");
    const earlyCode = `console.log(${check('globalThis.earlyHttps', "require('tls-rs/https')")});`;
    assert.equal(node(['-r', `./${early}`, '-r', 'tls-rs/register', '-e', earlyCode]).stdout, expected);
  });

  it('ESM imports of node:https get the same https', () => {
    const app = write('https.mjs', `import https, { createServer, Server } from 'node:https';
import { createRequire } from 'node:module';
const ours = createRequire(import.meta.url)('tls-rs/https');
console.log(JSON.stringify({ default: https === createRequire(import.meta.url)('https'),
  createServer: createServer === ours.createServer, Server: Server === ours.Server }));\n`);
    for (const flag of ['-r', '--import']) {
      assert.equal(node([flag, 'tls-rs/register', app]).stdout, JSON.stringify({ default: true, createServer: true, Server: true }), flag);
    }
  });
});

describe('the checkout\'s files by path', () => {
  it('require("<dir>/register"), require("<dir>/https"), -r and --import <dir>/register.js', () => {
    const code = `const tlsRs = require(${JSON.stringify(root)});
      console.log(JSON.stringify({ tls: require('tls') === tlsRs,
        https: require(${JSON.stringify(path.join(root, 'https'))}).createServer === require('tls-rs/https').createServer }));`;
    const expected = JSON.stringify({ tls: true, https: true });
    assert.equal(node(['-e', `require(${JSON.stringify(path.join(root, 'register'))}); ${code}`]).stdout, expected);
    assert.equal(node(['-r', path.join(root, 'register'), '-e', code]).stdout, expected);
    assert.equal(node(['--import', path.join(root, 'register.js'), '-e', code]).stdout, expected);
  });
});
