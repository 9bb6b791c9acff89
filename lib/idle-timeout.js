'use strict';
// A TLSSocket's idle timeout, as net.Socket's: setTimeout(msecs[, callback]) arms an unref'd
// timer that activity (a read, a write) restarts; when it fires the socket emits 'timeout' and
// stays open. The timer lives under kTimer; the socket's constructor and _destroy clear it.

const { codes: { ERR_OUT_OF_RANGE } } = require('./errors');
const { validateNumber, validateFunction } = require('./validators');

const TIMEOUT_MAX = 2 ** 31 - 1;
const kTimer = Symbol('kTimer');

/** Stops the idle timer, if armed (the socket is being destroyed). */
function clearIdleTimer(socket) {
  clearTimeout(socket[kTimer]);
  socket[kTimer] = null;
}

// Node's getTimerDuration (internal/timers).
function timerDuration(msecs, name) {
  validateNumber(msecs, name);
  if (msecs < 0 || !Number.isFinite(msecs)) {
    throw new ERR_OUT_OF_RANGE(name, 'a non-negative finite number', msecs);
  }
  if (msecs > TIMEOUT_MAX) {
    process.emitWarning(`${msecs} does not fit into a 32-bit signed integer.` +
                        `\nTimer duration was truncated to ${TIMEOUT_MAX}.`,
                        'TimeoutOverflowWarning');
    return TIMEOUT_MAX;
  }
  return msecs;
}

/** Adds setTimeout and the timer's hooks to TLSSocket.prototype. */
function install(proto) {
  // Unnamed: a function named setTimeout would shadow the timer function it calls.
  proto.setTimeout = function(msecs, callback) {
    if (this.destroyed) return this;
    this.timeout = msecs;
    msecs = timerDuration(msecs, 'msecs');
    clearIdleTimer(this);
    if (msecs === 0) {
      if (callback !== undefined) {
        validateFunction(callback, 'callback');
        this.removeListener('timeout', callback);
      }
    } else {
      this[kTimer] = setTimeout(() => this._onTimeout(), msecs);
      this[kTimer].unref();
      if (callback !== undefined) {
        validateFunction(callback, 'callback');
        this.once('timeout', callback);
      }
    }
    return this;
  };

  // The idle timer of setTimeout() fired.
  proto._onTimeout = function _onTimeout() {
    this.emit('timeout');
  };

  // Activity: the idle timer starts again (net's _unrefTimer does the same for net.Socket).
  proto._refreshTimer = function _refreshTimer() {
    if (this[kTimer]) this[kTimer].refresh();
  };

  proto._unrefTimer = function _unrefTimer() {
    this._refreshTimer();
  };
}

module.exports = { install, kTimer, clearIdleTimer };
