'use strict';
// Pre-shared keys, as Node's _tls_wrap does them: `pskCallback` on clients (hint) => ({ psk,
// identity }) and on servers (socket, identity) => psk, with Node's validation; `pskIdentityHint`
// on servers. OpenSSL asks from inside a handshake step, so the native session calls the
// exchange function synchronously (src/conn/psk.rs).

const { isArrayBufferView } = require('node:util').types;
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED, ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED },
} = require('./errors');
// The running Node's code for a refused identity hint (misspelt up to Node 22; lib/host-tls.js).
const ERR_PSK_HINT = require('./host-tls').pskHintCodeSpelledRight()
  ? ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED : ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED;
const { validateFunction, validateString, validateObject, validateBuffer } = require('./validators');
const { kSession } = require('./symbols');
const { handshakeCallbackFailed } = require('./callback-errors');

const kPskExchange = Symbol('kPskExchange');

function asBuffer(view) {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

// Node's onPskClientCallback. An error is handled as the running Node does
// (lib/callback-errors.js); either way no key is given, which fails the handshake.
function clientExchange(socket, callback, hint, maxPskLen, maxIdentityLen) {
  try {
    const ret = callback.call(socket, hint);
    if (ret == null) return null;
    validateObject(ret, 'ret');
    validateBuffer(ret.psk, 'psk');
    if (ret.psk.length > maxPskLen) {
      throw new ERR_INVALID_ARG_VALUE('psk', ret.psk, `Pre-shared key exceeds ${maxPskLen} bytes`);
    }
    validateString(ret.identity, 'identity');
    if (Buffer.byteLength(ret.identity) > maxIdentityLen) {
      throw new ERR_INVALID_ARG_VALUE('identity', ret.identity, `PSK identity exceeds ${maxIdentityLen} bytes`);
    }
    return { psk: asBuffer(ret.psk), identity: ret.identity };
  } catch (err) {
    handshakeCallbackFailed(socket, err);
    return null;
  }
}

// Node's onPskServerCallback.
function serverExchange(socket, callback, identity, maxPskLen) {
  try {
    const ret = callback.call(socket, socket, identity);
    if (ret == null) return null;
    let psk;
    if (isArrayBufferView(ret)) {
      psk = ret;
    } else {
      if (typeof ret !== 'object') {
        throw new ERR_INVALID_ARG_TYPE('ret', ['Object', 'Buffer', 'TypedArray', 'DataView'], ret);
      }
      psk = ret.psk;
      validateBuffer(psk, 'psk');
    }
    if (psk.length > maxPskLen) {
      throw new ERR_INVALID_ARG_VALUE('psk', psk, `Pre-shared key exceeds ${maxPskLen} bytes`);
    }
    return { psk: asBuffer(psk) };
  } catch (err) {
    handshakeCallbackFailed(socket, err);
    return null;
  }
}

/** Adds the PSK methods to TLSSocket.prototype. */
function install(proto) {
  /**
   * TLSSocket _init: installs the PSK exchange when `options.pskCallback` is set. OpenSSL asks
   * from inside a handshake step, so the native connection calls the exchange synchronously;
   * calls into the connection from there throw, and destroy() waits until the step returned.
   */
  proto._initPSK = function _initPSK(options) {
    if (!options.pskCallback) return;
    validateFunction(options.pskCallback, 'pskCallback');
    const session = this[kSession];
    const callback = options.pskCallback;
    const exchange = options.isServer ?
      (identity, maxPskLen) => serverExchange(this, callback, identity, maxPskLen) :
      (hint, maxPskLen, maxIdentityLen) => clientExchange(this, callback, hint, maxPskLen, maxIdentityLen);
    // The native connection holds the function weakly; the connection object keeps it alive.
    session[kPskExchange] = exchange;
    session.enablePskCallback(exchange);
    if (options.pskIdentityHint) {
      validateString(options.pskIdentityHint, 'options.pskIdentityHint');
      if (!session.setPskIdentityHint(options.pskIdentityHint)) {
        this._onHandshakeError(new ERR_PSK_HINT());
      }
    }
  };
}

module.exports = { install };
