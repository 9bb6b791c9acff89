'use strict';

// Node 20's error shapes, as user code observes them.
//
// `new codes.ERR_X(...args)` builds the same error Node's internal `new ERR_X(...args)` does
// (lib/internal/errors.js): same class (`instanceof`, `err.constructor`), own enumerable `code`,
// non-enumerable `message`, inherited `name`, `String(err)` and a stack header of the form
// `TypeError [ERR_X]: message`. Messages are Node 20's, word for word.
//
// A few codes are thrown by Node's C++ layer rather than by lib/ (ERR_TLS_INVALID_PROTOCOL_METHOD,
// ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED, ERR_CRYPTO_INVALID_KEYLEN, ERR_CRYPTO_OPERATION_FAILED).
// Those look different and are reproduced as such: a plain `TypeError`/`Error` with an own `code`
// and no `[code]` in the stack header. `nativeError()` builds any other error of that shape.

const { format, inspect } = require('util');

const messages = new Map();
const codes = {};
// NodeError prototype -> [base class name, code]; lets hideFramesAbove() keep the header.
const codedPrototypes = new WeakMap();

// ---- helpers ---------------------------------------------------------------------------

// Rewrites `err.stack` so that its header reads `Name [CODE]: message` (as Node's own
// prepareStackTrace does for its errors) and, when `belowFn` is given, so that the frames start
// below `belowFn` (what Node's hideStackFrames achieves).
function setStackWithCode(err, name, code, belowFn) {
  err.name = `${name} [${code}]`;
  if (belowFn !== undefined && Error.stackTraceLimit) Error.captureStackTrace(err, belowFn);
  err.stack; // eslint-disable-line no-unused-expressions -- formats the stack now, with the name above
  delete err.name;
}

// Node's internal assert(): a failed check throws ERR_INTERNAL_ASSERTION (a caller bug).
function assertInternal(value, message) {
  if (!value) throw new codes.ERR_INTERNAL_ASSERTION(message);
}

function checkArgCount(code, got, want, exact) {
  assertInternal(exact ? got === want : got >= want,
                 `Code: ${code}; The provided arguments length (${got}) does not ` +
                 `match the required ones (${want}).`);
}

function countFormatSpecifiers(msg) {
  const m = msg.match(/%[dfijoOs]/g);
  return m === null ? 0 : m.length;
}

// Node 18 builds its errors differently (lib/host-tls.js): `codes.ERR_X` is a function returning
// a plain `new Base()` with own, non-enumerable `message` and `toString`, the internal
// kIsNodeError mark (by which Node's prepareStackTrace puts `[CODE]` in the stack header), the
// stack captured, then an own `code` — no class of its own, no
// HideStackFramesError variants. The mark is Node's own symbol, read off one of its errors.
const hostTls = require('./host-tls');
const kIsNodeError = hostTls.plainNodeErrorMark();

function node18Message(code, args, self) {
  const msg = messages.get(code);
  if (typeof msg === 'function') {
    checkArgCount(code, args.length, msg.length, false);
    return msg.apply(self, args);
  }
  const expected = countFormatSpecifiers(msg);
  checkArgCount(code, args.length, expected, true);
  return args.length === 0 ? msg : format(msg, ...args);
}

function makeNode18Error(Base, code) {
  return function NodeError(...args) {
    const writable = isErrorStackTraceLimitWritable();
    const limit = Error.stackTraceLimit;
    if (writable) Error.stackTraceLimit = 0;
    const error = new Base();
    if (writable) Error.stackTraceLimit = limit;
    const message = node18Message(code, args, error);
    Object.defineProperties(error, {
      [kIsNodeError]: { __proto__: null, value: true, enumerable: false, writable: false, configurable: true },
      message: { __proto__: null, value: message, enumerable: false, writable: true, configurable: true },
      toString: {
        __proto__: null,
        value() { return `${this.name} [${code}]: ${this.message}`; },
        enumerable: false,
        writable: true,
        configurable: true,
      },
    });
    // Node captures without a limit, then its prepareStackTrace keeps the user's limit of frames
    // below its own hidden ones, which leaves this function's frame first (a hiding validator
    // then re-captures below itself).
    Error.captureStackTrace(error);
    error.code = code;
    return error;
  };
}

// Builds the class for one (code, base) pair. The three shapes follow Node 20 exactly, including
// the order in which own properties appear (stack, message, code / stack, code, ..., message).
function makeNodeErrorClass(Base, code) {
  const msg = messages.get(code);
  const baseName = Base.name;
  let NodeError;

  if (typeof msg === 'function') {
    NodeError = class NodeError extends Base {
      code = code;

      constructor(...args) {
        super();
        checkArgCount(code, args.length, msg.length, false);
        Object.defineProperty(this, 'message', {
          __proto__: null,
          value: msg.apply(this, args),
          enumerable: false,
          writable: true,
          configurable: true,
        });
        setStackWithCode(this, baseName, code);
      }
    };
  } else {
    const expected = countFormatSpecifiers(msg);
    NodeError = class NodeError extends Base {
      code = code;

      constructor(...args) {
        checkArgCount(code, args.length, expected, true);
        super(expected === 0 ? msg : format(msg, ...args));
        setStackWithCode(this, baseName, code);
      }
    };
  }

  Object.defineProperties(NodeError.prototype, {
    // Node reports the base class as the constructor (`err.constructor === TypeError`).
    constructor: {
      __proto__: null,
      get() { return Base; },
      enumerable: false,
      configurable: true,
    },
    toString: {
      __proto__: null,
      value: function toString() { return `${this.name} [${code}]: ${this.message}`; },
      enumerable: false,
      writable: true,
      configurable: true,
    },
  });
  codedPrototypes.set(NodeError.prototype, [baseName, code]);
  return NodeError;
}

// Marker for E(): the code also gets a `.HideStackFramesError` variant, as in Node 20. That
// subclass is built without a stack (the thrower re-captures it; see hideFramesAbove) and is
// what Node's validators throw.
class HideStackFramesError extends Error {}

function isErrorStackTraceLimitWritable() {
  const desc = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  if (desc === undefined) return Object.isExtensible(Error);
  return Object.prototype.hasOwnProperty.call(desc, 'writable') ? desc.writable : desc.set !== undefined;
}

function makeHideStackFramesClass(Klass, Base) {
  const HideStackFramesError = class HideStackFramesError extends Klass {
    constructor(...args) {
      if (isErrorStackTraceLimitWritable()) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          super(...args);
        } finally {
          Error.stackTraceLimit = limit;
        }
      } else {
        super(...args);
      }
    }
  };
  Object.defineProperty(HideStackFramesError.prototype, 'constructor', {
    __proto__: null,
    get() { return Base; },
    enumerable: false,
    configurable: true,
  });
  codedPrototypes.set(HideStackFramesError.prototype, codedPrototypes.get(Klass.prototype));
  return HideStackFramesError;
}

// E(code, message, Base, ...otherBases): registers `codes[code]`; `codes[code][Other.name]` for
// each extra base (e.g. `new codes.ERR_INVALID_ARG_VALUE.RangeError(...)`), and the
// `.HideStackFramesError` variants when HideStackFramesError is listed.
function E(code, message, Base, ...otherBases) {
  messages.set(code, message);
  if (kIsNodeError !== null) {
    const make = makeNode18Error(Base, code);
    for (const Other of otherBases) if (Other !== HideStackFramesError) make[Other.name] = makeNode18Error(Other, code);
    codes[code] = make;
    return;
  }
  const Klass = makeNodeErrorClass(Base, code);
  const hide = otherBases.includes(HideStackFramesError);
  for (const Other of otherBases) {
    if (Other === HideStackFramesError) continue;
    const Variant = makeNodeErrorClass(Other, code);
    if (hide) Variant.HideStackFramesError = makeHideStackFramesClass(Variant, Other);
    Klass[Other.name] = Variant;
  }
  if (hide) Klass.HideStackFramesError = makeHideStackFramesClass(Klass, Base);
  codes[code] = Klass;
}

// Only for integers (as in Node): '-1234567' -> '-1_234_567'.
function addNumericalSeparator(val) {
  let res = '';
  let i = val.length;
  const start = val[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}

// 'A', 'A or B', 'A, B, or C' (Node's formatList).
function formatList(array, type = 'and') {
  switch (array.length) {
    case 0: return '';
    case 1: return `${array[0]}`;
    case 2: return `${array[0]} ${type} ${array[1]}`;
    default:
      return `${array.slice(0, -1).join(', ')}, ${type} ${array[array.length - 1]}`;
  }
}

// How Node describes the received value in type errors: "type number (1)", "an instance of Foo",
// "function bar", "null", ...
// How the running Node describes a received value ("Received ..." in its messages) changed
// between versions (18: inspect() for most types; 24: a constructor name must be a non-empty
// string). For objects, functions and the other non-string values, Node's own description is
// read off an ERR_INVALID_ARG_TYPE that Node's path.basename() throws for the value.
const kReceivedPrefix = 'The "path" argument must be of type string. Received ';
// A string's description is read off Buffer.alloc()'s (18 quotes before it truncates, 20+ after).
const kSizeReceivedPrefix = 'The "size" argument must be of type number. Received ';
function determineSpecificType(value) {
  if (typeof value === 'string') {
    try {
      Buffer.alloc(value);
    } catch (err) {
      if (err?.code === 'ERR_INVALID_ARG_TYPE' && err.message.startsWith(kSizeReceivedPrefix)) {
        return err.message.slice(kSizeReceivedPrefix.length);
      }
    }
  }
  if (value !== null && value !== undefined && typeof value !== 'string') {
    try {
      require('node:path').basename(value);
    } catch (err) {
      if (err?.code === 'ERR_INVALID_ARG_TYPE' && err.message.startsWith(kReceivedPrefix)) {
        return err.message.slice(kReceivedPrefix.length);
      }
    }
  }
  return ownSpecificType(value);
}

// Node 20's determineSpecificType (lib/internal/errors.js).
function ownSpecificType(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const type = typeof value;
  switch (type) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return 1 / value === -Infinity ? 'type number (-0)' : 'type number (0)';
      if (Number.isNaN(value)) return 'type number (NaN)';
      if (value === Infinity) return 'type number (Infinity)';
      if (value === -Infinity) return 'type number (-Infinity)';
      return `type number (${value})`;
    case 'boolean':
      return value ? 'type boolean (true)' : 'type boolean (false)';
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object':
      if (value.constructor && 'name' in value.constructor) {
        return `an instance of ${value.constructor.name}`;
      }
      return `${inspect(value, { depth: -1 })}`;
    case 'string':
      if (value.length > 28) value = `${value.slice(0, 25)}...`;
      if (value.indexOf("'") === -1) return `type string ('${value}')`;
      return `type string (${JSON.stringify(value)})`;
    default: {
      let shown = inspect(value, { colors: false });
      if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
      return `type ${type} (${shown})`;
    }
  }
}

// Types written in lower case in the message; 'Function'/'Object' are accepted spellings.
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean',
  'bigint', 'symbol'];
const classRegExp = /^[A-Z][a-zA-Z0-9]*$/;

function invalidArgTypeMessage(name, expected, actual) {
  assertInternal(typeof name === 'string', "'name' must be a string");
  if (!Array.isArray(expected)) expected = [expected];

  let msg = 'The ';
  if (name.endsWith(' argument')) {
    msg += `${name} `; // e.g. 'first argument'
  } else {
    msg += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  }
  msg += 'must be ';

  const types = [];
  const instances = [];
  const other = [];
  for (const value of expected) {
    assertInternal(typeof value === 'string', 'All expected entries have to be of type string');
    if (kTypes.includes(value)) {
      types.push(value.toLowerCase());
    } else if (classRegExp.test(value)) {
      instances.push(value);
    } else {
      assertInternal(value !== 'object', 'The value "object" should be written as "Object"');
      other.push(value);
    }
  }

  // With instances allowed, 'object' is listed among them as 'Object'.
  if (instances.length > 0) {
    const pos = types.indexOf('object');
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push('Object');
    }
  }

  if (types.length > 0) {
    msg += `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types, 'or')}`;
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances, 'or')}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) {
      msg += `one of ${formatList(other, 'or')}`;
    } else {
      if (other[0].toLowerCase() !== other[0]) msg += 'an ';
      msg += `${other[0]}`;
    }
  }
  return `${msg}. Received ${determineSpecificType(actual)}`;
}

// ---- Node 20 codes (lib/internal/errors.js) -----------------------------------------------
// Function messages keep Node's arity (default parameters do not count) because the arity is
// what the argument-count check uses.

E('ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED', 'Custom engines not supported by this OpenSSL', Error);
E('ERR_CRYPTO_ENGINE_UNKNOWN', 'Engine "%s" was not found', Error);
E('ERR_CRYPTO_INCOMPATIBLE_KEY', 'Incompatible %s: %s', Error);
E('ERR_CRYPTO_INVALID_DIGEST', 'Invalid digest: %s', TypeError);
E('ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE', 'Invalid key object type %s, expected %s.', TypeError);
E('ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation %s', Error);
E('ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor', TypeError);
E('ERR_INCOMPATIBLE_OPTION_PAIR',
  'Option "%s" cannot be used in combination with option "%s"', TypeError, HideStackFramesError);
E('ERR_INTERNAL_ASSERTION', (message) => {
  const suffix = 'This is caused by either a bug in Node.js ' +
    'or incorrect usage of Node.js internals.\n' +
    'Please open an issue with this stack trace at ' +
    'https://github.com/nodejs/node/issues\n';
  return message === undefined ? suffix : `${message}\n${suffix}`;
}, Error);
E('ERR_INVALID_ADDRESS_FAMILY', function(addressType, host, port) {
  this.host = host;
  this.port = port;
  return `Invalid address family: ${addressType} ${host}:${port}`;
}, RangeError);
E('ERR_INVALID_ARG_TYPE', (name, expected, actual) =>
  invalidArgTypeMessage(name, expected, actual), TypeError, HideStackFramesError);
E('ERR_INVALID_ARG_VALUE', (name, value, reason = 'is invalid') => {
  let inspected = inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return `The ${type} '${name}' ${reason}. Received ${inspected}`;
}, TypeError, RangeError, HideStackFramesError);
E('ERR_INVALID_FD', '"fd" must be a positive integer: %s', RangeError);
E('ERR_INVALID_FD_TYPE', 'Unsupported fd type: %s', TypeError);
E('ERR_INVALID_HANDLE_TYPE', 'This handle type cannot be sent', TypeError);
E('ERR_INVALID_IP_ADDRESS', 'Invalid IP address: %s', TypeError);
E('ERR_INVALID_RETURN_PROPERTY', (input, name, prop, value) =>
  `Expected a valid ${input} to be returned for the "${prop}" from the` +
  ` "${name}" hook but got ${determineSpecificType(value)}.`, TypeError);
E('ERR_INVALID_RETURN_PROPERTY_VALUE', (input, name, prop, value) =>
  `Expected ${input} to be returned for the "${prop}" from the` +
  ` "${name}" hook but got ${determineSpecificType(value)}.`, TypeError);
E('ERR_INVALID_RETURN_VALUE', (input, name, value) =>
  `Expected ${input} to be returned from the "${name}"` +
  ` function but got ${determineSpecificType(value)}.`, TypeError, RangeError);
E('ERR_INVALID_STATE', 'Invalid state: %s', Error, TypeError, RangeError);
E('ERR_INVALID_THIS', 'Value of "this" must be of type %s', TypeError,
  ...(hostTls.invalidThisHidesStackFrames() ? [HideStackFramesError] : []));
E('ERR_METHOD_NOT_IMPLEMENTED', 'The %s method is not implemented', Error);
E('ERR_MISSING_ARGS', (...args) => {
  assertInternal(args.length > 0, 'At least one arg needs to be specified');
  const wrap = (a) => `"${a}"`;
  const parts = args.map((a) => (Array.isArray(a) ? a.map(wrap).join(' or ') : wrap(a)));
  return `The ${formatList(parts)} argument${args.length > 1 ? 's' : ''} must be specified`;
}, TypeError);
E('ERR_MISSING_OPTION', '%s is required', TypeError);
E('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times', Error);
E('ERR_OUT_OF_RANGE', (str, range, input, replaceDefaultBoolean = false) => {
  assertInternal(range, 'Missing "range" argument');
  let msg = replaceDefaultBoolean ? str : `The value of "${str}" is out of range.`;
  let received;
  if (Number.isInteger(input) && Math.abs(input) > 2 ** 32) {
    received = addNumericalSeparator(String(input));
  } else if (typeof input === 'bigint') {
    received = String(input);
    if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
    received += 'n';
  } else {
    received = inspect(input);
  }
  msg += ` It must be ${range}. Received ${received}`;
  return msg;
}, RangeError, HideStackFramesError);
E('ERR_SERVER_ALREADY_LISTEN',
  'Listen method has been called more than once without closing.', Error);
E('ERR_SERVER_NOT_RUNNING', 'Server is not running.', Error);
E('ERR_SOCKET_BAD_PORT', (name, port, allowZero = true) => {
  assertInternal(typeof allowZero === 'boolean',
                 "The 'allowZero' argument must be of type boolean.");
  const operator = allowZero ? '>=' : '>';
  return `${name} should be ${operator} 0 and < 65536. Received ${determineSpecificType(port)}.`;
}, RangeError, HideStackFramesError);
E('ERR_SOCKET_CLOSED', 'Socket is closed', Error);
E('ERR_SOCKET_CLOSED_BEFORE_CONNECTION',
  'Socket closed before the connection was established', Error);
// Node 20's (autoSelectFamily); Node 18 has no such code.
if (kIsNodeError === null) E('ERR_SOCKET_CONNECTION_TIMEOUT', 'Socket connection timeout', Error);
E('ERR_STREAM_ALREADY_FINISHED', 'Cannot call %s after a stream was finished', Error);
E('ERR_STREAM_CANNOT_PIPE', 'Cannot pipe, not readable', Error);
E('ERR_STREAM_DESTROYED', 'Cannot call %s after a stream was destroyed', Error);
E('ERR_STREAM_NULL_VALUES', 'May not write null values to stream', TypeError);
E('ERR_STREAM_PREMATURE_CLOSE', 'Premature close', Error);
E('ERR_STREAM_PUSH_AFTER_EOF', 'stream.push() after EOF', Error);
E('ERR_STREAM_UNSHIFT_AFTER_END_EVENT', 'stream.unshift() after end event', Error);
E('ERR_STREAM_WRAP', 'Stream has StringDecoder set or is in objectMode', Error);
// (Node 26 adds a TypeError variant, for its new stream iterators.)
E('ERR_STREAM_WRITE_AFTER_END', 'write after end', Error,
  ...(hostTls.writeAfterEndHasTypeError() ? [TypeError] : []));
E('ERR_TLS_ALPN_CALLBACK_INVALID_RESULT', (value, protocols) =>
  `ALPN callback returned a value (${value}) that did not match any of the client's ` +
  `offered protocols (${protocols.join(', ')})`, TypeError);
E('ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS',
  'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive', TypeError);
E('ERR_TLS_CERT_ALTNAME_FORMAT', 'Invalid subject alternative name string', SyntaxError);
E('ERR_TLS_CERT_ALTNAME_INVALID', function(reason, host, cert) {
  this.reason = reason;
  this.host = host;
  this.cert = cert;
  return `Hostname/IP does not match certificate's altnames: ${reason}`;
}, Error);
E('ERR_TLS_DH_PARAM_SIZE', 'DH parameter size %s is less than 2048', Error);
E('ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout', Error);
E('ERR_TLS_INVALID_CONTEXT', '%s must be a SecureContext', TypeError);
E('ERR_TLS_INVALID_PROTOCOL_VERSION', '%j is not a valid %s TLS protocol version', TypeError);
E('ERR_TLS_INVALID_STATE', 'TLS socket connection must be securely established', Error);
E('ERR_TLS_PROTOCOL_VERSION_CONFLICT',
  'TLS protocol version %j conflicts with secureProtocol %j', TypeError);
E('ERR_TLS_RENEGOTIATION_DISABLED', 'TLS session renegotiation disabled for this socket', Error);
E('ERR_TLS_REQUIRED_SERVER_NAME',
  '"servername" is required parameter for Server.addContext', Error);
E('ERR_TLS_SESSION_ATTACK', 'TLS session renegotiation attack detected', Error);
E('ERR_TLS_SNI_FROM_SERVER', 'Cannot issue SNI from a TLS server-side socket', Error);
E('ERR_UNHANDLED_ERROR', (err = undefined) => {
  const msg = 'Unhandled error.';
  if (err === undefined) return msg;
  return `${msg} (${err})`;
}, Error);

// ---- codes thrown by Node's C++ layer (src/node_errors.h) -----------------------------------

// An error shaped like Node's C++ `THROW_ERR_*`: `new Base(message)` plus an own `code`; the
// stack header has no `[code]` and `err.constructor` is the plain base class.
function nativeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

// Constructible as `new codes.ERR_X(...)` (a constructor returning an object yields that object).
function defineNative(code, Base, makeMessage) {
  const fn = {
    [code]: function(...args) {
      const err = nativeError(Base, code, makeMessage(...args));
      // Drop this helper's frame, as Node's native errors start at the JS caller.
      if (Error.stackTraceLimit) Error.captureStackTrace(err, fn);
      return err;
    },
  }[code];
  codes[code] = fn;
}

// Node: THROW_ERR_TLS_INVALID_PROTOCOL_METHOD(env, "Unknown method: %s", method)
defineNative('ERR_TLS_INVALID_PROTOCOL_METHOD', TypeError,
             (method) => `Unknown method: ${method}`);
// The misspelling is Node 18-22's own code; Node 24 spells it right (lib/host-tls.js).
defineNative('ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED', Error,
             (message = 'Failed to set PSK identity hint') => message);
defineNative('ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED', Error,
             (message = 'Failed to set PSK identity hint') => message);
defineNative('ERR_CRYPTO_INVALID_KEYLEN', RangeError,
             (message = 'Invalid key length') => message);
defineNative('ERR_CRYPTO_OPERATION_FAILED', Error,
             (message = 'Operation failed') => message);

// ---- other error helpers ------------------------------------------------------------------

// Node's ConnResetException: `new ConnResetException('socket hang up')` is a plain Error with
// `code: 'ECONNRESET'` (`err.constructor === Error`).
// Node 18's connResetException(msg) is a plain `new Error(msg)` with that code.
class ConnResetException extends Error {
  constructor(msg) {
    if (kIsNodeError !== null) {
      const plain = new Error(msg);
      plain.code = 'ECONNRESET';
      return plain; // eslint-disable-line no-constructor-return
    }
    super(msg);
    this.code = 'ECONNRESET';
  }
}
Object.defineProperty(ConnResetException.prototype, 'constructor', {
  __proto__: null,
  get() { return Error; },
  enumerable: false,
  configurable: true,
});

// Node's genericNodeError(message, props): `new Error(message)` with `props` assigned onto it.
function genericNodeError(message, errorProperties) {
  const err = new Error(message);
  Object.assign(err, errorProperties);
  if (Error.stackTraceLimit) Error.captureStackTrace(err, genericNodeError);
  return err;
}

// Node's hideStackFrames(fn): errors thrown inside `fn` get stacks that start at fn's caller.
function hideStackFrames(fn) {
  function wrappedFn(...args) {
    try {
      return Reflect.apply(fn, this, args);
    } catch (error) {
      if (error !== null && typeof error === 'object') hideFramesAbove(error, wrappedFn);
      throw error;
    }
  }
  wrappedFn.withoutStackTrace = fn;
  return wrappedFn;
}

// Re-captures `err`'s stack below `fn`, keeping the `Name [CODE]:` header of coded errors.
function hideFramesAbove(err, fn) {
  if (!Error.stackTraceLimit) return;
  const coded = codedPrototypes.get(Object.getPrototypeOf(err));
  if (coded !== undefined && !Object.prototype.hasOwnProperty.call(err, 'name')) {
    setStackWithCode(err, coded[0], coded[1], fn);
  } else {
    Error.captureStackTrace(err, fn);
  }
}

module.exports = {
  codes,
  assertInternal,
  ConnResetException,
  addNumericalSeparator,
  determineSpecificType,
  formatList,
  genericNodeError,
  hideStackFrames,
  hideFramesAbove,
  nativeError,
};
