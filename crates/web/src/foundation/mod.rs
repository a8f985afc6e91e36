//! The foundation every capability stands on: signing in ([`sign_in`]), people
//! and their roles ([`people`]), the union tree ([`organisations`]), the
//! official working calendar ([`calendar`]), and their pages — home, sign-in,
//! one's account ([`pages`]) and the organisation console ([`console`]).
//! [`plug`] is what the crate root plugs in.
//!
//! **Architecture invariant:** the foundation names no other capability. The
//! console's front page links to other capabilities through the console
//! entries the crate root hands in; the stations' open states follow the
//! calendar through its change counter, [`calendar::CalendarCell::generation`].

pub mod calendar;
pub mod console;
pub mod organisations;
pub mod pages;
pub mod people;
pub mod plug;
pub mod sign_in;
