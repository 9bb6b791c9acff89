'use strict';
// A server's 'newSession', 'resumeSession' or 'OCSPRequest' listener that throws: what the
// running Node does with the error (an uncaught exception before 24.19; from 24.19 the server's
// 'error' event for newSession, with the handshake going on, or the socket destroyed with it —
// 'tlsClientError' — for the others), compared with built-in tls in a child process, which
// records the events of both ends and any uncaught exception.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const CERTS = path.join(__dirname, 'fixtures', 'certs');

const SCRIPT = `
const tls = require(process.argv[1]);
const fs = require('fs');
const f = (n) => fs.readFileSync(${JSON.stringify(CERTS)} + '/' + n);
const log = [];
process.on('uncaughtException', (e) => log.push(['uncaught', e.message]));
const scenario = process.argv[2];
const server = tls.createServer({ key: f('agent-key.pem'), cert: f('agent-chain.pem'),
  secureOptions: scenario === 'resumeSession' ? require('crypto').constants.SSL_OP_NO_TICKET : 0 }, (s) => {
  log.push(['secureConnection']);
  s.end();
});
const thrown = new Error('listener failed');
if (scenario === 'newSession') server.on('newSession', () => { log.push(['newSession']); throw thrown; });
if (scenario === 'OCSPRequest') server.on('OCSPRequest', () => { log.push(['OCSPRequest']); throw thrown; });
if (scenario === 'resumeSession') {
  server.on('newSession', (id, data, cb) => cb());
  server.on('resumeSession', () => { log.push(['resumeSession']); throw thrown; });
}
server.on('error', (e) => log.push(['server error', e === thrown]));
server.on('tlsClientError', (e, s) => { log.push(['tlsClientError', e === thrown]); s.destroy(); });
server.listen(0, '127.0.0.1', async () => {
  const connect = (session) => new Promise((resolve) => {
    const c = tls.connect({ port: server.address().port, host: '127.0.0.1', rejectUnauthorized: false,
      requestOCSP: scenario === 'OCSPRequest', session, maxVersion: scenario === 'resumeSession' ? 'TLSv1.2' : undefined });
    let kept;
    c.on('session', (s) => { kept = s; });
    c.on('secureConnect', () => log.push(['client secure']));
    c.on('error', (e) => log.push(['client error', e.code]));
    c.on('close', () => { log.push(['client close']); resolve(kept); });
    c.resume();
  });
  const session = await connect();
  if (scenario === 'resumeSession') await connect(session);
  server.close(() => console.log(JSON.stringify(log)));
});
// (Where the error is uncaught, the handshake waits for nothing more: stop after a while.)
setTimeout(() => { console.log(JSON.stringify([...log, ['stopped']])); process.exit(0); }, 2000).unref();
`;

function run(impl, scenario) {
  const result = spawnSync(process.execPath, ['-e', SCRIPT, impl, scenario], { encoding: 'utf8', timeout: 20000 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const [major, minor] = process.versions.node.split('.').map(Number);
const routed = major > 24 || (major === 24 && minor >= 19);

describe('a server listener that throws', () => {
  for (const scenario of ['newSession', 'resumeSession', 'OCSPRequest']) {
    // Before 24.19 Node emits the second TLS 1.3 ticket's 'newSession' after the first one's
    // uncaught exception, tls-rs does not (README): compared where the error is routed.
    const skip = scenario === 'newSession' && !routed && 'the uncaught case differs (README)';
    it(`in '${scenario}': as built-in tls`, { skip }, () => {
      const ours = run(ROOT, scenario);
      assert.deepEqual(ours, run('node:tls', scenario));
      assert.ok(ours.some(([event]) => event === scenario), JSON.stringify(ours));
      if (routed) assert.ok(!ours.some(([event]) => event === 'uncaught'), JSON.stringify(ours));
    });
  }
});
