'use strict';

// Differential tests for lib/errors.js and lib/validators.js against Node's own errors.
//
// 1. Natural triggers: make Node's public APIs (tls, net, Buffer) throw, build "the same" error
//    with ours, and compare everything user code can observe.
// 2. Oracle: a child `node --expose-internals` builds every case in fixtures/error-cases.js with
//    Node's internal `codes` and validators; we build them with ours; observations must match.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const tls = require('node:tls');
const net = require('node:net');
const buffer = require('node:buffer');

const errors = require('../lib/errors');
const validators = require('../lib/validators');
const { codes } = errors;
const { observe, describeError, firstFrame } = require('./fixtures/error-observe');
const { runAll, variantsOf } = require('./fixtures/error-oracle');
const { errorCases, validatorCases } = require('./fixtures/error-cases');

const certs = path.join(__dirname, 'fixtures', 'certs');
const readCert = (f) => fs.readFileSync(path.join(certs, f));

function nodeThrows(fn) {
  const seen = observe(fn);
  assert.equal(seen.threw, true, 'the Node trigger did not throw');
  return seen.error;
}

function oursBuilds(fn) {
  const seen = observe(fn);
  assert.equal(seen.threw, false, `building ours threw: ${seen.error && seen.error.toString}`);
  return seen.returned;
}

// [label, Node trigger, our construction of the same error]
const triggers = [
  ['createSecureContext({ key: 1 })',
    () => tls.createSecureContext({ key: 1 }),
    () => new codes.ERR_INVALID_ARG_TYPE('options.key', ['string', 'Buffer', 'TypedArray', 'DataView'], 1)],
  ['createSecureContext({ ca: [{}] })',
    () => tls.createSecureContext({ ca: [{}] }),
    () => new codes.ERR_INVALID_ARG_TYPE('options.ca', ['string', 'Buffer', 'TypedArray', 'DataView'], {})],
  ['createSecureContext({ sessionIdContext: 1 })',
    () => tls.createSecureContext({ sessionIdContext: 1 }),
    () => validators.validateString(1, 'options.sessionIdContext')],
  ['createSecureContext({ ticketKeys: "x" })',
    () => tls.createSecureContext({ ticketKeys: 'x' }),
    () => validators.validateBuffer('x', 'options.ticketKeys')],
  ['createSecureContext({ ticketKeys: Buffer.alloc(10) })',
    () => tls.createSecureContext({ ticketKeys: Buffer.alloc(10) }),
    () => new codes.ERR_INVALID_ARG_VALUE('options.ticketKeys', 10, 'must be exactly 48 bytes')],
  ['createSecureContext({ minVersion: "foo" })',
    () => tls.createSecureContext({ minVersion: 'foo' }),
    () => new codes.ERR_TLS_INVALID_PROTOCOL_VERSION('foo', 'minimum')],
  ['connect({ minVersion: "foo" })',
    () => tls.connect({ minVersion: 'foo' }),
    () => new codes.ERR_TLS_INVALID_PROTOCOL_VERSION('foo', 'minimum')],
  ['createSecureContext({ maxVersion: "TLSv9" })',
    () => tls.createSecureContext({ maxVersion: 'TLSv9' }),
    () => new codes.ERR_TLS_INVALID_PROTOCOL_VERSION('TLSv9', 'maximum')],
  ['createSecureContext({ minVersion, secureProtocol })',
    () => tls.createSecureContext({ minVersion: 'TLSv1.2', secureProtocol: 'TLSv1_method' }),
    () => new codes.ERR_TLS_PROTOCOL_VERSION_CONFLICT('TLSv1.2', 'TLSv1_method')],
  ['createSecureContext({ secureProtocol: "foo" }) (C++ error)',
    () => tls.createSecureContext({ secureProtocol: 'foo' }),
    () => new codes.ERR_TLS_INVALID_PROTOCOL_METHOD('foo')],
  ['createSecureContext({ ecdhCurve: "foo" }) (C++ error)',
    () => tls.createSecureContext({ ecdhCurve: 'foo' }),
    () => new codes.ERR_CRYPTO_OPERATION_FAILED('Failed to set ECDH curve')],
  ['createSecureContext({ dhparam: 512 bits }) (C++ error)',
    () => tls.createSecureContext({ dhparam: readCert('dhparam-512.pem') }),
    () => errors.nativeError(TypeError, 'ERR_INVALID_ARG_VALUE', 'DH parameter is less than 1024 bits')],
  ['createSecureContext({ privateKeyIdentifier })',
    () => tls.createSecureContext({ privateKeyIdentifier: 'x' }),
    () => new codes.ERR_INVALID_ARG_VALUE('options.privateKeyEngine', undefined)],
  ['createServer({ sessionTimeout: -5 })',
    () => tls.createServer({ sessionTimeout: -5 }),
    () => validators.validateInt32(-5, 'options.sessionTimeout', 0)],
  ['createServer({ handshakeTimeout: "x" })',
    () => tls.createServer({ handshakeTimeout: 'x' }),
    () => validators.validateNumber('x', 'options.handshakeTimeout')],
  ['createServer({ SNICallback: 1 })',
    () => tls.createServer({ SNICallback: 1 }),
    () => validators.validateFunction(1, 'options.SNICallback')],
  ['createServer({ ALPNCallback, ALPNProtocols })',
    () => tls.createServer({ ALPNCallback() {}, ALPNProtocols: ['a'] }),
    () => new codes.ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS()],
  ['createServer(1)',
    () => tls.createServer(1),
    () => new codes.ERR_INVALID_ARG_TYPE('options', 'Object', 1)],
  ['server.addContext()',
    () => tls.createServer({}).addContext(),
    () => new codes.ERR_TLS_REQUIRED_SERVER_NAME()],
  ['connect({ secureContext: {} })',
    () => tls.connect({ secureContext: {} }),
    () => new codes.ERR_TLS_INVALID_CONTEXT('context')],
  ['connect({}) without port',
    () => tls.connect({}),
    () => new codes.ERR_MISSING_ARGS(['options', 'port', 'path'])],
  ['net.connect({ port: -1 })',
    () => net.connect({ port: -1 }),
    () => validators.validatePort(-1)],
  ['net.connect({ port: "abc" })',
    () => net.connect({ port: 'abc' }),
    () => validators.validatePort('abc')],
  ['net.connect({ port: 65536 })',
    () => net.connect({ port: 65536 }),
    () => validators.validatePort(65536)],
  ['Buffer.alloc(-1)',
    () => Buffer.alloc(-1),
    () => validators.validateNumber(-1, 'size', 0, buffer.constants.MAX_LENGTH)],
  ['Buffer.alloc(2 ** 40)',
    () => Buffer.alloc(2 ** 40),
    () => validators.validateNumber(2 ** 40, 'size', 0, buffer.constants.MAX_LENGTH)],
  ['Buffer.alloc("1")',
    () => Buffer.alloc('1'),
    () => validators.validateNumber('1', 'size')],
  ['new TLSSocket().setMaxSendFragment("x")',
    () => new tls.TLSSocket().setMaxSendFragment('x'),
    () => validators.validateInt32('x', 'size')],
  ['new TLSSocket().exportKeyingMaterial(0, "l")',
    () => new tls.TLSSocket().exportKeyingMaterial(0, 'l'),
    () => validators.validateUint32(0, 'length', true)],
  ['new TLSSocket().exportKeyingMaterial(8, "l", "ctx")',
    () => new tls.TLSSocket().exportKeyingMaterial(8, 'l', 'ctx'),
    () => validators.validateBuffer('ctx', 'context')],
  ['new TLSSocket().exportKeyingMaterial(8, "l") before handshake',
    () => new tls.TLSSocket().exportKeyingMaterial(8, 'l'),
    () => new codes.ERR_TLS_INVALID_STATE()],
  ['new TLSSocket().setServername(1)',
    () => new tls.TLSSocket().setServername(1),
    () => validators.validateString(1, 'name')],
  ['new TLSSocket().renegotiate(null)',
    () => new tls.TLSSocket().renegotiate(null),
    () => validators.validateObject(null, 'options')],
  ['new TLSSocket().renegotiate({}, 1)',
    () => new tls.TLSSocket().renegotiate({}, 1),
    () => validators.validateFunction(1, 'callback')],
  ['new TLSSocket(null, { enableTrace: 1 })',
    () => new tls.TLSSocket(null, { enableTrace: 1 }),
    () => validators.validateBoolean(1, 'options.enableTrace')],
  ['checkServerIdentity: CN mismatch',
    () => { throw tls.checkServerIdentity('a.com', { subject: { CN: 'b.com' } }); },
    () => new codes.ERR_TLS_CERT_ALTNAME_INVALID("Host: a.com. is not cert's CN: b.com", 'a.com',
                                                  { subject: { CN: 'b.com' } })],
  ['checkServerIdentity: malformed SAN',
    () => { throw tls.checkServerIdentity('a.com', { subjectaltname: 'DNS:"a' }); },
    () => new codes.ERR_TLS_CERT_ALTNAME_FORMAT()],
];

test('natural triggers: Node throws exactly what ours builds', async (t) => {
  for (const [label, trigger, build] of triggers) {
    await t.test(label, () => {
      const theirs = nodeThrows(trigger);
      // Validators throw; constructors return.
      const seen = observe(build);
      const ours = seen.threw ? seen.error : seen.returned;
      assert.deepEqual(ours, theirs);
    });
  }
});

test('genericNodeError is a plain Error with the properties assigned', () => {
  const g = observe(() => errors.genericNodeError('boom', { code: 'X', errno: 1 })).returned;
  assert.deepEqual(g, observe(() => Object.assign(new Error('boom'), { code: 'X', errno: 1 })).returned);
});

test('ConnResetException matches the ECONNRESET of a real Node TLS client', async () => {
  const server = net.createServer((s) => s.destroy());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const theirs = await new Promise((resolve) => {
      const c = tls.connect({ port: server.address().port, host: '127.0.0.1',
                              rejectUnauthorized: false });
      c.on('error', resolve);
    });
    assert.equal(theirs.code, 'ECONNRESET');
    // _tls_wrap.js's onConnectEnd() adds these four after construction.
    const ours = new errors.ConnResetException(theirs.message);
    ours.path = undefined;
    ours.host = '127.0.0.1';
    ours.port = server.address().port;
    ours.localAddress = undefined;
    const strip = ({ stack, inspect, ...rest }) => rest; // frames differ, of course
    assert.deepEqual(strip(describeError(ours)), strip(describeError(theirs)));
    assert.equal(ours.stack.split('\n')[0], theirs.stack.split('\n')[0]);
  } finally {
    server.close();
  }
});

test('stack headers carry the code; frames start at the caller', () => {
  function someCaller() { throw new codes.ERR_TLS_HANDSHAKE_TIMEOUT(); }
  assert.deepEqual(firstFrame(someCaller),
                   { header: 'Error [ERR_TLS_HANDSHAKE_TIMEOUT]: TLS handshake timeout', fn: 'someCaller' });
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
  assert.equal(errors.determineSpecificType('x'.repeat(30)), `type string ('${'x'.repeat(25)}...')`);
  assert.throws(() => new codes.ERR_TLS_DH_PARAM_SIZE(), { code: 'ERR_INTERNAL_ASSERTION' });
  assert.throws(() => new codes.ERR_SOCKET_CLOSED(1), /arguments length \(1\)/);
  assert.throws(() => new codes.ERR_INVALID_ARG_TYPE('a', 'b'), /arguments length \(2\)/);
  // a failed check inside a HideStackFramesError constructor restores Error.stackTraceLimit
  const limit = Error.stackTraceLimit;
  assert.throws(() => new codes.ERR_OUT_OF_RANGE.HideStackFramesError('a', '', 1));
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
      assert.notEqual(theirs.errors[i].missing, true, `Node has no ${code}`);
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
  const native = ['ERR_TLS_INVALID_PROTOCOL_METHOD', 'ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED',
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
