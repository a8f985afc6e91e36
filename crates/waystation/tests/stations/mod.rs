//! Stations: finding and managing them through the API, the staff console,
//! using a station, its service indices, photos and printable QR codes.

mod api;
mod console;
mod indices;
mod photos;
mod qr;
mod using;
