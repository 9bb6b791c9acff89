'use strict';
// A failed TLS read or handshake as Node reports it: an Error whose message is OpenSSL's
// printed error line, with `library`, `reason` and `code` (in that order, as Node sets them).

function opensslError(info) {
  if (!info) {
    const err = new Error('TLS session failed without an OpenSSL error');
    err.code = 'ERR_SSL_SYSCALL';
    return err;
  }
  const err = new Error(info.message);
  if (info.library != null) err.library = info.library;
  if (info.reason != null) err.reason = info.reason;
  err.code = info.code;
  return err;
}

module.exports = { opensslError };
