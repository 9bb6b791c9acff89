'use strict';
// OCSP stapling, as Node's _tls_wrap does it. Client: `requestOCSP` asks for a stapled response
// and 'OCSPResponse' (a Buffer, or null when the server stapled nothing) is emitted during the
// handshake, before 'secureConnect'. Server: with an 'OCSPRequest' listener at accept time, a
// client's status request pauses the handshake (after SNICallback) and the server emits
// 'OCSPRequest'(certificate, issuer, callback); callback(null, response) staples the response,
// callback(null, null) staples nothing, callback(err) destroys the socket with err.

const {
  codes: { ERR_MULTIPLE_CALLBACK, ERR_SOCKET_CLOSED },
} = require('./errors');

// The context SNICallback chose (Node's handle.sni_context): its certificate is the one served.
const kSNIContext = Symbol('kSNIContext');

/** Server sockets ask only when their server listens for 'OCSPRequest' (Node's enableCertCb). */
function setupOCSP(socket, session, options) {
  if (options.isServer && socket.server && socket.server.listenerCount('OCSPRequest') > 0) {
    session.enableOCSPRequest();
  }
}

/**
 * Server: Node's requestOCSP. `done()` continues the handshake; `destroy(err)` ends the socket.
 */
function askOCSPRequest(socket, getSession, done) {
  const server = socket.server;
  let ctx = socket[kSNIContext] || (server && server._sharedCreds);
  if (!ctx || !server || server.listenerCount('OCSPRequest') === 0) return done();
  if (ctx.context) ctx = ctx.context;
  let once = false;
  // As for SNICallback: an answer given inside the listener takes effect once it returns, so
  // a second call made there still stops the handshake before anything is sent.
  let sync = true;
  let answered = false;
  const onOCSP = (err, response) => {
    if (once) return socket.destroy(new ERR_MULTIPLE_CALLBACK());
    once = true;
    if (err) return socket.destroy(err);
    const session = getSession();
    if (!session) return socket.destroy(new ERR_SOCKET_CLOSED());
    if (response) {
      // Node's native setOCSPResponse (THROW_AND_RETURN_IF_NOT_BUFFER).
      if (!ArrayBuffer.isView(response)) {
        const e = new TypeError('OCSP response must be a buffer');
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      session.setOCSPResponse(Buffer.from(response.buffer, response.byteOffset, response.byteLength));
    }
    if (sync) answered = true;
    else done();
  };
  server.emit('OCSPRequest', ctx.getCertificate(), ctx.getIssuer(), onOCSP);
  sync = false;
  if (answered && !socket.destroyed) done();
}

module.exports = { kSNIContext, setupOCSP, askOCSPRequest };
