// `node --import tls-rs/register` / `import 'tls-rs/register'`: register.js, loaded with require.
// (Node loads a CommonJS file given to --import through its ESM translator, which parses it for
// export names: ~3 ms more at start-up than this.)
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./register.js');
