'use strict';
// enableTrace: the option of tls.connect / tls.createServer / new TLSSocket and the socket
// method print the connection's protocol messages to stderr (checked in a child process, next
// to built-in tls doing the same), nothing is printed without it, and Node's validation of the
// option. tls-rs's vendored OpenSSL has no SSL_trace, so the text is `openssl s_client -msg`'s
// layout rather than Node's SSL_trace decoding (see src/engine/trace.rs).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const net = require('node:net');
const { describeError, nodeTls, tlsRs } = require('./helpers/differential');
const { startNode } = require('./helpers/peers');

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

async function traceOf(t, impl, mode, version, env = process.env) {
  const child = startNode({ code: SCRIPT, args: [impl, mode, version], t, cwd: ROOT, env });
  const { code } = await child.waitExit(20000);
  assert.equal(code, 0, child.stderr);
  assert.equal(child.stdout, 'secure\n');
  return child.stderr;
}

describe('enableTrace prints the protocol messages to stderr', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    for (const mode of ['client', 'server', 'method']) {
      it(`${mode}, ${version}`, async (t) => {
        const [builtin, ours] = await Promise.all([traceOf(t, 'node', mode, version), traceOf(t, ROOT, mode, version)]);
        // Both name the handshake messages the traced end exchanged.
        for (const message of ['ClientHello', 'ServerHello', 'Certificate', 'Finished']) {
          assert.match(builtin, new RegExp(message));
          assert.match(ours, new RegExp(`Handshake \\[length [0-9a-f]{4}\\], ${message}\\n`));
        }
        // Sent and received messages, each followed by its bytes.
        // Direction of the ClientHello's record and of the ServerHello, seen from the traced end.
        const [clientHello, serverHello] = mode === 'server' ? ['<<<', '>>>'] : ['>>>', '<<<'];
        assert.match(ours, new RegExp(`^${clientHello} TLS 1\\.\\d RecordHeader \\[length 0005\\]\n {4}16 03 0[0-3]`, 'm'));
        assert.match(ours, new RegExp(`^${serverHello} TLS 1\\.\\d Handshake \\[length [0-9a-f]{4}\\], ServerHello\n {4}02 `, 'm'));
        if (version === 'TLSv1.2') assert.match(ours, /ServerKeyExchange/);
        else assert.match(ours, /EncryptedExtensions/);
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
    // Both ends trace: each ClientHello appears sent and received.
    assert.match(ours, /^>>> TLS 1\.3 Handshake \[length [0-9a-f]{4}\], ClientHello$/m);
    assert.match(ours, /^<<< TLS 1\.3 Handshake \[length [0-9a-f]{4}\], ClientHello$/m);
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
