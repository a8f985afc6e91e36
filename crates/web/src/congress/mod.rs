//! Workers' congresses: the union's democratic business, run online.
//!
//! Nothing lives here yet. The capability will bring its API routes and their
//! OpenAPI operations, its pages and console entry, its templates
//! (`templates/congress/`) and locale files (`locales/*/congress.toml`), and a
//! `plug.rs` the crate root lists once in each of its lists; see
//! docs/adding-a-capability.md.
