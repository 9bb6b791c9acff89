'use strict';
// What the native connection answers, and the one place in lib/ that acts on it.
//
// Every call that advances the connection (receive, start, resume) returns a binding.Status
// naming the caller's next step; Status.Events means OpenSSL queued events (binding.EventKind),
// taken in the order they happened. Reading cleartext returns a batch of records, and leaves a
// status to ask for when it stopped early. This file decides which handler runs, and in which
// order; the handlers live with their concepts: sessions.js (new and resumed sessions, the held
// output), renegotiation.js (handshake starts), sni.js, alpn.js and ocsp.js (a server's
// questions), socket.js (errors, 'secure', the end of the stream).

const { performance } = require('node:perf_hooks');
const { Status, EventKind, connectionReceive, connectionReadCleartext } = require('./binding');
const { cleartextSlab } = require('./slab');
const { kSession, kReadPaused, kBytesRead, kTransportKind, kQuestionPending } = require('./symbols');
const { HOLD_NEW_SESSION } = require('./held-output');

// Cleartext records (≤ 16 KiB each) are read into slices of the shared slab (lib/slab.js).
const MAX_RECORD = 16 * 1024;
// The record lengths of one connectionReadCleartext batch.
const recordLengths = new Uint32Array(64);

/** Adds the dispatch methods to TLSSocket.prototype. */
function install(proto) {
  /** Ciphertext from the transport: the connection takes it, then its status is acted on. */
  proto._onCiphertext = function _onCiphertext(chunk) {
    const session = this[kSession];
    if (!session) return;
    this._refreshTimer();
    this._afterSessionStep(connectionReceive(session, chunk));
  };

  /** Continues the handshake once the question it paused for is answered. */
  proto._resumeHandshake = function _resumeHandshake() {
    this[kQuestionPending] = false;
    if (this[kSession]) this._afterSessionStep(this[kSession].resume());
  };

  // Puts the handshake's question to JS with `ask`, once: input that arrives before the answer
  // leaves the same question (Node asks once).
  proto._askOnce = function _askOnce(ask) {
    if (this[kQuestionPending]) return;
    this[kQuestionPending] = true;
    ask.call(this);
  };

  /** Acts on the connection's status as it stands, for a caller that did not advance it. */
  proto._actOnStatus = function _actOnStatus() {
    if (this[kSession]) this._afterSessionStep(this[kSession].status());
  };

  /** Acts on the Status a call into the connection returned. */
  proto._afterSessionStep = function _afterSessionStep(status) {
    // A server learns the name from the ClientHello, before 'secure' (Node's servername callback).
    if (this.servername === null && this._tlsOptions.isServer && this[kSession]) {
      const name = this[kSession].getServername();
      if (name) this.servername = name;
    }
    for (;;) {
      switch (status) {
        case Status.Events:
          this._onSessionEvents();
          if (!this[kSession]) return;
          status = this[kSession].status();
          continue;
        case Status.Failed:
          // The alert goes out before the error is reported.
          this._flushCiphertext(null);
          this._onSessionError();
          return;
        case Status.AskingSession:
          this._askOnce(this._askResumeSession);
          return;
        case Status.AskingSNI:
          this._flushCiphertext(null);
          this._askOnce(this._onSNIRequest);
          return;
        case Status.AskingALPN:
          this._flushCiphertext(null);
          this._askOnce(this._onALPNRequest);
          return;
        case Status.AskingOCSP:
          this._flushCiphertext(null);
          this._askOnce(this._onOCSPRequest);
          return;
      }
      break; // Ready or PeerClosed: reading tells which
    }
    // Events ran first: as in Node, 'secure' (and the client's verification) runs before this
    // step's output is sent, so a client rejecting the server never sends its TLS 1.3 Finished.
    // _readCleartext flushes when it is done; the output is FIFO, so handshake bytes still
    // precede anything written from a 'data' handler. One flush per incoming chunk.
    if (this._secureEstablished && !this[kReadPaused]) this._readCleartext();
    else this._flushCiphertext(null);
  };

  /** Takes the connection's queued events and hands each to its handler, in order. */
  proto._onSessionEvents = function _onSessionEvents() {
    const session = this[kSession];
    if (!session) return;
    const events = session.takeEvents();
    // Node's TLSWrap holds a server's output once a step created a session (EncOut checks
    // awaiting_new_session_ after the step), so what 'secure' handlers write in that step is
    // held too, though a TLS 1.3 handshake completes before its tickets are made.
    if (this._tlsOptions.isServer && this.server && events.some((e) => e.kind === EventKind.NewSession)) {
      this._holdOutput(HOLD_NEW_SESSION);
    }
    // Node 24 holds the output of a step that completes a handshake until its callback is over
    // (lib/held-output.js).
    if (events.some((e) => e.kind === EventKind.HandshakeDone)) this._holdSecureStep();
    for (const event of events) {
      switch (event.kind) {
        case EventKind.HandshakeStart:
          // Node's onhandshakestart gets uv_now(); any monotonic milliseconds do.
          this._onHandshakeStart(performance.timeOrigin + performance.now());
          break;
        case EventKind.HandshakeDone:
          this._onHandshakeDone();
          break;
        case EventKind.NewSession:
          this._onNewSession(event.id, event.data);
          break;
        case EventKind.Keylog:
          this.emit('keylog', event.data);
          break;
        case EventKind.OcspResponse:
          this.emit('OCSPResponse', event.data ?? null);
          break;
      }
      if (!this[kSession]) return;
    }
  };

  /**
   * Delivers the cleartext the connection decrypted, batch by batch, until it has no more or
   * the reader pushes back; then sends what reading produced (TLS 1.3 key updates,
   * renegotiation replies).
   */
  proto._readCleartext = function _readCleartext() {
    if (this[kTransportKind] === 'native') {
      // The native transport decrypts and delivers (lib/native.js), then sends.
      if (this[kSession]) this._nativePump();
      return;
    }
    let session;
    while ((session = this[kSession])) {
      const slab = cleartextSlab;
      if (slab.size - slab.used < MAX_RECORD) slab.renew();
      let n = connectionReadCleartext(session, slab.buf, slab.used, recordLengths);
      const more = n < 0;
      if (more) n = -n - 1;
      // The records lie one after the other in the slab. Every record of the batch is
      // delivered, as Node's ClearOut delivers all it decrypted.
      let total = 0;
      for (let i = 0; i < n; i++) total += recordLengths[i];
      const batch = total > 0 ? slab.take(total) : null;
      this[kBytesRead] += total;
      let keepReading = true;
      for (let i = 0, offset = 0; i < n; i++) {
        const chunk = n === 1 ? batch : batch.subarray(offset, offset + recordLengths[i]);
        offset += recordLengths[i];
        if (!this._deliver(chunk)) keepReading = false;
      }
      // Node's ClearOut decrypts all the ciphertext one transport read brought, whatever the
      // reader said: pushing back stops reading the transport, not this loop, so a close_notify
      // that came with the records still ends the stream ('end' while an `onread` reader paused).
      if (!keepReading && !this[kReadPaused]) {
        this[kReadPaused] = true;
        this._pauseTransport();
      }
      if (!more || !this[kSession]) break;
      const status = this[kSession].status();
      if (status === Status.Events) {
        this._onSessionEvents();
      } else if (status === Status.PeerClosed) {
        this._pushEOF();
        break;
      } else if (status === Status.Failed) {
        this._flushCiphertext(null);
        this._onSessionError();
        return;
      } else if (status !== Status.Ready) {
        // A renegotiation asks a question (SNICallback after a resumed session): reading
        // goes on once it is answered.
        this._afterSessionStep(status);
        return;
      }
    }
    // Reading can produce output too (TLS 1.3 key updates, renegotiation replies), and let
    // out a write a renegotiation held.
    this._flushCiphertext(null);
    if (this[kSession]) this._releaseHeldWrite();
  };

  // Node's TLSWrap reads once more when the 'secure' handlers return, even if one destroyed the
  // socket: an error OpenSSL left queued while verifying the peer (a tampered signature's
  // "EVP lib") then fails that read, and a rejecting server reports it as 'tlsClientError'.
  proto._readAfterSecure = function _readAfterSecure() {
    const session = this[kSession];
    if (!session) return;
    const slab = cleartextSlab;
    if (slab.size - slab.used < MAX_RECORD) slab.renew();
    // Reads nothing here (nothing can have arrived yet); it surfaces a queued error.
    if (connectionReadCleartext(session, slab.buf, slab.used, recordLengths) < 0 &&
        session.status() === Status.Failed) {
      this._onSessionError();
    }
  };

  /** Whether the connection failed (Status.Failed): its error waits in takeError(). */
  proto._sessionFailed = function _sessionFailed() {
    return this[kSession].status() === Status.Failed;
  };
}

module.exports = { install };
