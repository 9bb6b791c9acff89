'use strict';
// Node's own HTTP stacks on tls-rs sockets, as real-clients.md describes users plugging it in:
// an https.Agent whose createConnection is tls-rs's connect (with the Agent's session cache, as
// axios/got/node-fetch use it), http2 over a tls-rs client (createConnection) and a tls-rs
// server (emit('connection')), and mysqljs's bare client TLSSocket ('secure' + ssl.verifyError()).
// Each is compared with the same code on built-in tls.

const https = require('node:https');
const http2 = require('node:http2');
const net = require('node:net');
const { describe, it } = require('node:test');
const { differential, describeError, fixture, once, listen } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

// An https.Agent making its connections with `tls`, keeping https.Agent's session cache.
function agentOver(tls) {
  class TlsAgent extends https.Agent {
    createConnection(options) {
      const key = options._agentKey;
      const session = this._getSession(key);
      const socket = tls.connect(session ? { session, ...options } : options);
      socket.on('session', (s) => this._cacheSession(key, s));
      socket.once('close', (err) => { if (err) this._evictSession(key); });
      return socket;
    }
  }
  return new TlsAgent({ keepAlive: false, maxCachedSessions: 4 });
}

function get(options) {
  return new Promise((resolve, reject) => {
    https.get(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, reused: res.socket.isSessionReused() }));
    }).on('error', reject);
  });
}

describe('https.Agent with tls-rs connections', () => {
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3']) {
    it(`${maxVersion}: requests succeed and later ones resume the cached session`, async () => {
      await differential(async ({ clientTls, rec }) => {
        const srv = https.createServer({ ...certs, maxVersion }, (req, res) => {
          res.end(`${req.url} encrypted=${req.socket.encrypted} reused=${req.socket.isSessionReused()}`);
        });
        const port = await listen(srv);
        const agent = agentOver(clientTls);
        for (const path of ['/1', '/2', '/3']) {
          rec.add('client', await get({ host: 'localhost', port, path, ca, agent }));
        }
        agent.destroy();
        srv.close();
        await once(srv, 'close');
      }, { side: 'client' });
    });
  }

  it('an untrusted server fails the request with the verification error', async () => {
    await differential(async ({ clientTls, rec }) => {
      const srv = https.createServer(certs, (req, res) => res.end());
      const port = await listen(srv);
      const agent = agentOver(clientTls);
      await get({ host: 'localhost', port, agent }).catch((err) => rec.add('client', 'error', describeError(err)));
      agent.destroy();
      srv.close();
      await once(srv, 'close');
    }, { side: 'client' });
  });
});

describe('http2 on tls-rs sockets', () => {
  // Two requests on one session; each answer names its path and the negotiated protocol.
  async function requests(client, rec) {
    for (const path of ['/a', '/b']) {
      const req = client.request({ ':path': path });
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => { body += d; });
      const ended = once(req, 'end');
      const headers = await once(req, 'response');
      await ended;
      rec.add('client', { status: headers[':status'], body });
    }
    client.close();
    await once(client, 'close');
  }

  // Only the path is echoed: http2 runs a socket that is not one of Node's own (no StreamBase
  // handle) through a JSStreamSocket, whose `alpnProtocol`/`encrypted` a server session reports.
  function onStream(stream, headers) {
    stream.respond({ ':status': 200 });
    stream.end(`${headers[':path']}`);
  }

  it('client: http2.connect with createConnection → tls-rs connect (ALPN h2)', async () => {
    await differential(async ({ clientTls, rec }) => {
      const srv = http2.createSecureServer(certs);
      srv.on('stream', onStream);
      const port = await listen(srv);
      const client = http2.connect(`https://localhost:${port}`, {
        createConnection: () => clientTls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca,
          ALPNProtocols: ['h2'] }),
      });
      await requests(client, rec);
      srv.close();
      await once(srv, 'close');
    }, { side: 'client' });
  });

  it('server: a tls-rs server hands its h2 connections to http2.createServer()', async () => {
    await differential(async ({ serverTls, rec }) => {
      const h2 = http2.createServer();
      h2.on('stream', onStream);
      const srv = serverTls.createServer({ ...certs, ALPNProtocols: ['h2'] }, (s) => h2.emit('connection', s));
      const port = await listen(srv);
      const client = http2.connect(`https://localhost:${port}`, { ca });
      await requests(client, rec);
      srv.close();
      await once(srv, 'close');
      h2.close();
    }, { side: 'server' });
  });
});

describe('mysqljs: a bare client TLSSocket over a connected socket', () => {
  for (const [name, withCa] of [['a trusted server', true], ['an untrusted server', false]]) {
    it(`${name}: 'secure', then ssl.verifyError() decides`, async () => {
      await differential(async ({ clientTls, rec }) => {
        const srv = require('node:tls').createServer(certs, (s) => s.end('greeting'));
        srv.on('tlsClientError', () => {});
        const raw = net.connect(await listen(srv), '127.0.0.1');
        await once(raw, 'connect');
        const secureContext = clientTls.createSecureContext(withCa ? { ca } : {});
        const secure = new clientTls.TLSSocket(raw, {
          rejectUnauthorized: true, requestCert: true, secureContext, isServer: false,
        });
        secure.on('_tlsError', (err) => rec.add('client', '_tlsError', describeError(err)));
        secure.on('secure', function() {
          const err = this.ssl.verifyError();
          rec.add('client', 'secure', { verifyError: describeError(err), authorized: this.authorized });
          if (err) this.destroy();
        });
        secure.on('data', (d) => rec.add('client', 'data', String(d)));
        secure._start();
        await once(secure, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side: 'client' });
    });
  }
});
