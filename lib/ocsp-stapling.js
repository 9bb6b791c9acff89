'use strict';
// OCSP stapling without user code (beyond Node).
//
// Server (`ocspStapling` option of tls.createServer): for the certificate of each context the
// server serves (its own, addContext's; a new one after setSecureContext), the server POSTs a DER
// OCSP request (built from the certificate and its issuer, found in the chain or `ca`) to the
// responder its AIA extension names, checks the answer (signed by the issuer or a responder it
// authorised, fresh, about this certificate) and staples it in every handshake whose client asks
// (status_request), until its nextUpdate; it fetches a new one half-way there. A failed fetch
// leaves the handshakes without a staple (or with the previous one while it is fresh) and is
// retried with exponential backoff. 'OCSPStaple'(info) and 'OCSPStapleError'(err) on the server
// tell what happened. A server 'OCSPRequest' listener, as in Node, decides alone for the
// connections accepted while it listens. Fetching runs while the server listens; its timers and
// sockets are unref'd.
//
// Client (`checkOCSP` option of tls.connect): asks for a staple, and once the handshake is done
// (after the chain and host name checks) judges it: a revoked certificate fails the connection
// with ERR_TLS_RS_OCSP_REVOKED, an unusable staple with ERR_TLS_RS_OCSP_INVALID, and — with
// `checkOCSP: 'require'` — a missing one with ERR_TLS_RS_OCSP_MISSING.

const http = require('node:http');
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE },
} = require('./errors');
const { validateObject, validateNumber } = require('./validators');
const { kSession } = require('./symbols');

const kStapler = Symbol('kOCSPStapler');

// Option defaults (ms): a responder's answer time, the first retry after a failure, the longest.
const DEFAULTS = { timeout: 10_000, retryDelay: 1000, maxRetryDelay: 10 * 60_000 };
// A response without nextUpdate is fetched again after an hour; any response at least daily.
const REFRESH_WITHOUT_NEXT_UPDATE = 60 * 60_000;
const LONGEST_REFRESH = 24 * 60 * 60_000;
// Larger answers are not OCSP responses (they are a few KiB at most).
const MAX_RESPONSE_BYTES = 1 << 20;

/** An Error with tls-rs's own `code` (Node has none for these), as reload.js makes them. */
function tlsRsError(code, message, props) {
  const err = new Error(message);
  err.code = code;
  return Object.assign(err, props);
}

function validateStaplingOptions(value) {
  if (value === true) return { ...DEFAULTS };
  if (value === null || typeof value !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('options.ocspStapling', ['boolean', 'Object'], value);
  }
  validateObject(value, 'options.ocspStapling');
  const options = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS)) {
    if (value[name] === undefined) continue;
    validateNumber(value[name], `options.ocspStapling.${name}`, 1, 2 ** 31 - 1);
    options[name] = value[name];
  }
  return options;
}

// One certificate (with its issuer) and the contexts that serve it.
class Entry {
  constructor(target) {
    this.target = target;
    this.contexts = new Set();
    this.response = null;
    this.nextUpdate = null;
    this.failures = 0;
    this.timer = null;
    this.request = null;
    // Bumped by cancel(): a fetch that finishes after it is ignored.
    this.generation = 0;
  }
}

class Stapler {
  constructor(server, options) {
    this.server = server;
    this.options = options;
    // Every context synced, with its entry (null: it has no certificate to staple).
    this.contexts = new Map();
    // Entries by certificate and issuer (the DER request names both; the certificate alone when
    // the issuer is unknown).
    this.entries = new Map();
    this.active = false;
    server.on('listening', () => this.start());
    server.on('close', () => this.stop());
  }

  /** Follows the contexts the server serves now: its own and those of addContext. */
  sync() {
    const server = this.server;
    const current = new Set([server._sharedCreds.context, ...server._contexts.map((pair) => pair[1])]);
    for (const [context, entry] of this.contexts) {
      if (current.has(context)) continue;
      this.contexts.delete(context);
      if (entry) entry.contexts.delete(context);
    }
    for (const context of current) {
      if (this.contexts.has(context)) continue;
      const target = context.ocspStaplingTarget();
      if (!target) {
        this.contexts.set(context, null);
        continue;
      }
      const key = (target.request || target.certificate).toString('base64');
      let entry = this.entries.get(key);
      if (!entry) {
        entry = new Entry(target);
        this.entries.set(key, entry);
        if (this.active) this.schedule(entry, 0);
      }
      entry.contexts.add(context);
      this.contexts.set(context, entry);
      // A context made again for the same certificate (setSecureContext, a reload) staples at once.
      if (entry.response) context.setOCSPStaple(entry.response);
    }
    for (const [key, entry] of this.entries) {
      if (entry.contexts.size > 0) continue;
      this.cancel(entry);
      this.entries.delete(key);
    }
  }

  start() {
    if (this.active) return;
    this.active = true;
    for (const entry of this.entries.values()) this.schedule(entry, 0);
  }

  stop() {
    this.active = false;
    for (const entry of this.entries.values()) this.cancel(entry);
  }

  cancel(entry) {
    entry.generation++;
    clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.request) entry.request.destroy();
    entry.request = null;
  }

  schedule(entry, delay) {
    clearTimeout(entry.timer);
    // A listener that throws is an uncaught exception, as with any event (not a lost rejection).
    entry.timer = setTimeout(() => this.fetch(entry).catch((err) => process.nextTick(() => { throw err; })), delay);
    entry.timer.unref();
  }

  async fetch(entry) {
    entry.timer = null;
    const generation = entry.generation;
    const { target } = entry;
    const certificate = target.certificate;
    if (!target.request) {
      // Nothing to retry: only a new context (setSecureContext) can bring the issuer.
      this.server.emit('OCSPStapleError', tlsRsError('ERR_TLS_RS_OCSP_NO_ISSUER',
        'OCSP stapling: the issuer of the certificate is neither in its chain nor in ca', { certificate }));
      return;
    }
    if (target.responders.length === 0) {
      this.server.emit('OCSPStapleError', tlsRsError('ERR_TLS_RS_OCSP_NO_RESPONDER',
        'OCSP stapling: the certificate names no OCSP responder (Authority Information Access)', { certificate }));
      return;
    }
    let failure;
    for (const responder of target.responders) {
      if (generation !== entry.generation) return;
      let response;
      try {
        response = await post(responder, target.request, this.options.timeout, (req) => { entry.request = req; });
      } catch (err) {
        failure = Object.assign(err, { responder, certificate });
        continue;
      } finally {
        entry.request = null;
      }
      if (generation !== entry.generation) return;
      const check = this.install(entry, response);
      if (check.error) {
        failure = tlsRsError('ERR_TLS_RS_OCSP_INVALID', `OCSP stapling: the response of ${responder} is not usable: ${check.error}`,
          { responder, certificate });
        continue;
      }
      entry.failures = 0;
      // Scheduled first: a throwing listener does not stop the refreshes.
      this.schedule(entry, refreshDelay(check.nextUpdate));
      this.server.emit('OCSPStaple', {
        certificate,
        responder,
        response,
        status: check.status,
        thisUpdate: new Date(check.thisUpdate),
        nextUpdate: check.nextUpdate === undefined || check.nextUpdate === null ? null : new Date(check.nextUpdate),
        ...(check.status === 'revoked' ? revocation(check) : {}),
      });
      return;
    }
    if (generation !== entry.generation) return;
    entry.failures++;
    let delay = Math.min(this.options.retryDelay * 2 ** (entry.failures - 1), this.options.maxRetryDelay);
    // While a fetched response is still fresh, retry before it runs out.
    const fresh = entry.nextUpdate === null ? 0 : entry.nextUpdate - Date.now();
    if (fresh > 0) delay = Math.min(delay, Math.max(this.options.retryDelay, fresh / 2));
    failure.retryIn = delay;
    if (this.active) this.schedule(entry, delay);
    this.server.emit('OCSPStapleError', failure);
  }

  // Checks the response against the certificate and staples it on every context serving it.
  install(entry, response) {
    let check;
    for (const context of entry.contexts) {
      check = context.setOCSPStaple(response);
      if (check.error) return check;
    }
    entry.response = response;
    entry.nextUpdate = check.nextUpdate ?? null;
    return check;
  }
}

function revocation(check) {
  return {
    revocationTime: check.revocationTime == null ? null : new Date(check.revocationTime),
    revocationReason: check.revocationReason ?? null,
  };
}

// Half-way to nextUpdate (OCSP responses are refreshed well before they run out).
function refreshDelay(nextUpdate) {
  if (nextUpdate == null) return REFRESH_WITHOUT_NEXT_UPDATE;
  return Math.min(Math.max((nextUpdate - Date.now()) / 2, 1000), LONGEST_REFRESH);
}

// POSTs a DER OCSP request to an http: responder (RFC 6960 appendix A); resolves to the body of
// a 200 answer, whole within `timeout` ms. `onRequest` gets the ClientRequest, to abort it.
function post(url, body, timeout, onRequest) {
  let deadline;
  return new Promise((resolve, reject) => {
    let target;
    try {
      target = new URL(url);
    } catch {
      return reject(tlsRsError('ERR_TLS_RS_OCSP_RESPONDER', `OCSP stapling: the responder URL ${url} is not a URL`));
    }
    if (target.protocol !== 'http:') {
      return reject(tlsRsError('ERR_TLS_RS_OCSP_RESPONDER', `OCSP stapling: the responder ${url} is not an http: URL`));
    }
    const req = http.request(target, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(tlsRsError('ERR_TLS_RS_OCSP_RESPONDER', `OCSP stapling: the responder ${url} answered HTTP ${res.statusCode}`));
      }
      const chunks = [];
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(tlsRsError('ERR_TLS_RS_OCSP_RESPONDER', `OCSP stapling: the answer of ${url} is too large`));
        } else {
          chunks.push(chunk);
        }
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    onRequest(req);
    // The server's listening handle keeps the process alive, not the stapler.
    req.on('socket', (socket) => socket.unref());
    // For the whole answer, not an idle socket: a responder that trickles its answer is down too.
    deadline = setTimeout(() => req.destroy(tlsRsError('ERR_TLS_RS_OCSP_RESPONDER',
      `OCSP stapling: no answer from the responder ${url} within ${timeout} ms`)), timeout);
    deadline.unref();
    req.on('error', reject);
    req.end(body);
  }).finally(() => clearTimeout(deadline));
}

/** Server constructor: starts OCSP stapling when `options.ocspStapling` asks for it. */
function initOCSPStapling(server, options) {
  const value = options.ocspStapling;
  if (value === undefined || value === false) return;
  server[kStapler] = new Stapler(server, validateStaplingOptions(value));
  server[kStapler].sync();
}

/** After setSecureContext / addContext: staple for the contexts the server serves now. */
function syncOCSPStapling(server) {
  server[kStapler]?.sync();
}

/** tls.connect: validates `checkOCSP` (true, false or 'require'); whether to request a staple. */
function wantsOCSPCheck(options) {
  const mode = options.checkOCSP;
  if (mode === undefined || mode === false) return false;
  if (mode !== true && mode !== 'require') {
    throw new ERR_INVALID_ARG_VALUE('options.checkOCSP', mode, "must be true, false or 'require'");
  }
  return true;
}

/**
 * A client's check of the staple once the handshake is done: the error to destroy the socket
 * with, or null. A resumed session is not checked (no certificate, so no staple, is sent).
 */
function checkOCSPStaple(socket, mode) {
  if (!mode || socket.isSessionReused()) return null;
  const check = socket[kSession].checkOCSPStaple();
  if (check === null) {
    return mode === 'require' ?
      tlsRsError('ERR_TLS_RS_OCSP_MISSING', 'The server stapled no OCSP response (checkOCSP: \'require\')') : null;
  }
  if (check.error) return tlsRsError('ERR_TLS_RS_OCSP_INVALID', `The server's stapled OCSP response is not usable: ${check.error}`);
  if (check.status === 'revoked') {
    return tlsRsError('ERR_TLS_RS_OCSP_REVOKED', 'The server\'s certificate is revoked (stapled OCSP response)', revocation(check));
  }
  if (check.status !== 'good') {
    return tlsRsError('ERR_TLS_RS_OCSP_INVALID', 'The server\'s stapled OCSP response does not know its certificate (status unknown)');
  }
  return null;
}

module.exports = { initOCSPStapling, syncOCSPStapling, wantsOCSPCheck, checkOCSPStaple };
