'use strict';
// Smoke test of the benchmark (bench/run.js --quick): it completes, and every workload of
// bench/workloads.js ran for both implementations — a number for every metric, a negotiated
// connection for every network workload, and no implementation reported as unsupported ("n/a").
// No timing is asserted, nor compared: the numbers only have to exist (and a rate must not be 0,
// which means nothing ran).

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RUN = path.join(__dirname, '..', 'bench', 'run.js');
const { workloads } = require('../bench/workloads');
const IMPLS = ['builtin', 'tls-rs'];

test('node bench/run.js --quick --json runs every workload for both implementations', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-bench-smoke-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const json = path.join(dir, 'results.json');

  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [RUN, '--quick', '--json', json], { maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout: out, stderr: errOut });
    });
  });
  assert.equal(code, 0, `bench/run.js --quick failed:\n${stdout}\n${stderr}`);

  const results = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.equal(results.meta.mode, 'quick');
  assert.deepEqual(results.workloads.map((w) => w.id), workloads.map((w) => w.id), 'the workloads that ran');

  const missing = [];
  for (const w of results.workloads) {
    for (const [impl, reason] of Object.entries(w.unsupported)) missing.push(`${w.id}: ${impl} n/a (${reason})`);
    if (w.kind === 'net') {
      for (const impl of IMPLS) if (!w.negotiated[impl]) missing.push(`${w.id}: ${impl} negotiated no connection`);
    }
    if (w.metrics.length === 0) missing.push(`${w.id}: no metrics`);
    for (const m of w.metrics) {
      for (const impl of IMPLS) {
        const { median, na } = m[impl];
        const where = `${w.id} / ${m.name} / ${impl}`;
        if (na) missing.push(`${where}: n/a (${na})`);
        else if (typeof median !== 'number' || !Number.isFinite(median)) missing.push(`${where}: no number (${median})`);
        else if (m.better === 'higher' && median <= 0) missing.push(`${where}: ${median} ${m.unit}, nothing ran`);
      }
    }
  }
  assert.deepEqual(missing, []);
  // The table was printed.
  assert.match(stdout, /tls-rs \/ built-in/);
});
