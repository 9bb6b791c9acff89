'use strict';
// The integration tests' skip rule (test/helpers/services.js): a test whose real server is not
// installed is skipped with the Debian package and the command that installs it, unless CI is
// set, where it runs and fails naming the package.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { it, afterEach } = require('node:test');
const { needs, findBinary } = require('./helpers/services');

const saved = { PATH: process.env.PATH, CI: process.env.CI };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A PATH of one bin directory holding only `names` (empty executables). */
function pathWith(t, names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-path-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const name of names) fs.writeFileSync(path.join(bin, name), '', { mode: 0o755 });
  return bin;
}

it('a missing server skips with the package and the install command; CI set runs (and fails) instead', (t) => {
  process.env.PATH = pathWith(t, []);
  delete process.env.CI;
  assert.equal(needs('redis-server'),
    'redis-server not installed: install the Debian package "redis-server" (apt-get install -y redis-server) ' +
    'to run this test; with CI set a missing server fails the test');
  assert.match(needs('mosquitto'), /apt-get install -y mosquitto/);
  for (const ci of ['true', '1']) {
    process.env.CI = ci;
    assert.equal(needs('redis-server'), false, `CI=${ci}`);
  }
  process.env.CI = 'false';
  assert.match(needs('curl'), /apt-get install -y curl/);
  assert.throws(() => findBinary('redis-server', 'redis-server'),
    /redis-server not found .*install the Debian package "redis-server" \(apt-get install -y redis-server\)/);
});

it('an installed server is found on PATH or in the sbin beside a bin directory on it', (t) => {
  delete process.env.CI;
  const bin = pathWith(t, ['redis-server']);
  fs.mkdirSync(path.join(bin, '..', 'sbin'));
  fs.writeFileSync(path.join(bin, '..', 'sbin', 'mosquitto'), '', { mode: 0o755 });
  process.env.PATH = bin;
  assert.equal(needs('redis-server'), false);
  assert.equal(needs('mosquitto'), false);
  assert.equal(findBinary('mosquitto', 'mosquitto'), path.join(bin, '..', 'sbin', 'mosquitto'));
});
