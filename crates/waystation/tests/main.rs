//! Waystation's integration tests: one test binary (`cargo test -p waystation
//! --test it`), since every binary links the whole server. Each test starts
//! the real server on a random port against a fresh database — SQLite, or
//! PostgreSQL when `WAYSTATION_TEST_DATABASE_URL` is set — and talks HTTP to
//! it, or runs the `waystation` binary as a person does.
//!
//! One module per capability, as in every crate of the workspace:
//!
//! - [`foundation`]: people and organisations — signing in, sessions, roles,
//!   the organisation tree, audit, and bad input at the edge of it all.
//! - [`stations`]: finding and managing stations, the staff console, using a
//!   station (rooms, visits, reviews, feedback), service indices, photos and
//!   printable QR codes.
//! - [`appeals`], [`congress`], [`proposals`], [`membership`]: empty until those
//!   capabilities land; each gets its tests in its own folder.
//! - [`cross_cutting`]: what spans every capability — the authorization matrix
//!   over every API route, the binary's commands, the demo data set.
//!
//! [`common`] is the kit: `TestServer` and its `Client`, a `Browser` for the
//! pages, and builders for organisations, people and stations.
//!
//! Adding tests: a new file goes into its capability's folder and is declared
//! in that folder's `mod.rs`. Do not add files at the top of `tests/`: Cargo
//! would build each as another binary linking the whole server.
//!
//! Tests run in parallel threads of this one process: nothing may set
//! environment variables, change the working directory or install global
//! state that another test could see (see `common`).

mod common;

mod appeals;
mod congress;
mod cross_cutting;
mod foundation;
mod membership;
mod proposals;
mod stations;
