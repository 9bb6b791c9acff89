'use strict';
// tls-rs: Node's `tls` module over a Rust/OpenSSL engine. This file is the module object and
// nothing else; each member is defined in the file of its concept. As in Node, the members are
// plain data properties a user may reassign (rootCertificates excepted), and lib/ reads the ones
// Node's own code reads through the module (settings, createSecureContext, ...) from this
// object at call time, by way of lib/defaults.js.

const nodeTls = require('node:tls');
const { settings, setTLSModule, shareSettingsWithNodeTls } = require('./defaults');
const { getCiphers, SecureContext, createSecureContext } = require('./secure-context');
const { convertALPNProtocols } = require('./alpn');
const { convertNPNProtocols } = require('./npn');
const { checkServerIdentity } = require('./identity');
const { TLSSocket } = require('./socket');
const { Server, createServer } = require('./server');
const { createSecurePair, SecurePair, CryptoStream } = require('./secure-pair');
const { connect } = require('./connect');
const { getCACertificates, setDefaultCACertificates } = require('./ca-certificates');

// DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, DEFAULT_MIN/MAX_VERSION, CLIENT_RENEG_LIMIT/WINDOW.
Object.assign(exports, settings);
exports.getCiphers = getCiphers;
// Node 22.15 / 23.5's trust-store API, on every Node.
exports.getCACertificates = getCACertificates;
exports.setDefaultCACertificates = setDefaultCACertificates;
// The same bundled Mozilla roots as the running Node (the default trust store uses them too).
Object.defineProperty(exports, 'rootCertificates', {
  __proto__: null,
  configurable: false,
  enumerable: true,
  get: () => nodeTls.rootCertificates,
});
exports.convertALPNProtocols = convertALPNProtocols;
// Node v5's NPN helper (seed docs).
exports.convertNPNProtocols = convertNPNProtocols;
exports.checkServerIdentity = checkServerIdentity;
exports.createSecureContext = createSecureContext;
exports.SecureContext = SecureContext;
exports.TLSSocket = TLSSocket;
exports.Server = Server;
exports.createServer = createServer;
exports.createSecurePair = createSecurePair;
// The seed docs describe these classes; Node 20 no longer exports them.
exports.SecurePair = SecurePair;
exports.CryptoStream = CryptoStream;
exports.connect = connect;
// Node 24's, where the running Node has it (lib/certificate-compression.js: none in this build).
if (require('./host-tls').certificateCompression()) {
  exports.getCertificateCompressionAlgorithms = require('./certificate-compression').getCertificateCompressionAlgorithms;
}

// Every file of lib/ reads the settings, and calls what Node calls through the module, here.
setTLSModule(module.exports);
// Loaded by (or after) `tls-rs/register`: one set of settings for the whole process.
if (process[Symbol.for('tls-rs.register')]) shareSettingsWithNodeTls(module.exports);
