'use strict';
// What the running Node's built-in tls does where Node versions differ in their JS layer
// (lib/_tls_wrap.js, lib/tls.js), read off built-in tls itself so that tls-rs follows the Node it
// runs on. The one place lib/ asks; each answer is probed once, on first use, without side
// effects (no socket, no warning, no context kept):
//
//   wrapsSessions            sessions carry Node's "\0nodejs:tls:session:1\0" header and the server
//                            name they were made for; a raw DER session is ignored by a verifying
//                            client (Node 22+; 18/20: sessions are bare DER)
//   connectValidatesOptions  connect() checks checkServerIdentity / minDHSize with validators
//                            (ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE) rather than internal asserts
//   sniNamesIgnoreCase       server.addContext() names match the SNI name case-insensitively
//   alpnValidatesBuffers     convertALPNProtocols() rejects a wire-format buffer with a
//                            zero-length or truncated name (ERR_INVALID_ARG_VALUE)
//   serverSetOptions         tls.Server.prototype.setOptions (DEP0122) still exists (gone in 24)
//
// The OpenSSL side of the running Node (security level, 3.0's version rules) is
// lib/security-level.js's.

const nodeTls = require('node:tls');

function once(probe) {
  let value;
  let done = false;
  return () => {
    if (!done) {
      value = probe();
      done = true;
    }
    return value;
  };
}

// Node 22+'s setSession() drops a bare DER session when the socket verifies its peer
// (getSessionForReuse); Node 20's hands it to the native handle. Probed on a stand-in socket.
const wrapsSessions = once(() => {
  let reached = false;
  const standIn = { _tlsOptions: {}, _handle: { setSession() { reached = true; } } };
  try {
    nodeTls.TLSSocket.prototype.setSession.call(standIn, Buffer.from([0x30, 0x00]));
  } catch {
    return false;
  }
  return !reached;
});

// Calling built-in connect() to find out would print the NODE_TLS_REJECT_UNAUTHORIZED warning
// before its check, so its source is read: Node 22+ calls validateFunction there.
const connectValidatesOptions = once(() =>
  /validateFunction\(\s*options\.checkServerIdentity/.test(Function.prototype.toString.call(nodeTls.connect)));

// The RegExp built-in addContext() stores for a name ('i' from Node 22), on a stand-in server
// (the context it builds from `{}` is dropped with it).
const sniNamesIgnoreCase = once(() => {
  const standIn = { _contexts: [] };
  try {
    nodeTls.Server.prototype.addContext.call(standIn, 'a.example', {});
  } catch {
    return false;
  }
  return standIn._contexts.length === 1 && standIn._contexts[0][0].flags.includes('i');
});

const alpnValidatesBuffers = once(() => {
  try {
    nodeTls.convertALPNProtocols(Buffer.from([0]), {});
    return false;
  } catch {
    return true;
  }
});

const serverSetOptions = once(() => typeof nodeTls.Server.prototype.setOptions === 'function');

module.exports = {
  wrapsSessions,
  connectValidatesOptions,
  sniNamesIgnoreCase,
  alpnValidatesBuffers,
  serverSetOptions,
};
