'use strict';
// nodemailer → smtp-server, both in a process that loaded `tls-rs/register` first (as a user's
// app does with `node -r tls-rs/register`): nodemailer's `require('node:tls')` and
// smtp-server's both get tls-rs, so the client's STARTTLS upgrade (`tls.connect({ socket })`) and
// the server's (`new tls.TLSSocket(raw, { isServer: true, SNICallback, ... })`) both run on it.
// A mail really goes through; each side's TLS socket is checked.

const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { runNode } = require('./helpers/services');

// The child: an smtp-server on 127.0.0.1:0, nodemailer sends one mail through it, and the child
// prints one JSON object with what both sides saw. `SCENARIO` selects the variant.
const CHILD = String.raw`
require('tls-rs/register');
const fs = require('node:fs');
const tlsRs = require('tls-rs');
const { SMTPServer } = require('smtp-server');
const nodemailer = require('nodemailer');
const f = (n) => fs.readFileSync(process.env.CERTS + '/' + n);
const scenario = JSON.parse(process.env.SCENARIO);
const out = { sameTls: require('node:tls') === tlsRs };
const finish = (code) => { console.log(JSON.stringify(out)); process.exit(code); };
process.on('uncaughtException', (e) => { out.uncaught = e.stack; finish(2); });
// A watchdog: whatever hangs, the child reports what it saw within 8 s.
setTimeout(() => { out.timedOut = true; out.clientSockets = clientSockets; out.received = received; finish(3); }, 8000).unref();

// Every client TLS socket nodemailer opens, seen through tls.connect.
const clientSockets = [];
const connect = tlsRs.connect;
tlsRs.connect = function (...args) {
  const s = connect.apply(this, args);
  const view = { tlsRs: s instanceof tlsRs.TLSSocket, upgrade: !!(args[0] && args[0].socket),
    servername: args[0] && args[0].servername };
  clientSockets.push(view);
  s.once('secureConnect', () => Object.assign(view, { authorized: s.authorized,
    authorizationError: s.authorizationError ?? null, protocol: s.getProtocol(),
    cipher: s.getCipher().name, peerCN: s.getPeerCertificate().subject.CN }));
  return s;
};

const received = [];
const server = new SMTPServer({
  secure: scenario.implicit, key: f('agent-key.pem'), cert: f('agent-chain.pem'),
  ...(scenario.clientCert ? { ca: f('ca-cert.pem'), requestCert: true, rejectUnauthorized: true } : {}),
  authOptional: true, logger: false, banner: 'tls-rs test',
  onSecure(socket, session, cb) {
    out.serverHandle = { handle: typeof socket._handle, verifyError: typeof (socket._handle && socket._handle.verifyError) };
    out.serverSecure = { tlsRs: socket instanceof tlsRs.TLSSocket, encrypted: socket.encrypted,
      protocol: socket.getProtocol(), authorized: socket.authorized,
      peerCN: socket.getPeerCertificate().subject?.CN ?? null, servername: session.servername ?? null };
    cb();
  },
  onData(stream, session, cb) {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => { text += d; });
    stream.on('end', () => {
      received.push({ secure: session.secure, cipher: session.tlsOptions && session.tlsOptions.name,
        version: session.tlsOptions && session.tlsOptions.version,
        from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address),
        hasBody: text.includes('Body over tls-rs.') });
      cb();
    });
  },
});
server.on('error', (e) => { out.serverErrors = [...(out.serverErrors || []), e.code || e.message]; });
server.listen(0, '127.0.0.1', async () => {
  const port = server.server.address().port;
  const transport = nodemailer.createTransport({
    host: 'localhost', port, secure: scenario.implicit, requireTLS: !scenario.implicit,
    tls: { ...(scenario.ca ? { ca: f('ca-cert.pem') } : {}),
      ...(scenario.clientCert ? { key: f(scenario.clientCert + '-key.pem'), cert: f(scenario.clientCert + '-cert.pem') } : {}) },
    connectionTimeout: 4000, greetingTimeout: 4000, socketTimeout: 4000,
  });
  try {
    const info = await transport.sendMail({ from: 'a@localhost', to: 'b@localhost', subject: 'hi',
      text: 'Body over tls-rs.' });
    out.info = { accepted: info.accepted, rejected: info.rejected, response: /^250/.test(info.response) };
  } catch (e) {
    out.sendError = { code: e.code, message: e.message };
  }
  out.clientSockets = clientSockets;
  out.received = received;
  transport.close();
  server.close(() => finish(0));
});
`;

async function run(t, scenario) {
  const r = await runNode(t, CHILD, { env: { SCENARIO: JSON.stringify(scenario) }, ms: 11_000 });
  assert.equal(r.code, 0, `child failed (${r.code} ${r.signal}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const TLS13 = { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' };
const delivered = [{ secure: true, cipher: TLS13.cipher, version: 'TLSv1.3', from: 'a@localhost',
  to: ['b@localhost'], hasBody: true }];

describe('nodemailer → smtp-server, both on tls-rs (tls-rs/register)', { timeout: 50_000 }, () => {
  it('STARTTLS: the mail is delivered over a verified TLS 1.3 upgrade', async (t) => {
    const out = await run(t, { implicit: false, ca: true });
    assert.deepEqual(out.info, { accepted: ['b@localhost'], rejected: [], response: true }, JSON.stringify(out));
    assert.deepEqual(out.clientSockets, [{ tlsRs: true, upgrade: true, servername: 'localhost', authorized: true,
      authorizationError: null, ...TLS13, peerCN: 'localhost' }]);
    assert.deepEqual(out.serverSecure, { tlsRs: true, encrypted: true, protocol: 'TLSv1.3', authorized: false,
      peerCN: null, servername: 'localhost' });
    assert.deepEqual(out.received, delivered);
    assert.equal(out.sameTls, true);
  });

  it('implicit TLS (secure: true): the mail is delivered', async (t) => {
    const out = await run(t, { implicit: true, ca: true });
    assert.deepEqual(out.info, { accepted: ['b@localhost'], rejected: [], response: true }, JSON.stringify(out));
    assert.deepEqual(out.clientSockets, [{ tlsRs: true, upgrade: false, servername: 'localhost', authorized: true,
      authorizationError: null, ...TLS13, peerCN: 'localhost' }]);
    assert.equal(out.serverSecure.tlsRs, true);
    assert.deepEqual(out.received, delivered);
  });

  // smtp-server verifies the client itself on 'secure' through the socket's native handle,
  // `tlsSocket._handle.verifyError()` (a TLSSocket that is not made by a tls.Server gets no
  // `authorized` from Node); without it, it accepts any client certificate.
  it('STARTTLS with a client certificate that smtp-server requires', async (t) => {
    const out = await run(t, { implicit: false, ca: true, clientCert: 'client' });
    assert.deepEqual(out.info, { accepted: ['b@localhost'], rejected: [], response: true }, JSON.stringify(out));
    assert.deepEqual(out.serverSecure, { tlsRs: true, encrypted: true, protocol: 'TLSv1.3', authorized: true,
      peerCN: 'tls-rs client', servername: 'localhost' }, JSON.stringify(out));
    assert.deepEqual(out.received, delivered);
  });

  it('STARTTLS with an untrusted client certificate is refused by smtp-server', async (t) => {
    const out = await run(t, { implicit: false, ca: true, clientCert: 'selfsigned' });
    assert.equal(out.info, undefined, `the mail went through: ${JSON.stringify(out)}`);
    assert.equal(out.sendError.code, 'ECONNECTION', JSON.stringify(out));
    assert.deepEqual(out.received, []);
  });

  it('STARTTLS to a server nodemailer cannot verify fails and sends nothing', async (t) => {
    const out = await run(t, { implicit: false, ca: false });
    assert.equal(out.info, undefined);
    assert.equal(out.sendError.code, 'ESOCKET', JSON.stringify(out));
    assert.match(out.sendError.message, /unable to get local issuer certificate/);
    assert.deepEqual(out.received, []);
  });
});
