// `require('tls-rs/register')` / `node -r tls-rs/register` / `node --import tls-rs/register`: swaps
// tls-rs in for `tls` (and https's Agent and Server) process-wide. A side-effect module: it exports
// nothing; `require('tls-rs')` is tls-rs.
export {};
