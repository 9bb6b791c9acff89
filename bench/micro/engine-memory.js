'use strict';
// Micro-benchmark, no sockets: memory held by tls-rs's engine per established session (TLS 1.3,
// ECDSA P-256, X25519 — the idle-connection workload's options), server and client side
// separately: RSS after GC, before and after holding N handshaken TlsConnections of one side (the
// other side's sessions are destroyed as soon as the handshake is done). Separates what OpenSSL
// keeps per connection from what sockets and JS objects add. Each side is measured in a fresh
// process: a second measurement in the same process would reuse memory the first one freed.
//
//   node bench/micro/engine-memory.js [N]

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { tlsOptions, selfSignedCertificate, connectionHandshake } = require('../common');

const N = Number(process.argv[2] || 2000);
const side = process.argv[3];
if (!side) {
  const { execFileSync: run } = require('node:child_process');
  for (const s of ['server', 'client']) {
    process.stdout.write(run(process.execPath, ['--expose-gc', __filename, String(N), s], { encoding: 'utf8' }));
  }
  process.exit(0);
}
const { key, cert } = selfSignedCertificate('ec');
const o = tlsOptions({ version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' });
const sctx = tlsRs.createSecureContext({ key, cert, ...o }).context;
const cctx = tlsRs.createSecureContext({ ca: cert, ...o }).context;

function handshake() {
  const client = new binding.TlsConnection(cctx, false);
  const server = new binding.TlsConnection(sctx, true);
  // Each side also reads what is left (the client's session tickets), as a socket would.
  connectionHandshake(client, server);
  return { client, server };
}

function rss() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().rss;
}

for (let i = 0; i < 50; i++) handshake(); // warm-up
const before = rss();
const held = [];
for (let i = 0; i < N; i++) {
  const pair = handshake();
  held.push(pair[side]);
  pair[side === 'server' ? 'client' : 'server'].destroy();
}
const after = rss();
console.log(`${side}: ${((after - before) / N / 1024).toFixed(1)} KiB RSS per established TlsConnection (N=${N})`);
