'use strict';

// Interop with real OpenSSL peers through the `openssl` CLI (s_server / s_client).
//
// Every scenario runs twice: with tls-rs (the subject) and with Node's built-in tls (the control,
// which proves the harness and the expectations right). A scenario that passes for the control
// and fails for tls-rs is a tls-rs bug.
//
//   tls-rs client ↔ `openssl s_server -rev` (reverses each line; a line "CLOSE" closes the
//                    connection with close_notify), TLS 1.2 / 1.3, RSA (via intermediate) / ECDSA
//   `openssl s_client` ↔ tls-rs server (the seed docs' echo server)
//   client certificates both ways (requestCert / -Verify 1)

const test = require('node:test');
const assert = require('node:assert/strict');
const nodeTls = require('node:tls');

const tlsRs = require('..');
const {
  readCert, startOpensslServer, startOpensslClient, once, listen, closeServer, withTimeout,
} = require('./helpers/peers');

const IMPLS = [
  ['tls-rs', tlsRs],
  ['node:tls (control)', nodeTls],
];

const CA = readCert('ca-cert.pem');

// Server identities: s_server arguments and the equivalent createServer options.
const SERVER_CERTS = {
  RSA: {
    opensslArgs: ['-key', 'agent-key.pem', '-cert', 'agent-cert.pem', '-cert_chain', 'intermediate-cert.pem'],
    options: { key: readCert('agent-key.pem'), cert: readCert('agent-chain.pem') },
    kx: 'RSA',
  },
  ECDSA: {
    opensslArgs: ['-key', 'ec-key.pem', '-cert', 'ec-cert.pem'],
    options: { key: readCert('ec-key.pem'), cert: readCert('ec-cert.pem') },
    kx: 'ECDSA',
  },
};

const CLIENT_CERTS = {
  RSA: { key: 'client-key.pem', cert: 'client-cert.pem', cn: 'tls-rs client' },
  ECDSA: { key: 'client-ec-key.pem', cert: 'client-ec-cert.pem', cn: 'tls-rs client ec' },
};

// What Node's default cipher list negotiates with OpenSSL's defaults.
function expectedCipher(version, certKind) {
  if (version === 'TLSv1.3') {
    return { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384', version: 'TLSv1.3' };
  }
  const kx = SERVER_CERTS[certKind].kx;
  return {
    name: `ECDHE-${kx}-AES128-GCM-SHA256`,
    standardName: `TLS_ECDHE_${kx}_WITH_AES_128_GCM_SHA256`,
    version: 'TLSv1.2',
  };
}

const VERSIONS = [['TLSv1.2', '-tls1_2'], ['TLSv1.3', '-tls1_3']];

/** Connects `impl` and resolves with the socket on 'secureConnect' (rejects on 'error'). */
function connectSecure(impl, options, t) {
  return withTimeout(new Promise((resolve, reject) => {
    const socket = impl.connect(options);
    t.after(() => socket.destroy());
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.removeListener('error', reject);
      // Later errors (a peer killed by cleanup resets the connection) are kept, not thrown.
      socket.lateErrors = [];
      socket.on('error', (err) => socket.lateErrors.push(err));
      resolve(socket);
    });
  }), 10_000, 'secureConnect');
}

/** Collects a socket's cleartext until it contains `expected` (or 'end'/'close'). */
function readUntil(socket, expected, ms = 10_000) {
  return withTimeout(new Promise((resolve, reject) => {
    let text = '';
    const onData = (d) => {
      text += d;
      if (text.includes(expected)) done();
    };
    const done = () => {
      socket.removeListener('data', onData);
      socket.removeListener('end', done);
      socket.removeListener('close', done);
      socket.removeListener('error', reject);
      resolve(text);
    };
    socket.on('data', onData);
    socket.once('end', done);
    socket.once('close', done);
    socket.once('error', reject);
  }), ms, `reading ${JSON.stringify(expected)}`);
}

/** The seed docs' echo server (welcome line, then pipe back), with the given options. */
async function startEchoServer(impl, options, t) {
  const events = { secureConnection: [], tlsClientError: [] };
  const sockets = [];
  const server = impl.createServer(options, (socket) => {
    events.secureConnection.push({
      authorized: socket.authorized,
      authorizationError: socket.authorizationError,
      protocol: socket.getProtocol(),
      cipher: socket.getCipher(),
      peerCN: (socket.getPeerCertificate() || {}).subject?.CN,
    });
    socket.on('error', () => {});
    socket.write('welcome!\n');
    socket.setEncoding('utf8');
    socket.pipe(socket);
  });
  server.on('connection', (s) => sockets.push(s));
  server.on('tlsClientError', (err) => events.tlsClientError.push(err));
  const port = await listen(server);
  t.after(() => closeServer(server, sockets));
  return { server, port, events };
}

// ---- tls-rs client ↔ openssl s_server ---------------------------------------------------------

for (const [implName, impl] of IMPLS) {
  test.describe(`${implName} client ↔ openssl s_server`, () => {
    for (const [version, flag] of VERSIONS) {
      for (const certKind of Object.keys(SERVER_CERTS)) {
        test(`${version} ${certKind}: verified handshake, cipher, data round trip, close_notify`, async (t) => {
          const server = await startOpensslServer([...SERVER_CERTS[certKind].opensslArgs, '-rev', flag], { t });
          const socket = await connectSecure(impl, {
            host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA,
          }, t);

          assert.equal(socket.authorized, true);
          assert.equal(socket.authorizationError, null);
          assert.equal(socket.getProtocol(), version);
          assert.deepEqual(socket.getCipher(), expectedCipher(version, certKind));
          // s_server agrees on what was negotiated.
          const [, suite] = await server.waitFor(/Ciphersuite: (\S+)/);
          assert.equal(suite, socket.getCipher().name);
          assert.match(server.output, new RegExp(`Protocol version: ${version.replace('.', '\\.')}`));

          socket.setEncoding('utf8');
          const line = `hello from ${implName} over ${version}`;
          const long = 'x'.repeat(4000) + 'y'.repeat(4000);
          socket.write(`${line}\n${long}\n`);
          const expected = `${[...line].reverse().join('')}\n${[...long].reverse().join('')}\n`;
          const got = await readUntil(socket, expected);
          assert.equal(got, expected);

          // "CLOSE" makes s_server shut down: tls-rs must see close_notify as a clean 'end'.
          const ended = once(socket, 'end');
          socket.write('CLOSE\n');
          await ended;
          socket.end();
          await once(socket, 'close');
          await server.waitFor(/CONNECTION CLOSED/);
        });
      }

      test(`${version}: explicit cipher choice is honoured`, async (t) => {
        const tls13 = version === 'TLSv1.3';
        const args = [...SERVER_CERTS.RSA.opensslArgs, '-rev', flag];
        if (tls13) args.push('-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256');
        const server = await startOpensslServer(args, { t });
        const options = { host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA };
        if (!tls13) options.ciphers = 'ECDHE-RSA-AES256-GCM-SHA384';
        const socket = await connectSecure(impl, options, t);
        const want = tls13 ? 'TLS_CHACHA20_POLY1305_SHA256' : 'ECDHE-RSA-AES256-GCM-SHA384';
        assert.equal(socket.getCipher().name, want);
        const [, suite] = await server.waitFor(/Ciphersuite: (\S+)/);
        assert.equal(suite, want);
        socket.setEncoding('utf8');
        socket.write('abc\n');
        assert.equal(await readUntil(socket, 'cba\n'), 'cba\n');
        socket.end();
        await once(socket, 'close');
      });
    }

    // Node verifies 127.0.0.1 against the certificate's IP SANs when no servername is given.
    test('verifies an IP host against the certificate\'s IP SAN (no servername)', async (t) => {
      const server = await startOpensslServer([...SERVER_CERTS.RSA.opensslArgs, '-rev'], { t });
      const socket = await connectSecure(impl, { host: '127.0.0.1', port: server.port, ca: CA }, t);
      assert.equal(socket.authorized, true);
      assert.equal(socket.authorizationError, null);
      socket.end();
      await once(socket, 'close');
    });

    // Node reads on its own: a peer's close_notify + FIN ends and closes the socket even when
    // user code never consumes the readable side.
    test('s_server closes while nobody reads: \'end\' and \'close\' still fire', async (t) => {
      const server = await startOpensslServer([...SERVER_CERTS.ECDSA.opensslArgs, '-rev'], { t });
      const socket = await connectSecure(impl, {
        host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA,
      }, t);
      const events = [];
      socket.on('end', () => events.push('end'));
      const closed = once(socket, 'close', 3000);
      socket.write('CLOSE\n');
      await server.waitFor(/CONNECTION CLOSED/);
      await closed;
      assert.deepEqual(events, ['end']);
      assert.deepEqual(socket.lateErrors, []);
    });

    test('rejects s_server\'s certificate when it is not signed by `ca`', async (t) => {
      const server = await startOpensslServer(['-key', 'selfsigned-key.pem', '-cert', 'selfsigned-cert.pem', '-rev'], { t });
      const err = await connectSecure(impl, {
        host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA,
      }, t).then(() => null, (e) => e);
      assert.ok(err, 'the connection must fail');
      assert.equal(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    });
  });
}

// ---- openssl s_client ↔ tls-rs server ---------------------------------------------------------

/**
 * Drives s_client against an echo server: waits for the verified handshake and "welcome!",
 * sends a line, waits for its echo, then closes stdin (s_client sends close_notify and exits).
 */
async function sClientEcho(port, args, t) {
  const client = startOpensslClient(port, args, { t });
  await client.waitFor(/welcome!\n/, { stream: 'stdout' });
  const line = `ping-${process.pid}-${Date.now()}`;
  client.write(`${line}\n`);
  await client.waitFor(new RegExp(`welcome!\\n[^]*${line}\\n`), { stream: 'stdout' });
  client.end();
  const { code } = await client.waitExit();
  return { client, code };
}

for (const [implName, impl] of IMPLS) {
  test.describe(`openssl s_client ↔ ${implName} server`, () => {
    for (const [version, flag] of VERSIONS) {
      for (const certKind of Object.keys(SERVER_CERTS)) {
        test(`${version} ${certKind}: s_client verifies the server and gets its echo`, async (t) => {
          const { port, events } = await startEchoServer(impl, SERVER_CERTS[certKind].options, t);
          const { client, code } = await sClientEcho(port, [
            '-CAfile', 'ca-cert.pem', '-verify_return_error', '-servername', 'localhost',
            '-verify_hostname', 'localhost', flag,
          ], t);
          assert.equal(code, 0, client.output);
          assert.match(client.stdout, /Verify return code: 0 \(ok\)/);
          const want = expectedCipher(version, certKind);
          assert.equal(events.secureConnection.length, 1);
          const seen = events.secureConnection[0];
          assert.equal(seen.protocol, version);
          // The server's order decides (Node servers default to honorCipherOrder: true).
          assert.deepEqual(seen.cipher, want);
          assert.match(client.stdout, new RegExp(`New, ${version.replace('.', '\\.')}, Cipher is ${want.name}`));
          // No client certificate was requested: a server socket is not "authorized".
          assert.equal(seen.authorized, false);
          assert.deepEqual(events.tlsClientError, []);
        });
      }
    }

    // ---- client certificates: tls-rs server ----------------------------------------------------

    for (const [version, flag] of VERSIONS) {
      for (const kind of Object.keys(CLIENT_CERTS)) {
        test(`${version}: requestCert + ca accepts s_client's ${kind} client certificate`, async (t) => {
          const { port, events } = await startEchoServer(impl, {
            ...SERVER_CERTS.RSA.options, requestCert: true, ca: [CA],
          }, t);
          const { client, code } = await sClientEcho(port, [
            '-CAfile', 'ca-cert.pem', '-verify_return_error', flag,
            '-cert', CLIENT_CERTS[kind].cert, '-key', CLIENT_CERTS[kind].key,
          ], t);
          assert.equal(code, 0, client.output);
          assert.match(client.stdout, /Verify return code: 0 \(ok\)/);
          assert.equal(events.secureConnection.length, 1);
          const seen = events.secureConnection[0];
          assert.equal(seen.authorized, true);
          assert.equal(seen.authorizationError, null);
          assert.equal(seen.peerCN, CLIENT_CERTS[kind].cn);
          assert.equal(seen.protocol, version);
        });
      }

      test(`${version}: requestCert + rejectUnauthorized refuses s_client without a certificate`, async (t) => {
        const { port, events } = await startEchoServer(impl, {
          ...SERVER_CERTS.RSA.options, requestCert: true, ca: [CA],
        }, t);
        const client = startOpensslClient(port, ['-CAfile', 'ca-cert.pem', flag], { t });
        // TLS 1.3 clients finish first and learn of the refusal on their next read.
        client.write('are you there?\n');
        const alert = version === 'TLSv1.3' ? /alert certificate required[^\n]*SSL alert number 116/
          : /alert handshake failure[^\n]*SSL alert number 40/;
        await client.waitFor(alert);
        client.end();
        const { code } = await client.waitExit();
        assert.notEqual(code, 0);
        assert.doesNotMatch(client.stdout, /welcome!/);
        assert.equal(events.secureConnection.length, 0);
        assert.equal(events.tlsClientError.length, 1);
        assert.equal(events.tlsClientError[0].code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
      });

      test(`${version}: requestCert without rejectUnauthorized lets s_client in, unauthorized`, async (t) => {
        const { port, events } = await startEchoServer(impl, {
          ...SERVER_CERTS.RSA.options, requestCert: true, rejectUnauthorized: false, ca: [CA],
        }, t);
        const { client, code } = await sClientEcho(port, ['-CAfile', 'ca-cert.pem', flag], t);
        assert.equal(code, 0, client.output);
        assert.equal(events.secureConnection.length, 1);
        assert.equal(events.secureConnection[0].authorized, false);
        // Node's (odd but long-standing) reason when the client sent no certificate at all.
        assert.equal(events.secureConnection[0].authorizationError, 'UNABLE_TO_GET_ISSUER_CERT');
      });
    }
  });

  // ---- client certificates: tls-rs client ↔ s_server -Verify 1 ---------------------------------

  test.describe(`${implName} client certificate ↔ openssl s_server -Verify 1`, () => {
    for (const [version, flag] of VERSIONS) {
      for (const kind of Object.keys(CLIENT_CERTS)) {
        test(`${version}: s_server verifies the ${kind} client certificate`, async (t) => {
          const server = await startOpensslServer([
            ...SERVER_CERTS.ECDSA.opensslArgs, '-rev', flag, '-Verify', '1', '-CAfile', 'ca-cert.pem',
          ], { t });
          const socket = await connectSecure(impl, {
            host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA,
            key: readCert(CLIENT_CERTS[kind].key), cert: readCert(CLIENT_CERTS[kind].cert),
          }, t);
          assert.equal(socket.authorized, true);
          assert.equal(socket.getProtocol(), version);
          socket.setEncoding('utf8');
          socket.write('client cert ok\n');
          assert.equal(await readUntil(socket, 'ko trec tneilc\n'), 'ko trec tneilc\n');
          await server.waitFor(new RegExp(`Peer certificate: [^\\n]*CN = ${CLIENT_CERTS[kind].cn}\\n`));
          assert.match(server.output, /Verification: OK/);
          socket.end();
          await once(socket, 'close');
        });
      }

      test(`${version}: without a client certificate the client gets s_server's alert`, async (t) => {
        const server = await startOpensslServer([
          ...SERVER_CERTS.ECDSA.opensslArgs, '-rev', flag, '-Verify', '1', '-CAfile', 'ca-cert.pem',
        ], { t });
        const socket = impl.connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: CA });
        t.after(() => socket.destroy());
        // TLS 1.3 completes on the client before the server's verdict arrives.
        socket.on('secureConnect', () => socket.write('x\n'));
        let data = '';
        socket.on('data', (d) => { data += d; });
        const errors = [];
        socket.on('error', (err) => errors.push(err));
        // Like Node, the socket then closes by itself (s_server hung up): no second 'error'.
        await once(socket, 'close', 3000);
        assert.equal(data, '', 'no data may arrive');
        assert.equal(errors.length, 1, `one 'error' event, got: ${errors.map((e) => e.code)}`);
        const [err] = errors;
        // OpenSSL 3.2 renamed the SSLv3 alert reasons: the running Node's OpenSSL names them.
        const [major, minor] = process.versions.openssl.split('.').map(Number);
        const alertPrefix = major > 3 || minor >= 2 ? 'SSL/TLS' : 'SSLV3';
        assert.equal(err.code, version === 'TLSv1.3'
          ? 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' : `ERR_SSL_${alertPrefix}_ALERT_HANDSHAKE_FAILURE`);
        assert.equal(err.library, 'SSL routines');
        await server.waitFor(/peer did not return a certificate/);
      });
    }
  });
}
