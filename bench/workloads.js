'use strict';
// The workloads (issues 6 and 14), as data. run.js runs each one against both implementations.
//
// kind 'net':     a server process and a client process (server.js / client.js); the parent
//                 takes counter snapshots in both around a measured window. `d` below is
//                 { server, client } deltas: { counters, cpuUs, seconds }.
// kind 'memory':  RSS per idle established connection, server and client process.
// kind 'context': createSecureContext in process (context.js).
//
// Each metric: name, unit, `better` ('higher' | 'lower'), the issue's `target` ratio (tls-rs /
// built-in; null where the issue sets none), `value(d)`. `cost` (net only) names the unit of
// work for the CPU-per-operation diagnostics.

const WRITE_SIZE = 64 * 1024;
const MESSAGE_SIZE = 1024;
const MB = 1e6;

const workloads = [];

// ---- bulk --------------------------------------------------------------------------------------

/**
 * One connection's transfer, client→server then server→client: the sender writes `writes`
 * ({ writeSize, burst }: client.js / server.js, writeAsFastAsTaken) as fast as the receiver takes
 * them; throughput is the cleartext the receiver counts. `id(direction)` and `title(arrow)` name
 * each ('c2s' / 'client→server', 's2c' / 'server→client').
 */
function transferWorkloads({ id, title, tls, writes, target }) {
  for (const [direction, arrow, sender, receiver] of [
    ['c2s', 'client→server', 'client', 'server'],
    ['s2c', 'server→client', 'server', 'client'],
  ]) {
    workloads.push({
      id: id(direction),
      group: 'bulk',
      title: title(arrow),
      kind: 'net',
      server: sender === 'server' ? { mode: 'source', ...writes, tls } : { mode: 'sink', tls },
      client: sender === 'client' ? { mode: 'send', ...writes, tls } : { mode: 'recv', tls },
      cost: { unit: 'MB', ops: (d) => d[receiver].counters.bytesIn / MB },
      metrics: [{ name: 'throughput', unit: 'MB/s', better: 'higher', target, value: (d) => d[receiver].counters.bytesIn / MB / d[receiver].seconds }],
    });
  }
}

for (const cipher of ['AES-128-GCM', 'AES-256-GCM', 'ChaCha20-Poly1305']) {
  const name = cipher.toLowerCase().replace(/[^a-z0-9]+/g, '');
  transferWorkloads({
    id: (direction) => `bulk-${direction}-${name}`,
    title: (arrow) => `bulk ${arrow}, ${cipher}`,
    tls: { version: 'TLSv1.3', cipher, cert: 'ec' },
    writes: { writeSize: WRITE_SIZE },
    target: 1.5,
  });
}

// Small writes: 64-byte chunks in bursts of 100 (6,400 bytes, under the default 16 KiB
// high-water mark), the next burst from an immediate, as protocol clients and servers write
// messages. Node's TLSWrap sends the first write of a burst and the rest together (_writev, one
// record).
transferWorkloads({
  id: (direction) => `small-writes-${direction}`,
  title: (arrow) => `small writes ${arrow}, 64 B each, AES-128-GCM`,
  tls: { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' },
  writes: { writeSize: 64, burst: 100 },
  target: null,
});

// ---- echo --------------------------------------------------------------------------------------

{
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
  workloads.push({
    id: 'echo-1',
    group: 'echo',
    title: 'echo 1 KiB, 1 connection',
    kind: 'net',
    server: { mode: 'echo', tls },
    client: { mode: 'echo', connections: 1, messageSize: MESSAGE_SIZE, tls },
    cost: { unit: 'round trip', ops: (d) => d.client.counters.roundTrips },
    metrics: [{ name: 'round trips/s', unit: '/s', better: 'higher', target: 1.3, value: (d) => d.client.counters.roundTrips / d.client.seconds }],
  });
  // The path STARTTLS users take (pg, mysql2, smtp-server): both ends wrap a net.Socket, which
  // keeps tls-rs on its memory-BIO path.
  workloads.push({
    id: 'echo-1-over-socket',
    group: 'echo',
    title: 'echo 1 KiB, 1 connection, TLS over a net.Socket (STARTTLS)',
    kind: 'net',
    server: { mode: 'echo', tls, overSocket: true },
    client: { mode: 'echo', connections: 1, messageSize: MESSAGE_SIZE, tls, overSocket: true },
    cost: { unit: 'round trip', ops: (d) => d.client.counters.roundTrips },
    metrics: [{ name: 'round trips/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.roundTrips / d.client.seconds }],
  });
  workloads.push({
    id: 'echo-50',
    group: 'echo',
    title: 'echo 1 KiB, 50 connections',
    kind: 'net',
    server: { mode: 'echo', tls },
    client: { mode: 'echo', connections: 50, messageSize: MESSAGE_SIZE, tls },
    cost: { unit: 'message', ops: (d) => d.client.counters.roundTrips },
    metrics: [{ name: 'messages/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.roundTrips / d.client.seconds }],
  });
}

// ---- handshakes --------------------------------------------------------------------------------

const serverCpuPerHandshake = (d) => d.server.cpuUs / d.server.counters.handshakes;
const serverMainCpuPerHandshake = (d) => (d.server.mainCpuUs === null ? null : d.server.mainCpuUs / d.server.counters.handshakes);
const percentile = (side, name, p) => (d) => d[side].percentiles[name]?.[p] ?? null;

// The 32-in-flight TLS 1.3 ECDSA rows also measure what the JS thread pays: its own CPU per
// handshake, the server's event-loop delay (monitorEventLoopDelay) and the round trip of a
// request the client sends every 10 ms on another connection to the same server.
const loadMetrics = [
  { name: 'server JS-thread CPU/handshake', unit: 'µs', better: 'lower', target: 0.3, value: serverMainCpuPerHandshake },
  { name: 'server event-loop delay p50', unit: 'ms', better: 'lower', target: null, value: percentile('server', 'eventLoop', 'p50') },
  { name: 'server event-loop delay p99', unit: 'ms', better: 'lower', target: 0.3, value: percentile('server', 'eventLoop', 'p99') },
  { name: 'probe request round trip p99', unit: 'ms', better: 'lower', target: null, value: percentile('client', 'probe', 'p99') },
];

for (const cert of ['ec', 'rsa']) {
  for (const version of ['TLSv1.3', 'TLSv1.2']) {
    for (const concurrency of [1, 32]) {
      // TLS 1.3 ECDSA also with each implementation's default groups (tls-rs: X25519MLKEM768).
      const groupsList = cert === 'ec' && version === 'TLSv1.3' ? ['X25519', 'default'] : ['X25519'];
      for (const groups of groupsList) {
        const tls = { version, cipher: 'AES-128-GCM', cert, ...(groups === 'default' ? { groups } : {}) };
        const certName = cert === 'ec' ? 'ECDSA P-256' : 'RSA-2048';
        const load = cert === 'ec' && version === 'TLSv1.3' && concurrency > 1;
        workloads.push({
          id: `handshake-${cert}-${version === 'TLSv1.3' ? '13' : '12'}-c${concurrency}${groups === 'default' ? '-default' : ''}`,
          group: 'handshake',
          title: `full handshake ${version} ${certName}, ${concurrency === 1 ? '1 at a time' : `${concurrency} in flight`}` +
            (groupsList.length > 1 ? (groups === 'default' ? ', default groups' : ', X25519') : ''),
          kind: 'net',
          groupsDiffer: groups === 'default',
          server: { mode: 'handshake', tls, eventLoop: load },
          client: { mode: 'handshake', concurrency, tls, probe: load },
          cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
          metrics: [
            { name: 'handshakes/s', unit: '/s', better: 'higher', target: concurrency > 1 ? 1.5 : null, value: (d) => d.client.counters.handshakes / d.client.seconds },
            { name: 'server CPU/handshake', unit: 'µs', better: 'lower', target: 0.6, value: serverCpuPerHandshake },
            ...(load ? loadMetrics : []),
          ],
        });
      }
    }
  }
}

// Clients that give connect() options instead of a context: none at all, as https.get(url)
// connects, or the `ca` and TLS options, as a database driver passes them. Built-in tls builds a
// context for every connection; tls-rs shares one among equal options
// (lib/shared-client-contexts.js). The client's CPU is the row to read; the server is the same
// as in the rows above.
for (const contextOptions of ['none', 'ca']) {
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
  workloads.push({
    id: `handshake-ec-13-c32-options-${contextOptions}`,
    group: 'handshake',
    title: `full handshake TLSv1.3 ECDSA P-256, 32 in flight, X25519, client connect() with ${contextOptions === 'none' ? 'no context options' : '`ca` and TLS options'}, no context`,
    kind: 'net',
    server: { mode: 'handshake', tls },
    client: { mode: 'handshake', concurrency: 32, tls, contextOptions },
    cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
    metrics: [
      { name: 'handshakes/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.handshakes / d.client.seconds },
      { name: 'client CPU/handshake', unit: 'µs', better: 'lower', target: null, value: (d) => d.client.cpuUs / d.client.counters.handshakes },
    ],
  });
}

// The same load on both servers: 32-in-flight handshakes let each client go as fast as its
// server answers (tls-rs's answers faster, so its server does more work per second). Here the
// client starts handshakes at a fixed rate both servers sustain, and the rows compare what that
// load costs the server's JS thread and event loop.
{
  const rate = 500;
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
  workloads.push({
    id: `handshake-ec-13-rate${rate}`,
    group: 'handshake',
    title: `full handshake TLSv1.3 ECDSA P-256, ${rate} started per second, X25519`,
    kind: 'net',
    server: { mode: 'handshake', tls, eventLoop: true },
    client: { mode: 'handshake', rate, tls, probe: true },
    cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
    metrics: [
      { name: 'handshakes/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.handshakes / d.client.seconds },
      { name: 'server CPU/handshake', unit: 'µs', better: 'lower', target: 0.6, value: serverCpuPerHandshake },
      ...loadMetrics,
    ],
  });
}

// The handshake pool's scaling: 32 in flight, both processes unpinned on all cores, tls-rs with
// no workers (every step on the JS thread), one, and one per core. (Built-in tls ignores the
// variable: its row is the same workload run again.)
{
  const cores = require('node:os').cpus().length;
  for (const threads of [...new Set([0, 1, cores])]) {
    const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
    workloads.push({
      id: `handshake-pool-${threads}`,
      group: 'handshake',
      title: `full handshake TLSv1.3 ECDSA P-256, 32 in flight, unpinned, ${threads === 0 ? 'no handshake workers' : `${threads} handshake worker${threads > 1 ? 's' : ''}`}`,
      kind: 'net',
      pin: false,
      env: { TLS_RS_HANDSHAKE_THREADS: String(threads) },
      server: { mode: 'handshake', tls },
      client: { mode: 'handshake', concurrency: 32, tls },
      cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
      metrics: [
        { name: 'handshakes/s', unit: '/s', better: 'higher', target: 1.5, value: (d) => d.client.counters.handshakes / d.client.seconds },
        { name: 'server JS-thread CPU/handshake', unit: 'µs', better: 'lower', target: 0.3, value: serverMainCpuPerHandshake },
      ],
    });
  }
}

// Handshakes that never complete (a flood of clients that go away after the server's flight):
// each client refuses the server's certificate, so it never sends its Finished. What the server
// pays per connection, and on its JS thread; with and without a 'tlsClientError' listener.
for (const listener of [false, true]) {
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
  const perAbandoned = (cpu) => (d) => (d.server[cpu] === null ? null : d.server[cpu] / d.client.counters.abandoned);
  workloads.push({
    id: `abandoned-ec-13-c32${listener ? '-listened' : ''}`,
    group: 'handshake',
    title: `abandoned handshake TLSv1.3 ECDSA P-256, 32 in flight, X25519, ${listener ? "a 'tlsClientError' listener" : "no 'tlsClientError' listener"}`,
    kind: 'net',
    server: { mode: 'handshake', tls, clientErrors: listener ? 'listen' : 'none' },
    client: { mode: 'handshake', concurrency: 32, abandon: true, tls },
    cost: { unit: 'abandoned handshake', ops: (d) => d.client.counters.abandoned },
    check: (d) => (d.server.counters.handshakes === 0 ? null : `${d.server.counters.handshakes} handshakes completed`),
    metrics: [
      { name: 'abandoned handshakes/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.abandoned / d.client.seconds },
      { name: 'server CPU/abandoned handshake', unit: 'µs', better: 'lower', target: null, value: perAbandoned('cpuUs') },
      { name: 'server JS-thread CPU/abandoned handshake', unit: 'µs', better: 'lower', target: null, value: perAbandoned('mainCpuUs') },
    ],
  });
}

for (const groups of ['X25519', 'default']) {
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec', ...(groups === 'default' ? { groups } : {}) };
  workloads.push({
    id: `resumed-ec-13-c32${groups === 'default' ? '-default' : ''}`,
    group: 'handshake',
    title: `resumed handshake TLSv1.3 (ticket) ECDSA P-256, 32 in flight, ${groups === 'default' ? 'default groups' : 'X25519'}`,
    kind: 'net',
    groupsDiffer: groups === 'default',
    server: { mode: 'handshake', tls },
    client: { mode: 'handshake', concurrency: 32, resume: true, tls },
    cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
    // A run counts only if the server saw (nearly) every handshake resumed.
    check: (d) => (d.server.counters.resumed >= 0.99 * d.server.counters.handshakes ? null
      : `only ${d.server.counters.resumed} of ${d.server.counters.handshakes} handshakes were resumed`),
    metrics: [
      { name: 'handshakes/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.handshakes / d.client.seconds },
      { name: 'server CPU/handshake', unit: 'µs', better: 'lower', target: 0.5, value: serverCpuPerHandshake },
    ],
  });
}

// ---- createSecureContext -------------------------------------------------------------------------

workloads.push({
  id: 'context',
  group: 'context',
  title: 'createSecureContext',
  kind: 'context',
  metrics: [
    { name: 'default CAs, first call in process', key: 'default-first', unit: 'µs', better: 'lower', target: 0.5 },
    { name: 'default CAs', key: 'default', unit: 'µs', better: 'lower', target: 0.5 },
    { name: '100-certificate ca list', key: 'ca100', unit: 'µs', better: 'lower', target: 0.5 },
    { name: 'key+cert ECDSA P-256', key: 'keycert-ec', unit: 'µs', better: 'lower', target: 0.5 },
    { name: 'key+cert RSA-2048', key: 'keycert-rsa', unit: 'µs', better: 'lower', target: 0.5 },
  ].map((m) => ({ ...m, value: (r) => r[m.key] })),
});

// ---- idle connections ------------------------------------------------------------------------------

workloads.push({
  id: 'idle-memory',
  group: 'memory',
  title: 'idle established connections',
  kind: 'memory',
  tls: { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' },
  metrics: [
    { name: 'server RSS/connection', unit: 'KiB', better: 'lower', target: 0.8, value: (r) => r.serverKiB },
    { name: 'client RSS/connection', unit: 'KiB', better: 'lower', target: 0.8, value: (r) => r.clientKiB },
  ],
});

module.exports = { workloads, WRITE_SIZE, MESSAGE_SIZE };
