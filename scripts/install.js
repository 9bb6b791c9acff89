'use strict';
// npm's install step for tls-rs. Builds the addon from source (scripts/build-addon.js, cargo) only
// when it must:
//   - in a source checkout (a git clone or worktree): always, the developer path (cargo rebuilds
//     only what changed);
//   - in an installed package: only when neither this platform's prebuilt package
//     (tls-rs-<target>, an optional dependency) nor a local build is there, and the sources are
//     (the published package ships src/ for platforms without a prebuilt). target/ is removed
//     afterwards: it holds hundreds of MB of intermediate files.
// TLS_RS_BUILD_FROM_SOURCE=1 builds in every case.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  ROOT, NAME, LOCAL_ADDON, currentTarget, platformPackage, isCheckout,
} = require('../lib/native-target');

function build() {
  execFileSync(process.execPath, [path.join(__dirname, 'build-addon.js')], { cwd: ROOT, stdio: 'inherit' });
}

function prebuiltInstalled(target) {
  try {
    require.resolve(`${platformPackage(target)}/package.json`, { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

function main() {
  if (process.env.TLS_RS_BUILD_FROM_SOURCE === '1' || isCheckout()) {
    build();
    return;
  }
  const target = currentTarget();
  if (prebuiltInstalled(target)) {
    console.log(`${NAME}: using the prebuilt addon from ${platformPackage(target)}`);
    return;
  }
  if (fs.existsSync(LOCAL_ADDON)) return;
  if (!fs.existsSync(path.join(ROOT, 'src')) || !fs.existsSync(path.join(ROOT, 'Cargo.toml'))) {
    console.error(`${NAME}: no prebuilt addon for ${target} (${platformPackage(target)} is not installed) ` +
                  'and no sources to build one from.');
    process.exitCode = 1;
    return;
  }
  console.log(`${NAME}: no prebuilt addon for ${target} (${platformPackage(target)} is not installed): ` +
              'building from source with cargo (needs Rust, a C compiler, perl and make; a few minutes)');
  try {
    build();
  } catch (err) {
    console.error(`${NAME}: building from source failed (${err.message.split('\n')[0]}). Install Rust's ` +
                  'cargo, a C compiler, perl and make, then run `npm rebuild tls-rs`.');
    process.exitCode = 1;
    return;
  } finally {
    fs.rmSync(path.join(ROOT, 'target'), { recursive: true, force: true });
  }
}

main();
