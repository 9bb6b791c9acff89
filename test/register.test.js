'use strict';
// `node -r tls-rs/register`: packages that require('tls') get tls-rs, and https.Agent-based
// requests connect through it. Run in child processes, as users run it.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');

const root = path.join(__dirname, '..');
const certDir = path.join(__dirname, 'fixtures', 'certs');
let dir;

before(() => {
  // An app directory where `tls-rs` is an installed package, and a package that uses tls.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-register-'));
  fs.mkdirSync(path.join(dir, 'node_modules', 'uses-tls'), { recursive: true });
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'tls-rs'), 'dir');
  fs.writeFileSync(path.join(dir, 'node_modules', 'uses-tls', 'index.js'),
    "module.exports = { tls: require('tls'), nodeTls: require('node:tls') };\n");
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script, args = ['-r', 'tls-rs/register']) {
  const result = spawnSync(process.execPath, [...args, '-e', script], {
    cwd: dir, encoding: 'utf8', timeout: 20000, env: { ...process.env, CERTS: certDir },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('tls-rs/register', () => {
  it('require("tls") and require("node:tls") in packages return tls-rs', () => {
    const out = run(`
      const { tls, nodeTls } = require('uses-tls');
      const tlsRs = require('tls-rs');
      console.log(JSON.stringify({ tls: tls === tlsRs, nodeTls: nodeTls === tlsRs,
        own: require('tls') === tlsRs, pq: tls.getCiphers().length > 0 }));`);
    assert.deepEqual(out, { tls: true, nodeTls: true, own: true, pq: true });
  });

  // Node's internal users of tls (here http2.connect) read the settings from Node's own module.
  for (const order of ['hook first', 'tls-rs first']) {
    it(`settings assigned on require('tls') reach Node's internal tls users (${order})`, () => {
      const out = run(`
        ${order === 'tls-rs first' ? "require('tls-rs'); require('tls-rs/register');" : ''}
        const fs = require('fs'), http2 = require('http2'), tls = require('tls');
        const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
        tls.DEFAULT_MAX_VERSION = 'TLSv1.2';
        tls.CLIENT_RENEG_LIMIT = 1;
        const srv = http2.createSecureServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') });
        srv.listen(0, '127.0.0.1', () => {
          const session = http2.connect('https://localhost:' + srv.address().port, { ca: f('ca-cert.pem') });
          session.on('connect', () => {
            console.log(JSON.stringify({ protocol: session.socket.getProtocol(), limit: tls.CLIENT_RENEG_LIMIT }));
            session.close();
            srv.close();
          });
        });`, order === 'tls-rs first' ? [] : undefined);
      assert.deepEqual(out, { protocol: 'TLSv1.2', limit: 1 });
    });
  }

  it('without the hook, require("tls") stays Node\'s', () => {
    const out = run(`console.log(JSON.stringify({ same: require('uses-tls').tls === require('tls-rs') }));`, []);
    assert.deepEqual(out, { same: false });
  });

  it('https.get connects through tls-rs (and verifies the server)', () => {
    const out = run(`
      const fs = require('fs'), https = require('https'), tlsRs = require('tls-rs');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const srv = require('node:http').createServer((req, res) => res.end('over ' + req.url));
      const tlsServer = tlsRs.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') },
        (s) => srv.emit('connection', s));
      tlsServer.listen(0, '127.0.0.1', () => {
        const { port } = tlsServer.address();
        https.get({ host: 'localhost', port, path: '/hello', ca: f('ca-cert.pem') }, (res) => {
          const socket = res.socket;
          let body = '';
          res.on('data', (d) => { body += d; });
          res.on('end', () => {
            console.log(JSON.stringify({ status: res.statusCode, body,
              tlsRsSocket: socket instanceof tlsRs.TLSSocket, authorized: socket.authorized }));
            tlsServer.close(); srv.close(); process.exit(0);
          });
        }).on('error', (e) => { console.error(e); process.exit(1); });
      });`);
    assert.deepEqual(out, { status: 200, body: 'over /hello', tlsRsSocket: true, authorized: true });
  });

  /** `script`'s JSON output without the hook and with it (the https module is Node's in both). */
  function withAndWithout(script) {
    return [run(script, []), run(script)];
  }

  it('an https.Server emits \'clientError\' once for a client that fails its handshake', () => {
    const [plain, hooked] = withAndWithout(`
      const fs = require('fs'), https = require('https'), net = require('net');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const events = [];
      const server = https.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') });
      server.on('clientError', (err, socket) => { events.push('clientError ' + err.code); socket.destroy(); });
      server.on('tlsClientError', (err) => events.push('tlsClientError ' + err.code));
      server.listen(0, '127.0.0.1', () => {
        const c = net.connect(server.address().port, '127.0.0.1', () => c.write('GET / HTTP/1.1\\r\\n\\r\\n'));
        c.on('error', () => {});
        c.on('close', () => setImmediate(() => { console.log(JSON.stringify(events)); process.exit(0); }));
      });`);
    assert.deepEqual(plain, ['clientError ERR_SSL_HTTP_REQUEST', 'tlsClientError ERR_SSL_HTTP_REQUEST']);
    assert.deepEqual(hooked, plain);
  });

  it('https.Agent connects as the running Node\'s does: session cache, per-request checkServerIdentity, proxyEnv', () => {
    // A keep-alive agent; requests with their own checkServerIdentity (Node 22+: kept out of the
    // session cache and the pool); then an agent with proxyEnv (Node 22+: through the proxy).
    const [plain, hooked] = withAndWithout(`
      const fs = require('fs'), https = require('https'), http = require('http'), net = require('net'), tls = require('tls');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const ca = f('ca-cert.pem');
      const out = {};
      const server = https.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem') }, (req, res) => res.end('ok'));
      const get = (options) => new Promise((resolve, reject) => {
        https.get({ host: 'localhost', port: server.address().port, ca, ...options }, (res) => {
          const reused = res.socket.isSessionReused();
          res.resume();
          res.on('end', () => resolve(reused));
        }).on('error', reject);
      });
      const proxied = [];
      const proxy = http.createServer();
      proxy.on('connect', (req, client, head) => {
        proxied.push(req.url.replace(/:\\d+$/, ':<port>'));
        const up = net.connect(Number(req.url.split(':')[1]), '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\\r\\n\\r\\n');
          up.write(head); up.pipe(client); client.pipe(up);
        });
        up.on('error', () => client.destroy()); client.on('error', () => up.destroy());
      });
      server.listen(0, '127.0.0.1', () => proxy.listen(0, '127.0.0.1', async () => {
        const agent = new https.Agent({ keepAlive: true });
        out.first = await get({ agent });
        agent.destroy();
        out.perRequest = [];
        for (let i = 0; i < 2; i++) {
          out.perRequest.push(await get({ agent, checkServerIdentity: (h, c) => tls.checkServerIdentity(h, c) }));
        }
        out.cached = agent._sessionCache.list.length;
        out.free = Object.values(agent.freeSockets).flat().length;
        agent.destroy();
        const env = { HTTPS_PROXY: 'http://127.0.0.1:' + proxy.address().port, NO_PROXY: '' };
        const viaProxy = new https.Agent({ proxyEnv: env });
        out.proxyReply = await get({ agent: viaProxy }).then(() => 'ok', (e) => e.code);
        out.proxied = proxied;
        viaProxy.destroy();
        console.log(JSON.stringify(out));
        process.exit(0);
      }));`);
    assert.equal(plain.proxyReply, 'ok');
    assert.deepEqual(hooked, plain);
  });

  it('https.get to an untrusted server fails with Node\'s error code', () => {
    const out = run(`
      const fs = require('fs'), https = require('https'), tlsRs = require('tls-rs');
      const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
      const tlsServer = tlsRs.createServer({ key: f('selfsigned-key.pem'), cert: f('selfsigned-cert.pem') },
        (s) => s.destroy());
      tlsServer.listen(0, '127.0.0.1', () => {
        https.get({ host: 'localhost', port: tlsServer.address().port }, () => process.exit(1))
          .on('error', (e) => { console.log(JSON.stringify({ code: e.code })); tlsServer.close(); process.exit(0); });
      });`);
    assert.deepEqual(out, { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('ESM: static, named and dynamic imports of tls / node:tls get tls-rs (-r and --import)', () => {
    fs.writeFileSync(path.join(dir, 'app.mjs'), `
      import tls, { connect, TLSSocket, rootCertificates } from 'node:tls';
      import plainName from 'tls';
      import { createRequire } from 'node:module';
      const tlsRs = createRequire(import.meta.url)('tls-rs');
      const dynamic = await import('node:tls');
      console.log(JSON.stringify({ default: tls === tlsRs, plainName: plainName === tlsRs,
        connect: connect === tlsRs.connect, TLSSocket: TLSSocket === tlsRs.TLSSocket,
        rootCertificates: rootCertificates === tlsRs.rootCertificates, dynamic: dynamic.default === tlsRs }));`);
    const expected = { default: true, plainName: true, connect: true, TLSSocket: true, rootCertificates: true, dynamic: true };
    for (const args of [['-r', 'tls-rs/register'], ['--import', 'tls-rs/register']]) {
      const result = spawnSync(process.execPath, [...args, 'app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), expected, args.join(' '));
    }
    const without = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
    assert.equal(JSON.parse(without.stdout).default, false);
  });
});
