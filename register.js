'use strict';
// `require('<this directory>/register')` / `node -r <this directory>/register`: the same module as
// `tls-rs/register` (the exports map in package.json points there directly).
module.exports = require('./lib/register');
