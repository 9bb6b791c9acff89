'use strict';
// `node examples/ocsp-stapling-demo.js`: OCSP stapling without user code. It makes a CA and a
// server certificate whose AIA extension names an OCSP responder on 127.0.0.1, runs
// `openssl ocsp` there, and starts a tls-rs server with `ocspStapling: true`: the server fetches
// its certificate's OCSP response and staples it; a client with `checkOCSP: 'require'` connects
// and sees it. Exits 0 when it did.

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');

const tls = require('..'); // require('tls-rs')

const openssl = (dir, args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

async function freePort() {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

// A CA, a certificate for localhost pointing at http://127.0.0.1:<port>/ for OCSP, and the CA
// database `openssl ocsp` answers from.
function makePki(dir, port) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=demo CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'ext.cnf'),
    `subjectAltName = DNS:localhost\nauthorityInfoAccess = OCSP;URI:http://127.0.0.1:${port}/\n`);
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '0x1001',
    '-days', '1', '-extfile', 'ext.cnf', '-out', 'server.pem']);
  fs.writeFileSync(path.join(dir, 'index.txt'), 'V\t351231000000Z\t\t1001\tunknown\t/CN=localhost\n');
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-rs-ocsp-demo-'));
  const port = await freePort();
  makePki(dir, port);
  const responder = spawn('openssl', ['ocsp', '-port', String(port), '-index', 'index.txt', '-CA', 'ca.pem',
    '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-ndays', '1'], { cwd: dir, stdio: 'ignore' });
  const read = (f) => fs.readFileSync(path.join(dir, f));
  try {
    // The issuer comes from the chain in `cert` or, as here, from `ca`.
    const server = tls.createServer({ key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), ocspStapling: true },
      (socket) => socket.end('hello\n'));
    server.on('OCSPStapleError', (err) => console.log('fetch failed, retrying in', err.retryIn, 'ms:', err.message));
    server.listen(0, '127.0.0.1');
    const [info] = await once(server, 'OCSPStaple');
    console.log(`stapling: ${info.status} until ${info.nextUpdate.toISOString()}`);

    const client = tls.connect({ port: server.address().port, host: 'localhost', ca: read('ca.pem'), checkOCSP: 'require' });
    const [[response]] = await Promise.all([once(client, 'OCSPResponse'), once(client, 'secureConnect')]);
    console.log(`client: ${response.length}-byte OCSP staple checked, authorized: ${client.authorized}`);
    client.resume();
    await once(client, 'end');
    server.close();
  } finally {
    responder.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
