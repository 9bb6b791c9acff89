'use strict';
// Summarises .cpuprofile files written by `node bench/run.js --child-args '--cpu-prof
// --cpu-prof-dir=DIR'`: for each profile, which process it is (server/client, built-in/tls-rs),
// then the functions with the most self time and the self time per source file.
//
//   node bench/tools/profile-summary.js DIR [top-N]

const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const top = Number(process.argv[3] || 25);
if (!dir) {
  console.error('usage: node bench/tools/profile-summary.js DIR [top-N]');
  process.exit(2);
}

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const prof = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // samples[i] is a node id; timeDeltas[i] the time (µs) since the previous sample.
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + (prof.timeDeltas[i] || 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const urls = prof.nodes.map((n) => n.callFrame.url);
  const role = urls.some((u) => u.endsWith('bench/server.js')) ? 'server'
    : urls.some((u) => u.endsWith('bench/client.js')) ? 'client'
      : urls.some((u) => u.endsWith('bench/context.js')) ? 'context' : '?';
  const impl = urls.some((u) => u.endsWith('lib/socket.js') || u.endsWith('lib/secure-context.js')) ? 'tls-rs' : 'built-in';
  const fn = new Map();
  const files = new Map();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const short = url ? url.replace(/^.*\/(lib|bench|node:internal)\//, '$1/').replace(/^file:\/\//, '') : '';
    const key = `${functionName || '(anonymous)'} ${short}${short ? `:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) || 0) + t);
    const f = short || functionName;
    files.set(f, (files.get(f) || 0) + t);
  }
  const pct = (t) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n== ${file}: ${role} ${impl}, ${(total / 1e3).toFixed(0)} ms sampled`);
  console.log('-- self time by function');
  for (const [k, t] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
  console.log('-- self time by file');
  for (const [k, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${pct(t)}  ${k}`);
}
