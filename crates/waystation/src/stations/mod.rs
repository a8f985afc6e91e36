//! The stations' part of the binary: their shell commands.

pub mod cli;
pub mod demo;
