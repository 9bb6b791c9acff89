'use strict';
// Micro-benchmark: the ceiling for one connection's 1 KiB echo on this machine. The same
// ping-pong (the client sends 1 KiB, the server echoes it, the client sends again when it has it
// all) over plain TCP (net), built-in tls and tls-rs, alternating, each in a fresh pair of
// processes: the server pinned to CPU 0, the client to CPU 1, as bench/run.js pins them. Plain
// TCP's rate over built-in tls's is the most any TLS layer could reach here.
//
//   node bench/micro/echo-ceiling.js [--seconds N] [--rounds N] [mode ...]   (modes: plain builtin tls-rs)

const { fork, execFileSync } = require('node:child_process');
const path = require('node:path');
const { selfSignedCertificate } = require('../common');

const MODES = ['plain', 'builtin', 'tls-rs'];
const MESSAGE = 1024;

function load(mode) {
  if (mode === 'plain') return require('node:net');
  return mode === 'builtin' ? require('node:tls') : require(path.join(__dirname, '..', '..'));
}

// The server: echoes every chunk; tells the parent its port.
function serve(mode) {
  const onSocket = (socket) => socket.on('data', (chunk) => socket.write(chunk));
  const lib = load(mode);
  const server = mode === 'plain' ? lib.createServer(onSocket) : lib.createServer(selfSignedCertificate(), onSocket);
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

// One run: round trips per second over `seconds`, after half a second of warm-up.
function run(mode, seconds) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--serve', mode]);
    execFileSync('taskset', ['-pc', '0', String(child.pid)], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('message', (port) => {
      const lib = load(mode);
      const socket = mode === 'plain' ?
        lib.connect(port, '127.0.0.1') :
        lib.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
      const message = Buffer.alloc(MESSAGE, 1);
      let pending = 0;
      let count = 0;
      socket.on('data', (chunk) => {
        pending += chunk.length;
        while (pending >= MESSAGE) {
          pending -= MESSAGE;
          count++;
          socket.write(message);
        }
      });
      socket.once(mode === 'plain' ? 'connect' : 'secureConnect', () => {
        socket.write(message);
        setTimeout(() => {
          count = 0;
          const start = process.hrtime.bigint();
          setTimeout(() => {
            const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
            socket.destroy();
            child.kill();
            resolve(count / elapsed);
          }, seconds * 1000);
        }, 500);
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--serve') return serve(args[1]);
  let seconds = 3;
  let rounds = 2;
  const modes = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seconds') seconds = Number(args[++i]);
    else if (args[i] === '--rounds') rounds = Number(args[++i]);
    else if (MODES.includes(args[i])) modes.push(args[i]);
    else throw new Error(`unknown argument ${args[i]} (modes: ${MODES.join(', ')})`);
  }
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes.length ? modes : MODES) {
      const rate = await run(mode, seconds);
      console.log(`round ${round}  ${mode.padEnd(8)} ${Math.round(rate).toLocaleString('en-US')} round trips/s`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
