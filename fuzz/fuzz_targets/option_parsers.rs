//! cargo-fuzz target: tls_rs::fuzzing::option_parsers (see that function for the input layout).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tls_rs::fuzzing::option_parsers(data));
