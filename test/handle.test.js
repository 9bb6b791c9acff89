'use strict';
// A TLSSocket's `_handle` (Node's TLSWrap): the members packages and Node's own tests read — fd,
// writeQueueSize, the renegotiation guard's handshakes / lastHandshakeTime, readStop/readStart,
// shutdown(req) — look and behave as built-in tls's.

const { describe, it } = require('node:test');
const assert = require('node:assert');
const { differential, fixture, once, listen, tlsRs } = require('./helpers/differential');
const { duplexPair: wireDuplexPair } = require('./helpers/wire');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };

// What user code can see of a handle without depending on numbers that differ run to run.
function describeHandle(socket) {
  const h = socket._handle;
  return {
    fd: typeof h.fd === 'number' && h.fd >= 0 ? 'an fd' : h.fd,
    writeQueueSize: typeof h.writeQueueSize,
    handshakes: h.handshakes,
    lastHandshakeTime: typeof h.lastHandshakeTime,
    methods: ['readStart', 'readStop', 'shutdown', 'verifyError', 'getAsyncId']
      .filter((m) => typeof h[m] === 'function'),
  };
}

describe('_handle', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`has TLSWrap's members on both ends (tls-rs as ${side})`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer(certs, (s) => {
          rec.add('server-socket', 'handle', describeHandle(s));
          s.end('bye');
        });
        const port = await listen(srv);
        const c = clientTls.connect({ ...clientOptions, port }, () => {
          rec.add('client', 'handle', describeHandle(c));
        });
        c.resume();
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side });
    });
  }

  // Over a Duplex stream Node's handle counts the ciphertext the stream has not called back for
  // (Node's test-tls-generic-stream); tls-rs reported 0 there.
  const pairs = {
    'a Duplex that calls back at once': wireDuplexPair,
    // (Node 22.6+.)
    'stream.duplexPair()': require('node:stream').duplexPair,
  };
  for (const [pairName, duplexPair] of Object.entries(pairs)) {
    for (const side of duplexPair ? ['client', 'both'] : []) {
      it(`writeQueueSize over ${pairName}: above 0 after a write, 0 in its callback (tls-rs as ${side})`, async () => {
        await differential(async ({ clientTls, serverTls, rec }) => {
          const [clientSide, serverSide] = duplexPair();
          const client = clientTls.connect({ socket: clientSide, ca: fixture('ca-cert.pem'), servername: 'localhost' });
          const server = new serverTls.TLSSocket(serverSide, { isServer: true, ...certs });
          server.on('data', (d) => rec.add('server', 'data', d.toString()));
          await once(client, 'secureConnect');
          const written = new Promise((resolve) => client.write('foobar', () => {
            rec.add('client', 'in the write callback', client._handle.writeQueueSize);
            resolve();
          }));
          rec.add('client', 'after write', client._handle.writeQueueSize > 0);
          await written;
          client.destroy();
          server.destroy();
        }, { side });
      });
    }
  }

  // A write made while the client's TLS 1.2 renegotiation runs waits for it (Node's ClearIn keeps
  // it); once the renegotiation let it out, its callback comes after the Duplex finished it, as
  // every write's does, so writeQueueSize no longer counts it there.
  it('writeQueueSize in the callback of a write a renegotiation held, over a Duplex (tls-rs as client)', async () => {
    await differential(async ({ clientTls, serverTls, rec }) => {
      const [clientSide, serverSide] = wireDuplexPair();
      const client = clientTls.connect({ socket: clientSide, ca: fixture('ca-cert.pem'), servername: 'localhost', maxVersion: 'TLSv1.2' });
      const server = new serverTls.TLSSocket(serverSide, { isServer: true, ...certs });
      server.on('data', (d) => rec.add('server', 'data', d.toString()));
      await once(client, 'secureConnect');
      const renegotiated = new Promise((resolve) => client.renegotiate({}, (err) => {
        rec.add('client', 'renegotiated', err ?? null);
        resolve();
      }));
      const written = new Promise((resolve) => client.write('held', () => {
        rec.add('client', 'in the write callback', client._handle.writeQueueSize);
        resolve();
      }));
      await Promise.all([renegotiated, written]);
      client.destroy();
      server.destroy();
    }, { side: 'client' });
  });

  // Built-in tls's shutdown needs net's internal ShutdownWrap (a plain object aborts the
  // process), so this one is tls-rs's alone: what net's _final relies on.
  for (const who of ['client', 'server']) {
    it(`shutdown(req) sends close_notify and the FIN, then req.oncomplete(0) (${who})`, async () => {
      const tls = require('node:tls');
      const completed = [];
      let endPeer;
      let complete;
      const peerEnded = new Promise((resolve) => { endPeer = resolve; });
      const shutdownCompleted = new Promise((resolve) => { complete = resolve; });
      const shutdown = (socket) => {
        const req = { oncomplete(status) { completed.push([status, this === req]); complete(); } };
        completed.push(['returned', socket._handle.shutdown(req)]);
      };
      const srv = (who === 'server' ? tlsRs : tls).createServer(certs, (s) => {
        if (who === 'server') shutdown(s);
        else s.on('end', endPeer).resume();
      });
      const port = await listen(srv);
      const c = (who === 'client' ? tlsRs : tls).connect({ ...clientOptions, port }, () => {
        if (who === 'client') shutdown(c);
      });
      if (who === 'server') c.on('end', endPeer);
      c.resume();
      try {
        await Promise.all([peerEnded, shutdownCompleted]);
        assert.deepStrictEqual(completed, [['returned', 0], [0, true]]);
      } finally {
        c.destroy();
        srv.close();
        await once(srv, 'close');
      }
    });
  }
});
