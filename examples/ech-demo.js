'use strict';
// `node examples/ech-demo.js`: Encrypted Client Hello with tls-rs. A server gets an ECH key
// (tls-rs/ech; `openssl ech -public_name ech.example` makes the same PEM), a client connects with
// the key's ECHConfigList (what the DNS HTTPS record publishes as `ech=`): the network sees only
// the public name ech.example, the server's SNICallback sees private.example. Then the server
// rotates its key, and a client holding the old config is refused with the new one to retry with.
// Exits 0 when all of it happened.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');

const tls = require('..'); // require('tls-rs')
const { generateECHKey } = require('../ech'); // require('tls-rs/ech')

/** A self-signed certificate for both names (the public name must have one too). */
function certificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ech-demo-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=ech.example', '-addext', 'subjectAltName=DNS:ech.example,DNS:private.example', '-days', '1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Connects to `private.example` with `echConfigList`; resolves the socket or rejects. */
async function connect(port, ca, echConfigList) {
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'private.example', ca, echConfigList });
  await once(socket, 'secureConnect');
  socket.end();
  return socket;
}

async function main() {
  const { key, cert } = certificate();
  // 1. The ECH key: the PEM is the server's; the ECHConfigList goes to DNS (or straight to clients).
  const first = generateECHKey({ publicName: 'ech.example' });
  console.log(`DNS: private.example. HTTPS 1 . ech=${first.echConfigList.toString('base64')}`);

  // 2. The server: echKeys beside the usual key and certificate.
  const server = tls.createServer({
    key, cert, echKeys: first.key,
    SNICallback: (name, cb) => { console.log(`server: SNICallback('${name}')`); cb(null, null); },
  }, (socket) => {
    console.log(`server: echAccepted ${socket.echAccepted}, servername ${socket.servername}`);
    socket.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();

  // 3. The client: echConfigList; only "ech.example" travels in cleartext.
  const socket = await connect(port, cert, first.echConfigList);
  console.log(`client: echAccepted ${socket.echAccepted}`);

  // 4. Rotation: the server moves to a new key; a client with the old config is refused with
  //    ERR_TLS_ECH_REJECTED carrying the new config, and retries with it.
  const second = generateECHKey({ publicName: 'ech.example' });
  server.setSecureContext({ key, cert, echKeys: second.key });
  const retryConfigList = await connect(port, cert, first.echConfigList).then(
    () => { throw new Error('the old config was accepted'); },
    (err) => {
      console.log(`client: ${err.code}, retry configs ${err.retryConfigList ? 'received' : 'missing'}`);
      return err.retryConfigList;
    });
  const retried = await connect(port, cert, retryConfigList);
  console.log(`client: retried, echAccepted ${retried.echAccepted}`);
  server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
