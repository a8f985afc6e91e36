//! Proposals: representatives' proposals and what becomes of them.
//!
//! Nothing here yet: the capability's storage will live in this folder, as
//! docs/adding-a-capability.md describes — its records and `ProposalStore` trait in
//! this module, its SQL as one macro in `sql.rs` whose body imports by name
//! what it takes from the kit's `prelude` and from `foundation_sql`, plus one
//! line in `backends::impl_sql_backend!` and one supertrait of `Store` in
//! `lib.rs`.
