'use strict';
// The per-socket state that several files of lib/ keep on a TLSSocket, under symbols as Node
// keeps its own. State only one file uses stays private to that file.

module.exports = {
  /** The socket's native connection (binding.TlsConnection); null once it is destroyed. */
  kSession: Symbol('kSession'),
  /** The stream the ciphertext goes through (lib/transport.js). */
  kTransport: Symbol('kTransport'),
  /** How the transport is read: 'owned', 'socket' or 'stream' (lib/transport.js). */
  kTransportKind: Symbol('kTransportKind'),
  /**
   * Ciphertext bytes written to a 'stream' transport whose write has not finished as Node's
   * JSStreamSocket finishes it (the `_handle.writeQueueSize` of a TLSSocket over a Duplex).
   */
  kStreamWriteQueue: Symbol('kStreamWriteQueue'),
  /** True while the reader pushes back: cleartext waits in the connection, the transport pauses. */
  kReadPaused: Symbol('kReadPaused'),
  /** Cleartext bytes delivered so far (`bytesRead`). */
  kBytesRead: Symbol('kBytesRead'),
  /** The options tls.connect() was given, merged over its defaults (lib/connect.js). */
  kConnectOptions: Symbol('kConnectOptions'),
  /** True once end() sent close_notify: the peer's reset is then not an error. */
  kShuttingDown: Symbol('kShuttingDown'),
  /** A server's handshake count within tls.CLIENT_RENEG_WINDOW (lib/renegotiation.js). */
  kHandshakes: Symbol('kHandshakes'),
  /** When a server's last handshake started, in ms; 0 before the first (lib/renegotiation.js). */
  kLastHandshakeTime: Symbol('kLastHandshakeTime'),
  /**
   * TLSSocket option: the native connection of a handshake its server accepted and began
   * before the socket existed (lib/accepted-handshake.js); what depended on the server's
   * listeners was decided then.
   */
  kAdoptedSession: Symbol('kAdoptedSession'),
  /**
   * A question the handshake paused for (SNI, ALPN, OCSP, session) was put to JS and is not
   * answered yet: input that arrives meanwhile leaves the same question, asked once (Node).
   */
  kQuestionPending: Symbol('kQuestionPending'),
  /**
   * A server whose 'clientError' is another event than the seed docs' TLS one: https.Server's,
   * which Node's https emits from 'tlsClientError' itself (lib/https.js).
   */
  kOwnClientError: Symbol('kOwnClientError'),
};
