'use strict';
// tls-rs in worker_threads: a worker's connections (server and client, many handshakes in
// flight) work beside the main thread's, on the native transport and the handshake pool as the
// main thread's do, and a worker can end — normally, or with connections still open or
// handshake steps on the pool — without taking the process down or leaving its connections
// behind. (Each scenario runs in a child process: the failures this guards against were Node
// aborting in CheckedUvLoopClose when a worker's loop closed with the native transport's libuv
// handles open, the main thread entering a worker's isolate from the handshake pool's wake-up,
// and the connections of steps still on the pool never freed.)

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { describe, it } = require('node:test');

const ROOT = path.join(__dirname, '..');

// Runs `scenario` ('together', 'worker-first' or 'worker-exits-open') in a child process and
// returns its exit status, signal and the lines it printed.
function runChild(scenario) {
  const child = spawnSync(process.execPath, ['-e', CHILD, ROOT, scenario], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, TLS_RS_WORKER_SCENARIOS: CHILD },
  });
  return { status: child.status, signal: child.signal, lines: child.stdout.trim().split('\n').sort(), stderr: child.stderr };
}

const CHILD = `
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const [root, scenario] = isMainThread ? process.argv.slice(1) : workerData;
const tls = require(root);
const { liveObjects } = require(path.join(root, 'lib', 'binding'));
const certs = path.join(root, 'test', 'fixtures', 'certs');
const key = fs.readFileSync(path.join(certs, 'agent-key.pem'));
const cert = fs.readFileSync(path.join(certs, 'agent-chain.pem'));
const ca = fs.readFileSync(path.join(certs, 'ca-cert.pem'));

// n handshakes, 16 in flight (so the handshake pool is asked), each closed gracefully; with
// keepOpen, n connections opened and left open. Resolves with what was counted, and whether
// native sockets were open and handshake steps went to the pool meanwhile (the counters are the
// process's: only a thread running alone tells about itself).
function handshakes(label, n, keepOpen, progress) {
  const offloadedBefore = liveObjects().offloadedSteps;
  let nativeSockets = 0;
  const how = () => ' native ' + (nativeSockets > 0) + ' offloaded ' + (liveObjects().offloadedSteps > offloadedBefore);
  return new Promise((resolve) => {
    let secure = 0;
    let closed = 0;
    let errors = 0;
    const server = tls.createServer({ key, cert }, (s) => {
      s.resume();
      if (!keepOpen) s.on('end', () => s.end());
    });
    server.listen(0, '127.0.0.1', () => {
      let started = 0;
      const one = () => {
        started++;
        const c = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
          secure++;
          progress?.(secure);
          nativeSockets = Math.max(nativeSockets, liveObjects().sockets);
          if (!keepOpen) c.end();
          else if (secure === n) resolve(label + ' open ' + secure + how());
        });
        c.resume();
        c.on('error', () => errors++);
        c.on('close', () => {
          if (keepOpen) return;
          if (++closed < n) {
            if (started < n) one();
            return;
          }
          server.close();
          resolve(label + ' secure ' + secure + ' errors ' + errors + how());
        });
      };
      for (let i = 0; i < (keepOpen ? n : 16); i++) one();
    });
  });
}

if (isMainThread) {
  const worker = (workerScenario) => new Promise((resolve) => {
    const w = new Worker(process.env.TLS_RS_WORKER_SCENARIOS, { eval: true, workerData: [root, workerScenario] });
    w.on('error', (err) => console.log('worker error ' + err.message));
    w.on('exit', (code) => resolve('worker exit ' + code));
    // 'busy': the worker is in the middle of its handshakes; end it there.
    w.on('message', (m) => { if (m === 'busy') w.terminate(); });
  });
  const main = () => handshakes('main', 150, false);
  (async () => {
    if (scenario === 'together') {
      for (const line of await Promise.all([main(), worker('handshakes')])) console.log(line);
    } else {
      console.log(await worker({ 'worker-first': 'handshakes', 'worker-terminated': 'endless' }[scenario] ?? 'exit-open'));
      // The worker's connections were freed as it ended, steps out on the pool included.
      console.log('sessions left by the worker ' + liveObjects().sessions);
      console.log(await main());
    }
  })();
} else if (scenario === 'handshakes') {
  handshakes('worker', 150, false).then((line) => console.log(line));
} else if (scenario === 'endless') {
  // Handshakes until terminated: when the parent is told, 16 are in flight (some of them on the
  // pool) with their writes under way.
  handshakes('worker', Infinity, false, (secure) => { if (secure === 40) parentPort.postMessage('busy'); });
} else {
  handshakes('worker', 20, true).then((line) => {
    console.log(line);
    process.exit(0);
  });
}
`;

// With the native transport (the default), a worker's sockets are native and its handshake
// steps go to the pool, as the main thread's; TLS_RS_TRANSPORT=js runs the same without either.
const NATIVE = process.env.TLS_RS_TRANSPORT !== 'js';
const HOW = ` native ${NATIVE} offloaded ${NATIVE}`;

describe('worker_threads', () => {
  it('the main thread and a worker make handshakes at the same time', () => {
    const { status, signal, lines, stderr } = runChild('together');
    assert.deepEqual({ status, signal, lines },
      { status: 0, signal: null, lines: [`main secure 150 errors 0${HOW}`, 'worker exit 0', `worker secure 150 errors 0${HOW}`] }, stderr);
  });

  it('a worker that made handshakes ends, then the main thread makes its own', () => {
    const { status, signal, lines, stderr } = runChild('worker-first');
    assert.deepEqual({ status, signal, lines },
      { status: 0, signal: null, lines: [`main secure 150 errors 0${HOW}`, 'sessions left by the worker 0', 'worker exit 0', `worker secure 150 errors 0${HOW}`] }, stderr);
  });

  it('a worker ends with 20 connections open (process.exit), and the main thread goes on', () => {
    const { status, signal, lines, stderr } = runChild('worker-exits-open');
    assert.deepEqual({ status, signal, lines },
      { status: 0, signal: null, lines: [`main secure 150 errors 0${HOW}`, 'sessions left by the worker 0', 'worker exit 0', `worker open 20${HOW}`] }, stderr);
  });

  it('a worker terminated in the middle of its handshakes, and the main thread goes on', () => {
    const { status, signal, lines, stderr } = runChild('worker-terminated');
    assert.deepEqual({ status, signal, lines },
      { status: 0, signal: null, lines: [`main secure 150 errors 0${HOW}`, 'sessions left by the worker 0', 'worker exit 1'] }, stderr);
  });
});
