'use strict';
// Micro-benchmark, no sockets: the server side of full handshakes in tls-rs's engine alone
// (new TlsConnection + every server receive and its output, timed; the client's work is not),
// for ECDSA P-256 and RSA-2048, TLS 1.3 and 1.2, with the bench's options (X25519). It is the
// floor tls-rs's server CPU per handshake would reach if sockets and JS cost nothing.
//
//   node bench/micro/engine-handshake.js [handshakes-per-case]

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { tlsOptions, selfSignedCertificate, takeCiphertext: take, receive } = require('../common');

const N = Number(process.argv[2] || 2000);
const certs = { ec: selfSignedCertificate('ec'), rsa: selfSignedCertificate('rsa') };

/**
 * One handshake between new connections of `cctx` (offering `session` when given) and `sctx`; times
 * only the server's work: creating its connection, every receive and its output, destroy().
 */
function handshake(sctx, cctx, session) {
  const client = new binding.TlsConnection(cctx, false);
  if (session) client.setSession(session);
  client.start();
  receive(client, Buffer.alloc(0));
  let toServer = take(client);
  let t = process.hrtime.bigint();
  const server = new binding.TlsConnection(sctx, true);
  let serverNs = process.hrtime.bigint() - t;
  for (let round = 0; round < 6 && !(server.handshakeDone && client.handshakeDone && toServer.length === 0); round++) {
    t = process.hrtime.bigint();
    if (toServer.length) receive(server, toServer);
    const toClient = take(server);
    serverNs += process.hrtime.bigint() - t;
    if (toClient.length) receive(client, toClient); // TLS 1.3 tickets too
    toServer = take(client);
  }
  if (!server.handshakeDone || !client.handshakeDone) throw new Error('handshake did not complete');
  const reused = server.isSessionReused();
  const clientSession = client.getSession();
  t = process.hrtime.bigint();
  server.destroy();
  serverNs += process.hrtime.bigint() - t;
  client.destroy();
  return { serverNs, reused, session: clientSession };
}

for (const cert of ['ec', 'rsa']) {
  for (const version of ['TLSv1.3', 'TLSv1.2']) {
    const o = tlsOptions({ version, cipher: 'AES-128-GCM', cert });
    const sctx = tlsRs.createSecureContext({ ...certs[cert], ...o }).context;
    const cctx = tlsRs.createSecureContext({ ca: certs[cert].cert, ...o }).context;
    let serverNs = 0n;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) serverNs += handshake(sctx, cctx).serverNs;
    const cpu = process.cpuUsage(cpu0);
    const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
    console.log(`${cert === 'ec' ? 'ECDSA P-256' : 'RSA-2048   '} ${version}: server ${(Number(serverNs) / 1e3 / N).toFixed(0)} µs/handshake ` +
                `(client+server in process: ${wall.toFixed(0)} µs wall, ${((cpu.user + cpu.system) / N).toFixed(0)} µs CPU)`);
  }
}

// TLS 1.3 ticket resumption (the bench's resumed workload): the client offers the session of
// its previous handshake; the server opens the ticket and seals a new one.
{
  const o = tlsOptions({ version: 'TLSv1.3', cipher: 'AES-128-GCM', cert: 'ec' });
  const sctx = tlsRs.createSecureContext({ ...certs.ec, ...o }).context;
  const cctx = tlsRs.createSecureContext({ ca: certs.ec.cert, ...o }).context;
  let { session } = handshake(sctx, cctx); // the first ticket
  let serverNs = 0n;
  let resumed = 0;
  for (let i = 0; i < N; i++) {
    const result = handshake(sctx, cctx, session);
    serverNs += result.serverNs;
    if (result.reused) resumed++;
    session = result.session;
  }
  if (resumed < N) throw new Error(`only ${resumed} of ${N} handshakes resumed`);
  console.log(`ECDSA P-256 TLSv1.3 resumed (ticket): server ${(Number(serverNs) / 1e3 / N).toFixed(0)} µs/handshake`);
}
