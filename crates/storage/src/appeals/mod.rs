//! Appeals: a worker's problem carried to the people who must solve it, and
//! the answer carried back.
//!
//! Nothing here yet: the capability's storage will live in this folder, as
//! docs/adding-a-capability.md describes — its records and `AppealStore` trait in
//! this module, its SQL as macros in `sql/` whose bodies import by name
//! what it takes from the kit's `prelude` and from `foundation_sql`, plus one
//! line in `backends::impl_sql_backend!` and one supertrait of `Store` in
//! `lib.rs`.
