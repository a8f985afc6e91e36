//! `Idempotency-Key` for every POST: a retry with the same key and body gets the
//! first response again and does nothing twice; the same key with another body
//! is a 422. Pages put a fresh key in every form (`idempotency_key`), so a
//! double-tapped submit button is one action.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use waystation_domain::kit::idempotency::{request_fingerprint, IdempotencyKey};
use waystation_storage::{IdempotencyStart, StoredResponse};

use crate::http::body_limit::body_limit;
use crate::http::csrf::posted_field;
use crate::http::error::ApiError;
use crate::http::session::MaybeUser;
use crate::http::state::AppState;

pub const HEADER: &str = "idempotency-key";
pub const FORM_FIELD: &str = "idempotency_key";

/// Some answers must never be stored, e.g. a sign-in's, which carries a new
/// session secret (a retried sign-in is refused by the single-use code or
/// re-checks the password instead). Capabilities name those path prefixes; the
/// crate root hands them in.
fn exempt(never_replayed: &[&[&str]], path: &str) -> bool {
    never_replayed.iter().flat_map(|prefixes| prefixes.iter()).any(|prefix| path.starts_with(prefix))
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || exempt(state.handed_in.never_replayed, request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, body_limit(state.handed_in.upload_limits, parts.uri.path())).await else {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").into_response();
    };
    let raw_key = match parts.headers.get(HEADER) {
        Some(value) => Some(value.to_str().unwrap_or("\u{0}").to_owned()),
        None => {
            // Only a form carries the key in its body; a raw body (an image, JSON) is never parsed for one.
            let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
            let is_form = content_type.starts_with("application/x-www-form-urlencoded") || content_type.starts_with("multipart/form-data");
            if is_form {
                posted_field(content_type, &bytes, FORM_FIELD).await
            } else {
                None
            }
        }
    };
    let Some(raw_key) = raw_key else {
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    };
    let key = match IdempotencyKey::parse(&raw_key) {
        Ok(key) => key,
        Err(invalid) => return ApiError::from(invalid).into_response(),
    };
    let scope = match MaybeUser::from_request_parts(&mut parts, &state).await {
        Ok(MaybeUser(Some(user))) => format!("user:{}", user.user.id),
        Ok(MaybeUser(None)) => "anonymous".to_owned(),
        Err(error) => return error.into_response(),
    };
    let fingerprint = request_fingerprint(parts.method.as_str(), &parts.uri.to_string(), &bytes);
    let start = state.store.idempotency_start(&scope, key.as_str(), &fingerprint, Utc::now()).await;
    match start {
        Err(error) => ApiError::from(error).into_response(),
        Ok(IdempotencyStart::Mismatch) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").into_response()
        }
        Ok(IdempotencyStart::InFlight) => ApiError::new(StatusCode::CONFLICT, "idempotency_key_in_flight").into_response(),
        Ok(IdempotencyStart::Replay(stored)) => replay(stored),
        Ok(IdempotencyStart::Proceed) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            remember(&state, &scope, key.as_str(), response).await
        }
    }
}

/// Keeps a successful answer for replay; forgets the key after a failure, which
/// changed nothing and may be retried.
async fn remember(state: &AppState, scope: &str, key: &str, response: Response) -> Response {
    let succeeded = (response.status().is_success() || response.status().is_redirection())
        && response.extensions().get::<ApiError>().is_none();
    if !succeeded {
        if let Err(error) = state.store.idempotency_abandon(scope, key).await {
            tracing::warn!(%error, "could not release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => return ApiError::internal(&error).into_response(),
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: header_text(&parts.headers, header::CONTENT_TYPE).unwrap_or_default(),
        location: header_text(&parts.headers, header::LOCATION),
        body: bytes.to_vec(),
    };
    if let Err(error) = state.store.idempotency_finish(scope, key, &stored).await {
        tracing::warn!(%error, "could not store an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn header_text(headers: &axum::http::HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn replay(stored: StoredResponse) -> Response {
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&stored.content_type) {
        if !stored.content_type.is_empty() {
            headers.insert(header::CONTENT_TYPE, value);
        }
    }
    if let Some(location) = stored.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
