'use strict';
// `npm test`'s node part: the whole suite on the native transport (the default for the
// connections tls-rs makes and accepts), then again with TLS_RS_TRANSPORT=js, where every
// socket takes the memory-BIO path: both paths must pass the same tests.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const files = fs.readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.js')).sort()
  .map((f) => path.join('test', f));

for (const transport of ['native', 'js']) {
  console.log(`\n# tls-rs: the test suite with the ${transport} transport\n`);
  const env = { ...process.env };
  if (transport === 'js') env.TLS_RS_TRANSPORT = 'js';
  else delete env.TLS_RS_TRANSPORT;
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { cwd: root, env, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
