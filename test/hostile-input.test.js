'use strict';
// Garbage on the wire ends that one connection cleanly: an 'error' / 'tlsClientError', no crash,
// no hang, and the server keeps serving everyone else.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const { describe, it } = require('node:test');
const { fixture, once, listen, tlsRs, nodeTls } = require('./helpers/differential');
const { captureClientHello } = require('./helpers/wire');

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

// ---- hostile peers compared with built-in tls ---------------------------------------------
// Each scenario runs against a built-in and a tls-rs server (or client); what the hostile
// connection ends with (tlsClientError / 'error' code and message) must be the same, and a
// connection established before it must still echo afterwards.

const { differential, describeError, SOCKET_EVENTS } = require('./helpers/differential');

// A raw TCP peer: runs `script(raw, server)`, resolves when the connection is closed.
function rawPeer(port, script, server) {
  return new Promise((resolve) => {
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    raw.on('close', resolve);
    raw.resume();
    raw.once('connect', () => script(raw, server));
  });
}

// Resolves with the next chunk `raw` receives.
const nextData = (raw) => new Promise((resolve) => raw.once('data', resolve));

// An echo server of `serverTls` with one established client kept open; `hostile(port, server)`
// runs a hostile connection, then, once the server has closed its side of every hostile
// connection, the bystander must still echo. Records the server's view. `server.srv` is the
// server; `server.roundTrip()` echoes a message through the bystander, which tells a hostile
// peer that the server has read what it sent before: the server handles both connections'
// input in one event-loop turn, and the echo arrives in a later one.
async function withBystander({ serverTls, rec }, hostile) {
  const srv = serverTls.createServer(certs, (s) => {
    s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
    s.pipe(s);
  });
  srv.on('tlsClientError', (err) => rec.add('server', 'tlsClientError', describeError(err)));
  const serverSides = [];
  srv.on('connection', (raw) => serverSides.push(once(raw, 'close')));
  const port = await listen(srv);
  const bystander = nodeTls.connect({ ...clientOptions, port });
  // Both ends: in TLS 1.3 the client is done before the server.
  await Promise.all([once(bystander, 'secureConnect'), once(srv, 'secureConnection')]);
  const roundTrip = async () => {
    bystander.write('sync');
    assert.equal(String(await once(bystander, 'data')), 'sync');
  };
  await hostile(port, { srv, roundTrip });
  await Promise.all(serverSides.slice(1));
  bystander.setEncoding('utf8');
  bystander.write('still alive');
  rec.add('bystander', await once(bystander, 'data'));
  bystander.end();
  srv.close();
  await once(srv, 'close');
}

describe('hostile peers against a server, compared with built-in tls', () => {
  let hello;
  const helloFor = async () => (hello ??= await captureClientHello());
  const cases = [
    ['a valid ClientHello followed by text', async (raw) => {
      raw.write(Buffer.concat([await helloFor(), Buffer.from('this is not TLS at all\r\n'.repeat(8))]));
    }],
    ['a valid ClientHello followed by a record of unknown type', async (raw) => {
      raw.write(Buffer.concat([await helloFor(), Buffer.from([0x63, 0x03, 0x03, 0x00, 0x05]), Buffer.from('bytes')]));
    }],
    ['a valid ClientHello followed by an oversized record header', async (raw) => {
      raw.write(Buffer.concat([await helloFor(), Buffer.from([0x17, 0x03, 0x03, 0x7f, 0xff])]));
    }],
    ['a plaintext HTTP request', (raw) => raw.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')],
    ['a plaintext HTTP POST', (raw) => raw.write('POST /upload HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc')],
    ['a fatal alert instead of a ClientHello', (raw) => raw.write(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]))],
    ['a fatal alert after the ClientHello', async (raw) => {
      raw.write(await helloFor());
      await nextData(raw);
      raw.write(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
    }],
    ['a warning alert after the ClientHello', async (raw) => {
      raw.write(await helloFor());
      await nextData(raw);
      raw.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00]));
    }],
    ['reset right after connecting', (raw) => raw.resetAndDestroy()],
    ['reset after half a ClientHello', async (raw, server) => {
      const h = await helloFor();
      raw.write(h.subarray(0, h.length >> 1));
      await server.roundTrip(); // the server has read the half
      raw.resetAndDestroy();
    }],
    ['reset after the ClientHello, before the server answers', async (raw) => {
      raw.write(await helloFor(), () => raw.resetAndDestroy());
    }],
    ['reset after the server flight', async (raw) => {
      raw.write(await helloFor());
      await nextData(raw);
      raw.resetAndDestroy();
    }],
    ['close (FIN) after the server flight', async (raw) => {
      raw.write(await helloFor());
      await nextData(raw);
      raw.end();
    }],
  ];
  for (const [name, script] of cases) {
    it(name, async () => {
      await helloFor();
      await differential((env) => withBystander(env, (port, server) => rawPeer(port, script, server)), { side: 'server' });
    });
  }

  for (const [name, record] of [
    ['a plaintext fatal alert in mid-stream', [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]],
    ['a plaintext warning alert in mid-stream', [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00]],
    ['a handshake record in mid-stream', [0x16, 0x03, 0x03, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00]],
  ]) {
    it(`${name} ends only that socket`, async () => {
      await differential((env) => withBystander(env, async (port) => {
        const raw = net.connect(port, '127.0.0.1');
        raw.on('error', () => {});
        const c = nodeTls.connect({ ...clientOptions, socket: raw });
        c.on('error', () => {});
        await once(c, 'secureConnect');
        c.write('before');
        await once(c, 'data');
        raw.write(Buffer.from(record));
        // The server answers with an alert (or closes); then this client goes away.
        await new Promise((resolve) => { c.once('error', resolve); c.once('end', resolve); });
        c.destroy();
        raw.destroy();
      }), { side: 'server' });
    });
  }

  it('a client reset after its Finished (handshake complete on the client) ends only that socket', async () => {
    await differential((env) => withBystander(env, async (port) => {
      const raw = net.connect(port, '127.0.0.1');
      raw.on('error', () => {});
      const c = nodeTls.connect({ ...clientOptions, socket: raw });
      c.on('error', () => {});
      // The server's session ticket answers the Finished: the server's handshake is done and it
      // has nothing more to send, so the reset hits an established, idle socket.
      await once(c, 'session');
      raw.resetAndDestroy();
      // Not c's 'close': Node 18 leaves a TLSSocket whose wrapped socket closed open, without a
      // 'close' even after destroy() (test/stream-lifecycle.test.js).
      await once(raw, 'close');
      c.destroy();
    }), { side: 'server' });
  });
});

// A raw server: each accepted connection runs `script(raw)`.
async function rawServer(script) {
  const srv = net.createServer((raw) => {
    raw.on('error', () => {});
    script(raw);
  });
  const port = await listen(srv);
  return { port, close: () => new Promise((resolve) => srv.close(resolve)) };
}

// A proxy to a real (built-in) TLS server that runs `onChunk(direction, chunk, n, client)` before
// forwarding; returning false stops forwarding.
async function proxyToRealServer(onChunk) {
  // Its sockets see the client's alerts after the handshake; Node 18's server leaves their
  // 'error' to the application.
  const real = nodeTls.createServer(certs, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  real.on('tlsClientError', () => {});
  const realPort = await listen(real);
  const proxy = await rawServer((client) => {
    const upstream = net.connect(realPort, '127.0.0.1');
    upstream.on('error', () => {});
    const counts = { up: 0, down: 0 };
    client.on('data', (d) => { if (onChunk('up', d, counts.up++, client) !== false) upstream.write(d); });
    upstream.on('data', (d) => { if (onChunk('down', d, counts.down++, client) !== false) client.write(d); });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return { port: proxy.port, close: async () => { await proxy.close(); real.close(); } };
}

describe('hostile servers against a client, compared with built-in tls', () => {
  // Each case: how the server side misbehaves; the client's events are compared.
  const cases = [
    ['reset right after accepting', () => rawServer((raw) => raw.resetAndDestroy())],
    ['reset after the ClientHello', () => rawServer((raw) => raw.once('data', () => raw.resetAndDestroy()))],
    ['close (FIN) after the ClientHello', () => rawServer((raw) => raw.once('data', () => raw.end()))],
    ['a plaintext HTTP response', () => rawServer((raw) => raw.once('data', () => raw.end('HTTP/1.1 400 Bad Request\r\n\r\n')))],
    ['a fatal alert answering the ClientHello', () => rawServer((raw) => raw.once('data', () => {
      raw.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
    }))],
    // Reset once the client answered the server's flight (its Finished, not forwarded): the
    // client has processed the flight by then.
    ['reset after the server flight', () => proxyToRealServer((dir, chunk, n, client) => {
      if (dir === 'up' && n === 1) {
        client.resetAndDestroy();
        return false;
      }
    })],
    ['the server flight followed by garbage', () => proxyToRealServer((dir, chunk, n, client) => {
      if (dir !== 'down' || n !== 0) return undefined;
      client.write(Buffer.concat([chunk, Buffer.from('garbage garbage garbage')]));
      return false;
    })],
    // The Finished reaches the real server; its answer (the TLS 1.3 session tickets) is not
    // forwarded: the client, idle since it sent the Finished, gets the reset instead.
    ['reset after the client Finished', () => proxyToRealServer((dir, chunk, n, client) => {
      if (dir === 'down' && n === 1) {
        client.resetAndDestroy();
        return false;
      }
    })],
  ];
  for (const [name, makeServer] of cases) {
    it(name, async () => {
      await differential(async ({ clientTls, rec }) => {
        const server = await makeServer();
        const c = clientTls.connect({ ...clientOptions, port: server.port, maxVersion: 'TLSv1.3' });
        rec.watch(c, 'client', SOCKET_EVENTS);
        c.on('error', () => {});
        c.resume();
        // After an error after 'secureConnect', both keep the socket open (its peer may still
        // be talking): the application destroys it.
        await new Promise((resolve) => { c.once('error', resolve); c.once('close', resolve); });
        c.destroy();
        if (!c.closed) await once(c, 'close');
        await server.close();
      }, { side: 'client' });
    });
  }
});
