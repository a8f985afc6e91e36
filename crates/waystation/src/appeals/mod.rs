//! Appeals' part of the binary: its demo cases (`demo.rs`, loaded by
//! `crate::demo`: the regional cases of the seed documents' places, and a
//! scale set for benchmarks).

pub mod demo;
