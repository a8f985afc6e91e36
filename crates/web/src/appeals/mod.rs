//! Appeals: a worker's problem carried to the people who must solve it, and
//! the answer carried back.
//!
//! Nothing lives here yet. The capability will bring its API routes and their
//! OpenAPI operations, its pages and console entry, its templates
//! (`templates/appeals/`) and locale files (`locales/*/appeals.toml`), and a
//! `plug.rs` the crate root lists once in each of its lists; see
//! docs/adding-a-capability.md.
