'use strict';
// `npm run package`: writes every tarball a release publishes from this machine into dist/ (or
// --out DIR):
//   - tls-rs-<version>.tgz, the main package: lib/, the types, and the Rust sources with the
//     build scripts (so a platform without a prebuilt can still build from source). Its
//     package.json is the repository's without devDependencies and development scripts, plus
//     an optionalDependencies entry for every prebuilt target, at this version;
//   - tls-rs-<target>-<version>.tgz, this machine's platform package (npm/<target>/): the addon
//     as built by `npm run build` (build/tls_rs.node, which must not be older than src/), its
//     symbol table stripped.
// Nothing is compiled here. Packages of other targets come from their own machines.
//
//   node scripts/package.js [--out DIR] [--json]     --json: print the result as JSON only

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  ROOT, NAME, TARGETS, LOCAL_ADDON, currentTarget, platformPackage, platformBinary, newestSourceTime,
} = require('../lib/native-target');

// What the main package must never carry (build output, tests, benchmarks, fuzzing, CI).
const FORBIDDEN = /^(build|target|test|bench|fuzz|dist|npm|node_modules|examples|\.ci)\//;
// The only scripts an installed tls-rs runs.
const KEPT_SCRIPTS = ['install'];

function parseArgs(argv) {
  const args = { out: path.join(ROOT, 'dist'), json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = path.resolve(argv[++i]);
    else if (argv[i] === '--json') args.json = true;
    else throw new Error(`unknown argument ${argv[i]} (usage: node scripts/package.js [--out DIR] [--json])`);
  }
  return args;
}

/** `npm <args> --json` in `cwd`; its parsed output. */
function npmJson(args, cwd) {
  const npm = process.env.npm_execpath;
  const [cmd, argv] = npm && npm.endsWith('.js') ? [process.execPath, [npm, ...args]] : ['npm', args];
  const out = execFileSync(cmd, [...argv, '--json'], {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32',
  });
  return JSON.parse(out);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function stageMain(stage, pkg) {
  // The files `npm pack` would take from the repository (package.json "files", README, …).
  const [{ files }] = npmJson(['pack', '--dry-run', '--ignore-scripts'], ROOT);
  const bad = files.map((f) => f.path).filter((p) => FORBIDDEN.test(p));
  if (bad.length) throw new Error(`the main package would contain ${bad.join(', ')}: fix "files" in package.json`);
  for (const { path: rel } of files) {
    fs.mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), path.join(stage, rel));
  }
  const published = { ...pkg };
  delete published.devDependencies;
  published.scripts = Object.fromEntries(KEPT_SCRIPTS.map((s) => [s, pkg.scripts[s]]));
  published.optionalDependencies = Object.fromEntries(
    Object.keys(TARGETS).map((t) => [platformPackage(t), pkg.version]));
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
}

function stagePlatform(stage, target, version) {
  const dir = path.join(ROOT, 'npm', target);
  const manifest = readJson(path.join(dir, 'package.json'));
  if (manifest.name !== platformPackage(target) || manifest.version !== version) {
    throw new Error(`npm/${target}/package.json is ${manifest.name}@${manifest.version}, ` +
                    `expected ${platformPackage(target)}@${version}`);
  }
  let stat;
  try {
    stat = fs.statSync(LOCAL_ADDON);
  } catch {
    throw new Error(`${LOCAL_ADDON} is missing: \`npm run build\` first`);
  }
  if (newestSourceTime() > stat.mtimeMs) throw new Error(`${LOCAL_ADDON} is older than src/: \`npm run build\` first`);
  fs.copyFileSync(path.join(dir, 'package.json'), path.join(stage, 'package.json'));
  fs.copyFileSync(path.join(dir, 'README.md'), path.join(stage, 'README.md'));
  const binary = path.join(stage, platformBinary(target));
  fs.copyFileSync(LOCAL_ADDON, binary);
  // The symbol table only serves debuggers (~1 MB); the dynamic symbols stay.
  const stripArgs = { linux: ['--strip-unneeded'], darwin: ['-x'] }[process.platform];
  if (stripArgs && spawnSync('strip', [...stripArgs, binary], { stdio: 'ignore' }).status !== 0) {
    fs.copyFileSync(LOCAL_ADDON, binary); // no usable strip: ship it as built
  }
}

function pack(stage, out) {
  const [info] = npmJson(['pack', '--ignore-scripts', '--pack-destination', out], stage);
  return {
    name: info.name, file: path.join(out, info.filename), size: info.size, unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path),
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const pkg = readJson(path.join(ROOT, 'package.json'));
  const target = currentTarget();
  if (!TARGETS[target]) throw new Error(`no platform package for ${target} (targets: ${Object.keys(TARGETS).join(', ')})`);

  fs.mkdirSync(args.out, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-package-`));
  const result = [];
  try {
    const main = path.join(staging, 'main');
    const platform = path.join(staging, 'platform');
    fs.mkdirSync(main);
    fs.mkdirSync(platform);
    stageMain(main, pkg);
    stagePlatform(platform, target, pkg.version);
    result.push(pack(main, args.out), pack(platform, args.out));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }

  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  for (const r of result) {
    console.log(`${path.relative(process.cwd(), r.file)}: ${kib(r.size)} (${kib(r.unpackedSize)} unpacked, ${r.files.length} files)`);
  }
}

main();
