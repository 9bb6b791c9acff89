// `tls-rs/https`: Node's https module whose Server serves over tls-rs.
/// <reference types="node" />
import https = require('node:https');
export = https;
