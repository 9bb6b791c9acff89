'use strict';
// `npm test`'s node part: the whole suite on the native transport (the default for the
// connections tls-rs makes and accepts), then again with TLS_RS_TRANSPORT=js, where every
// socket takes the memory-BIO path: both paths must pass the same tests.
//
// A watchdog bounds each run (TLS_RS_TEST_RUN_TIMEOUT seconds, default 900; a whole run takes
// 2–4 minutes on 2 cores): a test that never ends would otherwise hang CI, and Node 18's runner
// has no --test-timeout. On expiry it names the test files still running, kills the runner's
// process group (the runner and every test file's process) and fails.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const files = fs.readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.js')).sort()
  .map((f) => path.join('test', f));
const timeoutSeconds = Number(process.env.TLS_RS_TEST_RUN_TIMEOUT || 900);
if (!(timeoutSeconds > 0)) throw new Error(`TLS_RS_TEST_RUN_TIMEOUT: a number of seconds, not '${process.env.TLS_RS_TEST_RUN_TIMEOUT}'`);

// The test files whose processes are still alive in the runner's process group `pgid` (Linux
// /proc; elsewhere nothing is named, the group is still killed).
function runningTestFiles(pgid) {
  const running = [];
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)); } catch { return running; }
  for (const pid of pids) {
    if (Number(pid) === pgid) continue; // the runner, whose arguments name every file
    try {
      // Fields after the command name's closing parenthesis: state, ppid, pgrp, ...
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      running.push(...args.filter((a) => a.endsWith('.test.js')));
    } catch {
      // The process ended meanwhile.
    }
  }
  return [...new Set(running)];
}

function runSuite(transport) {
  console.log(`\n# tls-rs: the test suite with the ${transport} transport\n`);
  const env = { ...process.env };
  if (transport === 'js') env.TLS_RS_TRANSPORT = 'js';
  else delete env.TLS_RS_TRANSPORT;
  // Its own process group, so that the watchdog can end the test files' processes too.
  const run = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files],
    { cwd: root, env, stdio: 'inherit', detached: true });
  const killGroup = () => { try { process.kill(-run.pid, 'SIGKILL'); } catch { /* gone */ } };
  const forward = (signal) => { killGroup(); process.exit(128 + (signal === 'SIGINT' ? 2 : 15)); };
  process.once('SIGINT', forward).once('SIGTERM', forward);
  const watchdog = setTimeout(() => {
    const running = runningTestFiles(run.pid);
    console.log(`\n# tls-rs: the ${transport} run passed ${timeoutSeconds} s (TLS_RS_TEST_RUN_TIMEOUT); ` +
      `still running: ${running.length ? running.join(', ') : 'no test file (the runner itself)'}; killed\n`);
    killGroup();
  }, timeoutSeconds * 1000);
  return new Promise((resolve) => {
    run.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? 1); // (no code: ended by a signal)
    });
  });
}

(async () => {
  for (const transport of ['native', 'js']) {
    const status = await runSuite(transport);
    if (status !== 0) process.exit(status);
  }
})();
