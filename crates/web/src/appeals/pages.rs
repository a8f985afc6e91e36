//! The worker's phone pages: file an appeal in a few taps, my appeals, the
//! case page with its timeline (confirm, rate, reopen, ask for a review),
//! and the notifications. Every form works without JavaScript and carries
//! an idempotency key, so a double tap files once.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use waystation_domain::appeals::{Actor, AppealType, CaseNumber, Event, FieldKind, Outcome, Partner};
use waystation_domain::kit::china_time::china_day;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::Invalid;
use waystation_storage::Appeal;

use super::{case_for, file, fire, label, meeting_place, rules, timeline_for, AppealView, FilingForm, NearbyPlaceView, PlaceInput, TimelineRow};
use crate::http::csrf::CsrfToken;
use crate::http::error::ApiError;
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{back, render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/appeals", get(mine))
        .route("/appeals/new", get(new_form).post(file_posted))
        .route("/appeals/{number}", get(case_page))
        .route("/appeals/{number}/event", post(worker_event))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read_all))
}

/// One field of a category on the filing form.
pub struct FieldRow {
    pub name: String,
    pub label: &'static str,
    /// `text`, `number`, `month`, `date` or `select`.
    pub input: &'static str,
    pub options: Vec<String>,
    pub hint: &'static str,
}

/// A category on the filing form, with its fields.
pub struct CategoryRow {
    pub code: String,
    pub label: &'static str,
    pub green_channel: bool,
    pub fields: Vec<FieldRow>,
}

fn category_rows(state: &AppState, tr: Tr) -> Vec<CategoryRow> {
    rules(state)
        .catalogue()
        .all()
        .map(|def| CategoryRow {
            code: def.code.as_str().to_owned(),
            label: rules(state).category_name(tr, def.code.as_str()),
            green_channel: def.green_channel,
            fields: def
                .required
                .iter()
                .map(|spec| {
                    let (input, options, hint) = match &spec.kind {
                        FieldKind::Text { .. } => ("text", Vec::new(), ""),
                        FieldKind::AmountYuan => ("number", Vec::new(), tr.get("appeals.hint.yuan")),
                        FieldKind::Period => ("text", Vec::new(), tr.get("appeals.hint.period")),
                        FieldKind::Date => ("date", Vec::new(), ""),
                        FieldKind::Count => ("number", Vec::new(), ""),
                        FieldKind::Choice { options } => ("select", options.clone(), ""),
                    };
                    FieldRow { name: spec.name.clone(), label: label(tr, "appeals.field", &spec.name), input, options, hint }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appeals/file.html")]
struct FilePage {
    shell: Shell,
    types: Vec<(&'static str, &'static str)>,
    categories: Vec<CategoryRow>,
    phone: String,
    script: String,
}

async fn new_form(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, Query(flash): Query<Flash>) -> Response {
    let tr = Tr(lang);
    render(FilePage {
        shell: Shell::new(lang, &csrf, "/appeals/new", Some(&user)).with_flash(&flash),
        types: AppealType::ALL.iter().map(|t| (t.as_str(), label(tr, "appeals.type", t.as_str()))).collect(),
        categories: category_rows(&state, tr),
        phone: user.user.phone.masked(),
        script: crate::http::assets::asset_url("appeals.js"),
    })
}

/// The filing form as posted: the category's fields come as `f.<category>.<name>`.
#[derive(Debug, Deserialize)]
struct PostedFiling {
    appeal_type: String,
    category: String,
    text: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lng: String,
    #[serde(default)]
    datum: String,
    #[serde(default)]
    division: String,
    #[serde(default)]
    hide_identity: Option<String>,
    #[serde(default)]
    contact_phone: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

fn filing_of(posted: PostedFiling) -> Result<FilingForm, ApiError> {
    let prefix = format!("f.{}.", posted.category.trim());
    let fields = posted
        .rest
        .iter()
        .filter_map(|(key, value)| key.strip_prefix(&prefix).map(|name| (name.to_owned(), value.clone())))
        .filter(|(_, value)| !value.trim().is_empty())
        .collect();
    let location = match (posted.lat.trim(), posted.lng.trim()) {
        ("", "") => None,
        (lat, lng) => Some(PlaceInput {
            lat: lat.parse().map_err(|_| Invalid::field("location", "invalid_value"))?,
            lng: lng.parse().map_err(|_| Invalid::field("location", "invalid_value"))?,
            datum: Some(posted.datum.clone()).filter(|d| !d.is_empty()),
        }),
    };
    Ok(FilingForm {
        appeal_type: posted.appeal_type,
        category: posted.category,
        text: posted.text,
        fields,
        location,
        division: Some(posted.division).filter(|d| !d.trim().is_empty()),
        hide_identity: posted.hide_identity.is_some(),
        contact_phone: Some(posted.contact_phone).filter(|p| !p.trim().is_empty()),
    })
}

async fn file_posted(State(state): State<AppState>, user: CurrentUser, ApiForm(posted): ApiForm<PostedFiling>) -> Response {
    let outcome = match filing_of(posted) {
        Ok(form) => file(&state, &user, &form).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(appeal) => Redirect::to(&format!("/appeals/{}?done=appeals.filed", appeal.case_number.as_str())).into_response(),
        Err(error) => back("/appeals/new", Err(error)),
    }
}

/// A case in a list.
pub struct CaseRow {
    pub case_number: String,
    pub category: &'static str,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub filed: String,
    pub light: &'static str,
    pub green_channel: bool,
}

impl CaseRow {
    pub fn of(state: &AppState, tr: Tr, shell: &Shell, appeal: &Appeal) -> Self {
        let view = AppealView::of(state, appeal, Actor::Worker);
        Self {
            case_number: view.case_number,
            category: rules(state).category_name(tr, appeal.category.as_str()),
            stage: view.stage,
            stage_label: label(tr, "appeals.stage", view.stage),
            filed: shell.time(appeal.created_at),
            light: view.due.map_or("none", |d| d.light),
            green_channel: appeal.green_channel,
        }
    }
}

#[derive(Template)]
#[template(path = "appeals/mine.html")]
struct MinePage {
    shell: Shell,
    rows: Vec<CaseRow>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
}

async fn mine(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(flash): Query<Flash>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let page = state.store.appeals_filed_by(user.user.id, PageRequest::parse(q.cursor.as_deref(), Some(20))?).await?;
    let shell = Shell::new(lang, &csrf, "/appeals", Some(&user)).with_flash(&flash);
    let rows = page.items.iter().map(|a| CaseRow::of(&state, Tr(lang), &shell, a)).collect();
    Ok(render(MinePage { shell, rows, next: page.next_cursor.map(|c| format!("/appeals?cursor={c}")) }))
}

/// A timeline row with its words.
pub struct TimelineLine {
    pub at: String,
    pub event: String,
    pub label: &'static str,
    pub by: &'static str,
    pub text: String,
}

/// The timeline in the caller's language: the event, who (as a role) and what they wrote.
pub fn timeline_lines(tr: Tr, shell: &Shell, rows: Vec<TimelineRow>) -> Vec<TimelineLine> {
    rows.into_iter()
        .map(|row| {
            let d = &row.detail;
            let part = |key: &str| d.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
            let mut text = [part("reason"), part("text"), part("comment"), part("contact")]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            if let Some(outcome) = d.get("outcome").and_then(serde_json::Value::as_str) {
                text = format!("【{}】{text}", label(tr, "appeals.outcome", outcome));
            }
            if let Some(partner) = d.get("partner").and_then(serde_json::Value::as_str) {
                text = format!("{}：{text}", label(tr, "appeals.partner", partner));
            }
            if let Some(stars) = d.get("stars").and_then(serde_json::Value::as_u64) {
                text = format!("{} {text}", "★".repeat(stars as usize));
            }
            if let Some(days) = d.get("days").and_then(serde_json::Value::as_u64) {
                text = format!("+{days} · {text}");
            }
            if let Some(due) = d.get("due_on").and_then(serde_json::Value::as_str) {
                text = format!("{} {due}", label(tr, "appeals.deadline", &part("deadline")));
            }
            TimelineLine {
                at: shell.time(row.at),
                label: label(tr, "appeals.event", &row.event),
                event: row.event,
                by: label(tr, "appeals.actor", &row.by),
                text,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appeals/case.html")]
struct CasePage {
    shell: Shell,
    view: AppealView,
    category: &'static str,
    appeal_type: &'static str,
    stage_label: &'static str,
    outcome: &'static str,
    due_label: &'static str,
    timeline: Vec<TimelineLine>,
    place: Option<NearbyPlaceView>,
    fields: Vec<(&'static str, String)>,
    photos: Vec<i64>,
}

/// The category's fields as label and value (the meeting place is shown apart).
pub fn field_lines(tr: Tr, fields: &serde_json::Value) -> Vec<(&'static str, String)> {
    fields
        .as_object()
        .map(|map| {
            map.iter()
                .filter(|(key, _)| !key.starts_with('_'))
                .map(|(key, value)| (label(tr, "appeals.field", key), value.as_str().map_or_else(|| value.to_string(), str::to_owned)))
                .collect()
        })
        .unwrap_or_default()
}

async fn case_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(number): ApiPath<String>,
    Query(flash): Query<Flash>,
) -> Result<Response, ApiError> {
    let appeal = appeal_by_number(&state, &number).await?;
    let (appeal, actor) = case_for(&state, &user, appeal.id).await?;
    if actor != Actor::Worker {
        // Staff work on the case in the console.
        return Ok(Redirect::to(&format!("/console/appeals/{}", appeal.id)).into_response());
    }
    let tr = Tr(lang);
    let shell = Shell::new(lang, &csrf, &format!("/appeals/{number}"), Some(&user)).with_flash(&flash);
    let view = AppealView::of(&state, &appeal, actor);
    let timeline = timeline_lines(tr, &shell, timeline_for(state.store.appeal_timeline(appeal.id).await?, actor));
    Ok(render(CasePage {
        category: rules(&state).category_name(tr, appeal.category.as_str()),
        appeal_type: label(tr, "appeals.type", appeal.appeal_type.as_str()),
        stage_label: label(tr, "appeals.stage", view.stage),
        outcome: view.outcome.map_or("", |o| label(tr, "appeals.outcome", o)),
        due_label: view.due.as_ref().map_or("", |d| label(tr, "appeals.deadline", d.kind)),
        fields: field_lines(tr, &appeal.fields),
        place: meeting_place(&appeal),
        photos: state.store.appeal_photos(appeal.id).await?.into_iter().map(|p| p.id).collect(),
        timeline,
        view,
        shell,
    }))
}

pub async fn appeal_by_number(state: &AppState, number: &str) -> Result<Appeal, ApiError> {
    let number = CaseNumber::parse(number).map_err(|_| ApiError::not_found("appeal_not_found"))?;
    state.store.appeal_by_case_number(&number).await?.ok_or_else(|| ApiError::not_found("appeal_not_found"))
}

/// An event as a form posts it: its name and whatever it carries.
#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    pub event: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub stars: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub into: String,
    #[serde(default)]
    pub partner: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub to_worker: Option<String>,
    /// A reply template to start from (staff's reply form).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub template: Option<i64>,
}

fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    Ok(text.and_then(|t| t.trim().parse().ok()))
}

fn number<T: std::str::FromStr>(value: &str, field: &'static str) -> Result<T, Invalid> {
    value.trim().parse().map_err(|_| Invalid::field(field, "invalid_value"))
}

impl EventForm {
    /// The domain event the form asks for; an unknown name is `unknown_event`.
    pub fn event(&self) -> Result<Event, Invalid> {
        Ok(match self.event.as_str() {
            "accept" => Event::Accept,
            "decline" => Event::Decline { reason: self.reason.clone() },
            "start" => Event::Start,
            "note" => Event::Note { text: self.text.clone(), to_worker: self.to_worker.is_some() },
            "extend" => Event::Extend { days: number(&self.days, "days")?, reason: self.reason.clone() },
            "reply" => Event::Reply {
                outcome: self.outcome.parse::<Outcome>().map_err(|_| Invalid::field("outcome", "invalid_value"))?,
                text: self.text.clone(),
            },
            "confirm" => Event::Confirm,
            "rate" => Event::Rate { stars: number(&self.stars, "stars")?, comment: self.comment.clone() },
            "reopen" => Event::Reopen { reason: self.reason.clone() },
            "request_review" => Event::RequestReview { reason: self.reason.clone() },
            "merge_into" => Event::MergeInto { into: number(&self.into, "into")? },
            "transfer" => Event::Transfer { to: number(&self.to, "to")?, reason: self.reason.clone() },
            "join_partner" => Event::JoinPartner { partner: self.partner.parse::<Partner>()?, contact: self.contact.clone() },
            "partner_action" => Event::PartnerAction { partner: self.partner.parse::<Partner>()?, text: self.text.clone() },
            _ => return Err(Invalid::field("event", "unknown_event")),
        })
    }
}

async fn worker_event(State(state): State<AppState>, user: CurrentUser, ApiPath(number): ApiPath<String>, ApiForm(form): ApiForm<EventForm>) -> Response {
    let to = format!("/appeals/{number}");
    let outcome = async {
        let appeal = appeal_by_number(&state, &number).await?;
        let event = form.event()?;
        fire(&state, &user, appeal.id, &event).await?;
        Ok::<_, ApiError>("appeals.done")
    }
    .await;
    back(&to, outcome)
}

/// A notification in the list.
pub struct NotificationRow {
    pub id: i64,
    pub kind: &'static str,
    pub subject: String,
    pub link: String,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "appeals/notifications.html")]
struct NotificationsPage {
    shell: Shell,
    rows: Vec<NotificationRow>,
    unread: u64,
    next: Option<String>,
}

async fn notifications(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(flash): Query<Flash>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let page = state.store.notifications_of(user.user.id, PageRequest::parse(q.cursor.as_deref(), Some(30))?).await?;
    let unread = state.store.unread_notifications(user.user.id).await?;
    let shell = Shell::new(lang, &csrf, "/notifications", Some(&user)).with_flash(&flash);
    let tr = Tr(lang);
    let rows = page
        .items
        .into_iter()
        .map(|n| NotificationRow {
            id: n.id,
            kind: tr.get(&format!("notification.{}", n.kind)),
            subject: n.subject,
            link: n.link,
            at: shell.time(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    Ok(render(NotificationsPage { shell, rows, unread, next: page.next_cursor.map(|c| format!("/notifications?cursor={c}")) }))
}

async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Response {
    let outcome = state.store.mark_notifications_read(user.user.id, None, Utc::now()).await.map(|_| "appeals.read").map_err(ApiError::from);
    back("/notifications", outcome)
}

/// Today's China day, for templates that show how long is left.
pub fn today() -> chrono::NaiveDate {
    china_day(Utc::now())
}
