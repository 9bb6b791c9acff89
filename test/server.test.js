'use strict';
// tls.Server beyond the handshake: connection limits and counts, the seed docs' `connections`
// and 'clientError', listen/address/close — compared with built-in tls where Node has them.

const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const { differential, fixture, once, listen, SERVER_EVENTS, tlsRs } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };

describe('tls.Server', () => {
  it('maxConnections refuses connections over the limit, getConnections counts them', async () => {
    await differential(async ({ serverTls, clientTls, rec }) => {
      const srv = serverTls.createServer(certs, (s) => s.resume());
      srv.maxConnections = 1;
      rec.watch(srv, 'server', SERVER_EVENTS);
      srv.on('drop', (data) => rec.add('server', 'drop', typeof data.remotePort));
      const port = await listen(srv);
      const first = clientTls.connect({ ...clientOptions, port });
      await once(first, 'secureConnect');
      const count = await new Promise((resolve) => srv.getConnections((err, n) => resolve([err, n])));
      rec.add('server', 'getConnections', count);
      const second = clientTls.connect({ ...clientOptions, port });
      second.on('error', (err) => rec.add('second', 'error', err.code));
      await once(second, 'close');
      first.end();
      await once(first, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });

  it('address(), listening and close() behave as net.Server', async () => {
    await differential(async ({ serverTls, rec }) => {
      const srv = serverTls.createServer(certs);
      rec.add('server', 'before listen', { listening: srv.listening, address: srv.address() });
      await listen(srv);
      const { family, address } = srv.address();
      rec.add('server', 'listening', { listening: srv.listening, family, address });
      srv.close();
      await once(srv, 'close');
      rec.add('server', 'closed', { listening: srv.listening });
    }, { side: 'server' });
  });

  it('`connections` counts open connections (seed docs; Node 20 dropped it)', async () => {
    const srv = tlsRs.createServer(certs, (s) => s.resume());
    const port = await listen(srv);
    assert.equal(srv.connections, 0);
    const c = tlsRs.connect({ ...clientOptions, port });
    const accepted = await once(srv, 'secureConnection');
    assert.equal(srv.connections, 1);
    c.end();
    await Promise.all([once(c, 'close'), once(accepted, 'close')]);
    assert.equal(srv.connections, 0);
    srv.close();
    await once(srv, 'close');
  });

  it("'clientError' (seed docs' name) fires with 'tlsClientError' for a failed handshake", async () => {
    const srv = tlsRs.createServer(certs);
    const seen = [];
    srv.on('tlsClientError', (err, socket) => seen.push(['tlsClientError', err.code, socket instanceof tlsRs.TLSSocket]));
    srv.on('clientError', (err, socket) => seen.push(['clientError', err.code, socket instanceof tlsRs.TLSSocket]));
    const port = await listen(srv);
    const raw = net.connect(port, '127.0.0.1', () => raw.write('not tls at all\r\n\r\n'));
    raw.on('error', () => {});
    raw.resume();
    await once(raw, 'close');
    srv.close();
    await once(srv, 'close');
    assert.deepEqual(seen, [
      ['tlsClientError', 'ERR_SSL_WRONG_VERSION_NUMBER', true],
      ['clientError', 'ERR_SSL_WRONG_VERSION_NUMBER', true],
    ]);
  });

  it('server.emit(\'connection\', socket) injects a connection, as documented', async () => {
    await differential(async ({ serverTls, clientTls, rec }) => {
      const srv = serverTls.createServer(certs, (s) => {
        rec.add('server', 'secureConnection', s.authorized);
        s.end('injected');
      });
      const plain = net.createServer((raw) => srv.emit('connection', raw));
      const port = await listen(plain);
      const c = clientTls.connect({ ...clientOptions, port });
      c.setEncoding('utf8');
      let got = '';
      c.on('data', (d) => { got += d; });
      await once(c, 'close');
      rec.add('client', 'received', got);
      plain.close();
      await once(plain, 'close');
    }, { side: 'server' });
  });

  it('server.emit(\'connection\', duplex) serves a Duplex that has no fd', async () => {
    const { duplexPair } = require('./helpers/wire');
    await differential(async ({ serverTls, clientTls, rec }) => {
      const [a, b] = duplexPair();
      const srv = serverTls.createServer(certs, (s) => {
        rec.add('server', 'secureConnection', { authorized: s.authorized, servername: s.servername });
        s.setEncoding('utf8');
        s.on('data', (d) => s.end(`injected ${d}`));
      });
      srv.emit('connection', b);
      const c = clientTls.connect({ socket: a, servername: 'localhost', ca: clientOptions.ca }, () => c.write('hi'));
      c.setEncoding('utf8');
      let got = '';
      c.on('data', (d) => { got += d; });
      await once(c, 'end');
      rec.add('client', 'received', got);
      c.end();
    }, { side: 'server' });
  });
});
