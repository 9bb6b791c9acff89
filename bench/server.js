'use strict';
// The server process of a network workload (forked by run.js). It listens on 127.0.0.1 with
// the implementation it is told, behaves as the workload's mode says, and counts.
//
// modes: sink (count bytes in), source (send writes of spec.writeSize as fast as the client takes them),
//        echo (write back what arrives), handshake (count handshakes; close when the client
//        does; echo what a connection sends: the client's probe), idle (hold connections open; for the memory workload).
// With spec.overSocket, connections are accepted by a net server and wrapped (STARTTLS).

const fs = require('node:fs');
const net = require('node:net');
const { loadImpl, tlsOptions, newCounters, snapshot, settledMemory, serve, writeAsFastAsTaken } = require('./common');

const { monitorEventLoopDelay } = require('node:perf_hooks');

const counters = newCounters();
const sockets = new Set();
const samples = {};
let server;

const fatal = serve({
  init({ impl, spec, certs }) {
    const tls = loadImpl(impl);
    if (spec.eventLoop) {
      // The delay of the server's event loop, sampled by a 1 ms timer.
      samples.eventLoop = monitorEventLoopDelay({ resolution: 1 });
      samples.eventLoop.enable();
    }
    const { key, cert } = certs[spec.tls.cert];
    const options = {
      key: fs.readFileSync(key),
      cert: fs.readFileSync(cert),
      ...tlsOptions(spec.tls),
    };
    server = spec.overSocket ? startTLSServer(tls, options, spec) : tls.createServer(options, (socket) => onConnection(socket, spec));
    // Failed handshakes count as errors, unless the workload expects them (abandoned handshakes:
    // 'listen' only listens, 'none' does not — tls-rs builds a socket for a failed handshake
    // only when someone listens).
    const clientErrors = spec.clientErrors ?? 'count';
    if (clientErrors === 'count') server.on('tlsClientError', () => { counters.errors++; });
    else if (clientErrors === 'listen') server.on('tlsClientError', () => {});
    server.on('error', fatal);
    return new Promise((resolve) => {
      server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => resolve({ port: server.address().port }));
    });
  },
  snap() {
    return snapshot(counters, samples);
  },
  memory() {
    return settledMemory();
  },
});

// `overSocket`: a net server whose accepted sockets are wrapped in a server TLSSocket, as a
// STARTTLS server (smtp-server) does: tls-rs's memory-BIO path, not its native transport.
function startTLSServer(tls, options, spec) {
  const secureContext = tls.createSecureContext(options);
  return net.createServer((raw) => {
    raw.setNoDelay(true);
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext });
    socket.on('secure', () => onConnection(socket, spec));
    socket.on('error', () => { counters.errors++; });
  });
}

function onConnection(socket, spec) {
  counters.handshakes++;
  if (typeof socket.isSessionReused === 'function' && socket.isSessionReused()) counters.resumed++;
  counters.open++;
  sockets.add(socket);
  socket.on('error', () => { counters.errors++; });
  socket.on('close', () => {
    counters.open--;
    sockets.delete(socket);
  });
  socket.setNoDelay(true);
  switch (spec.mode) {
    case 'sink':
      socket.on('data', (chunk) => { counters.bytesIn += chunk.length; });
      break;
    case 'source':
      socket.resume();
      writeAsFastAsTaken(socket, Buffer.alloc(spec.writeSize, 0x61), counters, spec.burst);
      break;
    case 'echo':
      socket.on('data', (chunk) => {
        counters.bytesIn += chunk.length;
        socket.write(chunk);
      });
      break;
    case 'handshake':
      // Reading keeps the stream flowing, so the client's close (close_notify + FIN) is seen and
      // the socket ends as a server's socket does; the client's probe connection is echoed.
      socket.on('data', (chunk) => {
        counters.bytesIn += chunk.length;
        socket.write(chunk);
      });
      break;
    case 'idle':
      socket.on('data', (chunk) => { counters.bytesIn += chunk.length; });
      break;
    default:
      throw new Error(`unknown server mode ${spec.mode}`);
  }
}
