'use strict';
// NPN (seed docs: Node v4–v5; modern Node removed it, so there is no built-in tls to compare
// with): NPNProtocols on clients and servers (an array of strings or a wire-format Buffer),
// tls.convertNPNProtocols, and npnProtocol on both ends with Node v5's selection (Node v4's
// test-tls-npn-server-client table), TLS 1.3 and ALPN precedence; then interop with
// `openssl s_client -nextprotoneg` and `openssl s_server -nextprotoneg` over TLS 1.2.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { fixture, once, listen, tlsRs } = require('./helpers/differential');
const { startOpensslServer, startOpensslClient, withTimeout } = require('./helpers/peers');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

/** One tls-rs ↔ tls-rs connection; returns what each end reports once secure. */
async function connection({ server = {}, client = {} }) {
  let atServer;
  const srv = tlsRs.createServer({ ...CERT, ...server }, (s) => {
    atServer = { npnProtocol: s.npnProtocol, alpnProtocol: s.alpnProtocol };
    s.end();
  });
  const port = await listen(srv);
  const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', ...client });
  const before = c.npnProtocol;
  let atClient;
  c.on('secureConnect', () => { atClient = { npnProtocol: c.npnProtocol, alpnProtocol: c.alpnProtocol }; });
  c.resume();
  await withTimeout(once(c, 'close'), 10_000, 'client close');
  srv.close();
  await once(srv, 'close');
  return { before, server: atServer, client: atClient };
}

describe('tls.convertNPNProtocols (Node v5)', () => {
  it('encodes an array of strings in wire format', () => {
    const out = {};
    tlsRs.convertNPNProtocols(['hello', 'wörld'], out);
    assert.equal(out.NPNProtocols.toString('hex'), Buffer.from('\x05hello\x06w\xc3\xb6rld', 'latin1').toString('hex'));
  });

  it('keeps a Buffer and ignores anything else', () => {
    const buf = Buffer.from('\x02h2');
    const out = {};
    tlsRs.convertNPNProtocols(buf, out);
    assert.equal(out.NPNProtocols, buf);
    for (const other of ['h2', 42, undefined, new Uint16Array(2)]) {
      const o = {};
      tlsRs.convertNPNProtocols(other, o);
      assert.equal(o.NPNProtocols, undefined);
    }
  });

  it('a name over 255 bytes is ERR_OUT_OF_RANGE', () => {
    assert.throws(() => tlsRs.convertNPNProtocols(['x'.repeat(256)], {}), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => tlsRs.connect({ port: 1, NPNProtocols: ['x'.repeat(256)] }), { code: 'ERR_OUT_OF_RANGE' });
  });

  it('an NPNProtocols that is neither an array nor a Buffer is a TypeError', () => {
    assert.throws(() => new tlsRs.TLSSocket(null, { NPNProtocols: 'h2' }), {
      name: 'TypeError', message: 'Must give a Buffer as first argument',
    });
  });

  it('createServer stores the wire format', () => {
    const srv = tlsRs.createServer({ ...CERT, NPNProtocols: ['a', 'bc'] });
    assert.equal(srv.NPNProtocols.toString('latin1'), '\x01a\x02bc');
  });
});

describe('NPN negotiation, tls-rs on both ends', () => {
  const TLS12 = { maxVersion: 'TLSv1.2' };
  // Node v4's test-tls-npn-server-client: the server lists a, b, c.
  const server = { NPNProtocols: ['a', 'b', 'c'], ...TLS12 };
  const cases = {
    'the same list: the first server protocol': [{ NPNProtocols: ['a', 'b', 'c'] }, 'a', 'a'],
    'overlap: the first server protocol the client lists': [{ NPNProtocols: ['c', 'b', 'e'] }, 'b', 'b'],
    'no overlap: the client sends its first protocol, its npnProtocol is false':
      [{ NPNProtocols: ['first-priority-unsupported', 'x', 'y'] }, 'first-priority-unsupported', false],
    'a client without NPNProtocols sends http/1.1, its npnProtocol is false': [{}, 'http/1.1', false],
    'wire-format Buffers': [{ NPNProtocols: Buffer.from('\x01x\x01c') }, 'c', 'c'],
  };
  for (const [name, [client, atServer, atClient]] of Object.entries(cases)) {
    it(name, async () => {
      const r = await connection({ server, client: { ...client, ...TLS12 } });
      assert.equal(r.before, null, 'npnProtocol is null before the handshake');
      assert.deepEqual(r.server, { npnProtocol: atServer, alpnProtocol: false });
      assert.deepEqual(r.client, { npnProtocol: atClient, alpnProtocol: false });
    });
  }

  it('a server without NPNProtocols negotiates nothing', async () => {
    const r = await connection({ server: TLS12, client: { NPNProtocols: ['a'], ...TLS12 } });
    assert.deepEqual([r.server.npnProtocol, r.client.npnProtocol], [false, false]);
  });

  it('TLS 1.3 has no NPN: false on both ends', async () => {
    const r = await connection({ server: { NPNProtocols: ['a'] }, client: { NPNProtocols: ['a'] } });
    assert.deepEqual([r.server.npnProtocol, r.client.npnProtocol], [false, false]);
  });

  it('ALPN takes precedence when both are negotiated', async () => {
    const r = await connection({
      server: { NPNProtocols: ['a'], ALPNProtocols: ['h2'], ...TLS12 },
      client: { NPNProtocols: ['a'], ALPNProtocols: ['h2'], ...TLS12 },
    });
    assert.deepEqual(r.server, { npnProtocol: false, alpnProtocol: 'h2' });
    assert.deepEqual(r.client, { npnProtocol: false, alpnProtocol: 'h2' });
  });

  it('NPN is used when ALPN finds no common ground on a server without ALPN', async () => {
    const r = await connection({
      server: { NPNProtocols: ['a'], ...TLS12 },
      client: { NPNProtocols: ['a'], ALPNProtocols: ['h2'], ...TLS12 },
    });
    assert.deepEqual(r.server, { npnProtocol: 'a', alpnProtocol: false });
    assert.deepEqual(r.client, { npnProtocol: 'a', alpnProtocol: false });
  });

  it('new tls.TLSSocket(socket, { NPNProtocols }) on both ends', async () => {
    const net = require('node:net');
    const results = {};
    const srv = net.createServer((raw) => {
      const s = new tlsRs.TLSSocket(raw, { isServer: true, secureContext: tlsRs.createSecureContext({ ...CERT, ...TLS12 }), NPNProtocols: ['x', 'y'] });
      s.on('secure', () => { results.server = s.npnProtocol; s.end(); });
    });
    const port = await listen(srv);
    const raw = net.connect(port, '127.0.0.1');
    await once(raw, 'connect');
    const c = new tlsRs.TLSSocket(raw, { secureContext: tlsRs.createSecureContext(TLS12), NPNProtocols: ['y'] });
    c._start();
    c.on('secure', () => { results.client = c.npnProtocol; });
    c.resume();
    await withTimeout(once(c, 'close'), 10_000, 'close');
    srv.close();
    assert.deepEqual(results, { server: 'y', client: 'y' });
  });
});

describe('NPN interop with openssl (TLS 1.2)', () => {
  it('s_client -nextprotoneg gets the server\'s pick', async (t) => {
    const seen = [];
    const srv = tlsRs.createServer({ ...CERT, NPNProtocols: ['spdy/2', 'http/1.1'] }, (s) => {
      seen.push(s.npnProtocol);
      s.end();
    });
    const port = await listen(srv);
    t.after(() => srv.close());
    const client = startOpensslClient(port, ['-tls1_2', '-nextprotoneg', 'http/1.1,spdy/2'], { t });
    await client.waitFor(/Next protocol: \(1\) spdy\/2/);
    client.end();
    await client.waitExit();
    assert.deepEqual(seen, ['spdy/2']);
  });

  it('s_server -nextprotoneg: the client picks from its list', async (t) => {
    const server = await startOpensslServer(
      ['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem',
        '-nextprotoneg', 'a,b', '-tls1_2'], { t });
    const socket = tlsRs.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost', NPNProtocols: ['b', 'c'] });
    t.after(() => socket.destroy());
    await withTimeout(new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    }), 10_000, 'secureConnect');
    assert.equal(socket.npnProtocol, 'b');
    socket.write('hello\n');
    await server.waitFor(/NEXTPROTO is b/);
    socket.end();
  });

  it('s_server without NPN: npnProtocol is false', async (t) => {
    const server = await startOpensslServer(
      ['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem', '-tls1_2'], { t });
    const socket = tlsRs.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost', NPNProtocols: ['b'] });
    t.after(() => socket.destroy());
    await withTimeout(new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    }), 10_000, 'secureConnect');
    assert.equal(socket.npnProtocol, false);
    socket.end();
  });
});
