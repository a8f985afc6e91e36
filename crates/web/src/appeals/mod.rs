//! Appeals (诉求): a worker raises a problem — unpaid wages, an accident, a
//! dispute with a platform — and the union handles it to an answer, within the
//! deadlines of the working calendar.
//!
//! Nothing lives here yet. The capability will bring its API and OpenAPI
//! fragment, its pages and console entry, its templates
//! (`templates/appeals/`) and locale files (`locales/*/appeals.toml`), and a
//! `plug.rs` the crate root lists once; see docs/adding-a-capability.md.
