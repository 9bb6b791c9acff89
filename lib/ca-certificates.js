'use strict';
// tls.getCACertificates([type]) and tls.setDefaultCACertificates(certs), as Node 22.15 / 23.5+
// have them, on every Node; and the system store that `--use-system-ca` / NODE_USE_SYSTEM_CA=1
// add to the default roots. Lists are PEM strings, each as OpenSSL writes it, in frozen arrays
// that are computed once (until setDefaultCACertificates).

const fs = require('node:fs');
const path = require('node:path');
const nodeTls = require('node:tls');
const { X509Certificate } = require('node:crypto');
const binding = require('./binding');
const { hasNodeOption } = require('./node-options');
const hostTls = require('./host-tls');
const { codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_CRYPTO_OPERATION_FAILED } } = require('./errors');
const { validateArray, validateString } = require('./validators');
const { isArrayBufferView } = require('node:util').types;

const cached = new Map();
let defaultOverride = null;
// Bumped by setDefaultCACertificates: contexts built before trust the old defaults.
let defaultsGeneration = 0;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, as OpenSSL writes them; blocks that do not parse are left out. */
function certificatesIn(text) {
  const out = [];
  for (const block of text.match(PEM_CERTIFICATE) ?? []) {
    try {
      out.push(new X509Certificate(block).toString());
    } catch {
      // Not a certificate OpenSSL reads: OpenSSL's loaders skip it too.
    }
  }
  return out;
}

function readCertificates(file) {
  try {
    return certificatesIn(fs.readFileSync(file, 'latin1'));
  } catch {
    return [];
  }
}

/** Whether the system store is part of the default roots (Node's --use-system-ca). */
function useSystemCA() {
  return hasNodeOption('--use-system-ca') || process.env.NODE_USE_SYSTEM_CA === '1';
}

/**
 * The system store on Linux, as Node reads it: the certificates of OpenSSL's CA file
 * (SSL_CERT_FILE), then those of every file in its CA directories (SSL_CERT_DIR, in name order).
 */
function systemCertificates() {
  const certs = readCertificates(process.env.SSL_CERT_FILE || '/etc/ssl/cert.pem');
  for (const dir of (process.env.SSL_CERT_DIR || '/etc/ssl/certs').split(':')) {
    let names;
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) certs.push(...readCertificates(path.join(dir, name)));
  }
  return certs;
}

function compute(type) {
  switch (type) {
    case 'bundled': // the very array tls.rootCertificates is (frozen), as in Node
      return nodeTls.rootCertificates;
    case 'system':
      return systemCertificates();
    case 'extra': {
      const file = process.env.NODE_EXTRA_CA_CERTS;
      return file ? readCertificates(file) : [];
    }
    default: // 'default': what a client without `ca` trusts.
      if (defaultOverride) return defaultOverride;
      // Under --use-openssl-ca the roots are OpenSSL's store, listed from the store itself.
      if (hasNodeOption('--use-openssl-ca')) {
        ensureRootStore();
        return binding.defaultRootCertificates();
      }
      return [...getCACertificates('bundled'), ...(useSystemCA() ? getCACertificates('system') : []),
        ...getCACertificates('extra')];
  }
}

/** tls.getCACertificates([type]): 'default' (the default), 'system', 'bundled' or 'extra'. */
function getCACertificates(type = 'default') {
  validateString(type, 'type');
  if (type !== 'default' && type !== 'system' && type !== 'bundled' && type !== 'extra') {
    throw new ERR_INVALID_ARG_VALUE('type', type);
  }
  let list = cached.get(type);
  if (!list) {
    list = Object.freeze(compute(type));
    cached.set(type, list);
  }
  return list;
}

/**
 * tls.setDefaultCACertificates(certs): PEM strings or ArrayBufferViews; duplicates, other PEM
 * blocks and text around blocks are left out; a certificate block that does not parse throws
 * OpenSSL's error, and so does finding no certificate at all (unless `certs` is empty), with
 * nothing changed. Contexts made afterwards without `ca` trust exactly these.
 */
function setDefaultCACertificates(certs) {
  validateArray(certs, 'certs');
  const unique = new Map();
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i];
    if (typeof cert !== 'string' && !isArrayBufferView(cert)) {
      throw new ERR_INVALID_ARG_TYPE(`certs[${i}]`, ['string', 'ArrayBufferView'], cert);
    }
    const text = typeof cert === 'string' ? Buffer.from(cert) : Buffer.from(cert.buffer, cert.byteOffset, cert.byteLength);
    // OpenSSL reads each element; a certificate block that does not parse throws its error.
    for (const pem of binding.pemCertificates(text)) unique.set(new X509Certificate(pem).fingerprint256, pem);
  }
  if (certs.length > 0 && unique.size === 0) {
    throw new ERR_CRYPTO_OPERATION_FAILED('No valid certificates found in the provided array');
  }
  // The shared store built on first use (ensureRootStore) yields to this one from then on.
  const pems = [...unique.values()];
  binding.setDefaultRootCertificates(pems);
  defaultOverride = pems;
  defaultsGeneration++;
  cached.delete('default');
}

/** Changes each time setDefaultCACertificates replaces the default trust store. */
function defaultCAGeneration() {
  return defaultsGeneration;
}

// ---- the shared default trust store (Node's root_cert_store) ------------------------------------

/** The PEM roots the shared store is built from: the bundled ones, and the system's with --use-system-ca. */
function defaultRootsForStore() {
  return useSystemCA() ? [...nodeTls.rootCertificates, ...getCACertificates('system')] : nodeTls.rootCertificates;
}

let rootStoreLoaded = false;

// The value an environment variable had when the process started (Linux), or null if unknown.
function startupEnv(name) {
  let environ;
  try {
    environ = fs.readFileSync('/proc/self/environ', 'utf8');
  } catch {
    return null;
  }
  const prefix = `${name}=`;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return undefined;
}

// Under Node's --use-openssl-ca the default store is OpenSSL's, not the bundled roots: the file
// and directories OpenSSL reads (SSL_CERT_FILE / SSL_CERT_DIR, else under Node's OPENSSLDIR,
// /etc/ssl — tls-rs's vendored OpenSSL has another default directory).
function opensslStorePaths() {
  if (!hasNodeOption('--use-openssl-ca')) return undefined;
  return {
    file: process.env.SSL_CERT_FILE || '/etc/ssl/cert.pem',
    dir: process.env.SSL_CERT_DIR || '/etc/ssl/certs',
  };
}

// Builds the process-wide root store on first use: the running Node's bundled roots (or
// OpenSSL's CA store) and the certificates of the NODE_EXTRA_CA_CERTS file. A file that cannot
// be read is reported with Node's warning, unless Node itself already printed it at startup for
// the same file.
function ensureRootStore() {
  if (rootStoreLoaded) return;
  const file = process.env.NODE_EXTRA_CA_CERTS || undefined;
  const info = binding.loadRootCertificates(defaultRootsForStore(), file, opensslStorePaths(),
    hostTls.extraCertsInPrivateStores());
  rootStoreLoaded = true;
  if (info.extraError) {
    const atStartup = startupEnv('NODE_EXTRA_CA_CERTS');
    const nodeWarned = atStartup === null ? true : atStartup === file;
    if (!nodeWarned) {
      fs.writeSync(2, `Warning: Ignoring extra certs from \`${file}\`, load failed: ${info.extraError}\n`);
    }
  }
}

module.exports = { getCACertificates, setDefaultCACertificates, ensureRootStore, defaultCAGeneration };

