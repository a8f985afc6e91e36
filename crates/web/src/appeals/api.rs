//! The appeals API: the categories, filing, a worker's own cases, a case
//! with its timeline and its events, the contact behind a case (audited),
//! the queues of an organisation, and a person's notifications.
//!
//! Who may do what is the routing's [`routing::actor_for`]: the filer, the
//! acting union's handlers and the supervising levels' staff; anyone else is
//! told the case does not exist. Filing is idempotent through the kit's
//! `Idempotency-Key` guard: a retried POST replays the first answer.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::appeals::routing;
use waystation_domain::appeals::{Actor, AppealType, CaseNumber, Event, Stage};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::audit::AuditEntry;
use waystation_domain::kit::china_time::china_day;
use waystation_domain::kit::pagination::PageRequest;
use waystation_storage::{AppealFilter, Notification};

use super::{case_for, file, fire, rules, timeline_for, AppealView, FilingForm, TimelineRow};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// A category a worker can choose, with what it asks and how fast it is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    /// Green-channel categories (key groups) get priority and shorter limits.
    pub green_channel: bool,
    /// The fields a filing of this category must carry, with their kinds.
    #[schema(value_type = Object)]
    pub required: serde_json::Value,
    #[schema(value_type = Object)]
    pub limits: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Categories {
    /// The five appeal types of the 12351 hotline.
    pub types: Vec<&'static str>,
    pub categories: Vec<CategoryView>,
}

/// The appeal types and categories, with each category's fields and limits.
#[utoipa::path(get, path = "/api/v1/appeal-categories", tag = "appeals", responses((status = 200, body = Categories)))]
pub async fn api_categories(State(state): State<AppState>) -> axum::Json<Categories> {
    let catalogue = rules(&state).catalogue();
    axum::Json(Categories {
        types: AppealType::ALL.iter().map(|t| t.as_str()).collect(),
        categories: catalogue
            .all()
            .map(|def| CategoryView {
                code: def.code.as_str().to_owned(),
                green_channel: def.green_channel,
                required: serde_json::to_value(&def.required).unwrap_or_default(),
                limits: serde_json::to_value(def.limits).unwrap_or_default(),
            })
            .collect(),
    })
}

/// Define a category or change one (its required fields, green channel and
/// time limits): the whole tree's system admin. The body is the category as
/// `GET /api/v1/appeal-categories` lists it; every server takes it within a minute.
#[utoipa::path(put, path = "/api/v1/appeal-categories/{code}", tag = "appeals", params(("code" = String, Path)),
    request_body(content = Object, description = "A category: required (fields), green_channel, limits"),
    responses((status = 200, body = CategoryView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_put_category(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<CategoryBody>,
) -> Result<axum::Json<CategoryView>, ApiError> {
    let roots = state.store.list_roots().await?;
    let root = roots.first().ok_or_else(ApiError::forbidden)?;
    user.require(Action::ManageAppealRules, &root.path)?;
    let code = waystation_domain::appeals::CategoryCode::parse(&code)?;
    let def = waystation_domain::appeals::CategoryDef {
        code,
        green_channel: body.green_channel,
        required: body.required,
        limits: body.limits.unwrap_or_else(|| {
            if body.green_channel { waystation_domain::appeals::TimeLimits::green_channel() } else { waystation_domain::appeals::TimeLimits::default() }
        }),
    };
    // The checks the catalogue makes, before anything is written.
    rules(&state).catalogue().put(def.clone())?;
    state.store.put_appeal_category(Some(user.user.id), &def, (&body.name_zh, &body.name_en), Utc::now()).await?;
    rules(&state).reload(&state.store).await?;
    Ok(axum::Json(CategoryView {
        code: def.code.as_str().to_owned(),
        green_channel: def.green_channel,
        required: serde_json::to_value(&def.required).unwrap_or_default(),
        limits: serde_json::to_value(def.limits).unwrap_or_default(),
    }))
}

/// A category as a system admin defines it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryBody {
    /// Its name in Simplified Chinese, up to 30 characters.
    pub name_zh: String,
    /// Its name in English, up to 30 characters.
    pub name_en: String,
    #[serde(default)]
    pub green_channel: bool,
    /// The fields a filing must carry, e.g. `[{"name": "platform", "kind": "text", "max_chars": 100}]`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub required: Vec<waystation_domain::appeals::FieldSpec>,
    /// The time limits; the defaults (or the green channel's) when absent.
    #[schema(value_type = Object)]
    pub limits: Option<waystation_domain::appeals::TimeLimits>,
}

/// File an appeal (signed in: a worker's account, or a phone verified by a
/// one-time code). Send an `Idempotency-Key` header: a retry returns the same case.
#[utoipa::path(post, path = "/api/v1/appeals", tag = "appeals", request_body = FilingForm,
    responses((status = 201, body = AppealView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_file(State(state): State<AppState>, user: CurrentUser, ApiJson(form): ApiJson<FilingForm>) -> Result<Response, ApiError> {
    let appeal = file(&state, &user, &form).await?;
    let view = AppealView::of(&state, &appeal, Actor::Worker);
    Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, format!("/api/v1/appeals/{}", appeal.id))], axum::Json(view)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealList {
    pub items: Vec<AppealView>,
    pub next_cursor: Option<String>,
}

/// The caller's own appeals, newest first.
#[utoipa::path(get, path = "/api/v1/appeals/mine", tag = "appeals", params(PageParams),
    responses((status = 200, body = AppealList), (status = 401, body = ErrorBody)))]
pub async fn api_mine(State(state): State<AppState>, user: CurrentUser, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<AppealList>, ApiError> {
    let page = state.store.appeals_filed_by(user.user.id, PageRequest::parse(q.cursor.as_deref(), q.limit)?).await?;
    Ok(axum::Json(AppealList {
        items: page.items.iter().map(|a| AppealView::of(&state, a, Actor::Worker)).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A case, as the caller may see it (the filer, its handlers, the supervising levels).
#[utoipa::path(get, path = "/api/v1/appeals/{id}", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = AppealView), (status = 404, body = ErrorBody)))]
pub async fn api_get(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<AppealView>, ApiError> {
    let (appeal, actor) = case_for(&state, &user, id).await?;
    Ok(axum::Json(AppealView::of(&state, &appeal, actor)))
}

/// A case by its case number (what the worker was given when filing).
#[utoipa::path(get, path = "/api/v1/appeals/by-number/{case_number}", tag = "appeals", params(("case_number" = String, Path)),
    responses((status = 200, body = AppealView), (status = 404, body = ErrorBody)))]
pub async fn api_by_number(State(state): State<AppState>, user: CurrentUser, ApiPath(number): ApiPath<String>) -> Result<axum::Json<AppealView>, ApiError> {
    let number = CaseNumber::parse(&number).map_err(|_| ApiError::not_found("appeal_not_found"))?;
    let appeal = state.store.appeal_by_case_number(&number).await?.ok_or_else(|| ApiError::not_found("appeal_not_found"))?;
    let (appeal, actor) = case_for(&state, &user, appeal.id).await?;
    Ok(axum::Json(AppealView::of(&state, &appeal, actor)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    pub items: Vec<TimelineRow>,
}

/// Every event of the case, oldest first (the worker does not see staff's internal notes).
#[utoipa::path(get, path = "/api/v1/appeals/{id}/timeline", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Timeline), (status = 404, body = ErrorBody)))]
pub async fn api_timeline(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<Timeline>, ApiError> {
    let (_, actor) = case_for(&state, &user, id).await?;
    let events = state.store.appeal_timeline(id).await?;
    Ok(axum::Json(Timeline { items: timeline_for(events, actor) }))
}

/// Move the case by one event: `{"event": "accept"}`, `{"event": "reply", "outcome":
/// "supported", "text": "…"}`, `{"event": "transfer", "to": 12, "reason": "…"}`…
/// An event that is not allowed now is refused with a stable code and changes nothing.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/events", tag = "appeals", params(("id" = i64, Path)),
    request_body(content = Object, description = "A workflow event, tagged by `event`"),
    responses((status = 200, body = AppealView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(event): ApiJson<Event>,
) -> Result<axum::Json<AppealView>, ApiError> {
    let (appeal, actor) = fire(&state, &user, id, &event).await?;
    // After a transfer the caller may have nothing more to do with the case.
    Ok(axum::Json(match actor {
        Some(actor) => AppealView::of(&state, &appeal, actor),
        None => AppealView::of(&state, &appeal, Actor::System).redacted(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: String,
}

/// The worker's name and full phone, for staff acting on the case; every look is audited.
/// A hidden identity is shown to the first-level union only.
#[utoipa::path(get, path = "/api/v1/appeals/{id}/contact", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_contact(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<Contact>, ApiError> {
    Ok(axum::Json(reveal_contact(&state, &user, id).await?))
}

/// Reveals the contact behind a case to staff who act on it, with an audit row.
pub async fn reveal_contact(state: &AppState, user: &CurrentUser, id: i64) -> Result<Contact, ApiError> {
    let (appeal, actor) = case_for(state, user, id).await?;
    let acting = match actor {
        Actor::Handler => true,
        Actor::Supervisor => !appeal.hide_identity,
        Actor::Worker | Actor::System => false,
    };
    if !acting {
        return Err(ApiError::forbidden());
    }
    let name = match appeal.filed_by {
        Some(worker) => state.store.get_user(worker).await?.name.map(|n| n.as_str().to_owned()),
        None => None,
    };
    let entry = AuditEntry::new(
        Utc::now(),
        Some(user.user.id),
        "appeal.contact_reveal",
        Some(appeal.org_id),
        format!("appeal:{id}"),
        serde_json::json!({ "case_number": appeal.case_number.as_str() }),
    );
    state.store.record_audit(entry).await?;
    Ok(Contact { name, phone: appeal.contact_phone.as_str().to_owned() })
}

/// Which queue of an organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// Every case of the subtree.
    #[default]
    All,
    /// The organisation's own cases.
    Own,
    /// The cases of the unions below it.
    Supervised,
    /// Open cases past their deadline.
    Overdue,
    GreenChannel,
    Escalated,
}

impl Queue {
    pub const ALL: [Queue; 6] = [Queue::All, Queue::Own, Queue::Supervised, Queue::Overdue, Queue::GreenChannel, Queue::Escalated];

    pub const fn as_str(self) -> &'static str {
        match self {
            Queue::All => "all",
            Queue::Own => "own",
            Queue::Supervised => "supervised",
            Queue::Overdue => "overdue",
            Queue::GreenChannel => "green_channel",
            Queue::Escalated => "escalated",
        }
    }

    pub fn filter(self) -> AppealFilter {
        let mut filter = AppealFilter::default();
        match self {
            Queue::All => {}
            Queue::Own => filter.root_only = true,
            Queue::Supervised => filter.below_root_only = true,
            Queue::Overdue => filter.overdue_on = Some(china_day(Utc::now())),
            Queue::GreenChannel => {
                filter.green_channel_only = true;
                filter.open_only = true;
            }
            Queue::Escalated => filter.escalated_only = true,
        }
        filter
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueParams {
    /// `all` (default), `own`, `supervised`, `overdue`, `green_channel` or `escalated`.
    pub queue: Option<Queue>,
    pub stage: Option<String>,
    pub category: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// A queue of an organisation's subtree (its case handlers and admins): green channel first, then newest.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeals", tag = "appeals", params(("id" = i64, Path), QueueParams),
    responses((status = 200, body = AppealList), (status = 403, body = ErrorBody)))]
pub async fn api_queue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> Result<axum::Json<AppealList>, ApiError> {
    Ok(axum::Json(queue_page(&state, &user, org, &q).await?))
}

/// One page of a queue, each case as the caller sees it.
pub async fn queue_page(state: &AppState, user: &CurrentUser, org: i64, q: &QueueParams) -> Result<AppealList, ApiError> {
    let root = state.store.get_org(org).await?;
    user.require(Action::HandleAppeals, &root.path)?;
    let mut filter = q.queue.unwrap_or_default().filter();
    filter.stage = q.stage.as_deref().filter(|s| !s.is_empty()).map(str::parse::<Stage>).transpose()?;
    filter.category = q
        .category
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| rules(state).category(c).map(|def| def.code))
        .transpose()?;
    let page = state.store.appeals_in_subtree(org, &filter, PageRequest::parse(q.cursor.as_deref(), q.limit)?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    // A page's cases share few unions: each union's path is read once.
    let mut paths: std::collections::HashMap<i64, Vec<routing::OrgNode>> = std::collections::HashMap::new();
    for appeal in &page.items {
        if !paths.contains_key(&appeal.org_id) {
            paths.insert(appeal.org_id, state.store.path_nodes(appeal.org_id).await?);
        }
        let nodes = &paths[&appeal.org_id];
        let actor = routing::actor_for(&user.caller, &appeal.org_path, appeal.state.level, appeal.filed_by, nodes)
            .unwrap_or(Actor::Supervisor);
        items.push(AppealView::of(state, appeal, actor));
    }
    Ok(AppealList { items, next_cursor: page.next_cursor })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Notification>,
    pub unread: u64,
    pub next_cursor: Option<String>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(PageParams),
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorBody)))]
pub async fn api_notifications(State(state): State<AppState>, user: CurrentUser, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<NotificationList>, ApiError> {
    let page = state.store.notifications_of(user.user.id, PageRequest::parse(q.cursor.as_deref(), q.limit)?).await?;
    let unread = state.store.unread_notifications(user.user.id).await?;
    Ok(axum::Json(NotificationList { items: page.items, unread, next_cursor: page.next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadBody {
    /// Mark read up to this notification (all when absent).
    pub up_to: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadResult {
    pub marked: u64,
    pub unread: u64,
}

/// Mark the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadBody,
    responses((status = 200, body = ReadResult), (status = 401, body = ErrorBody)))]
pub async fn api_read(State(state): State<AppState>, user: CurrentUser, ApiJson(body): ApiJson<ReadBody>) -> Result<axum::Json<ReadResult>, ApiError> {
    let marked = state.store.mark_notifications_read(user.user.id, body.up_to, Utc::now()).await?;
    let unread = state.store.unread_notifications(user.user.id).await?;
    Ok(axum::Json(ReadResult { marked, unread }))
}
