//! What the crate root plugs in for stations: the page routes, the API routes
//! (with their OpenAPI operations), the upload limits, the console entry, the
//! parts of the state, and the background tasks.
//!
//! It lives beside `mod.rs`, not in it: the station modules use the shared
//! items of `mod.rs` (the form, the services), so `mod.rs` names none of them.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use tokio::task::JoinHandle;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use waystation_storage::{Store, StoreError};

use super::{api, console, coverage, indices, pages, photos, places, qr_print, search, tiles, transfer, using, using_pages};
use crate::foundation::calendar::CalendarCell;
use crate::http::body_limit::UploadLimit;
use crate::http::nav::{ConsoleEntry, ConsoleLink};
use crate::http::state::{AppState, Parts};

/// The station pages: the map and the record, using a station, the console.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(using::router())
        .merge(using_pages::router())
        // The staff console for stations: records, import, coverage.
        .merge(console::router())
        .merge(indices::router())
        // Station photos: the image itself and the console's upload and remove forms.
        .merge(photos::router())
        .route("/feeds/stations.geojson", get(transfer::feed))
}

/// The station API under `/api/v1` and its OpenAPI operations.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::api_nearest))
        .routes(routes!(api::api_box))
        .routes(routes!(api::api_list, api::api_create))
        .routes(routes!(api::api_get, api::api_update))
        .routes(routes!(api::api_status))
        .routes(routes!(api::api_history))
        .routes(routes!(transfer::api_export))
        .routes(routes!(using::api_resources, using::api_create_resource))
        .routes(routes!(using::api_update_resource))
        .routes(routes!(using::api_retire_resource))
        .routes(routes!(using::api_request_reservation))
        .routes(routes!(using::api_my_reservations))
        .routes(routes!(using::api_station_reservations))
        .routes(routes!(using::api_confirm_reservation))
        .routes(routes!(using::api_decline_reservation))
        .routes(routes!(using::api_cancel_reservation))
        .routes(routes!(using::api_qr))
        // Printable QR codes: PNG, the PDF sheet, an organisation's sheets in one PDF.
        .routes(routes!(qr_print::api_qr_png))
        .routes(routes!(qr_print::api_qr_pdf))
        .routes(routes!(qr_print::api_org_qr_pdf))
        .routes(routes!(using::api_visit))
        .routes(routes!(using::api_stats))
        .routes(routes!(using::api_reviews, using::api_post_review))
        .routes(routes!(using::api_hide_review))
        .routes(routes!(using::api_unhide_review))
        .routes(routes!(using::api_station_feedback, using::api_send_feedback))
        .routes(routes!(using::api_answer_feedback))
        .routes(routes!(using::api_my_feedback))
        .routes(routes!(using::api_public_feedback))
        .routes(routes!(coverage::api_coverage))
        // Station service indices: per station (public) and per organisation (its staff).
        .routes(routes!(indices::api_station_indices))
        .routes(routes!(indices::api_org_station_indices))
        // Station photos: staff upload (raw image body, up to 2 MiB) and remove; everyone lists a listed station's.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(photos::api_list, photos::api_upload))
                .layer(DefaultBodyLimit::max(photos::PHOTO_BODY_LIMIT)),
        )
        .routes(routes!(photos::api_remove))
        .routes(routes!(photos::api_caption))
        .merge(OpenApiRouter::new().routes(routes!(transfer::api_import)).layer(DefaultBodyLimit::max(transfer::IMPORT_LIMIT)))
}

fn is_import(path: &str) -> bool {
    path == "/api/v1/stations/import" || path == "/console/stations/import"
}

/// Station imports take whole files, photo uploads an image.
pub static UPLOAD_LIMITS: [UploadLimit; 2] = [
    UploadLimit { matches: is_import, max_bytes: transfer::IMPORT_LIMIT },
    UploadLimit { matches: photos::is_photo_upload, max_bytes: photos::PHOTO_BODY_LIMIT },
];

/// The station console and the coverage view, for anyone with a station role.
pub static CONSOLE: ConsoleEntry = ConsoleEntry {
    testid: "station-console-links",
    visible: console::may_view_stations,
    links: &[
        ConsoleLink { href: "/console/stations", label: "station_console.list_title", testid: "console-stations", class: "button" },
        ConsoleLink { href: "/console/coverage", label: "station_console.coverage", testid: "console-coverage", class: "button secondary" },
    ],
};

/// The station index (loaded from the store) and the demand counters. The
/// foundation's calendar must be installed first: open states follow it.
pub async fn install(parts: &mut Parts, store: &Arc<dyn Store>, tiles: tiles::TileConfig) -> Result<(), StoreError> {
    parts.insert(tiles);
    let calendar = parts.get::<Arc<CalendarCell>>().cloned().expect("the foundation's calendar is installed before stations");
    let search = Arc::new(search::StationSearch::load(store, calendar).await?);
    let demand = Arc::new(coverage::DemandLog::default());
    parts.insert(crate::http::places::Places(Some(Arc::new(places::StationPlaces(search.clone(), demand.clone())))));
    parts.insert(search);
    parts.insert(demand);
    Ok(())
}

/// Every second the index takes other servers' station changes; once a minute
/// the search demand is written.
pub fn background(state: &AppState) -> Vec<JoinHandle<()>> {
    let state = state.clone();
    vec![tokio::spawn(async move {
        let (store, search, demand) = (&state.store, search::of(&state), coverage::demand(&state));
        let mut every = tokio::time::interval(Duration::from_secs(1));
        let mut ticks: u64 = 0;
        loop {
            every.tick().await;
            ticks += 1;
            if let Err(error) = search.refresh(store).await {
                tracing::warn!(%error, "refreshing the station index failed");
            }
            if ticks % 60 == 0 {
                if let Err(error) = demand.flush(store).await {
                    tracing::warn!(%error, "writing the search demand failed");
                }
            }
        }
    })]
}

/// At shutdown: the demand counted since the last flush is written.
pub async fn at_shutdown(state: &AppState) {
    if let Err(error) = coverage::demand(state).flush(&state.store).await {
        tracing::warn!(%error, "writing the search demand at shutdown failed");
    }
}
