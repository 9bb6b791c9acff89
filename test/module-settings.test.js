'use strict';
// The tls module's assignable members are read at call time, as Node's own code reads them
// through the module object: a replaced tls.createSecureContext is what connect(), new
// TLSSocket(), createServer(), server.addContext() and setKeyCert() call, a replaced
// tls.checkServerIdentity is what connect() verifies with, and assigned DEFAULT_* and
// CLIENT_RENEG_* values reach the next connection. Differential against built-in tls; each
// scenario also asserts what it recorded, so it cannot pass with both runs empty.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { differential, describeError, fixture, once, listen } = require('./helpers/differential');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
const clientOptions = { host: '127.0.0.1', servername: 'localhost', ca: fixture('ca-cert.pem') };

/** Assigns `values` to the module's members; returns a function that puts the old ones back. */
function assign(tls, values) {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, tls[key]]));
  Object.assign(tls, values);
  return () => Object.assign(tls, saved);
}

/** Connects a client (started with `client`) to `srv` and resolves when it closed. */
async function connectAndClose(tls, srv, client = {}, onSecure = (c) => c.end()) {
  const c = tls.connect({ ...clientOptions, ...client, port: await listen(srv) });
  c.on('error', () => {});
  c.once('secureConnect', () => onSecure(c));
  c.resume();
  await once(c, 'close');
  srv.close();
  await once(srv, 'close');
  return c;
}

const nodeHasSetKeyCert = typeof require('node:tls').TLSSocket.prototype.setKeyCert === 'function';

describe('reassigned module functions are the ones connections use', () => {
  it('tls.createSecureContext and tls.checkServerIdentity', async () => {
    const log = await differential(async ({ serverTls: tls, rec }) => {
      const { createSecureContext, checkServerIdentity } = tls;
      const restore = assign(tls, {
        createSecureContext(options) {
          // Node (≥ 20.?) also passes connect()'s `singleUse: true`, which frees the context with
          // the socket; tls-rs contexts are garbage-collected and it does not set the option.
          const keys = Object.keys(options ?? {}).filter((key) => key !== 'singleUse');
          rec.add(this === tls ? 'calls' : 'calls on another this', keys);
          return createSecureContext.call(this, options);
        },
        checkServerIdentity(host, cert) {
          rec.add('calls', ['checkServerIdentity', host]);
          return checkServerIdentity(host, cert);
        },
      });
      try {
        const srv = tls.createServer(certs, (s) => {
          // Where the running Node has setKeyCert (not 18; tls-rs's is additive there).
          if (nodeHasSetKeyCert) s.setKeyCert(certs);
          s.end();
        });
        srv.addContext('other.example', certs);
        rec.add('calls', 'connect');
        await connectAndClose(tls, srv);
        rec.add('calls', 'new TLSSocket');
        new tls.TLSSocket(new net.Socket(), { rejectUnauthorized: false }).destroy();
      } finally {
        restore();
      }
    });
    const contextOptions = ['pfx', 'key', 'passphrase', 'cert', 'clientCertEngine', 'ca', 'ciphers', 'sigalgs',
      'ecdhCurve', 'dhparam', 'minVersion', 'maxVersion', 'secureProtocol', 'secureOptions', 'honorCipherOrder',
      'crl', 'sessionIdContext', 'ticketKeys', 'sessionTimeout', 'privateKeyIdentifier', 'privateKeyEngine',
      // Node 24's option, passed on by its setSecureContext.
      ...(typeof require('node:tls').getCertificateCompressionAlgorithms === 'function' ? ['certificateCompression'] : [])];
    assert.deepEqual(log.calls, [
      contextOptions, // createServer → setSecureContext
      ['key', 'cert'], // addContext
      'connect',
      ['rejectUnauthorized', 'ciphers', 'checkServerIdentity', 'minDHSize', 'host', 'servername', 'ca', 'port'],
      ['checkServerIdentity', 'localhost'],
      ...(nodeHasSetKeyCert ? [['key', 'cert']] : []), // setKeyCert, in the server's 'secureConnection'
      'new TLSSocket',
      ['rejectUnauthorized'],
    ]);
  });
});

describe('assigned settings reach the next connection', () => {
  it('DEFAULT_MAX_VERSION, DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, then DEFAULT_MIN_VERSION', async () => {
    const log = await differential(async ({ serverTls: tls, rec }) => {
      let restore = assign(tls, {
        DEFAULT_MAX_VERSION: 'TLSv1.2', DEFAULT_CIPHERS: 'ECDHE-RSA-AES256-GCM-SHA384', DEFAULT_ECDH_CURVE: 'secp384r1',
      });
      try {
        await connectAndClose(tls, tls.createServer(certs), {}, (c) => {
          rec.add('client', { protocol: c.getProtocol(), cipher: c.getCipher().name, key: c.getEphemeralKeyInfo().name });
          c.end();
        });
      } finally {
        restore();
      }
      // The server keeps to TLS 1.2 by option; the client's assigned minimum is TLS 1.3.
      restore = assign(tls, { DEFAULT_MIN_VERSION: 'TLSv1.3' });
      try {
        const srv = tls.createServer({ ...certs, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
        srv.on('tlsClientError', (err) => rec.add('server', describeError(err, { message: false })));
        const c = await connectAndClose(tls, srv);
        rec.add('client', c.authorized);
      } finally {
        restore();
      }
    });
    assert.deepEqual(log.client, [{ protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384', key: 'secp384r1' }, false]);
    assert.equal(log.server.length, 1);
  });

  it('CLIENT_RENEG_LIMIT, and CLIENT_RENEG_WINDOW restarting the count', async () => {
    const log = await differential(async ({ serverTls: tls, rec }) => {
      for (const window of [600, 0]) {
        const restore = assign(tls, { CLIENT_RENEG_LIMIT: 1, CLIENT_RENEG_WINDOW: window });
        try {
          const srv = tls.createServer({ ...certs, maxVersion: 'TLSv1.2' }, (s) => {
            s.on('error', (err) => rec.add('server', [window, err.code]));
            s.resume();
          });
          // Two renegotiations in a row: the second exceeds a limit of one within the window.
          await connectAndClose(tls, srv, {}, (c) => {
            c.renegotiate({}, (err) => {
              rec.add('client', [window, 'renegotiated', !err]);
              if (err) return;
              c.renegotiate({}, (err2) => {
                rec.add('client', [window, 'renegotiated', !err2]);
                c.end();
              });
            });
          });
        } finally {
          restore();
        }
      }
    });
    assert.deepEqual(log.server, [[600, 'ERR_TLS_SESSION_ATTACK']]);
    // The attack is reported on the server's socket; the client's handshake itself completed.
    assert.deepEqual(log.client.map(([window]) => window), [600, 600, 0, 0]);
  });
});
