'use strict';
// `node examples/reload-demo.js`: certificate hot reload with tls-rs/reload. A server starts with
// one self-signed certificate (made by the `openssl` CLI); the files are then replaced by a new
// one, and the next connection gets it while the first stays open. Exits 0 when it did.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');

const tls = require('..'); // require('tls-rs')
const { watchCredentials } = require('../reload'); // require('tls-rs/reload')

/** Writes a fresh self-signed key and certificate for `cn` to key.pem / cert.pem in `dir`. */
function newCertificate(dir, cn) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/CN=${cn}`, '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
  { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function subjectSeenByNewClient(port) {
  const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const cn = socket.getPeerCertificate().subject.CN;
  socket.end();
  return cn;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-reload-demo-'));
  try {
    newCertificate(dir, 'first');
    const files = { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') };
    const server = tls.createServer({ key: fs.readFileSync(files.key), cert: fs.readFileSync(files.cert) }, (s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address();

    const watcher = await watchCredentials(server, files, { interval: 100 });
    watcher.on('error', (err) => console.log('refused (the server keeps its certificate):', err.code));
    const open = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(open, 'secureConnect');
    console.log('before:', await subjectSeenByNewClient(port));

    newCertificate(dir, 'second'); // what a renewal does
    await once(watcher, 'reload');
    const after = await subjectSeenByNewClient(port);
    console.log('after: ', after);
    open.write('the first connection is still open');
    const [echo] = await once(open, 'data');
    console.log('echo:  ', echo.toString());

    open.end();
    watcher.close();
    server.close();
    if (after !== 'second') process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
