//! The shared kit: rules every capability uses. It imports no capability and
//! nothing from `foundation`.

pub mod calendar;
pub mod china_time;
pub mod geo;
pub mod idempotency;
pub mod image;
pub mod pagination;
pub mod rate_limit;
pub mod violation;
