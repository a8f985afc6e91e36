//! HTTP: the JSON API under `/api/v1`, the server-rendered pages, static assets,
//! health and metrics.
//!
//! Handlers are thin: they parse input, call the services of their capability
//! module (which ask `waystation_domain::access::authorize` and call the
//! [`Store`]), and shape the output. The pages and the API share the services.

pub mod assets;
pub mod calendar;
mod error;
mod extract;
pub mod i18n;
mod idempotency;
mod observability;
pub mod organisations;
mod pages;
pub mod people;
pub mod session;
pub mod sign_in;
pub mod stations;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;
use waystation_storage::Store;

pub use error::{ApiError, ErrorBody};
pub use sign_in::{CodeSender, LogCodeSender};

/// How the web layer behaves; the CLI fills it from flags, environment and file.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (on whenever the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The map tiles the station map draws on.
    pub tiles: TileConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: true, trust_forwarded_for: false, tiles: TileConfig::default() }
    }
}

/// A raster tile server: its URL template and the datum its maps are drawn in.
/// OpenStreetMap and Tianditu are WGS-84; AMap tiles are GCJ-02, and markers
/// must then be shifted to GCJ-02 to land on the right street.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TileConfig {
    /// e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    pub url: String,
    pub datum: waystation_domain::stations::geo::Datum,
    /// Shown in the map's corner, as the tile licence requires.
    pub attribution: String,
}

impl Default for TileConfig {
    fn default() -> Self {
        Self {
            url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
            datum: waystation_domain::stations::geo::Datum::Wgs84,
            attribution: "© OpenStreetMap contributors".to_owned(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    pub codes: Arc<dyn CodeSender>,
    pub metrics: PrometheusHandle,
    /// This server's in-memory station index.
    pub stations: Arc<stations::search::StationSearch>,
    /// The official working calendar, with the years admins added.
    pub calendar_cell: Arc<calendar::CalendarCell>,
    /// Searches counted for the coverage analysis, written once a minute.
    pub demand: Arc<stations::coverage::DemandLog>,
}

impl AppState {
    /// Builds the state, loading the station index from the store.
    pub async fn new(store: Arc<dyn Store>, config: WebConfig, codes: Arc<dyn CodeSender>) -> Result<Self, waystation_storage::StoreError> {
        let stations = Arc::new(stations::search::StationSearch::load(&store).await?);
        let calendar_cell = Arc::new(calendar::CalendarCell::load(&store).await?);
        Ok(Self {
            store,
            config: Arc::new(config),
            codes,
            metrics: observability::prometheus(),
            stations,
            calendar_cell,
            demand: Arc::default(),
        })
    }

    /// The official working calendar (public holidays and adjusted working days).
    pub fn calendar(&self) -> &'static waystation_domain::calendar::HolidayCalendar {
        self.calendar_cell.get()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waystation API",
        version = "1",
        description = "Rest stations, appeals, congresses and proposals for a trade union's outdoor and platform workers.\n\n\
            Errors: every 4xx/5xx answers `{\"code\", \"message\", \"fields\"}`; `code` is stable, `message` is in the caller's \
            language (`Accept-Language` or the `ws_lang` cookie).\n\n\
            Retries: send an `Idempotency-Key` header with any POST; a retry with the same key and body returns the first \
            response (with `Idempotent-Replayed: true`), the same key with another body is refused with 422.\n\n\
            Lists: `?cursor=&limit=` (1–200, default 50); the answer holds `items` and `next_cursor`.\n\n\
            Authentication: the `ws_session` cookie (state-changing requests then need the `X-CSRF-Token` header \
            matching the `ws_csrf` cookie), or `Authorization: Bearer <token>` from a sign-in response."
    ),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    tags(
        (name = "sign-in", description = "Phone + one-time code for everyone; password for staff."),
        (name = "people", description = "One's account and sessions; roles on organisations."),
        (name = "organisations", description = "The union tree and partner organisations."),
        (name = "calendar", description = "The official working calendar: public holidays and adjusted working days (调休)."),
        (name = "stations", description = "Rest stations: nearest open, viewport, the record and its management. \
            Coordinates are WGS-84 unless `datum` says `gcj02` (AMap, Tencent) or `bd09` (Baidu)."),
        (name = "station use", description = "Using a station: booking its rooms, checking in by its QR code (visits), reviews, feedback to its manager.")
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The API routes and the OpenAPI document that describes exactly them.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sign_in::api_request_code))
        .routes(routes!(sign_in::api_sign_in_with_code))
        .routes(routes!(sign_in::api_sign_in_with_password))
        .routes(routes!(sign_in::api_sign_out))
        .routes(routes!(people::api_me))
        .routes(routes!(people::api_set_my_name))
        .routes(routes!(people::api_my_sessions))
        .routes(routes!(people::api_revoke_my_session))
        .routes(routes!(organisations::api_list, organisations::api_create))
        .routes(routes!(organisations::api_get, organisations::api_rename))
        .routes(routes!(organisations::api_move))
        .routes(routes!(organisations::api_deactivate))
        .routes(routes!(organisations::api_reactivate))
        .routes(routes!(organisations::api_audit))
        .routes(routes!(people::api_list_grants, people::api_grant_role))
        .routes(routes!(people::api_revoke_grant))
        .routes(routes!(people::api_reveal_phone))
        .routes(routes!(stations::api::api_nearest))
        .routes(routes!(stations::api::api_box))
        .routes(routes!(stations::api::api_list, stations::api::api_create))
        .routes(routes!(stations::api::api_get, stations::api::api_update))
        .routes(routes!(stations::api::api_status))
        .routes(routes!(stations::api::api_history))
        .routes(routes!(calendar::api_list, calendar::api_put_year))
        .routes(routes!(stations::transfer::api_export))
        .routes(routes!(stations::using::api_resources, stations::using::api_create_resource))
        .routes(routes!(stations::using::api_update_resource))
        .routes(routes!(stations::using::api_retire_resource))
        .routes(routes!(stations::using::api_request_reservation))
        .routes(routes!(stations::using::api_my_reservations))
        .routes(routes!(stations::using::api_station_reservations))
        .routes(routes!(stations::using::api_confirm_reservation))
        .routes(routes!(stations::using::api_decline_reservation))
        .routes(routes!(stations::using::api_cancel_reservation))
        .routes(routes!(stations::using::api_qr))
        // Printable QR codes: PNG, the PDF sheet, an organisation's sheets in one PDF.
        .routes(routes!(stations::qr_print::api_qr_png))
        .routes(routes!(stations::qr_print::api_qr_pdf))
        .routes(routes!(stations::qr_print::api_org_qr_pdf))
        .routes(routes!(stations::using::api_visit))
        .routes(routes!(stations::using::api_stats))
        .routes(routes!(stations::using::api_reviews, stations::using::api_post_review))
        .routes(routes!(stations::using::api_hide_review))
        .routes(routes!(stations::using::api_unhide_review))
        .routes(routes!(stations::using::api_station_feedback, stations::using::api_send_feedback))
        .routes(routes!(stations::using::api_answer_feedback))
        .routes(routes!(stations::using::api_my_feedback))
        .routes(routes!(stations::using::api_public_feedback))
        .routes(routes!(stations::coverage::api_coverage))
        // Station service indices: per station (public) and per organisation (its staff).
        .routes(routes!(stations::indices::api_station_indices))
        .routes(routes!(stations::indices::api_org_station_indices))
        // Station photos: staff upload (raw image body, up to 2 MiB) and remove; everyone lists a listed station's.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(stations::photos::api_list, stations::photos::api_upload))
                .layer(axum::extract::DefaultBodyLimit::max(stations::photos::PHOTO_BODY_LIMIT)),
        )
        .routes(routes!(stations::photos::api_remove))
        .routes(routes!(stations::photos::api_caption))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(stations::transfer::api_import))
                .layer(axum::extract::DefaultBodyLimit::max(stations::transfer::IMPORT_LIMIT)),
        )
        .split_for_parts()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api();
    Router::new()
        .merge(api)
        .merge(pages::router())
        .merge(stations::pages::router())
        .merge(stations::using::router())
        // The staff console for stations: records, import, coverage.
        .merge(stations::console::router())
        .merge(stations::indices::router())
        // Station photos: the image itself and the console's upload and remove forms.
        .merge(stations::photos::router())
        .route("/healthz", get(observability::healthz))
        .route("/readyz", get(observability::readyz))
        .route("/metrics", get(observability::metrics_endpoint))
        .route("/feeds/stations.geojson", get(stations::transfer::feed))
        .route("/assets/{*path}", get(assets::serve_asset))
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi))
        .fallback(|| async { ApiError::not_found("not_found") })
        .layer(from_fn_with_state(state.clone(), idempotency::guard))
        .layer(from_fn_with_state(state.clone(), session::csrf_guard))
        .layer(from_fn(error::render_errors))
        .layer(from_fn(observability::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, sweeping expired records in the background.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let (store, search, calendar, demand) =
        (state.store.clone(), state.stations.clone(), state.calendar_cell.clone(), state.demand.clone());
    let index_refresher = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        let mut ticks: u64 = 0;
        loop {
            every.tick().await;
            ticks += 1;
            if let Err(error) = search.refresh(&store).await {
                tracing::warn!(%error, "refreshing the station index failed");
            }
            if ticks % 60 == 0 {
                if let Err(error) = demand.flush(&store).await {
                    tracing::warn!(%error, "writing the search demand failed");
                }
            }
            // Holiday years change once a year; another server's change arrives within 30 s.
            if ticks % 30 == 0 {
                match calendar.reload(&store).await {
                    Ok(true) => search.read().forget_states(),
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%error, "reloading the holiday calendar failed"),
                }
            }
        }
    });
    let store = state.store.clone();
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match store.sweep_expired(chrono::Utc::now()).await {
                Ok(removed) => tracing::debug!(removed, "swept expired records"),
                Err(error) => tracing::warn!(%error, "sweeping expired records failed"),
            }
        }
    });
    let (last_store, last_demand) = (state.store.clone(), state.demand.clone());
    let result = axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    if let Err(error) = last_demand.flush(&last_store).await {
        tracing::warn!(%error, "writing the search demand at shutdown failed");
    }
    sweeper.abort();
    index_refresher.abort();
    result
}
