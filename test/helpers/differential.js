'use strict';
// Differential testing: run one scenario against Node's built-in tls and against tls-rs,
// record what user code can observe, and compare the two records.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const nodeTls = require('node:tls');
const tlsRs = require('../..');

const certDir = path.join(__dirname, '..', 'fixtures', 'certs');
const fixture = (name) => fs.readFileSync(path.join(certDir, name));

// The events user code sees on sockets; stream-internal ones ('readable', 'resume', ...) are
// left out because they depend on how the test consumes data, not on TLS.
const SOCKET_EVENTS = new Set(['lookup', 'connect', 'ready', 'secureConnect', 'session', 'OCSPResponse',
  'data', 'end', 'finish', 'timeout', 'error', 'close']);
const SERVER_EVENTS = new Set(['connection', 'secureConnection', 'tlsClientError', 'newSession',
  'resumeSession', 'OCSPRequest', 'keylog', 'close', 'error']);

// An OpenSSL error line: "<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:<data>",
// possibly after a system error's "write EPROTO ". The function, file and line name OpenSSL's
// sources, which differ between Node's bundled OpenSSL 3.0 and tls-rs's 4.0; everything else
// must match.
const OPENSSL_LINE = /^((?:\w+ E[A-Z]+ )?[0-9A-F]+):error:([0-9A-F]{8}):([^:]*):[^:]*:(.*):[^:]*:\d+:(.*)$/gm;

// Where the two OpenSSLs queue different entries for the same failure, the comparison holds only
// where they agree (README, Node versions): for a certificate whose signature does not verify,
// OpenSSL 3.6 follows "provider signature failure" with an ASN1 "EVP lib" entry that 3.5 (Node
// 22/24) does not queue (3.0's words are tls-rs's own, src/error.rs).
const [hostMajor, hostMinor] = process.versions.openssl.split('.').map(Number);
const HOST_OPENSSL_3_2_TO_3_5 = hostMajor === 3 && hostMinor >= 2 && hostMinor <= 5;
const EVP_LIB_AFTER_SIGNATURE_FAILURE =
  /(:provider signature failure:[^\n]*\n)[0-9A-F]+:error:[0-9A-F]{8}:asn1 encoding routines:<function>:EVP lib:<file>:<line>:\n/g;

/** Text as a test compares it: OpenSSL source locations and ephemeral ports masked. */
function normalizeText(text) {
  const masked = text
    .replace(OPENSSL_LINE, '$1:error:$2:$3:<function>:$4:<file>:<line>:$5')
    .replace(/(127\.0\.0\.1|localhost|::1):\d+/g, '$1:<port>');
  return HOST_OPENSSL_3_2_TO_3_5 ? masked.replace(EVP_LIB_AFTER_SIGNATURE_FAILURE, '$1') : masked;
}

/** Describes an error the way a test compares it: class, code, message and extra fields. */
function describeError(err, { message = true } = {}) {
  if (!err) return err;
  const out = { name: err.name, code: err.code };
  if (message) out.message = normalizeText(String(err.message));
  for (const key of ['library', 'reason', 'host', 'port', 'syscall', 'errno', 'address']) {
    if (!(key in err)) continue;
    const v = err[key];
    out[key] = key === 'port' && typeof v === 'number' ? '<port>' : typeof v === 'object' ? String(v) : v;
  }
  return out;
}

/**
 * getPeerCertificate(true) as plain data: the chain flattened to an array (issuerCertificate
 * links become indexes), Buffers as hex, null prototypes and key order made visible.
 */
function describeCertificate(cert) {
  if (cert === null || cert === undefined) return cert;
  const chain = [];
  const seen = new Map();
  let node = cert;
  while (node && !seen.has(node)) {
    seen.set(node, chain.length);
    chain.push(node);
    node = node.issuerCertificate;
  }
  return chain.map((c) => {
    const out = { keys: Object.keys(c) };
    for (const key of Object.keys(c)) {
      const v = c[key];
      if (key === 'issuerCertificate') out[key] = v ? `#${seen.get(v)}` : v;
      else if (Buffer.isBuffer(v)) out[key] = `buffer:${v.toString('hex')}`;
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        out[key] = { proto: Object.getPrototypeOf(v) === null ? 'null' : 'object', ...v };
      } else out[key] = v;
    }
    return out;
  });
}

/**
 * A recorder keeps one ordered log per label ('client', 'server', ...), because the relative
 * order of events on two ends of a connection depends on scheduling, not on the implementation.
 */
function recorder() {
  const logs = {};
  const push = (label, entry) => { (logs[label] ??= []).push(entry); };
  // Every socket the scenario watched, or a watched server accepted, with its 'close'.
  const closes = new Map();
  const track = (socket) => {
    if (!closes.has(socket)) closes.set(socket, socket.closed ? Promise.resolve() : once(socket, 'close'));
  };
  return {
    logs,
    /**
     * Resolves once every socket the scenario watched, or a watched server accepted, has emitted
     * 'close' (sockets accepted meanwhile included); rejects if some are still open after `ms`.
     */
    async allClosed(ms) {
      let timer;
      try {
        for (let known = -1; known !== closes.size;) {
          known = closes.size;
          const bound = new Promise((resolve) => { timer = setTimeout(resolve, ms, 'timeout'); });
          if (await Promise.race([Promise.all(closes.values()), bound]) === 'timeout') {
            const open = [...closes.keys()].filter((s) => !s.closed).length;
            throw new Error(`${open} watched socket(s) still open ${ms} ms after the scenario ended`);
          }
          clearTimeout(timer);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    add(label, ...entry) { push(label, entry.length === 1 ? entry[0] : entry); },
    // Watching declares the label: a watched emitter that emits none of `events` leaves an empty
    // log, which differential() reports (a socket or server with no event at all is a broken
    // scenario, or an implementation that emits nothing).
    watch(emitter, label, events) {
      logs[label] ??= [];
      if (emitter instanceof net.Socket) track(emitter);
      if (emitter instanceof net.Server) {
        emitter.on('connection', track);
        emitter.on('secureConnection', track);
      }
      const emit = emitter.emit;
      emitter.emit = function(event, ...args) {
        if (events.has(event)) {
          if (event === 'error' || event === 'tlsClientError') push(label, [event, describeError(args[0])]);
          else if (event === 'close') push(label, [event, args[0]]);
          else if (event === 'data') push(label, [event, String(args[0])]);
          else push(label, event);
        }
        return emit.apply(this, [event, ...args]);
      };
    },
  };
}

/**
 * Runs `scenario({ tls, serverTls, clientTls, rec, fixture })` for two configurations and asserts
 * the records are equal. `side` says which end is the implementation under test: 'client',
 * 'server' or 'both' (the other end is always Node's built-in tls, except for 'both').
 * `difference`, for a difference the README lists, maps built-in tls's record (a copy) to the
 * one tls-rs must make. `uncaught`: uncaught exceptions during a run are recorded (label
 * 'uncaught') instead of failing the test, for scenarios where the running Node's built-in tls
 * throws one (Node 18: errors thrown in handshake callbacks).
 */
async function differential(scenario, { side = 'both', timeout = 10000, difference, uncaught = false } = {}) {
  const run = async (impl) => {
    const rec = recorder();
    const clientTls = side === 'server' ? nodeTls : impl;
    const serverTls = side === 'client' ? nodeTls : impl;
    let timer;
    const stopRecordingUncaught = uncaught ? recordUncaught(rec) : () => {};
    try {
      await Promise.race([
        scenario({ clientTls, serverTls, rec, fixture }).then(() => settle(rec)),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('scenario timed out')), timeout); }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      stopRecordingUncaught();
    }
    return rec.logs;
  };
  const expected = await run(nodeTls);
  assertRecorded(expected, 'node:tls');
  const actual = await run(tlsRs);
  if (process.env.DIFF_VERBOSE) printDifferences(actual, difference ? difference(structuredClone(expected)) : expected);
  assertRecorded(actual, 'tls-rs');
  assert.deepStrictEqual(actual, difference ? difference(structuredClone(expected)) : expected);
  return expected;
}

// Takes the process's uncaught exceptions from the test runner's handler into rec's 'uncaught'
// log, until the returned function is called.
function recordUncaught(rec) {
  const runners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const onUncaught = (err) => rec.add('uncaught', describeError(err));
  process.on('uncaughtException', onUncaught);
  return () => {
    process.removeListener('uncaughtException', onUncaught);
    for (const listener of runners) process.on('uncaughtException', listener);
  };
}

// Two empty records are equal, and so are two records that both lack what the scenario is
// about: a run must record something, and every label it watched must have at least one entry.
function assertRecorded(logs, impl) {
  const labels = Object.keys(logs);
  assert.ok(labels.length > 0, `the scenario recorded nothing with ${impl}`);
  const empty = labels.filter((label) => logs[label].length === 0);
  assert.deepStrictEqual(empty, [], `with ${impl}, nothing was recorded for: ${empty.join(', ')}`);
}

// DIFF_VERBOSE=1: one line per differing entry (or field of an entry), for debugging.
function printDifferences(actual, expected) {
  const { isDeepStrictEqual } = require('node:util');
  const show = (v) => JSON.stringify(v)?.slice(0, 700);
  for (const label of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    const a = actual[label] || [];
    const e = expected[label] || [];
    for (let i = 0; i < Math.max(a.length, e.length); i++) {
      if (isDeepStrictEqual(a[i], e[i])) continue;
      const fields = Array.isArray(a[i]) && Array.isArray(e[i]) && a[i][1] && typeof a[i][1] === 'object' &&
        e[i][1] && typeof e[i][1] === 'object' ? new Set([...Object.keys(a[i][1]), ...Object.keys(e[i][1])]) : null;
      if (fields) {
        for (const k of fields) {
          if (!isDeepStrictEqual(a[i][1][k], e[i][1][k])) {
            console.log(`${label}[${i}] ${a[i][0]}.${k}\n  tls-rs: ${show(a[i][1][k])}\n  node:   ${show(e[i][1][k])}`);
          }
        }
      } else {
        console.log(`${label}[${i}]\n  tls-rs: ${show(a[i])}\n  node:   ${show(e[i])}`);
      }
    }
  }
}

// Events can trail the scenario's last await: a server socket's 'close' handler reports
// 'tlsClientError' after the server's 'close', a TLS socket closes after the TCP connection the
// server counted. So the record is taken once every socket the scenario watched, or a watched
// server accepted, has closed (an event, not a quiet period: a quiet period that is too short on
// a loaded machine loses such events), plus one event-loop turn for what 'close' listeners
// schedule (nextTick, setImmediate). Events on sockets the scenario did not watch are the
// scenario's to await.
async function settle(rec) {
  await rec.allClosed(5000);
  await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once `emitter` emitted `event` (first argument). */
function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, resolve));
}

/** Listens on an ephemeral port and resolves with it. */
function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

module.exports = { differential, describeError, normalizeText, describeCertificate, recorder, recordUncaught, fixture, once, listen,
  SOCKET_EVENTS, SERVER_EVENTS, nodeTls, tlsRs };
