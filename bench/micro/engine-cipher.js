'use strict';
// Micro-benchmark, no sockets: record encryption and decryption cost of tls-rs's engine (two
// native TlsSessions back to back, OpenSSL 3.6) per cipher, for 64 KiB writes as socket.js makes
// them (encrypt, then the ciphertext copied out into a new Buffer). Compare with the bare AEAD
// (bench/micro/openssl-aead.c) to see what the engine's layers add to the cipher itself.
//
//   node bench/micro/engine-cipher.js [seconds-per-case]

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { CIPHERS, selfSignedCertificate } = require('../common');

const seconds = Number(process.argv[2] || 1);
const { key, cert } = selfSignedCertificate('ec');

function pair(suite) {
  const o = { ciphers: suite, ecdhCurve: 'X25519', minVersion: 'TLSv1.3' };
  const server = new binding.TlsSession(tlsRs.createSecureContext({ key, cert, ...o }).context, true);
  const client = new binding.TlsSession(tlsRs.createSecureContext({ ca: cert, ...o }).context, false);
  const move = (from, to) => {
    const n = from.pendingCiphertext();
    if (!n) return 0;
    const b = Buffer.allocUnsafe(n);
    from.readCiphertext(b);
    return to.receive(b);
  };
  client.start();
  for (let i = 0; i < 10 && !(client.handshakeDone && server.handshakeDone); i++) {
    move(client, server);
    move(server, client);
  }
  return { client, server };
}

const MB = 1e6;
const block = Buffer.alloc(64 * 1024, 0x61);
const out = Buffer.allocUnsafe(16 * 1024);

for (const [name, s] of Object.entries(CIPHERS)) {
  let { client, server } = pair(s.tls13);
  // Encrypt only: SSL_write of 64 KiB + moving the ciphertext out.
  let bytes = 0;
  let t = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  let ct;
  while (process.hrtime.bigint() - t < budget) {
    const n = client.encrypt(block);
    ct = Buffer.allocUnsafe(n);
    client.readCiphertext(ct);
    bytes += block.length;
  }
  const enc = Number(process.hrtime.bigint() - t) / 1e3 / (bytes / MB);
  // Decrypting the same ciphertext twice is impossible (sequence numbers): a fresh pair
  // encrypts and decrypts; the difference is the decryption.
  ({ client, server } = pair(s.tls13));
  bytes = 0;
  t = process.hrtime.bigint();
  while (process.hrtime.bigint() - t < budget) {
    const n = client.encrypt(block);
    ct = Buffer.allocUnsafe(n);
    client.readCiphertext(ct);
    if (server.receive(ct) & 2) throw new Error('receive failed');
    let got = 0;
    for (let r; (r = server.readCleartext(out)) !== 0;) {
      if (r < 0) throw new Error(`readCleartext ${r}`);
      got += r;
    }
    if (got !== block.length) throw new Error(`decrypted ${got} of ${block.length}`);
    bytes += block.length;
  }
  const both = Number(process.hrtime.bigint() - t) / 1e3 / (bytes / MB);
  console.log(`${name.padEnd(18)} tls-rs engine: encrypt ${enc.toFixed(0)} µs/MB, encrypt+decrypt ${both.toFixed(0)} µs/MB`);
}
