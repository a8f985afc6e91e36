//! Station photos: staff upload up to nine photos of a station, everyone sees
//! those of a listed station on its page and in its JSON record.
//!
//! Uploads are judged by `waystation_domain::stations::photo` (magic bytes,
//! header dimensions, size, caption) before anything is written; the store
//! checks the limit per station inside its transaction. The image is served at
//! `/stations/{id}/photos/{photo_id}`, a page route: its bytes never change
//! under that URL, so it is cached for a year and its strong `ETag` is the
//! SHA-256 of the bytes. Removed photos, and photos of planned or retired
//! stations (except for the station's staff), are not found.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::stations::photo::{photo_caption, PhotoUpload, PHOTO_MAX_BYTES};
use waystation_domain::Invalid;
use waystation_storage::{Station, StationPhoto};

use super::using::visible_station;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::page::refuse_or_back;
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

/// A request body may hold one photo of at most 2 MiB, and a multipart form's
/// other fields around it.
pub const PHOTO_BODY_LIMIT: usize = PHOTO_MAX_BYTES + 64 * 1024;

/// The paths that take a photo in their body (API and console form).
pub fn is_photo_upload(path: &str) -> bool {
    (path.starts_with("/api/v1/stations/") || path.starts_with("/console/stations/")) && path.ends_with("/photos")
}

/// The page routes: the image itself, and the console's upload and remove forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stations/{id}/photos/{photo_id}", get(serve_photo))
        .route("/console/stations/{id}/photos", post(console_upload).layer(DefaultBodyLimit::max(PHOTO_BODY_LIMIT)))
        .route("/console/stations/{id}/photos/{photo_id}/remove", post(console_remove))
}

/// What the console says after a photo form succeeded; each has a `station_photos.done_<key>` text.
pub const DONE_KEYS: [&str; 2] = ["photo_added", "photo_removed"];

pub fn photo_url(station_id: i64, photo_id: i64) -> String {
    format!("/stations/{station_id}/photos/{photo_id}")
}

/// A photo as the API lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// Where the image is served, e.g. `/stations/12/photos/3`.
    pub url: String,
    /// `image/jpeg`, `image/png` or `image/webp`, as the bytes say.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: i64,
    /// Up to 100 characters; may be empty.
    pub caption: String,
    /// Display order: lower first.
    pub position: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&StationPhoto> for PhotoView {
    fn from(photo: &StationPhoto) -> Self {
        Self {
            id: photo.id,
            url: photo_url(photo.station_id, photo.id),
            content_type: photo.content_type.clone(),
            width: photo.width,
            height: photo.height,
            bytes: photo.byte_size,
            caption: photo.caption.clone(),
            position: photo.position,
            created_at: photo.created_at,
        }
    }
}

/// A photo as a page shows it: the alt text is the caption, else the station's name.
#[derive(Debug, Clone)]
pub struct PhotoCard {
    pub id: i64,
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub width: u32,
    pub height: u32,
}

/// The station's live photos, as pages show them.
pub async fn photo_cards(state: &AppState, station: &Station) -> Result<Vec<PhotoCard>, ApiError> {
    Ok(state
        .store
        .list_station_photos(station.id)
        .await?
        .iter()
        .map(|p| PhotoCard {
            id: p.id,
            url: photo_url(station.id, p.id),
            alt: if p.caption.is_empty() { station.name.clone() } else { p.caption.clone() },
            caption: p.caption.clone(),
            width: p.width,
            height: p.height,
        })
        .collect())
}

/// The station's live photos for the JSON record.
pub async fn photo_views(state: &AppState, station_id: i64) -> Result<Vec<PhotoView>, ApiError> {
    Ok(state.store.list_station_photos(station_id).await?.iter().map(PhotoView::from).collect())
}

/// Domain refusals of a file get the HTTP status that names them.
fn upload_error(invalid: Invalid) -> ApiError {
    let status = match invalid.code {
        "photo_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "photo_unsupported_format" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError { status, ..ApiError::from(invalid) }
}

/// The service both the API and the console call: staff of the station's
/// organisation add a photo; nothing is written unless every check passes.
pub async fn add_photo(state: &AppState, user: &CurrentUser, station_id: i64, bytes: Vec<u8>, caption: &str) -> Result<StationPhoto, ApiError> {
    let station = state.store.get_station(station_id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let upload = PhotoUpload::new(bytes, caption).map_err(upload_error)?;
    Ok(state.store.add_station_photo(Some(user.user.id), station_id, upload).await?)
}

/// A photo of that station, for its staff to change.
async fn photo_of_station(state: &AppState, user: &CurrentUser, station_id: i64, photo_id: i64) -> Result<StationPhoto, ApiError> {
    let station = state.store.get_station(station_id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let photo = state.store.get_station_photo(photo_id).await?;
    if photo.station_id != station_id {
        return Err(ApiError::not_found("photo_not_found"));
    }
    Ok(photo)
}

/// Staff take a photo off their station.
pub async fn remove_photo(state: &AppState, user: &CurrentUser, station_id: i64, photo_id: i64) -> Result<StationPhoto, ApiError> {
    let photo = photo_of_station(state, user, station_id, photo_id).await?;
    Ok(state.store.remove_station_photo(Some(user.user.id), photo.id).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadParams {
    /// Up to 100 characters, e.g. `门口`.
    pub caption: Option<String>,
}

/// Add a photo: the raw image as the body (JPEG, PNG or WebP, judged by its
/// bytes, not by `Content-Type`), at most 2 MiB and 64×64 to 8000×8000 pixels;
/// at most nine live photos per station. For the station's staff.
#[utoipa::path(post, path = "/api/v1/stations/{id}/photos", tag = "stations", params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The image bytes (image/jpeg, image/png or image/webp)"),
    responses((status = 201, body = PhotoView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Nine live photos already"), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let photo = add_photo(&state, &user, id, body.to_vec(), q.caption.as_deref().unwrap_or("")).await?;
    Ok((StatusCode::CREATED, axum::Json(PhotoView::from(&photo))).into_response())
}

/// A station's photos in display order. Everyone for listed stations; planned
/// and retired ones for their staff.
#[utoipa::path(get, path = "/api/v1/stations/{id}/photos", tag = "stations", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PhotoView>), (status = 404, body = ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<Vec<PhotoView>>, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    Ok(axum::Json(photo_views(&state, station.id).await?))
}

/// Remove a photo: it is no longer shown or served; the record keeps it.
#[utoipa::path(post, path = "/api/v1/stations/{id}/photos/{photo_id}/remove", tag = "stations",
    params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 200, body = PhotoView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_remove(State(state): State<AppState>, user: CurrentUser, ApiPath((id, photo_id)): ApiPath<(i64, i64)>) -> Result<axum::Json<PhotoView>, ApiError> {
    let photo = remove_photo(&state, &user, id, photo_id).await?;
    Ok(axum::Json(PhotoView::from(&photo)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CaptionBody {
    /// Up to 100 characters; empty to clear it.
    pub caption: String,
}

/// Replace a photo's caption. For the station's staff.
#[utoipa::path(post, path = "/api/v1/stations/{id}/photos/{photo_id}/caption", tag = "stations",
    params(("id" = i64, Path), ("photo_id" = i64, Path)), request_body = CaptionBody,
    responses((status = 200, body = PhotoView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_caption(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<CaptionBody>,
) -> Result<axum::Json<PhotoView>, ApiError> {
    let photo = photo_of_station(&state, &user, id, photo_id).await?;
    let caption = photo_caption(&body.caption)?;
    Ok(axum::Json(PhotoView::from(&state.store.set_station_photo_caption(Some(user.user.id), photo.id, caption).await?)))
}

/// The image, with its own content type and a strong `ETag`; `304` when the
/// client has it already.
async fn serve_photo(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    let photo = state.store.station_photo_bytes(station.id, photo_id).await?;
    if photo.removed {
        return Err(ApiError::not_found("photo_not_found"));
    }
    let etag = format!("\"{}\"", photo.sha256);
    // Planned and retired stations' photos are for their staff: no shared caches.
    let cache = if station.status.is_listed() { "public, max-age=31536000, immutable" } else { "private, no-store" };
    let mut response = if if_none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = photo.bytes.into_response();
        let content_type = HeaderValue::from_str(&photo.content_type).map_err(|e| ApiError::internal(&e))?;
        response.headers_mut().insert(header::CONTENT_TYPE, content_type);
        response
    };
    let out = response.headers_mut();
    out.insert(header::ETAG, HeaderValue::from_str(&etag).map_err(|e| ApiError::internal(&e))?);
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(response)
}

/// Whether `If-None-Match` names this entity tag (or `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// The console's upload: a multipart form with `photo` (the file) and `caption`.
async fn console_upload(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, mut multipart: Multipart) -> Response {
    let back_to = format!("/console/stations/{id}");
    let mut bytes = Vec::new();
    let mut caption = String::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or("") {
                "photo" => match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => return refuse_or_back(&back_to, Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_form"))),
                },
                "caption" => caption = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return refuse_or_back(&back_to, Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_form"))),
        }
    }
    let outcome = add_photo(&state, &user, id, bytes, &caption).await;
    refuse_or_back(&back_to, outcome.map(|_| "photo_added"))
}

async fn console_remove(State(state): State<AppState>, user: CurrentUser, ApiPath((id, photo_id)): ApiPath<(i64, i64)>) -> Response {
    let outcome = remove_photo(&state, &user, id, photo_id).await;
    refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "photo_removed"))
}
