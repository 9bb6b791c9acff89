'use strict';
// TLS 1.2 renegotiation: renegotiate() from either end (requestCert / rejectUnauthorized, the
// callback, what it returns, its argument validation, TLS 1.3 and destroyed sockets), the
// server's guard (tls.CLIENT_RENEG_LIMIT / CLIENT_RENEG_WINDOW → ERR_TLS_SESSION_ATTACK) and
// disableRenegotiation() (ERR_TLS_RENEGOTIATION_DISABLED). Differential against built-in tls
// with tls-rs as client, server and both; then `openssl s_client -tls1_2` typing `R` against a
// tls-rs server and a built-in one, comparing what the servers see.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const {
  differential, describeError, fixture, once, listen, SOCKET_EVENTS, nodeTls, tlsRs,
} = require('./helpers/differential');
const { startOpensslClient, startOpensslServer, withTimeout } = require('./helpers/peers');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const CLIENT_CERT = { key: fixture('client-key.pem'), cert: fixture('client-cert.pem') };
const ca = fixture('ca-cert.pem');
const SIDES = ['client', 'server', 'both'];

/** What `fn()` throws (or returns), described for comparison. */
function outcome(fn) {
  try {
    const returned = fn();
    return { returned };
  } catch (err) {
    return { threw: describeError(err) };
  }
}

/** The peer certificate's CN, or what getPeerCertificate() gave when it has none. */
function peerName(socket) {
  const cert = socket.getPeerCertificate();
  return cert && cert.subject ? cert.subject.CN : cert && Object.keys(cert).length;
}

/** A secure pair of sockets: `server` runs on the server's socket once it is secure. */
async function pair({ clientTls, serverTls, rec }, { server = {}, client = {}, onServer, onClient }) {
  const serverSidesClosed = [];
  const srv = serverTls.createServer({ ...CERT, ...server }, (s) => {
    // The handle's count is the guard's state, which packages read (TLSWrap's `handshakes`).
    const guard = () => [s._handle?.handshakes, typeof s._handle?.lastHandshakeTime];
    rec.add('server', 'secureConnection', { authorized: s.authorized, peer: peerName(s), guard: guard() });
    s.on('secure', () => rec.add('server', 'secure', { authorized: s.authorized, peer: peerName(s), guard: guard() }));
    s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
    s.on('close', () => rec.add('server', 'socket close'));
    serverSidesClosed.push(once(s, 'close'));
    s.resume();
    if (onServer) onServer(s);
  });
  srv.on('tlsClientError', (err) => rec.add('server', 'tlsClientError', describeError(err)));
  const port = await listen(srv);
  const c = clientTls.connect({ port, host: '127.0.0.1', ca, ...client });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('error', () => {}); // recorded by watch()
  c.on('secureConnect', () => {
    rec.add('client', 'at secureConnect', { authorized: c.authorized, protocol: c.getProtocol(), handshakes: c._handle.handshakes });
  });
  c.resume();
  if (onClient) c.once('secureConnect', () => onClient(c));
  await once(c, 'close');
  srv.close();
  // The server's 'close' counts its TCP connections; a TLS socket's own 'close' can follow it.
  await Promise.all([once(srv, 'close'), ...serverSidesClosed]);
}

describe('renegotiate(): argument validation, TLS 1.3, destroyed sockets', () => {
  for (const side of SIDES) {
    it(`validation and results (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      const probe = (label, s) => {
        rec.add(label, 'null options', outcome(() => s.renegotiate(null)));
        rec.add(label, 'string options', outcome(() => s.renegotiate('x')));
        rec.add(label, 'bad callback', outcome(() => s.renegotiate({}, 1)));
        rec.add(label, 'no callback', outcome(() => typeof s.renegotiate));
      };
      await pair(env, {
        server: { maxVersion: 'TLSv1.3' },
        onServer(s) {
          probe('server', s);
          // TLS 1.3 has no renegotiation: false, and the callback gets OpenSSL's error.
          const returned = s.renegotiate({}, (err) => {
            rec.add('server', 'TLS 1.3 callback', describeError(err), err && Object.keys(err));
            s.destroy();
            rec.add('server', 'after destroy', outcome(() => s.renegotiate({}, () => rec.add('server', 'never'))));
          });
          rec.add('server', 'TLS 1.3 returned', returned);
        },
        onClient(c) { probe('client', c); },
      });
    }, { side }));
  }
});

describe('renegotiate() right after end()', () => {
  for (const side of ['client', 'server']) {
    it(`returns false and the callback gets the error of the destroyed handle (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      const probe = (label, s) => {
        s.on('error', (err) => rec.add(label, 'error', describeError(err)));
        s.end();
        const returned = s.renegotiate({}, (err) => rec.add(label, 'callback', describeError(err)));
        rec.add(label, 'returned', returned, { destroyed: s.destroyed });
      };
      await pair(env, {
        server: { maxVersion: 'TLSv1.2' },
        onServer: side === 'server' ? (s) => probe('server', s) : undefined,
        onClient: side === 'client' ? (c) => probe('client', c) : undefined,
      });
    }, { side }));
  }
});

describe('a write held by a renegotiation whose connection then fails', () => {
  // The client's write waits for the server's answer to its renegotiation; a corrupt record
  // comes instead (from a proxy). As Node's ClearIn fails its pending write: the write's
  // callback and 'error' get EPROTO with OpenSSL's words, and the socket closes (tls-rs left
  // the write waiting and the socket open).
  it('fails with EPROTO and the socket closes (tls-rs as client)', () => differential(async ({ clientTls, serverTls, rec }) => {
    const net = require('node:net');
    const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2' }, (s) => {
      s.resume();
      s.on('error', () => {});
    });
    const port = await listen(srv);
    let toClient;
    let toServer;
    const proxy = net.createServer((down) => {
      const up = net.connect(port, '127.0.0.1');
      toClient = down;
      toServer = up;
      down.pipe(up).pipe(down);
      up.on('error', () => {});
      down.on('error', () => {});
    });
    const proxyPort = await listen(proxy);
    const c = clientTls.connect({ port: proxyPort, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: 'TLSv1.2' });
    rec.watch(c, 'client', SOCKET_EVENTS);
    c.on('error', () => {}); // recorded by watch()
    await once(c, 'secureConnect');
    rec.add('client', 'renegotiate', c.renegotiate({}, (err) => rec.add('client', 'renegotiate callback', describeError(err))));
    c.write('held', (err) => rec.add('client', 'write callback', describeError(err)));
    rec.add('client', 'writableLength', c.writableLength);
    toClient.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x30]), Buffer.alloc(0x30, 7)]));
    await once(c, 'close');
    toClient.destroy();
    toServer.destroy();
    proxy.close();
    srv.close();
    await once(srv, 'close');
  }, { side: 'client' }));
});

describe('a renegotiation on a resumed session, to a server with an asynchronous SNICallback', () => {
  // OpenSSL skips the certificate callback for a resumed TLS 1.2 session, so the first full
  // handshake of such a connection is its renegotiation: Node asks SNICallback there (its
  // certificate callback runs once per connection, in the first full handshake) and serves
  // the chosen certificate. tls-rs asked nothing there and served its default certificate.
  it('asks SNICallback in it, serves its certificate and echoes the data written around it (tls-rs as server)', () => differential(async ({ serverTls, clientTls, rec }) => {
    const sniContext = serverTls.createSecureContext({ key: fixture('wronghost-key.pem'), cert: fixture('wronghost-cert.pem') });
    let asked = 0;
    const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2',
      SNICallback: (name, cb) => { asked++; setTimeout(() => cb(null, sniContext), 5); } }, (s) => {
      s.on('data', (d) => s.write(d));
      s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
    });
    const port = await listen(srv);
    let session;
    for (const round of ['full', 'resumed']) {
      const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'wrong.example.test', ca, maxVersion: 'TLSv1.2', session });
      // (The first round's first session: one from its renegotiation is made with the SNI
      // context, which Node's servers do not resume.)
      c.on('session', (s) => { session ??= s; });
      c.on('error', (err) => rec.add(round, 'error', describeError(err)));
      c.on('secureConnect', () => rec.add(round, 'secure', { reused: c.isSessionReused(), peer: peerName(c), asked }));
      c.write('first,');
      c.write('second', () => c.renegotiate({}, (err) => {
        rec.add(round, 'renegotiated', describeError(err), { peer: peerName(c), asked });
        if (!err) c.write(',third');
      }));
      let echoed = '';
      c.setEncoding('utf8').on('data', (d) => {
        echoed += d;
        if (echoed.length >= 'first,second,third'.length) c.end();
      });
      c.on('end', () => rec.add(round, 'echoed', echoed));
      await once(c, 'close');
    }
    srv.close();
  }, { side: 'server' }));
});

describe('the session a renegotiation makes after SNICallback chose a context', () => {
  // Node's servername callback switches a connection whose SNICallback chose a context to that
  // context (SSL_set_SSL_CTX) at its next ClientHello: a renegotiation's ticket is sealed with
  // the SNI context's ticket keys and keeps the name. Servers that bind sessions to the name
  // (Node 22.23.5+, 24.22.3+) keep their own keys. tls-rs resumed every such session.
  for (const keys of ['own', 'shared']) {
    it(`resumes only where the server can open it (SNI context with ${keys} ticket keys, tls-rs as server)`, () => differential(async ({ serverTls, clientTls, rec }) => {
      const ticketKeys = Buffer.alloc(48, 7);
      const sniContext = serverTls.createSecureContext({ key: fixture('wronghost-key.pem'), cert: fixture('wronghost-cert.pem'),
        ticketKeys: keys === 'shared' ? ticketKeys : undefined });
      const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2', ticketKeys,
        SNICallback: (name, cb) => setImmediate(() => cb(null, sniContext)) }, (s) => {
        rec.add('server', 'secure', { reused: s.isSessionReused(), servername: s.servername });
        s.on('data', (d) => s.write(d));
        s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
      });
      const port = await listen(srv);
      const options = { port, host: '127.0.0.1', servername: 'wrong.example.test', ca, maxVersion: 'TLSv1.2' };
      const sessions = [];
      const c = clientTls.connect(options);
      c.on('session', (s) => sessions.push(s));
      c.on('error', (err) => rec.add('first', 'error', describeError(err)));
      c.once('secureConnect', () => c.renegotiate({}, (err) => {
        rec.add('first', 'renegotiated', describeError(err));
        c.end('x');
      }));
      c.resume();
      await once(c, 'close');
      rec.add('first', 'sessions', sessions.length);
      for (const [i, session] of sessions.entries()) {
        const r = clientTls.connect({ ...options, session });
        r.on('error', (err) => rec.add(`session ${i}`, 'error', describeError(err)));
        await once(r, 'secureConnect');
        rec.add(`session ${i}`, 'reused', r.isSessionReused(), peerName(r));
        r.end();
        await once(r, 'close');
      }
      srv.close();
    }, { side: 'server' }));
  }
});

describe('renegotiate() before any handshake', () => {
  it('sets the request and waits (as built-in tls)', async () => {
    const run = async (tls) => {
      const s = new tls.TLSSocket();
      const seen = [];
      s.on('error', (err) => seen.push(['error', describeError(err)]));
      seen.push(['returned', s.renegotiate({ requestCert: true }, (err) => seen.push(['callback', describeError(err)]))]);
      await new Promise((resolve) => setImmediate(resolve));
      s.destroy();
      await once(s, 'close');
      seen.push(['after destroy', s.renegotiate({})]);
      return seen;
    };
    assert.deepStrictEqual(await run(tlsRs), await run(nodeTls));
  });
});

describe('renegotiate() in TLS 1.2', () => {
  for (const side of SIDES) {
    it(`server asks for the client certificate (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2', ca },
        client: { ...CLIENT_CERT },
        onServer(s) {
          const returned = s.renegotiate({ requestCert: true, rejectUnauthorized: true }, (err) => {
            rec.add('server', 'callback', describeError(err),
              { authorized: s.authorized, peer: peerName(s), error: s.authorizationError });
            s.end('done');
          });
          rec.add('server', 'returned', returned);
        },
      });
    }, { side }));

    it(`server asks a client without certificate, rejecting it (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2', ca },
        onServer(s) {
          rec.add('server', 'returned', s.renegotiate({ requestCert: true, rejectUnauthorized: true }, (err) => {
            rec.add('server', 'callback', describeError(err));
          }));
        },
      });
    }, { side }));

    // OpenSSL takes no application data while a renegotiation waits for the peer; the writes
    // wait for it, in order, and end() behind them (Node's TLSWrap: pending_cleartext_input_).
    it(`writes while the client renegotiates arrive in order, then the end (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2' },
        onServer(s) {
          let data = '';
          s.on('data', (d) => { data += d; });
          s.on('end', () => { rec.add('server', 'data', data); s.end(); });
        },
        onClient(c) {
          c.renegotiate({}, (err) => rec.add('client', 'callback', describeError(err)));
          for (const part of ['one', 'two', 'three']) c.write(part, () => rec.add('client', 'written', part));
          c.end('end');
        },
      });
    }, { side }));

    it(`an echo server writing through a client's renegotiation loses nothing (tls-rs as ${side})`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const sent = require('node:crypto').randomBytes(1 << 20);
      let reads = 0;
      const accepted = [];
      const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2' }, (s) => {
        accepted.push(s);
        s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
        s.on('data', (d) => {
          s.write(d);
          // Now and then the echo waits a little, so that some writes land mid-renegotiation.
          if (++reads % 5 === 0) {
            s.pause();
            setTimeout(() => s.resume(), 2);
          }
        });
      });
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: 'TLSv1.2' });
      c.on('error', (err) => rec.add('client', 'error', describeError(err)));
      const echoed = [];
      let length = 0;
      const done = new Promise((resolve) => {
        c.on('data', (d) => {
          echoed.push(d);
          length += d.length;
          if (length >= sent.length) resolve();
        });
        c.on('close', resolve);
      });
      await once(c, 'secureConnect');
      c.write(sent.subarray(0, sent.length / 2), () => {
        c.renegotiate({}, (err) => {
          rec.add('client', 'renegotiated', describeError(err));
          c.write(sent.subarray(sent.length / 2));
        });
      });
      // A stalled echo is recorded and torn down (a failure, not a hang).
      const stall = setTimeout(() => {
        rec.add('client', 'stalled');
        c.destroy();
        for (const s of accepted) s.destroy();
      }, 5000);
      await done;
      clearTimeout(stall);
      rec.add('client', 'echoed', length, Buffer.concat(echoed).equals(sent));
      c.end();
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side }));

    it(`client renegotiates, server sees 'secure' again (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2' },
        onClient(c) {
          rec.add('client', 'returned', c.renegotiate({}, (err) => {
            rec.add('client', 'callback', describeError(err), { protocol: c.getProtocol() });
            c.end();
          }));
        },
      });
    }, { side }));
  }
});

describe("a renegotiation's session (TLS 1.2, SSL_OP_NO_TICKET)", () => {
  // Node's NewSessionCallback fires inside the renegotiation: the server's 'newSession' holds
  // its output and its 'secure' until done(); a verified client emits 'session' before its
  // second 'secureConnect'.
  for (const side of SIDES) {
    it(`server 'newSession' and client 'session' come in Node's order (tls-rs as ${side})`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const order = (...entry) => rec.add('order', ...entry);
      let accepted = null;
      const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2', secureOptions: 0x4000 }, (s) => {
        accepted = s;
        order('server secureConnection');
        s.on('secure', () => order('server secure'));
        s.renegotiate({}, (err) => {
          order('server renegotiated', describeError(err));
          s.write('after');
        });
      });
      let sessions = 0;
      srv.on('newSession', (id, data, done) => {
        const k = ++sessions;
        // Node's _newSessionPending is set while the callback is outstanding.
        order('newSession', k, id.length, accepted?._newSessionPending);
        // Answered 30 ms late on purpose: the window in which output or 'secure' that was not
        // held would show up before 'done' (no event says "it would have by now").
        setTimeout(() => {
          order('done', k);
          done();
        }, 30);
      });
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
      c.on('secureConnect', () => order('client secureConnect'));
      c.on('session', (session) => order('client session', Buffer.isBuffer(session)));
      c.on('data', (d) => {
        order('client data', String(d));
        c.end();
      });
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side }));
  }
});

describe('the server guard: CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, disableRenegotiation()', () => {
  /** A client renegotiating `times` times in a row, each after the previous one finished. */
  function renegotiateTimes(rec, times) {
    return (c) => {
      let n = 0;
      const next = () => {
        if (n++ === times) {
          c.end();
          return;
        }
        c.renegotiate({}, (err) => {
          rec.add('client', 'callback', describeError(err));
          if (!err) next();
        });
      };
      next();
    };
  }

  for (const side of ['server', 'both']) {
    it(`tls.CLIENT_RENEG_LIMIT assigned by the user (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec, serverTls } = env;
      const saved = serverTls.CLIENT_RENEG_LIMIT;
      serverTls.CLIENT_RENEG_LIMIT = 1;
      try {
        await pair(env, { server: { maxVersion: 'TLSv1.2' }, onClient: renegotiateTimes(rec, 3) });
      } finally {
        serverTls.CLIENT_RENEG_LIMIT = saved;
      }
    }, { side }));

    it(`a window of 0 s restarts the count at every handshake (tls-rs as ${side})`, async () => {
      const log = await differential(async (env) => {
        const { rec, serverTls } = env;
        const saved = [serverTls.CLIENT_RENEG_LIMIT, serverTls.CLIENT_RENEG_WINDOW];
        serverTls.CLIENT_RENEG_LIMIT = 1;
        serverTls.CLIENT_RENEG_WINDOW = 0;
        try {
          await pair(env, { server: { maxVersion: 'TLSv1.2' }, onClient: renegotiateTimes(rec, 3) });
        } finally {
          [serverTls.CLIENT_RENEG_LIMIT, serverTls.CLIENT_RENEG_WINDOW] = saved;
        }
      }, { side });
      assert.equal(log.server.filter((e) => e[0] === 'socket error').length, 0);
      assert.equal(log.server.filter((e) => e[0] === 'secure').length, 3);
    });

    it(`disableRenegotiation() on the server (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2' },
        onServer(s) { rec.add('server', 'disable', s.disableRenegotiation()); },
        onClient: renegotiateTimes(rec, 1),
      });
    }, { side }));
  }

  for (const side of ['client', 'both']) {
    it(`disableRenegotiation() on a client does not stop the server's (tls-rs as ${side})`, () => differential(async (env) => {
      const { rec } = env;
      await pair(env, {
        server: { maxVersion: 'TLSv1.2' },
        onClient(c) { c.disableRenegotiation(); },
        onServer(s) {
          s.renegotiate({}, (err) => {
            rec.add('server', 'callback', describeError(err));
            s.end();
          });
        },
      });
    }, { side }));
  }
});

describe('openssl s_server -tls1_2 typing r and R', () => {
  /** A client's events while s_server renegotiates ('r'), then renegotiates asking for a certificate ('R'). */
  async function clientSees(tls, t) {
    const server = await startOpensslServer(['-key', 'agent-key.pem', '-cert', 'agent-cert.pem',
      '-cert_chain', 'intermediate-cert.pem', '-tls1_2'], { t });
    const log = [];
    const c = tls.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost', ...CLIENT_CERT });
    try {
      let secure = 0;
      const done = new Promise((resolve, reject) => {
        c.on('secureConnect', () => {
          log.push(['secureConnect', ++secure, c.authorized, c.getProtocol()]);
          if (secure === 1) server.write('r\n');
          else if (secure === 2) server.write('R\n');
          else resolve();
        });
        c.on('error', reject);
      });
      c.on('data', (d) => log.push(['data', String(d)]));
      c.on('close', () => log.push('close'));
      await withTimeout(done, 10000, 'three handshakes');
      c.write('bye from the client\n');
      await server.waitFor(/bye from the client/, { stream: 'stdout' });
      c.end();
      await withTimeout(once(c, 'close'), 10000, 'close');
    } finally {
      c.destroy();
      await server.kill();
    }
    return log;
  }

  it("the client emits 'secureConnect' for each handshake, as built-in tls", async (t) => {
    const expected = await clientSees(nodeTls, t);
    assert.deepStrictEqual(await clientSees(tlsRs, t), expected);
    assert.equal(expected.filter((e) => e[0] === 'secureConnect').length, 3);
  });
});

describe('openssl s_client -tls1_2 typing R', () => {
  /** The server's record while s_client renegotiates `times` times, one R after each 'secure'. */
  async function serverSees(tls, times, t) {
    const log = [];
    let socket;
    let secured = () => {};
    const srv = tls.createServer({ ...CERT }, (s) => {
      socket = s;
      log.push(['secureConnection', s.getProtocol()]);
      s.on('secure', () => { log.push('secure'); secured(); });
      s.on('error', (err) => log.push(['error', describeError(err)]));
      s.on('data', (d) => log.push(['data', String(d)]));
      s.on('close', () => log.push('close'));
      secured();
    });
    srv.on('tlsClientError', (err) => log.push(['tlsClientError', describeError(err)]));
    const port = await listen(srv);
    const client = startOpensslClient(port, ['-tls1_2', '-servername', 'localhost'], { t });
    try {
      const secure = () => new Promise((resolve) => { secured = resolve; });
      await withTimeout(secure(), 10000, 'first handshake');
      for (let i = 0; i < times; i++) {
        const next = secure();
        client.write('R\n');
        await withTimeout(next, 10000, `renegotiation ${i + 1}`);
      }
      client.write('bye\n');
      await withTimeout(new Promise((resolve) => socket.once('data', resolve)), 10000, 'data');
      client.end();
      await withTimeout(once(socket, 'close'), 10000, 'close');
      assert.equal(((client.stdout + client.stderr).match(/RENEGOTIATING/g) || []).length, times);
    } finally {
      await client.kill();
      srv.close();
    }
    return log;
  }

  it('the server sees the same handshakes and ERR_TLS_SESSION_ATTACK past the limit', async (t) => {
    const expected = await serverSees(nodeTls, 5, t);
    const actual = await serverSees(tlsRs, 5, t);
    assert.deepStrictEqual(actual, expected);
    // The guard fired on the 4th and 5th renegotiation, and the connection went on.
    assert.equal(expected.filter((e) => Array.isArray(e) && e[0] === 'error').length, 2);
    assert.deepEqual(expected.at(-2), ['data', 'bye\n']);
  });
});
