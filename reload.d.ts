// `tls-rs/reload` (beyond Node): certificate hot reload for a TLS server.
/// <reference types="node" />
import { EventEmitter } from 'node:events';
import type { Server } from 'node:tls';

/** The files watchCredentials() reads: PEM paths. */
export interface CredentialFiles {
  key: string;
  cert: string;
  /** Trusted CAs (for client certificates); without it the server's `ca` option is kept. */
  ca?: string;
}

export interface WatchCredentialsOptions {
  /** The key's passphrase (default: the server's `passphrase` option). */
  passphrase?: string;
  /** Re-read the files when they change (default true). */
  watch?: boolean;
  /** How often the files are checked for changes, in ms (default 5000). */
  interval?: number;
}

/**
 * Keeps a server's key/cert (and ca) in step with files. 'reload' after each swap; 'error' with
 * the reason when a changed set is refused (the server keeps its current credentials).
 */
export declare class CredentialsWatcher extends EventEmitter {
  readonly server: Server;
  readonly files: CredentialFiles;
  /** Reads the files now; resolves once the server uses them, rejects (server unchanged) when they are invalid. */
  reload(): Promise<void>;
  /** Stops watching (as the server's 'close' does); the server keeps its current context. */
  close(): void;
  on(event: 'reload', listener: () => void): this;
  on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/**
 * Installs the files' credentials on `server` now, then whenever they change (unless
 * `watch: false`). Rejects with `ERR_TLS_RS_KEY_CERT_MISMATCH` when the key is not the
 * certificate's, or createSecureContext's error when a file does not parse.
 */
export declare function watchCredentials(server: Server, files: CredentialFiles, options?: WatchCredentialsOptions): Promise<CredentialsWatcher>;
