//! Appeals (诉求): the rules of a worker's appeal, as plain Rust — no I/O, no
//! clock (today's date is passed in).
//!
//! - [`case_number`]: the human-readable [`CaseNumber`]
//!   (`SQ-<division>-<YYYYMMDD>-<sequence>`) and its checks.
//! - [`dashboard`]: the figures of a dashboard from the facts of each case
//!   ([`dashboard::summarise`]).
//! - [`kind`]: the type ([`AppealType`], the 12351 hotline's five) and the
//!   category — built-in ([`Category`]) or defined by a system admin
//!   ([`CategoryDef`], in a [`Catalogue`]) — with its green-channel flag, the
//!   fields a worker must give ([`FieldSpec`], checked into [`FieldProblem`]s)
//!   and its time limits.
//! - [`limits`]: the time limits ([`TimeLimits`], each a [`Span`] of calendar or
//!   working days) and the deadline arithmetic on the official holiday calendar,
//!   with the yellow/red light of a deadline ([`deadline_state`]).
//! - [`notify`]: who is told of an event or a deadline light.
//! - [`photo`]: a photo added to an appeal, checked by content, its EXIF
//!   place removed unless the worker keeps it.
//! - [`routing`]: which union acts on a filing ([`route`]), which supervises,
//!   and who a signed-in person is for a case ([`actor_for`]).
//! - [`workflow`]: the state machine — [`Stage`], [`Level`] (base, review,
//!   re-review), [`Event`], [`Actor`] — moved only by [`transition`], which
//!   refuses an illegal event with a stable code; a case's deadlines and their
//!   [`Light`]s for the deadline sweep.

pub mod case_number;
pub mod dashboard;
pub mod kind;
pub mod limits;
pub mod notify;
pub mod photo;
pub mod routing;
pub mod workflow;

pub use case_number::CaseNumber;
pub use kind::{AppealType, Catalogue, Category, CategoryCode, CategoryDef, FieldKind, FieldProblem, FieldSpec};
pub use limits::{deadline_state, DayUnit, DeadlineState, Span, TimeLimits};
pub use workflow::{offered, transition, Actor, CaseState, Context, DeadlineKind, Event, Level, Light, Outcome, Partner, Stage};
pub use routing::{actor_for, route, Route, RouteHints, RoutedBy};
