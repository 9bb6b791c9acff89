'use strict';
// The OpenSSL 4.0 `openssl` CLI built from the OpenSSL source the addon vendors
// (scripts/build-openssl-cli.js: target/openssl-cli/<openssl-src version>/openssl), for the
// interop tests that need 4.0's ECH options; a distribution's openssl (3.x) has none.
//
// As test/helpers/services.js does for servers: a test declares `{ skip: needsOpenssl4() }`;
// without the binary it is skipped with the command that builds it, unless CI is set (.ci/run
// builds it), where the test then fails in openssl4().

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const BUILD = 'node scripts/build-openssl-cli.js';

/** Where scripts/build-openssl-cli.js puts the binary for the openssl-src Cargo.lock pins. */
function openssl4Path() {
  const lock = fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8');
  const m = /name = "openssl-src"\nversion = "([^"]+)"/.exec(lock);
  if (!m) throw new Error('Cargo.lock pins no openssl-src');
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
  return path.join(target, 'openssl-cli', m[1], 'openssl');
}

const inCI = () => !['', '0', 'false'].includes((process.env.CI || '').toLowerCase());

/** For `skip`: false when the binary is there (or CI is set), else why and how to build it. */
function needsOpenssl4() {
  if (fs.existsSync(openssl4Path()) || inCI()) return false;
  return `the OpenSSL 4.0 CLI is not built: \`${BUILD}\` builds it (a few minutes) to run this test; ` +
    'with CI set a missing one fails the test';
}

/** The binary's path; throws (naming the build command) when it is missing. */
function openssl4() {
  const bin = openssl4Path();
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`${BUILD}\` (.ci/run does)`);
  return bin;
}

module.exports = { openssl4, needsOpenssl4, openssl4Path };
