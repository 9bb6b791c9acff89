'use strict';
// Child process for test/resource-safety.test.js (run with --expose-gc): cycles tls-rs
// connections and reports live native objects and RSS as JSON on stdout.
//
//   node --expose-gc test/helpers/churn.js <cycles> <aborts> [concurrency]
//
// A cycle is connect / handshake / exchange / close between a tls-rs client and a tls-rs server;
// an abort is a connection that dies mid-handshake (a raw ClientHello then a reset, or a client
// destroyed right after TCP connect).

const net = require('node:net');
const { fixture, once, listen, tlsRs, nodeTls } = require('./differential');
const { captureClientHello } = require('./wire');
const { liveObjects } = require('../../lib/binding');

const [cycles = 1000, aborts = 200, concurrency = 32] = process.argv.slice(2).map(Number);
const serverOptions = { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };

// Collected objects are finalized on later turns, announced by no event: a few GC rounds, each
// followed by an event-loop turn and a short timer (where finalizers run).
async function settleGc() {
  for (let i = 0; i < 6; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const mb = (n) => Math.round(n / 1048576 * 10) / 10;
const rssMb = () => mb(process.memoryUsage().rss);
const memory = () => ({ rssMb: rssMb(), heapUsedMb: mb(process.memoryUsage().heapUsed), externalMb: mb(process.memoryUsage().external) });

async function cycle(port, context) {
  const c = tlsRs.connect({ ...clientOptions, port, secureContext: context });
  await once(c, 'secureConnect');
  c.end('ping');
  c.resume();
  await once(c, 'close');
}

async function abort(port, hello, i) {
  if (i % 2 === 0) {
    // A raw ClientHello, then a reset before the handshake can finish.
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    await once(raw, 'connect');
    raw.write(hello);
    await once(raw, 'data');
    raw.resetAndDestroy();
    await once(raw, 'close');
  } else {
    const c = tlsRs.connect({ ...clientOptions, port });
    c.on('error', () => {});
    await once(c, 'connect');
    c.destroy();
    await once(c, 'close');
  }
}

async function inParallel(count, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}


async function main() {
  const report = {};
  const hello = await captureClientHello();
  await settleGc();
  report.start = { ...liveObjects(), ...memory() };

  // The echo can meet a client that already closed (ECONNRESET): Node 18's server does not take
  // its sockets' 'error' itself (lib/host-tls.js, tlsCallbackErrorsCaught), so this does.
  const server = tlsRs.createServer(serverOptions, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  // One shared client context, as an agent would use (a context per connection is also
  // exercised: half the cycles make their own).
  const shared = tlsRs.createSecureContext({ ca: clientOptions.ca });

  // Sessions are freed when sockets close, before any GC: 20 open connections (both ends done
  // with the handshake), then closed (both ends' 'close').
  const open = [];
  const serverSidesClosed = [];
  const serverSides = [];
  const serverSidesOpen = new Promise((resolve) => {
    const onSecure = (s) => {
      serverSides.push(s);
      serverSidesClosed.push(once(s, 'close'));
      if (serverSidesClosed.length < 20) return;
      server.removeListener('secureConnection', onSecure);
      resolve();
    };
    server.on('secureConnection', onSecure);
  });
  for (let i = 0; i < 20; i++) {
    const c = tlsRs.connect({ ...clientOptions, port });
    await once(c, 'secureConnect');
    open.push(c);
  }
  await serverSidesOpen;
  report.whileOpen = liveObjects();
  await Promise.all(open.map((c) => { c.destroy(); return once(c, 'close'); }));
  await Promise.all(serverSidesClosed);
  report.afterCloseBeforeGc = liveObjects();
  // Closed sockets a program still holds (both ends') hold no session handle.
  await settleGc();
  report.closedSocketsHeld = liveObjects();
  open.length = 0;
  serverSides.length = 0;

  // Warm-up, so the measured RSS excludes one-time allocations (code, caches, pools).
  await inParallel(200, (i) => cycle(port, i % 2 ? shared : undefined));
  await settleGc();
  report.afterWarmup = { ...liveObjects(), ...memory() };

  // Two equal rounds: a leak grows RSS in both, allocator high-water marks only in the first.
  const t0 = Date.now();
  const half = Math.floor(cycles / 2);
  await inParallel(half, (i) => cycle(port, i % 2 ? shared : undefined));
  await settleGc();
  report.afterFirstHalf = { ...liveObjects(), ...memory() };
  await inParallel(cycles - half, (i) => cycle(port, i % 2 ? shared : undefined));
  report.cycles = { count: cycles, ms: Date.now() - t0 };
  report.afterCyclesBeforeGc = liveObjects();
  await settleGc();
  report.afterSecondHalf = { ...liveObjects(), ...memory() };
  const t1 = Date.now();
  await inParallel(aborts, (i) => abort(port, hello, i));
  report.aborts = { count: aborts, ms: Date.now() - t1 };

  // Finalizers as a safety net: sessions never destroyed are freed by GC.
  const { SecureContext, TlsConnection } = require('../../lib/binding');
  (() => {
    const ctx = new SecureContext();
    for (let i = 0; i < 100; i++) new TlsConnection(ctx, i % 2 === 0); // eslint-disable-line no-new
  })();
  report.abandoned = liveObjects();

  server.close();
  await once(server, 'close');
  await settleGc();
  report.end = { ...liveObjects(), ...memory() };
  process.stdout.write(JSON.stringify(report));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
