'use strict';
// The 'keylog' event: NSS key-log lines (Buffers ending in '\n') for a TLSSocket, and
// ('keylog', line, tlsSocket) for a Server. As in Node, the native session produces lines only
// once a 'keylog' listener is added (Node's keylogNewListener); the lines themselves arrive as
// session events (lib/dispatch.js emits them). Node's --tls-keylog=file flag appends
// every socket's lines to that file, for tls-rs sockets too. Beyond Node: the SSLKEYLOGFILE
// environment variable (as curl and browsers read it) does the same through one file.

const { appendFile, openSync, write, writeSync } = require('node:fs');
const { nodeOptionValue } = require('./node-options');
const { kSession } = require('./symbols');

let warnOnTlsKeylog = true;
let warnOnTlsKeylogError = true;
let warnOnSslKeylog = true;

// The file of Node's --tls-keylog flag (command line or NODE_OPTIONS), or null.
const tlsKeylog = nodeOptionValue('--tls-keylog');

// SSLKEYLOGFILE, read once when tls-rs loads; the file is opened on the first line.
const sslKeylogFile = process.env.SSLKEYLOGFILE || null;
// Its fd, null before the first line, false once writing failed.
let sslKeylogFd = null;
// Lines waiting for the write in flight (`sslKeylogWriting`) to finish.
let sslKeylogQueue = [];
let sslKeylogWriting = null;

/**
 * Appends one key-log line to SSLKEYLOGFILE (append mode, 0600, opened once per process). The
 * writes run on libuv's threads, one at a time and in order, so a handshake never waits on the
 * disk; what is still queued when the process exits is written then, so that the keys of its
 * last connections are not lost (a write in flight at exit is written again: a repeated line
 * is harmless, a missing one is not). A failure warns once and stops the logging.
 */
function writeSslKeylog(line) {
  if (sslKeylogFd === false) return;
  if (sslKeylogFd === null) {
    try {
      sslKeylogFd = openSync(sslKeylogFile, 'a', 0o600);
    } catch (err) {
      failSslKeylog(err);
      return;
    }
    process.on('exit', flushSslKeylogAtExit);
  }
  sslKeylogQueue.push(line);
  if (sslKeylogWriting === null) writeSslKeylogQueue();
}

function writeSslKeylogQueue() {
  const data = sslKeylogQueue.length === 1 ? sslKeylogQueue[0] : Buffer.concat(sslKeylogQueue);
  sslKeylogQueue = [];
  sslKeylogWriting = data;
  write(sslKeylogFd, data, (err, written) => {
    if (sslKeylogFd === false) return;
    if (err) {
      failSslKeylog(err);
      return;
    }
    // (A short write leaves the rest to go first.)
    if (written < data.length) sslKeylogQueue.unshift(data.subarray(written));
    sslKeylogWriting = null;
    if (sslKeylogQueue.length > 0) writeSslKeylogQueue();
  });
}

function flushSslKeylogAtExit() {
  if (sslKeylogFd === false) return;
  const pending = sslKeylogWriting ? [sslKeylogWriting, ...sslKeylogQueue] : sslKeylogQueue;
  if (pending.length === 0) return;
  try {
    writeSync(sslKeylogFd, Buffer.concat(pending));
  } catch {
    // The process is ending; nothing else to do.
  }
}

function failSslKeylog(err) {
  sslKeylogFd = false;
  sslKeylogQueue = [];
  sslKeylogWriting = null;
  process.emitWarning(`Failed to write TLS keylog to SSLKEYLOGFILE (this warning will not be repeated): ${err}`);
}

// Node's keylogNewListener: the first 'keylog' listener turns the lines on.
function keylogNewListener(event) {
  if (event !== 'keylog') return;
  if (!this[kSession]) return;
  this[kSession].enableKeylogCallback();
  this.removeListener('newListener', keylogNewListener);
}

/** Adds the key-log methods to TLSSocket.prototype. */
function install(proto) {
  /**
   * TLSSocket _init, as Node's: waits for a 'keylog' listener; --tls-keylog appends to its file,
   * and SSLKEYLOGFILE to its.
   */
  proto._initKeylog = function _initKeylog() {
    if (this.listenerCount('newListener', keylogNewListener) === 0) {
      this.on('newListener', keylogNewListener);
    }
    if (sslKeylogFile) {
      if (warnOnSslKeylog) {
        warnOnSslKeylog = false;
        process.emitWarning('Using SSLKEYLOGFILE makes TLS connections insecure ' +
          'by writing secret key material to file ' + sslKeylogFile);
      }
      this.on('keylog', writeSslKeylog);
    }
    if (tlsKeylog) {
      if (warnOnTlsKeylog) {
        warnOnTlsKeylog = false;
        process.emitWarning('Using --tls-keylog makes TLS connections insecure ' +
          'by writing secret key material to file ' + tlsKeylog);
      }
      this.on('keylog', (line) => {
        appendFile(tlsKeylog, line, { mode: 0o600 }, (err) => {
          if (err && warnOnTlsKeylogError) {
            warnOnTlsKeylogError = false;
            process.emitWarning('Failed to write TLS keylog (this warning ' +
              'will not be repeated): ' + err);
          }
        });
      });
    }
  };
}

// Node's onSocketKeylog: a server re-emits its connections' lines.
function onSocketKeylog(line) {
  this._tlsOptions.server.emit('keylog', line, this);
}

/** Forwards `socket`'s key-log lines to `server` when the server has 'keylog' listeners. */
function forwardKeylog(server, socket) {
  if (server.listenerCount('keylog') > 0) socket.on('keylog', onSocketKeylog);
}

// Whether every connection logs its keys (SSLKEYLOGFILE, --tls-keylog).
const keylogForEveryConnection = !!(sslKeylogFile || tlsKeylog);

module.exports = { install, forwardKeylog, keylogForEveryConnection };
