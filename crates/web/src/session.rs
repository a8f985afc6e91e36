//! Who is calling: sessions (cookie or bearer token), the CSRF guard, the
//! client's address. The one extractor for the signed-in user is [`CurrentUser`].

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, Utc};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};
use waystation_domain::access::{authorize, Action, Caller};
use waystation_domain::organisations::OrgPath;
use waystation_storage::{SessionRecord, User};

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "ws_session";
pub const CSRF_COOKIE: &str = "ws_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";
/// How long a session lives after sign-in.
pub const SESSION_TTL: TimeDelta = TimeDelta::days(30);
/// `last_seen_at` is refreshed at most this often, to spare the writer.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(5);

/// A fresh random secret, hex-encoded (256 bits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Only this hash of a session token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of one cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse_encoded(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for one of our cookies: HTTP-only, `SameSite=Lax`, and
/// `Secure` unless the server runs on plain HTTP on loopback for development.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<TimeDelta>) -> HeaderValue {
    let mut builder = Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies);
    if let Some(age) = max_age {
        builder = builder.max_age(cookie::time::Duration::seconds(age.num_seconds()));
    }
    HeaderValue::from_str(&builder.build().encoded().to_string()).expect("cookie values are ASCII")
}

/// The signed-in caller: their account, every grant they hold, and their session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub caller: Caller,
    pub session: SessionRecord,
}

impl CurrentUser {
    /// Asks the one authorisation function; `403 forbidden` when it says no.
    pub fn require(&self, action: Action, target: &OrgPath) -> Result<(), ApiError> {
        authorize(&self.caller, action, target).map_err(|_| ApiError::forbidden())
    }

    pub fn display_name(&self) -> String {
        self.user.name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| self.user.phone.masked())
    }
}

/// The session token of a request: the bearer token, else the session cookie.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| cookie(headers, SESSION_COOKIE))
}

/// The signed-in user, looked up once per request and cached in its extensions.
#[derive(Debug, Clone)]
struct Resolved(Option<CurrentUser>);

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, ApiError> {
    if let Some(Resolved(found)) = parts.extensions.get::<Resolved>() {
        return Ok(found.clone());
    }
    let found = match presented_token(&parts.headers) {
        None => None,
        Some(token) => {
            let now = Utc::now();
            match state.store.authenticate(&token_hash(&token), now).await? {
                None => None,
                Some(auth) => {
                    if now - auth.session.last_seen_at > TOUCH_EVERY {
                        state.store.touch_session(auth.session.id, now).await?;
                    }
                    Some(CurrentUser {
                        caller: Caller { user_id: auth.user.id, grants: auth.grants },
                        user: auth.user,
                        session: auth.session,
                    })
                }
            }
        }
    };
    parts.extensions.insert(Resolved(found.clone()));
    Ok(found)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        resolve(parts, state).await?.ok_or_else(ApiError::unauthenticated)
    }
}

/// The signed-in user if there is one; pages that anyone may see use this.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(resolve(parts, state).await?))
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when
/// the server is configured to sit behind a proxy it trusts.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn label(&self) -> String {
        self.0.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if forwarded.is_some() {
                return Ok(ClientIp(forwarded));
            }
        }
        Ok(ClientIp(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())))
    }
}

/// The CSRF token of this browser, for embedding in forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CsrfToken>().cloned().unwrap_or_else(|| CsrfToken(String::new())))
    }
}

/// The largest form or JSON body accepted (photos come by another route).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The largest body a path accepts: station imports take whole files.
pub fn body_limit(path: &str) -> usize {
    if path == "/api/v1/stations/import" || path == "/console/stations/import" {
        crate::stations::transfer::IMPORT_LIMIT
    } else if crate::stations::photos::is_photo_upload(path) {
        crate::stations::photos::PHOTO_BODY_LIMIT
    } else {
        BODY_LIMIT
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
    let cannot_be_forged = parts.headers.contains_key(header::AUTHORIZATION)
        || (!is_form && cookie(&parts.headers, SESSION_COOKIE).is_none());
    let request = if unsafe_method && !cannot_be_forged {
        let (presented, body) = if let Some(header) = parts.headers.get(CSRF_HEADER) {
            (header.to_str().ok().map(str::to_owned), body)
        } else if is_form {
            let Ok(bytes) = axum::body::to_bytes(body, body_limit(parts.uri.path())).await else {
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
