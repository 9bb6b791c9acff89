//! The native transport: sockets Rust owns on Node's own libuv loop (transport.rs over uv.rs),
//! the pool of threads that runs handshake steps off the JS thread (pool.rs), and the closing of
//! both when a thread's environment ends (teardown.rs).
//! No N-API here: what happens reaches JS through a `transport::Sink` (js/transport.rs).

pub mod pool;
pub mod teardown;
pub mod transport;
pub mod uv;
