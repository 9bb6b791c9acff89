'use strict';
// Wires for tests without a real peer: two Duplex ends joined in memory, and a real ClientHello
// captured from a client (to replay, mutate, follow with garbage or read).

const net = require('node:net');
const { Duplex } = require('node:stream');
const { fixture, listen, once, nodeTls } = require('./differential');

/**
 * Two Duplex ends wired to each other in memory (what tedious and test harnesses use): what is
 * written to one is read from the other, end() on one ends the other's readable side. The one
 * home of "two streams back to back" in the JavaScript tests. `tap(from, chunk)` (optional) sees
 * every chunk as it crosses, `from` being 'a' or 'b'.
 */
function duplexPair({ tap } = {}) {
  const side = (from, to) => new Duplex({
    read() {},
    write(chunk, enc, cb) {
      tap?.(from, chunk);
      peers[to].push(chunk);
      cb();
    },
    final(cb) {
      peers[to].push(null);
      cb();
    },
  });
  const peers = { a: side('a', 'b'), b: side('b', 'a') };
  return [peers.a, peers.b];
}

/**
 * The first bytes a client sends: its ClientHello. By default a built-in client (SNI localhost,
 * the test CA); `tls` and `options` choose another client or options.
 */
async function captureClientHello(tls = nodeTls, options = {}) {
  const sink = net.createServer();
  const port = await listen(sink);
  const hello = new Promise((resolve) => sink.once('connection', (s) => s.once('data', (d) => { resolve(d); s.destroy(); })));
  const c = tls.connect({ host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem'), port, ...options });
  c.on('error', () => {});
  const bytes = await hello;
  c.destroy();
  sink.close();
  return bytes;
}

/**
 * The first handshake message in `bytes` (a ClientHello or ServerHello in one record): its type,
 * cipher suites (ClientHello: all offered; ServerHello: the one chosen) and extensions by type.
 */
function parseHello(bytes) {
  if (bytes.length < 9 || bytes[0] !== 22) throw new Error('not a handshake record');
  const isClientHello = bytes[5] === 1;
  const body = bytes.subarray(9); // record header (5) + handshake header (4)
  let at = 2 + 32; // legacy_version, random
  at += 1 + body[at]; // session id
  const cipherSuites = [];
  if (isClientHello) {
    const len = body.readUInt16BE(at);
    for (let p = at + 2; p < at + 2 + len; p += 2) cipherSuites.push(body.readUInt16BE(p));
    at += 2 + len;
    at += 1 + body[at]; // compression methods
  } else {
    cipherSuites.push(body.readUInt16BE(at));
    at += 2 + 1; // cipher suite, compression method
  }
  const extensions = new Map();
  const end = at + 2 + body.readUInt16BE(at);
  for (at += 2; at + 4 <= end; at += 4 + body.readUInt16BE(at + 2)) {
    extensions.set(body.readUInt16BE(at), body.subarray(at + 4, at + 4 + body.readUInt16BE(at + 2)));
  }
  return { type: isClientHello ? 'ClientHello' : 'ServerHello', cipherSuites, extensions };
}

/**
 * Connects a probe to `server` (listening on 127.0.0.1 or on every address) and resolves once the
 * server accepted it and both ends closed it. A connection started before the probe has been
 * accepted by then (the kernel queues them in order and the server accepts in order), so a test
 * that checks that something did *not* connect awaits this instead of sleeping.
 */
async function probeConnection(server) {
  const accepted = [];
  let probePort;
  let done;
  const probed = new Promise((resolve) => { done = resolve; });
  const onConnection = (socket) => {
    accepted.push(socket.remotePort);
    if (socket.remotePort === probePort) done();
  };
  server.prependListener('connection', onConnection); // before a listener that destroys it
  const probe = net.connect(server.address().port, '127.0.0.1');
  probe.on('error', () => {});
  await once(probe, 'connect');
  probePort = probe.localPort;
  if (accepted.includes(probePort)) done();
  await probed;
  server.removeListener('connection', onConnection);
  // Ended, not destroyed: a reset would be an error on the server's side of it.
  probe.resume();
  probe.end();
  await once(probe, 'close');
}

module.exports = { duplexPair, captureClientHello, parseHello, probeConnection };
