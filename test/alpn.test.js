'use strict';
// ALPN: tls.convertALPNProtocols, ALPNProtocols on both ends (arrays, Buffers, typed arrays),
// the server's preference, Node's fatal no_application_protocol alert, the server's
// ALPNCallback, and `alpnProtocol` — differential against built-in tls with tls-rs as client,
// server and both; then interop with `openssl s_client -alpn` / `s_server -alpn`.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const {
  differential, describeError, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS, nodeTls, tlsRs,
} = require('./helpers/differential');
const { startOpensslServer, startOpensslClient, withTimeout } = require('./helpers/peers');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');
const SIDES = ['client', 'server', 'both'];
// Node 19+ servers refuse a client without a protocol in common (fatal alert); Node 18's go on
// without ALPN. tls-rs does what the running Node does; the control runs check it.
const NO_OVERLAP_FATAL = require('../lib/host-tls').alpnNoOverlapIsFatal();
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];

/** What `fn()` throws (or returns), described for comparison. */
function outcome(fn) {
  try {
    return { returned: fn() };
  } catch (err) {
    return { threw: describeError(err) };
  }
}

/**
 * One connection: the server's and the client's events, what each end reports once secure,
 * and every ALPNCallback call (its argument and `this.servername`).
 */
async function connection({ clientTls, serverTls, rec }, { server = {}, client = {} }) {
  const serverOptions = { ...CERT, ...server };
  if (serverOptions.ALPNCallback) {
    const callback = serverOptions.ALPNCallback;
    serverOptions.ALPNCallback = function(arg) {
      rec.add('callbacks', 'ALPNCallback', { arg, thisServername: this.servername });
      return callback.call(this, arg);
    };
  }
  const srv = serverTls.createServer(serverOptions, (s) => {
    rec.add('server', 'at secureConnection', { alpnProtocol: s.alpnProtocol, servername: s.servername });
    s.end('bye');
  });
  rec.watch(srv, 'server', SERVER_EVENTS);
  srv.on('tlsClientError', (err, s) => {
    rec.add('server', 'tlsClientError socket', { alpnProtocol: s.alpnProtocol, servername: s.servername });
  });
  const port = await listen(srv);
  const c = clientTls.connect({ port, host: '127.0.0.1', ca, ...client });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {}); // recorded by watch()
  rec.add('client', 'before handshake', { alpnProtocol: c.alpnProtocol });
  c.on('secureConnect', () => {
    rec.add('client', 'at secureConnect', { alpnProtocol: c.alpnProtocol, servername: c.servername });
  });
  c.resume();
  await once(c, 'close');
  srv.close();
  await once(srv, 'close');
}

describe('tls.convertALPNProtocols', () => {
  const cases = {
    'array of strings': () => ['h2', 'http/1.1'],
    'multi-byte names (byte lengths)': () => ['ü', '日本'],
    'empty array': () => [],
    'Buffer (copied)': () => Buffer.from('\x02h2'),
    Uint8Array: () => new Uint8Array([2, 104, 50]),
    'Uint16Array (its bytes)': () => new Uint16Array([0x6802, 0x0032]),
    'DataView over part of a buffer': () => new DataView(new Uint8Array([9, 2, 104, 50, 9]).buffer, 1, 3),
    'a string (ignored)': () => 'h2',
    'undefined (ignored)': () => undefined,
    'name of 255 bytes': () => ['a'.repeat(255)],
    'name of 256 bytes': () => ['b', 'a'.repeat(256)],
    'name of 256 bytes in multi-byte characters': () => ['é'.repeat(128)],
  };
  for (const [name, make] of Object.entries(cases)) {
    it(name, () => {
      const run = (tls) => {
        const input = make();
        const out = { ALPNProtocols: 'untouched' };
        const result = outcome(() => tls.convertALPNProtocols(input, out));
        const converted = out.ALPNProtocols;
        return {
          result,
          out: Buffer.isBuffer(converted) ? `buffer:${converted.toString('hex')}` : converted,
          copied: Buffer.isBuffer(converted) ? converted !== input : null,
        };
      };
      assert.deepStrictEqual(run(tlsRs), run(nodeTls));
    });
  }

  it('keeps no link to the caller\'s Buffer', () => {
    const input = Buffer.from('\x02h2');
    const out = {};
    tlsRs.convertALPNProtocols(input, out);
    input[1] = 0x78;
    assert.equal(out.ALPNProtocols.toString('latin1'), '\x02h2');
  });
});

describe('ALPN option errors match built-in tls', () => {
  const cases = {
    'connect: protocol name over 255 bytes': (tls) => tls.connect({ port: 1, ALPNProtocols: ['x'.repeat(300)] }),
    'connect: ALPNProtocols as a string': (tls) => tls.connect({ port: 1, ALPNProtocols: 'h2' }),
    'createServer: protocol name over 255 bytes': (tls) => tls.createServer({ ALPNProtocols: ['x'.repeat(256)] }),
    'createServer: ALPNCallback with ALPNProtocols': (tls) => tls.createServer({ ALPNCallback() {}, ALPNProtocols: ['a'] }),
    'new TLSSocket: protocol name over 255 bytes': (tls) => new tls.TLSSocket(null, { ALPNProtocols: ['x'.repeat(256)] }),
  };
  for (const [name, trigger] of Object.entries(cases)) {
    it(name, () => {
      const run = (tls) => {
        const result = outcome(() => {
          const made = trigger(tls);
          made.on?.('error', () => {});
          made.destroy?.();
          made.close?.();
          return typeof made;
        });
        return result;
      };
      const expected = run(nodeTls);
      assert.ok(expected.threw, 'Node throws');
      assert.deepStrictEqual(run(tlsRs), expected);
    });
  }

  it('createServer stores the wire format; a string is ignored', () => {
    for (const ALPNProtocols of [['h2', 'http/1.1'], 'h2', new Uint8Array([2, 104, 50])]) {
      const show = (tls) => {
        const srv = tls.createServer({ ALPNProtocols });
        return Buffer.isBuffer(srv.ALPNProtocols) ? srv.ALPNProtocols.toString('hex') : srv.ALPNProtocols;
      };
      assert.deepStrictEqual(show(tlsRs), show(nodeTls));
    }
  });

  it('a server socket without a handshake has alpnProtocol null', () => {
    for (const tls of [nodeTls, tlsRs]) {
      const s = new tls.TLSSocket(null, { isServer: true, ALPNProtocols: ['h2'] });
      assert.equal(s.alpnProtocol, null);
      s.destroy();
    }
  });
});

describe('ALPN negotiation matches built-in tls', () => {
  const scenarios = {
    'the server\'s preference wins': {
      server: { ALPNProtocols: ['http/1.1', 'h2'] },
      client: { ALPNProtocols: ['h2', 'http/1.1'], servername: 'localhost' },
    },
    'wire-format Buffer and Uint8Array forms': {
      server: { ALPNProtocols: Buffer.from('\x03abc\x02h2') },
      client: { ALPNProtocols: new Uint8Array([2, 104, 50, 3, 120, 121, 122]) },
    },
    'one common protocol among several': {
      server: { ALPNProtocols: ['a', 'b', 'c'] },
      client: { ALPNProtocols: ['x', 'c', 'y'] },
    },
    'no overlap: fatal no_application_protocol alert (Node 18: no ALPN)': {
      server: { ALPNProtocols: ['x'] },
      client: { ALPNProtocols: ['h2'], servername: 'localhost' },
    },
    'client offers none': {
      server: { ALPNProtocols: ['h2'] },
      client: {},
    },
    'server has none': {
      server: {},
      client: { ALPNProtocols: ['h2', 'http/1.1'] },
    },
    'client offers an empty list': {
      server: { ALPNProtocols: ['h2'] },
      client: { ALPNProtocols: [] },
    },
    'ALPNCallback picks one of the client\'s protocols': {
      server: { ALPNCallback: ({ protocols }) => protocols[1] },
      client: { ALPNProtocols: ['a', 'bb', 'ccc'], servername: 'localhost' },
    },
    'ALPNCallback without SNI sees servername false': {
      server: { ALPNCallback: () => 'a' },
      client: { ALPNProtocols: ['a'] },
    },
    'ALPNCallback returning undefined refuses: fatal alert': {
      server: { ALPNCallback: () => undefined },
      client: { ALPNProtocols: ['a', 'b'], servername: 'localhost' },
    },
    // What Node's own check of the answer, or the callback, throws is handled as the running
    // Node does: the connection is destroyed with it; on Node 18 it is an uncaught exception
    // and the handshake ends as if the callback had refused (differential's `uncaught`).
    'ALPNCallback returning another protocol: ERR_TLS_ALPN_CALLBACK_INVALID_RESULT': {
      server: { ALPNCallback: () => 'zz' },
      client: { ALPNProtocols: ['a', 'b'] },
    },
    'ALPNCallback throwing destroys the connection (Node 18: uncaught, then the alert)': {
      server: { ALPNCallback: () => { throw new Error('ALPN callback failed'); } },
      client: { ALPNProtocols: ['a'] },
    },
    'ALPNCallback is asked again for the ClientHello after a HelloRetryRequest': {
      server: { ALPNCallback: ({ protocols }) => protocols.at(-1), ecdhCurve: 'P-384' },
      client: { ALPNProtocols: ['a', 'b'], ecdhCurve: 'X25519:P-384' },
    },
    'ALPNCallback is not called when the client offers nothing': {
      server: { ALPNCallback: () => 'a' },
      client: { servername: 'localhost' },
    },
  };
  for (const [name, { server, client }] of Object.entries(scenarios)) {
    for (const version of VERSIONS) {
      for (const side of SIDES) {
        it(`${name} — ${version}, tls-rs as ${side}`, async () => {
          await differential((env) => connection(env, {
            server,
            client: { maxVersion: version, ...client },
          }), { side, uncaught: true });
        });
      }
    }
  }
});

describe('ALPNCallback and SNICallback order matches built-in tls', () => {
  // OpenSSL selects ALPN before the certificate callback in TLS 1.3 and after it in TLS 1.2.
  for (const version of VERSIONS) {
    for (const async of [false, true]) {
      it(`${version}, ${async ? 'asynchronous' : 'synchronous'} SNICallback`, async () => {
        await differential(async (env) => {
          const { rec } = env;
          await connection(env, {
            server: {
              ALPNCallback: ({ protocols }) => protocols[0],
              SNICallback(servername, cb) {
                rec.add('callbacks', 'SNICallback', { servername, thisServername: this.servername });
                if (async) setTimeout(cb, 5, null, null);
                else cb(null, null);
              },
            },
            client: { maxVersion: version, ALPNProtocols: ['p'], servername: 'localhost' },
          });
        }, { side: 'server' });
      });
    }
  }
});

describe('a resumed TLS 1.2 session matches built-in tls (Node client reusing its session)', () => {
  // OpenSSL skips the certificate callback (no SNICallback) and, since Node's servername
  // callback never accepts the name into the session, reports no server name on resumption.
  for (const server of [
    { ALPNProtocols: ['q', 'p'] },
    { ALPNCallback: ({ protocols }) => protocols[0] },
    { ALPNCallback: ({ protocols }) => protocols[1], SNICallback: (name, cb) => cb(null, null) },
  ]) {
    it(Object.keys(server).join(' + '), async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const options = { ...CERT };
        for (const [name, fn] of Object.entries(server)) {
          options[name] = typeof fn !== 'function' ? fn : function(...args) {
            rec.add('callbacks', name, args[0]);
            return fn.apply(this, args);
          };
        }
        const srv = serverTls.createServer(options, (s) => {
          rec.add('server', 'secureConnection', {
            alpnProtocol: s.alpnProtocol, servername: s.servername, reused: s.isSessionReused(),
          });
          s.end();
        });
        const port = await listen(srv);
        let session;
        for (let i = 0; i < 2; i++) {
          const c = clientTls.connect({
            port, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: 'TLSv1.2', ALPNProtocols: ['p', 'q'], session,
          });
          c.on('session', (s) => { session = s; });
          c.on('secureConnect', () => rec.add('client', 'secureConnect', {
            alpnProtocol: c.alpnProtocol, servername: c.servername, reused: c.isSessionReused(),
          }));
          c.resume();
          await once(c, 'close');
        }
        srv.close();
        await once(srv, 'close');
      }, { side: 'server' });
    });
  }
});

// ---- interop with the openssl CLI -------------------------------------------------------------

const IMPLS = [['tls-rs', tlsRs], ['node:tls (control)', nodeTls]];

for (const [implName, impl] of IMPLS) {
  describe(`${implName}: ALPN interop with openssl`, () => {
    it('s_client -alpn h2,http/1.1 gets the server\'s choice', async (t) => {
      const seen = [];
      const srv = impl.createServer({ ...CERT, ALPNProtocols: ['http/1.1', 'h2'] }, (s) => {
        seen.push(s.alpnProtocol);
        s.end();
      });
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-alpn', 'h2,http/1.1', '-servername', 'x'], { t });
      await client.waitFor(/ALPN protocol: http\/1\.1/);
      client.end();
      await client.waitExit();
      assert.deepEqual(seen, ['http/1.1']);
    });

    it('s_client -alpn without overlap gets no_application_protocol (Node 18: no ALPN)', async (t) => {
      const errors = [];
      const connections = [];
      const srv = impl.createServer({ ...CERT, ALPNProtocols: ['x'] }, (s) => {
        connections.push(s.alpnProtocol);
        s.end();
      });
      srv.on('tlsClientError', (err) => errors.push(err.code));
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-alpn', 'h2,http/1.1'], { t });
      if (NO_OVERLAP_FATAL) {
        await client.waitFor(/no application protocol/);
        await client.waitExit();
        assert.deepEqual({ errors, connections }, { errors: ['ERR_SSL_NO_APPLICATION_PROTOCOL'], connections: [] });
      } else {
        await client.waitFor(/No ALPN negotiated/);
        client.end();
        await client.waitExit();
        assert.deepEqual({ errors, connections }, { errors: [], connections: [false] });
      }
    });

    it('s_client -alpn with ALPNCallback', async (t) => {
      const calls = [];
      const srv = impl.createServer({
        ...CERT,
        ALPNCallback(arg) {
          calls.push(arg);
          return 'h2';
        },
      }, (s) => s.end());
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-alpn', 'http/1.1,h2', '-servername', 'x.example'], { t });
      await client.waitFor(/ALPN protocol: h2/);
      client.end();
      await client.waitExit();
      assert.deepEqual(calls, [{ servername: 'x.example', protocols: ['http/1.1', 'h2'] }]);
    });

    for (const [version, flag] of [['TLSv1.2', '-tls1_2'], ['TLSv1.3', '-tls1_3']]) {
      it(`s_server -alpn: the client gets the server's choice (${version})`, async (t) => {
        const server = await startOpensslServer(
          ['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem', '-alpn', 'http/1.1,h2', flag], { t });
        const socket = impl.connect({
          port: server.port, host: '127.0.0.1', ca, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'],
        });
        t.after(() => socket.destroy());
        await withTimeout(new Promise((resolve, reject) => {
          socket.once('secureConnect', resolve);
          socket.once('error', reject);
        }), 10_000, 'secureConnect');
        assert.equal(socket.alpnProtocol, 'http/1.1');
        assert.equal(socket.getProtocol(), version);
        await server.waitFor(/ALPN protocols advertised by the client: h2, http\/1\.1/);
        socket.end();
      });
    }

    it('s_server -alpn without overlap: ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', async (t) => {
      const server = await startOpensslServer(['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem', '-alpn', 'x'], { t });
      const socket = impl.connect({ port: server.port, host: '127.0.0.1', ca, ALPNProtocols: ['h2'] });
      const [err] = await withTimeout(new Promise((resolve) => socket.once('error', (e) => resolve([e]))),
        10_000, 'error');
      assert.equal(err.code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    });
  });
}
