'use strict';
// `tls-rs/reload` (beyond Node): certificate hot reload for a TLS server. watchCredentials()
// reads the server's key, certificate and CA files, and reads them again when they change or
// when asked; a new set that parses and whose key matches its certificate replaces the server's
// context for the connections accepted from then on (server.setSecureContext, with the server's
// other context options and its ticket keys kept, so sessions still resume). A set that is broken
// or mismatched — often the moment between a renewal writing the certificate and the key — is
// refused: the server keeps serving what it had, and the next change is tried again.

const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const { X509Certificate, createPrivateKey } = require('node:crypto');
const tls = require('./tls');
const { validateObject, validateString } = require('./validators');
const { codes: { ERR_INVALID_ARG_TYPE } } = require('./errors');

// The context options a server keeps as its own fields (lib/server.js's setSecureContext reads
// them back), apart from the credentials this helper owns: the files, and a `pfx`, which the
// files replace (kept, it would win over them, as createSecureContext loads it last).
const KEPT_FIELDS = ['passphrase', 'clientCertEngine', 'minVersion', 'maxVersion', 'secureProtocol',
  'crl', 'ciphers', 'dhparam', 'sigalgs', 'ecdhCurve', 'honorCipherOrder', 'secureOptions', 'sessionIdContext',
  'sessionTimeout', 'privateKeyIdentifier', 'privateKeyEngine', 'echKeys'];
const FILES = ['key', 'cert', 'ca'];

/**
 * Keeps `server`'s key/cert (and ca) in step with files. Emits 'reload' after each swap and
 * 'error' for a refused set when watching; reload() answers on demand; close() stops watching,
 * as the server's 'close' does.
 */
class CredentialsWatcher extends EventEmitter {
  constructor(server, files, options) {
    super();
    this.server = server;
    this.files = files;
    this.passphrase = options.passphrase;
    this.closed = false;
    this.watching = [];
    this.pending = null;
    // Reloads run one after the other, each reading the files once the one before is done, so
    // that the last one to install read the files last.
    this.lastReload = Promise.resolve();
    this.onServerClose = () => this.close();
    server.once('close', this.onServerClose);
    if (options.watch !== false) {
      const onChange = (now, before) => {
        if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) this.scheduleReload();
      };
      for (const name of FILES) {
        const file = files[name];
        if (file === undefined) continue;
        fs.watchFile(file, { interval: options.interval ?? 5000, persistent: false }, onChange);
        this.watching.push([file, onChange]);
      }
    }
  }

  // Files often change together (a renewal writes the certificate, then the key): one reload for
  // the changes seen in one turn of the event loop.
  scheduleReload() {
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.reload().catch((err) => {
        if (!this.closed) this.emit('error', err);
      });
    });
  }

  /**
   * Reads the files and swaps the server's context when they make a valid set. Resolves once the
   * server uses them; rejects (the server unchanged) when they do not.
   */
  reload() {
    const run = this.lastReload.catch(() => {}).then(() => this.readAndInstall());
    this.lastReload = run;
    return run;
  }

  async readAndInstall() {
    if (this.closed) throw closedError();
    const read = {};
    for (const name of FILES) {
      if (this.files[name] !== undefined) read[name] = await fs.promises.readFile(this.files[name]);
    }
    // Closed while the files were read: the swap would undo a context set since.
    if (this.closed) throw closedError();
    const passphrase = this.passphrase ?? this.server.passphrase;
    checkKeyMatchesCertificate(read.key, read.cert, passphrase, this.files);
    // The whole ticket-key ring of a tls-rs server (a Node server has one key).
    const ring = this.server._sharedCreds?.context?.getTicketKeyRing?.();
    const ticketKeys = ring ? Array.from({ length: ring.length / 48 }, (_, i) => ring.subarray(i * 48, (i + 1) * 48)) :
      this.server.getTicketKeys();
    const options = { ticketKeys };
    for (const name of KEPT_FIELDS) {
      if (this.server[name] !== undefined) options[name] = this.server[name];
    }
    if (this.passphrase !== undefined) options.passphrase = this.passphrase;
    Object.assign(options, read);
    if (read.ca === undefined && this.server.ca !== undefined) options.ca = this.server.ca;
    // Built first, so that a set OpenSSL refuses leaves the server's fields untouched
    // (setSecureContext assigns them before it builds its context).
    tls.createSecureContext(options);
    this.server.setSecureContext(options);
    this.emit('reload');
  }

  /** Stops watching the files; the server keeps its current context. */
  close() {
    this.closed = true;
    this.server.removeListener('close', this.onServerClose);
    if (this.pending) clearImmediate(this.pending);
    for (const [file, listener] of this.watching) fs.unwatchFile(file, listener);
    this.watching = [];
  }
}

function closedError() {
  return new Error('tls-rs: the credentials watcher is closed');
}

// A key of another type than the certificate's public key is accepted by OpenSSL (and Node) as a
// second certificate slot's key; for a reload that is a mistake, so compare them here.
function checkKeyMatchesCertificate(key, cert, passphrase, files) {
  let matches;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey({ key, passphrase }));
  } catch {
    // Unreadable PEM: createSecureContext reports it with Node's own error.
    return;
  }
  if (!matches) {
    // tls-rs's own code (Node has none for this), on a plain Error as Node's native errors are.
    const err = new Error(`The private key in ${files.key} does not match the certificate in ${files.cert}`);
    err.code = 'ERR_TLS_RS_KEY_CERT_MISMATCH';
    throw err;
  }
}

/**
 * Reads `files.key` / `files.cert` (and `files.ca`) now and installs them on `server`, then (unless
 * `options.watch` is false) whenever they change (polled every `options.interval` ms, default
 * 5000). Resolves to the watcher once the first set is in use.
 */
async function watchCredentials(server, files, options = {}) {
  if (!server || typeof server.setSecureContext !== 'function' || typeof server.getTicketKeys !== 'function') {
    throw new ERR_INVALID_ARG_TYPE('server', 'tls.Server', server);
  }
  validateObject(files, 'files');
  validateString(files.key, 'files.key');
  validateString(files.cert, 'files.cert');
  if (files.ca !== undefined) validateString(files.ca, 'files.ca');
  validateObject(options, 'options');
  const watcher = new CredentialsWatcher(server, files, options);
  try {
    await watcher.reload();
  } catch (err) {
    watcher.close();
    throw err;
  }
  return watcher;
}

module.exports = { watchCredentials, CredentialsWatcher };
