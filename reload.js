'use strict';
// `require('<checkout>/reload')`: the same file as the package's `tls-rs/reload` export.
module.exports = require('./lib/reload');
