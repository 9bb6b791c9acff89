'use strict';
// Loads the native addon, with a clear message when it is missing or older than its sources.

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const addonPath = path.join(root, 'build', 'tls_rs.node');

function newestSourceTime() {
  const srcDir = path.join(root, 'src');
  if (!fs.existsSync(srcDir)) return 0; // an installed package without sources
  // src/ and its module directories (src/engine/...).
  const files = fs.readdirSync(srcDir, { recursive: true }).map((f) => path.join(srcDir, f));
  files.push(path.join(root, 'Cargo.toml'), path.join(root, 'build.rs'));
  let newest = 0;
  for (const f of files) {
    try { newest = Math.max(newest, fs.statSync(f).mtimeMs); } catch { /* removed file */ }
  }
  return newest;
}

function load() {
  let stat;
  try {
    stat = fs.statSync(addonPath);
  } catch {
    throw new Error(`tls-rs: the native addon is not built (${addonPath} is missing). ` +
                    `Run \`npm install\` (or \`npm run build\`) in ${root}.`);
  }
  if (process.env.TLS_RS_SKIP_STALE_CHECK !== '1' && newestSourceTime() > stat.mtimeMs) {
    throw new Error(`tls-rs: the native addon at ${addonPath} is older than its Rust sources. ` +
                    `Run \`npm run build\` in ${root}.`);
  }
  return require(addonPath);
}

module.exports = load();
