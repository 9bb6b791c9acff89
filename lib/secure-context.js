'use strict';
// INTERIM (replaced by the full port on branch `context`): options → native SecureContext.

const binding = require('./binding');

const VERSIONS = { 'TLSv1': 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };
let rootsLoaded = false;

class SecureContext {
  constructor(secureProtocol, secureOptions, minVersion, maxVersion) {
    this.context = new binding.SecureContext();
    this.context.init(VERSIONS[minVersion] || 0, VERSIONS[maxVersion] || 0);
  }
}

function toArray(v) { return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]; }

function createSecureContext(options = {}) {
  const tls = require('./tls');
  const c = new SecureContext(options.secureProtocol, options.secureOptions,
                              options.minVersion || tls.DEFAULT_MIN_VERSION,
                              options.maxVersion || tls.DEFAULT_MAX_VERSION);
  const ctx = c.context;
  const ciphers = options.ciphers || tls.DEFAULT_CIPHERS;
  const parts = ciphers.split(':');
  ctx.setCipherSuites(parts.filter((p) => p.startsWith('TLS_')).join(':'));
  ctx.setCiphers(parts.filter((p) => !p.startsWith('TLS_')).join(':'));
  if (options.ca) {
    for (const ca of toArray(options.ca)) ctx.addCACert(Buffer.from(ca));
  } else {
    if (!rootsLoaded) { binding.loadRootCertificates(require('node:tls').rootCertificates); rootsLoaded = true; }
    ctx.addRootCerts();
  }
  for (const cert of toArray(options.cert)) ctx.setCert(Buffer.from(cert));
  for (const key of toArray(options.key)) {
    const pem = key.pem !== undefined ? key.pem : key;
    const pass = key.passphrase !== undefined ? key.passphrase : options.passphrase;
    ctx.setKey(Buffer.from(pem), pass === undefined ? undefined : Buffer.from(pass));
  }
  return c;
}

module.exports = { SecureContext, createSecureContext };
