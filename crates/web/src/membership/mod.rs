//! Membership: who belongs to which union organisation.
//!
//! Nothing lives here yet. The capability will bring its API routes and their
//! OpenAPI operations, its pages and console entry, its templates
//! (`templates/membership/`) and locale files (`locales/*/membership.toml`),
//! and a `plug.rs` the crate root lists once in each of its lists; see
//! docs/adding-a-capability.md.
