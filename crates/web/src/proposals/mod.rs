//! Proposals: what workers' representatives propose, and how each is handled.
//!
//! Nothing lives here yet. The capability will bring its API routes and their
//! OpenAPI operations, its pages and console entry, its templates
//! (`templates/proposals/`) and locale files (`locales/*/proposals.toml`), and
//! a `plug.rs` the crate root lists once in each of its lists; see
//! docs/adding-a-capability.md.
