'use strict';
// Micro-benchmark: where a server's CPU per handshake goes, by taking layers away. The server
// (this process, pinned to CPU 0) accepts TLS 1.3 handshakes from a client process (CPU 1) that
// keeps CONCURRENCY of them in flight and closes each gracefully once it is secure, as the bench's
// handshake workloads do; reported is the server's process.cpuUsage() per handshake over a window.
//
//   node bench/micro/server-floor.js [--full] [--concurrency N] [--ms N] [mode ...]
//
// modes (default: all; more than one: each in a fresh process, all of them twice):
//   builtin  Node's tls.Server
//   tls-rs   tls-rs's tls.Server (TLSSocket over the accepted net.Socket)
//   engine   tls-rs's engine (TlsConnection) driven directly over the accepted net.Socket: no
//            TLSSocket, no events — what the TLSSocket layer costs is tls-rs minus this
//   plain    no TLS: the same exchange (client flight, server flight, client flight + FIN,
//            server flight + FIN) over net sockets — the floor of net.Socket and the kernel
// Without --full the client offers a ticket (resumed handshakes). The engine alone is
// bench/micro/engine-handshake.js. TLS_RS_ROOT=DIR runs another tls-rs checkout (its lib/ and
// build/) in the tls-rs and engine modes, to compare two versions in one run.

const { fork, execFileSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { tlsOptions, selfSignedCertificate } = require('../common');

const OPTIONS = tlsOptions({ version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' });
const MODES = ['builtin', 'tls-rs', 'engine', 'plain'];
const ROOT = process.env.TLS_RS_ROOT ? path.resolve(process.env.TLS_RS_ROOT) : path.join(__dirname, '..', '..');

function parseArgs(argv) {
  const args = { full: false, concurrency: 32, ms: 2000, modes: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--full') args.full = true;
    else if (argv[i] === '--concurrency') args.concurrency = Number(argv[++i]);
    else if (argv[i] === '--ms') args.ms = Number(argv[++i]);
    else if (MODES.includes(argv[i])) args.modes.push(argv[i]);
    else throw new Error(`unknown argument ${argv[i]} (modes: ${MODES.join(', ')})`);
  }
  if (args.modes.length === 0) args.modes = MODES;
  return args;
}

const tlsImpl = (mode) => (mode === 'builtin' ? require('node:tls') : require(ROOT));

// ---- client process ----------------------------------------------------------------------------

function client({ mode, port, full, concurrency, ca }) {
  const one = mode === 'plain' ? plainClient(port) : tlsClient(mode, port, full, ca);
  one.ready(() => { for (let i = 0; i < concurrency; i++) one.start(); });
}

function tlsClient(mode, port, full, ca) {
  const tls = tlsImpl(mode);
  const secureContext = tls.createSecureContext({ ca, ...OPTIONS });
  let session;
  const connect = () => tls.connect({ port, host: '127.0.0.1', servername: 'localhost', secureContext, session });
  return {
    ready(cb) {
      if (full) return cb();
      // One full handshake for a ticket (TLS 1.3 tickets arrive after it).
      const first = connect();
      first.on('session', (s) => { session = s; });
      first.on('secureConnect', () => setTimeout(() => first.end(), 100));
      first.on('close', cb);
      first.resume();
    },
    start() {
      const socket = connect();
      let done = false;
      const next = () => { if (!done) { done = true; this.start(); } };
      if (!full) socket.on('session', (s) => { session = s; });
      socket.on('secureConnect', () => { socket.end(); next(); });
      socket.on('error', next);
      socket.on('close', next);
      socket.resume();
    },
  };
}

function plainClient(port) {
  const hello = Buffer.alloc(517, 1);
  const finished = Buffer.alloc(80, 2);
  return {
    ready: (cb) => cb(),
    start() {
      const socket = net.connect(port, '127.0.0.1');
      let received = 0;
      let done = false;
      const next = () => { if (!done) { done = true; this.start(); } };
      socket.setNoDelay(true);
      socket.on('connect', () => socket.write(hello));
      socket.on('data', (chunk) => {
        received += chunk.length;
        if (!done && received >= 300) {
          socket.end(finished);
          next();
        }
      });
      socket.on('error', next);
      socket.on('close', next);
    },
  };
}

// ---- servers -------------------------------------------------------------------------------------

function tlsServer(mode, counters, key, cert) {
  const tls = tlsImpl(mode);
  const server = tls.createServer({ key, cert, ...OPTIONS }, (socket) => {
    counters.handshakes++;
    if (socket.isSessionReused()) counters.resumed++;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('data', () => {});
  });
  server.on('tlsClientError', () => {});
  return server;
}

// TlsConnection over the accepted socket: ciphertext in, ciphertext out, close_notify answered.
function engineServer(counters, key, cert) {
  const binding = require(path.join(ROOT, 'lib', 'binding'));
  const { Status, connectionReceive, connectionReadCleartext, connectionTakeCiphertext } = binding;
  const context = require(ROOT).createSecureContext({ key, cert, ...OPTIONS, sessionIdContext: 'floor' }).context;
  const out = Buffer.allocUnsafe(64 * 1024);
  const cleartext = Buffer.allocUnsafe(64 * 1024);
  const lengths = new Uint32Array(64);
  return net.createServer((socket) => {
    const connection = new binding.TlsConnection(context, true);
    let secure = false;
    let closed = false;
    socket.setNoDelay(true);
    const flush = () => {
      const n = connectionTakeCiphertext(connection, out, 0);
      if (n > 0) socket.write(Buffer.from(out.subarray(0, n)));
    };
    socket.on('data', (chunk) => {
      if (closed) return;
      let status = connectionReceive(connection, chunk);
      for (;;) {
        // Events are taken, as every TLSSocket takes them (Node's onhandshakestart & co.).
        while (status === Status.Events) {
          connection.takeEvents();
          status = connection.status();
        }
        if (status === Status.PeerClosed) {
          closed = true;
          connection.shutdown();
          flush();
          socket.end();
          return;
        }
        if (!connection.handshakeDone) break;
        if (!secure) {
          secure = true;
          counters.handshakes++;
          if (connection.isSessionReused()) counters.resumed++;
        }
        if (connectionReadCleartext(connection, cleartext, 0, lengths) >= 0) break;
        status = connection.status();
        if (status === Status.Ready) continue;
      }
      flush();
    });
    socket.on('error', () => {});
    socket.on('close', () => connection.destroy());
  });
}

function plainServer(counters) {
  return net.createServer((socket) => {
    let step = 0;
    socket.setNoDelay(true);
    socket.on('data', () => {
      if (step === 0) socket.write(Buffer.alloc(330, 3));
      else if (step === 1) {
        counters.handshakes++;
        socket.write(Buffer.alloc(280, 4));
      }
      step++;
    });
    socket.on('error', () => {});
  });
}

function measure(mode, args, certs) {
  return new Promise((resolve, reject) => {
    const counters = { handshakes: 0, resumed: 0 };
    const server = mode === 'engine' ? engineServer(counters, certs.key, certs.cert)
      : mode === 'plain' ? plainServer(counters) : tlsServer(mode, counters, certs.key, certs.cert);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => {
      const child = fork(__filename, ['--client'], { execArgv: [] });
      child.send({ mode, port: server.address().port, full: args.full, concurrency: args.concurrency, ca: certs.cert.toString() });
      child.on('error', reject);
      try { execFileSync('taskset', ['-p', '-c', '1', String(child.pid)], { stdio: 'ignore' }); } catch { /* no taskset */ }
      setTimeout(() => {
        const h0 = counters.handshakes;
        const r0 = counters.resumed;
        const cpu0 = process.cpuUsage();
        setTimeout(() => {
          const cpu = process.cpuUsage(cpu0);
          const n = counters.handshakes - h0;
          child.kill();
          server.close();
          resolve({ n, resumed: counters.resumed - r0, user: cpu.user / n, system: cpu.system / n });
        }, args.ms);
      }, 700);
    });
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.modes.length > 1) {
    // Each server in a fresh process (no JIT state or heap carried over), alternating twice.
    const flags = process.argv.slice(2).filter((a) => !MODES.includes(a));
    for (let round = 0; round < 2; round++) {
      for (const mode of args.modes) execFileSync(process.execPath, [__filename, ...flags, mode], { stdio: 'inherit' });
    }
    return;
  }
  try { execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }); } catch { /* no taskset */ }
  const certs = selfSignedCertificate('ec');
  const kind = args.full ? 'full' : 'resumed';
  for (const mode of args.modes) {
    const r = await measure(mode, args, certs);
    const what = mode === 'plain' ? 'exchanges' : `${kind} handshakes (${r.resumed} resumed)`;
    console.log(`${mode.padEnd(8)} ${String(r.n).padStart(6)} ${what}: server CPU ${(r.user + r.system).toFixed(0)} µs each ` +
                `(user ${r.user.toFixed(0)}, system ${r.system.toFixed(0)})`);
  }
  process.exit(0);
}

if (process.argv[2] === '--client') process.once('message', client);
else main();
