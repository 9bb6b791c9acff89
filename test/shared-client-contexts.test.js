'use strict';
// tls.connect() without a secureContext shares the context of an earlier connection whose
// context options and module defaults were equal (lib/shared-client-contexts.js). What user code
// sees must not change: the defaults assigned
// between connections reach the next one, a replaced tls.createSecureContext still sees every
// connect(), and tls.setDefaultCACertificates() changes whom the next connection trusts.
// Differential against built-in tls where the running Node has the API; the sharing itself is
// tls-rs's own and checked on tls-rs alone.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const nodeTls = require('node:tls');
const tlsRs = require('..');
const { differential, fixture, once, listen } = require('./helpers/differential');
const { createSecureContext } = require('../lib/secure-context');
const { CONTEXT_OPTIONS } = require('../lib/shared-client-contexts');

const certs = { key: fixture('agent-key.pem'), cert: fixture('agent-chain.pem') };
// No option createSecureContext reads: these connections may share the defaults' context.
const bareClient = { host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false };

/** Assigns `values` to the module's members; returns a function that puts the old ones back. */
function assign(tls, values) {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, tls[key]]));
  Object.assign(tls, values);
  return () => Object.assign(tls, saved);
}

/** One connection to `port` with `options`; resolves with what it negotiated once closed. */
async function negotiate(tls, port, options = bareClient) {
  const c = tls.connect({ ...options, port });
  c.on('error', () => {});
  let seen;
  c.once('secureConnect', () => {
    seen = { protocol: c.getProtocol(), cipher: c.getCipher().name, authorized: c.authorized, context: c._tlsOptions?.secureContext };
    c.end();
  });
  c.resume();
  await once(c, 'close');
  return seen;
}

describe('connections without context options', () => {
  it('take the module defaults assigned between them', async () => {
    const log = await differential(async ({ serverTls: tls, rec }) => {
      const srv = tls.createServer(certs, (s) => s.end());
      const port = await listen(srv);
      const record = ({ protocol, cipher }) => rec.add('client', { protocol, cipher });
      try {
        record(await negotiate(tls, port));
        let restore = assign(tls, { DEFAULT_CIPHERS: 'TLS_CHACHA20_POLY1305_SHA256' });
        try {
          record(await negotiate(tls, port));
        } finally {
          restore();
        }
        restore = assign(tls, { DEFAULT_MAX_VERSION: 'TLSv1.2' });
        try {
          record(await negotiate(tls, port));
        } finally {
          restore();
        }
        record(await negotiate(tls, port));
      } finally {
        srv.close();
      }
    });
    assert.deepEqual(log.client.map((c) => c.protocol), ['TLSv1.3', 'TLSv1.3', 'TLSv1.2', 'TLSv1.3']);
    assert.equal(log.client[1].cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  });

  it('still go through a replaced tls.createSecureContext, once each', async () => {
    const log = await differential(async ({ serverTls: tls, rec }) => {
      const srv = tls.createServer(certs, (s) => s.end());
      const port = await listen(srv);
      const original = tls.createSecureContext;
      tls.createSecureContext = function counted(options) {
        rec.add('calls', 1);
        rec.add('singleUse', options.singleUse);
        return original.call(this, options);
      };
      try {
        await negotiate(tls, port);
        await negotiate(tls, port, { ...bareClient, keepAlive: true });
      } finally {
        tls.createSecureContext = original;
        srv.close();
      }
    });
    assert.deepEqual(log.calls, [1, 1]);
  });

  it('share one context until a default changes (tls-rs)', async () => {
    const srv = tlsRs.createServer(certs, (s) => s.end());
    const port = await listen(srv);
    try {
      const first = await negotiate(tlsRs, port);
      const second = await negotiate(tlsRs, port);
      assert.ok(first.context);
      assert.equal(second.context, first.context);
      // An option createSecureContext reads: a context of its own.
      const ca = fixture('ca-cert.pem');
      const withCa = await negotiate(tlsRs, port, { ...bareClient, ca });
      assert.notEqual(withCa.context, first.context);
      assert.equal(withCa.authorized, true);
      // ... shared by the connections given the same Buffer or a copy; a string or an array of
      // the same certificate is other data (a context of its own, equally trusting).
      for (const same of [ca, Buffer.from(ca), ca.toString(), [ca]]) {
        const again = await negotiate(tlsRs, port, { ...bareClient, ca: same });
        assert.equal(again.authorized, true);
        if (typeof same === 'string' || Array.isArray(same)) assert.notEqual(again.context, withCa.context);
        else assert.equal(again.context, withCa.context);
      }
      // A Buffer changed in place is other data: a new context, and it no longer verifies.
      // (Its bytes are new to the cache, so its own entry is the one that must not match.)
      const mutable = Buffer.concat([ca, Buffer.from('\n')]);
      const before = await negotiate(tlsRs, port, { ...bareClient, ca: mutable });
      mutable.fill(0x41);
      const after = await negotiate(tlsRs, port, { ...bareClient, ca: mutable });
      assert.notEqual(after.context, before.context);
      assert.deepEqual([before.authorized, after.authorized], [true, false]);
      // Option values that are not plain data ({ pem } objects) are never shared.
      const withKeyObject = { ...bareClient, key: [{ pem: certs.key }], cert: certs.cert };
      const a = await negotiate(tlsRs, port, withKeyObject);
      const b = await negotiate(tlsRs, port, withKeyObject);
      assert.ok(a.context && b.context);
      assert.notEqual(a.context, b.context);
      // `ciphers` equal to the default is what connect() fills in anyway.
      const sameCiphers = await negotiate(tlsRs, port, { ...bareClient, ciphers: tlsRs.DEFAULT_CIPHERS });
      assert.equal(sameCiphers.context, first.context);
      const restore = assign(tlsRs, { DEFAULT_ECDH_CURVE: 'P-256' });
      try {
        assert.notEqual((await negotiate(tlsRs, port)).context, first.context);
      } finally {
        restore();
      }
    } finally {
      srv.close();
    }
  });

  it('trust what tls.setDefaultCACertificates() set last', async (t) => {
    const run = async (tls) => {
      const srv = tls.createServer(certs, (s) => s.end());
      const port = await listen(srv);
      try {
        const trusted = [(await negotiate(tls, port)).authorized];
        tls.setDefaultCACertificates([fixture('ca-cert.pem').toString()]);
        trusted.push((await negotiate(tls, port)).authorized);
        tls.setDefaultCACertificates(tls.getCACertificates('bundled'));
        trusted.push((await negotiate(tls, port)).authorized);
        return trusted;
      } finally {
        srv.close();
      }
    };
    const expected = [false, true, false];
    assert.deepEqual(await run(tlsRs), expected);
    if (typeof nodeTls.setDefaultCACertificates !== 'function') {
      t.diagnostic(`Node ${process.version} has no tls.setDefaultCACertificates: compared with the expected trust only`);
      return;
    }
    assert.deepEqual(await run(nodeTls), expected);
  });

  it('a Buffer that also carries `buf` / `pem` / `passphrase` is not taken for its bytes', async () => {
    // createSecureContext reads a pfx item's `buf` and a key item's `pem` before the item
    // itself: equal bytes with such a property are other options.
    const run = async (tls) => {
      const srv = nodeTls.createServer({ ...certs, requestCert: true, rejectUnauthorized: false,
        ca: [fixture('ca-cert.pem'), fixture('intermediate-cert.pem')] }, (s) => s.end(s.getPeerCertificate().subject?.CN ?? 'none'));
      const port = await listen(srv);
      const seen = [];
      const withPfx = async (pfx) => {
        const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false, pfx: [pfx], passphrase: 'sample' });
        let data = '';
        c.setEncoding('utf8').on('data', (d) => { data += d; });
        c.on('error', (err) => { data = err.code; });
        await once(c, 'close');
        seen.push(data);
      };
      await withPfx(fixture('client.pfx'));
      const item = Buffer.from(fixture('client.pfx'));
      item.buf = fixture('agent.pfx');
      await withPfx(item);
      srv.close();
      return seen;
    };
    const expected = await run(nodeTls);
    assert.deepEqual(expected, ['tls-rs client', 'localhost']);
    assert.deepEqual(await run(tlsRs), expected);
  });

  it('are recognised by every option createSecureContext reads', () => {
    const read = new Set();
    createSecureContext(new Proxy({}, { get(target, key) { read.add(key); return undefined; } }));
    assert.ok(read.size > 20, `only ${read.size} options read`);
    assert.deepEqual([...read].filter((key) => !CONTEXT_OPTIONS.includes(key)), []);
  });
});
