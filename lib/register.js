'use strict';
// `node -r tls-rs/register app.js`, `node --import tls-rs/register app.mjs`, or
// `require('tls-rs/register')` first thing: from then on `require('tls')` / `require('node:tls')`
// in user code and packages, and ESM `import … from 'node:tls'` / `import('tls')`, return tls-rs;
// https.Agent (so https.request / https.get and every agent-based client) connects through
// tls-rs, and https.createServer / https.Server serve over it.
// Not covered: Node's own internal users of tls other than https (http2, the fetch built into Node).
//
// Start-up cost is close to nothing: this file loads neither tls-rs nor its addon. tls-rs loads on
// the first require or import of tls, or the first use of a patched https member.
//
// ES modules do not go through Module._load; they need module hooks (esm-hooks.mjs). Node ≥ 22.15
// / 23.5 runs them in the loading thread (module.registerHooks), at no cost, so they are always
// installed there. Older Node (module.register, ≥ 20.6) runs them on a hooks thread that costs
// ~30 ms to start, so there they are installed only once ES modules can show up: at once for an
// ESM entry point (.mjs, "type": "module", --input-type=module, a main file or -e code that
// mentions `import`, the REPL and stdin), otherwise just before the first CommonJS module whose
// source contains `import(` is compiled. Node < 20.6 has no hooks: ESM imports keep Node's tls.

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { nodeOptionValue } = require('./node-options');

const kRegistered = Symbol.for('tls-rs.register');

// -r preloads run again on Node's module-hooks thread, where nothing needs tls-rs.
const inHooksThread = process.moduleLoadList?.includes('NativeModule internal/modules/esm/worker');

function swapTlsForCommonJs() {
  const originalLoad = Module._load;
  // tls-rs's own files build on Node's tls and https.
  const ownDir = __dirname + path.sep;
  Module._load = function load(request, parent, isMain) {
    if (parent?.filename?.startsWith(ownDir)) return originalLoad.call(this, request, parent, isMain);
    switch (request) {
      case 'tls':
      case 'node:tls':
        return require('./tls');
      case 'https':
      case 'node:https': {
        const https = originalLoad.call(this, request, parent, isMain);
        patchHttps(https);
        return https;
      }
      default:
        return originalLoad.call(this, request, parent, isMain);
    }
  };
  // https loaded before this file (by an earlier preload): patch it now.
  if (process.moduleLoadList.includes('NativeModule https')) patchHttps(require('node:https'));
}

let httpsPatched = false;

/**
 * Points https.Agent#createConnection, https.Server and https.createServer at tls-rs's https
 * (lib/https.js), which loads on first use. While it loads (it copies Node's https members) they
 * are Node's own.
 */
function patchHttps(https) {
  if (httpsPatched) return;
  httpsPatched = true;
  const original = {
    Server: https.Server, createServer: https.createServer, createConnection: https.Agent.prototype.createConnection,
  };
  const tlsRsHttpsPath = path.join(__dirname, 'https.js');
  const member = (name) => {
    const loading = require.cache[tlsRsHttpsPath];
    return loading && !loading.loaded ? original[name] : require('./https')[name];
  };
  // (lib/https.js runs Node's own, kept here, with tls-rs's tls.connect.)
  Object.defineProperty(https.Agent.prototype, Symbol.for('tls-rs.https.nodeCreateConnection'), {
    __proto__: null, value: original.createConnection, configurable: true,
  });
  https.Agent.prototype.createConnection = function createConnection(...args) {
    return member('createConnection').apply(this, args);
  };
  for (const name of ['Server', 'createServer']) {
    Object.defineProperty(https, name, {
      __proto__: null,
      configurable: true,
      enumerable: true,
      get() { return member(name); },
      set(value) {
        Object.defineProperty(https, name, { __proto__: null, value, writable: true, configurable: true, enumerable: true });
      },
    });
  }
}

let esmHooksInstalled = false;
function installEsmHooks() {
  if (esmHooksInstalled) return;
  esmHooksInstalled = true;
  if (typeof Module.registerHooks === 'function') {
    const { resolve, load } = require('./esm-hooks.mjs');
    Module.registerHooks({ resolve, load });
  } else if (typeof Module.register === 'function') {
    Module.register(require('node:url').pathToFileURL(path.join(__dirname, 'esm-hooks.mjs')));
  }
}

function installEsmHooksWhenNeeded() {
  if (typeof Module.registerHooks !== 'function' && typeof Module.register !== 'function') return;
  if (typeof Module.registerHooks === 'function' || entryMayBeEsm()) {
    installEsmHooks();
    return;
  }
  // A CommonJS entry point: ES modules come in through import(), which only code that says so
  // can call. Install the hooks before such code is compiled.
  const originalCompile = Module.prototype._compile;
  Module.prototype._compile = function _compile(content, ...rest) {
    if (!esmHooksInstalled && typeof content === 'string' && content.includes('import') && /\bimport\s*\(/.test(content)) {
      installEsmHooks();
      if (Module.prototype._compile === _compile) Module.prototype._compile = originalCompile;
    }
    return originalCompile.call(this, content, ...rest);
  };
}

/** Whether the process's entry point is, or may be, an ES module (see the top of this file). */
function entryMayBeEsm() {
  if (nodeOptionValue('--input-type') === 'module' ||
      nodeOptionValue('--experimental-default-type') === 'module') return true;
  if (typeof process._eval === 'string') return /\bimport\b/.test(process._eval);
  if (!process.argv[1]) return true; // the REPL, or a script on stdin
  let main;
  try {
    main = require.resolve(path.resolve(process.argv[1]));
  } catch {
    return true;
  }
  if (/\.m[jt]s$/.test(main)) return true;
  if (/\.c[jt]s$/.test(main)) return false;
  if (packageType(path.dirname(main)) === 'module') return true;
  // No "type": Node detects ES module syntax in the file itself.
  try {
    return /\bimport\b/.test(fs.readFileSync(main, 'utf8'));
  } catch {
    return true;
  }
}

/** The "type" of the package.json nearest to `dir`, or undefined. */
function packageType(dir) {
  for (;;) {
    let text;
    try {
      text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
      continue;
    }
    try { return JSON.parse(text).type; } catch { return undefined; }
  }
}

if (!process[kRegistered] && !inHooksThread) {
  process[kRegistered] = true;
  swapTlsForCommonJs();
  installEsmHooksWhenNeeded();
  // tls-rs loaded before the hook: share its settings now (lib/tls.js does it when it loads later).
  const tlsRs = require.cache[path.join(__dirname, 'tls.js')];
  if (tlsRs?.loaded) require('./defaults').shareSettingsWithNodeTls(tlsRs.exports);
}

// A side-effect module: `require('tls-rs')` is tls-rs.
module.exports = {};
