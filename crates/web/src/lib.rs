//! HTTP: the JSON API under `/api/v1`, the server-rendered pages, static assets,
//! health and metrics.
//!
//! This file only assembles: each capability (`foundation`, `stations`, …)
//! exposes in its `plug` module its page routes, its API routes, its upload
//! limits, its console entry, its parts of the state and its background tasks,
//! and the lists below name each capability once. The shared kit is [`http`].
//!
//! Handlers are thin: they parse input, call the services of their capability
//! module (which ask `waystation_domain::foundation::access::authorize` and call the
//! [`Store`]), and shape the output. The pages and the API share the services.

pub mod appeals;
pub mod congress;
pub mod foundation;
pub mod http;
pub mod membership;
pub mod proposals;
pub mod stations;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;
use waystation_storage::{Store, StoreError};

pub use foundation::sign_in::{CodeSender, LogCodeSender};
pub use foundation::sign_in;
pub use http::error::{ApiError, ErrorBody};
pub use http::state::AppState;
pub use stations::tiles::TileConfig;
pub use http::{i18n, session};

use http::body_limit::UploadLimit;
use http::nav::ConsoleEntry;
use http::state::{HandedIn, HttpConfig, Parts};
use http::{assets, csrf, idempotency, observability, page};

/// The routes that take files, from every capability.
static UPLOAD_LIMITS: &[&[UploadLimit]] = &[&stations::plug::UPLOAD_LIMITS, &appeals::plug::UPLOAD_LIMITS];

/// The console's front-page entries, in the order shown.
static CONSOLE: &[&ConsoleEntry] = &[&stations::plug::CONSOLE, &appeals::plug::CONSOLE];

/// The paths whose POST answers are never stored for replay, from every capability.
static NEVER_REPLAYED: &[&[&str]] = &[&foundation::plug::NEVER_REPLAYED];
/// Forms that authenticate with a key of their own (Open311), by path prefix.
static KEY_AUTHENTICATED: &[&[&str]] = &[&appeals::plug::KEY_AUTHENTICATED];

/// How the web layer behaves; the CLI fills it from flags, environment and
/// file. `AppState::new` hands each part to the kit or capability it is for.
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

impl AppState {
    /// Builds the state: each capability installs its parts (the foundation
    /// first: the stations' open states follow its calendar).
    pub async fn new(store: Arc<dyn Store>, config: WebConfig, codes: Arc<dyn CodeSender>) -> Result<Self, StoreError> {
        // A bad locale file stops the server here, not in a request.
        i18n::load_catalogs();
        let mut parts = Parts::new();
        foundation::plug::install(&mut parts, &store, codes).await?;
        stations::plug::install(&mut parts, &store, config.tiles).await?;
        appeals::plug::install(&mut parts, &store).await?;
        let http = HttpConfig { secure_cookies: config.secure_cookies, trust_forwarded_for: config.trust_forwarded_for };
        let handed_in = HandedIn {
            upload_limits: UPLOAD_LIMITS,
            console: CONSOLE,
            never_replayed: NEVER_REPLAYED,
            key_authenticated: KEY_AUTHENTICATED,
        };
        Ok(Self::assemble(store, http, observability::prometheus(), parts, handed_in))
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
        .merge(foundation::plug::api_routes())
        .merge(stations::plug::api_routes())
        .merge(appeals::plug::api_routes())
        .split_for_parts()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api();
    Router::new()
        .merge(api)
        .merge(foundation::plug::router())
        .merge(stations::plug::router())
        .merge(appeals::plug::router())
        .route("/healthz", get(observability::healthz))
        .route("/readyz", get(observability::readyz))
        .route("/metrics", get(observability::metrics_endpoint))
        .route("/assets/{*path}", get(assets::serve_asset))
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi))
        .fallback(|| async { ApiError::not_found("not_found") })
        .layer(from_fn_with_state(state.clone(), idempotency::guard))
        .layer(from_fn_with_state(state.clone(), csrf::csrf_guard))
        .layer(from_fn(page::render_errors))
        .layer(from_fn(observability::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, with each capability's background tasks
/// running beside.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let tasks: Vec<_> = [foundation::plug::background(&state), stations::plug::background(&state), appeals::plug::background(&state)].into_iter().flatten().collect();
    let result = axum::serve(listener, app(state.clone()).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    stations::plug::at_shutdown(&state).await;
    for task in tasks {
        task.abort();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::i18n::{keys, Lang};

    /// The console entries' labels are locale keys written in Rust, which the
    /// template scan of `tests/translations.rs` cannot see.
    #[test]
    fn every_console_entry_label_is_translated() {
        for lang in [Lang::Zh, Lang::En] {
            let known = keys(lang);
            for entry in CONSOLE {
                for link in entry.links {
                    assert!(known.contains(&link.label), "{} lacks {} (console entry {})", lang.code(), link.label, entry.testid);
                }
            }
        }
    }
}
