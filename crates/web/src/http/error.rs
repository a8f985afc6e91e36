//! The one error type of the HTTP layer.
//!
//! Handlers return [`ApiError`] without knowing the caller's language; the
//! `page::render_errors` middleware, which does know it, turns the error into
//! `{"code", "message", "fields"}` for the API or an error page for the browser.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use waystation_domain::Invalid;
use waystation_storage::StoreError;

use crate::http::i18n::{t, Lang};

/// A failed request: status, stable code, and the fields at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// `(field, code)` pairs; the message of each comes from `error.<code>`.
    pub fields: Vec<(String, &'static str)>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self { status, code, fields: Vec::new(), retry_after: None }
    }

    pub fn with_field(mut self, field: &str, code: &'static str) -> Self {
        self.fields.push((field.to_owned(), code));
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "sign_in_required")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden")
    }

    pub fn not_found(code: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self { retry_after: Some(retry_after_secs), ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited") }
    }

    /// Logs the cause chain and answers 500 without revealing it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        let error = Self::new(StatusCode::UNPROCESSABLE_ENTITY, invalid.code);
        match invalid.field {
            Some(field) => error.with_field(field, invalid.code),
            None => error,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { code, field } => {
                let status = if field.is_some_and(|f| f != "id") { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::NOT_FOUND };
                let e = Self::new(status, code);
                match field.filter(|f| *f != "id") {
                    Some(field) => e.with_field(field, code),
                    None => e,
                }
            }
            StoreError::Invalid(invalid) => invalid.into(),
            StoreError::Conflict { code, field } => {
                let e = Self::new(StatusCode::CONFLICT, code);
                match field {
                    Some(field) => e.with_field(field, code),
                    None => e,
                }
            }
            other => Self::internal(&other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable and machine-readable, e.g. `invalid_phone`.
    pub code: String,
    /// For people, in the caller's language.
    pub message: String,
    /// What is wrong with each field at fault.
    pub fields: std::collections::BTreeMap<String, String>,
}

impl ErrorBody {
    pub fn of(error: &ApiError, lang: Lang) -> Self {
        Self {
            code: error.code.to_owned(),
            message: message(error.code, lang).to_owned(),
            fields: error.fields.iter().map(|(f, c)| (f.clone(), message(c, lang).to_owned())).collect(),
        }
    }
}

pub fn message(code: &str, lang: Lang) -> &'static str {
    t(lang, &format!("error.{code}"))
}

pub fn form_urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
