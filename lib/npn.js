'use strict';
// NPN (Next Protocol Negotiation), as the seed docs (Node v4–v5) describe it; modern Node removed
// it. `NPNProtocols` (an array of strings, or a Buffer in wire format: 0x05hello0x05world) on
// clients and servers, and `tlsSocket.npnProtocol` once the handshake is done: the negotiated
// protocol, or false when none was (TLS 1.3, ALPN negotiated instead, or a side without NPN).
// As in Node v5, with no overlap the client sends its first protocol (http/1.1 when it has
// none): the server's npnProtocol is that protocol and the client's is false.

const { codes: { ERR_OUT_OF_RANGE } } = require('./errors');
const { kSession } = require('./symbols');

function toWire(protocols) {
  const parts = protocols.map((p, i) => {
    const name = Buffer.from(String(p));
    if (name.length > 255) {
      throw new ERR_OUT_OF_RANGE(`The byte length of the protocol at index ${i} exceeds the maximum length.`,
                                 '<= 255', name.length, true);
    }
    return Buffer.concat([Buffer.from([name.length]), name]);
  });
  return Buffer.concat(parts);
}

/** Node v5's tls.convertNPNProtocols: sets `out.NPNProtocols` from an array or a Buffer. */
function convertNPNProtocols(protocols, out) {
  if (Array.isArray(protocols)) protocols = toWire(protocols);
  if (Buffer.isBuffer(protocols)) out.NPNProtocols = protocols;
}

/** Adds the NPN methods to TLSSocket.prototype. */
function install(proto) {
  /**
   * TLSSocket _init: gives the connection this socket's NPN protocols. Clients offer NPN even
   * without NPNProtocols, as Node v5's did (an NPN server then gets http/1.1).
   */
  proto._initNPN = function _initNPN(options) {
    const session = this[kSession];
    if (!options.NPNProtocols) {
      if (!options.isServer) session.setNPNProtocols(null);
      return;
    }
    const converted = {};
    convertNPNProtocols(options.NPNProtocols, converted);
    if (!converted.NPNProtocols) throw new TypeError('Must give a Buffer as first argument');
    session.setNPNProtocols(converted.NPNProtocols);
  };
}

module.exports = { convertNPNProtocols, install };
