'use strict';
// createSecureContext cost, in process (forked by run.js, one fresh process per implementation
// and repetition). The first default-CA call of the process is timed on its own (it loads the
// root store); the other cases are repeated for `duration` ms after a warm-up and reported as
// the mean time per call.

const fs = require('node:fs');
const { loadImpl, serve } = require('./common');

serve({
  run({ impl, certs, duration, warmup }) {
    const tls = loadImpl(impl);
    const ec = { key: fs.readFileSync(certs.ec.key), cert: fs.readFileSync(certs.ec.cert) };
    const rsa = { key: fs.readFileSync(certs.rsa.key), cert: fs.readFileSync(certs.rsa.cert) };

    const results = {};
    let t = process.hrtime.bigint();
    tls.createSecureContext({});
    results['default-first'] = Number(process.hrtime.bigint() - t) / 1e3;
    // The same 100 CA certificates (PEM strings) for both implementations: Node's bundled roots
    // (read only now, so the first call above found nothing prepared).
    const ca100 = require('node:tls').rootCertificates.slice(0, 100);

    const cases = {
      default: () => tls.createSecureContext({}),
      ca100: () => tls.createSecureContext({ ca: ca100 }),
      'keycert-ec': () => tls.createSecureContext(ec),
      'keycert-rsa': () => tls.createSecureContext(rsa),
    };
    for (const [name, fn] of Object.entries(cases)) {
      for (let i = 0; i < warmup; i++) fn();
      let calls = 0;
      const budget = BigInt(Math.round(duration * 1e6));
      t = process.hrtime.bigint();
      let elapsed = 0n;
      do {
        fn();
        calls++;
        elapsed = process.hrtime.bigint() - t;
      } while (elapsed < budget);
      results[name] = Number(elapsed) / 1e3 / calls;
    }
    return results;
  },
});
