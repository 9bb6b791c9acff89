'use strict';
// A real OCSP responder for the stapling tests: a throw-away PKI made with the `openssl` CLI in a
// temporary directory — a CA, leaf certificates whose AIA extension points at
// http://127.0.0.1:PORT/ (the port the test picked), an index.txt saying which are revoked — and
// `openssl ocsp` answering on that port (started and stopped by the test, so it can be down).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Service, freePort, tmpDir, findBinary } = require('./services');

// Serial → subject CN and index.txt state ('V' valid, 'R' revoked).
const LEAVES = {
  good: { serial: '1001', cn: 'localhost', state: 'V' },
  revoked: { serial: '1002', cn: 'revoked.test', state: 'R' },
  sni: { serial: '1003', cn: 'sni.test', state: 'V' },
  noaia: { serial: '1004', cn: 'noaia.test', state: 'V', aia: false },
};

function openssl(dir, args) {
  execFileSync(findBinary('openssl', 'openssl'), args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Makes the PKI in a fresh directory: { dir, port, url, ca, caKey, leaves: { name: { key, cert } } }
 * (PEM Buffers), plus `other` — a second CA whose key can sign responses that must not verify.
 * `port`: the responder's port named in the certificates (default: one free now); port 1 is a
 * responder that is down for sure (a free port may be taken by another test meanwhile).
 */
async function makePki(t, { port } = {}) {
  const dir = tmpDir(t, 'tls-rs-ocsp-');
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=tls-rs OCSP test CA', ...caExt]);
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '30', '-subj', '/CN=another CA', ...caExt]);
  const index = [];
  const leaves = {};
  for (const [name, leaf] of Object.entries(LEAVES)) {
    const ext = [`subjectAltName = DNS:${leaf.cn}, IP:127.0.0.1`];
    if (leaf.aia !== false) ext.push(`authorityInfoAccess = OCSP;URI:${url}`);
    fs.writeFileSync(path.join(dir, `${name}.cnf`), ext.join('\n') + '\n');
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${leaf.cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${leaf.serial}`,
      '-days', '30', '-extfile', `${name}.cnf`, '-out', `${name}.pem`]);
    index.push([leaf.state, '351231000000Z', leaf.state === 'R' ? '250101000000Z,keyCompromise' : '', leaf.serial, 'unknown', `/CN=${leaf.cn}`].join('\t'));
    leaves[name] = { key: fs.readFileSync(path.join(dir, `${name}.key`)), cert: fs.readFileSync(path.join(dir, `${name}.pem`)) };
  }
  fs.writeFileSync(path.join(dir, 'index.txt'), index.join('\n') + '\n');
  const read = (f) => fs.readFileSync(path.join(dir, f));
  return { dir, port, url, ca: read('ca.pem'), leaves };
}

/**
 * Starts `openssl ocsp` on the PKI's port, signing with the CA (or, with `signer: 'other'`, with
 * a key that is not the issuer's); resolves once it waits for requests. Stopped after the test.
 */
async function startResponder(t, pki, { signer = 'ca' } = {}) {
  const responder = new Service(findBinary('openssl', 'openssl'), ['ocsp', '-port', String(pki.port), '-index', 'index.txt',
    '-CA', 'ca.pem', '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`, '-ndays', '1'], { cwd: pki.dir });
  t.after(() => responder.stop());
  await responder.waitFor(/waiting for OCSP client connections/);
  return responder;
}

module.exports = { makePki, startResponder };
