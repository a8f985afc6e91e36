//! Membership (会员): joining a union, transferring between organisations,
//! dues, and the membership card.
//!
//! Nothing lives here yet. The capability will bring its API and OpenAPI
//! fragment, its pages and console entry, its templates
//! (`templates/membership/`) and locale files (`locales/*/membership.toml`),
//! and a `plug.rs` the crate root lists once; see docs/adding-a-capability.md.
