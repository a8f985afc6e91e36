//! Stations (驿站): the station record and its history, using a station
//! (resources, reservations, visits, reviews, feedback), the service indices'
//! daily counters, and station photos.
//!
//! Each part is a trait with its records — `station.rs` ([`StationStore`]),
//! `using.rs` ([`StationUseStore`]), `indices.rs` ([`StationIndexStore`]),
//! `photos.rs` ([`StationPhotoStore`]) — and a SQL macro of the same name in
//! `sql/`, which each backend expands for its database. The validated input of
//! an editor, `StationDraft`, is the domain's
//! (`waystation_domain::stations::draft`); the rules (status changes,
//! reservation transitions, index deltas) are the domain's too, checked here
//! inside the writing transaction.
//!
//! It knows the foundation (owners are organisations, bookers are people) and
//! imports from it; nothing outside this folder but `backends/` and the crate
//! root names it.
//!
//! **Architecture invariant**: one transaction per operation, with its audit
//! row; every station write takes the next number of the station change
//! counter, so servers follow "what changed since N"; every station event adds
//! its delta to the daily counters in the event's own transaction.

mod indices;
mod photos;
pub(crate) mod sql;
mod station;
mod using;

pub use indices::{CounterScope, RebuildOutcome, StationCounters, StationIndexStore};
pub use photos::{PhotoBytes, StationPhoto, StationPhotoStore};
pub use station::{
    ImportOutcome, ImportRow, LocationRecord, Station, StationListFilter, StationStore, StatusRecord,
};
pub use using::{Feedback, NewReservation, Reservation, Resource, Review, ReviewSummary, StationUseStore, VisitStats};
