'use strict';
// The 'keylog' event: NSS key-log lines (Buffers ending in '\n') for a TLSSocket, and
// ('keylog', line, tlsSocket) for a Server. As in Node, the native session produces lines only
// once a 'keylog' listener is added (Node's keylogNewListener); the lines themselves arrive as
// session events (lib/renegotiation.js dispatches them).

function installKeylog(proto, kSession) {
  function keylogNewListener(event) {
    if (event !== 'keylog') return;
    if (!this[kSession]) return;
    this[kSession].enableKeylogCallback();
    this.removeListener('newListener', keylogNewListener);
  }

  // Called from _init, as Node's _init registers keylogNewListener.
  proto._setupKeylog = function _setupKeylog() {
    if (this.listenerCount('newListener', keylogNewListener) === 0) {
      this.on('newListener', keylogNewListener);
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

module.exports = { installKeylog, forwardKeylog };
