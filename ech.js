'use strict';
// `require('<checkout>/ech')`: the same file as the package's `tls-rs/ech` export.
module.exports = require('./lib/ech-keys');
