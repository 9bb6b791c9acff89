'use strict';
// Failures around the handshake: refused connections, peers closing early, plaintext peers,
// protocol mismatches, handshake timeouts — the same errors and events as built-in tls.

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const { differential, describeError, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

function watchClient(rec, c) {
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {});
  c.resume();
  return once(c, 'close');
}

describe('client-side failures match built-in tls', () => {
  it('connection refused', async () => {
    await differential(async ({ clientTls, rec }) => {
      const probe = net.createServer();
      const port = await listen(probe);
      probe.close();
      await once(probe, 'close');
      const c = clientTls.connect({ port, host: '127.0.0.1', ca });
      await watchClient(rec, c);
    }, { side: 'client' });
  });

  it('peer closes before the handshake (ECONNRESET with host and port)', async () => {
    await differential(async ({ clientTls, rec }) => {
      const srv = net.createServer((s) => s.end());
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca });
      const closed = watchClient(rec, c);
      await closed;
      srv.close();
    }, { side: 'client' });
  });

  it('peer destroys the connection before the handshake', async () => {
    await differential(async ({ clientTls, rec }) => {
      const srv = net.createServer((s) => s.destroy());
      const port = await listen(srv);
      await watchClient(rec, clientTls.connect({ port, host: '127.0.0.1', ca }));
      srv.close();
    }, { side: 'client' });
  });

  it('protocol version mismatch', async () => {
    for (const side of ['client', 'server']) {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer({ ...certs, minVersion: 'TLSv1.3' });
        rec.watch(srv, 'server', SERVER_EVENTS);
        const port = await listen(srv);
        await watchClient(rec, clientTls.connect({ port, host: '127.0.0.1', ca, maxVersion: 'TLSv1.2' }));
        srv.close();
        await once(srv, 'close');
      }, { side });
    }
  });
});

// In Node a write made before the handshake is in SSL_write when the handshake fails, so that
// write fails first: "write EPROTO <OpenSSL's error>" (errno, code 'EPROTO', syscall 'write'),
// the error users of https know from a TLS port answered in plaintext.
describe('a write waiting for a failing handshake', () => {
  const scenarios = {
    'a protocol version alert': async (serverTls) => {
      const srv = serverTls.createServer({ ...certs, minVersion: 'TLSv1.3' }, (s) => s.end());
      return { srv, client: { maxVersion: 'TLSv1.2' } };
    },
    'a refused ALPN protocol': async (serverTls) => {
      // (Node 18's server does not refuse: the handshake completes, the server ends it.)
      const srv = serverTls.createServer({ ...certs, ALPNProtocols: ['h2'] }, (s) => s.end());
      return { srv, client: { ALPNProtocols: ['x-none'] } };
    },
    'a plaintext HTTP server (wrong version number)': async () => {
      const srv = net.createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
      return { srv, client: {} };
    },
  };
  for (const [name, make] of Object.entries(scenarios)) {
    it(`fails with write EPROTO: ${name}`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const { srv, client } = await make(serverTls);
        srv.on('tlsClientError', () => {});
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', ...client });
        c.write('GET / HTTP/1.1\r\n\r\n', (err) => rec.add('client', 'write callback', describeError(err)));
        await watchClient(rec, c);
        srv.close();
        await once(srv, 'close');
      }, { side: 'client' });
    });
  }
});

// A server that refuses the client's (missing) certificate after a TLS 1.3 handshake sends an alert
// and closes; a write racing that gets the peer's reset. Node reports one error either way
// (measured: the alert or ECONNRESET, never both); a second 'error' crashed ioredis, whose
// stream listener is once('error'). The reset is injected after the alert to make the race
// deterministic.
describe('one error for a refused connection', () => {
  it('a transport error after the TLS alert closes the socket without a second error', async (t) => {
    const tlsRs = require('..');
    const { kTransport, kTransportKind } = require('../lib/symbols');
    const srv = require('node:tls').createServer({ ...certs, requestCert: true, rejectUnauthorized: true, ca });
    srv.on('tlsClientError', () => {});
    t.after(() => srv.close());
    const port = await listen(srv);
    const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    const errors = [];
    c.on('error', (err) => {
      errors.push(err.code);
      // What the socket then hears from the kernel: the peer's reset.
      if (c[kTransportKind] === 'native') c._onNativeError('ECONNRESET', true);
      else c[kTransport].emit('error', Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', syscall: 'write' }));
    });
    await once(c, 'close');
    assert.deepEqual(errors, ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED']);
  });
});

describe('server-side failures match built-in tls', () => {
  it('client sends plaintext', async () => {
    await differential(async ({ serverTls, rec }) => {
      const srv = serverTls.createServer(certs);
      rec.watch(srv, 'server', SERVER_EVENTS);
      const port = await listen(srv);
      const raw = net.connect(port, '127.0.0.1', () => raw.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      raw.on('error', () => {});
      raw.resume();
      await once(raw, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });

  it('client disconnects before the handshake', async () => {
    await differential(async ({ serverTls, rec }) => {
      const srv = serverTls.createServer(certs);
      rec.watch(srv, 'server', SERVER_EVENTS);
      const port = await listen(srv);
      const raw = net.connect(port, '127.0.0.1', () => raw.end());
      raw.resume();
      await once(raw, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });

  // (With TLS 1.3 OpenSSL needs a certificate or a servername callback to offer it at all: both
  // Node's servers and tls-rs's have the callback, so both report
  // ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM there.)
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3']) {
    it(`a server without a certificate (${maxVersion})`, async () => {
      await differential(async ({ serverTls, clientTls, rec }) => {
        const srv = serverTls.createServer({});
        rec.watch(srv, 'server', SERVER_EVENTS);
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion });
        rec.watch(c, 'client', SOCKET_EVENTS);
        c.on('error', () => {}); // recorded by watch()
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side: 'server' });
    });
  }

  it('handshake timeout (ERR_TLS_HANDSHAKE_TIMEOUT)', async () => {
    await differential(async ({ serverTls, rec }) => {
      const srv = serverTls.createServer({ ...certs, handshakeTimeout: 100 });
      rec.watch(srv, 'server', SERVER_EVENTS);
      // Node only reports the timeout; closing the connection is the listener's job (https does).
      srv.on('tlsClientError', (err, socket) => socket.destroy());
      const port = await listen(srv);
      const raw = net.connect(port, '127.0.0.1');
      raw.resume();
      await once(raw, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });
});
