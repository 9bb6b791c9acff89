#!/usr/bin/env node
'use strict';
// Start-up cost of tls-rs (issue 16): how much `-r tls-rs/register`, `--import tls-rs/register`
// and `require('tls-rs')` add to a Node process. Usage:
//
//   node bench/startup.js [--runs N] [--json FILE]
//
// Each case is a whole `node …` process, started N times (default 15); the cases take turns, so a
// busy machine slows them alike. Reported: the median wall time of each case and its difference
// from its baseline's median. The processes run in a temporary app directory whose
// node_modules/tls-rs links to this checkout, as an installed package would be found. Nothing
// here is a test: timing never goes into an assertion.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function parseArgs(argv) {
  const args = { runs: 15, json: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--json') args.json = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (usage: node bench/startup.js [--runs N] [--json FILE])`);
  }
  if (!(args.runs > 0)) throw new Error('--runs needs a positive number');
  return args;
}

// [id, node arguments, id of the baseline it is compared with, what it shows]
const CASES = [
  ['node -e 1', ['-e', '1'], null, 'baseline'],
  ['node -r tls-rs/register -e 1', ['-r', 'tls-rs/register', '-e', '1'], 'node -e 1', 'the hook, in a process that never uses TLS'],
  ['node --import tls-rs/register -e 1', ['--import', 'tls-rs/register', '-e', '1'], 'node -e 1', 'the hook through the ESM loader'],
  ['node --import ./empty.mjs -e 1', ['--import', './empty.mjs', '-e', '1'], 'node -e 1', '--import itself (an empty module)'],
  ['node -r tls-rs/register app.cjs', ['-r', 'tls-rs/register', 'app.cjs'], 'node app.cjs', 'CommonJS app that never uses TLS'],
  ['node app.cjs', ['app.cjs'], null, 'baseline'],
  ['node -r tls-rs/register app.mjs', ['-r', 'tls-rs/register', 'app.mjs'], 'node app.mjs', 'ESM app: needs the ESM hooks'],
  ['node app.mjs', ['app.mjs'], null, 'baseline'],
  ["node -e \"require('tls-rs')\"", ['-e', "require('tls-rs')"], 'node -e 1', 'loading tls-rs (and its addon)'],
  ["node -e \"require('node:tls')\"", ['-e', "require('node:tls')"], 'node -e 1', "loading Node's tls, for comparison"],
  ['node -r tls-rs/register -e "require(\'tls\')"', ['-r', 'tls-rs/register', '-e', "require('tls')"], 'node -e 1', 'the hook, then the first require of tls'],
];

function appDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-startup-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', 'tls-rs'), 'dir');
  fs.writeFileSync(path.join(dir, 'empty.mjs'), '');
  fs.writeFileSync(path.join(dir, 'app.cjs'), "require('node:path').join('a', 'b');\n");
  fs.writeFileSync(path.join(dir, 'app.mjs'), "import { join } from 'node:path';\njoin('a', 'b');\n");
  return dir;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const cwd = appDir();
  const samples = new Map(CASES.map(([id]) => [id, []]));
  try {
    for (let run = 0; run < args.runs + 1; run++) {
      for (const [id, argv] of CASES) {
        const start = process.hrtime.bigint();
        const r = spawnSync(process.execPath, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (r.status !== 0) throw new Error(`${id} exited with ${r.status}: ${r.stderr}`);
        if (run > 0) samples.get(id).push(ms); // the first round warms the file cache
      }
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }

  const medians = new Map([...samples].map(([id, xs]) => [id, median(xs)]));
  console.log(`node ${process.version}, ${os.cpus().length} cores; median of ${args.runs} runs each (ms)`);
  const width = Math.max(...CASES.map(([id]) => id.length));
  const rows = [];
  for (const [id, , base, what] of CASES) {
    const m = medians.get(id);
    const delta = base ? m - medians.get(base) : null;
    rows.push({ id, median: m, baseline: base, added: delta, what });
    const added = delta === null ? '' : `${delta >= 0 ? '+' : ''}${delta.toFixed(1)} vs ${base}`;
    console.log(`${id.padEnd(width)}  ${m.toFixed(1).padStart(6)}  ${added.padEnd(32)}  ${what}`);
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ node: process.version, runs: args.runs, rows, samples: Object.fromEntries(samples) }, null, 2));
}

main();
