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
//   sniNamesCoerced          server.addContext() turns a name that is not a string (a number) into
//                            one (Node 18's primordials); 20+ call its .replace (a TypeError)
//   alpnValidatesBuffers     convertALPNProtocols() rejects a wire-format buffer with a
//                            zero-length or truncated name (ERR_INVALID_ARG_VALUE)
//   serverSetOptions         tls.Server.prototype.setOptions (DEP0122) still exists (gone in 24)
//   bindsSessionsToServername  a server binds its sessions to the client's server name (session ID
//                            context SHA-256(context's ‖ 0 ‖ name); the name kept in the session):
//                            Node 22.23.5+ and 24.22.3+; not Node 26 (src/conn/servername_binding.rs)
//   ipServernameThrows       tls.connect() with an IP address as `servername` throws
//                            ERR_INVALID_ARG_VALUE (Node 26; before: DEP0123, a warning)
//   writeAfterEndHasTypeError  ERR_STREAM_WRITE_AFTER_END has a TypeError variant (Node 26)
//   ephemeralKeyInfoHidesGroups  getEphemeralKeyInfo() is {} for a KEM group such as
//                            X25519MLKEM768 (Node 22; 24 names it { type: 'TLSGroup', name })
//   writesCancelledOnDestroy  a write still in flight when the socket is destroyed calls back with
//                            'write ECANCELED', and so do the writes queued behind it (Node 22+;
//                            18/20: null, then ERR_STREAM_DESTROYED)
//   clientCertificateRequired  a requestCert server authorizes only a client that presented a
//                            certificate: a PSK handshake without one gets UNABLE_TO_GET_ISSUER_CERT
//                            (24.22.3+; before, PSK alone was authorized)
//   sniContextMayLackCertificate  a context without a certificate given at once by SNICallback
//                            does not fail the handshake (the default certificate serves; 22.23.5+,
//                            24.22.3+; before, only one given later did not)
//   setKeyCertNeedsCertificate  setKeyCert() with a context that has no certificate throws a bare
//                            Error('SetKeyCert') before OpenSSL is asked (Node 22+; 18/20: OpenSSL's
//                            "passed a null parameter")
//   invalidThisHidesStackFrames  ERR_INVALID_THIS has a HideStackFramesError variant (Node 22+)
//   ephemeralKeyInfoHasAllKeys  a client's getEphemeralKeyInfo() has type, name and size, each
//                            undefined where there is none (Node 24; before: only those known)
//   verifyErrorHintsSystemCa  verifyError()'s message for a chain without a trusted root ends in
//                            "; if the root CA is installed locally, try running Node.js with
//                            --use-system-ca" (Node 24, with or without that flag)
//   certCallbacksAnswerAtOnce  an answer given inside SNICallback or an 'OCSPRequest' listener
//                            continues the handshake at once: its flight is sent before the
//                            callback returns (Node 24; before: once it returned, so a second
//                            call made there stopped the handshake before anything was sent)
//   secureStepHoldsOutput    what the step that completes a handshake produces (its last flight)
//                            and what is written while its 'secure' handlers run is sent only once
//                            that callback has unwound (nextTick and microtask queues included); a
//                            destroy() before then sends none of it, and its write callbacks get
//                            'write EBADF' (Node 24; before: each write went out at once)
//   validatorsOfNode24       lib/internal/validators.js as in Node 24: validateArray says "must have
//                            a length of at least N", validatePort refuses '0' when zero is not
//                            allowed (before: "must be longer than N", only the number 0)
//   pskHintCodeSpelledRight  a refused pskIdentityHint is ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED (Node
//                            24; before: Node's misspelt ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED)
//   certificateCompression   Node 24's `certificateCompression` option and
//                            tls.getCertificateCompressionAlgorithms() exist
//   closedStreamClosesAtOnce  a TLSSocket whose wrapped net.Socket was destroyed, or whose Duplex
//                            closed, emits 'close' at once when destroyed, before the destroy's
//                            'error' (20.10.0+)
//   plainNodeErrorMark       Node's internal errors are plain `new Base()` objects marked with its
//                            kIsNodeError symbol (Node 18; returned, for lib/errors.js), or null
//                            (20+: instances of a NodeError class)
//   sessionTimeoutMayBeNegative  createSecureContext() takes a negative sessionTimeout (Node 18;
//                            20+: ERR_OUT_OF_RANGE)
//   tlsCallbackErrorsCaught  an error thrown by ALPNCallback, SNICallback or pskCallback destroys
//                            the socket with it, and a server socket's 'error' before control is
//                            released is a 'tlsClientError' (Node 20.20.2, 22, 24); Node 18: such
//                            an error is an uncaught exception, the handshake going on as if the
//                            callback had refused (lib/callback-errors.js)
//   pfxErrorsNamed           a PFX without a key is ERR_CRYPTO_OPERATION_FAILED "Unable to load
//                            private key from PFX data" and a legacy-encrypted one
//                            ERR_CRYPTO_UNSUPPORTED_OPERATION (20+); Node 18 throws OpenSSL's bare
//                            reasons ("passed a null parameter", "unsupported")
//   alpnNoOverlapIsFatal     a server whose ALPNProtocols share none with the client's refuses the
//                            handshake (fatal no_application_protocol alert; Node 19+); Node 18
//                            goes on without ALPN
//   certificateObjects       whose X509ToObject getPeerCertificate() follows: 20 (Node 18/20), 22
//                            or 24 (src/x509/mod.rs's ObjectStyle says what differs)
//
// The OpenSSL side of the running Node (security level, 3.0's version rules) is
// lib/security-level.js's.

const nodeTls = require('node:tls');

// The running Node's major version, for what only its C++ shows (the releases are named there).
const nodeMajor = Number(process.versions.node.split('.')[0]);

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

// Built-in addContext() given the name 5, on a stand-in server as above.
const sniNamesCoerced = once(() => {
  try {
    nodeTls.Server.prototype.addContext.call({ _contexts: [] }, 5, {});
    return true;
  } catch {
    return false;
  }
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

// Whether the running Node is at least the release that brought a change in each major named
// (`since`: major -> [minor, patch], or null: no release of that major has it). A major not
// named has it when it is later than every major named and the newest named one has it.
function atLeast(since) {
  const [major, minor, patch] = process.versions.node.split('.').map(Number);
  if (!(major in since)) {
    const newest = Math.max(...Object.keys(since).map(Number));
    return major > newest && since[newest] !== null;
  }
  const first = since[major];
  return first !== null && (minor > first[0] || (minor === first[0] && patch >= first[1]));
}

// NODE_EXTRA_CA_CERTS in the store a context makes when it adds trust of its own (crl, pfx,
// addCACert): Node's NewRootCertStore has them from 22.7.0 (nodejs/node#44529; 22.6.0 and
// 20.20.2 checked without), which only a handshake shows, so the releases are named.
const extraCertsInPrivateStores = once(() => atLeast({ 20: null, 22: [7, 0] }));

// A 'newSession', 'resumeSession' or 'OCSPRequest' listener that throws: from Node 24.19.0
// (24.18.1 and 22.23.5 checked without) the error goes to the server's 'error' event
// (newSession, and the handshake goes on) or destroys the socket ('tlsClientError'); before, it
// was an uncaught exception. Only a handshake shows it, so the releases are named.
const listenerErrorsRouted = once(() => atLeast({ 22: null, 24: [19, 0] }));

// An SNI context's certificate replaces every certificate the connection had, not only the one
// of its key type: an ECDSA server answering with an RSA context served the ECDSA one before
// 24.20.0 (24.19.0 and 22.23.5 checked; Node's test-https-snicallback-override). Node's C++.
const sniContextReplacesIdentity = once(() => atLeast({ 22: null, 24: [20, 0] }));

// Node's C++ does these (the 2026-11-11 security releases, 22.23.5 and 24.22.3): nothing in its
// JS layer shows them without a handshake, so the releases that have them are named.
// CVE-2026-123872, "don't allow TLS resumption to change SNI". Node 26 (26.12.1 checked) does
// not bind on the server: its sessions keep the plain session ID context and no server name,
// and only its clients refuse a session made for another name (wrapSessionState, as all do).
const bindsSessionsToServername = once(() => atLeast({ 22: [23, 5], 24: [22, 3], 26: null }));
// CVE-2026-123867, "apply the CA of SNI contexts without a certificate": such a context given
// inside SNICallback no longer fails the handshake; the default certificate serves.
const sniContextMayLackCertificate = once(() => atLeast({ 22: [23, 5], 24: [22, 3] }));

// 24.22.3's onServerSocketSecure also asks the handle's hasPeerCertificate() ("Ncrypto reports
// X509_V_OK for TLS 1.3 resumption without a peer certificate, as it uses PSKs"), a method JS only
// reaches on a live connection, so the release is named (22.23.5's JS has no such check).
const clientCertificateRequired = once(() => atLeast({ 24: [22, 3] }));

// TLSWrap's pending write at destroy(): Node 22.23.5 and 24.22.3 complete it with UV_ECANCELED,
// which the stream then gives every write queued behind it; 18.20.8 and 20.20.2 complete it
// without an error (net's onWriteComplete on a destroyed stream). Node's C++, seen only with a
// connection, so the majors are named (no 22 or 24 release without it was at hand to check).
const writesCancelledOnDestroy = once(() => nodeMajor >= 22);

// TLSWrap::SetKeyCert: from Node 22 (ncrypto's setSniContext) a context without a certificate is
// refused before OpenSSL is called, so the error has no OpenSSL code; Node's C++ (22.23.5 and
// 24.22.3 checked; 18.20.8 and 20.20.2 report OpenSSL's error).
const setKeyCertNeedsCertificate = once(() => nodeMajor >= 22);

// lib/internal/errors.js registers ERR_INVALID_THIS with HideStackFramesError from Node 22 (the
// variant is internal: nothing outside `internal/errors` shows it, so the major is named).
const invalidThisHidesStackFrames = once(() => nodeMajor >= 22);

// TLSWrap::GetEphemeralKeyInfo builds its object from a fixed template in Node 24 (24.22.3
// checked; 22.23.5 and 20 set only the keys they know). Node's C++: the major is named.
const ephemeralKeyInfoHasAllKeys = once(() => nodeMajor >= 24);

// Node's C++ (TLSWrap::VerifyError), so the major is named (24.22.3 checked; 22.23.5 has no hint).
const verifyErrorHintsSystemCa = once(() => nodeMajor >= 24);

// TLSWrap's timing around JS callbacks changed in Node 24 (24.22.3 checked; 22.23.5 and 20.20.2
// as before): seen only with a connection (the keylog lines a TLS 1.3 server emits inside the
// callback, what reaches the peer when destroy() follows), so the major is named.
const certCallbacksAnswerAtOnce = once(() => nodeMajor >= 24);
const secureStepHoldsOutput = once(() => nodeMajor >= 24);

// Node's internal validators are not reachable from its public API with these arguments, so the
// major is named (24.22.3 checked; 22.23.5, 20 and 18 have the older ones).
const validatorsOfNode24 = once(() => nodeMajor >= 24);

// A C++ error code (node_errors.h): 24.22.3 has the corrected name, 22.23.5 the old one.
const pskHintCodeSpelledRight = once(() => nodeMajor >= 24);
// tls.connect() throws for an IP address as `servername` (DEP0123's end of life) where Node 24
// warned: Node 26 (26.12.1 checked).
const ipServernameThrows = once(() => nodeMajor >= 26);
const writeAfterEndHasTypeError = once(() => nodeMajor >= 26);

const certificateCompression = once(() => typeof nodeTls.getCertificateCompressionAlgorithms === 'function');

// Node's tlsConnectionListener (the 'connection' listener of a built-in server made and dropped;
// it builds a context, no socket) listens for its sockets' 'error'. The same change wrapped
// loadSNI, callALPNCallback and the PSK callbacks in try/catch (20.20.2, 22.23.5 and 24.22.3
// have both; 18.20.8 neither); those are not reachable, so this part of it is read.
const tlsCallbackErrorsCaught = once(() => {
  const [listener] = new nodeTls.Server().listeners('connection');
  return /\.on\(\s*'error',\s*onSocketTLSError\s*\)/.test(Function.prototype.toString.call(listener));
});

// A PKCS#12 bundle holding PROBE_CERTIFICATE and no key (no encryption, no MAC), loaded into a
// context that is dropped.
const PROBE_PFX_WITHOUT_KEY = `
MIIBiQIBAzCCAYIGCSqGSIb3DQEHAaCCAXMEggFvMIIBazCCAWcGCSqGSIb3DQEH
AaCCAVgEggFUMIIBUDCCAUwGCyqGSIb3DQEMCgEDoIIBOzCCATcGCiqGSIb3DQEJ
FgGgggEnBIIBIzCCAR8wgcagAwIBAgIBATAKBggqhkjOPQQDAjASMRAwDgYDVQQD
DAdjcmFmdGVkMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowEjEQMA4G
A1UEAwwHY3JhZnRlZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABE4qaEmpjT+s
5ga55g6P0k7FqngGjz9OwqOe/V/gxVlJZPwxJLzIMDKp66axJwadbQnCW7LlbqVk
PxfhhV02fRmjDTALMAkGA1UdEQQCMAAwCgYIKoZIzj0EAwIDSAAwRQIgEnXJXegk
rAgp+kHAnhGENMjgyeGY4g8LJFXT4tBxheECIQDuhTlLloPI4qRvAyvNYpbhYit6
wtSBC8B0+HN54tfwfA==`;
const pfxErrorsNamed = once(() => {
  try {
    nodeTls.createSecureContext({ pfx: Buffer.from(PROBE_PFX_WITHOUT_KEY, 'base64') });
  } catch (err) {
    return err.code === 'ERR_CRYPTO_OPERATION_FAILED';
  }
  return true;
});

// Node's C++ (SelectALPNCallback answers SSL_TLSEXT_ERR_ALERT_FATAL from 19.0.0, NOACK
// before; 18.20.8 checked): seen only in a handshake, so the major is named.
const alpnNoOverlapIsFatal = once(() => nodeMajor >= 19);

// One of Node's own internal errors (Buffer.alloc's ERR_INVALID_ARG_TYPE) shows the shape.
const plainNodeErrorMark = once(() => {
  try {
    Buffer.alloc('not a size');
  } catch (err) {
    if (Object.getPrototypeOf(err) !== TypeError.prototype) return null;
    return Object.getOwnPropertySymbols(err).find((s) => s.description === 'kIsNodeError') ?? null;
  }
  return null;
});

// A context built and dropped (the option is checked before anything is loaded into it).
const sessionTimeoutMayBeNegative = once(() => {
  try {
    nodeTls.createSecureContext({ sessionTimeout: -1, ca: [] });
    return true;
  } catch {
    return false;
  }
});

// X509ToObject is Node's C++, but crypto's X509Certificate#toLegacyObject() is the same function
// as getPeerCertificate()'s, so its answer for one certificate shows which one the running Node
// has: a P-256 certificate with an empty subjectAltName (no extension besides). Node 24 gives
// every key, `modulus` too (undefined); Node 22 reads the empty name as "DNS:"; 18/20 as "".
const PROBE_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBHzCBxqADAgECAgEBMAoGCCqGSM49BAMCMBIxEDAOBgNVBAMMB2NyYWZ0ZWQw
HhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAwWjASMRAwDgYDVQQDDAdjcmFm
dGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETipoSamNP6zmBrnmDo/STsWq
eAaPP07Co579X+DFWUlk/DEkvMgwMqnrprEnBp1tCcJbsuVupWQ/F+GFXTZ9GaMN
MAswCQYDVR0RBAIwADAKBggqhkjOPQQDAgNIADBFAiASdcld6CSsCCn6QcCeEYQ0
yODJ4ZjiDwskVdPi0HGF4QIhAO6FOUuWg8jipG8DK81iluFiK3rC1IELwHT4c3ni
1/B8
-----END CERTIFICATE-----
`;
const certificateObjects = once(() => {
  const { X509Certificate } = require('node:crypto');
  const legacy = new X509Certificate(PROBE_CERTIFICATE).toLegacyObject();
  if ('modulus' in legacy) return 24;
  return legacy.subjectaltname === 'DNS:' ? 22 : 20;
});

// getEphemeralKeyInfo() for a group without a key of its own (X25519MLKEM768): Node 22 (OpenSSL
// 3.5, 22.23.5 checked) negotiates it and reports {}; Node 24 reports { type: 'TLSGroup', name }
// (24.22.3 checked). Node's C++ again. Node 18/20 cannot negotiate such a group: tls-rs names it
// as Node 24 does (additive).
const ephemeralKeyInfoHidesGroups = once(() => {
  const [major, minor] = process.versions.openssl.split('.').map(Number);
  return nodeMajor < 24 && (major > 3 || minor >= 5);
});

// TLSWrap.prototype.close when the socket it wraps has no handle left (a handed-in net.Socket
// its user destroyed; a Duplex that closed, so its JSStreamSocket was destroyed): from 20.10.0
// it calls back at once (nodejs/node#49980), so a destroy(err) then emits 'close' before
// 'error'; before, it closed the wrapped handle again and, for a net.Socket, never called back.
// 20.9.0 and 18.20.8 checked without, 20.10.0 with. Only a closing connection shows it, so the
// releases are named.
const closedStreamClosesAtOnce = once(() => atLeast({ 18: null, 20: [10, 0] }));

module.exports = {
  closedStreamClosesAtOnce,
  sniContextReplacesIdentity,
  extraCertsInPrivateStores,
  listenerErrorsRouted,
  wrapsSessions,
  connectValidatesOptions,
  sniNamesIgnoreCase,
  sniNamesCoerced,
  alpnValidatesBuffers,
  serverSetOptions,
  bindsSessionsToServername,
  ipServernameThrows,
  writeAfterEndHasTypeError,
  sniContextMayLackCertificate,
  clientCertificateRequired,
  writesCancelledOnDestroy,
  ephemeralKeyInfoHidesGroups,
  setKeyCertNeedsCertificate,
  invalidThisHidesStackFrames,
  certificateObjects,
  ephemeralKeyInfoHasAllKeys,
  verifyErrorHintsSystemCa,
  certCallbacksAnswerAtOnce,
  secureStepHoldsOutput,
  validatorsOfNode24,
  pskHintCodeSpelledRight,
  certificateCompression,
  plainNodeErrorMark,
  sessionTimeoutMayBeNegative,
  tlsCallbackErrorsCaught,
  alpnNoOverlapIsFatal,
  pfxErrorsNamed,
};
