'use strict';
// The tls module's assignable settings — DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, DEFAULT_MIN_VERSION,
// DEFAULT_MAX_VERSION, CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW — and the way every file of lib/
// reads them. Node's own code reads them, and calls createSecureContext, convertALPNProtocols and
// checkServerIdentity, through the module object at call time, so what a user assigns to
// `tls.X` applies to the next connection. tls-rs does the same through tlsModule(): the public
// module object, which lib/tls.js hands over once when it loads. A leaf: it requires nothing of
// lib/, so nothing that reads a setting makes a require cycle.

const nodeTls = require('node:tls');

/** The settings' initial values, in Node's export order (lib/tls.js copies them onto the module). */
const settings = {
  CLIENT_RENEG_LIMIT: 3,
  CLIENT_RENEG_WINDOW: 600,
  // The running Node's defaults, which already reflect --tls-cipher-list / --tls-min-v1.x flags.
  DEFAULT_CIPHERS: nodeTls.DEFAULT_CIPHERS,
  DEFAULT_ECDH_CURVE: 'auto',
  DEFAULT_MIN_VERSION: nodeTls.DEFAULT_MIN_VERSION,
  DEFAULT_MAX_VERSION: nodeTls.DEFAULT_MAX_VERSION,
};

// Until lib/tls.js hands over the module (a file of lib/ required on its own, as some tests
// do), the initial settings stand in for it.
let publicModule = { ...settings };

/** Called once by lib/tls.js with its exports. */
function setTLSModule(moduleObject) {
  publicModule = moduleObject;
}

/** require('tls-rs') as the user sees it now: read a setting or call a function through it. */
function tlsModule() {
  return publicModule;
}

/**
 * Under `tls-rs/register`: Node's own tls module reads and writes tls-rs's settings, so Node's
 * internal users of tls (http2, the built-in fetch, `_tls_wrap`), which read them from Node's
 * module, follow what user code assigns to `require('tls').X`. A value already assigned on
 * Node's module carries over. Idempotent.
 */
function shareSettingsWithNodeTls(moduleObject) {
  for (const name of Object.keys(settings)) {
    const own = Object.getOwnPropertyDescriptor(nodeTls, name);
    if (!own?.configurable || own.get) continue;
    if (own.value !== settings[name] && moduleObject[name] === settings[name]) moduleObject[name] = own.value;
    Object.defineProperty(nodeTls, name, {
      __proto__: null,
      configurable: true,
      enumerable: own.enumerable,
      get() { return moduleObject[name]; },
      set(value) { moduleObject[name] = value; },
    });
  }
}

module.exports = { settings, setTLSModule, tlsModule, shareSettingsWithNodeTls };
