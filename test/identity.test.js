'use strict';

// Differential tests for lib/identity.js: every (hostname, cert) pair goes through Node's own
// tls.checkServerIdentity and ours; the results must be indistinguishable. canonicalizeIP is
// compared with Node's c-ares binding (through a `node --expose-internals` child).

const test = require('node:test');
const assert = require('node:assert/strict');
const tls = require('node:tls');
const fs = require('node:fs');
const path = require('node:path');
const { X509Certificate } = require('node:crypto');
const { execFileSync } = require('node:child_process');

const { checkServerIdentity, canonicalizeIP } = require('../lib/identity');

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

// ---- canonicalizeIP vs Node's binding ------------------------------------------------------

function nodeCanonicalize(inputs) {
  const script = `
    const { internalBinding } = require('internal/test/binding');
    const { canonicalizeIP } = internalBinding('cares_wrap');
    let data = '';
    process.stdin.on('data', (d) => { data += d; });
    process.stdin.on('end', () => {
      const out = JSON.parse(data).map((s) => canonicalizeIP(s) ?? null);
      process.stdout.write(JSON.stringify(out));
    });`;
  const out = execFileSync(process.execPath, ['--expose-internals', '--no-warnings', '-e', script],
                           { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

// Deterministic PRNG (mulberry32).
function prng(seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipCorpus() {
  const rnd = prng(20240601);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const out = [
    '', '1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.4.',
    '.1.2.3.4', '01.2.3.4', '1.02.3.4', '0.0.0.00', '1..2.3', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ',
    '1.2.3.4\u0000junk', '\u00001.2.3.4', '0x1.2.3.4', '127.1', '2130706433', '1.2.3.4%eth0',
    '::', ':::', '::1', '1::', '1:::', ':1', '1:', '1::2::3', '::ffff:1.2.3.4', '::FFFF:1.2.3.4',
    '::1.2.3.4', '::0.0.0.1', '::0.0.0.0', '::0.0.1.0', '0:0:0:0:0:0:0:1', '0:0:0:0:0:0:0:0',
    '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
    '1::3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1:2:3:4:5:6:1.2.3.4',
    '1:0:0:2:0:0:0:3', '1:0:0:0:2:0:0:3', '0:0:1:0:0:0:0:0', '1:0:1:0:1:0:1:0', '0:1:0:1:0:1:0:1',
    '12345::', '::12345', '1:2:3:4:5:6:7:0xa', 'fe80::1%eth0', 'fe80::1%', '%eth0', 'fe80::1%%',
    `${'0:'.repeat(22)}%x`, `${'0:'.repeat(23)}%x`, '::ffff:0.0.0.0', '::fffe:1.2.3.4',
    '0:0:0:0:0:ffff:1.2.3.4', '0:0:0:0:ffff:0:1.2.3.4', '::ffff:0:1.2.3.4', '64:ff9b::1.2.3.4',
    '::1.2.3', '::1.2.3.4.5', '::01.2.3.4', '::256.1.1.1', '1.2.3.4::', '::1.2.3.4:1',
    'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
    'gggg::', '::g', '1:2:3:4:5:6:7:8%25eth0', 'ü::1', '::ü', '[::1]', '::1/128', '1.2.3.4/32',
    'localhost', 'undefined', '0', '00', '::0', '::00000', '0000::', '00000::',
  ];
  // Random strings over the characters that matter.
  const alphabet = '0123456789abcdefABCDEF:::...%';
  for (let n = 0; n < 4000; n++) {
    let s = '';
    const len = Math.floor(rnd() * 30);
    for (let i = 0; i < len; i++) s += pick(alphabet);
    out.push(s);
  }
  // Random addresses, written in many legal and illegal ways.
  for (let n = 0; n < 4000; n++) {
    const words = [];
    for (let i = 0; i < 8; i++) {
      const r = rnd();
      words.push(r < 0.45 ? 0 : r < 0.55 ? 0xffff : r < 0.6 ? 1 : Math.floor(rnd() * 0x10000));
    }
    const hex = (w) => {
      let h = w.toString(16);
      if (rnd() < 0.3) h = h.padStart(4, '0');
      if (rnd() < 0.3) h = h.toUpperCase();
      return h;
    };
    let parts = words.map(hex);
    if (rnd() < 0.3) {
      // dotted IPv4 tail
      const b = [words[6] >> 8, words[6] & 255, words[7] >> 8, words[7] & 255];
      parts = parts.slice(0, 6).concat([b.join('.')]);
    }
    let s = parts.join(':');
    if (rnd() < 0.5) {
      // compress a random run of zeros (not necessarily the longest)
      const start = Math.floor(rnd() * 8);
      let end = start;
      while (end < 8 && words[end] === 0) end++;
      if (end - start >= 1) {
        const left = parts.slice(0, start).join(':');
        const right = parts.slice(end).join(':');
        s = `${left}::${right}`;
      }
    }
    if (rnd() < 0.05) s += '%eth0';
    if (rnd() < 0.03) s = s.replace(/:/, ':::');
    out.push(s);
  }
  for (let n = 0; n < 1000; n++) {
    const octet = () => {
      const r = rnd();
      return r < 0.1 ? '0' : r < 0.15 ? `0${Math.floor(rnd() * 10)}` : r < 0.2 ? '256' :
        String(Math.floor(rnd() * 256));
    };
    const count = rnd() < 0.9 ? 4 : Math.floor(rnd() * 6);
    out.push(Array.from({ length: count }, octet).join('.'));
  }
  return out;
}

test('canonicalizeIP matches Node\'s c-ares/libuv canonicalizeIP', () => {
  const inputs = ipCorpus();
  const theirs = nodeCanonicalize(inputs);
  let valid = 0;
  for (let i = 0; i < inputs.length; i++) {
    const ours = canonicalizeIP(inputs[i]) ?? null;
    assert.equal(ours, theirs[i], `canonicalizeIP(${JSON.stringify(inputs[i])})`);
    if (ours !== null) valid++;
  }
  assert.ok(valid > 2000, `only ${valid} valid addresses in the corpus`);
});

test('canonicalizeIP spot checks (independent of Node)', () => {
  assert.equal(canonicalizeIP('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalizeIP('::FFFF:7F00:1'), '::ffff:127.0.0.1');
  assert.equal(canonicalizeIP('0:0:0:0:0:0:7F00:1'), '::127.0.0.1');
  assert.equal(canonicalizeIP('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.equal(canonicalizeIP('1:0:0:2:0:0:3:4'), '1::2:0:0:3:4');
  assert.equal(canonicalizeIP('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalizeIP('01.2.3.4'), undefined);
  assert.equal(canonicalizeIP('1.2.3'), undefined);
  assert.equal(canonicalizeIP('localhost'), undefined);
});
