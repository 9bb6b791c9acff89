'use strict';
// Builds the native addon (release profile unless --debug) and installs it as build/tls_rs.node,
// where lib/binding.js loads it. Run by `npm install` and `npm run build`.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');
const profile = debug ? 'debug' : 'release';

execFileSync('cargo', ['build', '--lib', ...(debug ? [] : ['--release'])], { cwd: root, stdio: 'inherit' });

const libName = { darwin: 'libtls_rs.dylib', win32: 'tls_rs.dll' }[process.platform] || 'libtls_rs.so';
const built = path.join(process.env.CARGO_TARGET_DIR || path.join(root, 'target'), profile, libName);
const dest = path.join(root, 'build', 'tls_rs.node');
fs.mkdirSync(path.dirname(dest), { recursive: true });
// Copy to a temporary name and rename, so a running process never sees a half-written addon.
fs.copyFileSync(built, dest + '.tmp');
fs.renameSync(dest + '.tmp', dest);
console.log(`tls-rs: installed ${profile} addon at ${path.relative(root, dest)}`);
