// `tls-rs/session-store` (beyond Node): a TLS server's session cache shared through a store such
// as Redis, over Node's 'newSession' / 'resumeSession' events.
/// <reference types="node" />
import type { Server } from 'node:tls';

/** Where sessions live: DER by session id, expiring after `ttlMs`. */
export interface SessionStore {
  get(id: Buffer): Promise<Buffer | null | undefined>;
  set(id: Buffer, data: Buffer, ttlMs: number): Promise<unknown>;
}

export interface UseSessionStoreOptions {
  /** How long a resumption waits for the store, in ms (default 200, at most 2^31 - 1); then a full handshake. */
  timeout?: number;
  /** Told about store errors and slow answers (ERR_TLS_RS_SESSION_STORE_TIMEOUT), which never fail a connection. */
  onError?: (err: unknown) => void;
}

/** The subset of an ioredis client the Redis store uses. */
export interface RedisLike {
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, mode: 'PX', ms: number): Promise<unknown>;
}

/** A SessionStore over an ioredis client; keys are `prefix` (default 'tls-rs:session:') + id in hex. */
export declare function redisSessionStore(redis: RedisLike, options?: { prefix?: string }): SessionStore;

/**
 * Answers `server`'s 'newSession' / 'resumeSession' from `store`; returns a function that detaches it.
 * Servers sharing a store need the same `sessionIdContext` option.
 */
export declare function useSessionStore(server: Server, store: SessionStore, options?: UseSessionStoreOptions): () => void;
