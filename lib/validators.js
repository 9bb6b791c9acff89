'use strict';

// Node 20's argument validators (lib/internal/validators.js): same checks, same errors, same
// messages. As in Node, a thrown error's stack starts at the validator's caller.

// As in Node, validators throw the HideStackFramesError variants (built without a stack, which
// fail() then captures from the validator's caller).
// (Node 18 has no such variants: its validators throw the errors themselves.)
const { codes, hideFramesAbove } = require('./errors');
const hiding = (code) => codes[code].HideStackFramesError ?? codes[code];
const ERR_INVALID_ARG_TYPE = hiding('ERR_INVALID_ARG_TYPE');
const ERR_INVALID_ARG_VALUE = hiding('ERR_INVALID_ARG_VALUE');
const ERR_OUT_OF_RANGE = hiding('ERR_OUT_OF_RANGE');
const ERR_SOCKET_BAD_PORT = hiding('ERR_SOCKET_BAD_PORT');

// Node 24 reworded validateArray's length reason and refuses the string '0' where zero is not
// allowed (lib/host-tls.js).
const node24Validators = require('./host-tls').validatorsOfNode24();

// Node 18 hides fewer of its validators' frames: these throw with the error's own frames
// (NodeError, the validator, its caller), and validateStringArray / validateBooleanArray are
// made of validateArray and validateString / validateBoolean there.
const node18 = require('./host-tls').plainNodeErrorMark() !== null;

// Returns `err` with its stack starting below `fn` (where the running Node hides `fn`).
function fail(err, fn) {
  if (node18 && UNHIDDEN_ON_NODE_18.has(fn)) return err;
  hideFramesAbove(err, fn);
  return err;
}

function isInt32(value) {
  return value === (value | 0);
}

function isUint32(value) {
  return value === (value >>> 0);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw fail(new ERR_INVALID_ARG_TYPE(name, 'string', value), validateString);
}

function validateNumber(value, name, min = undefined, max) {
  if (typeof value !== 'number') throw fail(new ERR_INVALID_ARG_TYPE(name, 'number', value), validateNumber);
  if ((min != null && value < min) || (max != null && value > max) ||
      ((min != null || max != null) && Number.isNaN(value))) {
    const range = `${min != null ? `>= ${min}` : ''}${min != null && max != null ? ' && ' : ''}` +
                  `${max != null ? `<= ${max}` : ''}`;
    throw fail(new ERR_OUT_OF_RANGE(name, range, value), validateNumber);
  }
}

function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw fail(new ERR_INVALID_ARG_TYPE(name, 'number', value), validateInteger);
  if (!Number.isInteger(value)) throw fail(new ERR_OUT_OF_RANGE(name, 'an integer', value), validateInteger);
  if (value < min || value > max) {
    throw fail(new ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value), validateInteger);
  }
}

function validateInt32(value, name, min = -2147483648, max = 2147483647) {
  if (typeof value !== 'number') throw fail(new ERR_INVALID_ARG_TYPE(name, 'number', value), validateInt32);
  if (!Number.isInteger(value)) throw fail(new ERR_OUT_OF_RANGE(name, 'an integer', value), validateInt32);
  if (value < min || value > max) {
    throw fail(new ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value), validateInt32);
  }
}

function validateUint32(value, name, positive = false) {
  if (typeof value !== 'number') throw fail(new ERR_INVALID_ARG_TYPE(name, 'number', value), validateUint32);
  if (!Number.isInteger(value)) throw fail(new ERR_OUT_OF_RANGE(name, 'an integer', value), validateUint32);
  const min = positive ? 1 : 0;
  const max = 4294967295;
  if (value < min || value > max) {
    throw fail(new ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value), validateUint32);
  }
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw fail(new ERR_INVALID_ARG_TYPE(name, 'boolean', value), validateBoolean);
}

const kValidateObjectNone = 0;
const kValidateObjectAllowNullable = 1 << 0;
const kValidateObjectAllowArray = 1 << 1;
const kValidateObjectAllowFunction = 1 << 2;
const kValidateObjectAllowObjects = kValidateObjectAllowArray | kValidateObjectAllowFunction;
const kValidateObjectAllowObjectsAndNull = kValidateObjectAllowNullable |
  kValidateObjectAllowArray | kValidateObjectAllowFunction;

// `options` is a bit set of kValidateObjectAllow* (Node 20.20's form). The older form, an
// object `{ nullable, allowArray, allowFunction }`, is accepted too.
function validateObject(value, name, options = kValidateObjectNone) {
  // Node 18 knows only the object form: a number there has none of its properties.
  if (node18 && (options === null || typeof options !== 'object')) options = kValidateObjectNone;
  if (options !== null && typeof options === 'object') {
    options = (options.nullable ? kValidateObjectAllowNullable : 0) |
              (options.allowArray ? kValidateObjectAllowArray : 0) |
              (options.allowFunction ? kValidateObjectAllowFunction : 0);
  }
  let ok;
  if (options === kValidateObjectNone) {
    ok = value !== null && !Array.isArray(value) && typeof value === 'object';
  } else {
    const type = typeof value;
    ok = !((options & kValidateObjectAllowNullable) === 0 && value === null) &&
         !((options & kValidateObjectAllowArray) === 0 && Array.isArray(value)) &&
         !(type !== 'object' &&
           ((options & kValidateObjectAllowFunction) === 0 || type !== 'function'));
  }
  if (!ok) throw fail(new ERR_INVALID_ARG_TYPE(name, 'Object', value), validateObject);
}

function validateDictionary(value, name) {
  if (value != null && typeof value !== 'object' && typeof value !== 'function') {
    throw fail(new ERR_INVALID_ARG_TYPE(name, 'a dictionary', value), validateDictionary);
  }
}

function validateArray(value, name, minLength = 0) {
  if (!Array.isArray(value)) throw fail(new ERR_INVALID_ARG_TYPE(name, 'Array', value), validateArray);
  if (value.length < minLength) {
    const reason = node24Validators ? `must have a length of at least ${minLength}` : `must be longer than ${minLength}`;
    throw fail(new ERR_INVALID_ARG_VALUE(name, value, reason), validateArray);
  }
}

function validateStringArray(value, name) {
  if (node18) {
    validateArray(value, name);
    for (let i = 0; i < value.length; i++) validateString(value[i], `${name}[${i}]`);
    return;
  }
  if (!Array.isArray(value)) {
    throw fail(new ERR_INVALID_ARG_TYPE(name, 'Array', value), validateStringArray);
  }
  for (let i = 0; i < value.length; ++i) {
    if (typeof value[i] !== 'string') {
      throw fail(new ERR_INVALID_ARG_TYPE(`${name}[${i}]`, 'string', value[i]), validateStringArray);
    }
  }
}

function validateBooleanArray(value, name) {
  if (node18) {
    validateArray(value, name);
    for (let i = 0; i < value.length; i++) validateBoolean(value[i], `${name}[${i}]`);
    return;
  }
  if (!Array.isArray(value)) {
    throw fail(new ERR_INVALID_ARG_TYPE(name, 'Array', value), validateBooleanArray);
  }
  for (let i = 0; i < value.length; ++i) {
    if (value[i] !== true && value[i] !== false) {
      throw fail(new ERR_INVALID_ARG_TYPE(`${name}[${i}]`, 'boolean', value[i]), validateBooleanArray);
    }
  }
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw fail(new ERR_INVALID_ARG_TYPE(name, 'Function', value), validateFunction);
}

function validateUndefined(value, name) {
  if (value !== undefined) throw fail(new ERR_INVALID_ARG_TYPE(name, 'undefined', value), validateUndefined);
}

function validateBuffer(buffer, name = 'buffer') {
  if (!ArrayBuffer.isView(buffer)) {
    throw fail(new ERR_INVALID_ARG_TYPE(name, ['Buffer', 'TypedArray', 'DataView'], buffer),
               validateBuffer);
  }
}

function validateOneOf(value, name, oneOf) {
  if (!oneOf.includes(value)) {
    const allowed = oneOf.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
    throw fail(new ERR_INVALID_ARG_VALUE(name, value, 'must be one of: ' + allowed), validateOneOf);
  }
}

// Node 20 does not wrap this one in hideStackFrames, so its error keeps the empty stack the
// HideStackFramesError variant is built with (header only, no frames). Reproduced as is.
function validateUnion(value, name, union) {
  if (!union.includes(value)) {
    throw new ERR_INVALID_ARG_TYPE(name, `('${union.join('|')}')`, value);
  }
}

function validateAbortSignal(signal, name) {
  if (signal !== undefined &&
      (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw fail(new ERR_INVALID_ARG_TYPE(name, 'AbortSignal', signal), validateAbortSignal);
  }
}

// Accepts a number or a numeric string that is an integer in [0, 65535] (0 only with
// allowZero); returns it as a number.
function validatePort(port, name = 'Port', allowZero = true) {
  if ((typeof port !== 'number' && typeof port !== 'string') ||
      (typeof port === 'string' && port.trim().length === 0) ||
      +port !== (+port >>> 0) ||
      port > 0xFFFF ||
      ((node24Validators ? +port : port) === 0 && !allowZero)) {
    throw fail(new ERR_SOCKET_BAD_PORT(name, port, allowZero), validatePort);
  }
  return port | 0;
}

const UNHIDDEN_ON_NODE_18 = new Set([validateString, validateNumber, validateBoolean, validatePort]);

module.exports = {
  isInt32,
  isUint32,
  kValidateObjectNone,
  kValidateObjectAllowNullable,
  kValidateObjectAllowArray,
  kValidateObjectAllowFunction,
  kValidateObjectAllowObjects,
  kValidateObjectAllowObjectsAndNull,
  validateAbortSignal,
  validateArray,
  validateBoolean,
  validateBooleanArray,
  validateBuffer,
  validateDictionary,
  validateFunction,
  validateInt32,
  validateInteger,
  validateNumber,
  validateObject,
  validateOneOf,
  validatePort,
  validateString,
  validateStringArray,
  validateUint32,
  validateUndefined,
  validateUnion,
};
