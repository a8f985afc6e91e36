//! What the crate root plugs in for appeals: the pages, the API routes (with
//! their OpenAPI operations), the console entry, the parts of the state (the
//! category rules, the SMS sender), and the deadline clock.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use chrono::Utc;
use tokio::task::JoinHandle;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use waystation_storage::{SmsMessage, SweepReport};

use super::{api, console, dashboard, open311, pages, photos, rules, templates, AppealRules};
use crate::foundation::calendar;
use crate::http::body_limit::UploadLimit;
use crate::http::nav::{ConsoleEntry, ConsoleLink};
use crate::http::state::{AppState, Parts};

pub fn router() -> Router<AppState> {
    Router::new().merge(pages::router()).merge(console::router()).merge(open311::router()).merge(dashboard::router()).merge(photos::router()).merge(templates::router())
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::api_categories))
        .routes(routes!(api::api_put_category))
        .routes(routes!(api::api_file))
        .routes(routes!(api::api_mine))
        .routes(routes!(api::api_by_number))
        .routes(routes!(api::api_get))
        .routes(routes!(api::api_timeline))
        .routes(routes!(api::api_event))
        .routes(routes!(api::api_contact))
        .routes(routes!(api::api_queue))
        .routes(routes!(api::api_notifications))
        .routes(routes!(api::api_read))
        .routes(routes!(open311::api_issue_key))
        .routes(routes!(dashboard::api_dashboard))
        .routes(routes!(dashboard::api_export))
        .routes(routes!(dashboard::api_export_xlsx))
        .routes(routes!(templates::api_list, templates::api_add))
        .routes(routes!(templates::api_retire))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(photos::api_list, photos::api_upload))
                .layer(axum::extract::DefaultBodyLimit::max(photos::PHOTO_BODY_LIMIT)),
        )
}

/// Appeal photos take an image in the body.
pub static UPLOAD_LIMITS: [UploadLimit; 1] = [UploadLimit { matches: photos::is_photo_upload, max_bytes: photos::PHOTO_BODY_LIMIT }];

/// Open311 clients post forms with their `api_key`, not a cookie.
pub static KEY_AUTHENTICATED: [&str; 1] = ["/open311/"];

/// The appeals console, for case handlers and admins.
pub static CONSOLE: ConsoleEntry = ConsoleEntry {
    testid: "appeal-console-links",
    visible: console::may_handle_appeals,
    links: &[
        ConsoleLink { href: "/console/appeals", label: "appeals.console_title", testid: "console-appeals", class: "button" },
        ConsoleLink { href: "/console/appeals/dashboard", label: "appeals.dash.title", testid: "console-appeals-dashboard", class: "button secondary" },
    ],
};

/// Hands a text message to the phone network. Production plugs in an SMS gateway.
#[async_trait]
pub trait SmsSender: Send + Sync + 'static {
    async fn send(&self, message: &SmsMessage) -> anyhow::Result<()>;
}

/// The default sender: writes each message to the log, like the sign-in codes.
/// The message tells what happened to which case, never more.
pub struct LogSmsSender;

#[async_trait]
impl SmsSender for LogSmsSender {
    async fn send(&self, message: &SmsMessage) -> anyhow::Result<()> {
        tracing::info!(
            target: "waystation::sms",
            phone = %message.phone,
            kind = %message.kind,
            case_number = %message.detail.get("case_number").and_then(|v| v.as_str()).unwrap_or_default(),
            "text message (log sender: configure an SMS sender for production)"
        );
        Ok(())
    }
}

/// The SMS sender in use.
#[derive(Clone)]
pub struct Sms(pub Arc<dyn SmsSender>);

/// The category rules (loaded from the store) and the SMS sender.
pub async fn install(parts: &mut Parts, store: &Arc<dyn waystation_storage::Store>) -> Result<(), waystation_storage::StoreError> {
    parts.insert(Arc::new(AppealRules::load(store).await?));
    parts.insert(Sms(Arc::new(LogSmsSender)));
    Ok(())
}

/// Runs the deadline clock once now (what the background task does every minute).
pub async fn sweep(state: &AppState) -> Result<SweepReport, waystation_storage::StoreError> {
    let catalogue = rules(state).catalogue();
    state.store.sweep_appeal_deadlines(Utc::now(), &catalogue, calendar::current(state)).await
}

/// Hands queued text messages to the sender; returns how many went.
pub async fn send_sms(state: &AppState) -> Result<usize, waystation_storage::StoreError> {
    let messages = state.store.claim_sms(100, Utc::now()).await?;
    let sender = &state.part::<Sms>().0;
    for message in &messages {
        if let Err(error) = sender.send(message).await {
            tracing::warn!(%error, id = message.id, "sending a text message failed");
        }
    }
    Ok(messages.len())
}

/// Every minute the deadline clock (safe with several servers: each light
/// fires once); every two seconds the text messages.
pub fn background(state: &AppState) -> Vec<JoinHandle<()>> {
    let clock = state.clone();
    let sms = state.clone();
    vec![
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                // A system admin may have changed the categories on another server.
                if let Err(error) = rules(&clock).reload(&clock.store).await {
                    tracing::warn!(%error, "reloading the appeal categories failed");
                }
                match sweep(&clock).await {
                    Ok(report) if report.warned + report.escalated + report.closed_after_silence > 0 => {
                        tracing::info!(?report, "appeal deadline sweep");
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "the appeal deadline sweep failed"),
                }
            }
        }),
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(2));
            loop {
                every.tick().await;
                if let Err(error) = send_sms(&sms).await {
                    tracing::warn!(%error, "claiming text messages failed");
                }
            }
        }),
    ]
}
