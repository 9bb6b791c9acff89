'use strict';
// The binding's TypeScript declarations from napi-derive's type-def output: while it expands the
// #[napi] macros, napi-derive (feature "type-def", on by default) writes one JSON line per item
// to $NAPI_TYPE_DEF_TMP_FOLDER/<crate>; scripts/build-addon.js sets that folder. This renders the
// lines as `napi build --dts` (@napi-rs/cli 3, cli/src/utils/typegen.ts) does with its defaults
// (const enums, no type-import rewriting), without @napi-rs/cli and its dependencies: structs
// (classes) first, the rest by name, each class's impl blocks merged into it, #[napi(namespace)]
// items in `export declare namespace` blocks, napi-rs's indentation, after the header
// scripts/binding-header.d.ts (napi-rs's dtsHeaderFile).
//
//   node scripts/typegen.js <type-def file>   prints the declarations
//   node scripts/typegen.js --update          copies build/binding.d.ts (what the last build
//                                             generated) to binding.d.ts (`npm run types`)

const fs = require('node:fs');

const path = require('node:path');

// napi-rs's dtsHeaderFile: prepended to the generated declarations.
const HEADER_FILE = path.join(__dirname, 'binding-header.d.ts');

const TOP_LEVEL = '__TOP_LEVEL_MODULE__';
const compare = (a, b) => a.localeCompare(b, 'en');

/** napi-rs's decodeStructuralNewlines: `\n` escapes outside string literals and comments. */
function decodeStructuralNewlines(source) {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      out += c;
      i += 1;
      while (i < source.length) {
        const cur = source[i];
        out += cur;
        i += 1;
        if (cur === '\\' && i < source.length) {
          out += source[i];
          i += 1;
        } else if (cur === c) {
          break;
        }
      }
      continue;
    }
    if (c === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
      const end = source[i + 1] === '/' ? source.indexOf('\n', i + 2) : source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : (source[i + 1] === '/' ? end : end + 2);
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '\\' && source[i + 1] === 'n') {
      out += '\n';
      i += 2;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

/** The type-def lines of one file, parsed, structs first then everything by name. */
function readTypeDefs(text) {
  const defs = text.split('\n').filter(Boolean).map((line) => {
    const def = JSON.parse(line.trim());
    if (def.js_doc) def.js_doc = def.js_doc.replace(/\\n/g, '\n');
    if (def.def) def.def = decodeStructuralNewlines(def.def);
    return def;
  });
  return defs.sort((a, b) => {
    if (a.kind === 'struct') return b.kind === 'struct' ? compare(a.name, b.name) : -1;
    if (b.kind === 'struct') return 1;
    return compare(a.name, b.name);
  });
}

/** Groups by namespace and merges `impl` / `extends` lines into their class. */
function groupTypeDefs(defs) {
  const groups = new Map();
  const classes = new Map();
  for (const def of defs) {
    const namespace = def.js_mod ?? TOP_LEVEL;
    if (!groups.has(namespace)) groups.set(namespace, []);
    const group = groups.get(namespace);
    const key = `${namespace}\0${def.name}`;
    if (def.kind === 'struct') {
      group.push(def);
      classes.set(key, def);
    } else if (def.kind === 'extends') {
      const cls = classes.get(key);
      if (cls) cls.extends = def.def;
    } else if (def.kind === 'impl') {
      const cls = classes.get(key);
      if (cls) {
        if (cls.def) cls.def += '\n';
        cls.def += def.def;
        cls.def = cls.def.replace(/\\n/g, '\n');
      }
    } else {
      group.push(def);
    }
  }
  return groups;
}

/** napi-rs's correctStringIdent: re-indents by bracket depth, two spaces a level. */
function indent(src, base) {
  let depth = 0;
  return src.split('\n').map((raw) => {
    const line = raw.trim();
    if (line === '') return '';
    const inComment = line.startsWith('*');
    const closing = line.endsWith('}');
    const opening = line.endsWith('{');
    const typeDecl = line.endsWith('=');
    const variant = line.startsWith('|');
    let n = base;
    if ((opening || typeDecl) && !inComment) {
      depth += 1;
      n += (depth - 1) * 2;
    } else {
      if (closing && depth > 0 && !inComment && !variant) depth -= 1;
      n += depth * 2;
    }
    if (inComment) n += 1;
    return ' '.repeat(n) + line;
  }).join('\n');
}

function render(def, level, ambient) {
  const exportDeclare = ambient ? 'export' : 'export declare';
  let s = def.js_doc ?? '';
  switch (def.kind) {
    case 'interface':
      s += `export interface ${def.name} {\n${def.def}\n}`;
      break;
    case 'type':
      s += `export type ${def.name} = \n${def.def}`;
      break;
    case 'enum':
    case 'string_enum':
      s += `${exportDeclare} const enum ${def.name} {\n${def.def}\n}`;
      break;
    case 'struct':
      s += `${exportDeclare} class ${def.name}${def.extends ? ` extends ${def.extends}` : ''} {\n${def.def}\n}`;
      if (def.original_name && def.original_name !== def.name) s += `\nexport type ${def.original_name} = ${def.name}`;
      break;
    case 'fn':
      s += `${exportDeclare} ${def.def}`;
      break;
    default:
      s += def.def;
  }
  return indent(s, level);
}

/** The declarations file for the type-def lines in `text`. */
function renderTypeDefs(text) {
  const groups = [...groupTypeDefs(readTypeDefs(text))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const body = groups.map(([namespace, defs]) => {
    if (namespace === TOP_LEVEL) return defs.map((def) => render(def, 0, false)).join('\n\n');
    return `export declare namespace ${namespace} {\n${defs.map((def) => `${render(def, 2, true)}\n`).join('')}}`;
  }).join('\n\n') + '\n';
  let header = `${fs.readFileSync(HEADER_FILE, 'utf8').trimEnd()}\n\n`;
  if (body.includes('ExternalObject<')) {
    header += "\nexport declare class ExternalObject<T> {\n  readonly '': {\n    readonly '': unique symbol\n    [K: symbol]: T\n  }\n}\n";
  }
  if (body.includes('TypedArray')) {
    header += '\nexport type TypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | ' +
      'Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array\n';
  }
  return header + body;
}

/** renderTypeDefs over a type-def file; a missing file is an error naming what to do. */
function renderTypeDefFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`no napi-rs type-def output at ${file} (${err.code}): the crate was not compiled with ` +
                    'NAPI_TYPE_DEF_TMP_FOLDER set; `npm run build` does that');
  }
  return renderTypeDefs(text);
}

const ROOT = path.join(__dirname, '..');
const GENERATED = path.join(ROOT, 'build', 'binding.d.ts');
const COMMITTED = path.join(ROOT, 'binding.d.ts');

/**
 * What the last build generated, build/binding.d.ts; throws, saying to build, when there is none
 * or it is older than the Rust sources.
 */
function generatedTypes() {
  const { newestSourceTime } = require('../lib/native-target');
  let stat;
  try {
    stat = fs.statSync(GENERATED);
  } catch {
    throw new Error(`${GENERATED} is missing: \`npm run build\` generates it`);
  }
  if (newestSourceTime(ROOT) > stat.mtimeMs) {
    throw new Error(`${GENERATED} is older than the Rust sources: run \`npm run build\``);
  }
  return fs.readFileSync(GENERATED, 'utf8');
}

module.exports = { renderTypeDefs, renderTypeDefFile, generatedTypes, GENERATED, COMMITTED };

if (require.main === module) {
  const arg = process.argv[2];
  if (arg === '--update') {
    const text = generatedTypes();
    if (fs.existsSync(COMMITTED) && fs.readFileSync(COMMITTED, 'utf8') === text) {
      console.log('tls-rs: binding.d.ts is up to date');
    } else {
      fs.writeFileSync(COMMITTED, text);
      console.log('tls-rs: binding.d.ts updated from build/binding.d.ts (commit it)');
    }
  } else if (arg && !arg.startsWith('-')) {
    process.stdout.write(renderTypeDefFile(arg));
  } else {
    console.error('usage: node scripts/typegen.js <napi-rs type-def file> | --update');
    process.exit(2);
  }
}
