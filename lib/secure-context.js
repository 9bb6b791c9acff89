'use strict';

// tls.createSecureContext(options) — Node 20's _tls_common.js and internal/tls/secure-context.js
// over the native SecureContext (src/js/secure_context.rs over src/context/). Option order,
// validation, defaults and errors are Node's: a wrong option throws here exactly what it throws
// in Node.
//
//   createSecureContext(options)         -> SecureContext { context: binding.SecureContext }
//   new SecureContext(secureProtocol, secureOptions, minVersion, maxVersion)
//   configSecureContext(nativeContext, options, name = 'options')
//   getCiphers()                         -> the cipher names contexts accept (tls.getCiphers)
//
// Defaults are read from the tls module at each call, as Node does, so assignments to
// tls.DEFAULT_CIPHERS / DEFAULT_ECDH_CURVE / DEFAULT_MIN_VERSION / DEFAULT_MAX_VERSION apply.
// Without `ca`, contexts share one root store (lib/ca-certificates.js): Node's
// tls.rootCertificates (OpenSSL's CA store under --use-openssl-ca, plus the system store under
// --use-system-ca) and the NODE_EXTRA_CA_CERTS file, built once, on first use.
//
// Where tls-rs differs from Node 20 on purpose (test/secure-context.test.js pins each one):
// - OpenSSL is 4.0, not 3.0: newer group syntax and groups work (ecdhCurve 'X25519MLKEM768',
//   'DEFAULT', '?X25519'), and OpenSSL-generated messages may be worded differently (codes match).
// - The security level is the running Node's default (lib/security-level.js), not OpenSSL 4.0's 2;
//   on a Node with OpenSSL 3.0, protocol versions and CCM-8 suites are judged by 3.0's rules.
// - ENGINE support is compiled out: privateKeyEngine / clientCertEngine throw what a Node built
//   without ENGINE throws: ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED, 'Custom engines not supported
//   by this OpenSSL' (Node 20, with ENGINE, fails later loading the engine).
// - NODE_EXTRA_CA_CERTS is read on first use rather than at process start; its load-failure
//   warning is printed only when Node did not already print it at startup.

const nodeTls = require('node:tls');
const { isArrayBufferView } = require('util').types;
const binding = require('./binding');
const { hostSecurityLevel, hostUsesOpenSSL30Rules } = require('./security-level');
const { tlsModule } = require('./defaults');
const { ensureRootStore } = require('./ca-certificates');
const { configECHKeys } = require('./ech');
const hostTls = require('./host-tls');
const { applyCertificateCompression } = require('./certificate-compression');
const {
  codes: {
    ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED,
    ERR_INVALID_ARG_TYPE,
    ERR_INVALID_ARG_VALUE,
    ERR_METHOD_NOT_IMPLEMENTED,
    ERR_TLS_INVALID_PROTOCOL_VERSION,
    ERR_TLS_PROTOCOL_VERSION_CONFLICT,
  },
} = require('./errors');
const {
  validateBuffer,
  validateInt32,
  validateInteger,
  validateObject,
  validateString,
} = require('./validators');

const NativeSecureContext = binding.SecureContext;

const TLS1_VERSION = 0x0301;
const TLS1_1_VERSION = 0x0302;
const TLS1_2_VERSION = 0x0303;
const TLS1_3_VERSION = 0x0304;
const SSL_OP_CIPHER_SERVER_PREFERENCE = 0x00400000;

const kEmptyObject = Object.freeze({ __proto__: null });

// ---- defaults (read lazily: users may change them on the tls module) -------------------------

function getDefaultEcdhCurve() {
  return tlsModule().DEFAULT_ECDH_CURVE || 'auto';
}

function getDefaultCiphers() {
  return tlsModule().DEFAULT_CIPHERS;
}


// ---- _tls_common.js ------------------------------------------------------------------------------

/**
 * Beyond Node: a ticket-key ring, a non-empty array of 48-byte keys (the first seals new
 * tickets), as the native context takes it: the keys one after the other. (An empty array gets
 * Node's type error from the callers' Buffer check.)
 */
function ticketKeyRing(keys, name) {
  return Buffer.concat(keys.map((key, i) => {
    validateBuffer(key, `${name}[${i}]`);
    if (key.byteLength !== 48) {
      throw new ERR_INVALID_ARG_VALUE(`${name}[${i}]`, key.byteLength, 'must be exactly 48 bytes');
    }
    return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
  }));
}

function toV(which, v, def) {
  if (v == null) v = def;
  if (v === 'TLSv1') return TLS1_VERSION;
  if (v === 'TLSv1.1') return TLS1_1_VERSION;
  if (v === 'TLSv1.2') return TLS1_2_VERSION;
  if (v === 'TLSv1.3') return TLS1_3_VERSION;
  throw new ERR_TLS_INVALID_PROTOCOL_VERSION(v, which);
}

// Node's SecureContext: `.context` is the native context. Callable without `new`, like Node's.
function SecureContext(secureProtocol, secureOptions, minVersion, maxVersion) {
  if (!(this instanceof SecureContext)) {
    return new SecureContext(secureProtocol, secureOptions, minVersion, maxVersion);
  }

  if (secureProtocol) {
    if (minVersion != null)
      throw new ERR_TLS_PROTOCOL_VERSION_CONFLICT(minVersion, secureProtocol);
    if (maxVersion != null)
      throw new ERR_TLS_PROTOCOL_VERSION_CONFLICT(maxVersion, secureProtocol);
  }

  const tls = tlsModule();
  this.context = new NativeSecureContext();
  this.context.init(secureProtocol,
                    toV('minimum', minVersion, tls.DEFAULT_MIN_VERSION),
                    toV('maximum', maxVersion, tls.DEFAULT_MAX_VERSION));
  const level = hostSecurityLevel();
  if (level !== undefined) this.context.setSecurityLevel(level);
  if (hostUsesOpenSSL30Rules) this.context.useOpenSSL30SecurityRules();

  if (secureOptions) {
    validateInteger(secureOptions, 'secureOptions');
    this.context.setOptions(secureOptions);
  }
}

/** tls.createSecureContext(options): a SecureContext configured from `options` and the module's defaults. */
function createSecureContext(options) {
  if (!options) options = kEmptyObject;

  const {
    honorCipherOrder,
    minVersion,
    maxVersion,
    secureProtocol,
  } = options;

  let { secureOptions } = options;

  if (honorCipherOrder)
    secureOptions |= SSL_OP_CIPHER_SERVER_PREFERENCE;

  const c = new SecureContext(secureProtocol, secureOptions, minVersion, maxVersion);

  configSecureContext(c.context, options);

  return c;
}

// ---- internal/tls/secure-context.js ------------------------------------------------------------

function toBuf(val, encoding) {
  if (typeof val === 'string') {
    if (encoding === 'buffer') encoding = 'utf8';
    return Buffer.from(val, encoding);
  }
  return val;
}

function validateKeyOrCertOption(name, value) {
  if (typeof value !== 'string' && !isArrayBufferView(value)) {
    throw new ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'TypedArray', 'DataView'], value);
  }
}

function addCACerts(context, certs, name) {
  certs.forEach((cert) => {
    validateKeyOrCertOption(name, cert);
    context.addCACert(cert);
  });
}

function setCerts(context, certs, name) {
  certs.forEach((cert) => {
    validateKeyOrCertOption(name, cert);
    context.setCert(cert);
  });
}

function setKey(context, key, passphrase, name) {
  validateKeyOrCertOption(`${name}.key`, key);
  if (passphrase !== undefined && passphrase !== null)
    validateString(passphrase, `${name}.passphrase`);
  context.setKey(key, passphrase);
}

function processCiphers(ciphers, name) {
  ciphers = (ciphers || getDefaultCiphers()).split(':');

  const cipherList = ciphers.filter((cipher) => {
    if (cipher.length === 0) return false;
    if (cipher.startsWith('TLS_')) return false;
    if (cipher.startsWith('!TLS_')) return false;
    return true;
  }).join(':');

  const cipherSuites = ciphers.filter((cipher) => {
    if (cipher.length === 0) return false;
    if (cipher.startsWith('TLS_')) return true;
    if (cipher.startsWith('!TLS_')) return true;
    return false;
  }).join(':');

  // Empty suites for both TLS 1.2 and TLS 1.3 leave nothing to handshake with.
  if (cipherSuites === '' && cipherList === '')
    throw new ERR_INVALID_ARG_VALUE(name, ciphers);

  return { cipherList, cipherSuites };
}

// Node 18's LoadPKCS12 throws OpenSSL's bare reason where later Nodes name the failure
// (lib/host-tls.js, pfxErrorsNamed): a bundle without a key or certificate gets OpenSSL's
// "passed a null parameter" (from using the missing one), a legacy-encrypted one "unsupported".
function loadPKCS12(context, ...args) {
  try {
    context.loadPKCS12(...args);
  } catch (err) {
    if (hostTls.pfxErrorsNamed()) throw err;
    if (err.code === 'ERR_CRYPTO_OPERATION_FAILED' &&
        /^Unable to load (private key|certificate) from PFX data$/.test(err.message)) {
      throw new Error('passed a null parameter');
    }
    if (err.code === 'ERR_CRYPTO_UNSUPPORTED_OPERATION') throw new Error('unsupported');
    throw err;
  }
}

// Applies `options` to the native `context` in Node's order; errors name the option `${name}.x`.
function configSecureContext(context, options = kEmptyObject, name = 'options') {
  validateObject(options, name);

  const {
    allowPartialTrustChain,
    ca,
    cert,
    certificateCompression,
    ciphers = getDefaultCiphers(),
    clientCertEngine,
    crl,
    dhparam,
    echKeys,
    ecdhCurve = getDefaultEcdhCurve(),
    key,
    passphrase,
    pfx,
    privateKeyIdentifier,
    privateKeyEngine,
    sessionIdContext,
    sessionTimeout,
    sigalgs,
    ticketKeys,
  } = options;

  // Ciphers first: @SECLEVEL=<n> changes the security level, which affects later steps.
  if (ciphers !== undefined && ciphers !== null)
    validateString(ciphers, `${name}.ciphers`);

  // TLS 1.3 suites (TLS_*) and the TLS 1.2 cipher list go to different OpenSSL calls.
  const { cipherList, cipherSuites } = processCiphers(ciphers, `${name}.ciphers`);

  if (cipherSuites !== '')
    context.setCipherSuites(cipherSuites);
  context.setCiphers(cipherList);

  if (cipherList === '' &&
      context.getMinProto() < TLS1_3_VERSION &&
      context.getMaxProto() > TLS1_2_VERSION) {
    context.setMinProto(TLS1_3_VERSION);
  }

  // CA before the cert, so that the cert's issuer can be found. ca, cert and key may be falsy.
  if (ca) {
    addCACerts(context, Array.isArray(ca) ? ca : [ca], `${name}.ca`);
  } else {
    ensureRootStore();
    context.addRootCerts();
  }

  if (allowPartialTrustChain) {
    context.setAllowPartialTrustChain();
  }

  if (cert) {
    setCerts(context, Array.isArray(cert) ? cert : [cert], `${name}.cert`);
  }

  // The key after the cert: OpenSSL checks that they match.
  if (key) {
    if (Array.isArray(key)) {
      for (let i = 0; i < key.length; ++i) {
        const val = key[i];
        const pem = (val?.pem !== undefined ? val.pem : val);
        const pass = (val?.passphrase !== undefined ? val.passphrase : passphrase);
        setKey(context, pem, pass, name);
      }
    } else {
      setKey(context, key, passphrase, name);
    }
  }

  // Node 24's option, where it exists (lib/certificate-compression.js): checked, then refused.
  if (hostTls.certificateCompression()) applyCertificateCompression(certificateCompression, name);

  if (sigalgs !== undefined && sigalgs !== null) {
    validateString(sigalgs, `${name}.sigalgs`);

    if (sigalgs === '')
      throw new ERR_INVALID_ARG_VALUE(`${name}.sigalgs`, sigalgs);

    context.setSigalgs(sigalgs);
  }

  if (privateKeyIdentifier !== undefined && privateKeyIdentifier !== null) {
    if (privateKeyEngine === undefined || privateKeyEngine === null) {
      // An engine is required with privateKeyIdentifier.
      throw new ERR_INVALID_ARG_VALUE(`${name}.privateKeyEngine`, privateKeyEngine);
    }
    if (key) {
      // A key and an engine key cannot both be set.
      throw new ERR_INVALID_ARG_VALUE(`${name}.privateKeyIdentifier`, privateKeyIdentifier);
    }

    if (typeof privateKeyIdentifier === 'string' && typeof privateKeyEngine === 'string') {
      if (typeof context.setEngineKey === 'function')
        context.setEngineKey(privateKeyIdentifier, privateKeyEngine);
      else
        throw new ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED();
    } else if (typeof privateKeyIdentifier !== 'string') {
      throw new ERR_INVALID_ARG_TYPE(`${name}.privateKeyIdentifier`,
                                     ['string', 'null', 'undefined'],
                                     privateKeyIdentifier);
    } else {
      throw new ERR_INVALID_ARG_TYPE(`${name}.privateKeyEngine`,
                                     ['string', 'null', 'undefined'],
                                     privateKeyEngine);
    }
  }

  validateString(ecdhCurve, `${name}.ecdhCurve`);
  context.setECDHCurve(ecdhCurve);

  if (dhparam !== undefined && dhparam !== null) {
    validateKeyOrCertOption(`${name}.dhparam`, dhparam);
    const warning = context.setDHParam(dhparam === 'auto' || dhparam);
    if (warning)
      process.emitWarning(warning, 'SecurityWarning');
  }

  if (crl !== undefined && crl !== null) {
    if (Array.isArray(crl)) {
      for (const val of crl) {
        validateKeyOrCertOption(`${name}.crl`, val);
        context.addCRL(val);
      }
    } else {
      validateKeyOrCertOption(`${name}.crl`, crl);
      context.addCRL(crl);
    }
  }

  if (sessionIdContext !== undefined && sessionIdContext !== null) {
    validateString(sessionIdContext, `${name}.sessionIdContext`);
    context.setSessionIdContext(sessionIdContext);
  }

  if (pfx !== undefined && pfx !== null) {
    if (Array.isArray(pfx)) {
      pfx.forEach((val) => {
        const raw = val.buf || val;
        const pass = val.passphrase || passphrase;
        if (pass !== undefined && pass !== null) {
          loadPKCS12(context, toBuf(raw), toBuf(pass));
        } else {
          loadPKCS12(context, toBuf(raw));
        }
      });
    } else if (passphrase) {
      loadPKCS12(context, toBuf(pfx), toBuf(passphrase));
    } else {
      loadPKCS12(context, toBuf(pfx));
    }
  }

  if (typeof clientCertEngine === 'string') {
    if (typeof context.setClientCertEngine !== 'function')
      throw new ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED();
    else
      context.setClientCertEngine(clientCertEngine);
  } else if (clientCertEngine !== undefined && clientCertEngine !== null) {
    throw new ERR_INVALID_ARG_TYPE(`${name}.clientCertEngine`,
                                   ['string', 'null', 'undefined'],
                                   clientCertEngine);
  }

  if (Array.isArray(ticketKeys) && ticketKeys.length > 0) {
    context.setTicketKeys(ticketKeyRing(ticketKeys, `${name}.ticketKeys`));
  } else if (ticketKeys !== undefined && ticketKeys !== null) {
    validateBuffer(ticketKeys, `${name}.ticketKeys`);
    if (ticketKeys.byteLength !== 48) {
      throw new ERR_INVALID_ARG_VALUE(`${name}.ticketKeys`, ticketKeys.byteLength, 'must be exactly 48 bytes');
    }
    if (typeof context.setTicketKeys !== 'function')
      throw new ERR_METHOD_NOT_IMPLEMENTED('setTicketKeys');
    context.setTicketKeys(ticketKeys);
  }

  if (sessionTimeout !== undefined && sessionTimeout !== null) {
    // Node 18 takes any int32 (lib/host-tls.js); 20+ no negative one.
    validateInt32(sessionTimeout, `${name}.sessionTimeout`, hostTls.sessionTimeoutMayBeNegative() ? undefined : 0);
    context.setSessionTimeout(sessionTimeout);
  }

  // Beyond Node: Encrypted Client Hello keys (lib/ech.js).
  if (echKeys !== undefined && echKeys !== null) configECHKeys(context, echKeys, `${name}.echKeys`);
}

// ---- tls.getCiphers ------------------------------------------------------------------------------

// OpenSSL lists only the TLS 1.3 suites enabled by default; Node names all five.
const TLS13_CIPHERS = ['tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256', 'tls_aes_128_gcm_sha256',
  'tls_aes_128_ccm_8_sha256', 'tls_aes_128_ccm_sha256'];
let ciphers;
/**
 * The cipher names tls-rs's OpenSSL supports, lower-cased, deduplicated and sorted; a fresh
 * array each call (as Node), so a caller changing it does not change the next answer.
 */
function getCiphers() {
  if (!ciphers) {
    ciphers = [...new Set([...binding.getSSLCiphers(), ...TLS13_CIPHERS].map((c) => c.toLowerCase()))].sort();
  }
  return ciphers.slice();
}

module.exports = {
  getCiphers,
  SecureContext,
  configSecureContext,
  createSecureContext,
  ticketKeyRing,
};
