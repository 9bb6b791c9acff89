'use strict';
// Certificate verification on clients and servers: every failure carries Node's code and
// message, rejectUnauthorized decides between 'error' and an unauthorized 'secureConnect'.

const { describe, it } = require('node:test');
const { differential, fixture } = require('./helpers/differential');
const { connectAndRecord } = require('./helpers/verification');

const ca = fixture('ca-cert.pem');

// The server is always a plain echo server; the client's options vary.
const connectTo = (env, { serverCerts, server = {}, client }) =>
  connectAndRecord(env, { server: { ...serverCerts, ...server }, client });

const leaf = (name, chain) => ({ key: fixture(`${name}-key.pem`), cert: fixture(chain || `${name}-cert.pem`) });

const CLIENT_CASES = [
  ['trusted chain', leaf('agent', 'agent-chain.pem'), { ca, servername: 'localhost' }],
  ['self-signed leaf (DEPTH_ZERO_SELF_SIGNED_CERT)', leaf('selfsigned'), { ca, servername: 'localhost' }],
  ['leaf without its intermediate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', leaf('agent'), { ca, servername: 'localhost' }],
  ['unknown root (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)', leaf('agent', 'agent-chain.pem'), { servername: 'localhost' }],
  ['root sent in the chain but not trusted (SELF_SIGNED_CERT_IN_CHAIN)', {
    key: fixture('agent-key.pem'),
    cert: Buffer.concat([fixture('agent-chain.pem'), fixture('ca-cert.pem')]),
  }, { ca: fixture('selfsigned-cert.pem'), servername: 'localhost' }],
  ['expired (CERT_HAS_EXPIRED)', leaf('expired'), { ca, servername: 'localhost' }],
  ['not yet valid (CERT_NOT_YET_VALID)', leaf('notyet'), { ca, servername: 'localhost' }],
  ['wrong host (ERR_TLS_CERT_ALTNAME_INVALID)', leaf('wronghost'), { ca, servername: 'localhost' }],
  ['host checked against host when no servername', leaf('agent', 'agent-chain.pem'), { ca }],
  ['custom checkServerIdentity returning an error', leaf('agent', 'agent-chain.pem'), {
    ca, servername: 'localhost',
    checkServerIdentity: (host, cert) => Object.assign(new Error(`no ${host} ${cert.subject.CN}`), { code: 'CUSTOM' }),
  }],
];

describe('client verification matches built-in tls', () => {
  for (const [name, serverCerts, client] of CLIENT_CASES) {
    for (const rejectUnauthorized of [true, false]) {
      it(`${name}, rejectUnauthorized ${rejectUnauthorized}`, async () => {
        await differential((env) => connectTo(env, {
          serverCerts,
          client: { ...client, rejectUnauthorized },
        }), { side: 'client' });
      });
    }
  }
});

describe('server client-certificate checks match built-in tls', () => {
  const serverCerts = leaf('agent', 'agent-chain.pem');
  const cases = [
    ['trusted client certificate', { requestCert: true, ca }, leaf('client')],
    ['untrusted client certificate, rejectUnauthorized false', { requestCert: true, rejectUnauthorized: false, ca }, leaf('selfsigned')],
    ['untrusted client certificate, rejectUnauthorized true', { requestCert: true, ca }, leaf('selfsigned')],
    ['no client certificate, rejectUnauthorized true', { requestCert: true, ca }, {}],
    ['no client certificate, rejectUnauthorized false', { requestCert: true, rejectUnauthorized: false, ca }, {}],
    ['certificate not requested', {}, leaf('client')],
  ];
  for (const [name, server, clientCert] of cases) {
    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      it(`${name}, ${version}`, async () => {
        await differential((env) => connectTo(env, {
          serverCerts,
          server,
          client: { ca, servername: 'localhost', maxVersion: version, ...clientCert },
        }), { side: 'server' });
      });
    }
  }
});
