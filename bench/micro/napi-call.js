'use strict';
// Micro-benchmark: the cost of one N-API call into a TlsSession, per method used on the
// read/write path, on an established session (no sockets). `pendingCiphertext()` does almost
// nothing in Rust (one BIO_ctrl), so its time is the call overhead itself: napi-rs's class
// method wrapper (receiver unwrap + the native-borrow registration of `&self` / `&mut self`).
//
//   node bench/micro/napi-call.js

const binding = require('../../lib/binding');
const tlsRs = require('../..');
const { selfSignedCertificate } = require('../common');

const { key, cert } = selfSignedCertificate('ec');
const o = { ecdhCurve: 'X25519', minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' };
const server = new binding.TlsSession(tlsRs.createSecureContext({ key, cert, ...o }).context, true);
const client = new binding.TlsSession(tlsRs.createSecureContext({ ca: cert, ...o }).context, false);
const move = (from, to) => {
  const n = from.pendingCiphertext();
  if (!n) return;
  const b = Buffer.allocUnsafe(n);
  from.readCiphertext(b);
  to.receive(b);
};
client.start();
for (let i = 0; i < 10; i++) { move(client, server); move(server, client); }
if (!client.handshakeDone || !server.handshakeDone) throw new Error('no handshake');

function time(name, fn, n = 2e6) {
  for (let i = 0; i < 1e5; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ns = Number(process.hrtime.bigint() - t) / n;
  console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/call`);
}

const empty = Buffer.alloc(0);
const out = Buffer.allocUnsafe(16 * 1024);
const msg = Buffer.alloc(1024, 0x61);
time('session.pendingCiphertext()  (&self, no args)', () => client.pendingCiphertext());
time('session.readCleartext(buf) → 0  (&mut self, buffer)', () => server.readCleartext(out));
time('session.receive(empty)  (&mut self, &[u8])', () => server.receive(empty));
time('session.handshakeDone  (getter)', () => client.handshakeDone);
time('empty JS function', () => undefined);
// One 1 KiB message through the JS layer's sequence of calls (socket.js), without the socket:
// encrypt, pendingCiphertext, allocUnsafe, readCiphertext | receive, readCleartext ×2, copy.
time('1 KiB message: the call sequence socket.js makes', () => {
  client.encrypt(msg);
  const n = client.pendingCiphertext();
  const ct = Buffer.allocUnsafe(n);
  client.readCiphertext(ct);
  client.pendingCiphertext();
  server.receive(ct);
  server.pendingCiphertext();
  const m = server.readCleartext(out);
  const chunk = Buffer.allocUnsafe(m);
  out.copy(chunk, 0, 0, m);
  server.readCleartext(out);
  server.pendingCiphertext();
}, 2e5);
// The same through the free functions of src/session_io.rs (what socket.js uses): no napi-rs
// borrow bookkeeping, ciphertext and cleartext into pooled slabs instead of fresh Buffers.
const { sessionReceive, sessionReadCleartext, sessionEncrypt, sessionTakeCiphertext } = binding;
time('sessionTakeCiphertext(s, buf, 0) → 0  (free function)', () => sessionTakeCiphertext(client, out, 0));
time('sessionReadCleartext(s, buf, 0) → 0  (free function)', () => sessionReadCleartext(server, out, 0));
time('sessionReceive(s, empty)  (free function)', () => sessionReceive(server, empty));
const slab = Buffer.allocUnsafeSlow(64 * 1024);
time('1 KiB message: the free-function sequence', () => {
  sessionEncrypt(client, msg);
  const n = sessionTakeCiphertext(client, slab, 0);
  const ct = slab.subarray(0, n);
  sessionReceive(server, ct);
  const m = sessionReadCleartext(server, slab, 32 * 1024);
  const chunk = slab.subarray(32 * 1024, 32 * 1024 + m);
  sessionReadCleartext(server, slab, 48 * 1024);
  sessionTakeCiphertext(server, slab, 48 * 1024);
  if (chunk.length !== 1024) throw new Error('lost data');
}, 2e5);
