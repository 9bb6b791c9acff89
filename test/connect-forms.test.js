'use strict';
// Every argument form of tls.connect(), and what the returned socket reports around the
// connection (addresses, chainable setters, end/destroy), compared with Node's built-in tls.
// tls-rs is the client; the server is always Node's built-in tls (`side: 'client'`).

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { describe, it, after } = require('node:test');
const {
  differential, describeError, fixture, once, listen, SOCKET_EVENTS, SERVER_EVENTS,
} = require('./helpers/differential');
const { probeConnection } = require('./helpers/wire');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');

// Unix domain sockets live in one private directory, removed at the end.
const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-connect-'));
after(() => fs.rmSync(socketDir, { recursive: true, force: true }));
let socketCount = 0;
const socketPath = () => path.join(socketDir, `s${socketCount++}.sock`);

/** Where the client stands: addresses with the ephemeral ports reduced to booleans / types. */
function addresses(c, serverPort) {
  const addr = c.address();
  return {
    remoteAddress: c.remoteAddress,
    remoteFamily: c.remoteFamily,
    remotePortIsServer: c.remotePort === serverPort,
    remotePortType: typeof c.remotePort,
    localAddress: c.localAddress,
    localPortType: typeof c.localPort,
    address: addr && typeof addr === 'object' ? { ...addr, port: typeof addr.port } : addr,
  };
}

/** What the client reports once 'secureConnect' fired. */
function secureState(c, serverPort) {
  return {
    authorized: c.authorized,
    authorizationError: c.authorizationError,
    encrypted: c.encrypted,
    protocol: c.getProtocol(),
    connecting: c.connecting,
    readyState: c.readyState,
    ...addresses(c, serverPort),
  };
}

/**
 * The built-in tls server every test talks to: greets, echoes, and records what it saw of the
 * client (the SNI name it sent, events on its socket). Listens on 127.0.0.1 unless told where.
 */
async function startServer({ serverTls, rec }, { listenOn, options = {} } = {}) {
  const srv = serverTls.createServer({ ...certs, ...options }, (s) => {
    rec.add('server', 'secureConnection', { servername: s.servername, protocol: s.getProtocol() });
    rec.watch(s, 'server-socket', SOCKET_EVENTS);
    s.on('error', () => {});
    s.write('welcome\n');
    s.pipe(s);
  });
  rec.watch(srv, 'server', SERVER_EVENTS);
  let port;
  if (listenOn === undefined) {
    port = await listen(srv);
  } else {
    await new Promise((resolve) => srv.listen(listenOn, resolve));
    port = typeof listenOn === 'string' ? listenOn : srv.address().port;
  }
  const close = async () => {
    srv.close();
    await once(srv, 'close');
  };
  return { srv, port, close };
}

/**
 * Watches a client to its 'close': events, the 'lookup' arguments, data as one string.
 * Ends the client when the server's greeting arrived (`endOnGreeting`).
 */
function drive(rec, c, { endOnGreeting = true } = {}) {
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('lookup', (err, address, family, host) => {
    rec.add('client', 'lookup args', { err: describeError(err), address, family, host });
  });
  c.on('error', () => {});
  c.setEncoding('utf8');
  let received = '';
  c.on('data', (d) => {
    received += d;
    if (endOnGreeting && received === 'welcome\n') c.end();
  });
  return once(c, 'close').then((hadError) => {
    rec.add('client', 'closed', { hadError, received, destroyed: c.destroyed });
  });
}

/** A scenario for one argument form: `connect(tls, port, done)` calls tls.connect. */
function formScenario(connect, { listenOn } = {}) {
  return async (env) => {
    const { clientTls, rec } = env;
    const server = await startServer(env, { listenOn });
    let c;
    const cb = function() {
      rec.add('client', 'callback', { thisIsSocket: this === c, ...secureState(c, server.port) });
    };
    c = connect(clientTls, server.port, cb);
    rec.add('client', 'returned', { isTLSSocket: c instanceof clientTls.TLSSocket, connecting: c.connecting,
      pipe: c._tlsOptions.pipe, npn: 'NPNProtocols' in c._tlsOptions });
    await drive(rec, c);
    await server.close();
  };
}

/** Writes 'early' at once, ends once the server's greeting and the echo came back; drives `c`. */
function writeEarlyAndDrive(rec, c) {
  c.write('early\n', (err) => rec.add('client', 'write callback', describeError(err)));
  let received = '';
  c.on('data', (d) => {
    received += d;
    if (received === 'welcome\nearly\n') c.end();
  });
  return drive(rec, c, { endOnGreeting: false });
}

describe('TLS over a TLS connection (tls.connect({ socket: tlsSocket }))', () => {
  // Given no host, the outer connection checks the server's name against the inner socket's
  // `_host` (Node: servername || host || socket._host || 'localhost'). tls-rs's sockets had no
  // `_host`, so a certificate for localhost passed where Node refuses it.
  it('checks the inner connection\'s host name', () => differential(async ({ clientTls, rec }) => {
    const target = require('node:tls').createServer(certs, (s) => s.end('hi'));
    const targetPort = await listen(target);
    const proxy = require('node:tls').createServer(certs, (s) => {
      const up = net.connect(targetPort, '127.0.0.1');
      s.pipe(up).pipe(s);
      s.on('error', () => {});
      up.on('error', () => {});
    });
    const proxyPort = await listen(proxy);
    const lookup = (host, options, cb) => (options?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));
    const inner = clientTls.connect({ port: proxyPort, host: 'proxy.other.test', lookup, ca, rejectUnauthorized: false });
    await once(inner, 'secureConnect');
    rec.add('inner', '_host', inner._host);
    const outer = clientTls.connect({ socket: inner, ca, checkServerIdentity: (host, cert) => {
      rec.add('outer', 'checks', host);
      return require('node:tls').checkServerIdentity(host, cert);
    } });
    rec.watch(outer, 'outer', SOCKET_EVENTS);
    outer.on('error', () => {}); // recorded by watch()
    outer.on('secureConnect', () => outer.destroy());
    await once(outer, 'close');
    inner.destroy();
    proxy.close();
    target.close();
  }, { side: 'client' }));
});

describe('family autoselection', () => {
  // net's list of the addresses tried is on the TLS socket, as in Node (tls-rs's inner socket
  // kept it to itself): a refused ::1, then 127.0.0.1; and two refused addresses.
  for (const [name, addresses] of [['connects on the second address', ['::1', '127.0.0.1']],
    ['fails on both', ['::1', '127.0.0.2']]]) {
    it(`autoSelectFamilyAttemptedAddresses: ${name}`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const srv = serverTls.createServer(certs, (s) => s.end());
      const port = await listen(srv);
      const lookup = (host, options, cb) => cb(null, addresses.map((address) => ({ address, family: net.isIP(address) })));
      const c = clientTls.connect({ port, host: 'localhost', lookup, ca, autoSelectFamily: true });
      c.on('error', (err) => rec.add('client', 'error', err.code ?? err.name));
      c.on('secureConnect', () => c.end());
      c.resume();
      await once(c, 'close');
      rec.add('client', 'attempted', c.autoSelectFamilyAttemptedAddresses?.map((a) => a.replace(/:\d+$/, ':<port>')));
      srv.close();
    }, { side: 'client' }));
  }
});

describe('tls.connect argument forms match built-in tls', () => {
  it('(options, callback)', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, cb)), { side: 'client' });
  });

  it('(options) with a \'secureConnect\' listener added afterwards', async () => {
    await differential(formScenario((tls, port, cb) => {
      const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
      c.on('secureConnect', cb);
      return c;
    }), { side: 'client' });
  });

  it('(port, host, options, callback)', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect(port, '127.0.0.1', { servername: 'localhost', ca }, cb)), { side: 'client' });
  });

  it('(port, host, options, callback) with the port as a numeric string', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect(String(port), '127.0.0.1', { servername: 'localhost', ca }, cb)), { side: 'client' });
  });

  it('(port, host, options) — the options\' host and port win over the positional ones', async () => {
    await differential(formScenario((tls, port, cb) => {
      const c = tls.connect(1, 'host.invalid', { port, host: '127.0.0.1', servername: 'localhost', ca });
      c.once('secureConnect', cb);
      return c;
    }), { side: 'client' });
  });

  it('(port, options, callback) — host defaults to localhost (lookup, SNI, identity check)', async () => {
    // Listen wherever "localhost" may resolve (:: covers IPv4 too where the host has IPv6).
    await differential(formScenario((tls, port, cb) =>
      tls.connect(port, { ca }, cb), { listenOn: 0 }), { side: 'client' });
  });

  it('(port, host, callback) — no options: the default trust store rejects the test CA', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect(port, '127.0.0.1', cb)), { side: 'client' });
  });

  it('(port, callback) — no options, host defaults to localhost', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect(port, cb), { listenOn: 0 }), { side: 'client' });
  });

  it('(port, callback) with NODE_TLS_REJECT_UNAUTHORIZED=0: callback runs, authorized false', async () => {
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const warning = process.listeners('warning');
    process.removeAllListeners('warning'); // the one-time insecurity warning is not the subject
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await differential(formScenario((tls, port, cb) =>
        tls.connect(port, cb), { listenOn: 0 }), { side: 'client' });
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      for (const l of warning) process.on('warning', l);
    }
  });

  it('({ host: \'localhost\' }): \'lookup\' with the resolved address', async () => {
    await differential(formScenario((tls, port, cb) =>
      tls.connect({ port, host: 'localhost', ca }, cb), { listenOn: 0 }), { side: 'client' });
  });

  it('({ path }) over a Unix domain socket', { skip: process.platform === 'win32' }, async () => {
    const where = socketPath();
    await differential(formScenario((tls, p, cb) =>
      tls.connect({ path: p, ca }, cb), { listenOn: where }), { side: 'client' });
  });

  it('(path, options, callback) — a string first argument is a socket path', { skip: process.platform === 'win32' }, async () => {
    const where = socketPath();
    await differential(formScenario((tls, p, cb) =>
      tls.connect(p, { ca }, cb), { listenOn: where }), { side: 'client' });
  });

  it('({ path }) to a missing socket: ENOENT with the path', { skip: process.platform === 'win32' }, async () => {
    const where = path.join(socketDir, 'missing.sock');
    await differential(async ({ clientTls, rec }) => {
      await drive(rec, clientTls.connect({ path: where, ca }));
    }, { side: 'client' });
  });
});

describe('tls.connect option \'timeout\' matches built-in tls', () => {
  it('fires \'timeout\' while the peer never answers the ClientHello', async () => {
    await differential(async ({ clientTls, rec }) => {
      const silent = net.createServer((s) => s.on('error', () => {}).resume());
      const port = await listen(silent);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca, timeout: 50 });
      rec.add('client', 'timeout property', c.timeout);
      c.on('timeout', () => c.destroy());
      await drive(rec, c);
      silent.close();
      await once(silent, 'close');
    }, { side: 'client' });
  });

  it('fires \'timeout\' on an idle secure connection, and not once cleared', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca, timeout: 80 });
      c.on('timeout', () => {
        rec.add('client', 'timed out', { secure: c.authorized, timeout: c.timeout });
        rec.add('client', 'clearing returns socket', c.setTimeout(0) === c);
        // A sleep on purpose: no second 'timeout' may come in the 150 ms after clearing (80 ms).
        setTimeout(() => c.end(), 150);
      });
      await drive(rec, c, { endOnGreeting: false });
      await server.close();
    }, { side: 'client' });
  });
});

describe('tls.connect invalid arguments throw as built-in tls does', () => {
  const cases = {
    'no arguments (ERR_MISSING_ARGS)': (tls) => tls.connect(),
    'empty options (ERR_MISSING_ARGS)': (tls) => tls.connect({}),
    'only a callback (ERR_MISSING_ARGS)': (tls) => tls.connect(() => {}),
    'port -1 (ERR_SOCKET_BAD_PORT)': (tls) => tls.connect(-1),
    'port 65536 (ERR_SOCKET_BAD_PORT)': (tls) => tls.connect({ port: 65536 }),
    'port \'abc\' (ERR_SOCKET_BAD_PORT)': (tls) => tls.connect({ port: 'abc', host: '127.0.0.1' }),
    'port NaN (ERR_SOCKET_BAD_PORT)': (tls) => tls.connect(NaN, '127.0.0.1'),
    'port true (ERR_INVALID_ARG_TYPE)': (tls) => tls.connect({ port: true }),
    'minVersion \'foo\' (ERR_TLS_INVALID_PROTOCOL_VERSION)': (tls, port) => tls.connect({ port, minVersion: 'foo' }),
    'maxVersion \'TLSv9\' (ERR_TLS_INVALID_PROTOCOL_VERSION)': (tls, port) => tls.connect(port, { maxVersion: 'TLSv9' }),
    'secureProtocol unknown (ERR_TLS_INVALID_PROTOCOL_METHOD)': (tls, port) => tls.connect({ port, secureProtocol: 'nope' }),
    'ciphers matching nothing (ERR_SSL_NO_CIPHER_MATCH)': (tls, port) => tls.connect({ port, ciphers: 'nope' }),
    'ca a number (ERR_INVALID_ARG_TYPE)': (tls, port) => tls.connect({ port, ca: 123 }),
    'secureContext not a SecureContext (ERR_TLS_INVALID_CONTEXT)': (tls, port) => tls.connect({ port, secureContext: {} }),
    'path a number (ERR_INVALID_ARG_TYPE)': (tls) => tls.connect({ path: 123 }),
    'host a number (ERR_INVALID_ARG_TYPE)': (tls, port) => tls.connect({ port, host: 123 }),
    'localAddress not an IP (ERR_INVALID_IP_ADDRESS)': (tls, port) => tls.connect({ port, localAddress: 'nope' }),
    'family 5 (ERR_INVALID_ARG_VALUE)': (tls, port) => tls.connect({ port, family: 5 }),
    'lookup not a function (ERR_INVALID_ARG_TYPE)': (tls, port) => tls.connect({ port, host: 'localhost', lookup: 'x' }),
    'signal not an AbortSignal (ERR_INVALID_ARG_TYPE)': (tls, port) => tls.connect({ port, signal: 'x' }),
    'timeout a string (ERR_INVALID_ARG_TYPE)': (tls, port) => tls.connect({ port, timeout: 'x' }),
    'timeout -1 (ERR_OUT_OF_RANGE)': (tls, port) => tls.connect({ port, timeout: -1 }),
    'timeout Infinity (ERR_OUT_OF_RANGE)': (tls, port) => tls.connect({ port, timeout: Infinity }),
    'checkServerIdentity not a function (assertion)': (tls, port) => tls.connect({ port, checkServerIdentity: 'x' }),
    'minDHSize not a number (assertion)': (tls, port) => tls.connect({ port, minDHSize: 'x' }),
    'minDHSize 0 (assertion)': (tls, port) => tls.connect({ port, minDHSize: 0 }),
  };
  for (const [name, connect] of Object.entries(cases)) {
    it(name, async () => {
      await differential(async ({ clientTls, rec }) => {
        // A port nobody listens on; a form that does not throw is torn down at once.
        const probe = net.createServer();
        const port = await listen(probe);
        probe.close();
        await once(probe, 'close');
        try {
          const c = connect(clientTls, port);
          c.on('error', () => {});
          c.destroy();
          rec.add('client', 'returned a socket');
          await once(c, 'close');
        } catch (err) {
          // ERR_INTERNAL_ASSERTION's message ends with Node's bug-report boilerplate; its first
          // line is what differs between the cases.
          const described = describeError(err);
          described.message = described.message.split('\n')[0];
          rec.add('client', 'threw', described);
        }
      }, { side: 'client' });
    });
  }
});

describe('TLSSocket properties around tls.connect match built-in tls', () => {
  it('addresses before connecting, at secureConnect and after close', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      rec.add('client', 'before connect', { ...addresses(c, server.port), connecting: c.connecting, readyState: c.readyState });
      c.on('connect', () => rec.add('client', 'at connect', { ...addresses(c, server.port), connecting: c.connecting }));
      c.on('secureConnect', () => rec.add('client', 'at secureConnect', secureState(c, server.port)));
      await drive(rec, c);
      rec.add('client', 'after close', { ...addresses(c, server.port), readyState: c.readyState });
      await server.close();
    }, { side: 'client' });
  });

  it('pending: true until connected, false once connected, true after close', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      rec.add('client', 'pending before connect', c.pending);
      c.on('connect', () => rec.add('client', 'pending at connect', c.pending));
      c.on('secureConnect', () => rec.add('client', 'pending at secureConnect', c.pending));
      await drive(rec, c);
      rec.add('client', 'pending after close', c.pending);
      await server.close();
    }, { side: 'client' });
  });

  it('addresses after close when never read before', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      await drive(rec, c);
      rec.add('client', 'after close', addresses(c, server.port));
      await server.close();
    }, { side: 'client' });
  });

  it('bytesRead / bytesWritten (cleartext) and bufferSize', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      const counters = (when) => rec.add('client', when, {
        bytesRead: c.bytesRead, bytesWritten: c.bytesWritten, bufferSize: c.bufferSize,
      });
      counters('before connect');
      c.on('secureConnect', () => c.write('abc\n'));
      let received = '';
      c.on('data', (d) => {
        received += d;
        if (received === 'welcome\nabc\n') {
          counters('after the echo');
          c.end();
        }
      });
      await drive(rec, c, { endOnGreeting: false });
      counters('after close');
      await server.close();
    }, { side: 'client' });
  });

  it('setNoDelay / setKeepAlive / setTimeout / ref / unref return the socket, before and after connect', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      const chain = (when) => rec.add('client', `chainable ${when}`, {
        setNoDelay: c.setNoDelay(true) === c,
        setNoDelayDefault: c.setNoDelay() === c,
        setKeepAlive: c.setKeepAlive(true, 1000) === c,
        setKeepAliveOff: c.setKeepAlive(false) === c,
        setTimeout: c.setTimeout(10000) === c,
        timeout: c.timeout,
        clearTimeout: c.setTimeout(0) === c,
        ref: c.ref() === c,
        unref: c.unref() === c,
        refAgain: c.ref() === c,
      });
      chain('before connect');
      c.on('secureConnect', () => chain('after secureConnect'));
      await drive(rec, c);
      chain('after close');
      await server.close();
    }, { side: 'client' });
  });

  it('end() sends close_notify: the server sees \'end\' before \'close\'', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
        rec.add('client', 'end returns socket', c.end() === c);
      });
      await drive(rec, c, { endOnGreeting: false });
      await server.close();
    }, { side: 'client' });
  });

  it('end(data) sends the data, then close_notify', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
        c.end('bye\n');
      });
      await drive(rec, c, { endOnGreeting: false });
      await server.close();
    }, { side: 'client' });
  });

  it('destroy() before connecting: \'close\' without error, no connection made', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      rec.add('client', 'destroy returns socket', c.destroy() === c);
      rec.add('client', 'after destroy', { destroyed: c.destroyed, connecting: c.connecting });
      await drive(rec, c);
      // A connection the client should not have made reaches the server before the probe.
      await probeConnection(server.srv);
      await server.close();
    }, { side: 'client' });
  });

  it('destroy() before the DNS lookup finished (host: \'localhost\')', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env, { listenOn: 0 });
      // The system's lookup, with its completion observed: once the answer has been handed to
      // the socket, a connection it should not make would be under way before the probe.
      let answered;
      const lookedUp = new Promise((resolve) => { answered = resolve; });
      const lookup = (host, options, cb) => require('node:dns').lookup(host, options, (...answer) => {
        cb(...answer);
        answered();
      });
      const c = clientTls.connect({ port: server.port, host: 'localhost', ca, lookup });
      c.destroy();
      await drive(rec, c);
      await lookedUp;
      await probeConnection(server.srv);
      await server.close();
    }, { side: 'client' });
  });

  it('destroy() after connect, before secureConnect', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      // The server accepts the connection (and then sees it go) before it is closed.
      const accepted = once(server.srv, 'connection');
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      c.on('connect', () => c.destroy());
      await drive(rec, c);
      await accepted;
      await server.close();
    }, { side: 'client' });
  });

  it('destroy(err) after secureConnect: \'error\' then \'close\' (hadError true)', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
        const err = new Error('user gave up');
        err.code = 'E_USER';
        c.destroy(err);
        rec.add('client', 'after destroy', { destroyed: c.destroyed, errored: describeError(c.errored) });
      });
      await drive(rec, c, { endOnGreeting: false });
      await server.close();
    }, { side: 'client' });
  });

  it('destroy() after secureConnect: \'close\' (hadError false), the server sees the connection end', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
        c.destroy();
      });
      await drive(rec, c, { endOnGreeting: false });
      await server.close();
    }, { side: 'client' });
  });

  it('writes made before secureConnect are sent after the handshake', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = clientTls.connect({ port: server.port, host: '127.0.0.1', servername: 'localhost', ca });
      await writeEarlyAndDrive(rec, c);
      await server.close();
    }, { side: 'client' });
  });

  // No tls.connect: nothing starts the handshake but the first write (SSL_write in Node's TLSWrap).
  it('new TLSSocket() + connect() + write(): the write starts the handshake', async () => {
    await differential(async (env) => {
      const { clientTls, rec } = env;
      const server = await startServer(env);
      const c = new clientTls.TLSSocket();
      c.on('secure', () => rec.add('client', 'secure', { encrypted: c.encrypted, protocol: c.getProtocol() }));
      c.connect(server.port, '127.0.0.1');
      await writeEarlyAndDrive(rec, c);
      await server.close();
    }, { side: 'client' });
  });
});
