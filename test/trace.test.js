'use strict';
// enableTrace: the option of tls.connect / tls.createServer / new TLSSocket and the socket
// method print the connection's protocol messages to stderr (checked in a child process, next
// to built-in tls doing the same): OpenSSL's SSL_trace decoding, as Node prints it (the vendored
// OpenSSL is built with enable-ssl-trace); nothing is printed without it; Node's validation of
// the option.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const net = require('node:net');
const { describeError, nodeTls, tlsRs } = require('./helpers/differential');
const { tmpDir } = require('./helpers/peers');
const fs = require('node:fs');
const { execFileSync, spawn } = require('node:child_process');
const { once } = require('node:events');

const ROOT = path.join(__dirname, '..');

// One connection in a child: `mode` says where tracing is on ('client' option, 'server'
// option, 'method' = socket.enableTrace() before the handshake, 'none').
const SCRIPT = `
const tls = require(process.argv[1] === 'node' ? 'node:tls' : process.argv[1]);
const fs = require('fs');
const f = (n) => fs.readFileSync(${JSON.stringify(path.join(ROOT, 'test/fixtures/certs'))} + '/' + n);
const [mode, maxVersion] = [process.argv[2], process.argv[3]];
const srv = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem'), maxVersion,
  enableTrace: mode === 'server' || undefined }, (s) => { s.end(); srv.close(); });
srv.listen(0, '127.0.0.1', () => {
  const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', ca: f('ca-cert.pem'),
    servername: 'localhost', enableTrace: mode === 'client' || undefined });
  if (mode === 'method') c.enableTrace();
  c.on('secureConnect', () => process.stdout.write('secure\\n'));
  c.resume();
});
`;

// The child's stderr is a file: a pipe that fills up while the parent is not reading makes
// built-in tls drop trace output (Node writes it best-effort to the non-blocking pipe).
async function traceOf(t, impl, mode, version, env = process.env) {
  const dir = tmpDir(t);
  const file = path.join(dir, 'stderr');
  const stderr = fs.openSync(file, 'w');
  const child = spawn(process.execPath, ['-e', SCRIPT, impl, mode, version], { cwd: ROOT, env, stdio: ['ignore', 'pipe', stderr] });
  fs.closeSync(stderr);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  const [code] = await once(child, 'close');
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(code, 0, text);
  assert.equal(stdout, 'secure\n');
  return text;
}

// The traced end's records and handshake messages in order, without lengths or contents.
// OpenSSL 3.2+ says "Sent TLS Record" where 3.0 says "Sent Record"; TLS 1.3 tickets are left
// out (whether the client reads them before the connection closes is timing).
function traceShape(text) {
  const lines = text.split('\n')
    .filter((l) => /^(Sent|Received) (TLS )?Record$|^  Content Type = |^    [A-Za-z]+, Length=/.test(l))
    .map((l) => l.replace(' TLS Record', ' Record').replace(/, Length=\d+$/, ''));
  const shape = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i + 2] === '    NewSessionTicket') i += 2;
    else shape.push(lines[i]);
  }
  return shape;
}

describe('enableTrace prints the protocol messages to stderr', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    for (const mode of ['client', 'server', 'method']) {
      it(`${mode}, ${version}`, async (t) => {
        const [builtin, ours] = await Promise.all([traceOf(t, 'node', mode, version), traceOf(t, ROOT, mode, version)]);
        // Node's test-tls-enable-trace asks for these.
        assert.match(ours, /Received (?:TLS )?Record/);
        assert.match(ours, /ClientHello/);
        // The same records and messages, in the same order, decoded the same way.
        const shape = traceShape(ours);
        assert.ok(shape.includes('    ServerHello'), shape.join('\n'));
        assert.ok(shape.includes(version === 'TLSv1.2' ? '    ServerKeyExchange' : '    EncryptedExtensions'), shape.join('\n'));
        assert.deepEqual(shape, traceShape(builtin));
      });
    }
  }

  it('--trace-tls turns it on for every socket, with Node\'s warning', async (t) => {
    const env = { ...process.env, NODE_OPTIONS: '--trace-tls' };
    const ours = await traceOf(t, ROOT, 'none', 'TLSv1.3', env);
    const builtin = await traceOf(t, 'node', 'none', 'TLSv1.3', env);
    for (const text of [ours, builtin]) {
      assert.equal(text.match(/Warning: Enabling --trace-tls can expose sensitive data in the resulting log\./g).length, 1);
    }
    // Both ends trace: the ClientHello appears sent and received.
    const shape = traceShape(ours).join('\n');
    assert.match(shape, /^Sent Record\n  Content Type = Handshake \(22\)\n    ClientHello$/m);
    assert.match(shape, /^Received Record\n  Content Type = Handshake \(22\)\n    ClientHello$/m);
    // (The two ends' traces interleave as their steps happen to run, so they are not compared.)
    assert.match(traceShape(builtin).join('\n'), /^Received Record\n  Content Type = Handshake \(22\)\n    ClientHello$/m);
  });

  // Stderr a FIFO nobody reads (opened read-write by the parent, so the child's writes neither
  // block nor fail with EPIPE): the child fills it, then handshakes with its client traced. Node
  // drops what does not fit; tls-rs waits a second for a reader, then drops too — it waited
  // forever, with the JS thread, before.
  it('a stderr pipe nobody reads does not stop the connection', async (t) => {
    const fifo = path.join(tmpDir(t), 'stderr');
    execFileSync('mkfifo', [fifo]);
    const script = `
      process.stderr; // libuv opens the pipe non-blocking
      try { for (;;) require('fs').writeSync(2, Buffer.alloc(4096)); } catch (err) { if (err.code !== 'EAGAIN') throw err; }
      ${SCRIPT}`;
    const run = async (impl) => {
      const fd = fs.openSync(fifo, 'r+');
      const child = spawn(process.execPath, ['-e', script, impl, 'client', 'TLSv1.3'],
        { cwd: ROOT, stdio: ['ignore', 'pipe', fd] });
      fs.closeSync(fd);
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
      const guard = setTimeout(() => child.kill(), 30_000);
      const [code, signal] = await once(child, 'close');
      clearTimeout(guard);
      return { code, signal, stdout };
    };
    const expected = { code: 0, signal: null, stdout: 'secure\n' };
    assert.deepEqual(await run('node'), expected);
    assert.deepEqual(await run(ROOT), expected);
  });

  it('nothing without it', async (t) => {
    assert.equal(await traceOf(t, ROOT, 'none', 'TLSv1.3'), '');
    assert.equal(await traceOf(t, 'node', 'none', 'TLSv1.3'), '');
  });
});

describe('enableTrace validation and results', () => {
  const run = (tls) => {
    const out = {};
    const attempt = (name, fn) => {
      try {
        out[name] = { returned: fn() };
      } catch (err) {
        out[name] = { threw: describeError(err) };
      }
    };
    for (const value of ['yes', 1, {}, null, undefined, false, true]) {
      attempt(`new TLSSocket ${String(value)}`, () => {
        const s = new tls.TLSSocket(new net.Socket(), { enableTrace: value });
        s.destroy();
        return 'created';
      });
    }
    attempt('connect', () => tls.connect({ port: 1, enableTrace: 'on' }));
    const s = new tls.TLSSocket(new net.Socket());
    attempt('method', () => s.enableTrace());
    s.destroy();
    attempt('method after destroy', () => s.enableTrace());
    return out;
  };

  it('matches built-in tls', () => {
    assert.deepStrictEqual(run(tlsRs), run(nodeTls));
  });
});
