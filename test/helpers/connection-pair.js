'use strict';
// The one home of "two native connections wired back to back in memory" for the tests that
// drive the binding directly (no sockets): certificate objects, context options, the hot-path
// functions. Events are taken as a caller would (lib/socket.js); questions are not answered.

const { Status, connectionReceive, connectionTakeCiphertext } = require('../../lib/binding');

/** Moves all ciphertext waiting in `from` into `to`; returns the number of bytes moved. */
function pump(from, to) {
  const n = from.pendingCiphertext();
  if (n === 0) return 0;
  const buf = Buffer.alloc(n);
  const got = connectionTakeCiphertext(from, buf, 0);
  settle(to, connectionReceive(to, buf.subarray(0, got)));
  return got;
}

/** Takes the events `status` announces until the connection has something else to say. */
function settle(connection, status) {
  while (status === Status.Events) {
    connection.takeEvents();
    status = connection.status();
  }
  return status;
}

/**
 * Runs the handshake of `client` and `server` until nothing moves (done, failed or paused).
 * Returns the size of the client's first flight (the ClientHello).
 */
function handshake(client, server, { rounds = 50 } = {}) {
  settle(client, client.start());
  let clientHelloSize = -1;
  for (let i = 0; i < rounds; i++) {
    const toServer = pump(client, server);
    if (clientHelloSize < 0) clientHelloSize = toServer;
    const toClient = pump(server, client);
    if (toServer === 0 && toClient === 0) break;
  }
  return { clientHelloSize };
}

module.exports = { pump, settle, handshake };
