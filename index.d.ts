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

export = tls;
