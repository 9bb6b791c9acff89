use std::ffi::c_int;

pub const PEM_R_NO_START_LINE: c_int = 108;
