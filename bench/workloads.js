'use strict';
// The workloads of issue 6, as data. run.js runs each one against both implementations.
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

for (const cipher of ['AES-128-GCM', 'AES-256-GCM', 'ChaCha20-Poly1305']) {
  const tls = { version: 'TLSv1.3', cipher, cert: 'ec' };
  const id = cipher.toLowerCase().replace(/[^a-z0-9]+/g, '');
  workloads.push({
    id: `bulk-c2s-${id}`,
    group: 'bulk',
    title: `bulk client→server, ${cipher}`,
    kind: 'net',
    server: { mode: 'sink', tls },
    client: { mode: 'send', writeSize: WRITE_SIZE, tls },
    cost: { unit: 'MB', ops: (d) => d.server.counters.bytesIn / MB },
    metrics: [{ name: 'throughput', unit: 'MB/s', better: 'higher', target: 1.5, value: (d) => d.server.counters.bytesIn / MB / d.server.seconds }],
  });
  workloads.push({
    id: `bulk-s2c-${id}`,
    group: 'bulk',
    title: `bulk server→client, ${cipher}`,
    kind: 'net',
    server: { mode: 'source', writeSize: WRITE_SIZE, tls },
    client: { mode: 'recv', tls },
    cost: { unit: 'MB', ops: (d) => d.client.counters.bytesIn / MB },
    metrics: [{ name: 'throughput', unit: 'MB/s', better: 'higher', target: 1.5, value: (d) => d.client.counters.bytesIn / MB / d.client.seconds }],
  });
}

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
    metrics: [{ name: 'round trips/s', unit: '/s', better: 'higher', target: 1.7, value: (d) => d.client.counters.roundTrips / d.client.seconds }],
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

for (const cert of ['ec', 'rsa']) {
  for (const version of ['TLSv1.3', 'TLSv1.2']) {
    for (const concurrency of [1, 32]) {
      const tls = { version, cipher: 'AES-128-GCM', cert };
      const certName = cert === 'ec' ? 'ECDSA P-256' : 'RSA-2048';
      workloads.push({
        id: `handshake-${cert}-${version === 'TLSv1.3' ? '13' : '12'}-c${concurrency}`,
        group: 'handshake',
        title: `full handshake ${version} ${certName}, ${concurrency === 1 ? '1 at a time' : `${concurrency} in flight`}`,
        kind: 'net',
        server: { mode: 'handshake', tls },
        client: { mode: 'handshake', concurrency, tls },
        cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
        metrics: [
          { name: 'handshakes/s', unit: '/s', better: 'higher', target: concurrency > 1 ? 1.5 : null, value: (d) => d.client.counters.handshakes / d.client.seconds },
          { name: 'server CPU/handshake', unit: 'µs', better: 'lower', target: 0.5, value: serverCpuPerHandshake },
        ],
      });
    }
  }
}

{
  const tls = { version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' };
  workloads.push({
    id: 'resumed-ec-13-c32',
    group: 'handshake',
    title: 'resumed handshake TLSv1.3 (ticket) ECDSA P-256, 32 in flight',
    kind: 'net',
    server: { mode: 'handshake', tls },
    client: { mode: 'handshake', concurrency: 32, resume: true, tls },
    cost: { unit: 'handshake', ops: (d) => d.server.counters.handshakes },
    // A run counts only if the server saw (nearly) every handshake resumed.
    check: (d) => (d.server.counters.resumed >= 0.99 * d.server.counters.handshakes ? null
      : `only ${d.server.counters.resumed} of ${d.server.counters.handshakes} handshakes were resumed`),
    metrics: [
      { name: 'handshakes/s', unit: '/s', better: 'higher', target: null, value: (d) => d.client.counters.handshakes / d.client.seconds },
      { name: 'server CPU/handshake', unit: 'µs', better: 'lower', target: 0.4, value: serverCpuPerHandshake },
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
    { name: 'server RSS/connection', unit: 'KiB', better: 'lower', target: 0.35, value: (r) => r.serverKiB },
    { name: 'client RSS/connection', unit: 'KiB', better: 'lower', target: 0.35, value: (r) => r.clientKiB },
  ],
});

module.exports = { workloads, WRITE_SIZE, MESSAGE_SIZE };
