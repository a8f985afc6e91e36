//! Appeals: filing (routing, idempotency, bad input), the workflow through
//! the API and the pages, privacy (other districts, hidden identities), and
//! notifications.

mod categories;
mod crash;
mod dashboard;
mod filing;
mod handling;
mod open311;
mod photos;
mod templates;
