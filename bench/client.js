'use strict';
// The client process of a network workload (forked by run.js): connects to 127.0.0.1:port with
// the implementation it is told and drives the workload's mode, counting.
//
// modes: send (64 KiB writes on one connection), recv (count bytes the server sends),
//        echo (ping-pong of one message on each of `connections` connections),
//        handshake (full — or, with `resume`, resumed — handshakes, `concurrency` in flight or
//        `rate` started per second;
//        with `abandon`, the client trusts another CA and refuses the server's certificate, so
//        the server's handshake never completes),
//        idle (on request: open `n` connections and hold them; for the memory workload).
// With spec.overSocket, each connection is TLS over a net.Socket connected first (STARTTLS).
//
// Clients share one SecureContext built once, so the per-connection cost measured is the
// handshake's, not createSecureContext's (that has its own workload) — except with
// `contextOptions`, where each connect() gets no context, only options: 'none' (as
// https.get(url) connects; X25519 from tls.DEFAULT_ECDH_CURVE, the self-signed certificate not
// verified) or 'ca' (the `ca` and TLS options the shared context is otherwise built from, as a
// database driver passes them). Built-in tls then builds a context per connection; tls-rs shares
// one among equal options.

const fs = require('node:fs');
const net = require('node:net');
const { loadImpl, tlsOptions, newCounters, snapshot, settledMemory, serve, writeAsFastAsTaken, ECDH_CURVE } = require('./common');

const { createHistogram } = require('node:perf_hooks');

const counters = newCounters();
const samples = {};
let tls;
let trust; // what connect() gets to verify the server with
let port;
let overSocket = false; // spec.overSocket: TLS over a net.Socket the client connected first
let running = false;
const held = [];

serve({
  init(msg) {
    tls = loadImpl(msg.impl);
    port = msg.port;
    overSocket = !!msg.spec.overSocket;
    // (An abandoning client trusts the other certificate's issuer, not the server's.)
    const trusted = msg.spec.abandon ? Object.keys(msg.certs).find((c) => c !== msg.spec.tls.cert) : msg.spec.tls.cert;
    const options = { ca: fs.readFileSync(msg.certs[trusted].cert), ...tlsOptions(msg.spec.tls) };
    if (msg.spec.contextOptions === 'none') {
      tls.DEFAULT_ECDH_CURVE = ECDH_CURVE;
      trust = { rejectUnauthorized: false };
    } else if (msg.spec.contextOptions === 'ca') {
      trust = options;
    } else {
      trust = { secureContext: tls.createSecureContext(options) };
    }
    start(msg.spec);
    return {};
  },
  snap() {
    return snapshot(counters, samples);
  },
  memory() {
    return settledMemory();
  },
  warm() {
    return openMany(20, 20).then(closeAll);
  },
  open({ n, concurrency }) {
    return openMany(n, concurrency);
  },
});

function connect(extra) {
  if (overSocket) {
    // As a database driver upgrades its connection (pg, mysql2): TLS over a net.Socket it made.
    const raw = net.connect({ host: '127.0.0.1', port, noDelay: true });
    return tls.connect({ socket: raw, servername: 'localhost', ...trust, ...extra });
  }
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...trust, ...extra });
  socket.setNoDelay(true);
  return socket;
}

/** Tells the parent the workload is under way, with what the first connection negotiated. */
function markRunning(socket) {
  if (running) return;
  running = true;
  const key = socket.getEphemeralKeyInfo() || {};
  process.send({
    type: 'running',
    negotiated: {
      protocol: socket.getProtocol(),
      cipher: socket.getCipher() && socket.getCipher().standardName,
      group: key.name || key.type || null,
      authorized: socket.authorized,
      reused: socket.isSessionReused(),
    },
  });
}

function unsupported(reason) {
  process.send({ type: 'unsupported', reason });
}

function start(spec) {
  switch (spec.mode) {
    case 'send': return send(spec);
    case 'recv': return recv();
    case 'echo': return echo(spec);
    case 'handshake':
      if (spec.probe) probe();
      return spec.resume ? resumeLoop(spec) : handshakeLoop(spec, null);
    case 'idle': return undefined;
    default: throw new Error(`unknown client mode ${spec.mode}`);
  }
}

function send(spec) {
  const block = Buffer.alloc(spec.writeSize, 0x62);
  const socket = connect();
  socket.on('error', (err) => { throw err; });
  socket.on('secureConnect', () => {
    markRunning(socket);
    writeAsFastAsTaken(socket, block, counters, spec.burst);
  });
  socket.resume();
}

function recv() {
  const socket = connect();
  socket.on('error', (err) => { throw err; });
  socket.on('data', (chunk) => {
    counters.bytesIn += chunk.length;
    markRunning(socket);
  });
}

function echo(spec) {
  const message = Buffer.alloc(spec.messageSize, 0x63);
  let connected = 0;
  for (let i = 0; i < spec.connections; i++) {
    const socket = connect();
    let pending = 0;
    socket.on('error', (err) => { throw err; });
    socket.on('secureConnect', () => {
      socket.write(message);
      if (++connected === spec.connections) markRunning(socket);
    });
    socket.on('data', (chunk) => {
      counters.bytesIn += chunk.length;
      pending += chunk.length;
      while (pending >= message.length) {
        pending -= message.length;
        counters.roundTrips++;
        socket.write(message);
      }
    });
  }
}

/**
 * The probe: one established connection that sends one byte every 10 ms (a timer-driven
 * request) while the handshakes run; the server echoes it and the round trip is recorded.
 */
function probe() {
  samples.probe = createHistogram();
  const socket = connect();
  let sentAt = null;
  socket.on('error', (err) => { throw err; });
  socket.on('secureConnect', () => {
    setInterval(() => {
      if (sentAt !== null) return; // the last one has not come back yet
      sentAt = process.hrtime.bigint();
      socket.write('p');
    }, 10).unref();
  });
  socket.on('data', () => {
    if (sentAt === null) return;
    samples.probe.record(Number(process.hrtime.bigint() - sentAt) || 1);
    sentAt = null;
  });
}

/**
 * Keeps `concurrency` handshakes in flight: each connection that completes its handshake is
 * counted and closed gracefully (end(): close_notify + FIN; the server answers in kind) and a new
 * one starts at once. With `session`, connections offer it and count whether it was resumed.
 * With `rate`, connections start on a schedule instead (`rate` per second, however many are in
 * flight), so both implementations' servers get the same load.
 */
function handshakeLoop(spec, initialSession) {
  let session = initialSession;
  const one = () => {
    let socket;
    try {
      socket = connect(session ? { session } : undefined);
    } catch (err) {
      if (err.code === 'ERR_TLS_RS_UNSUPPORTED') return unsupported(`sessions not implemented (${err.code})`);
      throw err;
    }
    let done = false;
    const next = () => {
      if (done) return;
      done = true;
      if (!spec.rate) one();
    };
    if (session) socket.on('session', (s) => { session = s; });
    socket.on('secureConnect', () => {
      counters.handshakes++;
      if (socket.isSessionReused()) counters.resumed++;
      markRunning(socket);
      socket.end();
      next();
    });
    socket.on('error', (err) => {
      if (spec.abandon && /CERT|SIGNATURE|ISSUER/.test(err.code)) {
        counters.abandoned++;
        markRunning(socket);
      } else {
        counters.errors++;
        if (!running && counters.errors >= 5) throw new Error(`handshakes fail: ${err.message}`);
      }
      next();
    });
    socket.on('close', next);
    socket.resume();
  };
  if (spec.rate) {
    // A 1 ms timer starts the connections the schedule owes by now (timers can fire late).
    const startedAt = process.hrtime.bigint();
    let started = 0;
    setInterval(() => {
      const owed = Math.floor((Number(process.hrtime.bigint() - startedAt) / 1e9) * spec.rate);
      for (; started < owed; started++) one();
    }, 1);
    return;
  }
  for (let i = 0; i < spec.concurrency; i++) one();
}

/**
 * Resumed handshakes: one full handshake to get a session (TLS 1.3 tickets arrive after it),
 * then the loop offers it. An implementation without sessions is reported, never measured.
 */
function resumeLoop(spec) {
  let session = null;
  const socket = connect();
  socket.on('session', (s) => { session = s; });
  socket.on('error', (err) => { throw err; });
  socket.on('secureConnect', () => setTimeout(() => socket.end(), 200));
  socket.on('close', () => {
    if (!session) return unsupported('sessions not implemented (no \'session\' event)');
    handshakeLoop(spec, session);
    return undefined;
  });
  socket.resume();
}

/** Opens `n` connections, `concurrency` handshakes at a time, and holds them. */
function openMany(n, concurrency) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let secure = 0;
    const one = () => {
      if (started >= n) return;
      started++;
      const socket = connect();
      held.push(socket);
      socket.on('error', (err) => {
        counters.errors++;
        reject(err);
      });
      socket.on('secureConnect', () => {
        counters.handshakes++;
        counters.open++;
        markRunning(socket);
        if (++secure === n) setTimeout(() => resolve({ opened: secure, errors: counters.errors }), 500);
        one();
      });
      socket.on('data', (chunk) => { counters.bytesIn += chunk.length; });
    };
    for (let i = 0; i < concurrency; i++) one();
  });
}

function closeAll() {
  const sockets = held.splice(0);
  return Promise.all(sockets.map((socket) => new Promise((resolve) => {
    socket.once('close', resolve);
    socket.end();
    counters.open--;
  }))).then(() => new Promise((resolve) => setTimeout(resolve, 200))).then(() => ({}));
}
