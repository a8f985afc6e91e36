//! Workers' congresses (职代会): convening one, its delegates, its agenda and
//! its votes.
//!
//! Nothing lives here yet. The capability will bring its API and OpenAPI
//! fragment, its pages and console entry, its templates
//! (`templates/congress/`) and locale files (`locales/*/congress.toml`), and a
//! `plug.rs` the crate root lists once; see docs/adding-a-capability.md.
