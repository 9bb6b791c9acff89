// Types of tls-rs: the same module surface as Node's built-in `tls` (@types/node's declarations),
// so code and editors see exactly what they see for `require('tls')`.
/// <reference types="node" />
import tls = require('node:tls');

// Beyond @types/node 20: the trust-store API of Node 22.15 / 23.5+, which tls-rs has on every Node.
declare module 'tls' {
  /** The CA certificates of `type` ('default': what a client without `ca` trusts), as PEM strings. */
  function getCACertificates(type?: 'default' | 'system' | 'bundled' | 'extra'): string[];
  /** Makes `certs` (PEM) the CA certificates later connections without `ca` trust. */
  function setDefaultCACertificates(certs: ReadonlyArray<string | NodeJS.ArrayBufferView>): void;

  // Beyond Node: OCSP stapling without user code (README, "OCSP stapling").
  /** `ocspStapling` tuning; times in milliseconds. */
  interface OCSPStaplingOptions {
    /** How long a responder may take for its whole answer (default 10000). */
    timeout?: number | undefined;
    /** The first retry after a failed fetch (default 1000); each further one waits twice as long. */
    retryDelay?: number | undefined;
    /** The longest wait between retries (default 600000). */
    maxRetryDelay?: number | undefined;
  }
  /** What 'OCSPStaple' reports: a response fetched, checked and stapled from now on. */
  interface OCSPStapleInfo {
    /** The certificate (DER) the response is about. */
    certificate: Buffer;
    /** The responder URL it came from. */
    responder: string;
    /** The DER OCSPResponse, as clients receive it. */
    response: Buffer;
    status: 'good' | 'revoked' | 'unknown';
    thisUpdate: Date;
    /** null: the response has no nextUpdate (fetched again after an hour). */
    nextUpdate: Date | null;
    revocationTime?: Date | null;
    revocationReason?: string | null;
  }
  /** What 'OCSPStapleError' reports: a fetch that failed (the server keeps serving, and retries). */
  interface OCSPStapleError extends Error {
    /** ECONNREFUSED and other network codes, ERR_TLS_RS_OCSP_RESPONDER, ERR_TLS_RS_OCSP_INVALID,
     * ERR_TLS_RS_OCSP_NO_RESPONDER, ERR_TLS_RS_OCSP_NO_ISSUER. */
    code?: string | undefined;
    certificate?: Buffer;
    responder?: string;
    /** Milliseconds until the next attempt (absent when nothing will be retried). */
    retryIn?: number;
  }
  interface TlsOptions {
    /** Fetch, cache and staple the certificate's OCSP response (true, or tuning). */
    ocspStapling?: boolean | OCSPStaplingOptions | undefined;
  }
  interface ConnectionOptions {
    /**
     * Check the server's stapled OCSP response once the handshake is done: a revoked certificate
     * fails with ERR_TLS_RS_OCSP_REVOKED, an unusable staple with ERR_TLS_RS_OCSP_INVALID; with
     * 'require', no staple fails with ERR_TLS_RS_OCSP_MISSING. Implies requestOCSP.
     */
    checkOCSP?: boolean | 'require' | undefined;
  }
  interface Server {
    on(event: 'OCSPStaple', listener: (info: OCSPStapleInfo) => void): this;
    on(event: 'OCSPStapleError', listener: (err: OCSPStapleError) => void): this;
    once(event: 'OCSPStaple', listener: (info: OCSPStapleInfo) => void): this;
    once(event: 'OCSPStapleError', listener: (err: OCSPStapleError) => void): this;
  }
}

// Beyond Node: Encrypted Client Hello (RFC 9849; README, "Encrypted Client Hello").
declare module 'tls' {
  /** An ECH key for a server: a PEM (PRIVATE KEY, then ECHCONFIG), or one with whether its config is sent as a retry config (default true). */
  type ECHKey = string | NodeJS.ArrayBufferView | { pem: string | NodeJS.ArrayBufferView; retry?: boolean };

  interface SecureContextOptions {
    /** Server: ECH keys (several for rotation); the inner ClientHello then drives SNI, ALPN and resumption. */
    echKeys?: ECHKey | ECHKey[] | undefined;
  }

  interface CommonConnectionOptions {
    /** Client: the server's ECHConfigList (bytes, or base64 as DNS HTTPS records publish it); attempts ECH. */
    echConfigList?: string | NodeJS.ArrayBufferView | undefined;
    /** Client: send a GREASE ECH extension when no `echConfigList` is given. */
    echGrease?: boolean | undefined;
  }

  interface TLSSocket {
    /** After the handshake: whether the server used the encrypted (inner) ClientHello. */
    echAccepted: boolean;
  }

  /** What a client gets when the server rejects ECH (`code` 'ERR_TLS_ECH_REJECTED'). */
  interface ECHRejectedError extends Error {
    code: 'ERR_TLS_ECH_REJECTED';
    /** The name the outer ClientHello carried. */
    publicName?: string;
    /** The server's retry configs (an ECHConfigList), when it sent some and its certificate is valid for the public name. */
    retryConfigList?: Buffer;
  }
}

export = tls;
