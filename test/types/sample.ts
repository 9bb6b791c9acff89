// Uses the whole tls API through tls-rs's types; `tsc --noEmit` must accept it unchanged from
// code written against @types/node's 'tls'.
import tls = require('tls-rs');
import * as fs from 'node:fs';
import 'tls-rs/register';
import httpsRs = require('tls-rs/https');

const context: tls.SecureContext = tls.createSecureContext({
  key: fs.readFileSync('key.pem'), cert: fs.readFileSync('cert.pem'), ca: [fs.readFileSync('ca.pem')],
  minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: tls.DEFAULT_CIPHERS, ecdhCurve: tls.DEFAULT_ECDH_CURVE,
});
const server: tls.Server = tls.createServer({ secureContext: context, requestCert: true }, (socket: tls.TLSSocket) => {
  const cert: tls.PeerCertificate | tls.DetailedPeerCertificate = socket.getPeerCertificate(true);
  const cipher: tls.CipherNameAndProtocol = socket.getCipher();
  const protocol: string | null = socket.getProtocol();
  socket.write(`${cert.subject?.CN} ${cipher.name} ${protocol} ${socket.authorized} ${socket.authorizationError}`);
  socket.pipe(socket);
});
server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => socket.destroy(err));
server.listen(8000, () => {
  const socket = tls.connect(8000, 'localhost', { ca: [fs.readFileSync('ca.pem')], servername: 'localhost',
    checkServerIdentity: (host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(host, cert) }, () => {
    socket.setNoDelay(true).setKeepAlive(true).setTimeout(1000);
    const info: tls.EphemeralKeyInfo | object | null = socket.getEphemeralKeyInfo();
    console.log(info, socket.isSessionReused(), socket.encrypted, tls.getCiphers(), tls.rootCertificates.length);
    socket.end();
  });
});
const pair: tls.SecurePair = tls.createSecurePair(context, false);
pair.cleartext.write('x');
const wrapped = new tls.TLSSocket(pair.encrypted as unknown as import('node:net').Socket, { isServer: true, secureContext: context });
wrapped.destroy();
httpsRs.createServer({ key: '', cert: '' }, (req, res) => res.end('ok')).close();

// tls-rs/reload (beyond Node).
import { watchCredentials, CredentialsWatcher } from 'tls-rs/reload';
watchCredentials(server, { key: 'key.pem', cert: 'cert.pem' }, { interval: 1000 }).then((watcher: CredentialsWatcher) => {
  watcher.on('reload', () => console.log('reloaded')).on('error', (err) => console.log(err.code));
  return watcher.reload().finally(() => watcher.close());
});

// The trust-store API (Node 22.15+, tls-rs on every Node).
const defaults: string[] = tls.getCACertificates();
tls.setDefaultCACertificates([...defaults, fs.readFileSync('ca.pem')]);

// tls-rs/session-store (beyond Node).
import { useSessionStore, redisSessionStore, SessionStore } from 'tls-rs/session-store';
const memory = new Map<string, Buffer>();
const store: SessionStore = {
  get: async (id) => memory.get(id.toString('hex')),
  set: async (id, data) => memory.set(id.toString('hex'), data),
};
const detach: () => void = useSessionStore(server, store, { timeout: 100, onError: console.error });
detach();
declare const redis: { getBuffer(key: string): Promise<Buffer | null>; set(key: string, value: Buffer, mode: 'PX', ms: number): Promise<'OK'> };
useSessionStore(server, redisSessionStore(redis, { prefix: 'app:' }));

// OCSP stapling (beyond Node).
const stapling = tls.createServer({ key: 'k', cert: 'c', ocspStapling: { retryDelay: 500 } });
stapling.on('OCSPStaple', (info: tls.OCSPStapleInfo) => { const next: Date | null = info.nextUpdate; void next; });
stapling.on('OCSPStapleError', (err) => { const retry: number | undefined = err.retryIn; void retry; });
tls.connect({ port: 443, checkOCSP: 'require' }).on('error', (err: NodeJS.ErrnoException) => void err.code);
