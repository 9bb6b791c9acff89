'use strict';
// `npm run demo`: the seed docs' echo server and client, on tls-rs, with a throw-away
// self-signed certificate made by the `openssl` CLI. Runs unattended and exits 0 when the
// echo came back intact.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const tls = require('..'); // tls-rs; swap for require('tls') to run the same demo on Node's own

const LINES = ['hello from tls-rs', 'a second line', 'bye'];

function makeCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1',
    '-keyout', key, '-out', cert,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

function run({ key, cert }) {
  return new Promise((resolve, reject) => {
    // The seed docs' echo server.
    const options = { key, cert };
    const server = tls.createServer(options, function(socket) {
      console.log('server connected', socket.authorized ? 'authorized' : 'unauthorized');
      socket.write('welcome!\n');
      socket.setEncoding('utf8');
      socket.pipe(socket);
    });
    server.on('tlsClientError', reject);

    server.listen(0, 'localhost', function() {
      console.log('server bound on port', server.address().port);

      // The seed docs' client, trusting the self-signed certificate, writing a few lines
      // instead of piping stdin. Host defaults to localhost, as in the docs.
      const socket = tls.connect(server.address().port, { ca: [cert] }, function() {
        console.log('client connected', socket.authorized ? 'authorized' : 'unauthorized');
        console.log('  protocol:', socket.getProtocol());
        console.log('  cipher:  ', socket.getCipher().name);
        console.log('  peer:    ', JSON.stringify({ ...socket.getPeerCertificate().subject }));
        for (const line of LINES) socket.write(line + '\n');
      });
      socket.setEncoding('utf8');

      const expected = 'welcome!\n' + LINES.map((l) => l + '\n').join('');
      let received = '';
      socket.on('data', function(data) {
        received += data;
        if (received.length >= expected.length) {
          console.log('echoed:\n' + received.trimEnd().replace(/^/gm, '  | '));
          socket.end(); // close_notify; the server's pipe ends its side too
        }
      });
      socket.on('end', function() {
        server.close();
      });
      socket.on('error', reject);
      socket.on('close', function() {
        if (received !== expected) reject(new Error(`echo mismatch: ${JSON.stringify(received)}`));
      });
      server.on('close', resolve);
    });
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-demo-'));
  const watchdog = setTimeout(() => {
    console.error('demo: timed out');
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }, 10000);
  watchdog.unref();
  try {
    await run(makeCertificate(dir));
    console.log('done');
  } finally {
    clearTimeout(watchdog);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('demo failed:', err.stderr ? String(err.stderr) : err);
  process.exitCode = 1;
});
