#!/usr/bin/env node
'use strict';
// Side-by-side benchmark: Node's built-in tls and tls-rs, the same workloads in one run
// (issue 6). Usage:
//
//   node bench/run.js [--quick] [--json FILE] [--markdown] [--reps N] [--only REGEX]
//                     [--no-pin | --pin] [--impls LIST] [--child-args ARGS]
//
//   --quick     CI smoke: every workload a fraction of a second, one repetition
//   --json      also write every sample, median and ratio to FILE
//   --markdown  print the table as Markdown (for bench/README.md)
//   --reps      repetitions per workload and implementation (default 5; 1 with --quick)
//   --only      run only the workloads whose id matches REGEX (e.g. 'bulk|echo')
//   --no-pin    don't pin the server process to CPU 0 and the client to CPU 1 (taskset); pinning
//               is the default outside --quick: repetitions then vary far less on a busy machine
//   --impls     run only these implementations (comma-separated: builtin,tls-rs; for profiling)
//   --child-args extra node options for the forked processes, space-separated
//               (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', or '--perf-basic-prof' for perf)
//
// Network workloads run the server and the client in separate processes (child_process.fork)
// on 127.0.0.1, both with the same implementation; repetitions alternate which implementation
// goes first. Reported: medians over repetitions, and tls-rs / built-in. Nothing here asserts on
// timing; test/bench-smoke.test.js only checks that every workload produced numbers.

const { fork, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { workloads, WRITE_SIZE } = require('./workloads');
const { ECDH_CURVE, SIGALGS, makeCertificateFiles } = require('./common');

const IMPLS = ['builtin', 'tls-rs'];
const LABEL = { builtin: 'built-in', 'tls-rs': 'tls-rs' };

// ---- options -------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { quick: false, json: null, markdown: false, reps: null, only: null, childArgs: [], impls: IMPLS, pin: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--json') args.json = value();
    else if (a === '--markdown') args.markdown = true;
    else if (a === '--pin') args.pin = true;
    else if (a === '--no-pin') args.pin = false;
    else if (a === '--reps') args.reps = Number(value());
    else if (a === '--only') args.only = new RegExp(value());
    else if (a === '--impls') {
      args.impls = value().split(',');
      if (!args.impls.every((x) => IMPLS.includes(x))) throw new Error(`--impls: one or more of ${IMPLS.join(', ')}`);
    } else if (a === '--child-args') args.childArgs = value().split(/\s+/).filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 20).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (args.reps !== null && !(Number.isInteger(args.reps) && args.reps > 0)) throw new Error('--reps must be a positive integer');
  return args;
}

function settings(args) {
  const s = args.quick ? {
    reps: 1, warmupMs: 50, durationMs: 150, idleConnections: 50,
    contextDurationMs: 30, contextWarmup: 2, opensslSeconds: 1,
  } : {
    reps: 5, warmupMs: 500, durationMs: 1500, idleConnections: 2000,
    contextDurationMs: 500, contextWarmup: 20, opensslSeconds: 1,
  };
  if (args.reps) s.reps = args.reps;
  return s;
}

// ---- child processes ---------------------------------------------------------------------------

const live = new Set();
let childExecArgv = ['--expose-gc'];
let pinning = false;
// The children do not inherit NODE_EXTRA_CA_CERTS: Node 20 loads that file (and so builds its
// root store) at process startup, outside any measurement, while tls-rs loads it on first use;
// without it both build their default root store on the first createSecureContext.
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
});

/** A forked benchmark process with request/reply over IPC (see common.js). */
class Child {
  /** `cpu`: with --pin, the CPU the process is pinned to; `env`: variables added for it. */
  constructor(file, cpu, env = {}) {
    this.name = file;
    this.proc = fork(path.join(__dirname, file), [], {
      execArgv: childExecArgv,
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(this.proc);
    if (pinning && cpu !== undefined) {
      execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(this.proc.pid)], { stdio: 'ignore' });
    }
    this.nextId = 0;
    this.pending = new Map();
    this.waiters = [];
    this.exited = false;
    this.proc.on('message', (msg) => this._onMessage(msg));
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      live.delete(this.proc);
      const err = this.fatal || new Error(`${file} exited (${signal || code})`);
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
      for (const w of this.waiters) w.reject(err);
      this.waiters = [];
    });
  }

  _onMessage(msg) {
    if (msg.type === 'reply') {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        p.resolve(msg.result);
      }
    } else if (msg.type === 'fatal') {
      this.fatal = new Error(`${this.name}: ${msg.error}`);
    } else {
      const i = this.waiters.findIndex((w) => w.types.includes(msg.type));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
    }
  }

  request(type, payload = {}, timeoutMs = 60_000) {
    const id = this.nextId++;
    return withTimeout(new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ ...payload, type, id });
    }), timeoutMs, `${this.name} ${type}`);
  }

  /** The next unsolicited message of one of `types` (register before triggering it). */
  waitFor(types, timeoutMs = 60_000) {
    return withTimeout(new Promise((resolve, reject) => {
      this.waiters.push({ types, resolve, reject });
    }), timeoutMs, `${this.name} waiting for ${types.join('/')}`);
  }

  async stop() {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.proc.once('exit', resolve));
    try { this.proc.send({ type: 'exit' }); } catch { /* channel closed */ }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function delta(a, b) {
  const counters = {};
  for (const k of Object.keys(b.counters)) counters[k] = b.counters[k] - a.counters[k];
  return {
    counters,
    cpuUs: b.cpuUs - a.cpuUs,
    mainCpuUs: a.mainCpuUs === null || b.mainCpuUs === null ? null : b.mainCpuUs - a.mainCpuUs,
    seconds: Number(BigInt(b.timeNs) - BigInt(a.timeNs)) / 1e9,
    // Histograms are reset at each snapshot: b's percentiles cover the window.
    percentiles: b.percentiles || {},
  };
}

// ---- one run of one workload with one implementation ---------------------------------------------

async function runNet(w, impl, env) {
  // A workload may run unpinned (the handshake pool's scaling) and with extra variables.
  const cpu = (n) => (w.pin === false ? undefined : n);
  const server = new Child('server.js', cpu(0), w.env);
  let client;
  try {
    const { port } = await server.request('init', { impl, spec: w.server, certs: env.certs });
    client = new Child('client.js', cpu(1), w.env);
    const started = client.waitFor(['running', 'unsupported'], 30_000);
    await client.request('init', { impl, spec: w.client, port, certs: env.certs });
    const first = await started;
    if (first.type === 'unsupported') return { unsupported: first.reason };
    await sleep(env.s.warmupMs);
    const [s0, c0] = await Promise.all([server.request('snap'), client.request('snap')]);
    await sleep(env.s.durationMs);
    const [s1, c1] = await Promise.all([server.request('snap'), client.request('snap')]);
    const d = { server: delta(s0, s1), client: delta(c0, c1) };
    const result = { negotiated: first.negotiated, server: d.server, client: d.client };
    result.invalid = w.check ? w.check(d) : null;
    result.values = w.metrics.map((m) => m.value(d));
    const ops = w.cost.ops(d);
    result.cost = { unit: w.cost.unit, serverCpuUs: d.server.cpuUs / ops, clientCpuUs: d.client.cpuUs / ops };
    return result;
  } finally {
    await Promise.all([server.stop(), client && client.stop()]);
  }
}

async function runMemory(w, impl, env) {
  const n = env.idleConnections;
  const spec = { mode: 'idle', tls: w.tls };
  const server = new Child('server.js', 0);
  let client;
  try {
    const { port } = await server.request('init', { impl, spec, certs: env.certs });
    client = new Child('client.js', 1);
    await client.request('init', { impl, spec, port, certs: env.certs });
    // Warm both processes up (code loaded, pools sized) with a few connections, closed again.
    await client.request('warm');
    await sleep(300);
    const [sm0, cm0] = await Promise.all([server.request('memory'), client.request('memory')]);
    const opened = await client.request('open', { n, concurrency: 50 }, 300_000);
    const sSnap = await server.request('snap');
    const [sm1, cm1] = await Promise.all([server.request('memory'), client.request('memory')]);
    const kib = (a, b, key) => (b[key] - a[key]) / n / 1024;
    const r = {
      connections: n,
      serverOpen: sSnap.counters.open,
      clientOpen: opened.opened,
      serverKiB: kib(sm0, sm1, 'rss'),
      clientKiB: kib(cm0, cm1, 'rss'),
      heap: {
        serverKiB: kib(sm0, sm1, 'heapUsed'), clientKiB: kib(cm0, cm1, 'heapUsed'),
        serverExternalKiB: kib(sm0, sm1, 'external'), clientExternalKiB: kib(cm0, cm1, 'external'),
      },
      rss: { server: [sm0.rss, sm1.rss], client: [cm0.rss, cm1.rss] },
    };
    r.invalid = r.serverOpen === n && r.clientOpen === n ? null
      : `server holds ${r.serverOpen}, client ${r.clientOpen} of ${n} connections`;
    r.values = w.metrics.map((m) => m.value(r));
    return r;
  } finally {
    await Promise.all([server.stop(), client && client.stop()]);
  }
}

async function runContext(w, impl, env) {
  const child = new Child('context.js');
  try {
    const r = await child.request('run', {
      impl, certs: env.certs, duration: env.s.contextDurationMs, warmup: env.s.contextWarmup,
    }, 120_000);
    return { raw: r, values: w.metrics.map((m) => m.value(r)), invalid: null };
  } finally {
    await child.stop();
  }
}

const RUNNERS = { net: runNet, memory: runMemory, context: runContext };

// ---- setup -------------------------------------------------------------------------------------

/** ECDSA P-256 and RSA-2048 self-signed server certificates for localhost / 127.0.0.1. */
function makeCerts(dir) {
  return { ec: makeCertificateFiles(dir, 'ec'), rsa: makeCertificateFiles(dir, 'rsa') };
}

/** Single-core `openssl speed -evp aes-128-gcm` at 16384-byte blocks, in MB/s (null if absent). */
function opensslSpeed(seconds) {
  try {
    const out = execFileSync('openssl', ['speed', '-evp', 'aes-128-gcm', '-seconds', String(seconds), '-bytes', '16384', '-mr'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const line = out.split('\n').find((l) => l.startsWith('+F:'));
    const bytesPerSecond = Number(line.split(':').pop());
    const version = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
    return { mbPerSecond: bytesPerSecond / 1e6, version, command: `openssl speed -evp aes-128-gcm -seconds ${seconds} -bytes 16384` };
  } catch (err) {
    return { mbPerSecond: null, error: String(err.message).split('\n')[0] };
  }
}

function fdLimit() {
  try {
    const out = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return null;
  }
}

function tlsRsOpenssl() {
  try {
    const lock = fs.readFileSync(path.join(__dirname, '..', 'Cargo.lock'), 'utf8');
    const m = lock.match(/name = "openssl-src"\nversion = "[^"+]*\+([^"]+)"/);
    return m ? `OpenSSL ${m[1]} (vendored)` : 'vendored OpenSSL';
  } catch {
    return 'vendored OpenSSL';
  }
}

// ---- statistics and output -----------------------------------------------------------------------

function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** (max - min) / median over the repetitions. */
function spread(xs) {
  const v = xs.filter((x) => Number.isFinite(x));
  const m = median(v);
  if (v.length < 2 || !m) return 0;
  return (Math.max(...v) - Math.min(...v)) / m;
}

function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function targetText(m) {
  if (m.target === null || m.target === undefined) return '';
  return `${m.better === 'higher' ? '≥' : '≤'} ${m.target}×`;
}

function table(rows, markdown) {
  const header = ['workload', 'metric', 'built-in', 'tls-rs', 'tls-rs / built-in', 'target', 'spread'];
  const body = rows.map((r) => [r.workload, `${r.metric} (${r.unit})`, r.builtin, r.tlsrs, r.ratio, r.target, r.spread]);
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map((_, i) => (i >= 2 ? '---:' : '---'))), ...body.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

// ---- main ----------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const s = settings(args);
  const notes = [];
  childExecArgv = ['--expose-gc', ...args.childArgs];
  pinning = (args.pin ?? !args.quick) && os.cpus().length >= 2;
  if (pinning) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    } catch {
      pinning = false;
      notes.push('taskset is not available: processes are not pinned to CPUs');
    }
  }
  const selected = workloads.filter((w) => !args.only || args.only.test(w.id));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-bench-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const certs = makeCerts(tmp);

  let idleConnections = s.idleConnections;
  const limit = fdLimit();
  if (limit !== null && limit < idleConnections + 100) {
    idleConnections = Math.max(10, limit - 100);
    notes.push(`ulimit -n is ${limit}: idle-connection workload lowered to ${idleConnections} connections`);
  }

  const meta = {
    date: new Date().toISOString(),
    command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    mode: args.quick ? 'quick' : 'full',
    node: process.version,
    builtinOpenssl: `OpenSSL ${process.versions.openssl}`,
    tlsRsOpenssl: tlsRsOpenssl(),
    cpu: os.cpus()[0] && os.cpus()[0].model,
    cores: os.cpus().length,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavgStart: os.loadavg(),
    fdLimit: limit,
    nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ? 'set in the environment, not passed to the benchmark processes' : 'unset',
    childExecArgv,
    pinned: pinning ? 'server on CPU 0, client on CPU 1' : 'no',
    settings: { ...s, idleConnections },
    fixed: {
      ecdhCurve: ECDH_CURVE, sigalgs: SIGALGS, writeSize: WRITE_SIZE, host: '127.0.0.1',
      clientContext: 'one SecureContext per client process (ca: the server certificate), passed as secureContext',
    },
  };

  console.log(`tls-rs benchmark (${meta.mode}): ${meta.node}, built-in ${meta.builtinOpenssl}, tls-rs ${meta.tlsRsOpenssl}`);
  console.log(`${meta.cpu}, ${meta.cores} cores, load average ${meta.loadavgStart.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`Both ends of every connection use the same implementation. Fixed on both ends: ecdhCurve '${ECDH_CURVE}' ` +
              `(X25519 is negotiated; tls-rs would otherwise negotiate X25519MLKEM768), sigalgs '${SIGALGS}', one cipher suite per workload.`);
  console.log('The benchmark processes run without NODE_EXTRA_CA_CERTS (Node 20 would load it at startup, tls-rs on first use).');
  if (pinning) console.log('Pinned: server process on CPU 0, client process on CPU 1.');
  console.log(`${s.reps} repetition(s) per workload and implementation, alternating which goes first; ` +
              `net workloads: ${s.warmupMs} ms warm-up, ${s.durationMs} ms measured.\n`);

  const env = { s, certs, idleConnections };
  const results = [];
  for (const w of selected) {
    const samples = { builtin: [], 'tls-rs': [] };
    const unsupported = {};
    for (let rep = 0; rep < s.reps; rep++) {
      const order = rep % 2 === 0 ? IMPLS : [...IMPLS].reverse();
      for (const impl of order) {
        if (unsupported[impl] || !args.impls.includes(impl)) continue;
        const r = await RUNNERS[w.kind](w, impl, env);
        if (r.unsupported) {
          unsupported[impl] = r.unsupported;
          continue;
        }
        samples[impl].push(r);
      }
    }
    const entry = { id: w.id, group: w.group, title: w.title, kind: w.kind, unsupported, metrics: [], notes: [] };
    for (const impl of IMPLS) {
      for (const r of samples[impl]) {
        if (r.invalid) entry.notes.push(`${LABEL[impl]}: ${r.invalid}`);
      }
    }
    // Both implementations must have negotiated the same protocol, cipher and group.
    const negotiated = {};
    for (const impl of IMPLS) {
      const first = samples[impl].find((r) => r.negotiated);
      if (first) negotiated[impl] = first.negotiated;
    }
    if (negotiated.builtin && negotiated['tls-rs']) {
      // With the default groups each implementation negotiates its own (that is the point).
      for (const k of w.groupsDiffer ? ['protocol', 'cipher'] : ['protocol', 'cipher', 'group']) {
        if (negotiated.builtin[k] !== negotiated['tls-rs'][k]) {
          entry.notes.push(`negotiated ${k} differs: built-in ${negotiated.builtin[k]}, tls-rs ${negotiated['tls-rs'][k]}`);
        }
      }
    }
    entry.negotiated = negotiated;
    if (w.groupsDiffer && negotiated.builtin && negotiated['tls-rs']) {
      entry.notes.push(`groups: built-in ${negotiated.builtin.group}, tls-rs ${negotiated['tls-rs'].group}`);
    }
    const errors = {};
    for (const impl of IMPLS) {
      const n = samples[impl].reduce((sum, r) => sum + ((r.server && r.server.counters.errors) || 0) + ((r.client && r.client.counters.errors) || 0), 0);
      if (n) errors[impl] = n;
    }
    if (Object.keys(errors).length) entry.notes.push(`connection errors during measurement: ${JSON.stringify(errors)}`);

    w.metrics.forEach((m, i) => {
      const per = {};
      for (const impl of IMPLS) {
        const values = samples[impl].filter((r) => !r.invalid).map((r) => r.values[i]);
        per[impl] = unsupported[impl]
          ? { median: null, samples: [], na: unsupported[impl] }
          : { median: median(values), samples: values, spread: spread(values) };
      }
      const ratio = per.builtin.median && per['tls-rs'].median !== null ? per['tls-rs'].median / per.builtin.median : null;
      const met = ratio === null || m.target === null || m.target === undefined ? null
        : m.better === 'higher' ? ratio >= m.target : ratio <= m.target;
      entry.metrics.push({ name: m.name, unit: m.unit, better: m.better, target: m.target, ...per, ratio, met });
    });
    if (w.cost) {
      entry.cost = { unit: w.cost.unit };
      for (const impl of IMPLS) {
        entry.cost[impl] = {
          serverCpuUs: median(samples[impl].map((r) => r.cost.serverCpuUs)),
          clientCpuUs: median(samples[impl].map((r) => r.cost.clientCpuUs)),
        };
      }
    }
    if (w.kind === 'memory') {
      entry.detail = Object.fromEntries(IMPLS.map((impl) => [impl, samples[impl].map(({ values, ...r }) => r)]));
    }
    if (w.kind === 'context') {
      entry.detail = Object.fromEntries(IMPLS.map((impl) => [impl, samples[impl].map((r) => r.raw)]));
    }
    results.push(entry);
    const summary = entry.metrics.map((m) => `${m.name} ${fmt(m.builtin.median)} → ${m['tls-rs'].na ? 'n/a' : fmt(m['tls-rs'].median)} ${m.unit}`).join('; ');
    console.log(`  ${w.title}: ${summary}${entry.notes.length ? ` [${entry.notes.join('; ')}]` : ''}`);
  }

  const speed = selected.some((w) => w.group === 'bulk') ? opensslSpeed(s.opensslSeconds) : null;
  meta.loadavgEnd = os.loadavg();

  // ---- the table ----
  const rows = [];
  for (const e of results) {
    for (const m of e.metrics) {
      const sp = Math.max(m.builtin.spread || 0, m['tls-rs'].spread || 0);
      rows.push({
        workload: e.title,
        metric: m.name,
        unit: m.unit,
        builtin: m.builtin.na ? `n/a (${m.builtin.na})` : fmt(m.builtin.median),
        tlsrs: m['tls-rs'].na ? `n/a (${m['tls-rs'].na.replace(/ \(.*\)$/, '')})` : fmt(m['tls-rs'].median),
        ratio: m.ratio === null ? '–' : `${m.ratio.toFixed(2)}×${m.met === true ? ' ✓' : m.met === false ? ' ✗' : ''}`,
        target: targetText(m),
        spread: s.reps > 1 && !m['tls-rs'].na ? `${Math.round(sp * 100)}%` : '',
      });
    }
  }
  console.log(`\n${table(rows, args.markdown)}`);
  console.log('\nratio: tls-rs / built-in, medians; ✓/✗: the issue\'s target met or not; spread: (max − min) / median ' +
              'over repetitions, the larger of the two implementations. MB = 10^6 bytes.');

  // CPU per unit of work (server + client process), a steadier view than rates on a busy machine.
  const costRows = results.filter((e) => e.cost).map((e) => {
    const b = e.cost.builtin;
    const r = e.cost['tls-rs'];
    const na = e.unsupported['tls-rs'];
    return [e.title, e.cost.unit, fmt(b.serverCpuUs), na ? 'n/a' : fmt(r.serverCpuUs), fmt(b.clientCpuUs), na ? 'n/a' : fmt(r.clientCpuUs)];
  });
  if (costRows.length) {
    const header = ['workload', 'per', 'server µs built-in', 'server µs tls-rs', 'client µs built-in', 'client µs tls-rs'];
    const widths = header.map((h, i) => Math.max(h.length, ...costRows.map((c) => String(c[i]).length)));
    const line = (cells) => cells.map((c, i) => (i >= 2 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
    console.log('\nCPU time per unit of work (process.cpuUsage(), user + system, medians):');
    console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...costRows.map(line)].join('\n'));
  }

  const bulk = {};
  if (speed) {
    if (speed.mbPerSecond) {
      console.log(`\n${speed.command} (${speed.version}, one core): ${fmt(speed.mbPerSecond)} MB/s`);
      for (const e of results.filter((x) => x.group === 'bulk' && /AES-128-GCM/.test(x.title))) {
        const m = e.metrics[0];
        bulk[e.id] = { builtin: m.builtin.median / speed.mbPerSecond, 'tls-rs': m['tls-rs'].median / speed.mbPerSecond };
        console.log(`  ${e.title}: built-in ${(bulk[e.id].builtin * 100).toFixed(1)}%, tls-rs ${(bulk[e.id]['tls-rs'] * 100).toFixed(1)}% of it`);
      }
    } else {
      console.log(`\nopenssl speed unavailable: ${speed.error}`);
    }
  }
  for (const e of results) {
    if (e.kind === 'memory') {
      console.log(`\nidle connections: ${env.idleConnections} established TLS 1.3 connections, RSS after GC minus RSS before, per connection.`);
    }
  }
  for (const n of notes) console.log(`note: ${n}`);
  for (const e of results) for (const n of e.notes) console.log(`note: ${e.title}: ${n}`);
  console.log(`note: load average ${meta.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at start, ` +
              `${meta.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at end (other work on the machine skews rates).`);

  if (args.json) {
    const out = { meta, notes, workloads: results, opensslSpeed: speed, bulkFractionOfOpensslSpeed: bulk };
    fs.writeFileSync(args.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`\nresults written to ${args.json}`);
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err && err.stack || err);
  process.exit(1);
});
