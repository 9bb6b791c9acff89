'use strict';
// Loads the native addon, in this order:
//   1. a local build, build/tls_rs.node (`npm run build`; it must not be older than the Rust
//      sources beside it). Only a source checkout, or an install that had no prebuilt and built
//      from source, has one, so a developer's own build is never shadowed by a prebuilt package;
//   2. the prebuilt addon of this platform's package, tls-rs-<target> (an optional dependency of
//      the published tls-rs; it must have tls-rs's version);
//   3. otherwise an error that names the platform and the command that builds the addon.

const fs = require('node:fs');
const path = require('node:path');
const {
  ROOT, NAME, LOCAL_ADDON, TARGETS, currentTarget, platformPackage, newestSourceTime, isCheckout,
} = require('./native-target');

function loadLocal() {
  if (process.env.TLS_RS_SKIP_STALE_CHECK !== '1' && newestSourceTime() > fs.statSync(LOCAL_ADDON).mtimeMs) {
    throw new Error(`tls-rs: the native addon at ${LOCAL_ADDON} is older than its Rust sources. ` +
                    `Run \`npm run build\` in ${ROOT}.`);
  }
  return require(LOCAL_ADDON);
}

/** The prebuilt package's addon, or null when that package is not installed. */
function loadPrebuilt(target) {
  const pkg = platformPackage(target);
  let manifest;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    return null;
  }
  const { version } = require(manifest);
  const ours = require('../package.json').version;
  if (version !== ours) {
    throw new Error(`tls-rs: ${pkg} is version ${version} but tls-rs is ${ours} (at ${path.dirname(manifest)}). ` +
                    `Install the matching version: npm install ${NAME}@${ours}`);
  }
  return require(pkg);
}

function load() {
  if (fs.existsSync(LOCAL_ADDON)) return loadLocal();
  const target = currentTarget();
  const prebuilt = loadPrebuilt(target);
  if (prebuilt) return prebuilt;

  const where = `${target}, Node ${process.version}`;
  const build = isCheckout()
    ? `Build it from source with \`npm run build\` in ${ROOT}`
    : `Build it from source with \`npm rebuild ${NAME}\``;
  const prebuiltNote = TARGETS[target]
    ? `its prebuilt package ${platformPackage(target)} is not installed (an optional dependency of ` +
      `${NAME}: was it installed with --omit=optional or --no-optional, or from another platform's lockfile?), ` +
      `and there is no local build at ${LOCAL_ADDON}`
    : `there is no prebuilt ${NAME} for this platform (prebuilt: ${Object.keys(TARGETS).join(', ')}), ` +
      `and no local build at ${LOCAL_ADDON}`;
  throw new Error(`tls-rs: no native addon for ${where}: ${prebuiltNote}. ${build} ` +
                  '(needs Rust\'s cargo, a C compiler, perl and make).');
}

const addon = load();
// OpenSSL 3.6's answers in the running Node's OpenSSL's words: 3.0's (Node 18/20) or its own
// (3.2+, Node 22/24). src/host_openssl.rs says which answers.
addon.answerAsOpenSSL30(require('./security-level').hostOpenSSLBefore(3, 2));
// Servers bind sessions to the server name where the running Node's do (lib/host-tls.js).
addon.bindSessionsToServername(require('./host-tls').bindsSessionsToServername());
addon.sniContextReplacesIdentity(require('./host-tls').sniContextReplacesIdentity());
// Certificate objects as the running Node's X509ToObject builds them (lib/host-tls.js).
addon.certificateObjectsAs(require('./host-tls').certificateObjects());
// Servers refuse a client without a protocol in common where the running Node's do (19+).
addon.refuseALPNWithoutOverlap(require('./host-tls').alpnNoOverlapIsFatal());
module.exports = addon;
