//! Extractors whose rejections are [`ApiError`]s, so that malformed input gets the
//! same clear, translated error shape as every other failure.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// A JSON body. Malformed JSON is a 400; a well-formed body of the wrong shape a 422
/// naming the missing or mistyped field where serde says which.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json")),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "json_content_type_required"))
            }
            Err(JsonRejection::JsonDataError(e)) => Err(shape_error(&e.body_text())),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")),
            Err(_) => Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json")),
        }
    }
}

/// Turns serde's description of a shape mismatch into a field error.
fn shape_error(text: &str) -> ApiError {
    let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    if let Some(field) = between(text, "missing field `", "`") {
        return error.with_field(field, "required");
    }
    // axum reports "<what failed>: <path>: <serde message>" (serde_path_to_error).
    let detail = text.split_once("target type: ").map_or(text, |(_, rest)| rest);
    match detail.split_once(": ") {
        Some((path, _)) if !path.is_empty() && path.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']') => {
            error.with_field(path, "invalid_value")
        }
        _ => error,
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// A form post from one of our pages.
pub struct ApiForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiForm<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(ApiForm(value)),
            Err(FormRejection::FailedToDeserializeForm(e)) => Err(shape_error(&e.body_text())),
            Err(FormRejection::FailedToDeserializeFormBody(e)) => Err(shape_error(&e.body_text())),
            Err(_) => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_form")),
        }
    }
}

/// Path parameters; a malformed id is a 404, as no such record can exist.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::not_found("not_found")),
            Err(_) => Err(ApiError::not_found("not_found")),
        }
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(shape_error(&e.body_text())),
            Err(_) => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_field_errors() {
        let e = shape_error("Failed to deserialize the JSON body into the target type: missing field `phone` at line 1 column 2");
        assert_eq!(e.fields, vec![("phone".to_owned(), "required")]);
        let e = shape_error("Failed to deserialize the JSON body into the target type: parent_id: invalid type: string \"x\", expected i64 at line 1 column 20");
        assert_eq!(e.fields, vec![("parent_id".to_owned(), "invalid_value")]);
    }
}
