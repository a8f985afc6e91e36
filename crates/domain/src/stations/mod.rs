//! Stations (驿站): rest stations on the map — where they are, when they are
//! open, what they offer, and how to find the nearest open one.

pub mod amenity;
pub mod code;
pub mod coverage;
pub mod draft;
pub mod hours;
pub mod indices;
pub mod kind;
pub mod photo;
pub mod reservation;
pub mod review;
pub mod search;
pub mod status;
pub mod transfer;

pub use amenity::{Amenities, Amenity, AmenitySet};
pub use code::StationCode;
pub use draft::StationDraft;
pub use kind::{SixHaves, StationKind};
pub use status::{StationStatus, StatusChange};
