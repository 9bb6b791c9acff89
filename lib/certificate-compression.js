'use strict';
// RFC 8879 certificate compression: Node 24's `certificateCompression` option (servers and
// createSecureContext) and tls.getCertificateCompressionAlgorithms(), present where the running
// Node has them (lib/host-tls.js). tls-rs's OpenSSL is built without zlib, brotli and zstd, so
// this build supports none: the list is empty, and a context asking for an algorithm is refused
// with a clear error once the option passed Node's own checks (nothing is silently ignored).

const { codes: { ERR_INVALID_ARG_VALUE } } = require('./errors');
const { validateArray } = require('./validators');

/** The algorithms this build can compress certificates with: none (a fresh array each call). */
function getCertificateCompressionAlgorithms() {
  return [];
}

/** Node 24's checks of `certificateCompression`, then the refusal of any algorithm. */
function applyCertificateCompression(certificateCompression, name) {
  if (certificateCompression == null) return;
  validateArray(certificateCompression, `${name}.certificateCompression`);
  if (certificateCompression.length === 0) return;
  if (certificateCompression.length > 3) {
    throw new ERR_INVALID_ARG_VALUE(`${name}.certificateCompression`, certificateCompression,
                                    'can specify at most 3 algorithms');
  }
  for (let i = 0; i < certificateCompression.length; i++) {
    const algorithm = certificateCompression[i];
    if (algorithm !== 'zlib' && algorithm !== 'brotli' && algorithm !== 'zstd') {
      throw new ERR_INVALID_ARG_VALUE(`${name}.certificateCompression[${i}]`, algorithm,
                                      "must be 'zlib', 'brotli', or 'zstd'");
    }
  }
  throw new Error(`tls-rs: certificate compression (${certificateCompression.join(', ')}) is not available: ` +
                  'its OpenSSL is built without zlib, brotli and zstd (getCertificateCompressionAlgorithms() is empty)');
}

module.exports = { getCertificateCompressionAlgorithms, applyCertificateCompression };
