//! The native transport: sockets Rust owns on Node's own libuv loop (transport.rs over uv.rs),
//! and the pool of threads that runs handshake steps off the JS thread (pool.rs).
//! No N-API here: what happens reaches JS through a `transport::Sink` (js/transport.rs).

pub mod pool;
pub mod transport;
pub mod uv;
