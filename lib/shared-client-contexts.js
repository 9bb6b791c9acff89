'use strict';
// Beyond Node: tls.connect() given no `secureContext` builds one per connection, in Node and in
// tls-rs (SSL_CTX_new, cipher-list parsing, a `ca` list parsed again, later the finalizer:
// sharing saves a client ~260 µs of CPU per TLS 1.3 handshake without context options, and the
// whole parse of its `ca` with them; bench/README.md). A context is a function of the options
// createSecureContext reads and the module's defaults; connections whose options and defaults
// are equal to an earlier connection's get that connection's context instead of a new one. A
// client's connection only reads its context (its callbacks are set when it is built and answer
// per connection: src/conn/context_callbacks.rs).

const { isArrayBufferView } = require('node:util').types;
const { createSecureContext } = require('./secure-context');
const { tlsModule } = require('./defaults');
const { defaultCAGeneration } = require('./ca-certificates');

// Every option createSecureContext (and the SecureContext it makes) reads.
const CONTEXT_OPTIONS = [
  'allowPartialTrustChain', 'ca', 'cert', 'certificateCompression', 'ciphers', 'clientCertEngine', 'crl',
  'dhparam', 'echKeys', 'ecdhCurve', 'honorCipherOrder', 'key', 'maxVersion', 'minVersion', 'passphrase',
  'pfx', 'privateKeyEngine', 'privateKeyIdentifier', 'secureOptions', 'secureProtocol', 'sessionIdContext',
  'sessionTimeout', 'sigalgs', 'ticketKeys',
];

// The contexts kept, most recently used last; each { defaults, settings, context }, `settings`
// a copy of the context options it was made from (so a client's key stays in memory while its
// context is kept, as it does in the context itself).
const MAX_KEPT = 8;
const kept = [];

/** A copy of `value` to compare later ones with, or undefined when it is not comparable data. */
function snapshot(value) {
  const type = typeof value;
  if (value === null || type === 'string' || type === 'number' || type === 'boolean') return value;
  if (isArrayBufferView(value)) {
    return isPlainView(value) ? Buffer.from(Buffer.from(value.buffer, value.byteOffset, value.byteLength)) : undefined;
  }
  if (Array.isArray(value)) {
    const items = [];
    for (const item of value) {
      const copy = snapshot(item);
      if (copy === undefined || Array.isArray(copy)) return undefined;
      items.push(copy);
    }
    return items;
  }
  return undefined; // objects ({ pem, passphrase }), functions, X509Certificate, ...
}

// A Buffer or typed array that is only its bytes: createSecureContext also reads the `buf`,
// `pem` and `passphrase` of a `pfx` or `key` item, a Buffer's own properties included.
function isPlainView(value) {
  return value.buf === undefined && value.pem === undefined && value.passphrase === undefined;
}

/** Whether `value` holds the same data as `copy` (a snapshot). */
function sameData(copy, value) {
  if (Buffer.isBuffer(copy)) {
    return isArrayBufferView(value) && isPlainView(value) && value.byteLength === copy.length &&
           copy.equals(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  if (Array.isArray(copy)) {
    return Array.isArray(value) && value.length === copy.length && copy.every((item, i) => sameData(item, value[i]));
  }
  return copy === value;
}

/**
 * The context tls.connect(options) may use instead of tls.createSecureContext(options): one an
 * earlier connection made from equal options and defaults, or a new one kept for the next; null
 * when an option is not plain data (strings, numbers, booleans, ArrayBufferViews, arrays of
 * them) or tls.createSecureContext was replaced (a replacement sees every call, as in Node).
 */
function sharedClientContext(options) {
  const tls = tlsModule();
  if (tls.createSecureContext !== createSecureContext) return null;
  const present = [];
  for (let i = 0; i < CONTEXT_OPTIONS.length; i++) {
    const name = CONTEXT_OPTIONS[i];
    const value = options[name];
    if (value !== undefined) present.push([name, value]);
  }
  const defaults = `${tls.DEFAULT_CIPHERS}\0${tls.DEFAULT_ECDH_CURVE}\0${tls.DEFAULT_MIN_VERSION}\0` +
                   `${tls.DEFAULT_MAX_VERSION}\0${defaultCAGeneration()}`;
  for (let i = kept.length - 1; i >= 0; i--) {
    const entry = kept[i];
    if (entry.defaults === defaults && entry.settings.length === present.length &&
        entry.settings.every(([name, copy], j) => present[j][0] === name && sameData(copy, present[j][1]))) {
      kept.splice(i, 1);
      kept.push(entry);
      return entry.context;
    }
  }
  const settings = [];
  for (const [name, value] of present) {
    const copy = snapshot(value);
    if (copy === undefined) return null;
    settings.push([name, copy]);
  }
  const context = createSecureContext(options);
  kept.push({ defaults, settings, context });
  if (kept.length > MAX_KEPT) kept.shift();
  return context;
}

module.exports = { sharedClientContext, CONTEXT_OPTIONS };
