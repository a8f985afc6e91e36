//! The appeals SQL, written once for both backends and expanded by each beside
//! the kit's prelude and the foundation's SQL: `appeal.rs` as `appeal_sql`,
//! `tallies.rs` (the dashboard's kept sums) as `appeal_tally_sql`.
//! The macro body begins with the `use` lines of all it takes from those
//! sibling expansions.

pub(crate) mod appeal;
pub(crate) mod tallies;
