'use strict';
// binding.d.ts is generated from the Rust source (scripts/typegen.js over napi-derive's type-def
// output, written to build/binding.d.ts by every build) and committed: it must be exactly what
// the current source generates, and declare exactly what the addon exports. (That it compiles is
// checked by types.test.js, whose tsconfig includes it.)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { it } = require('node:test');
const { generatedTypes, COMMITTED } = require('../scripts/typegen');

const FIX = 'Run `npm run build` then `npm run types`, and commit binding.d.ts.';

it('the committed binding.d.ts is what the Rust source generates', () => {
  const generated = generatedTypes(); // throws when the build is missing or older than src/
  const committed = fs.readFileSync(COMMITTED, 'utf8');
  if (committed !== generated) {
    const a = committed.split('\n');
    const b = generated.split('\n');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    assert.fail(`binding.d.ts differs from build/binding.d.ts from line ${i + 1}:\n` +
                `  committed: ${JSON.stringify(a[i])}\n  generated: ${JSON.stringify(b[i])}\n${FIX}`);
  }
});

it('binding.d.ts declares every export of the addon, and nothing it lacks', () => {
  const text = fs.readFileSync(COMMITTED, 'utf8');
  const declared = [...text.matchAll(/^export declare (?:const enum|enum|class|function) ([A-Za-z_$][\w$]*)/gm)]
    .map((m) => m[1]).sort();
  const exported = Object.keys(require('../lib/binding')).sort();
  assert.deepEqual(declared, exported,
    'the addon\'s exports and binding.d.ts\'s declared values differ: a function registered by hand ' +
    '(src/js/hot_path.rs) is declared in scripts/binding-header.d.ts');
});

it('typegen renders classes first, impl blocks merged, the rest by name, in napi-rs\'s layout', () => {
  const { renderTypeDefs } = require('../scripts/typegen');
  const lines = [
    { kind: 'fn', name: 'zeta', js_doc: '/** Last. */\\n', def: 'function zeta(): void' },
    { kind: 'enum', name: 'Mode', js_doc: '', def: 'A = 0,\\nB = 1' },
    { kind: 'struct', name: 'Thing', js_doc: '/** A class. */\\n', def: '', original_name: 'Thing' },
    { kind: 'impl', name: 'Thing', js_doc: '', def: 'constructor()\\n/** Doc. */\\nget(key: string): Buffer | null' },
    { kind: 'interface', name: 'Info', js_doc: '', def: 'name: string\\nsize?: number' },
  ].map((l) => JSON.stringify(l)).join('\n');
  const body = renderTypeDefs(lines).split('/// <reference types="node" />\n')[1];
  assert.ok(body.endsWith([
    '/** A class. */',
    'export declare class Thing {',
    '  constructor()',
    '  /** Doc. */',
    '  get(key: string): Buffer | null',
    '}',
    '',
    'export interface Info {',
    '  name: string',
    '  size?: number',
    '}',
    '',
    'export declare const enum Mode {',
    '  A = 0,',
    '  B = 1',
    '}',
    '',
    '/** Last. */',
    'export declare function zeta(): void',
    '',
  ].join('\n')), body);
});
