'use strict';
// Real servers from Debian's packages for the integration tests (test/integration-*.test.js):
// PostgreSQL, redis-server and mosquitto, each started on 127.0.0.1 on a free port in a fresh
// temporary directory, with TLS configured from test/fixtures/certs (agent-key.pem /
// agent-chain.pem: the server certificate for localhost and 127.0.0.1; ca-cert.pem: the root that
// signed it and the client certificate client-cert.pem, CN "tls-rs client").
//
// Every start is bounded in time and registers its own cleanup on the test context passed in
// (`t.after`): the process is stopped (SIGTERM, then SIGKILL) and the directory removed.
//
// A server that is not installed: each test declares what it needs with
// `{ skip: needs('redis-server') }`, which skips it with a message naming the Debian package and
// the command that installs it, so `npm test` passes on a fresh machine. When the CI environment
// variable is set, nothing is skipped: the test runs and fails in findBinary, naming the package
// (.ci/run installs them all, so a missing one there is a broken machine).

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
// The fixtures and small helpers are the interop tests' (peers.js); this file adds servers.
const peers = require('./peers');
const { CERTS, Peer, certPath, readCert, withTimeout } = peers;

const START_TIMEOUT = 15_000;
const STOP_TIMEOUT = 5_000;

/**
 * The directories searched for a server binary: PATH, the sbin beside each bin directory in it
 * (server binaries are in /usr/sbin, off a non-root PATH), and `dirs`.
 */
function searchDirs(dirs = []) {
  const onPath = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  const sbin = onPath.filter((d) => path.basename(d) === 'bin').map((d) => path.join(path.dirname(d), 'sbin'));
  return [...new Set([...onPath, ...sbin, ...dirs])];
}

/** Absolute path of the executable `name` in `dirs`, or null. */
function locate(name, dirs) {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  return null;
}

/**
 * Absolute path of `name`: found in PATH, the sbin directories beside it or `dirs` (versioned
 * library directories). Throws, naming the Debian package, when it is nowhere.
 */
function findBinary(name, pkg, dirs = []) {
  const searched = searchDirs(dirs);
  const found = locate(name, searched);
  if (found) return found;
  throw new Error(`${name} not found (searched ${searched.join(', ')}): install the Debian package ` +
    `"${pkg}" (apt-get install -y ${pkg}); .ci/run installs it when it is missing`);
}

/** Whether the CI environment variable is set (not empty, "0" or "false"). */
const inCI = () => !['', '0', 'false'].includes((process.env.CI || '').toLowerCase());

// The real servers and clients the integration tests use: their binaries and Debian package.
const SERVERS = {
  postgresql: { binaries: ['initdb', 'postgres'], pkg: 'postgresql', dirs: () => postgresBinDirs() },
  'redis-server': { binaries: ['redis-server'], pkg: 'redis-server' },
  mosquitto: { binaries: ['mosquitto'], pkg: 'mosquitto' },
  curl: { binaries: ['curl'], pkg: 'curl' },
  openssl: { binaries: ['openssl'], pkg: 'openssl' },
};

/**
 * For a test's `skip` option: false when `server` (a key of SERVERS) is installed, or when CI is
 * set (the test then fails, naming the package); otherwise why the test is skipped and how to
 * install what it needs.
 */
function needs(server) {
  const { binaries, pkg, dirs } = SERVERS[server];
  const missing = binaries.filter((b) => !locate(b, searchDirs(dirs ? dirs() : [])));
  if (missing.length === 0 || inCI()) return false;
  return `${missing.join(' and ')} not installed: install the Debian package "${pkg}" ` +
    `(apt-get install -y ${pkg}) to run this test; with CI set a missing server fails the test`;
}

/** PostgreSQL's server binaries live in /usr/lib/postgresql/<major>/bin; the newest wins. */
function postgresBinDirs() {
  const base = '/usr/lib/postgresql';
  let majors = [];
  try { majors = fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a); } catch { /* none */ }
  return majors.map((v) => path.join(base, v, 'bin'));
}

/** A fresh temporary directory (mkdtemp), removed after the test. */
function tmpDir(t, prefix = 'tls-rs-integ-') {
  return peers.tmpDir(t, prefix);
}

/**
 * A TCP port that was free a moment ago on `host` (127.0.0.1; '::' for the wildcard), for a
 * child that must be told its port before it starts. It is drawn below the kernel's ephemeral
 * range (32768+), so no `listen(0)` or outgoing connection of a parallel test can take it before
 * the child binds; only another draw could, one chance in 12,000.
 */
async function freePort(host = '127.0.0.1') {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', (err) => (attempt >= 50 ? reject(err) : resolve(false)));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * A server process: a Peer (peers.js: output collected, bounded `waitFor`, killed when the test
 * process exits) without stdin, whose waits default to START_TIMEOUT. `stop()` sends
 * `stopSignal`, then SIGKILL if it has not exited within STOP_TIMEOUT, and resolves with
 * { code, signal } once it is gone (idempotent).
 */
class Service extends Peer {
  constructor(cmd, args, { cwd, env, uid, gid, stopSignal = 'SIGTERM' } = {}) {
    super(cmd, args, { cwd, env: env || process.env, uid, gid, stdin: 'ignore' });
    this.stopSignal = stopSignal;
  }

  waitFor(re, { ms = START_TIMEOUT, stream } = {}) {
    return super.waitFor(re, { ms, stream });
  }

  async stop() {
    if (this.exitCode === undefined) {
      try { this.proc.kill(this.stopSignal); } catch { /* gone */ }
      const timer = setTimeout(() => {
        try { this.proc.kill('SIGKILL'); } catch { /* gone */ }
      }, STOP_TIMEOUT);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (polls, bounded by `ms`). */
async function waitForPort(port, ms = START_TIMEOUT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** uid/gid to run a server that refuses root (PostgreSQL): the `postgres` user, else `nobody`. */
function unprivilegedUser() {
  if (process.getuid() !== 0) return {};
  const passwd = fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = passwd.find((f) => f[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]), name };
  }
  throw new Error('running as root and neither a "postgres" nor a "nobody" user exists to run PostgreSQL');
}

/** Copies fixtures into `dir` (owned by `user`, private keys 0600) and returns their paths. */
function installCerts(dir, names, user = {}) {
  const out = {};
  for (const name of names) {
    const to = path.join(dir, name);
    fs.copyFileSync(certPath(name), to);
    fs.chmodSync(to, name.includes('key') ? 0o600 : 0o644);
    if (user.uid !== undefined) fs.chownSync(to, user.uid, user.gid);
    out[name] = to;
  }
  return out;
}

/**
 * PostgreSQL (initdb into a temporary directory, then `postgres` on 127.0.0.1:port) with
 * ssl=on, the server certificate for localhost and ca-cert.pem as the CA for client
 * certificates. `hba` are the pg_hba.conf lines (127.0.0.1 only). Runs as an unprivileged user
 * when the tests run as root, since PostgreSQL refuses root. Resolves with { port, service, dir }.
 */
async function startPostgres(t, { hba }) {
  const dirs = postgresBinDirs();
  const initdb = findBinary('initdb', 'postgresql', dirs);
  const postgres = findBinary('postgres', 'postgresql', dirs);
  const user = unprivilegedUser();
  const dir = tmpDir(t, 'tls-rs-pg-');
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { mode: 0o700 });
  if (user.uid !== undefined) fs.chownSync(data, user.uid, user.gid);

  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const init = spawnSync(initdb, ['-D', data, '-U', 'postgres', '-A', 'reject', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { cwd: dir, env, uid: user.uid, gid: user.gid, encoding: 'utf8', timeout: 30_000 });
  if (init.status !== 0) {
    throw new Error(`initdb failed (status ${init.status}, ${init.error?.message ?? init.signal})\n${init.stdout}\n${init.stderr}`);
  }
  const certs = installCerts(data, ['agent-key.pem', 'agent-chain.pem', 'ca-cert.pem'], user);
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), `${hba.join('\n')}\n`);

  const port = await freePort();
  const service = new Service(postgres, [
    '-D', data, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'ssl=on',
    '-c', `ssl_cert_file=${certs['agent-chain.pem']}`,
    '-c', `ssl_key_file=${certs['agent-key.pem']}`,
    '-c', `ssl_ca_file=${certs['ca-cert.pem']}`,
    '-c', 'fsync=off',
    '-c', 'log_connections=on',
  ], { cwd: dir, env, uid: user.uid, gid: user.gid, stopSignal: 'SIGINT' /* fast shutdown */ });
  t.after(() => service.stop());
  await service.waitFor(/database system is ready to accept connections/);
  return { port, service, dir };
}

/**
 * redis-server with only a TLS port (`--port 0 --tls-port`) on 127.0.0.1, the server certificate
 * for localhost and ca-cert.pem for client certificates; `authClients` is tls-auth-clients
 * ('no', 'yes' or 'optional'). Resolves with { port, service, restart() }: restart stops the
 * server and starts a new one on the same port (the service property follows).
 */
async function startRedis(t, { authClients = 'no' } = {}) {
  const bin = findBinary('redis-server', 'redis-server');
  const dir = tmpDir(t, 'tls-rs-redis-');
  const port = await freePort();
  const args = [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
    '--tls-cert-file', certPath('agent-chain.pem'),
    '--tls-key-file', certPath('agent-key.pem'),
    '--tls-ca-cert-file', certPath('ca-cert.pem'),
    '--tls-auth-clients', authClients,
    '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice',
  ];
  const redis = { port, service: null };
  const start = async () => {
    const service = new Service(bin, args, { cwd: dir });
    t.after(() => service.stop());
    redis.service = service;
    await service.waitFor(/Ready to accept connections/);
    return service;
  };
  redis.restart = async ({ downMs = 0 } = {}) => {
    await redis.service.stop();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    return start();
  };
  await start();
  return redis;
}

/**
 * mosquitto with one TLS listener on 127.0.0.1:port (server certificate for localhost, ca-cert.pem
 * for client certificates); `requireCertificate` makes it demand a client certificate (whose CN
 * then is the client's user name, printed in its "New client connected" log line). Anonymous
 * clients are allowed (the point is TLS, not MQTT auth). Resolves with { port, service }.
 */
async function startMosquitto(t, { requireCertificate = false } = {}) {
  const bin = findBinary('mosquitto', 'mosquitto');
  const dir = tmpDir(t, 'tls-rs-mqtt-');
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [
    // As root, mosquitto switches to this user before it reads the certificates: stay root.
    ...(process.getuid() === 0 ? ['user root'] : []),
    'persistence false',
    'log_dest stderr',
    'log_type all',
    'allow_anonymous true',
    `listener ${port} 127.0.0.1`,
    `cafile ${certPath('ca-cert.pem')}`,
    `certfile ${certPath('agent-chain.pem')}`,
    `keyfile ${certPath('agent-key.pem')}`,
    `require_certificate ${requireCertificate}`,
    // The client certificate's CN becomes the MQTT user name, which the log shows per client.
    ...(requireCertificate ? ['use_identity_as_username true'] : []),
    '',
  ].join('\n'));
  const service = new Service(bin, ['-c', conf], { cwd: dir });
  t.after(() => service.stop());
  await service.waitFor(new RegExp(`Opening ipv4 listen socket on port ${port}`));
  await waitForPort(port);
  return { port, service };
}

/**
 * Runs `code` in a child `node` (cwd = the repository, so `require('tls-rs/register')`,
 * `require('tls-rs')` and the dev dependencies resolve as in a user's app) and resolves with
 * { code, signal, stdout, stderr }; killed after `ms`.
 */
function runNode(t, code, { args = [], env, ms = 30_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, '-e', code], {
      cwd: ROOT, env: { ...process.env, CERTS, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${ms} ms]`;
      child.kill('SIGKILL');
    }, ms);
    t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ code: status, signal, stdout, stderr });
    });
  });
}

/** What user code sees of a client library's TLS socket. */
function describeTlsStream(s) {
  const tlsRs = require('tls-rs');
  return {
    tlsRs: s instanceof tlsRs.TLSSocket, authorized: s.authorized, authorizationError: s.authorizationError ?? null,
    protocol: s.getProtocol(), cipher: s.getCipher().name, peerCN: s.getPeerCertificate().subject.CN,
    servername: s.servername,
  };
}

module.exports = {
  describeTlsStream,
  ROOT, CERTS, certPath, readCert, findBinary, needs, tmpDir, freePort, waitForPort, Service,
  startPostgres, startRedis, startMosquitto, runNode, withTimeout,
};
