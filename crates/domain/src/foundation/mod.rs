//! The foundation every capability builds on: people and their roles,
//! organisations (the union tree and its partners), the one authorisation
//! decision, sign-in codes and the audit chain.
//!
//! It knows no capability by import. `access::Action` is the one table of what
//! may be done where, so each capability's actions are listed there, by name.

pub mod access;
pub mod audit;
pub mod organisations;
pub mod people;
pub mod sign_in;
