'use strict';
// `require('<checkout>/session-store')`: the same file as the package's `tls-rs/session-store` export.
module.exports = require('./lib/session-store');
