'use strict';

// Differential tests for lib/errors.js and lib/validators.js against Node's own errors.
//
// 1. Natural triggers: make the same call throw through built-in tls and through tls-rs, and
//    compare everything user code can observe.
// 2. Oracle: a child `node --expose-internals` builds every case in fixtures/error-cases.js with
//    Node's internal `codes` and validators; we build them with ours; observations must match.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const tls = require('node:tls');
const net = require('node:net');
const tlsRs = require('..');

const errors = require('../lib/errors');
const validators = require('../lib/validators');
const { codes } = errors;
const { observe, describeError, firstFrame } = require('./fixtures/error-observe');
const { runAll, variantsOf } = require('./fixtures/error-oracle');
const { errorCases, validatorCases } = require('./fixtures/error-cases');

const certs = path.join(__dirname, 'fixtures', 'certs');
const readCert = (f) => fs.readFileSync(path.join(certs, f));

// [label, trigger(tls)]: the same call on each implementation's public API must throw the same
// error (described as user code sees it, stack header included).
const triggers = [
  ['createSecureContext({ key: 1 })', (tls) => tls.createSecureContext({ key: 1 })],
  ['createSecureContext({ ca: [{}] })', (tls) => tls.createSecureContext({ ca: [{}] })],
  ['createSecureContext({ sessionIdContext: 1 })', (tls) => tls.createSecureContext({ sessionIdContext: 1 })],
  ['createSecureContext({ ticketKeys: "x" })', (tls) => tls.createSecureContext({ ticketKeys: 'x' })],
  ['createSecureContext({ ticketKeys: Buffer.alloc(10) })',
    (tls) => tls.createSecureContext({ ticketKeys: Buffer.alloc(10) })],
  ['createSecureContext({ minVersion: "foo" })', (tls) => tls.createSecureContext({ minVersion: 'foo' })],
  ['connect({ minVersion: "foo" })', (tls) => tls.connect({ minVersion: 'foo' })],
  ['createSecureContext({ maxVersion: "TLSv9" })', (tls) => tls.createSecureContext({ maxVersion: 'TLSv9' })],
  ['createSecureContext({ minVersion, secureProtocol })',
    (tls) => tls.createSecureContext({ minVersion: 'TLSv1.2', secureProtocol: 'TLSv1_method' })],
  ['createSecureContext({ secureProtocol: "foo" }) (C++ error)',
    (tls) => tls.createSecureContext({ secureProtocol: 'foo' })],
  ['createSecureContext({ ecdhCurve: "foo" }) (C++ error)', (tls) => tls.createSecureContext({ ecdhCurve: 'foo' })],
  ['createSecureContext({ dhparam: 512 bits }) (C++ error)',
    (tls) => tls.createSecureContext({ dhparam: readCert('dhparam-512.pem') })],
  ['createSecureContext({ privateKeyIdentifier })', (tls) => tls.createSecureContext({ privateKeyIdentifier: 'x' })],
  ['createServer({ sessionTimeout: -5 })', (tls) => tls.createServer({ sessionTimeout: -5 })],
  ['createServer({ handshakeTimeout: "x" })', (tls) => tls.createServer({ handshakeTimeout: 'x' })],
  ['createServer({ SNICallback: 1 })', (tls) => tls.createServer({ SNICallback: 1 })],
  ['createServer({ ALPNCallback, ALPNProtocols })',
    (tls) => tls.createServer({ ALPNCallback() {}, ALPNProtocols: ['a'] })],
  ['createServer(1)', (tls) => tls.createServer(1)],
  ['server.addContext()', (tls) => tls.createServer({}).addContext()],
  ['connect({ secureContext: {} })', (tls) => tls.connect({ secureContext: {} })],
  ['connect({}) without port', (tls) => tls.connect({})],
  // The port and timer checks run below tls-rs's connect() and setTimeout() (net's and
  // lib/socket.js's own); validatePort and validateNumber's ranges themselves are compared with
  // Node's internal validators by the oracle below.
  ['connect({ port: -1 })', (tls) => tls.connect({ port: -1 })],
  ['connect({ port: "abc" })', (tls) => tls.connect({ port: 'abc' })],
  ['connect({ port: 65536 })', (tls) => tls.connect({ port: 65536 })],
  ['new TLSSocket().setTimeout(-1)', (tls) => new tls.TLSSocket().setTimeout(-1)],
  ['new TLSSocket().setTimeout(Infinity)', (tls) => new tls.TLSSocket().setTimeout(Infinity)],
  ['new TLSSocket().setTimeout("1")', (tls) => new tls.TLSSocket().setTimeout('1')],
  ['new TLSSocket().setMaxSendFragment("x")', (tls) => new tls.TLSSocket().setMaxSendFragment('x')],
  ['new TLSSocket().exportKeyingMaterial(0, "l")', (tls) => new tls.TLSSocket().exportKeyingMaterial(0, 'l')],
  ['new TLSSocket().exportKeyingMaterial(8, "l", "ctx")',
    (tls) => new tls.TLSSocket().exportKeyingMaterial(8, 'l', 'ctx')],
  ['new TLSSocket().exportKeyingMaterial(8, "l") before handshake',
    (tls) => new tls.TLSSocket().exportKeyingMaterial(8, 'l')],
  ['new TLSSocket().setServername(1)', (tls) => new tls.TLSSocket().setServername(1)],
  ['new TLSSocket().renegotiate(null)', (tls) => new tls.TLSSocket().renegotiate(null)],
  ['new TLSSocket().renegotiate({}, 1)', (tls) => new tls.TLSSocket().renegotiate({}, 1)],
  ['new TLSSocket(null, { enableTrace: 1 })', (tls) => new tls.TLSSocket(null, { enableTrace: 1 })],
  ['checkServerIdentity: CN mismatch',
    (tls) => { throw tls.checkServerIdentity('a.com', { subject: { CN: 'b.com' } }); }],
  ['checkServerIdentity: malformed SAN',
    (tls) => { throw tls.checkServerIdentity('a.com', { subjectaltname: 'DNS:"a' }); }],
];

test('natural triggers: tls-rs throws exactly what built-in tls throws', async (t) => {
  for (const [label, trigger] of triggers) {
    await t.test(label, () => {
      const theirs = observe(() => trigger(tls));
      // Each throws on Node 20; where the running Node accepts one (Node 18 takes a negative
      // sessionTimeout), tls-rs must accept it too.
      if (!theirs.threw) {
        assert.equal(label, 'createServer({ sessionTimeout: -5 })', 'the trigger does not throw in built-in tls');
        assert.equal(observe(() => trigger(tlsRs).close()).threw, false);
        return;
      }
      assert.deepEqual(observe(() => trigger(tlsRs)), theirs);
    });
  }
});

// genericNodeError is Node's internal helper (not reachable through either public API): built in
// a `node --expose-internals` child, described by the same code as ours.
test('genericNodeError builds what Node\'s internal genericNodeError builds', () => {
  const make = (errorsModule) => `
    const { observe } = require(${JSON.stringify(path.join(__dirname, 'fixtures', 'error-observe.js'))});
    const { genericNodeError } = require(${JSON.stringify(errorsModule)});
    process.stdout.write(JSON.stringify(observe(() => genericNodeError('boom', { code: 'X', errno: 1 }))));
  `;
  const run = (errorsModule, flags = []) => JSON.parse(execFileSync(process.execPath,
    [...flags, '-e', make(errorsModule)], { encoding: 'utf8' }));
  const theirs = run('internal/errors', ['--expose-internals']);
  assert.equal(theirs.threw, false);
  assert.deepEqual(run(path.join(__dirname, '..', 'lib', 'errors.js')), theirs);
});

test('ECONNRESET before the handshake: tls-rs\'s client error is built-in tls\'s, field for field', async () => {
  const server = net.createServer((s) => s.destroy());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const clientError = (impl) => new Promise((resolve) => {
      const c = impl.connect({ port: server.address().port, host: '127.0.0.1', rejectUnauthorized: false });
      c.on('error', resolve);
    });
    const theirs = await clientError(tls);
    assert.equal(theirs.code, 'ECONNRESET');
    const ours = await clientError(tlsRs);
    const strip = ({ stack, inspect, ...rest }) => rest; // frames differ, of course
    assert.deepEqual(strip(describeError(ours)), strip(describeError(theirs)));
    assert.equal(ours.stack.split('\n')[0], theirs.stack.split('\n')[0]);
  } finally {
    server.close();
  }
});

// Node 18's errors keep their NodeError function's frame first (the oracle cases check that
// against Node's own); 20+ start at the caller.
const NODE_18_ERRORS = require('../lib/host-tls').plainNodeErrorMark() !== null;

test('stack headers carry the code; frames start at the caller (Node 18: at NodeError)', () => {
  function someCaller() { throw new codes.ERR_TLS_HANDSHAKE_TIMEOUT(); }
  assert.deepEqual(firstFrame(someCaller),
                   { header: 'Error [ERR_TLS_HANDSHAKE_TIMEOUT]: TLS handshake timeout', fn: NODE_18_ERRORS ? 'NodeError' : 'someCaller' });
  function nativeCaller() { throw new codes.ERR_TLS_INVALID_PROTOCOL_METHOD('x'); }
  assert.deepEqual(firstFrame(nativeCaller), { header: 'TypeError: Unknown method: x', fn: 'nativeCaller' });
  const hidden = errors.hideStackFrames((x) => validators.validateString(x, 'x'));
  function hiddenCaller() { hidden(1); }
  assert.deepEqual(firstFrame(hiddenCaller), {
    header: 'TypeError [ERR_INVALID_ARG_TYPE]: The "x" argument must be of type string. ' +
            'Received type number (1)',
    fn: 'hiddenCaller',
  });
});

test('helpers', () => {
  assert.equal(errors.addNumericalSeparator('1234567'), '1_234_567');
  assert.equal(errors.addNumericalSeparator('-123456'), '-123_456');
  assert.equal(errors.addNumericalSeparator('123'), '123');
  assert.equal(errors.formatList(['a', 'b', 'c'], 'or'), 'a, b, or c');
  assert.equal(errors.determineSpecificType(-0), 'type number (-0)');
  // Node 18 quotes the string, then cuts it; 20+ cut, then quote.
  assert.equal(errors.determineSpecificType('x'.repeat(30)),
               NODE_18_ERRORS ? `type string ('${'x'.repeat(24)}...)` : `type string ('${'x'.repeat(25)}...')`);
  assert.throws(() => new codes.ERR_TLS_DH_PARAM_SIZE(), { code: 'ERR_INTERNAL_ASSERTION' });
  assert.throws(() => new codes.ERR_SOCKET_CLOSED(1), /arguments length \(1\)/);
  assert.throws(() => new codes.ERR_INVALID_ARG_TYPE('a', 'b'), /arguments length \(2\)/);
  // a failed check inside a HideStackFramesError constructor restores Error.stackTraceLimit
  const limit = Error.stackTraceLimit;
  assert.throws(() => (NODE_18_ERRORS ? new codes.ERR_OUT_OF_RANGE('a', '', 1) : new codes.ERR_OUT_OF_RANGE.HideStackFramesError('a', '', 1)));
  assert.equal(Error.stackTraceLimit, limit);
});

// ---- oracle: Node's internal modules in a child process ---------------------------------

let oracle;
function getOracle() {
  if (oracle === undefined) {
    const out = execFileSync(process.execPath,
                             ['--expose-internals', path.join(__dirname, 'fixtures', 'error-oracle.js')],
                             { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    oracle = JSON.parse(out);
  }
  return oracle;
}

test('oracle: every case builds the same error as Node\'s internal codes', async (t) => {
  const theirs = getOracle();
  const ours = JSON.parse(JSON.stringify(runAll(codes, validators)));
  assert.equal(ours.errors.length, errorCases.length);
  for (let i = 0; i < errorCases.length; i++) {
    const { code, args } = errorCases[i];
    const label = `${code}(${require('util').inspect(args(), { breakLength: Infinity }).slice(1, 80)})`;
    await t.test(label, () => {
      // A code (or class variant) the running Node lacks must be absent from tls-rs too.
      if (theirs.errors[i].missing) assert.equal(ours.errors[i].missing, true, `Node has no ${code}`);
      assert.deepEqual(ours.errors[i], theirs.errors[i]);
    });
  }
});

test('oracle: validators throw (or pass) exactly like Node\'s', async (t) => {
  const theirs = getOracle();
  const ours = JSON.parse(JSON.stringify(runAll(codes, validators)));
  for (let i = 0; i < validatorCases.length; i++) {
    const { name, args } = validatorCases[i];
    const label = `${name}(${require('util').inspect(args(), { breakLength: Infinity }).slice(1, 80)})`;
    await t.test(label, () => {
      assert.deepEqual(ours.validations[i], theirs.validations[i]);
    });
  }
});

test('oracle: every JS code we define exists in Node 20 with the same class variants', () => {
  const theirs = getOracle().variants;
  const ours = variantsOf(codes);
  const native = ['ERR_TLS_INVALID_PROTOCOL_METHOD', 'ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED', 'ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED',
                  'ERR_CRYPTO_INVALID_KEYLEN', 'ERR_CRYPTO_OPERATION_FAILED'];
  for (const code of Object.keys(ours)) {
    if (native.includes(code)) {
      assert.equal(theirs[code], undefined, `${code} is a JS code in Node`);
      continue;
    }
    assert.ok(theirs[code], `Node 20 has no JS code ${code}`);
    assert.deepEqual(ours[code], theirs[code], code);
  }
  // and every JS code has at least one oracle case
  const covered = new Set(errorCases.map((c) => c.code.split('.')[0]));
  for (const code of Object.keys(ours)) {
    if (!native.includes(code)) assert.ok(covered.has(code), `no case for ${code}`);
  }
});

test('native-shaped codes', () => {
  const cases = [
    [new codes.ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED(), Error, 'Failed to set PSK identity hint'],
    [new codes.ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED(), Error, 'Failed to set PSK identity hint'],
    [new codes.ERR_CRYPTO_INVALID_KEYLEN(), RangeError, 'Invalid key length'],
    [new codes.ERR_CRYPTO_OPERATION_FAILED(), Error, 'Operation failed'],
    [new codes.ERR_TLS_INVALID_PROTOCOL_METHOD('SSLv2_method'), TypeError, 'Unknown method: SSLv2_method'],
  ];
  for (const [err, Base, message] of cases) {
    assert.equal(Object.getPrototypeOf(err), Base.prototype);
    assert.equal(err.message, message);
    assert.equal(String(err), `${Base.name}: ${message}`);
    assert.deepEqual(Object.keys(err), ['code']);
  }
});
