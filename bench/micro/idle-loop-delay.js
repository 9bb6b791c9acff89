'use strict';
// Micro-benchmark: what the bench's event-loop delay monitor reports for a loop with nothing to
// do — monitorEventLoopDelay({ resolution: 1 }), as bench/server.js samples it, in a process that
// only waits, pinned to CPU 0 as the bench's server is. The floor under the "event-loop delay"
// rows: no server's loop can read lower.
//
//   node bench/micro/idle-loop-delay.js [--seconds N] [--runs N]

const { monitorEventLoopDelay } = require('node:perf_hooks');
const { execFileSync } = require('node:child_process');

function parseArgs(argv) {
  const args = { seconds: 3, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') args.seconds = Number(argv[++i]);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function once(seconds) {
  return new Promise((resolve) => {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    setTimeout(() => {
      histogram.disable();
      resolve(histogram);
    }, seconds * 1000);
  });
}

async function main() {
  const { seconds, runs } = parseArgs(process.argv.slice(2));
  execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  const ms = (ns) => (ns / 1e6).toFixed(2);
  for (let run = 1; run <= runs; run++) {
    const h = await once(seconds);
    console.log(`run ${run}: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms (${h.count} samples)`);
  }
}

main();
