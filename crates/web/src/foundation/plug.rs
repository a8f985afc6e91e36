//! What the crate root plugs in for the foundation: the page routes, the API
//! routes (with their OpenAPI operations), the parts of the state, and the
//! background tasks.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::task::JoinHandle;
use tokio::time::{interval, interval_at, Instant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use waystation_storage::{Store, StoreError};

use super::calendar::{self, CalendarCell};
use super::sign_in::{self, CodeSender};
use super::{console, organisations, pages, people};
use crate::http::state::{AppState, Parts};

/// Sign-in answers carry a new session secret, which is never stored for a
/// replay: the API's and the pages' sign-in routes.
pub static NEVER_REPLAYED: [&str; 2] = ["/api/v1/auth/sign-in", "/sign-in/"];

/// Home, sign-in, one's account, the organisation console.
pub fn router() -> Router<AppState> {
    Router::new().merge(pages::router()).merge(console::router())
}

/// Sign-in, people, organisations and the calendar under `/api/v1`.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
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
        .routes(routes!(calendar::api_list, calendar::api_put_year))
}

/// The code sender sign-in uses, and the working calendar (loaded from the store).
pub async fn install(parts: &mut Parts, store: &Arc<dyn Store>, codes: Arc<dyn CodeSender>) -> Result<(), StoreError> {
    parts.insert(codes);
    parts.insert(Arc::new(CalendarCell::load(store).await?));
    Ok(())
}

/// Expired sessions, codes and counters are swept every ten minutes; the
/// calendar is re-read every 30 s (holiday years change once a year; another
/// server's change arrives within 30 s).
pub fn background(state: &AppState) -> Vec<JoinHandle<()>> {
    let store = state.store.clone();
    let sweeper = tokio::spawn(async move {
        let mut every = interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match store.sweep_expired(chrono::Utc::now()).await {
                Ok(removed) => tracing::debug!(removed, "swept expired records"),
                Err(error) => tracing::warn!(%error, "sweeping expired records failed"),
            }
        }
    });
    let state = state.clone();
    let calendar_reloader = tokio::spawn(async move {
        let period = Duration::from_secs(30);
        let mut every = interval_at(Instant::now() + period, period);
        loop {
            every.tick().await;
            if let Err(error) = calendar::cell(&state).reload(&state.store).await {
                tracing::warn!(%error, "reloading the holiday calendar failed");
            }
        }
    });
    vec![sweeper, calendar_reloader]
}
