//! The foundation's part of the binary: its shell commands.

pub mod cli;
pub mod demo;
