'use strict';
// TLS over sockets that already exist: STARTTLS upgrades of a plaintext net.Socket on both ends
// (pg, mysql2, nodemailer / smtp-server style) and TLS over an in-memory Duplex (no fd).

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const { differential, fixture, once, listen, SOCKET_EVENTS } = require('./helpers/differential');
const { duplexPair } = require('./helpers/wire');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

// A line protocol: the client says STARTTLS, the server answers "220 ready" and both upgrade.
// `lateServer`: the server wraps its socket only once the client's ClientHello is buffered in
// the (paused) plaintext socket, so it must be fed to TLS.
async function starttls({ clientTls, serverTls, rec }, { lateServer }) {
  const serverContext = serverTls.createSecureContext(certs);
  const plainServer = net.createServer((raw) => {
    const plaintext = [];
    raw.on('data', function onLine(chunk) {
      const text = chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      plaintext.push(text.slice(0, end));
      raw.removeListener('data', onLine);
      raw.pause();
      const rest = chunk.subarray(end + 2);
      if (rest.length) raw.unshift(rest);
      raw.write('220 ready\r\n');
      const upgrade = () => {
        rec.add('server', 'buffered before upgrade', lateServer ? raw.readableLength > 0 : 'n/a');
        const secure = new serverTls.TLSSocket(raw, { isServer: true, secureContext: serverContext });
        rec.watch(secure, 'server', SOCKET_EVENTS);
        secure.on('secure', () => rec.add('server', 'secure', { plaintext, encrypted: secure.encrypted }));
        secure.setEncoding('utf8');
        secure.on('data', (d) => secure.end(`echo ${d}`));
      };
      if (lateServer) {
        // Upgrade once the ClientHello sits in the paused socket's buffer: 'readable' says it
        // arrived. Listening for it leaves the stream unpaused a tick later; pause it again.
        raw.once('readable', () => setImmediate(() => {
          raw.pause();
          upgrade();
        }));
      } else {
        upgrade();
      }
    });
  });
  const port = await listen(plainServer);
  const raw = net.connect(port, '127.0.0.1');
  const seenByOldListener = [];
  raw.on('data', (d) => seenByOldListener.push(d.toString('latin1')));
  await once(raw, 'connect');
  raw.write('STARTTLS\r\n');
  const upgrade = () => {
    const c = clientTls.connect({ socket: raw, servername: 'localhost', ca }, () => {
      rec.add('client', 'secureConnect', { authorized: c.authorized, protocol: c.getProtocol() });
      c.write('hello over tls');
    });
    rec.watch(c, 'client', SOCKET_EVENTS);
    c.setEncoding('utf8');
    c.resume();
    return once(c, 'close');
  };
  await new Promise((resolve) => raw.once('data', resolve));
  await upgrade();
  rec.add('client', 'old data listener saw', seenByOldListener.join('').startsWith('220 ready\r\n') &&
    !seenByOldListener.join('').slice('220 ready\r\n'.length).length);
  plainServer.close();
  await once(plainServer, 'close');
}

describe('STARTTLS upgrades match built-in tls', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`reply first, then upgrade (tls-rs as ${side})`, async () => {
      await differential((env) => starttls(env, { lateServer: false }), { side });
    });
    it(`server upgrades late: its socket already holds the ClientHello (tls-rs as ${side})`, async () => {
      await differential((env) => starttls(env, { lateServer: true }), { side });
    });
  }
});

// The client side of an upgrade: TLS over `raw`, says `hello` once secure, reads until the
// server closes; then the plaintext server is closed.
async function upgradeAndTalk({ clientTls, rec }, raw, hello, plainServer) {
  const c = clientTls.connect({ socket: raw, servername: 'localhost', ca }, () => c.write(hello));
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.setEncoding('utf8');
  c.resume();
  await once(c, 'close');
  plainServer.close();
  await once(plainServer, 'close');
}

// PostgreSQL's SSLRequest: an 8-byte request, a one-byte 'S' answer, then TLS on both sides.
async function pgSSLRequest({ clientTls, serverTls, rec }) {
  const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  const serverContext = serverTls.createSecureContext(certs);
  const plainServer = net.createServer((raw) => {
    raw.once('readable', function readRequest() {
      const request = raw.read(8);
      if (request === null) return raw.once('readable', readRequest);
      rec.add('server', 'request', request.equals(SSL_REQUEST));
      raw.write('S');
      const secure = new serverTls.TLSSocket(raw, { isServer: true, secureContext: serverContext });
      rec.watch(secure, 'server', SOCKET_EVENTS);
      secure.on('secure', () => rec.add('server', 'secure', secure.getProtocol()));
      secure.setEncoding('utf8');
      secure.on('data', (d) => secure.end(`R${d}`));
    });
  });
  const port = await listen(plainServer);
  const raw = net.connect(port, '127.0.0.1');
  raw.write(SSL_REQUEST);
  const [answer] = await once(raw, 'data').then((d) => [d.toString('latin1')]);
  rec.add('client', 'answer', answer);
  await upgradeAndTalk({ clientTls, rec }, raw, 'Q', plainServer);
}

// The client wraps a socket that is still connecting and already has a plaintext line queued:
// the line goes out before the ClientHello, and the server upgrades after reading it.
async function wrapWhileConnecting({ clientTls, serverTls, rec }) {
  const serverContext = serverTls.createSecureContext(certs);
  const plainServer = net.createServer((raw) => {
    let text = '';
    raw.on('data', function onData(chunk) {
      text += chunk.toString('latin1');
      const end = text.indexOf('\n');
      if (end === -1) return;
      raw.removeListener('data', onData);
      raw.pause();
      rec.add('server', 'line', text.slice(0, end));
      const rest = Buffer.from(text.slice(end + 1), 'latin1');
      if (rest.length) raw.unshift(rest);
      const secure = new serverTls.TLSSocket(raw, { isServer: true, secureContext: serverContext });
      rec.watch(secure, 'server', SOCKET_EVENTS);
      secure.setEncoding('utf8');
      secure.on('data', (d) => secure.end(`echo ${d}`));
    });
  });
  const port = await listen(plainServer);
  const raw = net.connect(port, '127.0.0.1');
  raw.write('UPGRADE\n');
  rec.add('client', 'connecting when wrapped', raw.connecting);
  await upgradeAndTalk({ clientTls, rec }, raw, 'hi', plainServer);
}

describe('PostgreSQL SSLRequest and a socket still connecting', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`SSLRequest, 'S', then TLS (tls-rs as ${side})`, async () => {
      await differential(pgSSLRequest, { side });
    });
    it(`wrapping a connecting socket with a plaintext write queued (tls-rs as ${side})`, async () => {
      await differential(wrapWhileConnecting, { side });
    });
  }
});

// The user ends the net.Socket it handed to tls.connect ({ socket }): Node's TLSWrap writes to
// that socket's handle, so what TLS writes afterwards fails as libuv fails it (EPIPE), and a
// handshake record that cannot leave is dropped without an error.
async function endWrappedSocket({ clientTls, serverTls, rec }, { when }) {
  const server = serverTls.createServer(certs, (s) => {
    s.setEncoding('utf8');
    s.on('data', (d) => s.write(`echo ${d}`));
    s.on('error', () => {});
  });
  const port = await listen(server);
  const raw = net.connect(port, '127.0.0.1');
  await once(raw, 'connect');
  const c = clientTls.connect({ socket: raw, servername: 'localhost', ca });
  rec.watch(c, 'client', SOCKET_EVENTS);
  rec.watch(raw, 'raw', new Set(['finish', 'close', 'error']));
  c.on('error', () => {});
  const write = (text) => c.write(text, (err) => rec.add('client', `write ${text}`, err ? `${err.code} ${err.syscall}` : 'ok'));
  c.setEncoding('utf8');
  c.on('data', (d) => {
    rec.add('client', 'data', d);
    raw.end();
    write('after end');
  });
  c.on('secureConnect', () => {
    if (when === 'secureConnect') raw.end();
    else write('ping');
  });
  await once(c, 'close');
  write('after close');
  await new Promise((resolve) => setImmediate(resolve));
  server.close();
}

describe('the user ends the net.Socket it wrapped', () => {
  it('in the \'secureConnect\' listener: the client\'s last handshake records are dropped, the connection ends', async () => {
    await differential((env) => endWrappedSocket(env, { when: 'secureConnect' }), { side: 'client' });
  });
  it('once data flows: the next write fails with \'write EPIPE\'', async () => {
    await differential((env) => endWrappedSocket(env, { when: 'established' }), { side: 'client' });
  });
});

// The user destroys the net.Socket it handed to tls.connect ({ socket }). Node 20.10+ closes
// the TLSSocket from its 'close' listener on that socket, at once (TLSWrap.close calls back at
// once when the wrapped socket has no handle), so the TLSSocket's 'close' comes before the
// listeners added after it, and a destroy(err) then emits 'close' before 'error'. (Node 18 and
// 20.9 never emit the TLSSocket's 'close' there, nodejs/node#49902; tls-rs does.)
async function destroyWrappedSocket({ clientTls, serverTls, rec }, { thenDestroyTls }) {
  const server = serverTls.createServer(certs, (s) => {
    s.on('error', () => {});
    s.resume();
  });
  const port = await listen(server);
  const raw = net.connect(port, '127.0.0.1');
  await once(raw, 'connect');
  const c = clientTls.connect({ socket: raw, servername: 'localhost', ca });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {});
  raw.on('close', () => rec.add('client', 'raw close'));
  await once(c, 'secureConnect');
  raw.destroy();
  if (thenDestroyTls) setImmediate(() => c.destroy(new Error('destroyed after its socket')));
  await once(raw, 'close');
  if (!c.closed) await once(c, 'close');
  server.close();
}

describe('the user destroys the net.Socket it wrapped', { skip: !require('../lib/host-tls').closedStreamClosesAtOnce() }, () => {
  it('the TLSSocket closes from its listener, before the ones added after it', async () => {
    await differential((env) => destroyWrappedSocket(env, { thenDestroyTls: false }), { side: 'client' });
  });
  it('destroy(err) after it: \'close\' before \'error\'', async () => {
    await differential((env) => destroyWrappedSocket(env, { thenDestroyTls: true }), { side: 'client' });
  });
});

describe('TLS inside TLS', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`an inner TLS connection carried over an outer one (tls-rs as ${side})`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const innerContext = serverTls.createSecureContext(certs);
        const outerServer = serverTls.createServer(certs, (outer) => {
          const inner = new serverTls.TLSSocket(outer, { isServer: true, secureContext: innerContext });
          inner.on('secure', () => rec.add('server', 'inner secure', inner.getProtocol()));
          inner.setEncoding('utf8');
          inner.on('data', (d) => inner.end(`inner echo ${d}`));
        });
        const port = await listen(outerServer);
        const outer = clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
        await once(outer, 'secureConnect');
        const inner = clientTls.connect({ socket: outer, servername: 'localhost', ca }, () => {
          rec.add('client', 'inner secureConnect', { authorized: inner.authorized, protocol: inner.getProtocol() });
          inner.write('ping');
        });
        rec.watch(inner, 'inner', SOCKET_EVENTS);
        rec.watch(outer, 'outer', new Set(['end', 'close', 'error']));
        inner.setEncoding('utf8');
        inner.resume();
        await once(inner, 'close');
        outer.destroy();
        outerServer.close();
        await once(outerServer, 'close');
      }, { side });
    });
  }
});

describe('TLS over an in-memory Duplex', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`handshake, data both ways and close (tls-rs as ${side})`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const [a, b] = duplexPair();
        const server = new serverTls.TLSSocket(b, { isServer: true, secureContext: serverTls.createSecureContext(certs) });
        server.on('secure', () => rec.add('server', 'secure', server.getProtocol()));
        server.setEncoding('utf8');
        server.on('data', (d) => server.end(`echo ${d}`));
        const c = clientTls.connect({ socket: a, servername: 'localhost', ca }, () => {
          rec.add('client', 'secureConnect', { authorized: c.authorized, cert: c.getPeerCertificate().subject.CN });
          c.write('ping');
        });
        rec.watch(c, 'client', SOCKET_EVENTS);
        c.setEncoding('utf8');
        c.resume();
        await once(c, 'end');
        const closed = once(c, 'close');
        c.end();
        await closed;
      }, { side });
    });
  }

  it('a tls-rs client over a Duplex moves 8 MiB intact', async () => {
    const tlsRs = require('..');
    const [a, b] = duplexPair();
    const server = new tlsRs.TLSSocket(b, { isServer: true, secureContext: tlsRs.createSecureContext(certs) });
    let received = 0;
    server.on('data', (d) => { received += d.length; });
    const c = tlsRs.connect({ socket: a, servername: 'localhost', ca });
    await once(c, 'secureConnect');
    const block = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 8; i++) c.write(block);
    c.end();
    await once(server, 'end');
    assert.equal(received, 8 * 1024 * 1024);
  });

  // The Duplex closes or is destroyed around a write or a destroy(): Node's JSStreamSocket (its
  // doClose, an immediate on) cancels the writes in flight and those made after the Duplex
  // closed ('write ECANCELED'), then closes the socket. `tick`/`immediate` mark the ordering.
  // A tls-rs client over a Duplex to a server over its other end; once secure (and, with
  // `turnFirst`, one loop turn later) `scenario({ a, c, rec })` runs on the client's Duplex `a`
  // and socket `c`; the record ends an immediate after the socket closed.
  const overDuplex = (scenario, { turnFirst = false } = {}) => differential(async ({ clientTls, serverTls, rec }) => {
    const [a, b] = duplexPair();
    const server = new serverTls.TLSSocket(b, { isServer: true, secureContext: serverTls.createSecureContext(certs) });
    server.on('error', () => {});
    const c = clientTls.connect({ socket: a, servername: 'localhost', ca });
    rec.watch(c, 'client', SOCKET_EVENTS);
    c.on('error', () => {});
    a.on('close', () => rec.add('client', 'Duplex close'));
    await once(c, 'secureConnect');
    if (turnFirst) await new Promise((resolve) => setImmediate(resolve));
    scenario({ a, c, rec });
    await once(c, 'close');
    await new Promise((resolve) => setImmediate(resolve));
  }, { side: 'client' });
  const marks = (rec, label) => {
    process.nextTick(() => rec.add('client', `tick ${label}`));
    setImmediate(() => rec.add('client', `immediate ${label}`));
  };
  const result = (err) => (err ? `${err.code} ${err.message}` : 'ok');
  for (const { name, scenario } of [
    { name: 'a write made once the Duplex closed is cancelled', scenario: ({ a, c, rec }) => {
      a.on('close', () => {
        marks(rec, 'close');
        c.write('late', (err) => rec.add('client', 'late write', result(err)));
      });
      a.destroy();
    } },
    { name: 'a write made right after the Duplex was destroyed is cancelled', scenario: ({ a, c, rec }) => {
      a.destroy();
      c.write('late', (err) => rec.add('client', 'late write', result(err)));
      marks(rec, 'destroyed');
    } },
    { name: 'destroy(err) right after the Duplex was destroyed', scenario: ({ a, c, rec }) => {
      a.destroy();
      c.destroy(new Error('destroyed with its Duplex'));
      marks(rec, 'destroyed');
    } },
    { name: 'destroy() in the \'error\' of a failed write: the write is cancelled', scenario: ({ a, c, rec }) => {
      a._write = (chunk, encoding, cb) => cb(new Error('the Duplex failed'));
      c.once('error', () => {
        c.destroy();
        marks(rec, 'destroyed');
      });
      c.write('one', (err) => rec.add('client', 'write one', result(err)));
    } },
    { name: 'destroy() with two writes the Duplex has not finished', scenario: ({ a, c, rec }) => {
      a._write = () => {}; // never calls back
      c.write('one', (err) => rec.add('client', 'write one', result(err)));
      c.write('two', (err) => rec.add('client', 'write two', result(err)));
      setImmediate(() => {
        c.destroy();
        marks(rec, 'destroyed');
      });
    } },
    { name: 'destroy() from the Duplex\'s \'close\' with a write in flight', scenario: ({ a, c, rec }) => {
      a._write = () => {}; // never calls back
      c.write('one', (err) => rec.add('client', 'write one', result(err)));
      setImmediate(() => {
        a.on('close', () => {
          c.destroy();
          marks(rec, 'destroyed');
        });
        a.destroy();
      });
    } },
    { name: 'a 1 MiB write whose second Duplex write fails fails whole', scenario: ({ a, c, rec }) => {
      let writes = 0;
      a._write = (chunk, encoding, cb) => {
        if (++writes === 2) cb(new Error('the Duplex failed'));
        else setImmediate(cb);
      };
      c.write(Buffer.alloc(1024 * 1024), (err) => rec.add('client', 'big write', result(err)));
      c.write('after', (err) => rec.add('client', 'write after', result(err)));
    } },
  ]) {
    it(`${name} (as Node's JSStreamSocket)`, async () => {
      await overDuplex(scenario, { turnFirst: true });
    });
  }

  // The Duplex fails a write once the connection is up: Node's JSStreamSocket emits the stream's
  // 'error' on the TLSSocket, finishes the write on an immediate with a libuv error (the stream
  // error's code when libuv has it, else EPIPE), and the socket then closes with that error,
  // 'close' before its 'error'.
  for (const { name, code, later } of [
    { name: 'an error without a libuv code: \'write EPIPE\'', code: undefined, later: false },
    { name: 'an ECONNRESET error: \'write ECONNRESET\'', code: 'ECONNRESET', later: false },
    { name: 'failed a turn later', code: undefined, later: true },
  ]) {
    it(`a write the Duplex fails, ${name}`, async () => {
      await overDuplex(({ a, c, rec }) => {
        a._write = (chunk, encoding, cb) => {
          const err = Object.assign(new Error('the Duplex failed'), code ? { code } : {});
          if (later) setImmediate(cb, err);
          else cb(err);
        };
        c.write('one', (err) => rec.add('client', 'write one', result(err)));
        c.write('two', (err) => rec.add('client', 'write two', result(err)));
      });
    });
  }
});
