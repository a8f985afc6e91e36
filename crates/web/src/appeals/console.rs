//! The staff console for appeals: the queues of an organisation (mine — the
//! union's own, the levels it supervises, overdue, green channel, escalated)
//! and the case page with its timeline and every action the caller may take
//! now (accept, decline, notes, extension, reply, transfer, joint handling,
//! merge), the contact behind the case shown on request and audited.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use waystation_domain::appeals::{Outcome, Partner};
use waystation_domain::foundation::access::{Action, Caller};
use waystation_domain::foundation::organisations::OrgId;

use super::api::{queue_page, reveal_contact, Contact, Queue, QueueParams};
use super::pages::{field_lines, timeline_lines, EventForm, TimelineLine};
use super::{case_for, fire, label, meeting_place, rules, timeline_for, AppealView, NearbyPlaceView};
use crate::foundation::console::{tree_rows, TREE_CAP};
use crate::foundation::organisations::whole_subtree;
use crate::http::csrf::CsrfToken;
use crate::http::error::ApiError;
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{back, render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/appeals", get(queue))
        .route("/console/appeals/{id}", get(case_page))
        .route("/console/appeals/{id}/event", post(staff_event))
        .route("/console/appeals/{id}/contact", post(contact))
}

/// Whether the console shows the appeals entry.
pub fn may_handle_appeals(caller: &Caller) -> bool {
    !caller.scope_roots(Action::HandleAppeals).is_empty()
}

/// A case in a queue.
pub struct QueueRow {
    pub id: i64,
    pub case_number: String,
    pub category: &'static str,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub org: String,
    pub due: String,
    pub light: &'static str,
    pub green_channel: bool,
    pub escalated: bool,
    pub filed: String,
}

pub struct Tab {
    pub queue: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct OrgChoice {
    pub id: OrgId,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "appeals/console_queue.html")]
struct QueuePage {
    shell: Shell,
    org: OrgId,
    orgs: Vec<OrgChoice>,
    tabs: Vec<Tab>,
    queue: &'static str,
    rows: Vec<QueueRow>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct QueueQuery {
    org: Option<OrgId>,
    queue: Option<Queue>,
    cursor: Option<String>,
}

async fn queue(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(flash): Query<Flash>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, ApiError> {
    let roots = user.caller.scope_roots(Action::HandleAppeals);
    let org = match q.org.or_else(|| roots.first().map(|g| g.org_id)) {
        Some(org) => org,
        None => return Err(ApiError::forbidden()),
    };
    let current = q.queue.unwrap_or_default();
    let params = QueueParams { queue: Some(current), stage: None, category: None, cursor: q.cursor.clone(), limit: Some(30) };
    let list = queue_page(&state, &user, org, &params).await?;
    let tr = Tr(lang);
    let shell = Shell::new(lang, &csrf, "/console/appeals", Some(&user)).with_flash(&flash);
    let mut orgs = Vec::new();
    for grant in roots {
        for row in tree_rows(whole_subtree(&state, grant.org_id, false, TREE_CAP).await?) {
            if !row.org.kind.is_partner() {
                orgs.push(OrgChoice { id: row.org.id, label: format!("{}{}", "\u{3000}".repeat(row.depth), row.org.name), selected: row.org.id == org });
            }
        }
    }
    let mut rows = Vec::with_capacity(list.items.len());
    for view in list.items {
        let org_name = state.store.get_org(view.org_id).await.map(|o| o.name).unwrap_or_default();
        rows.push(queue_row(&state, tr, &shell, view, org_name));
    }
    Ok(render(QueuePage {
        tabs: Queue::ALL.iter().map(|q| Tab { queue: q.as_str(), label: label(tr, "appeals.queue", q.as_str()), current: *q == current }).collect(),
        queue: current.as_str(),
        next: list.next_cursor.map(|c| format!("/console/appeals?org={org}&queue={}&cursor={c}", current.as_str())),
        shell,
        org,
        orgs,
        rows,
    }))
}

fn queue_row(state: &AppState, tr: Tr, shell: &Shell, view: AppealView, org: String) -> QueueRow {
    QueueRow {
        id: view.id,
        category: rules(state).category_name(tr, &view.category),
        stage: view.stage,
        stage_label: label(tr, "appeals.stage", view.stage),
        org,
        due: view.due.as_ref().map(|d| format!("{} {}", label(tr, "appeals.deadline", d.kind), d.on)).unwrap_or_default(),
        light: view.due.as_ref().map_or("none", |d| d.light),
        green_channel: view.green_channel,
        escalated: view.escalated_on.is_some(),
        filed: shell.time(view.filed_at),
        case_number: view.case_number,
    }
}

#[derive(Template)]
#[template(path = "appeals/console_case.html")]
struct CasePage {
    shell: Shell,
    view: AppealView,
    org: String,
    category: &'static str,
    appeal_type: &'static str,
    stage_label: &'static str,
    outcome: &'static str,
    due_label: &'static str,
    you_are: &'static str,
    timeline: Vec<TimelineLine>,
    fields: Vec<(&'static str, String)>,
    place: Option<NearbyPlaceView>,
    contact: Option<Contact>,
    outcomes: Vec<(&'static str, &'static str)>,
    partners: Vec<(&'static str, &'static str)>,
    joined: Vec<(&'static str, &'static str)>,
    transfer_to: Vec<OrgChoice>,
    photos: Vec<i64>,
    templates: Vec<waystation_storage::ReplyTemplate>,
}

impl CasePage {
    fn may(&self, event: &str) -> bool {
        self.view.you_may.contains(&event)
    }
}

async fn case_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response, ApiError> {
    render_case(&state, lang, &csrf, &user, id, &flash, None).await
}

async fn render_case(
    state: &AppState,
    lang: Lang,
    csrf: &CsrfToken,
    user: &CurrentUser,
    id: i64,
    flash: &Flash,
    contact: Option<Contact>,
) -> Result<Response, ApiError> {
    let (appeal, actor) = case_for(state, user, id).await?;
    let tr = Tr(lang);
    let shell = Shell::new(lang, csrf, &format!("/console/appeals/{id}"), Some(user)).with_flash(flash);
    let view = AppealView::of(state, &appeal, actor);
    let timeline = timeline_lines(tr, &shell, timeline_for(state.store.appeal_timeline(id).await?, actor));
    let org = state.store.get_org(appeal.org_id).await?;
    // Transfers go to another union under the caller's reach.
    let mut transfer_to = Vec::new();
    if view.you_may.contains(&"transfer") {
        for grant in user.caller.scope_roots(Action::HandleAppeals) {
            for row in tree_rows(whole_subtree(state, grant.org_id, false, TREE_CAP).await?) {
                if !row.org.kind.is_partner() && row.org.id != appeal.org_id {
                    transfer_to.push(OrgChoice { id: row.org.id, label: format!("{}{}", "\u{3000}".repeat(row.depth), row.org.name), selected: false });
                }
            }
        }
    }
    Ok(render(CasePage {
        org: org.name,
        category: rules(state).category_name(tr, appeal.category.as_str()),
        appeal_type: label(tr, "appeals.type", appeal.appeal_type.as_str()),
        stage_label: label(tr, "appeals.stage", view.stage),
        outcome: view.outcome.map_or("", |o| label(tr, "appeals.outcome", o)),
        due_label: view.due.as_ref().map_or("", |d| label(tr, "appeals.deadline", d.kind)),
        you_are: label(tr, "appeals.actor", view.you_are),
        fields: field_lines(tr, &appeal.fields),
        place: meeting_place(&appeal),
        outcomes: [Outcome::Supported, Outcome::Explained, Outcome::NotSupported]
            .iter()
            .map(|o| (o.as_str(), label(tr, "appeals.outcome", o.as_str())))
            .collect(),
        partners: Partner::ALL
            .iter()
            .filter(|p| !appeal.state.partners.contains(p))
            .map(|p| (p.as_str(), label(tr, "appeals.partner", p.as_str())))
            .collect(),
        joined: appeal.state.partners.iter().map(|p| (p.as_str(), label(tr, "appeals.partner", p.as_str()))).collect(),
        transfer_to,
        photos: state.store.appeal_photos(id).await?.into_iter().map(|p| p.id).collect(),
        templates: if view.you_may.contains(&"reply") { super::templates::offered_for(state, appeal.org_id).await? } else { Vec::new() },
        contact,
        timeline,
        view,
        shell,
    }))
}

async fn staff_event(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<EventForm>) -> Response {
    let outcome = async {
        let mut form = form;
        // A reply may start from a template: with no text of its own, the template's is sent.
        if form.event == "reply" && form.text.trim().is_empty() {
            if let Some(template) = form.template.filter(|t| *t > 0) {
                let (appeal, _) = case_for(&state, &user, id).await?;
                let offered = super::templates::offered_for(&state, appeal.org_id).await?;
                let chosen = offered.into_iter().find(|t| t.id == template).ok_or_else(|| ApiError::not_found("template_not_found"))?;
                form.text = chosen.body;
            }
        }
        let event = form.event()?;
        let (_, actor) = fire(&state, &user, id, &event).await?;
        Ok::<_, ApiError>(actor)
    }
    .await;
    match outcome {
        // After a transfer the case may have left the caller's reach: back to the queue.
        Ok(None) => back("/console/appeals", Ok("appeals.done")),
        Ok(Some(_)) => back(&format!("/console/appeals/{id}"), Ok("appeals.done")),
        Err(error) => back(&format!("/console/appeals/{id}"), Err(error)),
    }
}

/// Shows the worker's name and full phone on the case page (audited).
async fn contact(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let contact = reveal_contact(&state, &user, id).await?;
    let mut response = render_case(&state, lang, &csrf, &user, id, &Flash::default(), Some(contact)).await?;
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response.into_response())
}
