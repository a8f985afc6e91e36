//! Proposals (提案): members submit proposals to the union or a congress;
//! they are reviewed, answered and followed up.
//!
//! Nothing lives here yet. The capability will bring its API and OpenAPI
//! fragment, its pages and console entry, its templates
//! (`templates/proposals/`) and locale files (`locales/*/proposals.toml`), and
//! a `plug.rs` the crate root lists once; see docs/adding-a-capability.md.
