//! Reading and setting our cookies.

use axum::http::{header, HeaderMap, HeaderValue};
use chrono::TimeDelta;
use cookie::{Cookie, SameSite};

use crate::http::state::AppState;

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
