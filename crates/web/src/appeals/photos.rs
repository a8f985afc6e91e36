//! Photos of an appeal: the worker adds them (the API takes the image as the
//! body, the case page a form), each checked by content and stripped of its
//! EXIF place unless the worker keeps it; they are served only to those who
//! may see the case, never cached by a shared cache.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;
use waystation_domain::appeals::photo::{AppealPhoto, APPEAL_PHOTO_MAX_BYTES};
use waystation_domain::appeals::Actor;
use waystation_storage::AppealPhotoRecord;

use super::case_for;
use super::pages::appeal_by_number;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::page::back;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// A body may hold one photo and a form's fields around it.
pub const PHOTO_BODY_LIMIT: usize = APPEAL_PHOTO_MAX_BYTES + 64 * 1024;

/// The paths that take a photo in their body.
pub fn is_photo_upload(path: &str) -> bool {
    (path.starts_with("/api/v1/appeals/") || path.starts_with("/appeals/")) && path.ends_with("/photos")
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/appeals/photos/{photo_id}", get(serve))
        .route("/appeals/{number}/photos", post(page_upload).layer(DefaultBodyLimit::max(PHOTO_BODY_LIMIT)))
}

/// Adds a photo to the caller's own case.
pub async fn add(state: &AppState, user: &CurrentUser, id: i64, bytes: Vec<u8>, keep_metadata: bool) -> Result<AppealPhotoRecord, ApiError> {
    let (_, actor) = case_for(state, user, id).await?;
    if actor != Actor::Worker {
        return Err(ApiError::forbidden());
    }
    let photo = AppealPhoto::new(bytes, keep_metadata)?;
    Ok(state.store.add_appeal_photo(Some(user.user.id), id, &photo, Utc::now()).await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct UploadParams {
    /// Keep the photo's EXIF metadata, with the place it was taken (default: removed).
    pub keep_metadata: Option<bool>,
}

/// Add a photo to your appeal: the image (JPEG, PNG or WebP, at most 8 MiB) as the body.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/photos", tag = "appeals", params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let record = add(&state, &user, id, body.to_vec(), q.keep_metadata.unwrap_or(false)).await?;
    Ok((StatusCode::CREATED, axum::Json(record)).into_response())
}

/// The photos of a case, for anyone who may see it.
#[utoipa::path(get, path = "/api/v1/appeals/{id}/photos", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<Vec<AppealPhotoRecord>>, ApiError> {
    case_for(&state, &user, id).await?;
    Ok(axum::Json(state.store.appeal_photos(id).await?))
}

async fn serve(State(state): State<AppState>, user: CurrentUser, ApiPath(photo_id): ApiPath<i64>) -> Result<Response, ApiError> {
    let (record, bytes) = state.store.appeal_photo(photo_id).await?;
    // Someone who may not see the case is told there is no such photo.
    case_for(&state, &user, record.appeal_id).await.map_err(|_| ApiError::not_found("photo_not_found"))?;
    Ok((
        [
            (header::CONTENT_TYPE, record.content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

async fn page_upload(State(state): State<AppState>, user: CurrentUser, ApiPath(number): ApiPath<String>, mut multipart: Multipart) -> Response {
    let to = format!("/appeals/{number}");
    let mut bytes = Vec::new();
    let mut keep = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or("") {
                "photo" => match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => return back(&to, Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_form"))),
                },
                "keep_metadata" => keep = true,
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back(&to, Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_form"))),
        }
    }
    let outcome = async {
        let appeal = appeal_by_number(&state, &number).await?;
        add(&state, &user, appeal.id, bytes, keep).await?;
        Ok::<_, ApiError>("appeals.photo_added")
    }
    .await;
    back(&to, outcome)
}
