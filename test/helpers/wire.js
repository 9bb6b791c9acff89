'use strict';
// Wires for tests without a real peer: two Duplex ends joined in memory, and a real ClientHello
// captured from a built-in client (to replay, mutate or follow with garbage).

const net = require('node:net');
const { Duplex } = require('node:stream');
const { fixture, listen, nodeTls } = require('./differential');

/** Two Duplex ends wired to each other in memory (what tedious and test harnesses use). */
function duplexPair() {
  const a = new Duplex({ read() {}, write(chunk, enc, cb) { b.push(chunk); cb(); }, final(cb) { b.push(null); cb(); } });
  const b = new Duplex({ read() {}, write(chunk, enc, cb) { a.push(chunk); cb(); }, final(cb) { a.push(null); cb(); } });
  return [a, b];
}

/** The first bytes a built-in client (SNI localhost, the test CA) sends: its ClientHello. */
async function captureClientHello() {
  const sink = net.createServer();
  const port = await listen(sink);
  const hello = new Promise((resolve) => sink.once('connection', (s) => s.once('data', (d) => { resolve(d); s.destroy(); })));
  const c = nodeTls.connect({ host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem'), port });
  c.on('error', () => {});
  const bytes = await hello;
  sink.close();
  return bytes;
}

module.exports = { duplexPair, captureClientHello };
