'use strict';
// Micro-benchmark: the cost of one N-API call into a TlsConnection, per call used on the
// read/write path, on an established connection (no sockets). `pendingCiphertext()` does almost
// nothing in Rust (one BIO_ctrl), so its time is the call overhead itself: napi-rs's class
// method wrapper, against the hot path's free functions.
//
//   node bench/micro/napi-call.js

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { selfSignedCertificate, connectionHandshake } = require('../common');

const { key, cert } = selfSignedCertificate('ec');
const o = { ecdhCurve: 'X25519', minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' };
const server = new binding.TlsConnection(tlsRs.createSecureContext({ key, cert, ...o }).context, true);
const client = new binding.TlsConnection(tlsRs.createSecureContext({ ca: cert, ...o }).context, false);
connectionHandshake(client, server);

function time(name, fn, n = 2e6) {
  for (let i = 0; i < 1e5; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ns = Number(process.hrtime.bigint() - t) / n;
  console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/call`);
}

const { connectionReceive, connectionReadCleartext, connectionEncrypt, connectionTakeCiphertext } = binding;
const empty = Buffer.alloc(0);
const out = Buffer.allocUnsafe(64 * 1024);
const lengths = new Uint32Array(64);
const msg = Buffer.alloc(1024, 0x61);
time('connection.pendingCiphertext()  (method, no args)', () => client.pendingCiphertext());
time('connection.status()  (method, no args)', () => client.status());
time('connection.handshakeDone  (getter)', () => client.handshakeDone);
time('empty JS function', () => undefined);
// The free functions of src/js/hot_path.rs (what socket.js uses): no napi-rs class-method
// bookkeeping, output into pooled slabs.
time('connectionTakeCiphertext(c, buf, 0) → 0', () => connectionTakeCiphertext(client, out, 0));
time('connectionReadCleartext(c, buf, 0, lengths) → 0', () => connectionReadCleartext(server, out, 0, lengths));
time('connectionReceive(c, empty)', () => connectionReceive(server, empty));
// One 1 KiB message through socket.js's sequence: encrypt straight into the slab, receive, one
// batch read.
time('1 KiB message: the call sequence socket.js makes', () => {
  const n = connectionEncrypt(client, msg, out, 0);
  connectionReceive(server, out.subarray(0, n));
  const m = connectionReadCleartext(server, out, 32 * 1024, lengths);
  if (m !== 1 || lengths[0] !== 1024) throw new Error('lost data');
  connectionTakeCiphertext(server, out, 48 * 1024);
}, 2e5);
