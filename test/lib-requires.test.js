'use strict';
// lib/ has no require cycle. Every `require('./x')` in lib/*.js is an edge, whether it sits at
// the top of the file or inside a function body (where a cycle hides: the require only runs
// once both files have loaded); the graph of those edges must be acyclic.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const LIB = path.join(__dirname, '..', 'lib');
const LOCAL_REQUIRE = /\brequire\(\s*['"]\.\/([^'"]+?)(?:\.js)?['"]\s*\)/g;

/** The lib/ files `source` requires (names without '.js'); whole-line comments are skipped. */
function localRequires(source) {
  const code = source.replace(/^\s*(\/\/|\*).*$/gm, '');
  return [...code.matchAll(LOCAL_REQUIRE)].map((m) => m[1]);
}

/** Map of lib/ file name (without '.js') → the lib/ files it requires. */
function requireGraph(dir) {
  const graph = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    graph.set(file.slice(0, -3), localRequires(fs.readFileSync(path.join(dir, file), 'utf8')));
  }
  return graph;
}

/** The first cycle in `graph`, as the names along it back to where it started, or null. */
function findCycle(graph) {
  const done = new Set();
  const trail = [];
  const visit = (name) => {
    if (done.has(name)) return null;
    const at = trail.indexOf(name);
    if (at !== -1) return [...trail.slice(at), name];
    trail.push(name);
    for (const next of graph.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    done.add(name);
    return null;
  };
  for (const name of graph.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

test('the checker sees requires inside function bodies and finds the cycle they make', () => {
  const a = "const b = require('./b');\nfunction f() { return require('./c').x; }\n// require('./d')";
  assert.deepEqual(localRequires(a), ['b', 'c']);
  const graph = new Map([['a', localRequires(a)], ['b', []], ['c', ['a']]]);
  assert.deepEqual(findCycle(graph), ['a', 'c', 'a']);
  graph.set('c', []);
  assert.equal(findCycle(graph), null);
});

test('lib/ has no require cycle', () => {
  const graph = requireGraph(LIB);
  // Not an empty graph: the module object requires the files it re-exports.
  assert.ok(graph.get('tls').includes('socket'), 'tls.js requires socket.js');
  const cycle = findCycle(graph);
  assert.equal(cycle && cycle.join(' → '), null);
});
