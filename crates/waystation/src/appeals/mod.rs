//! Appeals' part of the binary: its shell commands (`cli.rs`, flattened into
//! `main.rs`'s command list) and its demo cases (`demo.rs`, loaded by
//! `crate::demo`). Empty until the appeals capability lands; see
//! `docs/adding-a-capability.md`.
