'use strict';
// Shared by the benchmark's processes (run.js, and the forked server.js / client.js /
// context.js): loading an implementation, the TLS options both implementations get, the
// per-process counters and the IPC protocol.
//
// IPC: the parent sends { type: 'init', ... } first; every later request carries an `id` and the
// child answers { type: 'reply', id, ... }. Unsolicited child messages: 'ready', 'running',
// 'unsupported', 'fatal'.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** 'builtin' → Node's tls, 'tls-rs' → this repository (lib/tls.js over build/tls_rs.node). */
function loadImpl(name) {
  if (name === 'builtin') return require('node:tls');
  if (name === 'tls-rs') return require(ROOT);
  throw new Error(`unknown implementation ${name}`);
}

// TLS 1.3 suites and the TLS 1.2 suites per cipher family, as `ciphers` strings: one suite
// allowed on both ends, so both implementations negotiate the same thing.
const CIPHERS = {
  'AES-128-GCM': { tls13: 'TLS_AES_128_GCM_SHA256', ecdsa12: 'ECDHE-ECDSA-AES128-GCM-SHA256', rsa12: 'ECDHE-RSA-AES128-GCM-SHA256' },
  'AES-256-GCM': { tls13: 'TLS_AES_256_GCM_SHA384', ecdsa12: 'ECDHE-ECDSA-AES256-GCM-SHA384', rsa12: 'ECDHE-RSA-AES256-GCM-SHA384' },
  'ChaCha20-Poly1305': { tls13: 'TLS_CHACHA20_POLY1305_SHA256', ecdsa12: 'ECDHE-ECDSA-CHACHA20-POLY1305', rsa12: 'ECDHE-RSA-CHACHA20-POLY1305' },
};

// Key exchange and signature algorithms are pinned on both ends: tls-rs's OpenSSL 3.6 would
// otherwise offer X25519MLKEM768 first, and the two OpenSSLs' default sigalg orders differ.
// X25519 is what gets negotiated (run.js checks); P-256 is listed second only because TLS 1.2
// requires the ECDSA certificate's curve among the client's groups ("no shared cipher" otherwise).
const ECDH_CURVE = 'X25519:P-256';
const SIGALGS = 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256';

/**
 * The options a workload's contexts are built from (both ends, both implementations).
 * tls: { version: 'TLSv1.3' | 'TLSv1.2', cipher: key of CIPHERS, cert: 'ec' | 'rsa', groups?: 'default' }.
 */
function tlsOptions(tls) {
  const suites = CIPHERS[tls.cipher];
  const suite12 = tls.cert === 'rsa' ? suites.rsa12 : suites.ecdsa12;
  return {
    minVersion: tls.version,
    maxVersion: tls.version,
    ciphers: tls.version === 'TLSv1.3' ? suites.tls13 : suite12,
    // `groups: 'default'`: each implementation's own default groups (tls-rs: X25519MLKEM768 first).
    ...(tls.groups === 'default' ? {} : { ecdhCurve: ECDH_CURVE }),
    sigalgs: SIGALGS,
  };
}

// `openssl req` key arguments per certificate kind: ECDSA P-256, RSA-2048.
const KEY_ARGS = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-newkey', 'rsa:2048'],
};

/** A self-signed server certificate for localhost / 127.0.0.1 as PEM files in `dir`: { key, cert } paths. */
function makeCertificateFiles(dir, kind = 'ec') {
  const key = path.join(dir, `${kind}-key.pem`);
  const cert = path.join(dir, `${kind}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', ...KEY_ARGS[kind], '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  return { key, cert };
}

/** The same certificate as { key, cert } Buffers (for the in-process micro-benchmarks). */
function selfSignedCertificate(kind = 'ec') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-bench-'));
  try {
    const files = makeCertificateFiles(dir, kind);
    return { key: fs.readFileSync(files.key), cert: fs.readFileSync(files.cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Counters each benchmark process keeps; the parent reads two snapshots and subtracts. */
function newCounters() {
  return { handshakes: 0, resumed: 0, abandoned: 0, bytesIn: 0, bytesOut: 0, roundTrips: 0, errors: 0, open: 0 };
}

/**
 * A snapshot of `counters` and the process's CPU time; also the main (JS) thread's own CPU time
 * (Linux: /proc/<pid>/task/<pid>/schedstat, ns; null elsewhere) and, when `samples` holds
 * histograms (event-loop delay, probe round trips), their percentiles since the last snapshot
 * (each histogram is reset).
 */
function snapshot(counters, samples = {}) {
  const cpu = process.cpuUsage();
  const out = {
    counters: { ...counters },
    cpuUs: cpu.user + cpu.system,
    mainCpuUs: mainThreadCpuUs(),
    timeNs: process.hrtime.bigint().toString(),
    percentiles: {},
  };
  for (const [name, h] of Object.entries(samples)) {
    out.percentiles[name] = { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, count: h.count };
    h.reset();
  }
  return out;
}

/** CPU time of this process's main thread in µs, or null where /proc does not tell. */
function mainThreadCpuUs() {
  try {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8');
    return Number(stat.split(' ')[0]) / 1000;
  } catch {
    return null;
  }
}

/** RSS after garbage collection (the children run with --expose-gc). */
async function settledMemory() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  global.gc();
  return process.memoryUsage();
}

/**
 * Wires a child's message loop: `handlers[type](msg)` may return a value or a promise; its
 * result is sent back as { type: 'reply', id, result }. Errors end the process with 'fatal'.
 */
function serve(handlers) {
  const fatal = (err) => {
    try {
      process.send({ type: 'fatal', error: String(err && err.stack || err) }, () => process.exit(1));
    } catch {
      process.exit(1);
    }
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg) => {
    if (msg.type === 'exit') process.exit(0);
    const handler = handlers[msg.type];
    if (!handler) return fatal(new Error(`unknown message ${msg.type}`));
    Promise.resolve()
      .then(() => handler(msg))
      .then((result) => { if (msg.id !== undefined) process.send({ type: 'reply', id: msg.id, result }); })
      .catch(fatal);
  });
  return fatal;
}

// ---- native connections without sockets (the micro-benchmarks) ---------------------------

/** The ciphertext a native TlsConnection has waiting, as one Buffer. */
function takeCiphertext(connection) {
  const out = Buffer.allocUnsafe(connection.pendingCiphertext());
  connection.takeCiphertext(out);
  return out;
}

const recordLengths = new Uint32Array(64);
const cleartextScratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Feeds `ciphertext` to `connection` and reads every record it yields, taking events as
 * lib/socket.js does; returns the cleartext bytes read. Throws when the connection fails.
 */
function receive(connection, ciphertext) {
  const { Status, connectionReceive, connectionReadCleartext } = require('../lib/binding');
  let status = ciphertext.length ? connectionReceive(connection, ciphertext) : connection.status();
  let bytes = 0;
  for (;;) {
    while (status === Status.Events) {
      connection.takeEvents();
      status = connection.status();
    }
    if (status === Status.Failed) throw connection.takeError();
    if (!connection.handshakeDone) return bytes;
    let n = connectionReadCleartext(connection, cleartextScratch, 0, recordLengths);
    const more = n < 0;
    if (more) n = -n - 1;
    for (let i = 0; i < n; i++) bytes += recordLengths[i];
    if (!more) return bytes;
    status = connection.status();
    if (status === Status.PeerClosed) return bytes;
  }
}

/** Runs the handshake of two native connections in memory (both already configured). */
function connectionHandshake(client, server) {
  const { Status } = require('../lib/binding');
  let status = client.start();
  while (status === Status.Events) {
    client.takeEvents();
    status = client.status();
  }
  for (let i = 0; i < 10; i++) {
    const toServer = takeCiphertext(client);
    receive(server, toServer);
    const toClient = takeCiphertext(server);
    receive(client, toClient);
    if (client.handshakeDone && server.handshakeDone && !toServer.length && !toClient.length) return;
  }
  if (!client.handshakeDone || !server.handshakeDone) throw new Error('handshake did not complete');
}

/**
 * Writes `block` to `socket` as fast as it takes them, counting each in `counters.bytesOut`:
 * until write() says no (then again on 'drain'), or, with `burst`, that many writes and the rest
 * from an immediate. A tight loop of small writes on 'drain' never lets built-in tls's loop reach
 * its poll phase (its write completions run as native immediates, which it drains in one go), so
 * the parent's snapshot request would wait for ever. Starts writing now.
 */
function writeAsFastAsTaken(socket, block, counters, burst = Infinity) {
  const pump = () => {
    for (let i = 0; i < burst; i++) {
      if (socket.destroyed) return;
      counters.bytesOut += block.length;
      if (!socket.write(block)) return;
    }
    setImmediate(pump);
  };
  socket.on('drain', pump);
  pump();
}

module.exports = {
  ROOT, loadImpl, CIPHERS, ECDH_CURVE, SIGALGS, tlsOptions, makeCertificateFiles, selfSignedCertificate,
  newCounters, snapshot, settledMemory, serve, takeCiphertext, receive, connectionHandshake, writeAsFastAsTaken,
};
