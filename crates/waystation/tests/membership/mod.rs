//! Membership, activities and volunteering: their tests will live here, one
//! file per part, as in `stations/`.
