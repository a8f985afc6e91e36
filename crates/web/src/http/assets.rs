//! Static assets, bundled by `build.rs` (npm + esbuild) and embedded in the binary.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::http::extract::ApiPath;

#[derive(RustEmbed)]
#[folder = "$OUT_DIR/assets"]
struct Assets;

/// The URL of an asset with its content hash, so it can be cached for a year.
pub fn asset_url(name: &str) -> String {
    match Assets::get(name) {
        Some(file) => format!("/assets/{name}?v={}", &hex::encode(file.metadata.sha256_hash())[..12]),
        None => format!("/assets/{name}"),
    }
}

pub async fn serve_asset(ApiPath(path): ApiPath<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_owned()),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_owned()),
            ],
            file.data,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundle_is_embedded() {
        for name in ["app.js", "app.css", "map.js", "map.css", "favicon.svg"] {
            assert!(super::Assets::get(name).is_some(), "{name} is missing from the bundle");
        }
    }
}
