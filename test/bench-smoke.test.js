'use strict';
// Smoke test of the benchmark (bench/run.js --quick): it completes, and every workload produced
// a number for both implementations — or, for tls-rs only, says which feature it lacks
// ("n/a (sessions not implemented)"). No timing is asserted, nor compared: the numbers only have
// to exist.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RUN = path.join(__dirname, '..', 'bench', 'run.js');

test('node bench/run.js --quick --json produces every workload for both implementations', { timeout: 300_000 }, async (t) => {
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
  const groups = new Set(results.workloads.map((w) => w.group));
  for (const g of ['bulk', 'echo', 'handshake', 'context', 'memory']) assert.ok(groups.has(g), `no ${g} workload`);

  for (const w of results.workloads) {
    assert.ok(w.metrics.length > 0, `${w.id}: no metrics`);
    for (const m of w.metrics) {
      const where = `${w.id} / ${m.name}`;
      assert.equal(typeof m.builtin.median, 'number', `${where}: no number for built-in tls`);
      assert.ok(Number.isFinite(m.builtin.median), `${where}: built-in ${m.builtin.median}`);
      if (m['tls-rs'].na) {
        // Only a missing feature excuses a missing number, and only for tls-rs.
        assert.match(m['tls-rs'].na, /not implemented/, `${where}: tls-rs n/a for another reason`);
      } else {
        assert.equal(typeof m['tls-rs'].median, 'number', `${where}: no number for tls-rs`);
        assert.ok(Number.isFinite(m['tls-rs'].median), `${where}: tls-rs ${m['tls-rs'].median}`);
      }
    }
  }
  // The table was printed.
  assert.match(stdout, /tls-rs \/ built-in/);
});
