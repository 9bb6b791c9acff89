'use strict';
// Micro-benchmark, no sockets: record encryption and decryption cost of tls-rs's engine (two
// native TlsConnections back to back, OpenSSL 3.6) per cipher, for 64 KiB writes as socket.js makes
// them (encrypt, then the ciphertext copied out into a new Buffer). Compare with the bare AEAD
// (bench/micro/openssl-aead.c) to see what the engine's layers add to the cipher itself.
//
//   node bench/micro/engine-cipher.js [seconds-per-case]

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { CIPHERS, selfSignedCertificate, receive, connectionHandshake } = require('../common');

const seconds = Number(process.argv[2] || 1);
const { key, cert } = selfSignedCertificate('ec');

function pair(suite) {
  const o = { ciphers: suite, ecdhCurve: 'X25519', minVersion: 'TLSv1.3' };
  const server = new binding.TlsConnection(tlsRs.createSecureContext({ key, cert, ...o }).context, true);
  const client = new binding.TlsConnection(tlsRs.createSecureContext({ ca: cert, ...o }).context, false);
  connectionHandshake(client, server);
  return { client, server };
}

const MB = 1e6;
const block = Buffer.alloc(64 * 1024, 0x61);
const EMPTY = Buffer.alloc(0);

for (const [name, s] of Object.entries(CIPHERS)) {
  let { client, server } = pair(s.tls13);
  // Encrypt only: SSL_write of 64 KiB + moving the ciphertext out.
  let bytes = 0;
  let t = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  let ct;
  while (process.hrtime.bigint() - t < budget) {
    ct = Buffer.allocUnsafe(-binding.connectionEncrypt(client, block, EMPTY, 0));
    client.takeCiphertext(ct);
    bytes += block.length;
  }
  const enc = Number(process.hrtime.bigint() - t) / 1e3 / (bytes / MB);
  // Decrypting the same ciphertext twice is impossible (sequence numbers): a fresh pair
  // encrypts and decrypts; the difference is the decryption.
  ({ client, server } = pair(s.tls13));
  bytes = 0;
  t = process.hrtime.bigint();
  while (process.hrtime.bigint() - t < budget) {
    ct = Buffer.allocUnsafe(-binding.connectionEncrypt(client, block, EMPTY, 0));
    client.takeCiphertext(ct);
    const got = receive(server, ct);
    if (got !== block.length) throw new Error(`decrypted ${got} of ${block.length}`);
    bytes += block.length;
  }
  const both = Number(process.hrtime.bigint() - t) / 1e3 / (bytes / MB);
  console.log(`${name.padEnd(18)} tls-rs engine: encrypt ${enc.toFixed(0)} µs/MB, encrypt+decrypt ${both.toFixed(0)} µs/MB`);
}
