'use strict';
// Handshakes per second inside a worker_threads Worker: server and client in the same worker,
// 32 in flight, TLS 1.3 ECDSA, X25519, each connection closed once secure. Built-in tls, tls-rs
// with its default (native) transport and tls-rs with TLS_RS_TRANSPORT=js (the memory-BIO path
// workers took before they got the native transport), alternating, 5 rounds of 3 s; medians
// and the spread ((max − min) / median). Not pinned: the worker and the handshake pool share
// the machine's cores.
//
//   node bench/micro/worker-handshakes.js

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');

const ROUNDS = 5;
const SECONDS = 3;

if (isMainThread && process.argv[2] !== 'child') {
  const { spawnSync } = require('node:child_process');
  const runs = [['built-in tls', 'tls', {}], ['tls-rs, native transport', 'tls-rs', {}], ['tls-rs, memory-BIO path', 'tls-rs', { TLS_RS_TRANSPORT: 'js' }]];
  const rates = new Map(runs.map(([label]) => [label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, impl, env] of runs) {
      // A fresh process per measurement: TLS_RS_TRANSPORT is read once, at load.
      const child = spawnSync(process.execPath, [__filename, 'child', impl], { env: { ...process.env, ...env }, encoding: 'utf8' });
      const rate = Number(child.stdout.trim());
      if (!(rate > 0)) throw new Error(`${label}: no rate (${child.stderr})`);
      rates.get(label).push(rate);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const base = median(rates.get('built-in tls'));
  for (const [label, xs] of rates) {
    const m = median(xs);
    const spread = (Math.max(...xs) - Math.min(...xs)) / m;
    console.log(`${label.padEnd(26)} ${m.toFixed(0).padStart(6)} handshakes/s  ${(m / base).toFixed(2)}× built-in  spread ${(spread * 100).toFixed(0)}%`);
  }
} else if (isMainThread) {
  const worker = new Worker(__filename, { workerData: process.argv[3] });
  worker.on('message', (rate) => console.log(rate));
  worker.on('error', (err) => { console.error(err); process.exitCode = 1; });
} else {
  const tls = workerData === 'tls' ? require('node:tls') : require(path.join(__dirname, '..', '..'));
  const { selfSignedCertificate } = require('../common');
  const { key, cert } = selfSignedCertificate('ec');
  const options = { ecdhCurve: 'X25519', minVersion: 'TLSv1.3' };
  const secureContext = tls.createSecureContext({ ca: cert, ...options });
  const server = tls.createServer({ key, cert, ...options }, (s) => {
    s.on('end', () => s.end());
    s.resume();
  });
  let secure = 0;
  let stop = false;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    const one = () => {
      if (stop) return;
      const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', secureContext }, () => {
        secure++;
        c.end();
      });
      c.resume();
      c.on('error', () => {});
      c.on('close', one);
    };
    const started = process.hrtime.bigint();
    for (let i = 0; i < 32; i++) one();
    setTimeout(() => {
      stop = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      parentPort.postMessage((secure / seconds).toFixed(0));
      server.close();
      setTimeout(() => process.exit(0), 100);
    }, SECONDS * 1000);
  });
}
