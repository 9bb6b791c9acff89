// `require('tls-rs/register')` / `node -r tls-rs/register`: swaps tls-rs in for `tls`.
/// <reference types="node" />
import tls = require('node:tls');
export = tls;
