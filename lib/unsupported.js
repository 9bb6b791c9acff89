'use strict';
// Options tls-rs does not implement yet. Passing one throws, naming it, instead of being
// silently ignored; each entry is deleted when its feature lands.

const NOT_YET = [
  'enableTrace',
];

function rejectUnsupportedOptions(options, where) {
  if (options === null || typeof options !== 'object') return;
  for (const name of NOT_YET) {
    if (options[name] !== undefined && options[name] !== null && options[name] !== false) {
      const err = new Error(`tls-rs: ${where}: option "${name}" is not supported yet`);
      err.code = 'ERR_TLS_RS_UNSUPPORTED';
      throw err;
    }
  }
}

module.exports = { rejectUnsupportedOptions };
