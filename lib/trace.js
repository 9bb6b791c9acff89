'use strict';
// enableTrace(): the `enableTrace` option of tls.connect / tls.createServer / new TLSSocket,
// the socket method, and Node's --trace-tls flag. Node prints OpenSSL's SSL_trace decoding to
// stderr; the vendored OpenSSL has no SSL_trace, so tls-rs prints each protocol message in
// the layout of `openssl s_client -msg` instead (src/engine/trace.rs).

const { validateBoolean } = require('./validators');

let tracingWarned = false;

let traceTls = null;
// --trace-tls, from the process's start-up options: Node reads it once (getOptionValue), and
// looking it up per socket is a cost every connection paid.
function traceFlag() {
  if (traceTls === null) {
    const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)];
    traceTls = flags.includes('--trace-tls');
  }
  return traceTls;
}

/** Node's TLSSocket constructor: whether to trace this socket (validates the option). */
function traceOption(options) {
  let enableTrace = options.enableTrace;
  if (enableTrace == null) {
    enableTrace = traceFlag();
    if (enableTrace && !tracingWarned) {
      tracingWarned = true;
      process.emitWarning('Enabling --trace-tls can expose sensitive data in the resulting log.');
    }
  } else {
    validateBoolean(enableTrace, 'options.enableTrace');
  }
  return enableTrace;
}

function installTrace(proto, kSession) {
  // Node proxies enableTrace to the handle: undefined, or null once destroyed.
  proto.enableTrace = function enableTrace() {
    const session = this[kSession];
    if (!session) return null;
    session.enableTrace();
    return undefined;
  };
}

module.exports = { traceOption, installTrace };
