'use strict';
// Encrypted Client Hello against the OpenSSL 4.0 CLI built from the vendored source
// (test/helpers/openssl4.js): keys from `openssl ech` served by tls-rs to `s_client
// -ech_config_list`, and tls-rs keys served by `s_server -ech_key` to a tls-rs client,
// accepted and rejected (retry configs).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it } = require('node:test');
const tls = require('..');
const { Peer, certPath, readCert, tmpDir, listen } = require('./helpers/peers');
const { openssl4, needsOpenssl4 } = require('./helpers/openssl4');
const { generateECHKey, echConfigListOf } = require('../lib/ech-keys');

const identity = { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') };
const ca = readCert('ca-cert.pem');

/** `openssl s_server` with `args`, once it listens. */
async function startServer(t, args) {
  const peer = new Peer(openssl4(), ['s_server', '-accept', '127.0.0.1:0', '-key', certPath('agent-key.pem'),
    '-cert', certPath('agent-chain.pem'), '-cert_chain', certPath('agent-chain.pem'), '-tls1_3', ...args], { t });
  const m = await peer.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/);
  peer.port = Number(m[1]);
  return peer;
}

/** A tls-rs client's outcome against `port`: the socket after secureConnect, or the error. */
function tlsRsClient(port, options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...options }, () => {
      socket.destroy();
      resolve(socket);
    });
    socket.on('error', resolve);
  });
}

describe('Encrypted Client Hello against the OpenSSL 4.0 CLI', { skip: needsOpenssl4() }, () => {
  it('openssl ech makes a key; tls-rs serves it; s_client -ech_config_list is accepted', async (t) => {
    const dir = tmpDir(t);
    const file = path.join(dir, 'ech.pem');
    const gen = new Peer(openssl4(), ['ech', '-public_name', 'localhost', '-out', file], { t });
    assert.equal((await gen.waitExit()).code, 0, gen.output);
    const pem = fs.readFileSync(file);
    let accepted;
    const secured = new Promise((resolve) => { accepted = resolve; });
    const server = tls.createServer({ ...identity, echKeys: pem }, (s) => {
      accepted({ echAccepted: s.echAccepted, servername: s.servername });
      s.end('hello\n');
    });
    const port = await listen(server);
    t.after(() => server.close());
    const client = new Peer(openssl4(), ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost',
      '-CAfile', certPath('ca-cert.pem'), '-ech_config_list', echConfigListOf(pem).toString('base64')], { t });
    client.end();
    assert.deepEqual(await secured, { echAccepted: true, servername: 'localhost' });
    await client.waitFor(/ECH: success: 1/);
  });

  it('s_client with an ECHConfigList for another key is refused with retry configs', async (t) => {
    const served = generateECHKey({ publicName: 'localhost' });
    const stale = generateECHKey({ publicName: 'localhost' });
    const server = tls.createServer({ ...identity, echKeys: served.key }, (s) => s.end());
    server.on('tlsClientError', () => {});
    const port = await listen(server);
    t.after(() => server.close());
    const client = new Peer(openssl4(), ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost',
      '-CAfile', certPath('ca-cert.pem'), '-ech_config_list', stale.echConfigList.toString('base64')], { t });
    client.end();
    await client.waitExit();
    assert.match(client.output, /ech required/i);
  });

  it('tls-rs key on s_server -ech_key: a tls-rs client is accepted', async (t) => {
    const key = generateECHKey({ publicName: 'localhost' });
    const file = path.join(tmpDir(t), 'ech.pem');
    fs.writeFileSync(file, key.key);
    const server = await startServer(t, ['-ech_key', file]);
    const socket = await tlsRsClient(server.port, { echConfigList: key.echConfigList });
    assert.ok(!(socket instanceof Error), socket.message);
    assert.equal(socket.echAccepted, true);
    assert.equal(socket.authorized, true);
  });

  it('s_server -ech_key rejects a stale config: ERR_TLS_ECH_REJECTED with s_server\'s retry configs', async (t) => {
    const key = generateECHKey({ publicName: 'localhost' });
    const stale = generateECHKey({ publicName: 'localhost' });
    const file = path.join(tmpDir(t), 'ech.pem');
    fs.writeFileSync(file, key.key);
    const server = await startServer(t, ['-ech_key', file]);
    const err = await tlsRsClient(server.port, { echConfigList: stale.echConfigList });
    assert.equal(err.code, 'ERR_TLS_ECH_REJECTED', err.message);
    assert.deepEqual(err.retryConfigList, key.echConfigList);
    const retried = await tlsRsClient(server.port, { echConfigList: err.retryConfigList });
    assert.equal(retried.echAccepted, true);
  });
});
