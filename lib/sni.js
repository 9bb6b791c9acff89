'use strict';
// SNI, as Node does it: a client's `servername` (setServername); a server's SNICallback, asked
// during the handshake, whose answer's certificate, key, chain and trust store the connection
// then uses; the server's default SNICallback, which matches the contexts of
// server.addContext(); and `tlsSocket.servername` (lib/socket.js, lib/dispatch.js).

const binding = require('./binding');
const {
  codes: { ERR_MULTIPLE_CALLBACK, ERR_SOCKET_CLOSED, ERR_TLS_SNI_FROM_SERVER },
} = require('./errors');
const { validateFunction, validateString } = require('./validators');
const { kSession } = require('./symbols');
const hostTls = require('./host-tls');
const { handshakeCallbackFailed } = require('./callback-errors');

// The context SNICallback chose (Node's handle.sni_context): its certificate is the one served.
const kSNIContext = Symbol('kSNIContext');

/**
 * The pattern server.addContext(servername) matches names with: the whole name, where `*`
 * stands for one label; ignoring case where the running Node does (22+). A name that is not a
 * string is made one where the running Node does (18), else it throws as there.
 */
function servernamePattern(servername) {
  if (hostTls.sniNamesCoerced()) servername = `${servername}`;
  return new RegExp(`^${
    servername
      .replace(/([.^$+?\-\\[\]{}])/g, '\\$1')
      .replaceAll('*', '[^.]*')
  }$`, hostTls.sniNamesIgnoreCase() ? 'i' : '');
}

/**
 * The SNICallback a server uses unless given one: the contexts of server.addContext(), the one
 * added last first; `this` is the server's TLSSocket. Answers undefined when none matches.
 */
function SNICallback(servername, callback) {
  const contexts = this.server._contexts;
  for (let i = contexts.length - 1; i >= 0; --i) {
    const elem = contexts[i];
    if (elem[0].test(servername)) {
      callback(null, elem[1]);
      return;
    }
  }
  callback(null, undefined);
}

/** Adds the SNI methods to TLSSocket.prototype. */
function install(proto) {
  /** TLSSocket _init: a server asks its SNICallback only if it is its own or addContext() was used. */
  proto._initSNI = function _initSNI(options) {
    if (options.isServer && options.SNICallback &&
        (options.SNICallback !== SNICallback ||
         (options.server && options.server._contexts.length))) {
      validateFunction(options.SNICallback, 'options.SNICallback');
      this._SNICallback = options.SNICallback;
      this[kSession].enableSNICallback();
    }
  };

  /** A client's server name, sent in its ClientHello; a server throws ERR_TLS_SNI_FROM_SERVER. */
  proto.setServername = function setServername(name) {
    validateString(name, 'name');
    if (this._tlsOptions.isServer) throw new ERR_TLS_SNI_FROM_SERVER();
    this[kSession].setServername(name);
  };

  // Node's loadSNI: SNICallback(servername, cb) answers, now or later, with a SecureContext (or
  // its .context) whose certificate, key, chain and trust store this connection then uses. An
  // error it throws is handled as the running Node does (lib/callback-errors.js): on Node 18 the
  // handshake then waits for an answer that never comes.
  proto._onSNIRequest = function _onSNIRequest() {
    const servername = this[kSession].getServername();
    let once = false;
    let sync = true;
    let answered = false;
    const done = () => {
      this._resumeHandshake();
    };
    try {
      this._SNICallback(servername, (err, context) => {
        if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
        once = true;
        if (err) return this.destroy(err);
        if (!this[kSession]) return this.destroy(new ERR_SOCKET_CLOSED());
        if (context) {
          const ctx = context.context || context;
          if (ctx instanceof binding.SecureContext) {
            this[kSNIContext] = ctx;
            // Node: a context without certificate, given before SNICallback returned, fails the
            // handshake (its OpenSSL error stays queued in that handshake step); later, not;
            // from Node 22.23.5 / 24.22.3 on, never (lib/host-tls.js).
            this[kSession].useSNIContext(ctx, sync && !hostTls.sniContextMayLackCertificate());
          } else if (ctx !== null && (typeof ctx === 'object' || typeof ctx === 'function')) {
            this._onHandshakeError(new TypeError('Invalid SNI context'));
            return;
          }
        }
        // An answer given inside SNICallback: Node 24 continues the handshake at once (its
        // flight is sent before SNICallback returns); before, once SNICallback returned, so a
        // second call made there stopped the handshake before anything was sent.
        if (sync && !hostTls.certCallbacksAnswerAtOnce()) answered = true;
        else done();
      });
    } catch (err) {
      // Node 18: an answer given before the throw still counts.
      if (handshakeCallbackFailed(this, err)) return;
    }
    sync = false;
    if (answered && !this.destroyed) done();
  };
}

module.exports = { kSNIContext, servernamePattern, SNICallback, install };
