'use strict';
// The public typings: a sample using the whole tls API through 'tls-rs', 'tls-rs/register' and
// 'tls-rs/https' compiles under `tsc --strict --noEmit` (typescript and @types/node are dev deps),
// and so does the generated binding.d.ts (listed in test/types/tsconfig.json).

const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { it } = require('node:test');

it('types compile under tsc --noEmit against a sample using the whole API', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')],
    { encoding: 'utf8', timeout: 120000 });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
