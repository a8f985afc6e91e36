//! People: accounts, their names and phone numbers, passwords and roles.

mod name;
mod password;
mod phone;
mod role;

pub use name::PersonName;
pub use password::NewPassword;
pub use phone::PhoneNumber;
pub use role::Role;

/// The database identity of an account.
pub type UserId = i64;
