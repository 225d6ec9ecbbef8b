//! Checks about what the paste itself gives away (passwords, keys).

pub mod secret_in_paste;
