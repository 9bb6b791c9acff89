'use strict';
// Encrypted Client Hello (RFC 9849, OpenSSL 4.0), a tls-rs extension: Node has no ECH yet
// (nodejs/node#64280). The names follow the ECHConfigList of RFC 9849 and DNS HTTPS records,
// BoringSSL/OpenSSL (SSL_set1_ech_config_list) and Go's crypto/tls (README, "Encrypted Client
// Hello"):
//   client  options.echConfigList  Buffer | TypedArray | DataView | base64 string: attempt ECH;
//                                  the outer ClientHello names the config's public name
//           options.echGrease      true: send a GREASE ECH extension (when no list is given)
//           a server that rejects ECH fails the handshake with ERR_TLS_ECH_REJECTED, carrying
//           err.retryConfigList (a Buffer) when it sent retry configs and its certificate is
//           valid for the public name (RFC 9849 §6.1.6); an invalid one fails as verification does
//   server  options.echKeys        ECH keys (createSecureContext / createServer): a PEM, or an
//                                  array of PEMs or { pem, retry }, as `openssl ech` writes them
//   both    socket.echAccepted     after the handshake: whether the inner ClientHello was used
// The helper that makes a key is lib/ech-keys.js (require('tls-rs/ech')).

const { isArrayBufferView } = require('node:util').types;
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE },
} = require('./errors');
const { checkServerIdentity } = require('./identity');
const { kSession, kConnectOptions } = require('./symbols');

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** An ArrayBufferView's bytes as a Buffer (no copy). */
function asBuffer(view) {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * `echConfigList` as bytes: a Buffer / TypedArray / DataView, or base64 text (DNS HTTPS
 * records' presentation form; whitespace ignored). Throws Node's argument errors.
 */
function echConfigListBytes(value, name) {
  if (isArrayBufferView(value)) return asBuffer(value);
  if (typeof value !== 'string') {
    throw new ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'TypedArray', 'DataView'], value);
  }
  const text = value.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new ERR_INVALID_ARG_VALUE(name, value, 'is not a base64 ECHConfigList');
  }
  return Buffer.from(text, 'base64');
}

// tls-rs's own code (Node has no ECH): an Error with `code`, as Node's errors carry it.
function echRejected(publicName) {
  const err = new Error(`The server (public name ${publicName ?? 'unknown'}) rejected Encrypted Client Hello`);
  err.code = 'ERR_TLS_ECH_REJECTED';
  err.publicName = publicName;
  return err;
}

function install(proto) {
  // Client options (tls.connect, new TLSSocket); a server socket ignores them, as it ignores
  // `servername`.
  proto._initECH = function _initECH(options) {
    this.echAccepted = false;
    const { echConfigList, echGrease } = options;
    if (echGrease !== undefined && typeof echGrease !== 'boolean') {
      throw new ERR_INVALID_ARG_TYPE('options.echGrease', 'boolean', echGrease);
    }
    if (echConfigList === undefined || echConfigList === null) {
      if (echGrease && !options.isServer) this[kSession].enableECHGrease();
      return;
    }
    const bytes = echConfigListBytes(echConfigList, 'options.echConfigList');
    if (options.isServer) return;
    try {
      this[kSession].setECHConfigList(bytes);
    } catch {
      throw new ERR_INVALID_ARG_VALUE('options.echConfigList', echConfigList, 'is not a usable ECHConfigList');
    }
  };

  // At the end of the handshake (socket.js _finishInit).
  proto._finishECH = function _finishECH() {
    this.echAccepted = this[kSession]?.echAccepted() ?? false;
  };

  // A client's handshake failed: a rejected ECH becomes ERR_TLS_ECH_REJECTED, after checking
  // the server's certificate against the public name the outer ClientHello named (RFC 9849
  // §6.1.6: only then may the retry configs be trusted). Returns the error to destroy with.
  proto._echHandshakeError = function _echHandshakeError(err) {
    const session = this[kSession];
    if (this._tlsOptions.isServer || !session || err?.code !== 'ERR_SSL_ECH_REQUIRED') return err;
    const ech = session.getECHStatus();
    const publicName = ech?.outerName;
    let verifyError = this.ssl?.verifyError() ?? null;
    // OpenSSL also checks the public name in the chain check; Node's check says it in Node's words.
    if (verifyError?.code === 'HOSTNAME_MISMATCH') verifyError = null;
    if (!verifyError) {
      const cert = this.getPeerCertificate(true);
      const check = this[kConnectOptions]?.checkServerIdentity ?? checkServerIdentity;
      verifyError = publicName ? check(publicName, cert) ?? null : null;
    }
    if (verifyError && this._rejectUnauthorized) return verifyError;
    const rejected = echRejected(publicName);
    if (ech?.retryConfigList && !verifyError) rejected.retryConfigList = ech.retryConfigList;
    return rejected;
  };
}

/** Server keys: `echKeys` onto a native context (configSecureContext). */
function configECHKeys(context, echKeys, name) {
  const list = Array.isArray(echKeys) ? echKeys : [echKeys];
  const pems = [];
  const retry = [];
  list.forEach((entry, i) => {
    const where = Array.isArray(echKeys) ? `${name}[${i}]` : name;
    let pem = entry;
    let forRetry = true;
    if (entry !== null && typeof entry === 'object' && !isArrayBufferView(entry)) {
      pem = entry.pem;
      if (entry.retry !== undefined && typeof entry.retry !== 'boolean') {
        throw new ERR_INVALID_ARG_TYPE(`${where}.retry`, 'boolean', entry.retry);
      }
      forRetry = entry.retry !== false;
      if (typeof pem !== 'string' && !isArrayBufferView(pem)) {
        throw new ERR_INVALID_ARG_TYPE(`${where}.pem`, ['string', 'Buffer', 'TypedArray', 'DataView'], pem);
      }
    } else if (typeof pem !== 'string' && !isArrayBufferView(pem)) {
      throw new ERR_INVALID_ARG_TYPE(where, ['string', 'Buffer', 'TypedArray', 'DataView', 'Object'], entry);
    }
    pems.push(typeof pem === 'string' ? Buffer.from(pem) : asBuffer(pem));
    retry.push(forRetry);
  });
  const failed = context.setECHKeys(pems, retry);
  if (failed >= 0) {
    const where = Array.isArray(echKeys) ? `${name}[${failed}]` : name;
    throw new ERR_INVALID_ARG_VALUE(where, list[failed], 'is not an ECH key (PEM: PRIVATE KEY, then ECHCONFIG)');
  }
}

module.exports = { install, configECHKeys, echConfigListBytes };
