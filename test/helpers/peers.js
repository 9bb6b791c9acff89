'use strict';

// Real TLS peers for interop tests: `openssl s_server` / `s_client` child processes, plus small
// helpers shared by the interop, integrity and seed-example tests.
//
// Every child is tracked; a test registers cleanup with `t.after(() => peer.kill())` (done for it
// when a TestContext is passed), and anything still alive when the process exits is killed too.
// Every wait is bounded: a peer that never prints what a test waits for fails the test with the
// peer's output in the message instead of hanging the run.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CERTS = path.join(__dirname, '..', 'fixtures', 'certs');
const OPENSSL = process.env.OPENSSL || 'openssl';
const DEFAULT_TIMEOUT = 10_000;

/** Absolute path of a fixture in test/fixtures/certs. */
function certPath(name) {
  return path.join(CERTS, name);
}

/** Contents of a fixture in test/fixtures/certs. */
function readCert(name) {
  return fs.readFileSync(certPath(name));
}

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * A child process whose stdout and stderr are collected as text.
 * `waitFor(re)` resolves with the match once the output matches (or rejects after `ms`);
 * `exited` resolves with { code, signal }; `kill()` ends it (idempotent).
 */
class Peer {
  constructor(cmd, args, { t, cwd, env, uid, gid, stdin = 'pipe' } = {}) {
    this.cmd = cmd;
    this.args = args;
    this.stdout = '';
    this.stderr = '';
    this.exitCode = undefined;
    this.signal = undefined;
    this._waiters = [];
    this.proc = spawn(cmd, args, { cwd, env, uid, gid, stdio: [stdin, 'pipe', 'pipe'] });
    live.add(this.proc);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => { this.stdout += d; this._check(); });
    this.proc.stderr.on('data', (d) => { this.stderr += d; this._check(); });
    // A peer that exits closes its stdin; writes after that must not crash the test process.
    this.proc.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.proc.on('error', (err) => {
        this.stderr += `\n[spawn error: ${err.message}]`;
        live.delete(this.proc);
        this.exitCode = null;
        this._check();
        resolve({ code: null, signal: null, error: err });
      });
      this.proc.on('close', (code, signal) => {
        live.delete(this.proc);
        this.exitCode = code;
        this.signal = signal;
        this._check();
        resolve({ code, signal });
      });
    });
    if (t) t.after(() => this.kill());
  }

  /** stdout and stderr, in that order (each keeps its own order). */
  get output() {
    return `${this.stdout}\n${this.stderr}`;
  }

  _check() {
    for (const w of [...this._waiters]) {
      const m = w.re.exec(w.stream === 'stdout' ? this.stdout : this.output);
      if (m) {
        this._waiters.splice(this._waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(m);
      } else if (this.exitCode !== undefined) {
        this._waiters.splice(this._waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.reject(this._error(`exited (code ${this.exitCode}, signal ${this.signal}) before printing ${w.re}`));
      }
    }
  }

  _error(what) {
    return new Error(`${this.cmd} ${this.args.join(' ')}: ${what}\n--- stdout ---\n${this.stdout}` +
                     `\n--- stderr ---\n${this.stderr}`);
  }

  /** Resolves with the match of `re` against the output (stdout only with stream 'stdout'). */
  waitFor(re, { ms = DEFAULT_TIMEOUT, stream } = {}) {
    return new Promise((resolve, reject) => {
      const w = { re, stream, resolve, reject };
      w.timer = setTimeout(() => {
        this._waiters.splice(this._waiters.indexOf(w), 1);
        reject(this._error(`did not print ${re} within ${ms} ms`));
      }, ms);
      this._waiters.push(w);
      this._check();
    });
  }

  /** Resolves with { code, signal } once the process ended, or rejects after `ms`. */
  waitExit(ms = DEFAULT_TIMEOUT) {
    let timer;
    return Promise.race([
      this.exited.finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(this._error(`did not exit within ${ms} ms`)), ms);
      }),
    ]);
  }

  write(data) {
    if (this.proc.stdin && !this.proc.stdin.destroyed) this.proc.stdin.write(data);
  }

  end(data) {
    if (this.proc.stdin && !this.proc.stdin.destroyed) this.proc.stdin.end(data);
  }

  kill() {
    if (this.exitCode === undefined && this.proc.exitCode === null && this.proc.signalCode === null) {
      try { this.proc.kill('SIGKILL'); } catch { /* already gone */ }
    }
    return this.exited;
  }
}

/**
 * Starts `openssl s_server` on 127.0.0.1 with an ephemeral port (`-accept 127.0.0.1:0`) and
 * resolves once it listens; `server.port` is the port it printed.
 * `args` are the extra s_server arguments (certificate paths are relative to the fixtures).
 */
async function startOpensslServer(args, { t, ms = DEFAULT_TIMEOUT } = {}) {
  const peer = new Peer(OPENSSL, ['s_server', '-accept', '127.0.0.1:0', ...args], { t, cwd: CERTS });
  const m = await peer.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/, { ms });
  peer.port = Number(m[1]);
  return peer;
}

/**
 * Starts `openssl s_client -connect 127.0.0.1:PORT` with extra `args` (fixture paths relative to
 * test/fixtures/certs). Its stdin stays open until `client.end()`.
 */
function startOpensslClient(port, args, { t } = {}) {
  return new Peer(OPENSSL, ['s_client', '-connect', `127.0.0.1:${port}`, ...args], { t, cwd: CERTS });
}

/** Starts `node` on `script` (a file path) or, given { code }, on `-e code`. */
function startNode({ file, code, args = [], t, cwd, env }) {
  const argv = file ? [file, ...args] : ['-e', code, ...args];
  return new Peer(process.execPath, argv, { t, cwd, env: env || process.env });
}

/** A fresh temporary directory, removed after the test. */
function tmpDir(t, prefix = 'tls-rs-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (t) t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves with the first time `emitter` emits `event` (its arguments array), bounded by `ms`. */
function once(emitter, event, ms = DEFAULT_TIMEOUT) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(event, onEvent);
      reject(new Error(`no '${event}' event within ${ms} ms`));
    }, ms);
    function onEvent(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    emitter.once(event, onEvent);
  });
}

/** Rejects after `ms` with `what` unless `promise` settles first. */
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Resolves once a server listens on 127.0.0.1 (ephemeral port); returns the port. */
function listen(server, port = 0) {
  return withTimeout(new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  }), DEFAULT_TIMEOUT, 'listen');
}

/** Closes a server and destroys the sockets it still tracks; never throws. */
function closeServer(server, sockets = []) {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => {
    try { server.close(() => resolve()); } catch { resolve(); }
  });
}

module.exports = {
  CERTS,
  OPENSSL,
  DEFAULT_TIMEOUT,
  certPath,
  readCert,
  Peer,
  startOpensslServer,
  startOpensslClient,
  startNode,
  tmpDir,
  once,
  withTimeout,
  listen,
  closeServer,
};
