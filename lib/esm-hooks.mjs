// Module customization hooks that `tls-rs/register` installs, so that ES modules get what
// CommonJS gets through register.js's Module._load: `import tls from 'node:tls'`,
// `import { connect } from 'tls'` and `import('node:tls')` get tls-rs, and imports of https /
// node:https get https as register.js patched it (the ESM loader never goes through Module._load).
//
// The same synchronous functions serve module.registerHooks (Node ≥ 22.15 / 23.5: in the loading
// thread) and module.register (Node ≥ 20.6: on Node's module-hooks thread). Neither loads tls-rs:
// the module they make for `node:tls` requires it in the main thread, when it is first imported.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const URL_PREFIX = 'tls-rs-register:';
const MODULES = new Set(['tls', 'https']);
// tls-rs's exports that Node's tls may lack (the seed docs' API; the trust-store API before Node
// 22.15); test/register-lazy.test.js checks that
// ES modules get every export of tls-rs.
const TLS_RS_EXTRAS = ['convertNPNProtocols', 'createSecurePair', 'SecurePair', 'CryptoStream', 'getCACertificates',
  'setDefaultCACertificates'];

/** Node's own module `id`, never the one register.js swaps in. */
function builtin(id) {
  return process.getBuiltinModule?.(`node:${id}`) ?? require(`node:${id}`);
}

export function resolve(specifier, context, nextResolve) {
  const id = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  // require() reaches these hooks too under module.registerHooks; register.js answers it already.
  if (MODULES.has(id) && !context.conditions?.includes('require')) {
    return { url: URL_PREFIX + id, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

// An ES module over the CommonJS one: its default export is what `require('node:<id>')` returns
// under register.js (tls-rs itself, so assignments such as `tls.CLIENT_RENEG_LIMIT = 5` reach it;
// https as patched), its named exports that object's members when it is first imported.
export function load(url, context, nextLoad) {
  if (!url.startsWith(URL_PREFIX)) return nextLoad(url, context);
  const id = url.slice(URL_PREFIX.length);
  const names = new Set(Object.keys(builtin(id)));
  if (id === 'tls') for (const name of TLS_RS_EXTRAS) names.add(name);
  const source = [
    "import { createRequire } from 'node:module';",
    // Required from outside lib/ (register.js gives lib/ files Node's own modules).
    `const mod = createRequire(${JSON.stringify(new URL('../package.json', import.meta.url).href)})(${JSON.stringify(`node:${id}`)});`,
    'export default mod;',
    ...[...names].filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default' && name !== 'mod')
      .map((name) => `export const ${name} = mod[${JSON.stringify(name)}];`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
