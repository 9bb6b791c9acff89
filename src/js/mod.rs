//! The N-API layer: every `#[napi]` item, one file per exported class. Nothing below `conn/`
//! and `context/` knows about JS; this layer turns their values and errors into JS ones.

pub mod connection;
pub mod errors;
pub mod functions;
pub mod hot_path;
pub mod ocsp;
pub mod secure_context;
pub mod status;
pub mod transport;
pub mod values;
