'use strict';

// The seed docs' tls examples (shared/seeds/000_*.txt, "a simple echo server" and its clients;
// the same code is in 001 and 003), run UNCHANGED except for two substitutions:
// `require('tls')` (tls-rs or Node's built-in) and the port 8000 (a free port).
//
// Each run is a child `node` whose working directory holds the files the examples read, made
// from test/fixtures/certs:
//   server-key.pem / server-cert.pem   selfsigned-key.pem / selfsigned-cert.pem ("the server uses
//                                      the self-signed certificate", SAN localhost)
//   client-key.pem / client-cert.pem   client-key.pem / client-cert.pem followed by ca-cert.pem
//                                      (the server's `ca: [client-cert.pem]` then holds the root
//                                      that signed the client; our client cert is not self-signed)
//   server.pfx / client.pfx            agent.pfx / client.pfx re-exported without a passphrase
//                                      (the examples pass none); both carry the root CA, which
//                                      Node trusts from a pfx
// A server example and a client example run in ONE process, concatenated, as the docs imply:
// the client's 'end' handler calls `server.close()`. Then the process must exit by itself.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const {
  OPENSSL, certPath, tmpDir, startNode, startOpensslClient, withTimeout,
} = require('./helpers/peers');
const services = require('./helpers/services');

const TLS_RS = path.resolve(__dirname, '..');
const RUN_MS = 8000;

// ---- the examples, verbatim ------------------------------------------------------------------

const SERVER_KEY_CERT = String.raw`var tls = require('tls');
var fs = require('fs');

var options = {
  key: fs.readFileSync('server-key.pem'),
  cert: fs.readFileSync('server-cert.pem'),

  // This is necessary only if using the client certificate authentication.
  requestCert: true,

  // This is necessary only if the client uses the self-signed certificate.
  ca: [ fs.readFileSync('client-cert.pem') ]
};

var server = tls.createServer(options, function(socket) {
  console.log('server connected',
              socket.authorized ? 'authorized' : 'unauthorized');
  socket.write("welcome!\n");
  socket.setEncoding('utf8');
  socket.pipe(socket);
});
server.listen(8000, function() {
  console.log('server bound');
});
`;

const SERVER_PFX = String.raw`var tls = require('tls');
var fs = require('fs');

var options = {
  pfx: fs.readFileSync('server.pfx'),

  // This is necessary only if using the client certificate authentication.
  requestCert: true,

};

var server = tls.createServer(options, function(socket) {
  console.log('server connected',
              socket.authorized ? 'authorized' : 'unauthorized');
  socket.write("welcome!\n");
  socket.setEncoding('utf8');
  socket.pipe(socket);
});
server.listen(8000, function() {
  console.log('server bound');
});
`;

const CLIENT_KEY_CERT = String.raw`var tls = require('tls');
var fs = require('fs');

var options = {
  // These are necessary only if using the client certificate authentication
  key: fs.readFileSync('client-key.pem'),
  cert: fs.readFileSync('client-cert.pem'),

  // This is necessary only if the server uses the self-signed certificate
  ca: [ fs.readFileSync('server-cert.pem') ]
};

var socket = tls.connect(8000, options, function() {
  console.log('client connected',
              socket.authorized ? 'authorized' : 'unauthorized');
  process.stdin.pipe(socket);
  process.stdin.resume();
});
socket.setEncoding('utf8');
socket.on('data', function(data) {
  console.log(data);
});
socket.on('end', function() {
  server.close();
});
`;

const CLIENT_PFX = String.raw`var tls = require('tls');
var fs = require('fs');

var options = {
  pfx: fs.readFileSync('client.pfx')
};

var socket = tls.connect(8000, options, function() {
  console.log('client connected',
              socket.authorized ? 'authorized' : 'unauthorized');
  process.stdin.pipe(socket);
  process.stdin.resume();
});
socket.setEncoding('utf8');
socket.on('data', function(data) {
  console.log(data);
});
socket.on('end', function() {
  server.close();
});
`;

const EXAMPLES = { SERVER_KEY_CERT, SERVER_PFX, CLIENT_KEY_CERT, CLIENT_PFX };

/** The example with only `require('tls')` and the port substituted (each exactly once). */
function adapt(code, impl, port) {
  const req = impl === 'tls-rs' ? `require(${JSON.stringify(TLS_RS)})` : "require('tls')";
  assert.equal(code.split("require('tls')").length, 2);
  assert.equal(code.split('8000').length, 2);
  return code.replace("require('tls')", req).replace('8000', String(port));
}

/** A port that is free right now on the wildcard address the examples listen on. */
const freePort = () => services.freePort('::');

let dir;
test.before(() => {
  dir = tmpDir(null, 'tls-rs-seed-');
  fs.copyFileSync(certPath('selfsigned-key.pem'), path.join(dir, 'server-key.pem'));
  fs.copyFileSync(certPath('selfsigned-cert.pem'), path.join(dir, 'server-cert.pem'));
  fs.copyFileSync(certPath('client-key.pem'), path.join(dir, 'client-key.pem'));
  fs.writeFileSync(path.join(dir, 'client-cert.pem'),
                   Buffer.concat([fs.readFileSync(certPath('client-cert.pem')),
                                  fs.readFileSync(certPath('ca-cert.pem'))]));
  for (const [from, to] of [['agent.pfx', 'server.pfx'], ['client.pfx', 'client.pfx']]) {
    const pem = path.join(dir, `${to}.pem`);
    execFileSync(OPENSSL, ['pkcs12', '-in', certPath(from), '-passin', 'pass:sample', '-nodes', '-out', pem],
                 { stdio: 'ignore' });
    execFileSync(OPENSSL, ['pkcs12', '-export', '-in', pem, '-passout', 'pass:', '-out', path.join(dir, to)],
                 { stdio: 'ignore' });
    fs.rmSync(pem);
  }
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** stdout as the non-empty lines user code printed (console.log(data) adds blank lines). */
function lines(stdout) {
  return stdout.split('\n').filter((l) => l !== '');
}

/**
 * Runs a server example and a client example in one process; the client's stdin gets `input`.
 * Resolves once the process exited by itself (fails after RUN_MS).
 */
async function runPair(t, { server, serverImpl, client, clientImpl, input = 'hello\n' }) {
  // The examples listen on a fixed port (here one free a moment ago); another test may take it
  // first (EADDRINUSE before anything else happened): that is the harness's race, run again.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const code = adapt(server, serverImpl, port) + '\n' + adapt(client, clientImpl, port);
    const child = startNode({ code, t, cwd: dir });
    child.end(input);
    const { code: exitCode } = await child.waitExit(RUN_MS);
    if (attempt < 3 && child.stdout === '' && /listen EADDRINUSE/.test(child.stderr)) continue;
    return { exitCode, stdout: child.stdout, stderr: child.stderr, lines: lines(child.stdout), child };
  }
}

const IMPL_PAIRS = [
  ['tls-rs', 'tls-rs'],
  ['tls-rs', 'node'],
  ['node', 'tls-rs'],
  ['node', 'node'],
];
const label = (impl) => (impl === 'node' ? 'node:tls' : impl);

// ---- the examples are the docs' own --------------------------------------------------------

test('the embedded examples are verbatim copies of the seed docs', (t) => {
  const seeds = path.join(TLS_RS, '..', 'shared', 'seeds');
  const file = fs.existsSync(seeds) && fs.readdirSync(seeds).find((f) => f.startsWith('000_'));
  if (!file) {
    t.skip('shared/seeds not beside the repository');
    return;
  }
  const doc = fs.readFileSync(path.join(seeds, file), 'utf8');
  for (const [name, code] of Object.entries(EXAMPLES)) {
    assert.ok(doc.includes(code), `${name} is in ${file}`);
  }
});

// ---- server example ↔ client example -------------------------------------------------------

const SCENARIOS = [
  ['key/cert echo server ↔ key/cert client', SERVER_KEY_CERT, CLIENT_KEY_CERT],
  ['pfx echo server ↔ pfx client', SERVER_PFX, CLIENT_PFX],
];

for (const [scenario, server, client] of SCENARIOS) {
  for (const [serverImpl, clientImpl] of IMPL_PAIRS) {
    const control = serverImpl === 'node' && clientImpl === 'node' ? ' (control)' : '';
    test(`${scenario}: server ${label(serverImpl)}, client ${label(clientImpl)}${control}`, async (t) => {
      const run = await runPair(t, { server, serverImpl, client, clientImpl, input: 'hello\n' });
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      assert.equal(run.exitCode, 0, why);
      assert.equal(run.stderr, '', why);
      // The order of the two 'connected' lines is up to the scheduler; the rest is not.
      assert.deepEqual([...run.lines].sort(), [
        'client connected authorized',
        'hello',
        'server bound',
        'server connected authorized',
        'welcome!',
      ], why);
      assert.equal(run.lines[0], 'server bound', why);
      assert.ok(run.lines.indexOf('welcome!') < run.lines.indexOf('hello'), why);
    });
  }
}

// ---- server example ↔ openssl s_client ------------------------------------------------------

/** Starts a server example alone; resolves once it printed 'server bound'. */
async function startServerExample(t, code, impl) {
  const port = await freePort();
  const child = startNode({ code: adapt(code, impl, port), t, cwd: dir });
  await child.waitFor(/server bound\n/, { stream: 'stdout', ms: RUN_MS });
  child.port = port;
  return child;
}

const S_CLIENT_SERVERS = [
  ['key/cert echo server', SERVER_KEY_CERT, certPath('selfsigned-cert.pem')], // = server-cert.pem
  ['pfx echo server', SERVER_PFX, certPath('ca-cert.pem')],
];

for (const [name, code, caFile] of S_CLIENT_SERVERS) {
  for (const impl of ['tls-rs', 'node']) {
    const control = impl === 'node' ? ' (control)' : '';
    test(`${name} (${label(impl)}) ↔ openssl s_client with a client certificate${control}`, async (t) => {
      const server = await startServerExample(t, code, impl);
      const client = startOpensslClient(server.port, [
        '-CAfile', caFile, '-verify_return_error', '-servername', 'localhost',
        '-verify_hostname', 'localhost',
        '-cert', certPath('client-cert.pem'), '-key', certPath('client-key.pem'),
      ], { t });
      await client.waitFor(/welcome!\n/, { stream: 'stdout' });
      client.write('hello from s_client\n');
      await client.waitFor(/welcome!\n[^]*hello from s_client\n/, { stream: 'stdout' });
      client.end();
      const { code: exitCode } = await client.waitExit();
      assert.equal(exitCode, 0, client.output);
      assert.match(client.stdout, /Verify return code: 0 \(ok\)/);
      await server.waitFor(/server connected authorized\n/, { stream: 'stdout' });
      assert.deepEqual(lines(server.stdout), ['server bound', 'server connected authorized']);
      assert.equal(server.stderr, '');
    });
  }
}

// The docs' own command, `openssl s_client -connect 127.0.0.1:8000`, sends no certificate. The
// examples set requestCert: true, and Node's servers default to rejectUnauthorized: true (the
// seed docs' "default: false" is from an older Node), so the connection is refused.
for (const impl of ['tls-rs', 'node']) {
  const control = impl === 'node' ? ' (control)' : '';
  test(`key/cert echo server (${label(impl)}) ↔ the docs' bare \`openssl s_client -connect\`${control}`, async (t) => {
    const server = await startServerExample(t, SERVER_KEY_CERT, impl);
    const client = startOpensslClient(server.port, [], { t });
    client.write('anybody?\n');
    await client.waitFor(/SSL alert number (116|40)/);
    client.end();
    const { code: exitCode } = await client.waitExit();
    assert.notEqual(exitCode, 0);
    assert.doesNotMatch(client.stdout, /welcome!/);
    // All the server will ever say: stopped, its output read to the end. (It answered the
    // handshake with the alert, so it has handled this connection already.)
    await server.kill();
    assert.deepEqual(lines(server.stdout), ['server bound']);
    assert.equal(server.stderr, '');
  });
}
