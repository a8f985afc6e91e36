//! The staff console for stations: the list of a caller's stations, one form
//! for the whole record (create and edit), status changes with their reasons,
//! the histories, the station's managers, import from a file, and the coverage
//! of demand.
//!
//! Every page calls the same service functions as the JSON API
//! (`stations::{create, update, change_status}`, `transfer::import`,
//! `coverage::coverage_of`, `people::{grant_role, revoke_grant}`), so the
//! rules and the audit trail are the API's. A page shows only what the caller
//! may do, and every POST is refused by the service when the caller may not.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use waystation_domain::access::{Action, Caller, Grant};
use waystation_domain::organisations::OrgId;
use waystation_domain::pagination::PageRequest;
use waystation_domain::people::Role;
use waystation_domain::stations::hours::{HoursState, OpeningHours};
use waystation_domain::stations::{Amenity, SixHaves, StationKind, StationStatus};
use waystation_storage::{GrantRecord, Org, Station, StationListFilter};

use super::search;
use super::api::station_state;
use super::coverage::{coverage_of, gaps_geojson, CoverageRequest, GapView};
use super::transfer::{self, Format, ImportOptions, ImportReport};
use super::{now_in_china, PointInput, StationForm};
use crate::http::assets::asset_url;
use crate::http::error::{form_urlencode, message, ApiError};
use crate::http::extract::{ApiForm, ApiPath, ApiQuery};
use crate::http::i18n::{keys, Lang, Tr};
use crate::foundation::organisations::whole_subtree;
use crate::foundation::console::{tree_rows, TreeRow, TREE_CAP};
use crate::http::page::{refuse_or_back, render, Notice, Shell};
use crate::http::csrf::CsrfToken;
use crate::http::session::CurrentUser;
use crate::foundation::people;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/stations", get(list_page))
        .route("/console/stations/new", get(new_page).post(create_post))
        .route(
            "/console/stations/import",
            get(import_page).post(import_post).layer(DefaultBodyLimit::max(transfer::IMPORT_LIMIT)),
        )
        .route("/console/stations/{id}", get(station_page))
        .route("/console/stations/{id}/edit", get(edit_page).post(edit_post))
        .route("/console/stations/{id}/status", post(status_post))
        .route("/console/stations/{id}/managers", post(grant_manager_post))
        .route("/console/stations/{id}/managers/{grant}/revoke", post(revoke_manager_post))
        .route("/console/coverage", get(coverage_page))
}

/// Whether the caller may use the station console at all: some station role somewhere.
pub fn may_view_stations(caller: &Caller) -> bool {
    !caller.scope_roots(Action::ViewStationRecords).is_empty()
}

/// `?done=key` (a `station_console.done_<key>` text) or `?error=code` after a form.
#[derive(Debug, Default, Deserialize)]
struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn notice(&self, lang: Lang) -> Option<Notice> {
        let known = |key: String| keys(lang).contains(&key.as_str()).then(|| crate::http::i18n::t(lang, &key));
        if let Some(text) = self.error.as_ref().and_then(|code| known(format!("error.{code}"))) {
            return Some(Notice { error: true, text });
        }
        if let Some(done) = self.done.as_deref().filter(|key| super::photos::DONE_KEYS.contains(key)) {
            return Some(Notice { error: false, text: crate::http::i18n::t(lang, &format!("station_photos.done_{done}")) });
        }
        let done = self.done.as_deref().filter(|key| DONE_KEYS.contains(key))?;
        Some(Notice { error: false, text: crate::http::i18n::t(lang, &format!("station_console.done_{done}")) })
    }
}

/// What the pages show after a form succeeded; each has a `station_console.done_<key>` text.
const DONE_KEYS: [&str; 5] = ["created", "saved", "status_changed", "manager_granted", "manager_revoked"];

fn shell(lang: Lang, csrf: &CsrfToken, path: &str, user: &CurrentUser, outcome: &Outcome) -> Shell {
    let mut shell = Shell::new(lang, csrf, &form_urlencode(path), Some(user));
    shell.notice = outcome.notice(lang);
    shell
}

/// The organisations under the caller's grants for `action`, as indented rows.
async fn orgs_for(state: &AppState, user: &CurrentUser, action: Action) -> Result<Vec<TreeRow>, ApiError> {
    let mut rows = Vec::new();
    for grant in user.caller.scope_roots(action) {
        let subtree = whole_subtree(state, grant.org_id, false, TREE_CAP).await?;
        rows.extend(tree_rows(subtree));
    }
    Ok(rows)
}

/// The same organisations as choices of a `<select>`, indented by depth.
async fn org_choices(state: &AppState, user: &CurrentUser, action: Action, chosen: Option<OrgId>) -> Result<Vec<Choice>, ApiError> {
    Ok(orgs_for(state, user, action)
        .await?
        .into_iter()
        .map(|row| Choice { selected: Some(row.org.id) == chosen, value: row.org.id.to_string(), label: format!("{}{}", "\u{3000}".repeat(row.depth), row.org.name) })
        .collect())
}

/// The organisation a page is asked about (`?org=`), else the caller's first
/// with station records; the caller's right to it is checked by the service.
fn asked_org(user: &CurrentUser, asked: Option<&str>) -> Result<OrgId, ApiError> {
    let Some(first_root) = user.caller.scope_roots(Action::ViewStationRecords).first().map(|g| g.org_id) else {
        return Err(ApiError::forbidden());
    };
    match asked.map(str::trim).filter(|o| !o.is_empty()) {
        Some(text) => text.parse().map_err(|_| ApiError::not_found("org_not_found")),
        None => Ok(first_root),
    }
}

fn status_label(tr: Tr, status: StationStatus) -> &'static str {
    tr.get(&format!("station_status.{}", status.as_str()))
}

fn kind_label(tr: Tr, kind: StationKind) -> &'static str {
    tr.get(&format!("station_kind.{}", kind.as_str()))
}

fn hours_now(state: &AppState, station: &Station) -> HoursState {
    station_state(state, station, now_in_china())
}

// ---- the list ----

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    org: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    #[serde(flatten)]
    outcome: Outcome,
}

pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_name: String,
    pub status: StationStatus,
    pub status_label: &'static str,
    pub kind_label: &'static str,
    pub open_now: bool,
}

/// A choice in a `<select>`: its value, its label, whether chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "stations/console_stations.html")]
struct ListPage {
    shell: Shell,
    orgs: Vec<Choice>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    q: String,
    rows: Vec<ListRow>,
    next: Option<String>,
    can_create: bool,
    can_see_coverage: bool,
}

const LIST_PAGE: u32 = 50;

async fn list_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let org_id = asked_org(&user, query.org.as_deref())?;
    let org = state.store.get_org(org_id).await?;
    user.require(Action::ViewStationRecords, &org.path)?;
    let mut errors = super::FieldErrors::default();
    let status = errors.check(query.status.as_deref().filter(|s| !s.is_empty()).map(str::parse::<StationStatus>).transpose()).flatten();
    let kind = errors.check(query.kind.as_deref().filter(|k| !k.is_empty()).map(str::parse::<StationKind>).transpose()).flatten();
    let page = errors.check(PageRequest::parse(query.cursor.as_deref().filter(|c| !c.is_empty()), Some(LIST_PAGE)));
    errors.into_result()?;
    let text = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let filter = StationListFilter { within: Some(org.id), status, kind, text: text.clone() };
    let found = state.store.list_stations(&filter, page.expect("checked")).await?;
    let rows = found
        .items
        .iter()
        .map(|s| ListRow {
            id: s.id,
            code: s.code.as_str().to_owned(),
            name: s.name.clone(),
            org_name: s.org_name.clone(),
            status: s.status,
            status_label: status_label(tr, s.status),
            kind_label: kind_label(tr, s.kind),
            open_now: hours_now(&state, s).open,
        })
        .collect();
    let filters = |cursor: &str| {
        let mut params = vec![format!("org={}", org.id)];
        if let Some(s) = status {
            params.push(format!("status={}", s.as_str()));
        }
        if let Some(k) = kind {
            params.push(format!("kind={}", k.as_str()));
        }
        if let Some(t) = &text {
            params.push(format!("q={}", form_urlencode(t)));
        }
        params.push(format!("cursor={}", form_urlencode(cursor)));
        format!("/console/stations?{}", params.join("&"))
    };
    let next = found.next_cursor.as_deref().map(filters);
    let orgs = org_choices(&state, &user, Action::ViewStationRecords, Some(org.id)).await?;
    let statuses = StationStatus::ALL
        .into_iter()
        .map(|s| Choice { value: s.as_str().to_owned(), label: status_label(tr, s).to_owned(), selected: status == Some(s) })
        .collect();
    let kinds = StationKind::ALL
        .into_iter()
        .map(|k| Choice { value: k.as_str().to_owned(), label: kind_label(tr, k).to_owned(), selected: kind == Some(k) })
        .collect();
    Ok(render(ListPage {
        shell: shell(lang, &csrf, "/console/stations", &user, &query.outcome),
        orgs,
        statuses,
        kinds,
        q: text.unwrap_or_default(),
        rows,
        next,
        can_create: !user.caller.scope_roots(Action::ManageStations).is_empty(),
        can_see_coverage: true,
    }))
}

// ---- the form: create and edit ----

/// The form as typed, every field a string, so that it re-renders exactly as sent.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    pub name: String,
    pub kind: String,
    pub org_id: String,
    pub partner_org_ids: Vec<String>,
    pub address: String,
    pub lat: String,
    pub lng: String,
    pub datum: String,
    pub opening_hours: String,
    pub follows_working_calendar: bool,
    /// Ticked amenities, and the counts typed for counted ones.
    pub amenities: Vec<String>,
    pub counts: Vec<(String, String)>,
    pub manager_name: String,
    pub manager_phone: String,
    pub rules: String,
    pub six_haves: Vec<String>,
    pub external_id: String,
    /// Only when creating: `open` or `planned`.
    pub status: String,
}

impl FormInput {
    /// Reads the posted pairs (repeated names for the lists).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = FormInput::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => input.name = value,
                "kind" => input.kind = value,
                "org_id" => input.org_id = value,
                "partner_org_id" => input.partner_org_ids.push(value),
                "address" => input.address = value,
                "lat" => input.lat = value,
                "lng" => input.lng = value,
                "datum" => input.datum = value,
                "opening_hours" => input.opening_hours = value,
                "follows_working_calendar" => input.follows_working_calendar = true,
                "amenity" => input.amenities.push(value),
                "manager_name" => input.manager_name = value,
                "manager_phone" => input.manager_phone = value,
                "rules" => input.rules = value,
                "six_have" => input.six_haves.push(value),
                "external_id" => input.external_id = value,
                "status" => input.status = value,
                other => {
                    if let Some(amenity) = other.strip_prefix("count_") {
                        input.counts.push((amenity.to_owned(), value));
                    }
                }
            }
        }
        input
    }

    /// The form of a stored station, in WGS-84.
    fn of(station: &Station) -> Self {
        FormInput {
            name: station.name.clone(),
            kind: station.kind.as_str().to_owned(),
            org_id: station.org_id.to_string(),
            partner_org_ids: station.partner_org_ids.iter().map(ToString::to_string).collect(),
            address: station.address.clone(),
            lat: format!("{:.6}", station.location.lat()),
            lng: format!("{:.6}", station.location.lng()),
            datum: "wgs84".to_owned(),
            opening_hours: station.hours.as_str().to_owned(),
            follows_working_calendar: station.follows_working_calendar,
            amenities: station.amenities.iter().map(|(a, _)| a.as_str().to_owned()).collect(),
            counts: station.amenities.iter().filter_map(|(a, n)| n.map(|n| (a.as_str().to_owned(), n.to_string()))).collect(),
            manager_name: station.manager_name.clone().unwrap_or_default(),
            manager_phone: station.manager_phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            rules: station.rules.clone(),
            six_haves: super::pages::six_items(&station.six_haves).into_iter().filter(|(_, met)| *met).map(|(k, _)| k.to_owned()).collect(),
            external_id: station.external_id.clone().unwrap_or_default(),
            status: station.status.as_str().to_owned(),
        }
    }

    fn count_of(&self, amenity: &str) -> &str {
        self.counts.iter().rev().find(|(a, _)| a == amenity).map_or("", |(_, n)| n.trim())
    }

    /// The API's form, so the API's validation judges it. A number that does
    /// not read as one becomes NaN (or an invalid amenity value), which the
    /// validation refuses with the field named.
    fn to_station_form(&self) -> StationForm {
        let number = |text: &str| text.trim().parse::<f64>().unwrap_or(f64::NAN);
        let mut amenities = serde_json::Map::new();
        for amenity in Amenity::ALL {
            let name = amenity.as_str();
            let ticked = self.amenities.iter().any(|a| a == name);
            let count = self.count_of(name);
            let value = if amenity.is_counted() && !count.is_empty() {
                match count.parse::<u64>() {
                    Ok(n) => serde_json::Value::from(n),
                    Err(_) => serde_json::Value::from(count),
                }
            } else if ticked {
                serde_json::Value::Bool(true)
            } else {
                continue;
            };
            amenities.insert(name.to_owned(), value);
        }
        // Ticked amenities that are not in the vocabulary (a stale or forged form) are named too.
        for unknown in self.amenities.iter().filter(|a| a.parse::<Amenity>().is_err()) {
            amenities.insert(unknown.clone(), serde_json::Value::Bool(true));
        }
        let six: serde_json::Map<String, serde_json::Value> =
            SixHaves::ITEMS.iter().map(|item| ((*item).to_owned(), serde_json::Value::Bool(self.six_haves.iter().any(|s| s == item)))).collect();
        StationForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_id: self.org_id.trim().parse().unwrap_or(0),
            partner_org_ids: self.partner_org_ids.iter().filter_map(|p| p.trim().parse().ok()).collect(),
            address: self.address.clone(),
            location: PointInput { lat: number(&self.lat), lng: number(&self.lng), datum: Some(self.datum.clone()).filter(|d| !d.is_empty()) },
            opening_hours: self.opening_hours.clone(),
            follows_working_calendar: self.follows_working_calendar,
            amenities: serde_json::Value::Object(amenities),
            manager_name: Some(self.manager_name.clone()),
            manager_phone: Some(self.manager_phone.clone()),
            rules: self.rules.clone(),
            six_haves: Some(serde_json::Value::Object(six)),
            external_id: Some(self.external_id.clone()),
        }
    }
}

/// One amenity on the form: ticked, and its count when counted.
pub struct AmenityField {
    pub name: &'static str,
    pub label: &'static str,
    pub counted: bool,
    pub ticked: bool,
    pub count: String,
}

/// One item of the six-haves checklist on the form.
pub struct CheckItem {
    pub name: &'static str,
    pub label: &'static str,
    pub ticked: bool,
}

/// What went wrong with the form: a message per field, and one for the whole.
#[derive(Default)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub summary: Option<&'static str>,
}

impl FormErrors {
    fn of(error: &ApiError, input: &FormInput, lang: Lang) -> Self {
        let mut fields = Vec::new();
        for (field, code) in &error.fields {
            let mut text = message(code, lang).to_owned();
            // The opening-hours parser explains what it could not read; show its words too.
            if field == "opening_hours" {
                if let Err(invalid) = OpeningHours::parse(&input.opening_hours) {
                    text = format!("{text} ({})", invalid.message);
                }
            }
            fields.push((field.clone(), text));
        }
        let summary = Some(match error.fields.as_slice() {
            [] => message(error.code, lang),
            [(_, code)] => message(code, lang),
            _ => message("invalid_input", lang),
        });
        FormErrors { fields, summary }
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "stations/console_station_form.html")]
struct FormPage {
    shell: Shell,
    /// `None` when creating.
    station: Option<(i64, String)>,
    input: FormInput,
    errors: FormErrors,
    kinds: Vec<Choice>,
    /// Owners the caller may choose; empty when the owner is fixed (a station manager editing).
    owners: Vec<Choice>,
    owner_name: String,
    partners: Vec<Choice>,
    datums: Vec<Choice>,
    amenities: Vec<AmenityField>,
    six: Vec<CheckItem>,
    statuses: Vec<Choice>,
    action: String,
}

/// Builds the form page around `input`.
async fn form_page(
    state: &AppState,
    lang: Lang,
    csrf: &CsrfToken,
    user: &CurrentUser,
    station: Option<&Station>,
    input: FormInput,
    errors: FormErrors,
) -> Result<FormPage, ApiError> {
    let tr = Tr(lang);
    let may_move = match station {
        None => true,
        Some(s) => user.require(Action::ManageStations, &s.org_path).is_ok(),
    };
    let chosen_org: Option<OrgId> = input.org_id.trim().parse().ok();
    let owners: Vec<Choice> = if may_move {
        orgs_for(state, user, Action::ManageStations)
            .await?
            .into_iter()
            .filter(|row| !row.org.kind.is_partner())
            .map(|row| Choice {
                selected: Some(row.org.id) == chosen_org,
                value: row.org.id.to_string(),
                label: format!("{}{}", "\u{3000}".repeat(row.depth), row.org.name),
            })
            .collect()
    } else {
        Vec::new()
    };
    let owner_name = station.map(|s| s.org_name.clone()).unwrap_or_default();
    let chosen_partners: Vec<OrgId> = input.partner_org_ids.iter().filter_map(|p| p.trim().parse().ok()).collect();
    let mut partners: Vec<Choice> = orgs_for(state, user, Action::ViewStationRecords)
        .await?
        .into_iter()
        .filter(|row| row.org.kind.is_partner())
        .map(|row| Choice { selected: chosen_partners.contains(&row.org.id), value: row.org.id.to_string(), label: row.org.name })
        .collect();
    // Partners chosen earlier by someone with a wider scope stay chosen.
    for id in chosen_partners {
        if !partners.iter().any(|p| p.value == id.to_string()) {
            let label = state.store.get_org(id).await.map(|o| o.name).unwrap_or_else(|_| id.to_string());
            partners.push(Choice { value: id.to_string(), label, selected: true });
        }
    }
    let kinds = StationKind::ALL
        .into_iter()
        .map(|k| Choice { value: k.as_str().to_owned(), label: kind_label(tr, k).to_owned(), selected: input.kind == k.as_str() })
        .collect();
    let datums = ["wgs84", "gcj02", "bd09"]
        .into_iter()
        .map(|d| Choice {
            value: d.to_owned(),
            label: tr.get(&format!("station_console.datum_{d}")).to_owned(),
            selected: input.datum == d || (input.datum.is_empty() && d == "wgs84"),
        })
        .collect();
    let amenities = Amenity::ALL
        .into_iter()
        .map(|a| AmenityField {
            name: a.as_str(),
            label: tr.get(&format!("amenity.{}", a.as_str())),
            counted: a.is_counted(),
            ticked: input.amenities.iter().any(|t| t == a.as_str()),
            count: input.count_of(a.as_str()).to_owned(),
        })
        .collect();
    let six = SixHaves::ITEMS
        .iter()
        .map(|item| CheckItem { name: item, label: tr.get(&format!("station.six.{item}")), ticked: input.six_haves.iter().any(|s| s == item) })
        .collect();
    let statuses = [StationStatus::Open, StationStatus::Planned]
        .into_iter()
        .map(|s| Choice { value: s.as_str().to_owned(), label: status_label(tr, s).to_owned(), selected: input.status == s.as_str() })
        .collect();
    let (path, action) = match station {
        Some(s) => (format!("/console/stations/{}/edit", s.id), format!("/console/stations/{}/edit", s.id)),
        None => ("/console/stations/new".to_owned(), "/console/stations/new".to_owned()),
    };
    Ok(FormPage {
        shell: shell(lang, csrf, &path, user, &Outcome::default()),
        station: station.map(|s| (s.id, s.name.clone())),
        input,
        errors,
        kinds,
        owners,
        owner_name,
        partners,
        datums,
        amenities,
        six,
        statuses,
        action,
    })
}

async fn new_page(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser) -> Result<Response, ApiError> {
    let Some(root) = user.caller.scope_roots(Action::ManageStations).first().map(|g| g.org_id) else {
        return Err(ApiError::forbidden());
    };
    let input = FormInput {
        org_id: root.to_string(),
        kind: StationKind::ALL[0].as_str().to_owned(),
        datum: "wgs84".to_owned(),
        status: StationStatus::Open.as_str().to_owned(),
        ..FormInput::default()
    };
    Ok(render(form_page(&state, lang, &csrf, &user, None, input, FormErrors::default()).await?))
}

/// The form again, with what was typed and what is wrong with it; 422 (or the error's status).
async fn form_refused(state: &AppState, lang: Lang, csrf: &CsrfToken, user: &CurrentUser, station: Option<&Station>, input: FormInput, error: ApiError) -> Response {
    if matches!(error.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::INTERNAL_SERVER_ERROR) {
        return error.into_response();
    }
    let errors = FormErrors::of(&error, &input, lang);
    match form_page(state, lang, csrf, user, station, input, errors).await {
        Ok(page) => {
            let mut response = render(page);
            *response.status_mut() = error.status;
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn create_post(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiForm(pairs): ApiForm<Vec<(String, String)>>,
) -> Response {
    let input = FormInput::from_pairs(pairs);
    let form = input.to_station_form();
    let status = Some(input.status.as_str()).filter(|s| !s.is_empty());
    match super::create(&state, &user, &form, status).await {
        Ok(station) => Redirect::to(&format!("/console/stations/{}?done=created", station.id)).into_response(),
        Err(error) => form_refused(&state, lang, &csrf, &user, None, input, error).await,
    }
}

async fn edit_page(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let input = FormInput::of(&station);
    Ok(render(form_page(&state, lang, &csrf, &user, Some(&station), input, FormErrors::default()).await?))
}

async fn edit_post(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiForm(pairs): ApiForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let mut input = FormInput::from_pairs(pairs);
    // A station manager's form has no owner choice: the owner stays.
    if input.org_id.trim().is_empty() {
        input.org_id = station.org_id.to_string();
    }
    Ok(match super::update(&state, &user, id, &input.to_station_form()).await {
        Ok(_) => Redirect::to(&format!("/console/stations/{id}?done=saved")).into_response(),
        Err(error) => form_refused(&state, lang, &csrf, &user, Some(&station), input, error).await,
    })
}

// ---- one station: status, history, managers ----

pub struct StatusRow {
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub reason: String,
    pub author: String,
    pub at: String,
}

pub struct LocationRow {
    pub point: String,
    pub address: String,
    pub author: String,
    pub at: String,
}

pub struct ManagerRow {
    pub grant_id: i64,
    pub name: String,
    pub phone: String,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "stations/console_station.html")]
struct StationPage {
    shell: Shell,
    station: Station,
    kind: &'static str,
    status: &'static str,
    open_now: bool,
    wgs84: String,
    can_edit: bool,
    /// The moves the domain allows from here and the caller may make.
    moves: Vec<Choice>,
    status_rows: Vec<StatusRow>,
    location_rows: Vec<LocationRow>,
    managers: Vec<ManagerRow>,
    can_grant: bool,
    photos: Vec<super::photos::PhotoCard>,
    /// Fewer than nine live photos: the upload form is shown.
    room_for_photos: bool,
}

/// Names of the people in a history, by account id; "system" for the command line.
async fn author_name(state: &AppState, tr: Tr, actor: Option<i64>, cache: &mut Vec<(i64, String)>) -> String {
    let Some(id) = actor else { return tr.get("station_console.system").to_owned() };
    if let Some((_, name)) = cache.iter().find(|(i, _)| *i == id) {
        return name.clone();
    }
    let name = match state.store.get_user(id).await {
        Ok(person) => person.name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| person.phone.masked()),
        Err(_) => format!("#{id}"),
    };
    cache.push((id, name.clone()));
    name
}

/// The station-manager grants on a station's organisation (following every page).
async fn manager_grants(state: &AppState, org: OrgId) -> Result<Vec<GrantRecord>, ApiError> {
    let mut found = Vec::new();
    let mut page = PageRequest { after: None, limit: waystation_domain::pagination::MAX_LIMIT };
    loop {
        let fetched = state.store.grants_in_subtree(org, page).await?;
        found.extend(fetched.items.into_iter().filter(|g| g.role == Role::StationManager && g.org_id == org && g.revoked_at.is_none()));
        match fetched.next_cursor {
            Some(cursor) => page = PageRequest::parse(Some(&cursor), Some(page.limit))?,
            None => return Ok(found),
        }
    }
}

async fn station_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(outcome): ApiQuery<Outcome>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let can_edit = user.require(Action::EditStation, &station.org_path).is_ok();
    let can_manage = user.require(Action::ManageStations, &station.org_path).is_ok();
    let moves = StationStatus::ALL
        .into_iter()
        .filter(|to| station.status.can_become(*to))
        .filter(|to| if *to == StationStatus::Retired { can_manage } else { can_edit })
        .map(|to| Choice { value: to.as_str().to_owned(), label: tr.get(&format!("station_console.move_{}", to.as_str())).to_owned(), selected: false })
        .collect();
    let mut names = Vec::new();
    let mut status_rows = Vec::new();
    for record in state.store.station_status_history(id).await?.into_iter().rev() {
        status_rows.push(StatusRow {
            from: record.from.map(|s| status_label(tr, s)),
            to: status_label(tr, record.to),
            author: author_name(&state, tr, record.actor_id, &mut names).await,
            reason: record.reason,
            at: shell_time(record.at),
        });
    }
    let mut location_rows = Vec::new();
    for record in state.store.station_location_history(id).await?.into_iter().rev() {
        location_rows.push(LocationRow {
            point: format!("{:.6}, {:.6}", record.location.lat(), record.location.lng()),
            author: author_name(&state, tr, record.actor_id, &mut names).await,
            address: record.address,
            at: shell_time(record.at),
        });
    }
    let can_grant = user.require(Action::GrantRole(Role::StationManager), &station.org_path).is_ok();
    let managers = manager_grants(&state, station.org_id)
        .await?
        .into_iter()
        .map(|g| ManagerRow {
            grant_id: g.id,
            name: g.user_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| "—".to_owned()),
            phone: g.user_phone.masked(),
            can_revoke: user.require(Action::GrantRole(g.role), &g.org_path).is_ok(),
        })
        .collect();
    let hours = hours_now(&state, &station);
    let photos = super::photos::photo_cards(&state, &station).await?;
    let room_for_photos = (photos.len() as i64) < waystation_domain::stations::photo::PHOTOS_PER_STATION;
    Ok(render(StationPage {
        shell: shell(lang, &csrf, &format!("/console/stations/{id}"), &user, &outcome),
        kind: kind_label(tr, station.kind),
        status: status_label(tr, station.status),
        open_now: hours.open,
        wgs84: format!("{:.6}, {:.6}", station.location.lat(), station.location.lng()),
        can_edit,
        moves,
        status_rows,
        location_rows,
        managers,
        can_grant,
        photos,
        room_for_photos,
        station,
    }))
}

fn shell_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&super::china_time()).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Debug, Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

async fn status_post(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<StatusForm>) -> Response {
    let outcome = super::change_status(&state, &user, id, &form.status, &form.reason).await;
    refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "status_changed"))
}

#[derive(Debug, Deserialize)]
struct ManagerForm {
    #[serde(default)]
    phone: String,
    name: Option<String>,
}

async fn grant_manager_post(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<ManagerForm>) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let outcome = people::grant_role(&state, &user, station.org_id, &form.phone, Role::StationManager.as_str(), form.name.as_deref()).await;
    Ok(refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "manager_granted")))
}

async fn revoke_manager_post(State(state): State<AppState>, user: CurrentUser, ApiPath((id, grant)): ApiPath<(i64, i64)>) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let record = state.store.get_grant(grant).await?;
    // Only this station's managers are revoked from its page.
    if record.role != Role::StationManager || record.org_id != station.org_id {
        return Err(ApiError::not_found("not_found"));
    }
    let outcome = people::revoke_grant(&state, &user, grant).await;
    Ok(refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "manager_revoked")))
}

// ---- import ----

#[derive(Template)]
#[template(path = "stations/console_station_import.html")]
struct ImportPage {
    shell: Shell,
    orgs: Vec<Choice>,
    /// The outcome of the last upload: what was checked or written.
    report: Option<ImportReport>,
    /// The file's name and what it holds, carried to "import now" after a check.
    carried: Option<Carried>,
    mode: String,
    file_name: String,
}

/// A checked file kept in the page so that importing it needs no second upload.
pub struct Carried {
    pub format: &'static str,
    pub content: String,
}

/// A checked file is carried in the page up to this size; larger ones are chosen again.
const CARRY_LIMIT: usize = 2 * 1024 * 1024;

async fn import_page(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser) -> Result<Response, ApiError> {
    if user.caller.scope_roots(Action::ManageStations).is_empty() {
        return Err(ApiError::forbidden());
    }
    let orgs = org_choices(&state, &user, Action::ManageStations, None).await?;
    Ok(render(ImportPage {
        shell: shell(lang, &csrf, "/console/stations/import", &user, &Outcome::default()),
        orgs,
        report: None,
        carried: None,
        mode: "check".to_owned(),
        file_name: String::new(),
    }))
}

/// The caller acting for one organisation only: their grants that cover it,
/// narrowed to its subtree. Rows owned elsewhere are then refused as `forbidden`.
fn acting_for(user: &CurrentUser, org: &Org) -> CurrentUser {
    let mut narrowed = user.clone();
    narrowed.caller.grants = user
        .caller
        .grants
        .iter()
        .filter(|g| g.org_path.covers(&org.path))
        .map(|g| Grant { role: g.role, org_id: org.id, org_path: org.path.clone() })
        .collect();
    narrowed
}

/// The upload, as the multipart form sent it.
#[derive(Default)]
struct Upload {
    org_id: String,
    mode: String,
    file_name: String,
    bytes: Vec<u8>,
    /// `csv` or `geojson`: from a carried file, else from the file's name.
    format: String,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    let unreadable = |_| ApiError::new(StatusCode::BAD_REQUEST, "invalid_form");
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or("") {
            "org_id" => upload.org_id = field.text().await.map_err(unreadable)?,
            "mode" => upload.mode = field.text().await.map_err(unreadable)?,
            "format" => upload.format = field.text().await.map_err(unreadable)?,
            "file_name" => upload.file_name = field.text().await.map_err(unreadable)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !bytes.is_empty() {
                    upload.file_name = name;
                    upload.bytes = bytes.to_vec();
                }
            }
            "content" => {
                let text = field.text().await.map_err(unreadable)?;
                if upload.bytes.is_empty() {
                    upload.bytes = text.into_bytes();
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

async fn import_post(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, multipart: Multipart) -> Result<Response, ApiError> {
    if user.caller.scope_roots(Action::ManageStations).is_empty() {
        return Err(ApiError::forbidden());
    }
    let upload = read_upload(multipart).await?;
    let org_id: OrgId = upload.org_id.trim().parse().map_err(|_| ApiError::from(waystation_domain::Invalid::field("org_id", "org_not_found")))?;
    let org = state.store.get_org(org_id).await.map_err(|_| ApiError::from(waystation_domain::Invalid::field("org_id", "org_not_found")))?;
    user.require(Action::ManageStations, &org.path)?;
    let orgs = org_choices(&state, &user, Action::ManageStations, Some(org.id)).await?;
    let page = |report, carried, error: Option<ApiError>, mode: &str, file_name: &str| {
        let mut shell = shell(lang, &csrf, "/console/stations/import", &user, &Outcome::default());
        if let Some(error) = &error {
            let code = error.fields.first().map_or(error.code, |(_, c)| *c);
            shell.notice = Some(Notice { error: true, text: message(code, lang) });
        }
        let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
        let mut response = render(ImportPage { shell, orgs, report, carried, mode: mode.to_owned(), file_name: file_name.to_owned() });
        *response.status_mut() = status;
        response
    };
    if upload.bytes.is_empty() {
        let error = ApiError::from(waystation_domain::Invalid::field("file", "required"));
        return Ok(page(None, None, Some(error), "check", ""));
    }
    let format = match upload.format.as_str() {
        "csv" => Some(Format::Csv),
        "geojson" => Some(Format::Geojson),
        _ => Format::of_path(&upload.file_name),
    };
    let Some(format) = format else {
        let error = ApiError::from(waystation_domain::Invalid::field("file", "invalid_value"));
        return Ok(page(None, None, Some(error), "check", &upload.file_name));
    };
    let options = match upload.mode.as_str() {
        "import" => ImportOptions { skip_invalid: false, dry_run: false },
        "import_valid" => ImportOptions { skip_invalid: true, dry_run: false },
        _ => ImportOptions { skip_invalid: false, dry_run: true },
    };
    let actor = acting_for(&user, &org);
    let report = match transfer::import(&state.store, Some(search::of(&state)), Some(&actor), &upload.bytes, format, options, lang, &mut |_, _| {}).await {
        Ok(report) => report,
        Err(error) if error.status.is_client_error() => return Ok(page(None, None, Some(error), "check", &upload.file_name)),
        Err(error) => return Err(error),
    };
    // After a check, the file travels with the page (as UTF-8 text) so "import" needs no new upload.
    let carried = if options.dry_run && upload.bytes.len() <= CARRY_LIMIT {
        let text = match format {
            Format::Csv => waystation_domain::stations::transfer::decode(&upload.bytes).ok().map(|(text, _)| text),
            Format::Geojson => String::from_utf8(upload.bytes.clone()).ok(),
        };
        text.map(|content| Carried { format: if format == Format::Csv { "csv" } else { "geojson" }, content })
    } else {
        None
    };
    let mode = if options.dry_run { if report.problems.is_empty() { "import" } else { "import_valid" } } else { "check" };
    Ok(page(Some(report), carried, None, mode, &upload.file_name))
}

// ---- coverage ----

#[derive(Debug, Default, Deserialize)]
struct CoverageQuery {
    org: Option<String>,
    days: Option<String>,
}

#[derive(Template)]
#[template(path = "stations/console_coverage.html")]
struct CoveragePage {
    shell: Shell,
    map_css: String,
    coverage_js: String,
    orgs: Vec<Choice>,
    day_choices: Vec<Choice>,
    demand: u64,
    cells: usize,
    served_percent: String,
    rows: Vec<GapRow>,
    /// JSON for `coverage.js`: tiles and the cells as GeoJSON.
    config: String,
}

pub struct GapRow {
    pub centre: String,
    pub demand: u64,
    pub nearest: String,
    pub severity: f64,
}

#[derive(Serialize)]
struct CoverageConfig<'a> {
    tiles: &'a crate::http::state::TileConfig,
    cells: serde_json::Value,
    /// The worst severity, for the colour scale.
    worst: f64,
}

/// The table lists this many of the worst cells.
const GAP_ROWS: usize = 50;

async fn coverage_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CoverageQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let org_id = asked_org(&user, query.org.as_deref())?;
    let days = match query.days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => Some(text.parse::<i64>().map_err(|_| ApiError::from(waystation_domain::Invalid::field("days", "invalid_value")))?),
        None => None,
    };
    let request = CoverageRequest::parse(days, Some(GAP_ROWS), None)?;
    let (coverage, worst) = coverage_of(&state, &user, org_id, request).await?;
    let rows = coverage
        .worst
        .iter()
        .map(|gap: &GapView| GapRow {
            centre: format!("{:.2}, {:.2}", gap.lat, gap.lng),
            demand: gap.demand,
            nearest: match gap.nearest_m {
                Some(m) => super::pages::distance_text(tr, m),
                None => tr.get("station_console.no_station").to_owned(),
            },
            severity: gap.severity,
        })
        .collect();
    let orgs = org_choices(&state, &user, Action::ViewStationRecords, Some(org_id)).await?;
    let day_choices = [7, 30, 90, 365]
        .into_iter()
        .map(|d| Choice { value: d.to_string(), label: tr.get("station_console.last_days").replace("{n}", &d.to_string()), selected: d == coverage.days })
        .collect();
    let config = CoverageConfig {
        tiles: &state.config.tiles,
        cells: gaps_geojson(&worst),
        worst: coverage.worst.iter().map(|g| g.severity).fold(0.0, f64::max),
    };
    Ok(render(CoveragePage {
        shell: shell(lang, &csrf, "/console/coverage", &user, &Outcome::default()),
        map_css: asset_url("coverage.css"),
        coverage_js: asset_url("coverage.js"),
        orgs,
        day_choices,
        demand: coverage.demand,
        cells: coverage.cells,
        served_percent: format!("{:.1}", coverage.served_share * 100.0),
        rows,
        config: serde_json::to_string(&config).map_err(|e| ApiError::internal(&e))?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_built_in_code_is_translated() {
        let mut needed: Vec<String> = DONE_KEYS.iter().map(|k| format!("station_console.done_{k}")).collect();
        needed.extend(["wgs84", "gcj02", "bd09"].map(|d| format!("station_console.datum_{d}")));
        needed.extend(StationStatus::ALL.map(|s| format!("station_console.move_{}", s.as_str())));
        needed.extend(["station_console.system", "station_console.no_station", "station_console.last_days"].map(str::to_owned));
        for lang in Lang::ALL {
            let have = keys(lang);
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(&k.as_str())).collect();
            assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
        }
    }

    #[test]
    fn a_form_reads_back_into_the_apis_form() {
        let pairs = [
            ("name", "解放碑驿站"),
            ("kind", "union_station"),
            ("org_id", "2"),
            ("partner_org_id", "7"),
            ("partner_org_id", "9"),
            ("lat", "29.5576"),
            ("lng", "106.577"),
            ("datum", "gcj02"),
            ("amenity", "phone_charging"),
            ("amenity", "ev_chargers"),
            ("count_ev_chargers", "3"),
            ("count_car_parking", ""),
            ("six_have", "signage"),
            ("follows_working_calendar", "on"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .to_vec();
        let form = FormInput::from_pairs(pairs).to_station_form();
        assert_eq!(form.org_id, 2);
        assert_eq!(form.partner_org_ids, vec![7, 9]);
        assert_eq!(form.amenities, serde_json::json!({"phone_charging": true, "ev_chargers": 3}));
        assert_eq!(form.six_haves.unwrap()["signage"], true);
        assert!(form.follows_working_calendar);
        assert_eq!(form.location.datum.as_deref(), Some("gcj02"));
    }

    #[test]
    fn a_counted_amenity_ticked_without_a_count_is_refused_by_the_apis_rules() {
        let pairs = vec![("amenity".to_owned(), "car_parking".to_owned())];
        let form = FormInput::from_pairs(pairs).to_station_form();
        assert_eq!(form.amenities, serde_json::json!({"car_parking": true}));
        let error = form.validate().unwrap_err();
        assert!(error.fields.iter().any(|(f, c)| f == "amenities" && *c == "amenity_count_required"), "{error:?}");
    }
}
