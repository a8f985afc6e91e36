//! Appeals (诉求): the rules of a worker's appeal, as plain Rust.
//!
//! - [`limits`]: the time limits ([`TimeLimits`], each a [`Span`] of calendar or
//!   working days) and the deadline arithmetic on the official holiday calendar,
//!   with the yellow/red light of a deadline ([`deadline_state`]).

pub mod limits;

pub use limits::{deadline_state, DayUnit, DeadlineState, Span, TimeLimits};
