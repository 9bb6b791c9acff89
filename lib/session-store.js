'use strict';
// `tls-rs/session-store` (beyond Node): a server's session cache shared by several processes or
// machines, through Node's own 'newSession' / 'resumeSession' events. A new session is written
// to the store in the background (the handshake does not wait for it); a resumption asks the
// store and waits at most `timeout` ms. Whatever goes wrong with the store — an error, no answer,
// an outage — ends in a full handshake, never in a failed connection.
//
// Resumption by session id needs tickets off (`secureOptions: SSL_OP_NO_TICKET`): with tickets,
// clients resume from the ticket, and servers share ticket keys instead (setTicketKeys). The
// servers sharing a store need one `sessionIdContext`: OpenSSL resumes a session only under the
// context it was made in, and Node's default is a hash of the command line, which differs between
// programs, ports and paths.

const { validateObject, validateFunction, validateNumber } = require('./validators');
const { codes: { ERR_INVALID_ARG_TYPE } } = require('./errors');

// Node's default sessionTimeout, in seconds.
const DEFAULT_SESSION_TIMEOUT = 300;
// The longest delay Node's timers take.
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * A store over an ioredis client (or anything with its getBuffer(key) and
 * set(key, value, 'PX', ms)): keys are `prefix` + the session id in hex, values the session's
 * DER, expiring with the session.
 */
function redisSessionStore(redis, { prefix = 'tls-rs:session:' } = {}) {
  if (!redis || typeof redis.getBuffer !== 'function' || typeof redis.set !== 'function') {
    throw new ERR_INVALID_ARG_TYPE('redis', 'ioredis client', redis);
  }
  return {
    get: (id) => redis.getBuffer(prefix + id.toString('hex')),
    set: (id, data, ttlMs) => redis.set(prefix + id.toString('hex'), data, 'PX', ttlMs),
  };
}

/**
 * Answers `server`'s 'newSession' / 'resumeSession' from `store` ({ get(id) → Promise<Buffer|null>,
 * set(id, data, ttlMs) → Promise }), the entries living as long as the server's sessionTimeout.
 * Waits at most `options.timeout` ms (default 200) for the store on a resumption. Returns a
 * function that detaches it.
 */
function useSessionStore(server, store, options = {}) {
  if (!server || typeof server.on !== 'function' || typeof server.removeListener !== 'function') {
    throw new ERR_INVALID_ARG_TYPE('server', 'tls.Server', server);
  }
  validateObject(store, 'store');
  validateFunction(store.get, 'store.get');
  validateFunction(store.set, 'store.set');
  validateObject(options, 'options');
  const timeout = options.timeout ?? 200;
  // (Beyond 2^31 - 1 ms, Node's timers fire after 1 ms.)
  validateNumber(timeout, 'options.timeout', 0, TIMEOUT_MAX);
  const onError = typeof options.onError === 'function' ? options.onError : () => {};

  const onNewSession = (id, data, done) => {
    done();
    const ttlMs = (server.sessionTimeout || DEFAULT_SESSION_TIMEOUT) * 1000;
    Promise.resolve().then(() => store.set(id, data, ttlMs)).catch(onError);
  };

  const onResumeSession = (id, done) => {
    let answered = false;
    const answer = (data) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      done(null, data ?? null);
    };
    // An unanswered store must not hold the handshake. (With a client that queues commands
    // while offline, as ioredis does by default, this is how an outage shows.)
    const timer = setTimeout(() => {
      answer(null);
      onError(storeTimeoutError(timeout));
    }, timeout);
    Promise.resolve().then(() => store.get(id)).then(answer, (err) => {
      answer(null);
      onError(err);
    });
  };

  server.on('newSession', onNewSession);
  server.on('resumeSession', onResumeSession);
  return function detach() {
    server.removeListener('newSession', onNewSession);
    server.removeListener('resumeSession', onResumeSession);
  };
}

function storeTimeoutError(timeout) {
  // tls-rs's own code (Node has no session store), on a plain Error as Node's native errors are.
  const err = new Error(`The session store did not answer within ${timeout} ms`);
  err.code = 'ERR_TLS_RS_SESSION_STORE_TIMEOUT';
  return err;
}

module.exports = { useSessionStore, redisSessionStore };
