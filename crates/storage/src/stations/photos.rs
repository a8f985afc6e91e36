//! The storage interface of station photos: the image bytes and their metadata.
//! Uploads are checked by `waystation_domain::stations::photo` first; the limit
//! of live photos per station is checked again inside the writing transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use waystation_domain::foundation::people::UserId;
use waystation_domain::stations::photo::PhotoUpload;

use crate::error::StoreResult;

/// A photo's metadata, without its bytes.
#[derive(Debug, Clone)]
pub struct StationPhoto {
    pub id: i64,
    pub station_id: i64,
    /// Display order among the station's photos: lower first.
    pub position: i64,
    pub content_type: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub byte_size: i64,
    pub caption: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
    pub removed_by: Option<UserId>,
}

/// The image itself, for serving.
#[derive(Debug, Clone)]
pub struct PhotoBytes {
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub removed: bool,
}

#[async_trait]
pub trait StationPhotoStore: Send + Sync {
    /// Adds a photo after the station's others; `Conflict photo_limit_reached`
    /// when it has `PHOTOS_PER_STATION` live ones already (counted with the
    /// station row locked, so concurrent uploads cannot pass the limit together).
    async fn add_station_photo(&self, actor: Option<UserId>, station_id: i64, upload: PhotoUpload) -> StoreResult<StationPhoto>;
    /// The station's live photos in display order.
    async fn list_station_photos(&self, station_id: i64) -> StoreResult<Vec<StationPhoto>>;
    /// One photo's metadata, removed or not.
    async fn get_station_photo(&self, id: i64) -> StoreResult<StationPhoto>;
    /// The bytes of a photo of that station (`NotFound photo_not_found` if it is another station's).
    async fn station_photo_bytes(&self, station_id: i64, id: i64) -> StoreResult<PhotoBytes>;
    /// Takes a photo off the station; its row and bytes stay for the record.
    async fn remove_station_photo(&self, actor: Option<UserId>, id: i64) -> StoreResult<StationPhoto>;
    /// Replaces a live photo's caption (checked by `photo_caption`).
    async fn set_station_photo_caption(&self, actor: Option<UserId>, id: i64, caption: String) -> StoreResult<StationPhoto>;
}
