'use strict';
// Output held back, where Node's TLSWrap sends nothing (its EncOut returns early): while a
// server's 'newSession' callback is pending (Node's awaiting_new_session_, lib/sessions.js), and,
// on Node 24, while the step that completed a handshake is still running (lib/host-tls.js
// secureStepHoldsOutput). The ciphertext waits in the connection (or the native transport); the
// write callbacks wait here (socket.js's _flushCiphertext appends them) until the last reason
// goes; destroy() fails them.

const { codes: { ERR_SOCKET_CLOSED } } = require('./errors');
const hostTls = require('./host-tls');
const { systemError } = require('./native');

/** Why the output is held: bits of kReasons. */
const HOLD_NEW_SESSION = 1;
const HOLD_SECURE_STEP = 2;

// The write callbacks waiting while the output is held; null when it is not.
const kHeldOutput = Symbol('kHeldOutput');
const kReasons = Symbol('kHoldReasons');
// end()'s shutdowns waiting for the handshake's step to finish (Node 24).
const kAfterSecureStep = Symbol('kAfterSecureStep');
// The write callbacks of a step's held output the socket's destroy() cut short (Node 24).
const kCancelledWrites = Symbol('kCancelledWrites');

/** Adds the hold's methods to TLSSocket.prototype. */
function install(proto) {
  /** TLSSocket constructor: nothing held. */
  proto._initHeldOutput = function _initHeldOutput() {
    this[kHeldOutput] = null;
    this[kReasons] = 0;
    this[kAfterSecureStep] = null;
    this[kCancelledWrites] = null;
  };

  /** Holds the output for `reason` (HOLD_*) until _releaseHeldOutput(reason). */
  proto._holdOutput = function _holdOutput(reason) {
    this[kReasons] |= reason;
    if (this[kHeldOutput]) return;
    this[kHeldOutput] = [];
    this._holdNativeOutput(true);
  };

  /**
   * `reason` no longer holds the output; once none does, the held output is sent and the write
   * callbacks collected meanwhile run when it is.
   */
  proto._releaseHeldOutput = function _releaseHeldOutput(reason) {
    this[kReasons] &= ~reason;
    const callbacks = this[kHeldOutput];
    if (this[kReasons] !== 0 || !callbacks) return;
    this[kHeldOutput] = null;
    this._holdNativeOutput(false);
    let cb = null;
    if (callbacks.length === 1) cb = callbacks[0];
    else if (callbacks.length > 1) cb = (err) => { for (const f of callbacks) f(err); };
    this._flushCiphertext(cb, cb !== null);
  };

  /**
   * Destroyed while the output was held: the write callbacks fail — with ERR_SOCKET_CLOSED, or
   * when the handshake's step held it, with the 'write EBADF' Node 24's TLSWrap gets once the
   * step is over (it writes to the closed socket then).
   */
  proto._dropHeldOutput = function _dropHeldOutput() {
    const callbacks = this[kHeldOutput];
    const reasons = this[kReasons];
    this[kHeldOutput] = null;
    this[kReasons] = 0;
    this[kAfterSecureStep] = null;
    if (!callbacks) return;
    if (reasons & HOLD_SECURE_STEP) {
      this[kCancelledWrites] = callbacks;
      return;
    }
    for (const cb of callbacks) cb(new ERR_SOCKET_CLOSED());
  };

  /**
   * A step completed a handshake. On Node 24 its output (the last flight) and what its 'secure'
   * handlers write go out once the callback that ran them is over: Node sends them when the
   * callback returns to its C++, after the nextTick and microtask queues drained.
   */
  proto._holdSecureStep = function _holdSecureStep() {
    if (!hostTls.secureStepHoldsOutput() || (this[kReasons] & HOLD_SECURE_STEP) !== 0) return;
    this._holdOutput(HOLD_SECURE_STEP);
    afterCallback(releaseSecureStep, this);
  };

  /** Whether a shutdown must wait for the handshake's step: then `fn` runs once it is over. */
  proto._waitForSecureStep = function _waitForSecureStep(fn) {
    if ((this[kReasons] & HOLD_SECURE_STEP) === 0) return false;
    (this[kAfterSecureStep] ??= []).push(fn);
    return true;
  };
}

/**
 * Runs fn(arg) once the callback running now is over, as far as JS can see it: after the ticks
 * queued so far, the ticks those queue, and the microtasks queued meanwhile. (A later turn,
 * setImmediate, would let the other I/O callbacks of this loop turn run first.)
 */
function afterCallback(fn, arg) {
  process.nextTick(() => process.nextTick(() => queueMicrotask(() => fn(arg))));
}

function releaseSecureStep(socket) {
  const cancelled = socket[kCancelledWrites];
  if (cancelled) {
    socket[kCancelledWrites] = null;
    for (const cb of cancelled) cb(systemError('EBADF', 'write'));
    return;
  }
  if ((socket[kReasons] & HOLD_SECURE_STEP) === 0) return;
  const waiting = socket[kAfterSecureStep];
  socket[kAfterSecureStep] = null;
  socket._releaseHeldOutput(HOLD_SECURE_STEP);
  if (waiting) for (const fn of waiting) fn();
}

module.exports = { kHeldOutput, HOLD_NEW_SESSION, install };
