'use strict';
// tls-rs/reload (beyond Node): a server's key/cert reloaded from files on change and on demand.
// New connections get the new certificate, open ones keep working, sessions from before still
// resume, and a broken or mismatched set is refused while the server keeps what it had.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');
const { X509Certificate, createPrivateKey } = require('node:crypto');
const tls = require('..');
const { watchCredentials } = require('../reload');

const certs = path.join(__dirname, 'fixtures', 'certs');
const fixture = (name) => fs.readFileSync(path.join(certs, name));
const fingerprint = (name) => new X509Certificate(fixture(name)).fingerprint256;

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-reload-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Installs fixture files as the watched key.pem / cert.pem. */
// Renewals are written as a new file renamed over the old, as certbot and the like do: a
// watched file rewritten in place can be read half-written by a reload already under way
// (refused as a set that does not parse, then retried on the next change).
function writeAtomically(file, data) {
  fs.writeFileSync(`${file}.tmp`, data);
  fs.renameSync(`${file}.tmp`, file);
}

function install(dir, key, cert) {
  writeAtomically(path.join(dir, 'key.pem'), fixture(key));
  writeAtomically(path.join(dir, 'cert.pem'), fixture(cert));
}

async function connect(port, session) {
  const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: 'TLSv1.2', session });
  await once(socket, 'secureConnect');
  return socket;
}

/** The fingerprint of the certificate a new connection to `port` is served (then closed). */
async function servedFingerprint(port) {
  const socket = await connect(port);
  const served = socket.getPeerCertificate().fingerprint256;
  socket.destroy();
  return served;
}

async function echo(socket, text) {
  socket.write(text);
  const [data] = await once(socket, 'data');
  return data.toString();
}

describe('watchCredentials', { timeout: 30000 }, () => {
  it('swaps the certificate for new connections when the files change; open connections and sessions go on', async (t) => {
    const dir = tmpDir(t);
    install(dir, 'agent-key.pem', 'agent-cert.pem');
    const server = tls.createServer({ key: fixture('agent-key.pem'), cert: fixture('agent-cert.pem') }, (s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address();
    const files = { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') };
    const watcher = await watchCredentials(server, files, { interval: 20 });
    const sockets = [];
    t.after(() => {
      watcher.close();
      for (const s of sockets) s.destroy();
      server.close();
    });

    const before = await connect(port);
    sockets.push(before);
    assert.equal(before.getPeerCertificate().fingerprint256, fingerprint('agent-cert.pem'));
    const session = before.getSession();

    // A renewal writes both files; until both are there the set may be refused (and retried).
    const refused = [];
    watcher.on('error', (err) => refused.push(err.code));
    install(dir, 'ec-key.pem', 'ec-cert.pem');
    await once(watcher, 'reload');
    for (const code of refused) assert.equal(code, 'ERR_TLS_RS_KEY_CERT_MISMATCH');

    const after = await connect(port);
    sockets.push(after);
    assert.equal(after.getPeerCertificate().fingerprint256, fingerprint('ec-cert.pem'));
    assert.equal(await echo(before, 'still here'), 'still here');

    // The ticket keys stay: a session from before the reload resumes.
    const resumed = await connect(port, session);
    sockets.push(resumed);
    assert.equal(resumed.isSessionReused(), true);

    // A key that is not the certificate's (here of another type, which OpenSSL itself would
    // accept as a second slot) is refused; the server keeps serving the last good set.
    writeAtomically(files.key, fixture('agent-key.pem'));
    const [err] = await once(watcher, 'error');
    assert.equal(err.code, 'ERR_TLS_RS_KEY_CERT_MISMATCH');
    assert.equal(err.message, `The private key in ${files.key} does not match the certificate in ${files.cert}`);
    await assert.rejects(watcher.reload(), { code: 'ERR_TLS_RS_KEY_CERT_MISMATCH' });
    const still = await connect(port);
    sockets.push(still);
    assert.equal(still.getPeerCertificate().fingerprint256, fingerprint('ec-cert.pem'));
  });

  it('reload() on demand; a file that does not parse is refused with Node\'s error', async (t) => {
    const dir = tmpDir(t);
    install(dir, 'agent-key.pem', 'agent-cert.pem');
    const server = tls.createServer({ key: fixture('ec-key.pem'), cert: fixture('ec-cert.pem'), ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256' });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const files = { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') };
    const watcher = await watchCredentials(server, files, { watch: false });
    t.after(() => {
      watcher.close();
      server.close();
    });
    const socket = await connect(server.address().port);
    assert.equal(socket.getPeerCertificate().fingerprint256, fingerprint('agent-cert.pem'));
    // The server's other context options are kept.
    assert.equal(server.ciphers, 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256');
    socket.destroy();

    fs.writeFileSync(files.cert, 'not a certificate');
    await assert.rejects(watcher.reload(), (err) => {
      assert.equal(typeof err.code, 'string');
      assert.notEqual(err.code, 'ERR_TLS_RS_KEY_CERT_MISMATCH');
      return true;
    });
    assert.equal(await servedFingerprint(server.address().port), fingerprint('agent-cert.pem'));
  });

  it('validates its arguments, and a mismatched first set rejects without watching', async (t) => {
    const dir = tmpDir(t);
    install(dir, 'ec-key.pem', 'agent-cert.pem');
    const server = tls.createServer({ key: fixture('agent-key.pem'), cert: fixture('agent-cert.pem') });
    await assert.rejects(watchCredentials({}, { key: 'a', cert: 'b' }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(watchCredentials(server, { key: 1, cert: 'b' }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(watchCredentials(server, { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }),
      { code: 'ERR_TLS_RS_KEY_CERT_MISMATCH' });
  });
});

describe('watchCredentials with the server\'s own credentials options', { timeout: 30000 }, () => {
  async function listening(options) {
    const server = tls.createServer(options, (s) => s.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return server;
  }

  it('checks an encrypted key with the server\'s passphrase when it is given none', async (t) => {
    const dir = tmpDir(t);
    const files = { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') };
    fs.writeFileSync(files.key, fixture('agent-key-encrypted.pem'));
    fs.writeFileSync(files.cert, fixture('agent-cert.pem'));
    const server = await listening({ key: fixture('agent-key-encrypted.pem'), cert: fixture('agent-cert.pem'), passphrase: 'sample' });
    const watcher = await watchCredentials(server, files, { watch: false });
    t.after(() => {
      watcher.close();
      server.close();
    });
    // A renewal gone wrong: an ECDSA key, encrypted with the same passphrase, beside the RSA
    // certificate. OpenSSL would take it as a second slot's key and every handshake would fail.
    const ecKey = createPrivateKey(fixture('ec-key.pem'))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'sample' });
    fs.writeFileSync(files.key, ecKey);
    await assert.rejects(watcher.reload(), { code: 'ERR_TLS_RS_KEY_CERT_MISMATCH' });
    assert.equal(await servedFingerprint(server.address().port), fingerprint('agent-cert.pem'));
  });

  it('replaces a pfx the server was made with', async (t) => {
    const dir = tmpDir(t);
    install(dir, 'ec-key.pem', 'ec-cert.pem');
    const server = await listening({ pfx: fixture('agent.pfx'), passphrase: 'sample' });
    assert.equal(await servedFingerprint(server.address().port), fingerprint('agent-cert.pem'));
    const watcher = await watchCredentials(server, { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }, { watch: false });
    t.after(() => {
      watcher.close();
      server.close();
    });
    assert.equal(await servedFingerprint(server.address().port), fingerprint('ec-cert.pem'));
  });

  it('a reload that close() overtakes does not swap; the server\'s \'close\' closes the watcher', async (t) => {
    const dir = tmpDir(t);
    install(dir, 'agent-key.pem', 'agent-cert.pem');
    const server = await listening({ key: fixture('agent-key.pem'), cert: fixture('agent-cert.pem') });
    t.after(() => server.close());
    const watcher = await watchCredentials(server, { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }, { watch: false });
    install(dir, 'ec-key.pem', 'ec-cert.pem');
    const reloads = [];
    watcher.on('reload', () => reloads.push('reload'));
    // The files are still being read when the watcher is closed.
    const overtaken = watcher.reload();
    watcher.close();
    await assert.rejects(overtaken, /the credentials watcher is closed/);
    assert.deepEqual(reloads, []);
    assert.equal(await servedFingerprint(server.address().port), fingerprint('agent-cert.pem'));

    const second = await watchCredentials(server, { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }, { interval: 20 });
    server.close();
    await once(server, 'close');
    assert.equal(second.closed, true);
    assert.equal(server.listenerCount('close'), 0);
  });
});

it('examples/reload-demo.js runs', { timeout: 30000 }, () => {
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'examples', 'reload-demo.js')], { encoding: 'utf8', timeout: 25000 });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /before: first\nafter: {2}second\necho: {3}the first connection is still open/);
});
