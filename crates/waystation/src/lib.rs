//! The `waystation` binary's parts that tests reach too: settings and the demo set.

pub mod config;
pub mod demo;
