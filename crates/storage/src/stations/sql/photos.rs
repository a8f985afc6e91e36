//! The SQL of station photos, expanded by each backend as
//! `station_photo_sql`. The limit of live photos per station is counted with
//! the station's row locked, so concurrent uploads cannot pass it together.

macro_rules! impl_station_photo_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sqlx::Row as _;
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::stations::photo::{PhotoUpload, PHOTOS_PER_STATION};

        use super::prelude::{WriteTx, append_audit, audit, corrupt, fetch_by_id, lock_row, DbRow};
        use super::station_sql::fetch_station;
        use crate::error::{StoreError, StoreResult};
        use crate::stations::{PhotoBytes, Station, StationPhoto, StationPhotoStore};

        const PHOTO_SELECT: &str = "SELECT id, station_id, position, content_type, sha256, width, height, \
            CAST(LENGTH(bytes) AS BIGINT) AS byte_size, caption, created_by, created_at, removed_at, removed_by FROM station_photos";

        fn photo_from_row(row: &DbRow) -> StoreResult<StationPhoto> {
            let side = |column: &str| -> StoreResult<u32> {
                let value: i64 = row.try_get(column)?;
                u32::try_from(value).map_err(|_| corrupt(&format!("station_photos.{column}"), &value.to_string()))
            };
            Ok(StationPhoto {
                id: row.try_get("id")?,
                station_id: row.try_get("station_id")?,
                position: row.try_get("position")?,
                content_type: row.try_get("content_type")?,
                sha256: row.try_get("sha256")?,
                width: side("width")?,
                height: side("height")?,
                byte_size: row.try_get("byte_size")?,
                caption: row.try_get("caption")?,
                created_by: row.try_get("created_by")?,
                created_at: row.try_get("created_at")?,
                removed_at: row.try_get("removed_at")?,
                removed_by: row.try_get("removed_by")?,
            })
        }

        async fn fetch_photo<'e, E>(exec: E, id: i64) -> StoreResult<StationPhoto>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{PHOTO_SELECT} WHERE id = $1");
            fetch_by_id(exec, &sql, id, photo_from_row, StoreError::not_found("photo_not_found")).await
        }

        /// A photo that is still shown, locked until commit, and its station; `Conflict photo_removed` otherwise.
        async fn live_photo_locked(tx: &mut WriteTx, id: i64) -> StoreResult<(StationPhoto, Station)> {
            lock_row(tx, "station_photos", id).await?;
            let photo = fetch_photo(&mut **tx, id).await?;
            if photo.removed_at.is_some() {
                return Err(StoreError::conflict("photo_removed", "photo_id"));
            }
            let station = fetch_station(&mut **tx, photo.station_id).await?;
            Ok((photo, station))
        }

        #[async_trait]
        impl StationPhotoStore for $Store {
            async fn add_station_photo(&self, actor: Option<UserId>, station_id: i64, upload: PhotoUpload) -> StoreResult<StationPhoto> {
                let mut tx = self.begin_write().await?;
                // Serialises uploads to this station until commit, so the count below holds.
                lock_row(&mut tx, "stations", station_id).await?;
                let station = fetch_station(&mut *tx, station_id).await?;
                let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM station_photos WHERE station_id = $1 AND removed_at IS NULL")
                    .bind(station_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if live >= PHOTOS_PER_STATION {
                    return Err(StoreError::conflict("photo_limit_reached", "photo"));
                }
                let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM station_photos WHERE station_id = $1")
                    .bind(station_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO station_photos (station_id, position, content_type, bytes, sha256, width, height, caption, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(station_id)
                .bind(position)
                .bind(upload.format.content_type())
                .bind(&upload.bytes)
                .bind(&upload.sha256)
                .bind(i64::from(upload.width))
                .bind(i64::from(upload.height))
                .bind(&upload.caption)
                .bind(actor)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({
                    "station_id": station_id, "content_type": upload.format.content_type(), "sha256": upload.sha256,
                    "width": upload.width, "height": upload.height, "bytes": upload.bytes.len(), "caption": upload.caption
                });
                append_audit(&mut tx, audit(actor, "station_photo.add", Some(station.org_id), format!("station_photo:{id}"), detail)).await?;
                let photo = fetch_photo(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(photo)
            }

            async fn list_station_photos(&self, station_id: i64) -> StoreResult<Vec<StationPhoto>> {
                let sql = format!("{PHOTO_SELECT} WHERE station_id = $1 AND removed_at IS NULL ORDER BY position, id");
                let rows = sqlx::query(&sql).bind(station_id).fetch_all(&self.pool).await?;
                rows.iter().map(photo_from_row).collect()
            }

            async fn get_station_photo(&self, id: i64) -> StoreResult<StationPhoto> {
                fetch_photo(&self.pool, id).await
            }

            async fn station_photo_bytes(&self, station_id: i64, id: i64) -> StoreResult<PhotoBytes> {
                let row = sqlx::query("SELECT content_type, sha256, bytes, removed_at FROM station_photos WHERE id = $1 AND station_id = $2")
                    .bind(id)
                    .bind(station_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::not_found("photo_not_found"))?;
                let removed_at: Option<DateTime<Utc>> = row.try_get("removed_at")?;
                Ok(PhotoBytes {
                    content_type: row.try_get("content_type")?,
                    sha256: row.try_get("sha256")?,
                    bytes: row.try_get("bytes")?,
                    removed: removed_at.is_some(),
                })
            }

            async fn remove_station_photo(&self, actor: Option<UserId>, id: i64) -> StoreResult<StationPhoto> {
                let mut tx = self.begin_write().await?;
                let (before, station) = live_photo_locked(&mut tx, id).await?;
                sqlx::query("UPDATE station_photos SET removed_at = $1, removed_by = $2 WHERE id = $3")
                    .bind(Utc::now())
                    .bind(actor)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"station_id": before.station_id, "sha256": before.sha256, "caption": before.caption});
                append_audit(&mut tx, audit(actor, "station_photo.remove", Some(station.org_id), format!("station_photo:{id}"), detail)).await?;
                let photo = fetch_photo(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(photo)
            }

            async fn set_station_photo_caption(&self, actor: Option<UserId>, id: i64, caption: String) -> StoreResult<StationPhoto> {
                let mut tx = self.begin_write().await?;
                let (before, station) = live_photo_locked(&mut tx, id).await?;
                sqlx::query("UPDATE station_photos SET caption = $1 WHERE id = $2").bind(&caption).bind(id).execute(&mut *tx).await?;
                let detail = serde_json::json!({"station_id": before.station_id, "caption": caption, "before": before.caption});
                append_audit(&mut tx, audit(actor, "station_photo.caption", Some(station.org_id), format!("station_photo:{id}"), detail)).await?;
                let photo = fetch_photo(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(photo)
            }
        }
    };
}

pub(crate) use impl_station_photo_sql;
