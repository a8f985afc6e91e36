//! Membership's, activities' and volunteering's part of the binary: shell
//! commands and demo members. Empty until the membership capability lands;
//! see `docs/adding-a-capability.md`.
