'use strict';
// SNI: the client's `servername` ('' sends none; an IP warns as Node does), the server socket's
// `servername`, SNICallback answered now or later (the handshake waits, nothing blocks), what an
// SNI context changes (certificate, key, chain, trust store, client-CA list — nothing else),
// server.addContext with wildcards and last-added-wins, server.setSecureContext, and
// setServername on a server socket — differential against built-in tls with tls-rs as client,
// server and both; then interop with `openssl s_client -servername` / `s_server -servername`.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  differential, describeError, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS, nodeTls, tlsRs,
} = require('./helpers/differential');
const { startOpensslServer, startOpensslClient, withTimeout } = require('./helpers/peers');
const { captureClientHello } = require('./helpers/wire');

const AGENT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') }; // CN localhost
const WRONGHOST = { key: fixture('wronghost-key.pem'), cert: fixture('wronghost-cert.pem') }; // CN wrong.example.test
const EC = { key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem') };
const CLIENT_CERT = { key: fixture('client-key.pem'), cert: fixture('client-cert.pem') };
const ca = fixture('ca-cert.pem');
const SIDES = ['client', 'server', 'both'];
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];

// Which certificate: subject and issuer CN (the EC and agent certificates are both CN localhost).
const cn = (cert) => (cert?.subject ? `${cert.subject.CN} by ${cert.issuer?.CN}` : undefined);

/**
 * One connection. `server(tls, rec)` returns the server's options (so SNI contexts come from
 * the server's implementation); `setup(srv, tls)` runs before listening. Records the events of
 * both ends and what each end reports once secure (or failed).
 */
async function connection({ clientTls, serverTls, rec }, { server = () => ({}), client = {}, setup }) {
  const srv = serverTls.createServer({ ...AGENT, ...server(serverTls, rec) }, (s) => {
    rec.add('server', 'at secureConnection', {
      servername: s.servername,
      certificate: cn(s.getCertificate()),
      protocol: s.getProtocol(),
      authorized: s.authorized,
      authorizationError: s.authorizationError,
    });
    s.end('bye');
  });
  rec.watch(srv, 'server', SERVER_EVENTS);
  srv.on('tlsClientError', (err, s) => {
    rec.add('server', 'tlsClientError socket', { servername: s.servername });
    // Node leaves a socket whose handshake timed out open; a server closes it.
    if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') s.destroy();
  });
  if (setup) setup(srv, serverTls);
  const port = await listen(srv);
  const c = clientTls.connect({ port, host: '127.0.0.1', ca, ...client });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {}); // recorded by watch()
  c.on('secureConnect', () => {
    rec.add('client', 'at secureConnect', {
      servername: c.servername,
      peer: cn(c.getPeerCertificate()),
      authorized: c.authorized,
      authorizationError: c.authorizationError,
      protocol: c.getProtocol(),
    });
  });
  c.resume();
  await once(c, 'close');
  srv.close();
  await once(srv, 'close');
}

/** An SNICallback that records its call (arguments and `this`) and then runs `answer`. */
function recordingSNI(rec, answer) {
  return function SNICallback(servername, cb) {
    rec.add('callbacks', 'SNICallback', {
      servername,
      thisServername: this.servername,
      thisIsSocket: typeof this.getPeerCertificate === 'function',
      cbLength: cb.length,
    });
    return answer.call(this, servername, cb);
  };
}

describe('client servername matches built-in tls', () => {
  const cases = {
    'a host name is sent': { servername: 'localhost' },
    'no servername: no SNI, servername false on both ends': {},
    'an empty servername sends no SNI (ws passes it for IP hosts)': { servername: '' },
    'a name the certificate does not cover': { servername: 'other.example' },
  };
  for (const [name, client] of Object.entries(cases)) {
    for (const side of SIDES) {
      it(`${name} — tls-rs as ${side}`, async () => {
        await differential((env) => connection(env, { client }), { side });
      });
    }
  }

  it('an IP servername is sent, with DEP0123 once per process (Node 26: tls.connect throws)', () => {
    // A child per implementation: the warning is emitted once per process and module.
    const script = (impl) => `
      const tls = require(${JSON.stringify(impl)});
      const fs = require('fs');
      const certs = ${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))};
      const warnings = [];
      process.on('warning', (w) => warnings.push([w.name, w.code, w.message]));
      const seen = [];
      const srv = tls.createServer({
        key: fs.readFileSync(certs + '/agent-key.pem'), cert: fs.readFileSync(certs + '/agent-chain.pem'),
      }, (s) => { seen.push(s.servername); s.end(); });
      srv.listen(0, '127.0.0.1', async () => {
        for (let i = 0; i < 2; i++) {
          await new Promise((resolve) => {
            let c;
            try {
              c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: '127.0.0.1',
                                ca: fs.readFileSync(certs + '/ca-cert.pem') }, () => {
                seen.push([c.servername, c.authorized]);
                c.end();
              });
            } catch (err) {
              seen.push(['threw', err.name, err.code, err.message]);
              return resolve();
            }
            c.on('close', resolve);
            c.resume();
          });
        }
        srv.close();
        setImmediate(() => console.log(JSON.stringify({ seen, warnings })));
      });`;
    const run = (impl) => JSON.parse(execFileSync(process.execPath, ['-e', script(impl)], { encoding: 'utf8' }));
    const expected = run('node:tls');
    // Something was recorded: Node 26's two throws, or one warning before Node 26.
    const threw = expected.seen.filter((entry) => entry[0] === 'threw').length;
    if (threw) assert.equal(threw, 2);
    else assert.equal(expected.warnings.length, 1);
    assert.deepStrictEqual(run(path.join(__dirname, '..')), expected);
  });

  it('setServername(\'\') on a client sends no SNI; other values as Node', async () => {
    for (const side of SIDES) {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer(AGENT, (s) => {
          rec.add('server', 'servername', s.servername);
          s.end();
        });
        const port = await listen(srv);
        for (const name of ['', 'a.example', 'b.example\0rest']) {
          // The ClientHello goes out on 'connect', so this replaces the first name.
          const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'first.example', rejectUnauthorized: false });
          rec.add('client', `setServername(${JSON.stringify(name)})`, (() => {
            try {
              return c.setServername(name);
            } catch (err) {
              return describeError(err);
            }
          })());
          c.on('secureConnect', () => {
            rec.add('client', 'servername', c.servername);
            c.end();
          });
          c.resume();
          await once(c, 'close');
        }
        srv.close();
        await once(srv, 'close');
      }, { side });
    }
  });
});

describe('SNICallback matches built-in tls', () => {
  const ctx = (tls, options) => tls.createSecureContext(options);
  const scenarios = {
    'synchronous answer with a SecureContext': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, WRONGHOST))),
    }),
    'asynchronous answer with a SecureContext': (tls, rec) => ({
      // The answer on a later timer turn (a lookup elsewhere): the delay is the scenario, nothing waits for it.
      SNICallback: recordingSNI(rec, (name, cb) => setTimeout(() => cb(null, ctx(tls, WRONGHOST)), 20)),
    }),
    'answer with the native context (.context)': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => setImmediate(() => cb(null, ctx(tls, WRONGHOST).context))),
    }),
    // An ECDSA server answering with an RSA context: Node 24.20+ serves the RSA certificate
    // alone; before, the ECDSA one stayed and was preferred (Node's test-https-snicallback-override).
    'an RSA context for a server with an ECDSA certificate': (tls, rec) => ({
      ...EC,
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, WRONGHOST))),
    }),
    'no context: the default certificate': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => setTimeout(cb, 5, null, null)),
    }),
    'cb(err) destroys the connection': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => setTimeout(cb, 5, new Error('no such host'))),
    }),
    // As the running Node handles it: the connection is destroyed with the error; on Node 18 it
    // is an uncaught exception and the handshake waits for an answer that never comes, until
    // handshakeTimeout (differential's `uncaught`).
    'SNICallback throwing destroys the connection (Node 18: uncaught, then the handshake timeout)': (tls, rec) => ({
      handshakeTimeout: 300,
      SNICallback: recordingSNI(rec, () => {
        throw new Error('SNICallback failed');
      }),
    }),
    'cb called twice at once: ERR_MULTIPLE_CALLBACK': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => {
        cb(null, ctx(tls, WRONGHOST));
        cb(null, ctx(tls, EC));
      }),
    }),
    'cb called twice later: ERR_MULTIPLE_CALLBACK': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => {
        setTimeout(() => {
          cb(null, null);
          cb(null, null);
        }, 5);
      }),
    }),
    'an object that is not a SecureContext: Invalid SNI context': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, { context: {} })),
    }),
    'Node\'s own SecureContext on tls-rs (and the reverse): Invalid SNI context': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => {
        const other = tls === tlsRs ? nodeTls : tlsRs;
        cb(null, other.createSecureContext(WRONGHOST));
      }),
    }),
    'a context without a certificate, given at once: the connection fails after the server\'s flight': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, { ca }))),
    }),
    // Node 18/20: the handshake's own failure (no certificate to sign with) comes after the
    // SNI context's error in OpenSSL's queue, and Node reports the first (Node's
    // test-tls-empty-sni-context); 22.23.5+/24.22.3+ have only the handshake's.
    'a server without a certificate, given a context without one at once: the first error': (tls, rec) => ({
      key: undefined,
      cert: undefined,
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, { ca }))),
    }),
    'a context without a certificate, given later: the default certificate serves': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => setImmediate(() => cb(null, ctx(tls, { ca })))),
    }),
    'a string instead of a context is ignored': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, 'wrong.example.test')),
    }),
    'only the certificate is taken: the SNI context\'s maxVersion and ciphers are not': (tls, rec) => ({
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, {
        ...WRONGHOST, maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA',
      }))),
    }),
    'the SNI context\'s trust store verifies client certificates': (tls, rec) => ({
      requestCert: true,
      rejectUnauthorized: false,
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, { ...WRONGHOST, ca }))),
    }),
    'without SNI trust store the client certificate is not trusted': (tls, rec) => ({
      requestCert: true,
      rejectUnauthorized: false,
      SNICallback: recordingSNI(rec, (name, cb) => cb(null, ctx(tls, WRONGHOST))),
    }),
  };
  for (const [name, server] of Object.entries(scenarios)) {
    for (const version of VERSIONS) {
      for (const side of ['server', 'both']) {
        it(`${name} — ${version}, tls-rs as ${side}`, async () => {
          await differential((env) => connection(env, {
            server,
            client: {
              servername: 'wrong.example.test', rejectUnauthorized: false, maxVersion: version, ...CLIENT_CERT,
            },
          }), { side, uncaught: true });
        });
      }
    }
  }

  // Node 24 goes on with the handshake inside cb (a TLS 1.3 server's keylog lines come before
  // SNICallback returns); Node 18-22 once SNICallback returned (lib/host-tls.js).
  it('an answer given inside SNICallback continues the handshake where the running Node does', async () => {
    for (const side of ['server', 'both']) {
      await differential((env) => connection(env, {
        server: (tls, rec) => ({
          SNICallback: recordingSNI(rec, (name, cb) => {
            cb(null, null);
            rec.add('callbacks', 'SNICallback returns');
          }),
        }),
        setup: (srv) => srv.on('keylog', (line) => env.rec.add('callbacks', 'keylog', line.toString().split(' ')[0])),
        client: { servername: 'localhost', maxVersion: 'TLSv1.3' },
      }), { side });
    }
  });

  it('is not called when the client sends no server name', async () => {
    for (const side of ['server', 'both']) {
      await differential((env) => connection(env, {
        server: (tls, rec) => ({ SNICallback: recordingSNI(rec, (name, cb) => cb(null, null)) }),
        client: { servername: '' },
      }), { side });
    }
  });

  it('is called once while more input arrives before its answer', async () => {
    // tls-rs asked again for every chunk read while the question was pending (Node: once).
    const hello = await captureClientHello(nodeTls, { servername: 'x.example' });
    await differential(async ({ serverTls, rec }) => {
      let answer;
      let asked;
      const askedPromise = new Promise((resolve) => { asked = resolve; });
      const srv = serverTls.createServer({
        ...AGENT,
        SNICallback(name, cb) {
          rec.add('callbacks', 'SNICallback', name);
          answer = cb;
          asked();
        },
      });
      srv.on('tlsClientError', () => {}); // the raw client leaves mid-handshake
      const port = await listen(srv);
      const raw = net.connect(port, '127.0.0.1');
      raw.on('error', () => {});
      raw.write(hello);
      await askedPromise;
      // Two ChangeCipherSpec records (a TLS 1.3 peer may send them after its ClientHello), each
      // taken by the kernel and then read by the server a loop turn or two later.
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => raw.write(Buffer.from([20, 3, 3, 0, 1, 1]), resolve));
        await turn();
        await turn();
      }
      const flight = once(raw, 'data');
      answer(null, null);
      rec.add('client', 'server flight record type', (await flight)[0]);
      raw.destroy();
      srv.close();
      await once(srv, 'close');
    }, { side: 'server' });
  });

  it('an answer after the client left: no handshake, no crash', async () => {
    for (const side of ['server', 'both']) {
      await differential(async ({ clientTls, serverTls, rec }) => {
        let answered;
        const answeredPromise = new Promise((resolve) => { answered = resolve; });
        let serverSideClosed;
        const srv = serverTls.createServer({
          ...AGENT,
          SNICallback(name, cb) {
            rec.add('callbacks', 'SNICallback', name);
            c.destroy();
            // The answer comes once the server has seen the client go (its side closed).
            serverSideClosed.then(() => {
              cb(null, serverTls.createSecureContext(WRONGHOST));
              answered();
            });
          },
        }, () => rec.add('server', 'unexpected secureConnection'));
        srv.on('connection', (raw) => { serverSideClosed = once(raw, 'close'); });
        rec.watch(srv, 'server', SERVER_EVENTS);
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'x.example', rejectUnauthorized: false });
        rec.watch(c, 'client', SOCKET_EVENTS);
        c.on('error', () => {});
        await once(c, 'close');
        await answeredPromise;
        srv.close();
        await once(srv, 'close');
      }, { side });
    }
  });

  it('createServer validates SNICallback as Node', () => {
    for (const SNICallback of [1, 'x', {}]) {
      const run = (tls) => {
        try {
          tls.createServer({ SNICallback });
          return 'created';
        } catch (err) {
          return describeError(err);
        }
      };
      assert.deepStrictEqual(run(tlsRs), run(nodeTls));
    }
  });
});

// A TLS 1.3 HelloRetryRequest (the server's only group is P-384; the client's first key share is
// another): OpenSSL asks SNICallback at the first ClientHello, and Node's servername callback
// switches the connection to the chosen context (SSL_set_SSL_CTX) at the second, so the tickets
// sent after the handshake are sealed with that context's keys: a new connection, which starts
// on the default context, resumes them only where the two share keys. Servers that bind
// sessions to the name (Node 22.23.5+, 24.22.3+) do not switch.
describe('a HelloRetryRequest after SNICallback chose a context', () => {
  for (const keys of ['own', 'shared']) {
    it(`switches to that context: its tickets resume only where the server can open them (${keys} ticket keys, tls-rs as server)`, () => differential(async ({ serverTls, clientTls, rec }) => {
      const ticketKeys = Buffer.alloc(48, 7);
      const sniContext = serverTls.createSecureContext({ ...WRONGHOST, ecdhCurve: 'P-384',
        ticketKeys: keys === 'shared' ? ticketKeys : undefined });
      let asked = 0;
      const srv = serverTls.createServer({ ...AGENT, ecdhCurve: 'P-384', ticketKeys,
        SNICallback: (name, cb) => { asked++; setImmediate(() => cb(null, sniContext)); } }, (s) => {
        rec.add('server', 'secure', { reused: s.isSessionReused(), servername: s.servername });
        // (Ended once the client writes: Node 18-22 send no tickets when 'secureConnection'
        // ends the connection at once.)
        s.on('data', () => s.end());
      });
      const port = await listen(srv);
      const options = { port, host: '127.0.0.1', servername: 'wrong.example.test', ca, ecdhCurve: 'X25519:P-384' };
      let session;
      for (const round of ['first', 'resumed']) {
        const c = clientTls.connect({ ...options, session });
        c.on('session', (s) => { session ??= s; });
        c.on('error', (err) => rec.add(round, 'error', describeError(err)));
        c.on('secureConnect', () => {
          rec.add(round, 'secure', { reused: c.isSessionReused(), peer: cn(c.getPeerCertificate()), key: c.getEphemeralKeyInfo(), asked });
          c.write('x');
        });
        c.resume();
        await once(c, 'close');
      }
      srv.close();
      assert.ok(session, 'a ticket arrived');
    }, { side: 'server' }));
  }
});

describe('server.addContext matches built-in tls', () => {
  const contexts = {
    wildcard: (srv) => srv.addContext('*.example.test', WRONGHOST),
    'last added wins': (srv, tls) => {
      srv.addContext('*.example.test', EC);
      srv.addContext('a.example.test', tls.createSecureContext(WRONGHOST));
    },
    'earlier contexts still serve other names': (srv) => {
      srv.addContext('a.example.test', WRONGHOST);
      srv.addContext('b.example.test', EC);
    },
    'regular-expression characters are literal': (srv) => srv.addContext('a+b.example.test', WRONGHOST),
  };
  const names = ['a.example.test', 'x.example.test', 'a.b.example.test', 'example.test', 'aab.example.test',
    'a+b.example.test', 'A.EXAMPLE.TEST'];
  for (const [name, setup] of Object.entries(contexts)) {
    for (const side of ['server', 'both']) {
      it(`${name} — tls-rs as ${side}`, async () => {
        await differential(async (env) => {
          for (const servername of names) {
            await connection(env, { setup, client: { servername, rejectUnauthorized: false } });
          }
        }, { side });
      });
    }
  }

  it('addContext without a name throws ERR_TLS_REQUIRED_SERVER_NAME; a non-string throws as Node', () => {
    // Node 18 makes a name that is not a string one (a Symbol throws there); later Nodes call
    // its .replace.
    for (const args of [[], [''], [null, WRONGHOST], [5, WRONGHOST], [Symbol('s'), WRONGHOST], ['x', { key: 1 }]]) {
      const run = (tls) => {
        try {
          tls.createServer(AGENT).addContext(...args);
          return 'added';
        } catch (err) {
          return describeError(err);
        }
      };
      assert.deepStrictEqual(run(tlsRs), run(nodeTls), JSON.stringify(args));
    }
  });

  it('without addContext the default SNICallback is not used', async () => {
    // A server socket built with Node's rule: the default callback alone is not installed, so a
    // client's name cannot stall or change anything.
    for (const side of ['server', 'both']) {
      await differential((env) => connection(env, { client: { servername: 'a.example.test' } }), { side });
    }
  });
});

describe('server.setSecureContext and setServername on a server socket match built-in tls', () => {
  for (const side of ['server', 'both']) {
    it(`setSecureContext replaces the context for new connections; SNI contexts stay — tls-rs as ${side}`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer(AGENT, (s) => {
          rec.add('server', 'certificate', cn(s.getCertificate()));
          s.end();
        });
        srv.addContext('ec.example.test', EC);
        const port = await listen(srv);
        const connect = async (servername) => {
          const c = clientTls.connect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false });
          c.on('secureConnect', () => rec.add('client', servername, cn(c.getPeerCertificate())));
          c.resume();
          await once(c, 'close');
        };
        await connect('localhost');
        srv.setSecureContext(WRONGHOST);
        await connect('localhost');
        await connect('ec.example.test');
        srv.close();
        await once(srv, 'close');
      }, { side });
    });

    it(`setServername on a server socket throws ERR_TLS_SNI_FROM_SERVER — tls-rs as ${side}`, async () => {
      await differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer(AGENT, (s) => {
          for (const name of ['x', 1]) {
            try {
              s.setServername(name);
              rec.add('server', 'setServername returned');
            } catch (err) {
              rec.add('server', 'setServername threw', describeError(err));
            }
          }
          s.end();
        });
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
        c.resume();
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side });
    });
  }
});

// ---- interop with the openssl CLI -------------------------------------------------------------

const IMPLS = [['tls-rs', tlsRs], ['node:tls (control)', nodeTls]];

for (const [implName, impl] of IMPLS) {
  describe(`${implName}: SNI interop with openssl`, () => {
    it('s_client -servername gets the SNICallback\'s certificate and its client-CA list', async (t) => {
      const seen = [];
      const srv = impl.createServer({
        ...AGENT,
        requestCert: true,
        rejectUnauthorized: false,
        SNICallback(name, cb) {
          seen.push(name);
          setTimeout(() => cb(null, impl.createSecureContext({ ...WRONGHOST, ca })), 10);
        },
      }, (s) => {
        // s_client (OpenSSL 3.0) now and then answers built-in tls's TLS 1.3 server with a
        // decode_error alert after the handshake; Node 18's server leaves that 'error' to us.
        s.on('error', () => {});
        seen.push(s.servername);
        s.end();
      });
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-servername', 'wrong.example.test'], { t });
      await client.waitFor(/subject=.*CN ?= ?wrong\.example\.test/);
      await client.waitFor(/Acceptable client certificate CA names\n.*CN ?= ?tls-rs Test Root CA/);
      client.end();
      await client.waitExit();
      assert.deepEqual(seen, ['wrong.example.test', 'wrong.example.test']);
    });

    it('s_client without -servername: no SNICallback, default certificate', async (t) => {
      const seen = [];
      const srv = impl.createServer({
        ...AGENT,
        SNICallback: (name, cb) => {
          seen.push(name);
          cb(null, null);
        },
      }, (s) => {
        seen.push(s.servername);
        s.end();
      });
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-noservername'], { t });
      await client.waitFor(/subject=.*CN ?= ?localhost/);
      client.end();
      await client.waitExit();
      assert.deepEqual(seen, [false]);
    });

    it('s_client -servername with addContext', async (t) => {
      const srv = impl.createServer(AGENT, (s) => s.end());
      srv.addContext('*.example.test', WRONGHOST);
      const port = await listen(srv);
      t.after(() => srv.close());
      const client = startOpensslClient(port, ['-servername', 'w.example.test'], { t });
      await client.waitFor(/subject=.*CN ?= ?wrong\.example\.test/);
      client.end();
      await client.waitExit();
    });

    it('s_server -servername: the client\'s servername selects s_server\'s second certificate', async (t) => {
      const server = await startOpensslServer([
        '-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem',
        '-servername', 'wrong.example.test', '-key2', 'wronghost-key.pem', '-cert2', 'wronghost-cert.pem',
      ], { t });
      for (const [servername, expected] of [['wrong.example.test', 'wrong.example.test'], ['localhost', 'localhost']]) {
        const socket = impl.connect({ port: server.port, host: '127.0.0.1', ca, servername });
        t.after(() => socket.destroy());
        await withTimeout(new Promise((resolve, reject) => {
          socket.once('secureConnect', resolve);
          socket.once('error', reject);
        }), 10_000, 'secureConnect');
        assert.equal(socket.servername, servername);
        assert.equal(socket.getPeerCertificate().subject.CN, expected);
        assert.equal(socket.authorized, true);
        socket.end();
        await once(socket, 'close');
      }
      await server.waitFor(/Hostname in TLS extension: "wrong\.example\.test"/);
    });
  });
}
