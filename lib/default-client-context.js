'use strict';
// Beyond Node: tls.connect() given no `secureContext` builds one per connection, in Node and in
// tls-rs (SSL_CTX_new, cipher-list parsing, later its finalizer: sharing saves a client ~260 µs
// of CPU per TLS 1.3 handshake, bench/README.md). When
// the options hold nothing createSecureContext reads, each of those contexts is made from the
// module's defaults alone and is the same; such connections share one instead, rebuilt when a
// default changes. A client's connection only reads its context (the callbacks it installs on
// it — new sessions, keylog — answer per connection, as for any context shared by the caller).

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

let shared = null; // { defaults, context }

/**
 * The context tls.connect(options) may use instead of tls.createSecureContext(options): the
 * shared one for the module's current defaults, or null when `options` configure a context of
 * their own or tls.createSecureContext was replaced (a replacement sees every call, as in Node).
 */
function defaultClientContext(options) {
  const tls = tlsModule();
  if (tls.createSecureContext !== createSecureContext) return null;
  for (let i = 0; i < CONTEXT_OPTIONS.length; i++) {
    const name = CONTEXT_OPTIONS[i];
    const value = options[name];
    // connect() fills in `ciphers` with tls.DEFAULT_CIPHERS.
    if (value !== undefined && !(name === 'ciphers' && value === tls.DEFAULT_CIPHERS)) return null;
  }
  const defaults = `${tls.DEFAULT_CIPHERS}\0${tls.DEFAULT_ECDH_CURVE}\0${tls.DEFAULT_MIN_VERSION}\0` +
                   `${tls.DEFAULT_MAX_VERSION}\0${defaultCAGeneration()}`;
  if (shared === null || shared.defaults !== defaults) {
    shared = { defaults, context: createSecureContext(options) };
  }
  return shared.context;
}

module.exports = { defaultClientContext, CONTEXT_OPTIONS };
