//! Double-submit CSRF protection, and reading a field of a posted form.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::body_limit::body_limit;
use crate::http::cookies::{cookie, set_cookie};
use crate::http::error::ApiError;
use crate::http::session::{random_token, SESSION_COOKIE};
use crate::http::state::AppState;

pub const CSRF_COOKIE: &str = "ws_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// The CSRF token of this browser, for embedding in forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CsrfToken>().cloned().unwrap_or_else(|| CsrfToken(String::new())))
    }
}

/// Double-submit CSRF protection for everything that changes state.
///
/// Every browser gets a random `ws_csrf` cookie. A state-changing form post, or
/// any state-changing request that carries the session cookie, must repeat that
/// value in the `X-CSRF-Token` header or the `csrf_token` form field; a
/// cross-site page can do neither. Requests with a bearer token, and non-form
/// requests without the session cookie, carry no ambient credentials and need
/// no token.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), CSRF_COOKIE).filter(|t| t.len() == 64);
    let token = existing.clone().unwrap_or_else(random_token);
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(CsrfToken(token.clone()));

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded") || content_type.starts_with("multipart/");
    // A cross-site page can make a browser send a form with our cookies, but not
    // an `Authorization` header without a CORS preflight, which we never grant.
    // So bearer requests need no token, nor does anything else that carries no
    // session cookie; forms always do (that also stops login CSRF), and so does
    // every request that rides on the session cookie.
    // Forms of other systems that authenticate with a key in the form (Open311)
    // carry no ambient credential either: a cross-site page does not know the key.
    let key_authenticated = state.handed_in.key_authenticated.iter().flat_map(|p| p.iter()).any(|p| parts.uri.path().starts_with(p));
    let cannot_be_forged = parts.headers.contains_key(header::AUTHORIZATION)
        || key_authenticated
        || (!is_form && cookie(&parts.headers, SESSION_COOKIE).is_none());
    let request = if unsafe_method && !cannot_be_forged {
        let (presented, body) = if let Some(header) = parts.headers.get(CSRF_HEADER) {
            (header.to_str().ok().map(str::to_owned), body)
        } else if is_form {
            let Ok(bytes) = axum::body::to_bytes(body, body_limit(state.handed_in.upload_limits, parts.uri.path())).await else {
                return ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").into_response();
            };
            let field = posted_field(content_type, &bytes, CSRF_FIELD).await;
            (field, Body::from(bytes))
        } else {
            (None, body)
        };
        let valid = match (&existing, &presented) {
            (Some(expected), Some(given)) => constant_time_eq(expected.as_bytes(), given.as_bytes()),
            _ => false,
        };
        if !valid {
            return ApiError::new(axum::http::StatusCode::FORBIDDEN, "csrf_failed").into_response();
        }
        Request::from_parts(parts, body)
    } else {
        Request::from_parts(parts, body)
    };

    let mut response = next.run(request).await;
    if existing.is_none() {
        response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, CSRF_COOKIE, &token, None));
    }
    response
}

/// The first value of a field in a posted form: URL-encoded, or
/// `multipart/form-data` (a file upload; the hidden fields precede the file).
pub async fn posted_field(content_type: &str, body: &[u8], name: &str) -> Option<String> {
    if !content_type.starts_with("multipart/form-data") {
        return form_field(body, name);
    }
    let boundary = multer::parse_boundary(content_type).ok()?;
    let mut parts = multer::Multipart::new(Body::from(body.to_vec()).into_data_stream(), boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The first value of a field in an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        let body = b"name=%E5%BC%A0+%E4%BC%9F&csrf_token=abc";
        assert_eq!(form_field(body, "name").as_deref(), Some("张 伟"));
        assert_eq!(form_field(body, "csrf_token").as_deref(), Some("abc"));
        assert_eq!(form_field(body, "missing"), None);
    }
}
