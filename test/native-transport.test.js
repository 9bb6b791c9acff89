'use strict';
// Which connections take the native transport (src/io/, lib/native.js), and what it keeps of
// net's behaviour: the connections tls-rs makes (tls.connect to a port or a path) and accepts
// (tls.Server) own their socket natively, handshake steps run on the pool (a lone handshake
// inline), sockets handed in
// and servers with a user 'connection' listener keep the memory-BIO path, TLS_RS_TRANSPORT=js
// turns it off. The rest of the suite runs on both paths (scripts/test-both-transports.js).

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { describe, it } = require('node:test');
const { liveObjects } = require('../lib/binding');
const tls = require('..');
const { fixture, once, listen } = require('./helpers/differential');
const { captureClientHello } = require('./helpers/wire');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };
const nativeOn = process.env.TLS_RS_TRANSPORT !== 'js';

/** A tls.Server whose `closeAll()` closes it and waits for every socket it accepted to close too:
 * as in Node, the server's 'close' may come before its last socket's. */
function trackedServer(onSecureConnection) {
  const srv = tls.createServer(certs, onSecureConnection);
  const socketsClosed = [];
  srv.on('secureConnection', (s) => socketsClosed.push(once(s, 'close')));
  srv.closeAll = async () => {
    srv.close();
    await Promise.all([once(srv, 'close'), ...socketsClosed]);
  };
  return srv;
}

/** Echoes `message` over a fresh connection to `port`; returns what came back and the client. */
async function echo(port, message, options = {}) {
  const c = tls.connect({ ...clientOptions, port, ...options });
  await once(c, 'secureConnect');
  c.end(message);
  let got = '';
  c.setEncoding('utf8');
  c.on('data', (d) => { got += d; });
  await once(c, 'close');
  return { got, client: c };
}

describe('the native transport', { skip: !nativeOn && 'TLS_RS_TRANSPORT=js' }, () => {
  it('owns the sockets of tls.connect and of tls.Server, and gives them back at close', async () => {
    const before = liveObjects().sockets;
    let during;
    const srv = trackedServer((s) => {
      during = liveObjects().sockets;
      s.pipe(s);
    });
    const port = await listen(srv);
    const { got, client } = await echo(port, 'over the native path');
    assert.equal(got, 'over the native path');
    assert.equal(during - before, 2, 'both ends hold a native socket while connected');
    assert.equal(client._parent, null, "as Node's tls.connect socket: no inner socket");
    await srv.closeAll();
    assert.equal(liveObjects().sockets, before, 'closed sockets are released');
  });

  it('runs handshake steps on the pool, off the JS thread, while other handshakes are in progress', async () => {
    const before = liveObjects().offloadedSteps;
    const srv = trackedServer((s) => s.pipe(s));
    const port = await listen(srv);
    assert.equal((await echo(port, 'x')).got, 'x');
    await srv.closeAll();
    // The server's ClientHello and the client's server flight; the server's last step (the
    // client's Finished) runs inline: the client's handshake is done by then.
    assert.ok(liveObjects().offloadedSteps - before >= 2, `${liveObjects().offloadedSteps - before} steps offloaded`);
    const threads = fs.readdirSync(`/proc/${process.pid}/task`)
      .map((t) => fs.readFileSync(`/proc/${process.pid}/task/${t}/comm`, 'utf8').trim());
    assert.ok(threads.some((name) => name.startsWith('tls-rs handsh')), `worker threads: ${threads.join(', ')}`);
  });

  it('runs a lone handshake inline: no thread hop when nothing else waits', async () => {
    // The server takes the memory-BIO path (a 'connection' listener), so the client's is the
    // only native handshake in progress.
    const srv = tls.createServer(certs, (s) => s.pipe(s));
    srv.on('connection', () => {});
    const port = await listen(srv);
    const before = liveObjects().offloadedSteps;
    try {
      assert.equal((await echo(port, 'alone')).got, 'alone');
      assert.equal(liveObjects().offloadedSteps - before, 0);
    } finally {
      srv.close();
    }
  });

  it('a step on a worker fails as it would inline: a client certificate with a bad signature', async () => {
    // What the chain check leaves on a worker's error queue stays there, as it fails nothing
    // inline either (OpenSSL 4.0's SSL_get_error reads the connection's state, not the queue).
    const der = Buffer.from(fixture('client-cert.pem').toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 1] ^= 0x01;
    const badCert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
    const attempt = async (othersInProgress) => {
      const events = [];
      const socketsBefore = liveObjects().sockets;
      const srv = tls.createServer({ ...certs, ca: fixture('ca-cert.pem'), requestCert: true, rejectUnauthorized: true }, (s) => {
        events.push(`secureConnection ${s.authorized}`);
        s.on('error', (e) => events.push(`socket error ${e.code}`));
        s.resume();
      });
      srv.on('tlsClientError', (e) => events.push(`tlsClientError ${e.code}`));
      const port = await listen(srv);
      // An accepted connection that never sends its hello keeps a second handshake in progress.
      const idle = othersInProgress ? net.connect(port, '127.0.0.1') : null;
      if (idle) await once(idle, 'connect');
      const before = liveObjects().offloadedSteps;
      try {
        const c = require('node:tls').connect({ ...clientOptions, port, key: fixture('client-key.pem'), cert: badCert });
        c.on('error', (e) => events.push(`client error ${e.code}`));
        c.resume();
        await once(c, 'close');
        while (events.length === 0 || (srv.connections ?? 0) > (idle ? 1 : 0)) await new Promise((r) => setImmediate(r));
        // (A copy: the idle connection's 'socket hang up' follows when it is destroyed.)
        return { events: events.slice(), offloaded: liveObjects().offloadedSteps - before };
      } finally {
        idle?.destroy();
        srv.close();
        await once(srv, 'close');
        // The accepted sockets are released when libuv has closed them, after the server's 'close'.
        while (liveObjects().sockets > socketsBefore) await new Promise((r) => setImmediate(r));
      }
    };
    const inline = await attempt(false);
    const offloaded = await attempt(true);
    assert.equal(inline.offloaded, 0);
    assert.ok(offloaded.offloaded >= 1, "the server's steps ran on the pool");
    assert.ok(inline.events.some((e) => e.startsWith('tlsClientError') || e.startsWith('socket error')), inline.events.join(', '));
    assert.deepEqual(offloaded.events, inline.events);
  });

  it('a socket destroyed while its step is on a worker hears nothing of that step', async () => {
    // Two ClientHellos read in one loop turn go to workers; a spin lets both steps finish, so
    // their results come back in one batch. The first result's SNICallback destroys both
    // sockets: the second result must not reach its destroyed socket (it did: the soak's
    // uncaught TypeError in _onSNIRequest / _askResumeSession).
    const hello = await captureClientHello();
    const accepted = [];
    let sniCalls = 0;
    const srv = tls.createServer({ ...certs, SNICallback: () => {
      sniCalls++;
      for (const s of accepted) s.destroy();
    } });
    srv.on('newSession', (id, data, done) => done()); // the TLSSocket is built at accept
    // The accepted sockets, without a 'connection' listener (which takes net's path).
    const emit = srv.emit;
    srv.emit = function (event, ...args) {
      if (event === 'connection') accepted.push(args[0]);
      return Reflect.apply(emit, this, [event, ...args]);
    };
    const port = await listen(srv);
    const clients = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
    const errors = [];
    const onUncaught = (err) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      for (const c of clients) c.on('error', () => {});
      while (accepted.length < 2) await new Promise((r) => setImmediate(r));
      const closed = accepted.map((s) => once(s, 'close'));
      const before = liveObjects().offloadedSteps;
      for (const c of clients) c.write(hello);
      // The hellos are read in the next turn's poll phase; this runs in that turn's check phase.
      setImmediate(() => setImmediate(() => {
        const until = Date.now() + 100;
        while (Date.now() < until);
      }));
      await Promise.all(closed);
      assert.equal(liveObjects().offloadedSteps - before, 2, 'both steps ran on workers');
      assert.equal(sniCalls, 1);
      assert.deepEqual(errors, []);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const c of clients) c.destroy();
      srv.close();
    }
  });

  it('a server with a user connection listener gives it the raw net.Socket and takes the memory-BIO path', async () => {
    let raw;
    let during;
    const before = liveObjects().sockets;
    const srv = tls.createServer(certs, (s) => {
      during = liveObjects().sockets;
      s.pipe(s);
    });
    srv.on('connection', (s) => { raw = s; });
    const port = await listen(srv);
    try {
      assert.equal((await echo(port, 'raw')).got, 'raw');
      assert.ok(raw instanceof net.Socket && !(raw instanceof tls.TLSSocket), 'the raw socket, as in Node');
      assert.equal(during - before, 1, 'only the client is native');
    } finally {
      srv.close();
    }
  });

  it('a connection over a Unix socket path is native too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-native-'));
    const socketPath = path.join(dir, 's');
    const before = liveObjects().sockets;
    let during;
    const srv = trackedServer((s) => {
      during = liveObjects().sockets;
      s.pipe(s);
    });
    await new Promise((resolve) => srv.listen(socketPath, resolve));
    try {
      const c = tls.connect({ path: socketPath, servername: 'localhost', ca: fixture('ca-cert.pem') });
      await once(c, 'secureConnect');
      assert.equal(c.remoteAddress, undefined);
      c.end('over a pipe');
      let got = '';
      c.on('data', (d) => { got += d; });
      await once(c, 'close');
      assert.equal(got, 'over a pipe');
      assert.equal(during - before, 2);
    } finally {
      await srv.closeAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('STARTTLS over a handed-in net.Socket keeps the memory-BIO path', async () => {
    const srv = trackedServer((s) => s.pipe(s));
    const port = await listen(srv);
    const before = liveObjects().sockets;
    const raw = net.connect(port, '127.0.0.1');
    await once(raw, 'connect');
    const c = tls.connect({ ...clientOptions, socket: raw });
    await once(c, 'secureConnect');
    assert.equal(liveObjects().sockets - before, 1, 'only the accepted end is native');
    assert.equal(c._parent, raw);
    c.end();
    c.resume();
    await once(c, 'close');
    await srv.closeAll();
  });

  it('without handshake workers (TLS_RS_HANDSHAKE_THREADS=0) steps run inline', () => {
    const script = `
      const tls = require(${JSON.stringify(path.join(__dirname, '..'))});
      const { liveObjects } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'binding'))});
      const f = (n) => require('fs').readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))} + '/' + n);
      let open = 2;
      const closed = () => { if (--open === 0) { srv.close(); console.log(JSON.stringify(liveObjects())); } };
      const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => {
        s.on('close', closed);
        s.end('ok');
      });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: 'localhost', ca: f('ca-cert.pem') });
        c.resume();
        c.on('close', closed);
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TLS_RS_HANDSHAKE_THREADS: '0' }, encoding: 'utf8',
    }));
    assert.equal(out.offloadedSteps, 0);
    assert.equal(out.sockets, 0);
  });
});

describe('at the file-descriptor limit', { skip: !nativeOn && 'TLS_RS_TRANSPORT=js' }, () => {
  // A server whose process has exactly one descriptor left when a client connects: accept()
  // takes it, and the duplicate the native transport needs cannot be made. The connection takes
  // net's path instead (it used to be an uncaught exception that ended the server). With and
  // without handshakes begun before their TLSSocket (a 'newSession' listener turns those off).
  for (const sessionListener of [false, true]) {
    it(`a server keeps serving${sessionListener ? " (the socket built at accept)" : ''}`, async () => {
      const script = `
        const fs = require('fs');
        const tls = require(${JSON.stringify(path.join(__dirname, '..'))});
        const f = (n) => fs.readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))} + '/' + n);
        const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => s.end('served'));
        if (${sessionListener}) srv.on('newSession', (id, data, cb) => cb());
        srv.listen(0, '127.0.0.1', () => {
          const held = [];
          try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch (err) { if (err.code !== 'EMFILE') throw err; }
          fs.closeSync(held.pop());
          process.stdout.write(srv.address().port + '\\n');
          srv.once('secureConnection', () => srv.close());
        });`;
      const child = require('node:child_process').spawn('bash', ['-c', 'ulimit -n 64 && exec "$0" -e "$1"', process.execPath, script],
        { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit');
      const port = Number(await once(child.stdout, 'data'));
      const client = tls.connect({ ...clientOptions, port });
      client.setEncoding('utf8');
      let got = '';
      client.on('data', (d) => { got += d; });
      await once(client, 'close');
      assert.equal(got, 'served');
      assert.equal(await exited, 0);
    });
  }
});

describe('at the file-descriptor limit, a client', { skip: !nativeOn && 'TLS_RS_TRANSPORT=js' }, () => {
  // tls.connect's socket() takes the last descriptor; the duplicate cannot be made, so net keeps
  // the socket and the connection runs over the memory-BIO path (it used to be an uncaught
  // exception), as it runs with built-in tls.
  it('still connects', async () => {
    const srv = tls.createServer(certs, (s) => s.end('served'));
    const port = await listen(srv);
    const script = `
      const fs = require('fs');
      const tls = require(${JSON.stringify(path.join(__dirname, '..'))});
      const ca = fs.readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs', 'ca-cert.pem'))});
      const connect = (then) => {
        const c = tls.connect({ port: ${port}, host: '127.0.0.1', servername: 'localhost', ca });
        c.setEncoding('utf8');
        let got = '';
        c.on('data', (d) => { got += d; });
        c.on('close', () => then(got));
      };
      // A first connection does what happens once per process (the addon, libuv's helpers).
      connect(() => {
        const held = [];
        try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch (err) { if (err.code !== 'EMFILE') throw err; }
        fs.closeSync(held.pop());
        connect((got) => process.stdout.write(got));
      });`;
    // (Not execFileSync: the server is in this process.)
    const child = require('node:child_process').spawn('bash', ['-c', 'ulimit -n 64 && exec "$0" -e "$1"', process.execPath, script],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    assert.equal(await once(child, 'exit'), 0);
    assert.equal(out, 'served');
    srv.close();
    await once(srv, 'close');
  });
});

describe('TLS_RS_TRANSPORT=js', () => {
  it('turns the native transport off: no socket is owned natively', () => {
    const script = `
      const tls = require(${JSON.stringify(path.join(__dirname, '..'))});
      const { liveObjects } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'binding'))});
      const f = (n) => require('fs').readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))} + '/' + n);
      let most = 0;
      const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => {
        most = Math.max(most, liveObjects().sockets);
        s.end('ok');
      });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: 'localhost', ca: f('ca-cert.pem') });
        c.resume();
        c.on('close', () => { srv.close(); console.log(JSON.stringify({ most, ...liveObjects() })); });
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TLS_RS_TRANSPORT: 'js' }, encoding: 'utf8',
    }));
    assert.equal(out.most, 0);
    assert.equal(out.offloadedSteps, 0);
  });
});
