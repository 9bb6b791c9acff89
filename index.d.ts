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
