'use strict';
// An error thrown by a user callback the handshake asks (ALPNCallback, SNICallback, pskCallback,
// and Node's own checks of what it returned), handled as the running Node's built-in tls handles
// it (lib/host-tls.js, tlsCallbackErrorsCaught):
//   - Node 20.20+, 22, 24: the socket is destroyed with the error (a server's 'tlsClientError',
//     a client's 'error');
//   - Node 18: the error escapes Node's C++ callback, an uncaught exception (the process ends
//     unless an 'uncaughtException' listener takes it), and the handshake goes on as if the
//     callback had refused: ALPN and PSK with a fatal alert, SNI never answered (the handshake
//     waits, until handshakeTimeout on a server).
// And an error thrown by a server event listener the handshake waits on ('newSession',
// 'resumeSession', 'OCSPRequest'): caught from Node 24.19 (emitHandshakeEvent).

const hostTls = require('./host-tls');

function rethrow(err) {
  throw err;
}

/**
 * Handles `err`, thrown during `socket`'s handshake callback. Returns true when the socket was
 * destroyed with it; false when the caller goes on as if the callback had refused (Node 18: the
 * error is thrown as an uncaught exception on the next tick, before anything a refusal then does
 * is reported, so 'uncaughtException' sees it first, as in Node 18).
 */
function handshakeCallbackFailed(socket, err) {
  if (hostTls.tlsCallbackErrorsCaught()) {
    socket.destroy(err);
    return true;
  }
  process.nextTick(rethrow, err);
  return false;
}

/**
 * server.emit(event, ...args) for a server event the handshake waits on ('newSession',
 * 'resumeSession', 'OCSPRequest'). Where the running Node catches a listener's throw (24.19+,
 * lib/host-tls.js listenerErrorsRouted) `onError(err)` gets it and true is returned; before, the
 * throw escapes, an uncaught exception as in Node. Otherwise emit's result.
 */
function emitHandshakeEvent(server, event, args, onError) {
  if (!hostTls.listenerErrorsRouted()) return server.emit(event, ...args);
  try {
    return server.emit(event, ...args);
  } catch (err) {
    onError(err);
    return true;
  }
}

module.exports = { handshakeCallbackFailed, emitHandshakeEvent };
