'use strict';
// Where the native addon comes from, shared by the loader (binding.js), the install step
// (scripts/install.js) and the packaging (scripts/package.js). The layout is napi-rs's: one npm
// package per target, `tls-rs-<target>`, holding `tls-rs.<target>.node`, each an optional
// dependency of the published `tls-rs`; npm installs the one whose os / cpu / libc fit.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const NAME = 'tls-rs';

/** The prebuilt targets (napi-rs's platform-arch[-abi] names) and the Rust triple of each. */
const TARGETS = {
  'linux-x64-gnu': { triple: 'x86_64-unknown-linux-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-arm64-gnu': { triple: 'aarch64-unknown-linux-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'linux-x64-musl': { triple: 'x86_64-unknown-linux-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  'darwin-x64': { triple: 'x86_64-apple-darwin', os: 'darwin', cpu: 'x64' },
  'darwin-arm64': { triple: 'aarch64-apple-darwin', os: 'darwin', cpu: 'arm64' },
  'win32-x64-msvc': { triple: 'x86_64-pc-windows-msvc', os: 'win32', cpu: 'x64' },
};

/** Whether this Linux uses musl (napi-rs's test: the ldd script names it, else the report). */
function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch { /* no ldd script */ }
  const header = process.report?.getReport?.()?.header;
  return header ? !header.glibcVersionRuntime : false;
}

/** This process's target name, e.g. 'linux-x64-gnu' (also for targets without a prebuilt). */
function currentTarget() {
  const { platform, arch } = process;
  if (platform === 'linux') return `${platform}-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `${platform}-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** The npm package that carries the prebuilt addon for `target`. */
function platformPackage(target) {
  return `${NAME}-${target}`;
}

/** The addon's file name inside that package. */
function platformBinary(target) {
  return `${NAME}.${target}.node`;
}

/** The local build that `npm run build` (scripts/build-addon.js) writes. */
const LOCAL_ADDON = path.join(ROOT, 'build', 'tls_rs.node');

/**
 * The newest modification time (ms) of the Rust sources the local build comes from, or 0 when
 * there are none (an installed package without src/).
 */
function newestSourceTime(root = ROOT) {
  const srcDir = path.join(root, 'src');
  if (!fs.existsSync(srcDir)) return 0;
  // src/ and its module directories (src/conn/...).
  const files = fs.readdirSync(srcDir, { recursive: true }).map((f) => path.join(srcDir, f));
  files.push(path.join(root, 'Cargo.toml'), path.join(root, 'build.rs'));
  let newest = 0;
  for (const f of files) {
    try { newest = Math.max(newest, fs.statSync(f).mtimeMs); } catch { /* removed file */ }
  }
  return newest;
}

/** Whether `root` is a source checkout (a git clone or worktree), where npm install builds. */
function isCheckout(root = ROOT) {
  return fs.existsSync(path.join(root, '.git'));
}

module.exports = {
  ROOT, NAME, TARGETS, LOCAL_ADDON,
  isMusl, currentTarget, platformPackage, platformBinary, newestSourceTime, isCheckout,
};
