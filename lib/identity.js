'use strict';
// tls.checkServerIdentity(hostname, cert): Node's own function. It reads only its arguments (a
// host name and a certificate object such as getPeerCertificate() returns), so taking it from
// the running Node makes host matching — RFC 6125 rules, IP address canonicalization, which
// names count, the errors and their messages — that Node's on every version: Node 22 rejects
// IP literals in a non-canonical form ('5') that Node 20 still matches as names.

const { checkServerIdentity } = require('node:tls');

module.exports = { checkServerIdentity };
