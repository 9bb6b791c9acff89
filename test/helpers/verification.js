'use strict';
// One verification scenario, shared by the verification tests: an echo server and a client whose
// options vary; both ends record what user code sees about verification.

const { describeError, once, SOCKET_EVENTS, SERVER_EVENTS } = require('./differential');

/**
 * One connection: a server with `server` options (its `listen` host defaults to 127.0.0.1) and
 * a client with `client` options; records what both ends observe about verification.
 */
async function connectAndRecord({ clientTls, serverTls, rec }, { server, client, listenHost = '127.0.0.1' }) {
  const srv = serverTls.createServer(server, (s) => {
    rec.add('server', 'secureConnection', { authorized: s.authorized, authorizationError: s.authorizationError });
    // An error OpenSSL left queued while verifying surfaces on the next read (as in Node).
    s.on('error', (err) => rec.add('server', 'socket error', describeError(err)));
    s.end('bye');
  });
  rec.watch(srv, 'server', SERVER_EVENTS);
  await new Promise((resolve) => srv.listen(0, listenHost, resolve));
  const c = clientTls.connect({ port: srv.address().port, host: listenHost, ...client });
  rec.watch(c, 'client', SOCKET_EVENTS);
  c.on('secureConnect', () => {
    rec.add('client', 'at secureConnect', { authorized: c.authorized, authorizationError: c.authorizationError });
  });
  c.on('error', () => {});
  c.resume();
  await once(c, 'close');
  srv.close();
  await once(srv, 'close');
}

module.exports = { connectAndRecord };
