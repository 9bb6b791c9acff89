'use strict';

// Differential tests for lib/identity.js: every (hostname, cert) pair goes through Node's own
// tls.checkServerIdentity and ours (today Node's own function, taken from the running Node); the
// results must be indistinguishable.

const test = require('node:test');
const assert = require('node:assert/strict');
const tls = require('node:tls');
const fs = require('node:fs');
const path = require('node:path');
const { X509Certificate } = require('node:crypto');

const { checkServerIdentity } = require('../lib/identity');

// ---- the table ------------------------------------------------------------------------------

const hosts = [
  'localhost', 'LOCALHOST', 'LocalHost', 'localhost.', 'localhost..', '.localhost',
  'example.com', 'example.com.', 'EXAMPLE.COM', 'a.example.com', 'A.Example.COM',
  'b.a.example.com', 'foo.example.com', 'foobar.example.com', 'fo.example.com', 'bar.example.com',
  'baz.example.com', 'www.example.com', 'xn--bcher-kva.example.com', 'xn--bcher-kva.example',
  'www.xn--bcher-kva.example', 'www.xn--bcher-kva.com', 'bücher.example.com', 'a..example.com',
  '.example.com', '*.example.com', 'a.b.c.d.example.com', 'com', 'a.com', 'a.b', 'test', '',
  'ü.example.com', 'a b.example.com', 'a.example.test', 'www.example.test', 'wrong.example.test',
  'example.test', 'x.y.example.test', 'İ.example.com', 'K.example.com', // Unicode case traps
  '127.0.0.1', '127.0.0.1.', '127.000.0.1', '127.1', '0x7f.0.0.1', '1.2.3.4', '01.2.3.4', '8.8.8.8',
  '::1', '::1.', '0:0:0:0:0:0:0:1', '0000:0000::0001', '::ffff:127.0.0.1', '::FFFF:7F00:1',
  '::ffff:7f00:1', '[::1]', 'fe80::1', 'FE80::1', 'fe80::1%eth0', 'fe80:0:0:0:0:0:0:1%1',
  '::', '::0.0.0.0', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:db8:0:0:1:0:0:1',
  '::127.0.0.1', '1:2:3:4:5:6:7::', 'axn--b.example.com', 'aqxn--b.example.com', 'xn--b.example.com',
  'xn--a.xn--b.example.com',
];

const sanLists = [
  'DNS:localhost',
  'DNS:LOCALHOST',
  'DNS:localhost.',
  'DNS:*.example.com',
  'DNS:*.example.com, DNS:example.com',
  'DNS:f*.example.com', 'DNS:*o.example.com', 'DNS:f*o.example.com', 'DNS:*b*.example.com',
  'DNS:fo*o.example.com', 'DNS:*.com', 'DNS:*', 'DNS:*.*.example.com', 'DNS:a.*.example.com',
  'DNS:xn--*.example.com', 'DNS:*.xn--bcher-kva.example', 'DNS:xn--bcher-kva.example.com',
  'DNS:x*n--bcher-kva.example.com', 'DNS:*xn--.example.com', 'DNS:a*xn--b.example.com',
  'DNS:*xn--b.example.com', 'DNS:xn--*.xn--b.example.com', 'DNS:XN--B.example.com',
  'DNS:bücher.example.com', 'DNS:a..example.com', 'DNS:.example.com', 'DNS:', 'DNS:*.',
  'DNS:a b.example.com', 'DNS:*.Example.COM', 'DNS:*.example.com.', 'DNS:example.com..',
  'DNS:ü.example.com', 'DNS:\u0000.example.com', 'DNS:İ.example.com',
  'DNS:localhost, DNS:*.example.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  'DNS:wrong.example.test',
  'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:::1',
  'IP Address:0:0:0:0:0:FFFF:7F00:1', 'IP Address:::FFFF:127.0.0.1', 'IP Address:7F00:1',
  'IP Address:garbage', 'IP Address:garbage, IP Address:1.2.3.4', 'IP Address:',
  'IP Address:1.2.3.4, IP Address:FE80:0:0:0:0:0:0:1', 'IP Address:01.2.3.4',
  'IP Address:2001:DB8:0:0:0:0:0:1', 'IP Address:0:0:0:0:0:0:0:0', 'IP Address:127.0.0.1 ',
  'IP Address:fe80::1%eth0', 'IP Address:127.0.0.1\u0000junk',
  'DNS:localhost, IP Address:1.2.3.4',
  'IP Address:1.2.3.4, DNS:localhost',
  'URI:http://localhost/', 'URI:localhost', 'email:admin@localhost', 'DirName:/CN=localhost',
  'othername:1.2.3.4::localhost', 'Registered ID:1.2.3', 'URI:http://a.example.com, DNS:b.example.com',
  'DNS:localhost,DNS:example.com', 'DNS:localhost,  DNS:example.com', 'DNS:localhost, ',
  ', DNS:localhost', 'DNS:localhost, , DNS:example.com', 'dns:localhost', ' DNS:localhost',
  // JSON-escaped entries, as Node prints names with special characters
  'DNS:"localhost"', 'DNS:"a.example.com"', 'DNS:"x, DNS:localhost"',
  'DNS:"evil.com\\u002c DNS:localhost"', 'URI:"http://a, DNS:localhost"',
  'DNS:"a\\"b", DNS:localhost', 'DNS:"a\\\\b", DNS:localhost', 'DNS:"\\u006cocalhost"',
  'DNS:"loc"alhost', 'DNS:loc"alhost"', 'DNS:"a","b"', 'DNS:"a", DNS:"localhost"',
  'DNS:"a.example.com",DNS:localhost', 'URI:"x", IP Address:127.0.0.1',
  'DNS:"\\/", DNS:localhost',
  // malformed escapes: ERR_TLS_CERT_ALTNAME_FORMAT
  'DNS:"unterminated', 'DNS:"bad\\x"', 'DNS:"\\u12"', 'DNS:"a\u0001b"', 'DNS:localhost, DNS:"',
  'DNS:"a\\', 'URI:"a\\ub"',
];

const certs = [];
for (const s of sanLists) certs.push({ subjectaltname: s });
for (const s of sanLists.slice(0, 12)) certs.push({ subjectaltname: s, subject: { CN: 'localhost' } });
const cns = [
  'localhost', 'LOCALHOST', '*.example.com', 'example.com', 'xn--bcher-kva.example.com',
  '*.com', '', 'a..b', ['a.example.com', 'localhost'], ['*.example.com'], [], [''],
  ['x', 'y', 'z'], '127.0.0.1', 'bücher.example.com', ['localhost', 5], 'a b.example.com',
];
for (const CN of cns) {
  certs.push({ subject: { CN } });
  certs.push({ subject: { CN, O: 'x' }, subjectaltname: 'URI:http://localhost/' });
  certs.push({ subject: { CN }, subjectaltname: 'IP Address:127.0.0.1' });
  certs.push({ subject: { CN }, subjectaltname: 'DNS:other.example' });
  certs.push({ subject: { CN }, subjectaltname: '' });
}
certs.push({}, { subject: {} }, { subject: null }, { subject: { O: 'x' } },
           { subject: { CN: undefined } }, { subjectaltname: null }, { subjectaltname: 0 });

// Certificates as getPeerCertificate() reports them, from the fixture PKI.
const certsDir = path.join(__dirname, 'fixtures', 'certs');
for (const f of ['agent-cert.pem', 'ec-cert.pem', 'wronghost-cert.pem', 'selfsigned-cert.pem',
                 'client-cert.pem', 'ca-cert.pem']) {
  certs.push(new X509Certificate(fs.readFileSync(path.join(certsDir, f))).toLegacyObject());
}

// Values that make Node's code throw a TypeError (ours must throw the same text).
const oddCalls = [
  ['localhost', { subject: { CN: 5 } }],
  ['localhost', { subject: { CN: [5] } }],
  ['localhost', { subjectaltname: ['DNS:localhost'] }],
  ['localhost', { subjectaltname: 5 }],
  ['localhost', { subjectaltname: { includes: () => false } }],
  ['localhost', null],
  ['localhost', undefined],
  [5, { subject: { CN: '5' } }],
  [undefined, { subject: { CN: 'undefined' } }],
  [null, { subjectaltname: 'DNS:null' }],
  [{ toString() { return 'localhost'; } }, { subjectaltname: 'DNS:localhost' }],
  [Symbol('s'), { subject: { CN: 'x' } }],
  [127.001, { subjectaltname: 'IP Address:127.001' }],
];

// ---- comparison ------------------------------------------------------------------------------

function run(fn, hostname, cert) {
  try {
    return { returned: fn(hostname, cert) };
  } catch (error) {
    return { threw: error };
  }
}

function describe(result, cert) {
  if ('threw' in result) {
    const e = result.threw;
    return { threw: true, ctor: e.constructor.name, code: e.code, message: e.message, string: String(e) };
  }
  const r = result.returned;
  if (r === undefined) return { valid: true };
  return {
    valid: false,
    ctor: r.constructor.name,
    name: r.name,
    code: r.code,
    message: r.message,
    string: String(r),
    reason: r.reason,
    host: r.host,
    certIsInput: r.cert === cert,
    keys: Object.keys(r),
    stackHeader: r.stack.split('\n')[0],
  };
}

function compare(hostname, cert) {
  const theirs = describe(run(tls.checkServerIdentity, hostname, cert), cert);
  const ours = describe(run(checkServerIdentity, hostname, cert), cert);
  assert.deepEqual(ours, theirs, `checkServerIdentity(${JSON.stringify(String(hostname))}, ` +
                                 `${require('util').inspect(cert, { breakLength: Infinity })})`);
  return theirs;
}

test('checkServerIdentity: hosts x certificates, same result as Node', () => {
  const outcomes = { valid: 0, invalid: 0, threw: 0 };
  for (const cert of certs) {
    for (const host of hosts) {
      const r = compare(host, cert);
      outcomes[r.threw ? 'threw' : r.valid ? 'valid' : 'invalid']++;
    }
  }
  // The table exercises every outcome (guards against a table that only ever says "no").
  assert.ok(outcomes.valid > 100, JSON.stringify(outcomes));
  assert.ok(outcomes.invalid > 1000, JSON.stringify(outcomes));
  assert.ok(outcomes.threw > 100, JSON.stringify(outcomes));
});

test('checkServerIdentity: odd arguments throw what Node throws', () => {
  for (const [host, cert] of oddCalls) {
    const theirs = run(tls.checkServerIdentity, host, cert);
    const ours = run(checkServerIdentity, host, cert);
    assert.deepEqual(describe(ours, cert), describe(theirs, cert), String(host && typeof host !== 'symbol' ? host : typeof host));
  }
});

test('checkServerIdentity: spot checks (independent of Node)', () => {
  const agent = new X509Certificate(fs.readFileSync(path.join(certsDir, 'agent-cert.pem'))).toLegacyObject();
  assert.equal(checkServerIdentity('localhost', agent), undefined);
  assert.equal(checkServerIdentity('a.example.test', agent), undefined);
  assert.equal(checkServerIdentity('::1', agent), undefined);
  assert.equal(checkServerIdentity('0:0::1', agent), undefined);
  assert.equal(checkServerIdentity('127.0.0.1', agent), undefined);
  const err = checkServerIdentity('a.b.example.test', agent);
  assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.equal(err.reason, `Host: a.b.example.test. is not in the cert's altnames: ${agent.subjectaltname}`);
  assert.equal(err.host, 'a.b.example.test');
  assert.equal(err.cert, agent);
  assert.equal(checkServerIdentity('foo.com', { subject: { CN: '*.com' } }).reason,
               "Host: foo.com. is not cert's CN: *.com");
  assert.equal(checkServerIdentity('x', {}).reason, 'Cert does not contain a DNS name');
  assert.throws(() => checkServerIdentity('x', { subjectaltname: 'DNS:"a' }),
                { name: 'SyntaxError', code: 'ERR_TLS_CERT_ALTNAME_FORMAT' });
});
