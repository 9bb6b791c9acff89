'use strict';
// Builds the `openssl` command-line tool from the very OpenSSL source the addon vendors (the
// openssl-src crate Cargo.lock pins, 4.0.x), for the interop tests that need OpenSSL 4.0's ECH
// options (`s_client -ech_config_list`, `s_server -ech_key`), which a distribution's openssl
// (3.x) lacks. openssl-src builds only the libraries, so this is a one-off build of the same
// source: static, no tests, into target/openssl-cli/<version>/ (kept across runs; ~3 min on 2
// cores). Prints the binary's path. `.ci/run` runs it before `npm test`.
//
//   node scripts/build-openssl-cli.js          # build unless already built; print the path
//   node scripts/build-openssl-cli.js --path   # print where it is (or would be), build nothing

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');

/** The openssl-src Cargo.lock pins: its version and unpacked source (fetched when missing). */
function opensslSource() {
  const lock = fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8');
  const m = /name = "openssl-src"\nversion = "([^"]+)"/.exec(lock);
  if (!m) throw new Error('Cargo.lock pins no openssl-src');
  const version = m[1];
  const registry = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'registry', 'src');
  const find = () => {
    for (const index of fs.existsSync(registry) ? fs.readdirSync(registry) : []) {
      const dir = path.join(registry, index, `openssl-src-${version}`, 'openssl');
      if (fs.existsSync(path.join(dir, 'Configure'))) return dir;
    }
    return null;
  };
  let dir = find();
  if (!dir) {
    execFileSync('cargo', ['fetch', '--locked'], { cwd: ROOT, stdio: 'inherit' });
    dir = find();
  }
  if (!dir) throw new Error(`openssl-src ${version} is not in ${registry} after cargo fetch`);
  return { dir, version };
}

function main() {
  const { dir, version } = opensslSource();
  const home = path.join(targetDir, 'openssl-cli', version);
  const binary = path.join(home, 'openssl');
  if (process.argv.includes('--path') || fs.existsSync(binary)) {
    console.log(binary);
    return;
  }
  const work = path.join(home, 'build');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(dir, work, { recursive: true });
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  // As openssl-src configures the libraries, plus the apps; no config file is needed by the tests.
  run('perl', ['./Configure', `--prefix=${path.join(home, 'install')}`, `--openssldir=${path.join(home, 'ssl')}`,
    'no-shared', 'no-module', 'no-tests', 'no-comp', 'no-zlib', 'no-docs', 'no-legacy', '--libdir=lib']);
  run('make', [`-j${Math.max(1, os.availableParallelism())}`, 'build_programs']);
  fs.copyFileSync(path.join(work, 'apps', 'openssl'), binary);
  fs.rmSync(work, { recursive: true, force: true });
  console.log(binary);
}

main();
