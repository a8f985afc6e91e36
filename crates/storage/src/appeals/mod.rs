//! Appeals (诉求): a worker's problem carried to the people who must solve it,
//! and the answer carried back.
//!
//! `appeal.rs` holds [`AppealStore`] and its records — the case as stored
//! ([`Appeal`], whose workflow state is the domain's `CaseState`), a filing
//! ([`NewAppeal`]), one row of the timeline ([`AppealEvent`]) and a queue's
//! filter ([`AppealFilter`]) — and `sql/appeal.rs` the macro of its SQL, which
//! each backend expands as `appeal_sql`. The rules are the domain's
//! (`waystation_domain::appeals`): every change of a case goes through
//! `transition`, inside the transaction that writes it.
//!
//! It builds on the foundation (the handling union is an organisation, the
//! filer a person) and names no other capability.
//!
//! **Architecture invariant**: one transaction per operation — a filing takes
//! its case number from the division's day counter (numbers are never reused),
//! inserts the case, its first timeline row and its audit row together; an
//! event locks the case, is judged by the domain and, if legal, writes the new
//! state, a timeline row and an audit row, or nothing at all. The timeline is
//! append-only (triggers refuse UPDATE and DELETE).

mod appeal;
pub(crate) mod sql;

pub use appeal::{Appeal, AppealEvent, AppealPhotoRecord, AppealFilter, AppealStore, NewAppeal, Open311Key, Open311Query, ReplyTemplate, ScaleAppeal, ScaleEvent, SweepReport};
