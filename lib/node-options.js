'use strict';
// Node's own start-up options (the flags before the script and NODE_OPTIONS), which built-in
// tls reads through getOptionValue: --trace-tls, --tls-keylog, --use-openssl-ca. Read once per
// process, as Node does: NODE_OPTIONS first, then the command line, the last occurrence of an
// option winning; `_` and `-` are the same in option names.

let args = null;
function nodeArgs() {
  args ??= [...splitNodeOptions(process.env.NODE_OPTIONS || ''), ...process.execArgv].map(normalizeName);
  return args;
}

// Node's ParseNodeOptionsEnvVar: arguments split on spaces; double quotes group, and inside
// them a backslash takes the next character as it is. A value Node refuses (an unterminated
// string or escape) gives no options, as Node would not have started.
function splitNodeOptions(text) {
  const out = [];
  let inString = false;
  let startNew = true;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (c === '\\' && inString) {
      if (i + 1 === text.length) return [];
      c = text[++i];
    } else if (c === ' ' && !inString) {
      startNew = true;
      continue;
    } else if (c === '"') {
      inString = !inString;
      continue;
    }
    if (startNew) {
      out.push(c);
      startNew = false;
    } else {
      out[out.length - 1] += c;
    }
  }
  return inString ? [] : out;
}

// '--tls_keylog=a_b' → '--tls-keylog=a_b': underscores in the name only.
function normalizeName(arg) {
  if (!arg.startsWith('--')) return arg;
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg : arg.slice(0, eq);
  return name.replaceAll('_', '-') + (eq === -1 ? '' : arg.slice(eq));
}

/** Whether the boolean flag `name` (e.g. '--trace-tls') is on: the last of it and `--no-...`. */
function hasNodeOption(name) {
  const negated = `--no-${name.slice(2)}`;
  let on = false;
  for (const arg of nodeArgs()) {
    if (arg === name) on = true;
    else if (arg === negated) on = false;
  }
  return on;
}

/** The value of the last `name=value` or `name value` (e.g. '--tls-keylog'), or null. */
function nodeOptionValue(name) {
  const all = nodeArgs();
  let value = null;
  for (let i = 0; i < all.length; i++) {
    if (all[i].startsWith(`${name}=`)) value = all[i].slice(name.length + 1);
    else if (all[i] === name && i + 1 < all.length) value = all[++i];
  }
  return value;
}

module.exports = { hasNodeOption, nodeOptionValue };
