'use strict';
// The 'keylog' event: TLSSocket ('keylog', line) and Server ('keylog', line, tlsSocket), NSS
// key-log lines as Buffers ending in '\n', produced only once a listener is added. Differential
// against built-in tls (labels, line shapes and counts per TLS 1.2 / 1.3 handshake), the two
// ends of one tls-rs connection agree, and byte-identity with what `openssl s_server
// -keylogfile` / `s_client -keylogfile` write for the same connection.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  differential, fixture, once, listen, nodeTls, tlsRs,
} = require('./helpers/differential');
const { startOpensslServer, startOpensslClient, startNode, tmpDir, withTimeout } = require('./helpers/peers');

const CERT = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const ca = fixture('ca-cert.pem');
const SIDES = ['client', 'server', 'both'];
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];
const LINE = /^([A-Z_0-9]+) ([0-9a-f]{64}) ([0-9a-f]{64}|[0-9a-f]{96})\n$/;

/** A key-log line as a test compares it across implementations: label and field lengths. */
function shape(line) {
  const m = LINE.exec(line.toString('latin1'));
  return m ? [m[1], m[2].length, m[3].length] : ['malformed', line.toString('latin1')];
}

/**
 * Resolves with the key lines (its '#' comment left out) in `file` once it holds `count` of them.
 * The openssl peer writes some lines after the handshake event this side sees (it derives and
 * logs its application secrets after it sent its Finished), so the file is watched: each
 * 'change' is a write to look at. Bounded, so that a peer that never writes fails the test.
 */
async function linesOf(file, count) {
  const read = () => fs.readFileSync(file, 'latin1').split(/(?<=\n)/).filter((l) => l && !l.startsWith('#'));
  const watcher = fs.watch(file);
  try {
    let lines = read();
    while (lines.length < count) {
      await withTimeout(once(watcher, 'change'), 10000, `${file}: ${count} key lines (has ${lines.length})`);
      lines = read();
    }
    return lines;
  } finally {
    watcher.close();
  }
}

describe("'keylog' differential", () => {
  for (const side of SIDES) {
    for (const version of VERSIONS) {
      it(`${version}, tls-rs as ${side}`, () => differential(async ({ clientTls, serverTls, rec }) => {
        const srv = serverTls.createServer({ ...CERT, maxVersion: version }, (s) => {
          rec.add('server', 'secureConnection');
          s.end();
        });
        srv.on('keylog', (line, socket) => {
          rec.add('server', 'keylog', Buffer.isBuffer(line), shape(line), socket instanceof serverTls.TLSSocket);
        });
        const port = await listen(srv);
        const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: version });
        c.on('keylog', (line) => rec.add('client', 'keylog', Buffer.isBuffer(line), shape(line)));
        c.on('secureConnect', () => rec.add('client', 'secureConnect'));
        c.resume();
        await once(c, 'close');
        srv.close();
        await once(srv, 'close');
      }, { side }));
    }
  }

  it('no lines before a listener is added, lines once one is (tls-rs as both)', () => differential(async ({ clientTls, serverTls, rec }) => {
    const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2' }, (s) => s.end());
    const port = await listen(srv);
    // The first connection's handshake runs without listeners; the server gets one later.
    const first = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    first.resume();
    await once(first, 'secureConnect');
    first.on('keylog', () => rec.add('client', 'keylog after handshake'));
    await once(first, 'close');
    srv.on('keylog', (line) => rec.add('server', 'keylog', shape(line)));
    const second = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    second.resume();
    await once(second, 'close');
    srv.close();
    await once(srv, 'close');
  }, { side: 'both' }));
});

describe("'keylog' during renegotiation", () => {
  for (const side of SIDES) {
    it(`each TLS 1.2 handshake logs its secret (tls-rs as ${side})`, () => differential(async ({ clientTls, serverTls, rec }) => {
      const srv = serverTls.createServer({ ...CERT, maxVersion: 'TLSv1.2' }, (s) => {
        s.on('secure', () => rec.add('server', 'secure'));
        s.resume();
      });
      srv.on('keylog', (line) => rec.add('server', 'keylog', shape(line)));
      const port = await listen(srv);
      const c = clientTls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
      const lines = [];
      c.on('keylog', (line) => {
        lines.push(line.toString('latin1'));
        rec.add('client', 'keylog', shape(line));
      });
      await once(c, 'secureConnect');
      await new Promise((resolve) => c.renegotiate({}, resolve));
      rec.add('client', 'renegotiated', lines.length, new Set(lines).size);
      c.end();
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
    }, { side }));
  }
});

describe('both ends of a tls-rs connection log the same secrets', () => {
  for (const version of VERSIONS) {
    it(version, async () => {
      const serverLines = [];
      const clientLines = [];
      const srv = tlsRs.createServer({ ...CERT, maxVersion: version }, (s) => s.end());
      srv.on('keylog', (line) => serverLines.push(line.toString('latin1')));
      const port = await listen(srv);
      const c = tlsRs.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', maxVersion: version });
      c.on('keylog', (line) => clientLines.push(line.toString('latin1')));
      c.resume();
      await once(c, 'close');
      srv.close();
      await once(srv, 'close');
      assert.equal(clientLines.length, version === 'TLSv1.3' ? 5 : 1);
      assert.deepEqual([...serverLines].sort(), [...clientLines].sort());
    });
  }
});

describe('byte-identical to the openssl CLI -keylogfile', () => {
  for (const version of VERSIONS) {
    const flag = version === 'TLSv1.3' ? '-tls1_3' : '-tls1_2';
    const count = version === 'TLSv1.3' ? 5 : 1;

    it(`tls-rs client against s_server ${flag}`, async (t) => {
      const file = path.join(tmpDir(t), 'keys.log');
      const server = await startOpensslServer(['-key', 'agent-key.pem', '-cert', 'agent-cert.pem',
        '-cert_chain', 'intermediate-cert.pem', flag, '-keylogfile', file], { t });
      const lines = [];
      const c = tlsRs.connect({ port: server.port, host: '127.0.0.1', ca, servername: 'localhost' });
      c.on('keylog', (line) => lines.push(line));
      try {
        await withTimeout(once(c, 'secureConnect'), 10000, 'secureConnect');
        const expected = await linesOf(file, count);
        assert.equal(lines.length, count);
        assert.deepEqual(lines.map((l) => l.toString('latin1')).sort(), expected.sort());
        for (const line of lines) assert.equal(line.at(-1), 0x0a);
      } finally {
        c.destroy();
        await server.kill();
      }
    });

    it(`tls-rs server against s_client ${flag}`, async (t) => {
      const file = path.join(tmpDir(t), 'keys.log');
      const lines = [];
      const srv = tlsRs.createServer({ ...CERT });
      srv.on('keylog', (line) => lines.push(line));
      const port = await listen(srv);
      const client = startOpensslClient(port, [flag, '-servername', 'localhost', '-keylogfile', file], { t });
      try {
        const socket = await withTimeout(once(srv, 'secureConnection'), 10000, 'secureConnection');
        const expected = await linesOf(file, count);
        assert.equal(lines.length, count);
        assert.deepEqual(lines.map((l) => l.toString('latin1')).sort(), expected.sort());
        socket.destroy();
      } finally {
        client.end();
        await client.kill();
        srv.close();
      }
    });
  }
});

describe('--tls-keylog=file', () => {
  const ROOT = path.join(__dirname, '..');
  const SCRIPT = `
const tls = require(process.argv[1] === 'node' ? 'node:tls' : process.argv[1]);
const fs = require('fs');
const f = (n) => fs.readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))} + '/' + n);
const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => { s.end(); srv.close(); });
srv.listen(0, '127.0.0.1', () => {
  const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', ca: f('ca-cert.pem'), servername: 'localhost' });
  c.resume();
});
`;

  async function keylogOf(t, impl) {
    const file = path.join(tmpDir(t), 'keys.log');
    const child = startNode({ code: SCRIPT, args: [impl], t, cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: `--tls-keylog=${file}` } });
    const { code } = await child.waitExit(20000);
    assert.equal(code, 0, child.stderr);
    assert.match(child.stderr, /Warning: Using --tls-keylog makes TLS connections insecure by writing secret key material to file /);
    const lines = fs.readFileSync(file, 'latin1').split(/(?<=\n)/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    return lines.map((l) => shape(Buffer.from(l, 'latin1'))[0]).sort();
  }

  it('both ends of a connection append their lines, as built-in tls', async (t) => {
    const [builtin, ours] = await Promise.all([keylogOf(t, 'node'), keylogOf(t, ROOT)]);
    assert.equal(builtin.length, 10);
    assert.deepEqual(ours, builtin);
  });

  it('NODE_OPTIONS is read as Node reads it: a quoted path, the last of a repeated flag', async (t) => {
    // Where each implementation writes: a path with a space given in double quotes, after a
    // first --tls_keylog (underscore) that the second one overrides.
    const where = async (impl) => {
      const dir = tmpDir(t);
      fs.mkdirSync(path.join(dir, 'x y'));
      const first = path.join(dir, 'first.log');
      const last = path.join(dir, 'x y', 'last.log');
      const child = startNode({ code: SCRIPT, args: [impl], t, cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: `--tls_keylog=${first} --tls-keylog="${last}"` } });
      const { code } = await child.waitExit(20000);
      assert.equal(code, 0, child.stderr);
      return { first: fs.existsSync(first), last: fs.existsSync(last) && fs.readFileSync(last, 'latin1').split('\n').length - 1 };
    };
    const [builtin, ours] = await Promise.all([where('node'), where(ROOT)]);
    assert.deepEqual(builtin, { first: false, last: 10 });
    assert.deepEqual(ours, builtin);
  });

  // Beyond Node (which ignores it): SSLKEYLOGFILE, as curl and browsers read it.
  describe('SSLKEYLOGFILE', () => {
    async function run(t, file) {
      const env = { ...process.env, SSLKEYLOGFILE: file };
      delete env.NODE_OPTIONS;
      const child = startNode({ code: SCRIPT, args: [ROOT], t, cwd: ROOT, env });
      const { code } = await child.waitExit(20000);
      assert.equal(code, 0, child.stderr);
      return child.stderr;
    }

    it('both ends append the lines --tls-keylog gets from built-in tls, to a 0600 file, with a warning', async (t) => {
      const file = path.join(tmpDir(t), 'sslkeys.log');
      const [builtin, stderr] = await Promise.all([keylogOf(t, 'node'), run(t, file)]);
      assert.equal(stderr.match(/Warning: Using SSLKEYLOGFILE makes TLS connections insecure by writing secret key material to file /g)?.length, 1);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const lines = fs.readFileSync(file, 'latin1').split(/(?<=\n)/);
      assert.deepEqual(lines.map((l) => shape(Buffer.from(l, 'latin1'))[0]).sort(), builtin);
    });

    it('the lines of a process that exits right after its handshakes are all written', async (t) => {
      // (The write stream tls-rs had before lost them: 6 of 10 lines, none with one connection.)
      const file = path.join(tmpDir(t), 'exit.log');
      const env = { ...process.env, SSLKEYLOGFILE: file };
      delete env.NODE_OPTIONS;
      const code = `
const tls = require(process.argv[1]);
const fs = require('fs');
const f = (n) => fs.readFileSync(${JSON.stringify(path.join(__dirname, 'fixtures', 'certs'))} + '/' + n);
const srv = require('node:tls').createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (s) => s.end());
srv.listen(0, '127.0.0.1', () => {
  const go = (n) => {
    const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', ca: f('ca-cert.pem'), servername: 'localhost' });
    c.resume();
    c.on('secureConnect', () => { if (n === 2) process.exit(0); });
    c.on('close', () => go(n + 1));
  };
  go(1);
});
`;
      const child = startNode({ code, args: [ROOT], t, cwd: ROOT, env });
      const { code: exitCode } = await child.waitExit(20000);
      assert.equal(exitCode, 0, child.stderr);
      const lines = fs.readFileSync(file, 'latin1').split(/(?<=\n)/);
      // Two TLS 1.3 client handshakes: five secrets each. (A write in flight at the exit is
      // written again: a line may repeat.)
      assert.equal(new Set(lines).size, 10, lines.join(''));
    });

    it('a file that cannot be written warns once and the connection still works', async (t) => {
      const stderr = await run(t, path.join(tmpDir(t), 'no-such-dir', 'keys.log'));
      assert.equal(stderr.match(/Failed to write TLS keylog to SSLKEYLOGFILE/g)?.length, 1);
    });
  });
});
