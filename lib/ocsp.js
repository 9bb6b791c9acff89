'use strict';
// OCSP stapling, as Node's _tls_wrap does it. Client: `requestOCSP` asks for a stapled response
// and 'OCSPResponse' (a Buffer, or null when the server stapled nothing) is emitted during the
// handshake, before 'secureConnect' (lib/dispatch.js). Server: with an 'OCSPRequest' listener at
// accept time, a client's status request pauses the handshake (after SNICallback) and the server
// emits 'OCSPRequest'(certificate, issuer, callback); callback(null, response) staples the
// response, callback(null, null) staples nothing, callback(err) destroys the socket with err.

const {
  codes: { ERR_MULTIPLE_CALLBACK, ERR_SOCKET_CLOSED },
} = require('./errors');
const { kSNIContext } = require('./sni');
const { kSession, kAdoptedSession } = require('./symbols');
const hostTls = require('./host-tls');
const { emitHandshakeEvent } = require('./callback-errors');

/** Adds the OCSP methods to TLSSocket.prototype. */
function install(proto) {
  /** TLSSocket _init: server sockets ask only when their server listens (Node's enableCertCb). */
  proto._initOCSP = function _initOCSP(options) {
    // Decided at accept, as in Node (lib/accepted-handshake.js: there was no listener then).
    if (options.isServer && this.server && !options[kAdoptedSession] && this.server.listenerCount('OCSPRequest') > 0) {
      this[kSession].enableOCSPRequest();
    }
  };

  // Node's requestOCSP: asks the server's 'OCSPRequest' listener about the certificate this
  // connection serves (SNICallback's choice, else the server's), then continues the handshake.
  proto._onOCSPRequest = function _onOCSPRequest() {
    const server = this.server;
    let ctx = this[kSNIContext] || (server && server._sharedCreds);
    if (!ctx || !server || server.listenerCount('OCSPRequest') === 0) return this._resumeHandshake();
    if (ctx.context) ctx = ctx.context;
    let once = false;
    // As for SNICallback (lib/sni.js): an answer given inside the listener continues the
    // handshake at once on Node 24, else once the listener returned.
    let sync = true;
    let answered = false;
    const onOCSP = (err, response) => {
      if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
      once = true;
      if (err) return this.destroy(err);
      const session = this[kSession];
      if (!session) return this.destroy(new ERR_SOCKET_CLOSED());
      if (response) {
        // Node's native setOCSPResponse (THROW_AND_RETURN_IF_NOT_BUFFER).
        if (!ArrayBuffer.isView(response)) {
          const e = new TypeError('OCSP response must be a buffer');
          e.code = 'ERR_INVALID_ARG_TYPE';
          throw e;
        }
        session.setOCSPResponse(Buffer.from(response.buffer, response.byteOffset, response.byteLength));
      }
      if (sync && !hostTls.certCallbacksAnswerAtOnce()) answered = true;
      else this._resumeHandshake();
    };
    emitHandshakeEvent(server, 'OCSPRequest', [ctx.getCertificate(), ctx.getIssuer(), onOCSP], (err) => this.destroy(err));
    sync = false;
    if (answered && !this.destroyed) this._resumeHandshake();
  };
}

module.exports = { install };
