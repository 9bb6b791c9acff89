'use strict';
// Garbage on the wire ends that one connection cleanly: an 'error' / 'tlsClientError', no crash,
// no hang, and the server keeps serving everyone else.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const { describe, it } = require('node:test');
const { fixture, once, listen, tlsRs, nodeTls } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };

// Sends `bytes` on a raw connection and resolves when the server closes it.
function sendRaw(port, bytes) {
  return new Promise((resolve) => {
    const raw = net.connect(port, '127.0.0.1', () => raw.end(bytes));
    raw.on('error', () => {});
    raw.resume();
    raw.on('close', resolve);
  });
}

// A real ClientHello, captured from a built-in client, to mutate.
async function captureClientHello() {
  const sink = net.createServer();
  const port = await listen(sink);
  const hello = new Promise((resolve) => sink.once('connection', (s) => s.once('data', (d) => { resolve(d); s.destroy(); })));
  const c = nodeTls.connect({ ...clientOptions, port });
  c.on('error', () => {});
  const bytes = await hello;
  sink.close();
  return bytes;
}

async function echoWorks(port) {
  const c = tlsRs.connect({ ...clientOptions, port });
  await once(c, 'secureConnect');
  c.end('still alive');
  c.setEncoding('utf8');
  let got = '';
  c.on('data', (d) => { got += d; });
  await once(c, 'close');
  return got;
}

describe('hostile input', () => {
  it('random bytes, mutated and truncated ClientHellos each fail only their connection', async () => {
    const errors = [];
    const srv = tlsRs.createServer(certs, (s) => s.pipe(s));
    srv.on('tlsClientError', (err) => errors.push(err.code));
    const port = await listen(srv);
    const hello = await captureClientHello();
    const inputs = [Buffer.alloc(0), Buffer.from('\x16\x03\x01'), hello.subarray(0, hello.length >> 1)];
    for (let i = 0; i < 40; i++) inputs.push(crypto.randomBytes(1 + (i * 97) % 3000));
    for (let i = 0; i < 40; i++) {
      const mutated = Buffer.from(hello);
      for (let k = 0; k < 1 + (i % 4); k++) mutated[5 + crypto.randomInt(mutated.length - 5)] ^= 1 + crypto.randomInt(255);
      inputs.push(mutated);
    }
    // A record header announcing an oversized record, and an endless stream of alerts.
    inputs.push(Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff, 0x01]));
    inputs.push(Buffer.concat(Array.from({ length: 200 }, () => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00]))));
    await Promise.all(inputs.map((bytes) => sendRaw(port, bytes)));
    assert.equal(await echoWorks(port), 'still alive');
    assert.ok(errors.length >= inputs.length - 45, `most inputs produced tlsClientError (${errors.length})`);
    for (const code of errors) assert.match(String(code), /^(ERR_SSL_|ECONNRESET)/);
    srv.close();
    await once(srv, 'close');
  });

  for (const [name, serverTls] of [['built-in', nodeTls], ['tls-rs', tlsRs]]) {
    it(`a corrupted record after the handshake errors that socket only (${name} server)`, async () => {
      const srv = serverTls.createServer(certs, (s) => {
        s.on('error', (err) => srv.emit('socketError', err));
        s.on('close', (hadError) => srv.emit('socketClose', hadError));
        s.pipe(s);
      });
      const port = await listen(srv);
      // A built-in client whose transport we corrupt once both ends are established.
      const raw = net.connect(port, '127.0.0.1');
      const established = once(srv, 'secureConnection');
      const c = nodeTls.connect({ ...clientOptions, socket: raw });
      c.on('error', () => {});
      await once(c, 'secureConnect');
      await established;
      const failed = Promise.all([once(srv, 'socketError'), once(srv, 'socketClose')]);
      raw.write(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...crypto.randomBytes(32)]));
      c.destroy();
      const [serverError] = await failed;
      assert.equal(serverError.code, 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
      if (serverTls === tlsRs) assert.equal(await echoWorks(port), 'still alive');
      srv.close();
      await once(srv, 'close');
    });
  }
});
