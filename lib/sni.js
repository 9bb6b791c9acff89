'use strict';
// SNI, the server name a client asks for.

/**
 * The SNICallback a server uses unless given one: the contexts of server.addContext(), the one
 * added last first; `this` is the server's TLSSocket. Answers undefined when none matches.
 */
function SNICallback(servername, callback) {
  const contexts = this.server._contexts;
  for (let i = contexts.length - 1; i >= 0; --i) {
    const elem = contexts[i];
    if (elem[0].test(servername)) {
      callback(null, elem[1]);
      return;
    }
  }
  callback(null, undefined);
}

module.exports = { SNICallback };
