//! The stations SQL, one macro per trait, written once for both backends and
//! expanded by each beside the kit's prelude and the foundation's SQL:
//! `station.rs` as `station_sql`, `indices.rs` as `station_index_sql`,
//! `using.rs` as `station_use_sql`, `photos.rs` as `station_photo_sql`.
//! Each macro body begins with the `use` lines of all it takes from those
//! sibling expansions.

pub(crate) mod indices;
pub(crate) mod photos;
pub(crate) mod station;
pub(crate) mod using;
