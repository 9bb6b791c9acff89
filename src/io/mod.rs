//! The native transport: sockets Rust owns on Node's own libuv loop (transport.rs over uv.rs).
//! No N-API here: what happens reaches JS through a `transport::Sink` (js/transport.rs).

pub mod transport;
pub mod uv;
