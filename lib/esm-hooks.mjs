// Module customization hooks that `tls-rs/register` installs (module.register, Node ≥ 20.6) so
// that ESM `import tls from 'node:tls'`, `import { connect } from 'tls'` and dynamic
// `import('node:tls')` get tls-rs too: the ESM loader never goes through Module._load.

const URL_PREFIX = 'tls-rs-register:';
let tlsPath;
let exportNames;

/** Receives the tls-rs entry point and the export names to offer (those of node:tls). */
export function initialize(data) {
  tlsPath = data.tlsPath;
  exportNames = data.exportNames;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'tls' || specifier === 'node:tls') return { url: `${URL_PREFIX}tls`, shortCircuit: true };
  return nextResolve(specifier, context);
}

// An ESM facade over the CommonJS module: the default export is tls-rs itself (assignments such as
// `tls.CLIENT_RENEG_LIMIT = 5` reach it), the named exports are its members at import time.
export async function load(url, context, nextLoad) {
  if (url !== `${URL_PREFIX}tls`) return nextLoad(url, context);
  const names = exportNames.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  const source = [
    "import { createRequire } from 'node:module';",
    `const tls = createRequire(${JSON.stringify(tlsPath)})(${JSON.stringify(tlsPath)});`,
    'export default tls;',
    ...names.map((name) => `export const ${name} = tls[${JSON.stringify(name)}];`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
