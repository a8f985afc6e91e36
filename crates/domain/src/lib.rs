//! Waystation's rules as plain Rust.
//!
//! Nothing in this crate performs I/O: no database, no HTTP, no clock. Callers pass
//! the current time in. Every validated value is a type with a checked constructor,
//! so the layers around this crate cannot hold an invalid phone number, an
//! organisation placed under its own descendant, or an unknown role.
//!
//! One folder per capability, beside the shared kit:
//! - [`kit`]: what every capability uses and that knows no capability — the
//!   validation error [`Invalid`], pagination, idempotency keys, rate-limit rules,
//!   the official holiday calendar.
//! - [`foundation`]: people, organisations, who may do what where, sign-in codes,
//!   the audit chain. Every capability builds on it.
//! - [`stations`]: rest stations. [`appeals`], [`congress`], [`proposals`] and
//!   [`membership`] are the places the next capabilities go.

pub mod appeals;
pub mod congress;
pub mod foundation;
pub mod kit;
pub mod membership;
pub mod proposals;
pub mod stations;

pub use kit::violation::Invalid;
