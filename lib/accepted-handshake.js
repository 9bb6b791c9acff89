'use strict';
// A connection a tls.Server accepted on the native transport, before its TLSSocket exists. The
// handshake runs in Rust with nobody in JS watching (TlsTransport.setUnattended): the TLSSocket
// is built only when JS is needed — the handshake completed, it asks a question (SNICallback,
// ALPNCallback), it failed or the peer left while a 'tlsClientError' listener waits to hear of
// it, or the handshake timeout ran out. A connection that never completes its handshake costs
// no TLSSocket, no stream and no events (issue 14): a handshake flood stays in native code.
//
// Servers whose handshakes need JS from the first byte (a pskCallback, a 'keylog',
// 'newSession', 'resumeSession' or 'OCSPRequest' listener, tracing, key logs for every
// connection, a net.server.socket subscriber) build the TLSSocket at accept, as before
// (lib/server.js decides, with `acceptsUnattended`).

const { TlsConnection, TlsTransport, TransportEvent, Status, transportFlush } = require('./binding');
const { keylogForEveryConnection } = require('./keylog');
const { traceOption } = require('./trace');

/**
 * Whether `server` can begin a handshake without a TLSSocket: nothing it listens for or was
 * given runs JS before the handshake completes (questions build the socket when asked).
 */
function acceptsUnattended(server, options) {
  return !options.pskCallback && !keylogForEveryConnection && !traceOption({ enableTrace: options.enableTrace }) &&
    server.listenerCount('keylog') === 0 && server.listenerCount('newSession') === 0 &&
    server.listenerCount('resumeSession') === 0 && server.listenerCount('OCSPRequest') === 0;
}

// Whether the server wants to hear of a handshake that failed ('tlsClientError', or the seed
// docs' 'clientError'): only then is a TLSSocket built for it.
function wantsClientErrors(server) {
  return server.listenerCount('tlsClientError') > 0 || server.listenerCount('clientError') > 0;
}

class AcceptedHandshake {
  /**
   * Begins the handshake of the connection `server` accepted (libuv's `clientHandle`, which is
   * closed) with the server's TLSSocket options `options`; `adopt(session, handshakeTimeout,
   * native, pipe)` builds the TLSSocket over the session and transport when JS is needed
   * and returns it.
   */
  constructor(server, clientHandle, options, configureSession, adopt) {
    this.server = server;
    this.adopt = adopt;
    this.socket = null;
    this.session = new TlsConnection(options.secureContext.context, true);
    // The same steps a server TLSSocket's _init takes on its session (verify mode, ALPN, SNI,
    // NPN), so that the socket built later finds it as it would have made it.
    configureSession(this.session, options);
    this.native = new TlsTransport(this.session, clientHandle.fd, clientHandle.constructor?.name === 'Pipe',
      this, this.onNativeEvent);
    this.pipe = clientHandle.constructor?.name === 'Pipe';
    clientHandle.close();
    server._connections++;
    this.deadline = 0;
    this.timer = null;
    if (options.handshakeTimeout > 0) {
      this.deadline = Date.now() + options.handshakeTimeout;
      this.timer = setTimeout(onHandshakeTimeout, options.handshakeTimeout, this);
      this.timer.unref();
    }
    this.native.setUnattended(true);
    this.native.readStart();
  }

  /** What the native transport reports before the TLSSocket exists (TransportEvent). */
  onNativeEvent(kind, a, b) {
    if (this.socket) {
      // (A report already on its way when the socket was built.)
      this.socket._onNativeEvent(kind, a, b);
      return;
    }
    switch (kind) {
      case TransportEvent.Status:
        if ((a === Status.Failed || a === Status.PeerClosed) && !wantsClientErrors(this.server)) {
          // The alert goes out, the connection closes, nobody hears of it.
          if (a === Status.Failed) transportFlush(this.native, 0);
          this.close();
        } else {
          // (Even when the handshake completed: setting and clearing the timer leaves
          // socket.timeout as Node leaves it.)
          this.buildSocket(this.timeLeft())._onNativeEvent(kind, a, b);
        }
        break;
      case TransportEvent.End:
      case TransportEvent.Error:
        if (wantsClientErrors(this.server)) this.buildSocket(this.timeLeft())._onNativeEvent(kind, a, b);
        else this.close();
        break;
      case TransportEvent.Closed:
        this.leaveServer();
        break;
      // Records and Done cannot come: nothing is delivered or written before the socket.
    }
  }

  /**
   * The TLSSocket, built now over the session and transport, its handshake timeout
   * `handshakeTimeout` ms from now (0: none).
   */
  buildSocket(handshakeTimeout) {
    clearTimeout(this.timer);
    this.native.setUnattended(false);
    this.socket = this.adopt(this.session, handshakeTimeout, this.native, this.pipe);
    return this.socket;
  }

  // What is left of the handshake timeout (it runs from accept: in Node only the socket's own
  // writes refresh it, and there are none before the handshake completes).
  timeLeft() {
    return this.deadline ? Math.max(1, this.deadline - Date.now()) : 0;
  }

  // The handshake timeout ran out: reported as a TLSSocket's _handleTimeout when someone listens
  // ('tlsClientError'); as in Node, nothing else happens (closing is the listener's job).
  timedOut() {
    this.timer = null;
    if (this.socket || !this.native || !wantsClientErrors(this.server)) return;
    this.buildSocket(0)._handleTimeout();
  }

  close() {
    clearTimeout(this.timer);
    this.native.close();
  }

  // libuv released the socket: the connection leaves the server's count, its session is freed.
  leaveServer() {
    if (!this.session) return;
    this.session.destroy();
    this.session = null;
    this.native = null;
    const server = this.server;
    server._connections--;
    if (server._emitCloseIfDrained) server._emitCloseIfDrained();
  }
}

function onHandshakeTimeout(handshake) {
  handshake.timedOut();
}

module.exports = { AcceptedHandshake, acceptsUnattended };
