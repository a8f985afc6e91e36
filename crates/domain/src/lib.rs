//! Waystation's rules as plain Rust.
//!
//! Nothing in this crate performs I/O: no database, no HTTP, no clock. Callers pass
//! the current time in. Every validated value is a type with a checked constructor,
//! so the layers around this crate cannot hold an invalid phone number, an
//! organisation placed under its own descendant, or an unknown role.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod idempotency;
pub mod organisations;
pub mod pagination;
pub mod people;
pub mod rate_limit;
pub mod sign_in;
pub mod stations;
mod violation;

pub use violation::Invalid;
