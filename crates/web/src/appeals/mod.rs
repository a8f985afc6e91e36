//! Appeals (诉求, SPEC 3.2): a worker's problem carried to the union that must
//! solve it, and the answer carried back — on time, by the rules.
//!
//! - `mod.rs` (here): the services the API and the pages share — the
//!   category rules in force ([`AppealRules`]), filing ([`file`]), who a caller
//!   is for a case ([`case_for`]), firing an event ([`fire`]), and the view of
//!   a case a caller may see ([`AppealView`], with hidden identities and
//!   masked phones).
//! - `api.rs`: the JSON API under `/api/v1/appeals` and `/api/v1/notifications`.
//! - `pages.rs`: the worker's phone pages — file, my appeals, the case with
//!   its timeline, confirm, rate, reopen, ask for a review; notifications.
//! - `dashboard.rs`: the dashboard of a subtree and period (JSON, and a page
//!   with tables and ECharts charts) and the CSV export of a queue.
//! - `open311.rs`: the Open311 GeoReport v2 server under `/open311/v2/` (JSON
//!   and XML), with API keys a system admin issues.
//! - `photos.rs`: a case's photos (added by its worker, EXIF place removed
//!   unless kept, served only to those who may see the case).
//! - `console.rs`: the staff console — queues and the case page with its actions.
//! - `templates.rs`: a union's reply templates, offered on its cases' reply forms.
//! - `plug.rs`: what the crate root plugs in, and the deadline clock.
//!
//! Rules are the domain's (`waystation_domain::appeals`); routing asks the
//! kit's [`crate::http::places`] which union runs the grid where the worker
//! stands (stations offer it; appeals never name stations).

pub mod api;
pub mod console;
pub mod dashboard;
pub mod open311;
pub mod pages;
pub mod photos;
pub mod plug;
pub mod templates;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use waystation_domain::appeals::limits::deadline_state;
use waystation_domain::appeals::routing::{self, RouteHints, GRID_RADIUS_M};
use waystation_domain::appeals::{
    offered, Actor, AppealType, Catalogue, CategoryDef, Context, Event, TimeLimits,
};
use waystation_domain::foundation::organisations::DivisionCode;
use waystation_domain::foundation::people::{PhoneNumber, Role, UserId};
use waystation_domain::kit::china_time::china_day;
use waystation_domain::kit::geo::{Datum, LatLng};
use waystation_domain::Invalid;
use waystation_storage::{Appeal, AppealEvent, NewAppeal};

use crate::foundation::calendar;
use crate::http::error::ApiError;
use crate::http::places;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// The categories in force: the built-in ones with a system admin's
/// definitions laid over them, reloaded from the store by every server.
pub struct AppealRules {
    catalogue: RwLock<Catalogue>,
    /// The names of categories a system admin defined: (Chinese, English).
    /// Kept as `'static` text like the locale files' (made once per name, not per reload).
    names: RwLock<std::collections::HashMap<String, (&'static str, &'static str)>>,
}

impl Default for AppealRules {
    fn default() -> Self {
        Self { catalogue: RwLock::new(Catalogue::builtin()), names: RwLock::default() }
    }
}

impl AppealRules {
    /// The built-in categories with the stored ones laid over them; a stored
    /// definition that no longer passes the checks is left out, with a warning.
    pub async fn load(store: &std::sync::Arc<dyn waystation_storage::Store>) -> Result<Self, waystation_storage::StoreError> {
        let rules = Self::default();
        rules.reload(store).await?;
        Ok(rules)
    }

    /// Takes the stored categories again (another server, or this one, changed them).
    pub async fn reload(&self, store: &std::sync::Arc<dyn waystation_storage::Store>) -> Result<(), waystation_storage::StoreError> {
        let mut catalogue = Catalogue::builtin();
        let stored = store.appeal_categories().await?;
        {
            let mut names = self.names.write().unwrap_or_else(|p| p.into_inner());
            for (def, zh, en) in &stored {
                let known = names.get(def.code.as_str()).is_some_and(|(z, e)| *z == zh.as_str() && *e == en.as_str());
                if !known {
                    names.insert(def.code.as_str().to_owned(), (Box::leak(zh.clone().into_boxed_str()), Box::leak(en.clone().into_boxed_str())));
                }
            }
        }
        for (def, _, _) in stored {
            let code = def.code.as_str().to_owned();
            if let Err(invalid) = catalogue.put(def) {
                tracing::warn!(code, reason = invalid.code, "ignoring a stored appeal category that no longer passes the checks");
            }
        }
        *self.catalogue.write().unwrap_or_else(|p| p.into_inner()) = catalogue;
        Ok(())
    }

    /// A category's name: the locale's for the built-in ones, the system
    /// admin's for the others, else its code.
    pub fn category_name(&self, tr: crate::http::i18n::Tr, code: &str) -> &'static str {
        let key = format!("appeals.category.{code}");
        if code.parse::<waystation_domain::appeals::Category>().is_ok() {
            return tr.get(&key);
        }
        match self.names.read().unwrap_or_else(|p| p.into_inner()).get(code) {
            Some((zh, en)) => match tr.0 {
                crate::http::i18n::Lang::Zh => zh,
                crate::http::i18n::Lang::En => en,
            },
            None => tr.get(&key),
        }
    }

    pub fn catalogue(&self) -> Catalogue {
        self.catalogue.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn category(&self, code: &str) -> Result<CategoryDef, Invalid> {
        self.catalogue.read().unwrap_or_else(|p| p.into_inner()).get(code).cloned()
    }

    /// The limits of a stored case's category (the defaults if it was removed since).
    pub fn limits(&self, code: &str) -> TimeLimits {
        self.catalogue.read().unwrap_or_else(|p| p.into_inner()).get(code).map(|def| def.limits).unwrap_or_default()
    }
}

/// This server's appeal rules, from the state.
pub fn rules(state: &AppState) -> &Arc<AppealRules> {
    state.part::<Arc<AppealRules>>()
}

/// A place as a filing gives it, in any datum.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PlaceInput {
    pub lat: f64,
    pub lng: f64,
    /// `wgs84` (default), `gcj02` or `bd09`.
    #[serde(default)]
    pub datum: Option<String>,
}

/// What a worker files.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FilingForm {
    /// `consultation`, `help`, `complaint`, `legal_aid` or `suggestion`.
    pub appeal_type: String,
    /// A category code, e.g. `wage_arrears` (see `GET /api/v1/appeal-categories`).
    pub category: String,
    /// What happened, up to 2000 characters.
    pub text: String,
    /// The category's required fields, by name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    pub location: Option<PlaceInput>,
    /// A six-digit division code where the problem is, when no place is given.
    pub division: Option<String>,
    /// Hide the worker's name and phone from everyone above the first-level union.
    #[serde(default)]
    pub hide_identity: bool,
    /// How to reach the worker; the account's phone by default.
    pub contact_phone: Option<String>,
}

/// The longest text of a filing, in characters.
pub const MAX_TEXT: usize = 2000;

fn checked_text(text: &str) -> Result<String, Invalid> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Invalid::field("text", "required"));
    }
    if trimmed.chars().count() > MAX_TEXT {
        return Err(Invalid::field("text", "text_too_long"));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(Invalid::field("text", "invalid_value"));
    }
    Ok(trimmed.to_owned())
}

fn place_of(input: &PlaceInput) -> Result<LatLng, Invalid> {
    let datum = match input.datum.as_deref() {
        None | Some("") => Datum::Wgs84,
        Some(text) => text.parse::<Datum>().map_err(|_| Invalid::field("location", "invalid_datum"))?,
    };
    let point = LatLng::new(input.lat, input.lng).map_err(|_| Invalid::field("location", "invalid_value"))?;
    Ok(point.to_wgs84(datum))
}

/// Who files: a signed-in worker, or another system through an Open311 key
/// on behalf of someone it knows by phone.
pub struct Filer {
    pub user_id: Option<UserId>,
    /// How to reach them when the form names no other phone.
    pub phone: PhoneNumber,
    /// Organisations where they hold the worker role (routing's third choice).
    pub worker_orgs: Vec<i64>,
    pub open311_key: Option<i64>,
}

impl Filer {
    pub fn of(user: &CurrentUser) -> Self {
        Self {
            user_id: Some(user.user.id),
            phone: user.user.phone.clone(),
            worker_orgs: user.caller.grants.iter().filter(|g| g.role == Role::Worker).map(|g| g.org_id).collect(),
            open311_key: None,
        }
    }
}

/// Checks a filing, routes it and files it. Every problem of the form is
/// reported at once; nothing is written unless all is well.
pub async fn file(state: &AppState, user: &CurrentUser, form: &FilingForm) -> Result<Appeal, ApiError> {
    file_as(state, &Filer::of(user), form).await
}

/// [`file`], for any [`Filer`].
pub async fn file_as(state: &AppState, filer: &Filer, form: &FilingForm) -> Result<Appeal, ApiError> {
    let today = china_day(Utc::now());
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    fn note(errors: &mut Vec<(String, &'static str)>, result: Result<(), Invalid>) {
        if let Err(invalid) = result {
            errors.push((invalid.field.unwrap_or("form").to_owned(), invalid.code));
        }
    }
    let appeal_type = form.appeal_type.parse::<AppealType>();
    note(&mut errors, appeal_type.as_ref().map(drop).map_err(Clone::clone));
    let category = rules(state).category(form.category.trim());
    let mut checked_fields = BTreeMap::new();
    match &category {
        Ok(def) => match def.check_fields(&form.fields, today) {
            Ok(fields) => checked_fields = fields,
            Err(problems) => errors.extend(problems.into_iter().map(|p| (format!("fields.{}", p.field), p.code))),
        },
        Err(invalid) => note(&mut errors, Err(invalid.clone())),
    }
    let text = checked_text(&form.text);
    note(&mut errors, text.as_ref().map(drop).map_err(Clone::clone));
    let location = form.location.as_ref().map(place_of).transpose();
    note(&mut errors, location.as_ref().map(drop).map_err(Clone::clone));
    let division = form.division.as_deref().filter(|d| !d.trim().is_empty()).map(DivisionCode::parse).transpose();
    note(&mut errors, division.as_ref().map(drop).map_err(|e| Invalid::field("division", e.code)));
    let contact = match form.contact_phone.as_deref().filter(|p| !p.trim().is_empty()) {
        None => Ok(filer.phone.clone()),
        Some(phone) => PhoneNumber::parse(phone).map_err(|e| Invalid::field("contact_phone", e.code)),
    };
    note(&mut errors, contact.as_ref().map(drop).map_err(Clone::clone));
    if !errors.is_empty() {
        let mut error = ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, errors[0].1);
        for (field, code) in &errors {
            error = error.with_field(field, code);
        }
        return Err(error);
    }
    let (appeal_type, category, text, location, division, contact) = (
        appeal_type.expect("checked"),
        category.expect("checked"),
        text.expect("checked"),
        location.expect("checked"),
        division.expect("checked"),
        contact.expect("checked"),
    );

    // Routing: the grid of the place, the division, the worker's organisation, the top.
    let grid = location.and_then(|at| places::nearest(state, at, GRID_RADIUS_M));
    let worker_orgs = filer.worker_orgs.clone();
    let mut candidates: Vec<i64> = Vec::new();
    candidates.extend(grid.as_ref().map(|p| p.org_id));
    if let Some(code) = &division {
        if let Some(org) = state.store.org_by_division_code(code).await? {
            candidates.push(org.id);
        }
    }
    candidates.extend(worker_orgs.iter().copied());
    let mut nodes = Vec::new();
    for org in candidates {
        for node in state.store.path_nodes(org).await? {
            if !nodes.iter().any(|n: &routing::OrgNode| n.id == node.id) {
                nodes.push(node);
            }
        }
    }
    if nodes.is_empty() {
        for root in state.store.list_roots().await? {
            nodes.extend(state.store.path_nodes(root.id).await?);
        }
    }
    let hints = RouteHints { grid_org: grid.as_ref().map(|p| p.org_id), division, worker_orgs };
    let route = routing::route(&nodes, &hints).ok_or_else(|| ApiError::new(axum::http::StatusCode::CONFLICT, "no_union_to_route_to"))?;

    let mut fields = serde_json::Map::new();
    for (key, value) in checked_fields {
        fields.insert(key, value.into());
    }
    if let Some(place) = &grid {
        fields.insert("_meeting_place".into(), serde_json::json!({ "id": place.id, "name": place.name, "link": place.link }));
    }
    let input = NewAppeal {
        appeal_type,
        category: category.code.clone(),
        org_id: route.org,
        filed_by: filer.user_id,
        contact_phone: contact,
        hide_identity: form.hide_identity,
        text,
        fields: serde_json::Value::Object(fields),
        location: location.map(|p| (p.lat(), p.lng())),
        green_channel: category.green_channel,
        routed_by: route.by,
        open311_key: filer.open311_key,
    };
    let appeal = state.store.file_appeal(filer.user_id, input, Utc::now(), &category.limits, calendar::current(state)).await?;
    if let Some(at) = location {
        // Where workers need help is where stations are missing (the coverage view).
        places::record_need(state, at);
    }
    Ok(appeal)
}

/// The case and who the caller is for it; `appeal_not_found` for anyone who
/// has nothing to do with it (its existence is not revealed).
pub async fn case_for(state: &AppState, user: &CurrentUser, id: i64) -> Result<(Appeal, Actor), ApiError> {
    let appeal = state.store.get_appeal(id).await?;
    let nodes = state.store.path_nodes(appeal.org_id).await?;
    let actor = actor_in(user, &appeal, &nodes).ok_or_else(|| ApiError::not_found("appeal_not_found"))?;
    Ok((appeal, actor))
}

fn actor_in(user: &CurrentUser, appeal: &Appeal, nodes: &[routing::OrgNode]) -> Option<Actor> {
    routing::actor_for(&user.caller, &appeal.org_path, appeal.state.level, appeal.filed_by, nodes)
}

/// Fires one event on a case as the caller, judged by the domain. Returns the
/// case and who the caller is for it now — nobody, after a transfer out of
/// their reach (the new union's path is read only when the union changed).
pub async fn fire(state: &AppState, user: &CurrentUser, id: i64, event: &Event) -> Result<(Appeal, Option<Actor>), ApiError> {
    let appeal = state.store.get_appeal(id).await?;
    let nodes = state.store.path_nodes(appeal.org_id).await?;
    let actor = actor_in(user, &appeal, &nodes).ok_or_else(|| ApiError::not_found("appeal_not_found"))?;
    let limits = rules(state).limits(appeal.category.as_str());
    let cx = Context { actor, today: china_day(Utc::now()), limits: &limits, calendar: calendar::current(state) };
    let after = state.store.apply_appeal_event(Some(user.user.id), id, event, &cx, Utc::now()).await?;
    let nodes = if after.org_id == appeal.org_id { nodes } else { state.store.path_nodes(after.org_id).await? };
    let now = actor_in(user, &after, &nodes);
    Ok((after, now))
}

/// The translated name of `code` under a locale prefix (`appeals.stage`, `appeals.type`…).
pub fn label(tr: crate::http::i18n::Tr, prefix: &str, code: &str) -> &'static str {
    tr.get(&format!("{prefix}.{code}"))
}

/// A deadline as a case shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueView {
    /// `accept`, `finish`, `review_answer` or `progress_note`.
    pub kind: &'static str,
    pub on: NaiveDate,
    /// `ok`, `warning` (yellow) or `breached` (red).
    pub light: &'static str,
}

/// A case as one caller may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppealView {
    pub id: i64,
    pub case_number: String,
    pub appeal_type: &'static str,
    pub category: String,
    pub stage: &'static str,
    /// `base`, `review` or `re_review`.
    pub level: &'static str,
    pub outcome: Option<&'static str>,
    pub org_id: i64,
    pub green_channel: bool,
    pub escalated_on: Option<NaiveDate>,
    pub due: Option<DueView>,
    pub progress_note_due: Option<NaiveDate>,
    pub partners: Vec<&'static str>,
    pub text: String,
    pub fields: serde_json::Value,
    /// WGS-84.
    pub location: Option<[f64; 2]>,
    pub rating: Option<u8>,
    pub merged_into: Option<i64>,
    /// The worker asked to be hidden from everyone above the first-level union.
    pub identity_hidden: bool,
    /// The contact phone, masked (`138****8000`); null where the identity is hidden from the caller.
    pub contact: Option<String>,
    /// Who the caller is for the case: `worker`, `handler` or `supervisor`.
    pub you_are: &'static str,
    /// The events the caller may fire now.
    pub you_may: Vec<&'static str>,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AppealView {
    pub fn of(state: &AppState, appeal: &Appeal, actor: Actor) -> Self {
        let limits = rules(state).limits(appeal.category.as_str());
        let calendar = calendar::current(state);
        let today = china_day(Utc::now());
        let cx = Context { actor, today, limits: &limits, calendar };
        let sees_identity = !appeal.hide_identity || routing::sees_hidden_identity(actor);
        Self {
            id: appeal.id,
            case_number: appeal.case_number.as_str().to_owned(),
            appeal_type: appeal.appeal_type.as_str(),
            category: appeal.category.as_str().to_owned(),
            stage: appeal.state.stage.as_str(),
            level: appeal.state.level.as_str(),
            outcome: appeal.state.outcome.map(|o| o.as_str()),
            org_id: appeal.org_id,
            green_channel: appeal.green_channel,
            escalated_on: appeal.escalated_on,
            due: appeal.due.map(|(kind, on)| DueView {
                kind: kind.as_str(),
                on,
                light: deadline_state(today, on, limits.warn_lead_days).as_str(),
            }),
            progress_note_due: appeal.note_due,
            partners: appeal.state.partners.iter().map(|p| p.as_str()).collect(),
            text: appeal.text.clone(),
            fields: appeal.fields.clone(),
            location: appeal.location.map(|(lat, lng)| [lat, lng]),
            rating: appeal.state.rating,
            merged_into: appeal.state.merged_into,
            identity_hidden: appeal.hide_identity,
            contact: sees_identity.then(|| appeal.contact_phone.masked()),
            you_are: actor.as_str(),
            you_may: offered(&appeal.state, &cx),
            filed_at: appeal.created_at,
            updated_at: appeal.updated_at,
        }
    }
}

impl AppealView {
    /// What someone who handed the case on may still be told: its number and stage.
    pub fn redacted(mut self) -> Self {
        self.text.clear();
        self.fields = serde_json::Value::Null;
        self.location = None;
        self.contact = None;
        self.you_may.clear();
        self.you_are = "none";
        self
    }
}

/// One row of the timeline as a caller may see it: staff's internal notes
/// are for staff; who fired an event is told as a role, never by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineRow {
    pub at: DateTime<Utc>,
    pub event: String,
    /// `worker`, `handler`, `supervisor` or `system`.
    pub by: String,
    pub to_stage: &'static str,
    /// The event's reason, text, outcome, partner…
    pub detail: serde_json::Value,
}

/// The rows of a timeline the caller may see.
pub fn timeline_for(events: Vec<AppealEvent>, actor: Actor) -> Vec<TimelineRow> {
    events
        .into_iter()
        .filter(|e| actor != Actor::Worker || !is_internal(e))
        .map(|e| {
            let mut detail = e.detail;
            if let Some(map) = detail.as_object_mut() {
                // The timeline tells what happened; the event's tag is its name.
                map.remove("event");
            }
            TimelineRow { at: e.at, event: e.event, by: e.actor_kind, to_stage: e.to_stage.as_str(), detail }
        })
        .collect()
}

/// Notes not addressed to the worker, and the clock's warnings, are for staff.
fn is_internal(event: &AppealEvent) -> bool {
    match event.event.as_str() {
        "note" => event.detail.get("to_worker").and_then(serde_json::Value::as_bool) != Some(true),
        "warn" | "escalate" => true,
        _ => false,
    }
}

/// The suggested place to meet, recorded at filing.
pub fn meeting_place(appeal: &Appeal) -> Option<NearbyPlaceView> {
    let place = appeal.fields.get("_meeting_place")?;
    Some(NearbyPlaceView {
        id: place.get("id")?.as_i64()?,
        name: place.get("name")?.as_str()?.to_owned(),
        link: place.get("link")?.as_str()?.to_owned(),
    })
}

/// A place as a case page links it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NearbyPlaceView {
    pub id: i64,
    pub name: String,
    pub link: String,
}
