'use strict';
// pg → PostgreSQL (Debian's server, initdb into a temporary directory) with ssl=on, pg running on
// tls-rs through `tls-rs/register` (pg does `require('tls')` when it upgrades its socket after
// the server's 'S' answer to SSLRequest: STARTTLS over a net.Socket it already used).
// sslmode require (encrypt, do not verify) and verify-full (`ssl: { ca, servername }`), a client
// certificate (pg_hba `cert`), SCRAM-SHA-256-PLUS channel binding (tls-server-end-point over
// getPeerCertificate().raw), and the failures a user must see. The server's own view of each
// connection comes from pg_stat_ssl.

require('tls-rs/register'); // first, as in a user's app: every later require('tls') is tls-rs

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');
const pg = require('pg');
const tlsRs = require('tls-rs');
const { needs, readCert, startPostgres, withTimeout } = require('./helpers/services');

const ca = readCert('ca-cert.pem').toString();
const clientKey = readCert('client-key.pem').toString();
const clientCert = readCert('client-cert.pem').toString();
const TLS13 = { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' };

/** What user code sees of pg's TLS socket once it is connected. */
function clientView(client) {
  const s = client.connection.stream;
  return {
    tlsRs: s instanceof tlsRs.TLSSocket, authorized: s.authorized,
    authorizationError: s.authorizationError ?? null, protocol: s.getProtocol(),
    cipher: s.getCipher().name, peerCN: s.getPeerCertificate().subject.CN,
  };
}

/** The server's view of the current connection. */
async function serverView(client) {
  const { rows } = await client.query(
    'SELECT ssl, version, cipher, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return rows[0];
}

/** Connects (after `setup(client)`), runs `fn(client)`, always ends the client. Bounded in time. */
async function withClient(config, fn, setup = () => {}) {
  const client = new pg.Client({ host: '127.0.0.1', database: 'postgres', connectionTimeoutMillis: 5000, ...config });
  client.on('error', () => {}); // reported through connect() / query()
  setup(client);
  try {
    await withTimeout(client.connect(), 8000, 'pg connect');
    return await withTimeout(fn(client), 10_000, 'pg queries');
  } finally {
    await withTimeout(client.end().catch(() => {}), 5000, 'pg end').catch(() => {});
  }
}

/** connect() must fail; resolves with the error. */
async function connectError(config) {
  const client = new pg.Client({ host: '127.0.0.1', database: 'postgres', connectionTimeoutMillis: 5000, ...config });
  client.on('error', () => {});
  const err = await withTimeout(client.connect().then(() => null, (e) => e), 8000, 'pg connect error');
  await client.end().catch(() => {});
  assert.ok(err, 'connect() succeeded but should have failed');
  return err;
}

test('pg → PostgreSQL over tls-rs (STARTTLS)', { timeout: 50_000, skip: needs('postgresql') }, async (t) => {
  const { port } = await startPostgres(t, {
    hba: [
      'hostssl all postgres 127.0.0.1/32 trust',
      'hostssl all "tls-rs client" 127.0.0.1/32 cert',
      'hostssl all scram 127.0.0.1/32 scram-sha-256',
      'hostnossl all all 127.0.0.1/32 reject',
    ],
  });
  const base = { port, user: 'postgres' };
  const admin = { ...base, ssl: { ca, servername: 'localhost' } };

  await t.test('the hook is in place: pg gets tls-rs', () => {
    assert.equal(require('tls'), tlsRs);
  });

  await t.test('sslmode require: encrypted, not verified, data flows', async () => {
    await withClient({ ...base, ssl: { rejectUnauthorized: false } }, async (client) => {
      assert.deepEqual(clientView(client), { tlsRs: true, authorized: false,
        authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', ...TLS13, peerCN: 'localhost' });
      assert.deepEqual(await serverView(client), { ssl: true, version: 'TLSv1.3', cipher: TLS13.cipher, client_dn: null });
      // A 1 MiB parameter goes up, its digest and 100k rows come back.
      const big = crypto.randomBytes(512 * 1024).toString('hex');
      const { rows: [digest] } = await client.query('SELECT md5($1) AS md5, length($1) AS len', [big]);
      assert.deepEqual(digest, { md5: crypto.createHash('md5').update(big).digest('hex'), len: big.length });
      const { rows } = await client.query('SELECT g, repeat(\'x\', 20) AS pad FROM generate_series(1, 100000) g');
      assert.equal(rows.length, 100_000);
      assert.deepEqual(rows[99_999], { g: 100_000, pad: 'x'.repeat(20) });
    });
  });

  await t.test('sslmode verify-full: ca + servername, the server is authorized', async () => {
    await withClient({ ...base, ssl: { ca, servername: 'localhost' } }, async (client) => {
      assert.deepEqual(clientView(client), { tlsRs: true, authorized: true, authorizationError: null, ...TLS13,
        peerCN: 'localhost' });
      assert.equal(client.connection.stream.servername, 'localhost');
      assert.deepEqual(await serverView(client), { ssl: true, version: 'TLSv1.3', cipher: TLS13.cipher, client_dn: null });
      // Several round trips on the upgraded socket, including a server-side error that does not end it.
      await assert.rejects(client.query('SELECT 1/0'), /division by zero/);
      const { rows } = await client.query('SELECT $1::text || \' over tls-rs\' AS s', ['hello']);
      assert.equal(rows[0].s, 'hello over tls-rs');
    });
  });

  await t.test('verify-full by IP: no SNI, the certificate\'s IP address matches', async () => {
    await withClient({ ...base, ssl: { ca } }, async (client) => {
      assert.equal(clientView(client).authorized, true);
      assert.equal(client.connection.stream.servername, false);
    });
  });

  await t.test('verify-full without the CA: refused with Node\'s error', async () => {
    const err = await connectError({ ...base, ssl: { servername: 'localhost' } });
    assert.equal(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(err.message, 'unable to get local issuer certificate');
  });

  await t.test('verify-full with the wrong host name: refused with Node\'s error', async () => {
    const err = await connectError({ ...base, ssl: { ca, servername: 'wrong.test' } });
    assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.match(err.message, /Host: wrong\.test\. is not in the cert's altnames/);
  });

  await t.test('client certificate (pg_hba cert): the server maps its CN to the role', async () => {
    await withClient(admin, async (admin) => {
      await admin.query('CREATE ROLE "tls-rs client" LOGIN');
    }).catch((e) => { throw new Error(`creating the role failed: ${e.message}`); });
    await withClient({ port, user: 'tls-rs client', ssl: { ca, servername: 'localhost', key: clientKey, cert: clientCert } },
      async (client) => {
        assert.equal(clientView(client).authorized, true);
        const view = await serverView(client);
        assert.equal(view.ssl, true);
        assert.match(view.client_dn, /CN=tls-rs client/);
        const { rows } = await client.query('SELECT current_user');
        assert.equal(rows[0].current_user, 'tls-rs client');
      });
    // Without a certificate the server refuses the role.
    const err = await connectError({ port, user: 'tls-rs client', ssl: { ca, servername: 'localhost' } });
    assert.match(err.message, /certificate/);
  });

  await t.test('SCRAM-SHA-256-PLUS: channel binding over the tls-rs peer certificate', async () => {
    await withClient(admin, async (admin) => {
      await admin.query('SET password_encryption = \'scram-sha-256\'');
      await admin.query('CREATE ROLE scram LOGIN PASSWORD \'s3cret\'');
    });
    const mechanisms = [];
    await withClient({ port, user: 'scram', password: 's3cret', enableChannelBinding: true, ssl: { ca, servername: 'localhost' } },
      async (client) => {
        const { rows } = await client.query('SELECT current_user');
        assert.equal(rows[0].current_user, 'scram');
      },
      (client) => {
        const send = client.connection.sendSASLInitialResponseMessage;
        client.connection.sendSASLInitialResponseMessage = function (mechanism, ...rest) {
          mechanisms.push(mechanism);
          return send.call(this, mechanism, ...rest);
        };
      });
    // The server accepted the client's proof bound to the certificate tls-rs received.
    assert.deepEqual(mechanisms, ['SCRAM-SHA-256-PLUS']);
    const err = await connectError({ port, user: 'scram', password: 'wrong', enableChannelBinding: true,
      ssl: { ca, servername: 'localhost' } });
    assert.match(err.message, /password authentication failed/);
  });

  await t.test('without ssl the server refuses (hostnossl reject)', async () => {
    const err = await connectError({ ...base, ssl: false });
    assert.match(err.message, /no encryption/);
  });
});
