//! The shared HTTP kit every capability builds on: errors and their rendering
//! ([`error`]), extractors ([`extract`]), who is calling ([`session`],
//! [`cookies`]), the CSRF guard ([`csrf`]), retried POSTs ([`idempotency`]),
//! body limits ([`body_limit`]), languages ([`i18n`]), static assets
//! ([`assets`]), health and metrics ([`observability`]), the page frame
//! ([`page`]), the console's entries ([`nav`]), places one capability offers
//! another ([`places`]) and the state handlers reach ([`state`]).
//!
//! **Architecture invariant:** the kit imports no capability (`foundation`,
//! `stations`, …). What it must know of them — their upload limits, their
//! console entries, their parts of the state — the crate root hands in as
//! data ([`body_limit::UploadLimit`], [`nav::ConsoleEntry`],
//! [`state::Parts`]). It knows route paths only where a rule is about a path
//! itself (sign-in answers are never replayed, see [`idempotency`]).

pub mod assets;
pub mod body_limit;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod idempotency;
pub mod nav;
pub mod observability;
pub mod page;
pub mod places;
pub mod session;
pub mod state;
