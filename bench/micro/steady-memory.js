'use strict';
// Leak probe: the same mix of connections round after round in one process (a tls-rs server
// and tls-rs clients, or built-in tls on both ends with IMPL=node), printing RSS, the JS heap
// and tls-rs's live native objects after GC. Memory that a connection keeps shows as growth
// that does not level off; allocator high-water levels off. The mix, 30 of each per round, 16
// at a time: a full TLS 1.3 handshake with a 1 KiB echo, its TLS 1.3 resumption, TLS 1.2 with
// ALPN and resumption from 'newSession' / 'resumeSession', SNICallback's asynchronous context,
// a client certificate, a client rejecting the server, garbage sent to the server, a client
// destroyed at connect, a 1 MiB echo, a client renegotiation asked for by the server.
//
//   node --expose-gc bench/micro/steady-memory.js [minutes]      (IMPL=node for built-in tls)

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const builtin = process.env.IMPL === 'node';
const tls = builtin ? require('node:tls') : require('../..');
const { liveObjects } = builtin ? { liveObjects: null } : require('../../lib/binding');
const minutes = Number(process.argv[2] || 10);
const fixture = (name) => fs.readFileSync(path.join(__dirname, '../../test/fixtures/certs', name));
const ca = fixture('ca-cert.pem');
const KINDS = ['full', 'resumed', 'tls12', 'sni', 'mtls', 'rejected', 'garbage', 'aborted', 'bulk', 'renegotiated'];
const RENEGOTIATE = 0x52; // a one-byte 'R' asks the server to renegotiate

if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');

const sniContext = tls.createSecureContext({ key: fixture('wronghost-key.pem'), cert: fixture('wronghost-cert.pem') });
const stored = new Map();
const server = tls.createServer({
  key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem'), ca, requestCert: true, rejectUnauthorized: false,
  ALPNProtocols: ['h2', 'http/1.1'],
  SNICallback: (name, cb) => setImmediate(cb, null, name === 'alt.test' ? sniContext : undefined),
}, (s) => {
  s.on('error', () => {});
  s.on('data', (d) => {
    if (d.length === 1 && d[0] === RENEGOTIATE) s.renegotiate({}, () => {});
    s.write(d);
  });
  s.on('end', () => s.end());
});
server.on('tlsClientError', () => {});
server.on('newSession', (id, data, cb) => {
  stored.set(id.toString('hex'), data);
  if (stored.size > 64) stored.delete(stored.keys().next().value);
  cb();
});
server.on('resumeSession', (id, cb) => cb(null, stored.get(id.toString('hex')) ?? null));

const sessions = {};
function one(kind, port) {
  return new Promise((resolve) => {
    if (kind === 'garbage') {
      const c = net.connect(port, '127.0.0.1', () => c.end(Buffer.alloc(300, 0x16)));
      c.on('error', resolve).on('close', resolve).resume();
      return;
    }
    const options = { port, host: '127.0.0.1', ca, servername: 'agent1', checkServerIdentity: () => undefined };
    let size = 1024;
    if (kind === 'tls12') Object.assign(options, { maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'], session: sessions.tls12 });
    if (kind === 'resumed') options.session = sessions.full;
    if (kind === 'sni') Object.assign(options, { servername: 'alt.test', rejectUnauthorized: false });
    if (kind === 'mtls') Object.assign(options, { key: fixture('client-key.pem'), cert: fixture('client-cert.pem') });
    if (kind === 'rejected') delete options.ca;
    if (kind === 'bulk') size = 1 << 20;
    if (kind === 'renegotiated') options.maxVersion = 'TLSv1.2';
    const c = tls.connect(options);
    c.on('session', (s) => { if (kind === 'full' || kind === 'tls12') sessions[kind] = s; });
    c.on('error', resolve).on('close', resolve);
    if (kind === 'aborted') {
      c.once('connect', () => c.destroy());
      return;
    }
    c.once('secureConnect', () => {
      const message = kind === 'renegotiated' ? Buffer.from([RENEGOTIATE]) : Buffer.alloc(size, 7);
      let echoed = 0;
      c.on('data', (d) => {
        echoed += d.length;
        if (echoed >= message.length) c.end();
      });
      c.write(message);
    });
  });
}

async function round(port) {
  const jobs = KINDS.flatMap((kind) => Array(30).fill(kind));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < jobs.length) await one(jobs[next++], port);
  }));
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const start = Date.now();
  for (let n = 1; Date.now() - start < minutes * 60e3; n++) {
    await round(port);
    for (let i = 0; i < 3; i++) {
      global.gc();
      await new Promise(setImmediate);
    }
    if (n <= 3 || n % 50 === 0) {
      const m = process.memoryUsage();
      const mb = (bytes) => (bytes / 1048576).toFixed(1);
      console.log(`round ${n} (${n * jobsPerRound()} connections, ${Math.round((Date.now() - start) / 1000)} s): ` +
        `rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB` +
        (liveObjects ? `, live ${JSON.stringify(liveObjects())}` : ''));
    }
  }
  server.close();
});

function jobsPerRound() {
  return KINDS.length * 30;
}
