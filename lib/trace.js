'use strict';
// enableTrace(): the `enableTrace` option of tls.connect / tls.createServer / new TLSSocket,
// the socket method, and Node's --trace-tls flag. Node prints OpenSSL's SSL_trace decoding to
// stderr; the vendored OpenSSL has no SSL_trace, so tls-rs prints each protocol message in
// the layout of `openssl s_client -msg` instead (src/conn/trace.rs).

const { validateBoolean } = require('./validators');
const { hasNodeOption } = require('./node-options');
const { kSession } = require('./symbols');

let tracingWarned = false;

/** Node's TLSSocket constructor: whether to trace this socket (validates the option). */
function traceOption(options) {
  let enableTrace = options.enableTrace;
  if (enableTrace == null) {
    enableTrace = hasNodeOption('--trace-tls');
    if (enableTrace && !tracingWarned) {
      tracingWarned = true;
      process.emitWarning('Enabling --trace-tls can expose sensitive data in the resulting log.');
    }
  } else {
    validateBoolean(enableTrace, 'options.enableTrace');
  }
  return enableTrace;
}

/** Adds enableTrace() to TLSSocket.prototype. */
function install(proto) {
  // Node proxies enableTrace to the handle: undefined, or null once destroyed.
  proto.enableTrace = function enableTrace() {
    const session = this[kSession];
    if (!session) return null;
    session.enableTrace();
    return undefined;
  };
}

module.exports = { traceOption, install };
