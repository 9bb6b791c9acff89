'use strict';
// `require('<this directory>/https')`: the same module as `require('tls-rs/https')` (the exports
// map in package.json points there directly).
module.exports = require('./lib/https');
