// Types of tls-rs: the same module surface as Node's built-in `tls` (@types/node's declarations),
// so code and editors see exactly what they see for `require('tls')`.
/// <reference types="node" />
import tls = require('node:tls');
export = tls;
