//! Appeals' part of the binary: its shell command (`cli.rs`: `appeals
//! sweep`, flattened into `main.rs`'s command list) and its demo cases (`demo.rs`, loaded by
//! `crate::demo`: the regional cases of the seed documents' places, and a
//! scale set for benchmarks).

pub mod cli;
pub mod demo;
