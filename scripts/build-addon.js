'use strict';
// Builds the native addon (release profile unless --debug) and installs it as build/tls_rs.node,
// where lib/binding.js loads it; and writes build/binding.d.ts, the binding's TypeScript
// declarations as napi-rs generates them from the #[napi] items (scripts/typegen.js). Run by
// `npm run build` and, in a checkout, by `npm install` (scripts/install.js).
//
// The committed binding.d.ts must equal build/binding.d.ts (test/binding-types.test.js):
// `npm run types` copies it over after a change to the binding.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { renderTypeDefFile } = require('./typegen');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');
const profile = debug ? 'debug' : 'release';
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, 'target');

// napi-derive appends one JSON line per #[napi] item to $NAPI_TYPE_DEF_TMP_FOLDER/<crate> while it
// expands the macros, i.e. only when the crate compiles. The folder outlives builds; when the file
// is missing (first build, or a cleaned target), NAPI_FORCE_BUILD_TLS_RS makes cargo compile the
// crate again (napi-build declares it with rerun-if-env-changed), as @napi-rs/cli does.
const typeDefDir = path.join(targetDir, 'napi-rs', `type-def-${profile}`);
const typeDefFile = path.join(typeDefDir, 'tls-rs');
fs.mkdirSync(typeDefDir, { recursive: true });
const env = { ...process.env, NAPI_TYPE_DEF_TMP_FOLDER: typeDefDir };
if (!fs.existsSync(typeDefFile)) env.NAPI_FORCE_BUILD_TLS_RS = String(Date.now());

try {
  execFileSync('cargo', ['build', '--lib', ...(debug ? [] : ['--release'])], { cwd: root, stdio: 'inherit', env });
} catch (err) {
  if (err.code === 'ENOENT') {
    console.error('tls-rs: cargo is not on PATH: building the addon needs Rust (cargo), a C compiler, perl and make');
  }
  process.exit(1);
}

const libName = { darwin: 'libtls_rs.dylib', win32: 'tls_rs.dll' }[process.platform] || 'libtls_rs.so';
const built = path.join(targetDir, profile, libName);
const buildDir = path.join(root, 'build');
fs.mkdirSync(buildDir, { recursive: true });

/** Writes through a temporary name and a rename, so a reader never sees a half-written file. */
function install(dest, write) {
  write(dest + '.tmp');
  fs.renameSync(dest + '.tmp', dest);
}

const dts = path.join(buildDir, 'binding.d.ts');
install(dts, (tmp) => fs.writeFileSync(tmp, renderTypeDefFile(typeDefFile)));
// The addon last: binding-types.test.js takes a binding.d.ts newer than the addon as current.
const dest = path.join(buildDir, 'tls_rs.node');
install(dest, (tmp) => fs.copyFileSync(built, tmp));
console.log(`tls-rs: installed ${profile} addon at ${path.relative(root, dest)}`);

const committed = path.join(root, 'binding.d.ts');
if (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fs.readFileSync(dts, 'utf8')) {
  console.log('tls-rs: the binding\'s types changed: `npm run types` updates binding.d.ts from build/binding.d.ts');
}
