'use strict';
// Node's own start-up options (the flags before the script and NODE_OPTIONS), which built-in
// tls reads through getOptionValue: --trace-tls, --tls-keylog, --use-openssl-ca. Read once per
// process, as Node does.

let args = null;
function nodeArgs() {
  args ??= [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)];
  return args;
}

/** Whether the boolean flag `name` (e.g. '--trace-tls') was given. */
function hasNodeOption(name) {
  return nodeArgs().includes(name);
}

/** The value of `name=value` or `name value` (e.g. '--tls-keylog'), or null. */
function nodeOptionValue(name) {
  const all = nodeArgs();
  for (let i = 0; i < all.length; i++) {
    if (all[i].startsWith(`${name}=`)) return all[i].slice(name.length + 1);
    if (all[i] === name && i + 1 < all.length) return all[i + 1];
  }
  return null;
}

module.exports = { hasNodeOption, nodeOptionValue };
