// Types of the native binding, build/tls_rs.node — what lib/ may call (via lib/binding.js).
// Hand-written from the `#[napi]` items in src/*.rs; napi-rs exposes Rust snake_case names in
// camelCase unless a `js_name` is given. This is an internal interface, not tls-rs's public API
// (that is Node's `tls` module, typed by @types/node).
//
// Conventions of the binding:
// - Methods that fail throw an Error shaped as Node's would (`code`, and for OpenSSL errors
//   `library`, `reason`, and OpenSSL's text as `message`).
// - A destroyed TlsSession throws ERR_TLS_INVALID_STATE from methods that need the SSL, and
//   returns null / 0 / an error status from the others.
// - Buffers passed as `out` are filled by the native side; the caller owns them.
// - TlsSession methods that handle peer data are `catch_unwind`: a Rust panic becomes a thrown
//   Error instead of aborting the process.

/// <reference types="node" />

/** A TLS protocol version number as OpenSSL uses it: 0x0301 (TLSv1) … 0x0304 (TLSv1.3). */
export type ProtocolVersion = number;

/**
 * Bits returned by `TlsSession.start()` / `receive()` (STATUS_* in src/engine.rs; lib/socket.js
 * keeps its own copy of the values, the addon does not export them).
 */
export declare const enum SessionStatus {
  /** The handshake completed during this call. */
  HandshakeDone = 1,
  /** A fatal error happened; `takeError()` returns it. */
  Error = 2,
  /**
   * Server: the handshake waits for the SNI decision on `getServername()`: `useSNIContext()`
   * (or nothing, to keep the session's context), then `resume()`.
   */
  SNIRequest = 4,
  /**
   * Server: the handshake waits for the ALPN decision on `getALPNRequest()`: `selectALPN()`, then
   * `resume()`. Input received meanwhile waits in the session.
   */
  ALPNRequest = 8,
  /**
   * Server with session callbacks: its ClientHello names a session to look up
   * (`resumeSessionId`); the input is held until `endParser()`.
   */
  ResumeRequest = 16,
  /** Sessions were created (session callbacks enabled); `takeNewSessions()` returns them. */
  NewSession = 32,
  /**
   * OpenSSL reported handshake starts, completed renegotiations (`enableHandshakeEvents()`) or
   * key-log lines (`enableKeylogCallback()`); `takeEvents()` returns them.
   */
  Events = 256,
  /**
   * Server with `enableOCSPRequest()`: the client asked for an OCSP response; the handshake waits
   * for `setOCSPResponse()` (or nothing), then `resume()`.
   */
  OCSPRequest = 0x1000,
  /** Client with `requestOCSP()`: `takeOCSPResponse()` returns what the server stapled (or null). */
  OCSPResponse = 0x2000,
}

/**
 * Entries of `TlsSession.takeEvents()` that are numbers (src/session_ext.rs); the Buffers are
 * key-log lines ending in '\n'.
 */
export declare const enum SessionEvent {
  /** A handshake started (Node's onhandshakestart; the first one too). */
  HandshakeStart = 1,
  /** A handshake after the first completed: a renegotiation (Node's onhandshakedone). */
  HandshakeDone = 2,
  /** A session was created after the first handshake; it waits in `takeNewSessions()`. */
  NewSession = 3,
}

/** A session OpenSSL created (Node's onnewsession arguments). */
export interface NewSessionInfo {
  /** The session id. */
  id: Buffer;
  /** The session as DER (i2d_SSL_SESSION), at most 10 KiB. */
  data: Buffer;
}

/** Negative results of `TlsSession.readCleartext()` / `encrypt()` (src/engine.rs). */
export declare const enum ReadResult {
  /** No cleartext is left and the peer sent close_notify. */
  CloseNotify = -1,
  /** The session failed; `takeError()` returns why. */
  Error = -2,
  /** Events wait in `takeEvents()` (a renegotiation ran while reading); call again after. */
  Events = -3,
}

/** One OpenSSL error as JS sees it (src/error.rs); lib/openssl-error.js turns it into an `Error`. */
export interface OpenSslError {
  /** As OpenSSL prints it, e.g. `error:0A00010B:SSL routines::wrong version number`. */
  message: string;
  /** Node's code: `ERR_SSL_WRONG_VERSION_NUMBER`, `ERR_OSSL_PEM_NO_START_LINE`, … */
  code: string;
  /** OpenSSL's library name ('SSL routines'); absent when the error did not come from OpenSSL. */
  library?: string;
  /** OpenSSL's reason string ('wrong version number'); absent likewise. */
  reason?: string;
}

/** Why the peer's certificate is not trusted (Node's `verifyError()`). */
export interface VerifyError {
  /** Node's name of the X509_V_ERR_* value: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', … */
  code: string;
  /** OpenSSL's text for it ('unable to verify the first certificate'). */
  message: string;
}

/** `getEphemeralKeyInfo()` on a client: `{ type: 'ECDH', name: 'X25519', size: 253 }`. */
export interface EphemeralKeyInfo {
  /** 'ECDH' (EC, X25519, X448) or 'DH'. */
  type: string;
  /** The curve; absent for DH. */
  name?: string;
  /** Key size in bits. */
  size: number;
}

/** `getCipher()`: `{ name: 'TLS_AES_256_GCM_SHA384', standardName: '…', version: 'TLSv1.3' }`. */
export interface CipherInfo {
  /** OpenSSL's name. */
  name: string;
  /** The IANA name (OpenSSL's name when it has none). */
  standardName: string;
  /** The protocol version the cipher was defined for ('TLSv1.2', 'TLSv1.3'). */
  version: string;
}

/** What `loadRootCertificates()` reports. */
export interface RootStoreInfo {
  /** Certificates in the shared store (bundled + extra). */
  certificates: number;
  /** Whether the extra file was loaded (Node's `isExtraRootCertsFileLoaded()`). */
  extraLoaded: boolean;
  /**
   * OpenSSL's error string when the extra file could not be loaded, for Node's warning
   * "Warning: Ignoring extra certs from `FILE`, load failed: ERROR".
   */
  extraError?: string;
}

/**
 * The plain object Node's `getPeerCertificate()` returns (src/x509.rs, a port of Node's
 * X509ToObject). Keys appear in Node's order; `subject`, `issuer` and `infoAccess` have null
 * prototypes. Which key-specific fields are present depends on the key type.
 */
export interface CertificateObject {
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  subjectaltname?: string;
  infoAccess?: Record<string, string[]>;
  ca: boolean;
  // RSA keys
  modulus?: string;
  bits?: number;
  exponent?: string;
  pubkey?: Buffer;
  // EC keys
  asn1Curve?: string;
  nistCurve?: string;
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: Buffer;
  /** With `detailed`: the issuer's object; a self-signed certificate points to itself. */
  issuerCertificate?: CertificateObject;
}

/**
 * One SSL_CTX (src/context.rs), configured step by step from JS and shared by every session
 * created from it. The methods are Node's native SecureContext methods with the same names,
 * arguments and errors (lib/secure-context.js is a port of Node's configSecureContext). Values
 * that are neither a string nor an ArrayBufferView count as "nothing to load", as in Node.
 *
 * Not implemented (lib/ feature-tests for them): setEngineKey, setClientCertEngine,
 * setTicketKeys, and the session/ticket/SNI/ALPN/OCSP/PSK callbacks.
 */
export declare class SecureContext {
  /** A TLS_method context with Node's base settings; usable as is, `init()` then configures it. */
  constructor();
  /**
   * Node's `init(secureProtocol, minVersion, maxVersion)`. `maxVersion` 0 means the highest
   * supported. A string `secureProtocol` names an OpenSSL method ('TLSv1_2_method',
   * 'SSLv23_server_method', …) which overrides the range; SSLv2/SSLv3 methods and unknown names
   * throw ERR_TLS_INVALID_PROTOCOL_METHOD (TypeError).
   */
  init(secureProtocol: string | undefined | null | unknown, minVersion: ProtocolVersion, maxVersion: ProtocolVersion): void;
  /**
   * A PEM private key; `passphrase` (a string) decrypts it, a missing one is the empty
   * passphrase. Must follow the matching `setCert` (mismatch: ERR_OSSL_X509_KEY_VALUES_MISMATCH).
   */
  setKey(key: string | ArrayBufferView, passphrase?: string | null): void;
  /** A PEM certificate chain: the first certificate is the leaf, the rest is sent as its chain. */
  setCert(cert: string | ArrayBufferView): void;
  /** Trusts every PEM certificate in `ca` and names each as an acceptable client-certificate issuer. */
  addCACert(ca: string | ArrayBufferView): void;
  /**
   * Adds a PEM CRL and turns on CRL checking for the whole chain. Unparsable input throws
   * ERR_CRYPTO_OPERATION_FAILED "Failed to parse CRL".
   */
  addCRL(crl: string | ArrayBufferView): void;
  /**
   * Uses the process-wide root store (Node's bundled roots + NODE_EXTRA_CA_CERTS); throws
   * ERR_TLS_INVALID_STATE unless `loadRootCertificates()` ran first.
   */
  addRootCerts(): void;
  /** TLS 1.3 cipher suites, colon-separated `TLS_*` names. */
  setCipherSuites(suites: string): void;
  /** The TLS ≤ 1.2 cipher list (OpenSSL syntax, `@SECLEVEL=n` included); '' clears it. */
  setCiphers(ciphers: string): void;
  /** Signature algorithms, `SSL_CTX_set1_sigalgs_list` syntax ('RSA-PSS+SHA256:ed25519'). */
  setSigalgs(sigalgs: string): void;
  /**
   * Key-exchange groups: 'auto' keeps OpenSSL 3.6's defaults (X25519MLKEM768 first), anything
   * else is a groups list ('X25519MLKEM768:X25519'); failure throws ERR_CRYPTO_OPERATION_FAILED
   * "Failed to set ECDH curve".
   */
  setECDHCurve(curve: string): void;
  /**
   * DHE parameters: `true` for OpenSSL's automatic well-known parameters, otherwise PEM
   * `DH PARAMETERS`. Unparsable input is ignored; < 1024 bits throws ERR_INVALID_ARG_VALUE;
   * < 2048 bits returns the warning text Node emits as a SecurityWarning.
   */
  setDHParam(dh: true | string | ArrayBufferView): string | undefined;
  /** Lowest protocol version (0 = lowest supported). */
  setMinProto(version: ProtocolVersion): void;
  /** Highest protocol version (0 = highest supported). */
  setMaxProto(version: ProtocolVersion): void;
  /** The configured lowest version (0 when open). */
  getMinProto(): ProtocolVersion;
  /** The configured highest version (0 when open). */
  getMaxProto(): ProtocolVersion;
  /** ORs `SSL_OP_*` bits into the context's options (a C long: -1 sets every bit). */
  setOptions(options: number): void;
  /** The context's `SSL_OP_*` bits (not in Node). */
  getOptions(): number;
  /** Session ID context, ≤ 32 bytes of UTF-8; longer throws a TypeError with OpenSSL's text. */
  setSessionIdContext(sessionIdContext: string): void;
  /** Lifetime of sessions and tickets issued with this context, in seconds. */
  setSessionTimeout(timeout: number): void;
  /** The 48-byte session-ticket keys: name (16) ‖ HMAC-SHA256 key (16) ‖ AES-128 key (16). */
  getTicketKeys(): Buffer;
  /** Replaces the ticket keys (exactly 48 bytes, else a TypeError ERR_INVALID_ARG_VALUE); true. */
  setTicketKeys(keys: ArrayBufferView): boolean;
  /**
   * Loads a PKCS#12 bundle (key, leaf, chain; its CA certificates are also trusted).
   * `passphrase` must be an ArrayBufferView when given ("Pass phrase must be a buffer").
   */
  loadPKCS12(pfx?: string | ArrayBufferView | null, passphrase?: ArrayBufferView | null): void;
  /** DER of the last certificate set by setCert / loadPKCS12, or null. */
  getCertificate(): Buffer | null;
  /** DER of that certificate's issuer (from its chain or the trust store), or null. */
  getIssuer(): Buffer | null;
  /** Accepts chains that end at a trusted intermediate (X509_V_FLAG_PARTIAL_CHAIN). */
  setAllowPartialTrustChain(): void;
  /** OpenSSL security level (not in Node: lib/ sets the running Node's level). */
  setSecurityLevel(level: number): void;
  /** The context's OpenSSL security level. */
  getSecurityLevel(): number;
}

/**
 * One TLS endpoint over two memory BIOs: the napi class in src/session.rs over the sans-I/O
 * engine in src/engine.rs; it never touches a socket.
 * Ciphertext from the peer goes in with `receive`; cleartext comes out with `readCleartext`;
 * cleartext goes in with `encrypt`; ciphertext for the peer comes out with `readCiphertext`.
 * lib/socket.js exposes it as `tlsSocket.ssl` (packages call `ssl.verifyError()`).
 */
export declare class TlsSession {
  /** A session on `context`; nothing is sent until `start()` (client) or `receive()` (server). */
  constructor(context: SecureContext, isServer: boolean);
  /**
   * Server side: request a client certificate, and with `rejectUnauthorized` fail the handshake
   * when none is sent (Node's SetVerifyMode). A no-op on clients, which always verify in JS.
   */
  setVerifyMode(requestCert: boolean, rejectUnauthorized: boolean): void;
  /**
   * Client side: the SNI host name to send, up to a NUL byte. As in Node, '' (or a name OpenSSL
   * refuses) sends none; nothing throws.
   */
  setServername(name: string): void;
  /**
   * ALPN protocols in wire format (`\x02h2\x08http/1.1`): offered (client) or chosen from, in
   * this order of preference (server; no overlap is a fatal no_application_protocol alert).
   */
  setALPNProtocols(protocols: Uint8Array): void;
  /** Server side: report SessionStatus.ALPNRequest when the client offers ALPN (ALPNCallback). */
  enableALPNCallback(): void;
  /** Server side: report SessionStatus.SNIRequest when the client sends a name (SNICallback). */
  enableSNICallback(): void;
  /**
   * While an ALPNRequest is pending: the server name as Node's ALPNCallback sees it (null for
   * none) and the client's protocols in wire format.
   */
  getALPNRequest(): { servername: string | null; protocols: Buffer } | null;
  /** Answers an ALPNRequest: the index of the chosen protocol in the offer, or -1 for none (fatal alert). */
  selectALPN(index: number): void;
  /**
   * Answers an SNIRequest with `context`'s certificate, key, chain, trust store and client-CA
   * list (Node's UseSNIContext; nothing else of it). A context without certificate changes
   * nothing; with `reportUnusable` (an answer given inside SNICallback) `resume()` then fails.
   */
  useSNIContext(context: SecureContext, reportUnusable: boolean): void;
  /** setKeyCert (servers): the context's certificate, key, chain, trust store and client CA list. */
  setKeyCert(context: SecureContext): void;
  /** Continues a handshake paused by a request; returns SessionStatus bits, as `receive()`. */
  resume(): number;
  /** The negotiated ALPN protocol (latin1), or false. */
  getALPNNegotiatedProtocol(): string | false;
  /** Advances the handshake without input (the client's ClientHello). Returns SessionStatus bits. */
  start(): number;
  /**
   * Feeds ciphertext from the peer and advances the handshake. Returns SessionStatus bits;
   * then pull cleartext with `readCleartext` and replies with `readCiphertext`.
   */
  receive(ciphertext: Uint8Array): number;
  /**
   * Decrypts the next record into `out` (one record per call). Returns the bytes written (> 0),
   * 0 when more ciphertext is needed (or before the handshake), ReadResult.CloseNotify once the
   * peer closed, ReadResult.Error on failure.
   */
  readCleartext(out: Buffer): number;
  /**
   * Encrypts all of `cleartext` (after the handshake). Returns the ciphertext bytes now waiting
   * for `readCiphertext`, or ReadResult.Error.
   */
  encrypt(cleartext: Uint8Array): number;
  /** Ciphertext bytes waiting to be sent to the peer. */
  pendingCiphertext(): number;
  /** Moves waiting ciphertext into `out`; returns the number of bytes moved. */
  readCiphertext(out: Buffer): number;
  /** Queues close_notify (once the handshake is done); returns the ciphertext bytes waiting. */
  shutdown(): number;
  /** The pending fatal error, if any; it stays pending (the name notwithstanding). */
  takeError(): OpenSslError | null;
  /** Whether the handshake has completed. */
  readonly handshakeDone: boolean;
  /** Node's verifyError(): why the peer certificate is not trusted, or null. */
  verifyError(): VerifyError | null;
  /** The negotiated cipher, or null before the handshake. */
  getCipher(): CipherInfo | null;
  /** The negotiated protocol ('TLSv1.3'), or null before the handshake. */
  getProtocol(): string | null;
  /**
   * The SNI name as OpenSSL reports it (Node's getServername): set (client) or sent by the client
   * (server, once its ClientHello is processed; none for a resumed TLS 1.2 session), or null.
   */
  getServername(): string | null;
  /** The peer's ephemeral key-exchange key, or null (none, or a group Node cannot describe). */
  getEphemeralKeyInfo(): EphemeralKeyInfo | null;
  isSessionReused(): boolean;
  /**
   * Node's enableSessionCallbacks: report new sessions (status 32, `takeNewSessions()`; a
   * client's TLS 1.3 tickets arrive while reading). A server also holds its first input until
   * the ClientHello is read and reports status 16 when it names a session to look up.
   */
  enableSessionCallbacks(): void;
  /** The sessions created since the last call, oldest first. */
  takeNewSessions(): NewSessionInfo[];
  /** Client: the session to resume (DER). Non-session bytes are ignored; a refused one throws. */
  setSession(session: Uint8Array): void;
  /** DER of the current session, or null. */
  getSession(): Buffer | null;
  /** The current session's ticket, or null. */
  getTLSTicket(): Buffer | null;
  /** While status 16 is pending: the session id to look up (TLS 1.3 stateful: the PSK identity). */
  readonly resumeSessionId: Buffer | null;
  /** Server: the session found for `resumeSessionId` (DER); non-session bytes are ignored. */
  loadSession(session: Uint8Array): void;
  /** Node's endParser: hands the held input to OpenSSL; returns status bits. */
  endParser(): number;
  /** The peer's certificate as Node's plain object (`detailed`: with the issuer chain), or null. */
  getPeerCertificate(detailed: boolean): CertificateObject | null;
  /** This endpoint's own certificate as Node's plain object, or null. */
  getCertificate(): CertificateObject | null;
  /** Frees the SSL; later calls behave as on a destroyed session. */
  destroy(): void;

  // Renegotiation, OpenSSL's callback events, tracing, introspection (src/session_ext.rs).
  /** The events queued since the last call, oldest first: SessionEvent numbers, key-log Buffers. */
  takeEvents(): Array<SessionEvent | Buffer>;
  /** Report handshake starts and completed renegotiations through `takeEvents()`. */
  enableHandshakeEvents(): void;
  /** Start a TLS 1.2 renegotiation: null, or the OpenSSL error saying why not (TLS 1.3). */
  renegotiate(): OpenSslError | null;
  /** Report key-log lines through `takeEvents()` (installs the SSL_CTX keylog callback). */
  enableKeylogCallback(): void;
  /** Print this connection's protocol messages to stderr (`openssl s_client -msg` layout). */
  enableTrace(): void;
  /** The Finished message this end sent, or undefined before there is one. */
  getFinished(): Buffer | undefined;
  /** The Finished message the peer sent, or undefined. */
  getPeerFinished(): Buffer | undefined;
  /** Node's getSharedSigalgs() names ("RSA-PSS+SHA256", "Ed25519+UNDEF"). */
  getSharedSigalgs(): string[];
  /** RFC 5705 keying material; `context` undefined means none. Throws OpenSSL's error. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer;
  /** DER of this end's certificate, or undefined. */
  getX509Certificate(): Buffer | undefined;
  /** DER of the peer's certificate, or undefined. */
  getPeerX509Certificate(): Buffer | undefined;
  /** SSL_set_max_send_fragment: 1 when accepted (512..=16384), else 0. */
  setMaxSendFragment(size: number): number;

  // ---- NPN, OCSP stapling, PSK (src/session/extensions.rs) ----
  /**
   * This side's NPN protocols in wire format (TLS 1.2 and below); null on a client offers NPN
   * without protocols of its own (it answers an NPN server with http/1.1, as Node v5).
   */
  setNPNProtocols(protocols: Uint8Array | null): void;
  /** The NPN protocol this side ended with (latin1), or false. */
  getNegotiatedProtocol(): string | false;
  /** Client: ask for a stapled OCSP response (SessionStatus.OCSPResponse reports it). */
  requestOCSP(): void;
  /** Server: pause with SessionStatus.OCSPRequest when the client asks for an OCSP response. */
  enableOCSPRequest(): void;
  /** Server: the OCSP response to staple (OpenSSL 3.6 staples it only if it is a DER OCSPResponse). */
  setOCSPResponse(response: Uint8Array): void;
  /** Client, after SessionStatus.OCSPResponse: the stapled response, or null. */
  takeOCSPResponse(): Buffer | null;
  /**
   * Answers OpenSSL's PSK questions, synchronously from inside `start` / `receive` / `resume`:
   * `callback(hint, maxPskLen, maxIdentityLen)` on a client (hint null in TLS 1.3),
   * `callback(identity, maxPskLen, 0)` on a server; it returns `{ psk, identity }` (a server's
   * identity is ignored) or null to fail the handshake. The callback must not free the session,
   * and is held weakly: the caller keeps it alive as long as the session.
   */
  enablePskCallback(callback: (hintOrIdentity: string | null, maxPskLen: number, maxIdentityLen: number) =>
    { psk: Buffer; identity?: string } | null): void;
  /** Server: the TLS 1.2 PSK identity hint; false when OpenSSL refuses it (over 256 bytes). */
  setPskIdentityHint(hint: string): boolean;
}

/** Where OpenSSL's CA store is (Node's --use-openssl-ca): a PEM file and hashed directories. */
export interface OpenSslStorePaths {
  file: string
  dir: string
}

/**
 * Builds the process-wide root store from `roots` (PEM strings: `require('tls').rootCertificates`)
 * — or, given `opensslStore`, from OpenSSL's CA store instead — and, when given, the PEM
 * certificates in `extraCertsFile` (NODE_EXTRA_CA_CERTS). Only the first call builds; later
 * calls report what was built.
 */
export declare function loadRootCertificates(roots: string[], extraCertsFile?: string | null, opensslStore?: OpenSslStorePaths | null): RootStoreInfo;

/** Every cipher (TLS 1.3 suites included) of a default TLS context, as OpenSSL names them. */
export declare function getSSLCiphers(): string[];

/** Live native object counts (tests prove sockets free their native state on close). */
export interface LiveObjects {
  /** TLS engines (SSL objects) not yet freed: a session's is freed by `destroy()`. */
  sessions: number;
  /** TlsSession handles not yet garbage-collected. */
  sessionHandles: number;
  /** SecureContext objects not yet garbage-collected. */
  contexts: number;
}

/** How many native sessions, session handles and contexts exist now in this process. */
export declare function liveObjects(): LiveObjects;

// The per-record hot path as plain functions (src/session_io.rs): the same operations as the
// TlsSession methods, without napi-rs's per-call borrow bookkeeping, writing into the caller's
// buffer at `offset` so lib/socket.js can hand out slices of pooled slabs. A session that is not
// a TlsSession, or a bad buffer or offset, throws a TypeError.

/** TlsSession#receive: feeds ciphertext from the peer; returns SessionStatus bits. */
export declare function sessionReceive(session: TlsSession, ciphertext: Uint8Array): number;
/** TlsSession#readCleartext into `out[offset..]`: bytes written, 0, or a ReadResult. */
export declare function sessionReadCleartext(session: TlsSession, out: Uint8Array, offset: number): number;
/** TlsSession#encrypt: ciphertext bytes now waiting, or ReadResult.Error. */
export declare function sessionEncrypt(session: TlsSession, cleartext: Uint8Array): number;
/**
 * Moves all waiting ciphertext into `out[offset..]` and returns its length (0 when none); when
 * it does not fit, moves nothing and returns minus the length waiting.
 */
export declare function sessionTakeCiphertext(session: TlsSession, out: Uint8Array, offset: number): number;
