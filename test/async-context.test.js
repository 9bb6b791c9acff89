'use strict';
// The async context TLS events run in, as built-in tls gives it: an AsyncLocalStorage store set
// around createServer() is seen in 'secureConnection' and in the server socket's 'data' and
// 'end' (Node's TLSWrap is made in the server's context), one set around tls.connect() in the
// client's events — on the native transport, on the memory-BIO path (a server with a
// 'connection' listener), for STARTTLS (new TLSSocket over an accepted socket) and over a
// Duplex. APM agents and request-scoped loggers rely on it.

const net = require('node:net');
const { AsyncLocalStorage } = require('node:async_hooks');
const { describe, it } = require('node:test');
const { differential, fixture, once, listen } = require('./helpers/differential');
const { duplexPair } = require('./helpers/wire');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

// Records, for each event, the store the listener sees ('-' for none).
function storeRecorder(als, rec) {
  return (label, emitter, events) => {
    for (const event of events) emitter.on(event, () => rec.add(label, `${event}: ${als.getStore() ?? '-'}`));
  };
}

// A server made inside als.run('server'); a client connecting inside als.run('client') that
// says hello and ends once it has the answer. `connectionListener`: the server also listens for
// 'connection' (which takes it off the native transport).
async function serverAndClient({ clientTls, serverTls, rec }, { connectionListener, collectGarbage = false }) {
  const als = new AsyncLocalStorage();
  const record = storeRecorder(als, rec);
  const server = als.run('server', () => serverTls.createServer(certs, (s) => {
    rec.add('server', `secureConnection: ${als.getStore() ?? '-'}`);
    record('server', s, ['data', 'end']);
    s.on('data', () => {
      // A full collection once data flows: whatever only the handshake needed is gone.
      if (collectGarbage) setImmediate(() => { gc(); gc(); s.end('bye'); });
      else s.end('bye');
    });
  }));
  if (connectionListener) server.on('connection', () => {});
  // (Listening inside the store too: Node's server handle, made by listen(), is where a
  // connection's callbacks start.)
  const port = await als.run('server', () => listen(server));
  const client = als.run('client', () => clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
    rec.add('client', `secureConnect: ${als.getStore() ?? '-'}`);
    client.write('hello');
  }));
  record('client', client, ['data', 'end', 'close']);
  client.resume();
  await once(client, 'close');
  server.close();
}

// STARTTLS on the server: a plain net server, the TLSSocket made inside als.run('upgrade') over
// the accepted socket; the client upgrades its own socket inside als.run('client').
async function starttls({ clientTls, serverTls, rec }) {
  const als = new AsyncLocalStorage();
  const record = storeRecorder(als, rec);
  const context = serverTls.createSecureContext(certs);
  const plain = net.createServer((raw) => {
    raw.once('data', () => {
      raw.write('go\n');
      const secure = als.run('upgrade', () => new serverTls.TLSSocket(raw, { isServer: true, secureContext: context }));
      record('server', secure, ['secure', 'data', 'end']);
      secure.on('data', () => secure.end('bye'));
    });
  });
  const port = await listen(plain);
  const raw = net.connect(port, '127.0.0.1');
  await once(raw, 'connect');
  raw.write('STARTTLS\n');
  await once(raw, 'data');
  const client = als.run('client', () => clientTls.connect({ socket: raw, servername: 'localhost', ca }, () => client.write('hello')));
  record('client', client, ['secureConnect', 'data', 'end', 'close']);
  client.resume();
  await once(client, 'close');
  plain.close();
}

// TLS over an in-memory Duplex pair, each end made in its own store.
async function overDuplex({ clientTls, serverTls, rec }) {
  const als = new AsyncLocalStorage();
  const record = storeRecorder(als, rec);
  const [a, b] = duplexPair();
  const server = als.run('server', () => new serverTls.TLSSocket(b, { isServer: true, secureContext: serverTls.createSecureContext(certs) }));
  record('server', server, ['secure', 'data', 'end']);
  server.on('data', () => server.end('bye'));
  const client = als.run('client', () => {
    const c = clientTls.connect({ socket: a, servername: 'localhost', ca }, () => c.write('hello'));
    // (Resumed in the store too: over memory both ends can finish within the tick that resume()
    // defers its flowing to, and that tick runs in the store resume() was called in.)
    c.resume();
    return c;
  });
  record('client', client, ['secureConnect', 'data', 'end']);
  await once(client, 'end');
}

// The collector, for the scenario that needs one (node --test runs without --expose-gc).
require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');

describe('AsyncLocalStorage context in TLS events', () => {
  for (const side of ['client', 'server', 'both']) {
    it(`a server's connections on its default path (tls-rs as ${side})`, async () => {
      await differential((env) => serverAndClient(env, { connectionListener: false }), { side });
    });
    // (Node 22+ holds an N-API async context's resource weakly: collected, its store was lost.)
    it(`a server's connections on its default path, after a garbage collection (tls-rs as ${side})`, async () => {
      await differential((env) => serverAndClient(env, { connectionListener: false, collectGarbage: true }), { side });
    });
    it(`a server with a 'connection' listener (tls-rs as ${side})`, async () => {
      await differential((env) => serverAndClient(env, { connectionListener: true }), { side });
    });
    it(`STARTTLS over accepted and connected net.Sockets (tls-rs as ${side})`, async () => {
      await differential(starttls, { side });
    });
    it(`over an in-memory Duplex (tls-rs as ${side})`, async () => {
      await differential(overDuplex, { side });
    });
  }
});
