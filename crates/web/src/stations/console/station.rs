//! One station: its record, status changes with their reasons, the
//! histories, its managers.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::foundation::people::Role;
use waystation_domain::stations::StationStatus;
use waystation_storage::{GrantRecord, Station};

use crate::foundation::people;
use crate::http::error::ApiError;
use crate::http::extract::{ApiForm, ApiPath, ApiQuery};
use crate::http::i18n::Tr;
use crate::http::page::{ConsoleContext, refuse_or_back, render, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

use super::context::{hours_now, kind_label, shell, status_label, Choice, Outcome};

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
    photos: Vec<crate::stations::photos::PhotoCard>,
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
    let mut page = PageRequest { after: None, limit: waystation_domain::kit::pagination::MAX_LIMIT };
    loop {
        let fetched = state.store.grants_in_subtree(org, page).await?;
        found.extend(fetched.items.into_iter().filter(|g| g.role == Role::StationManager && g.org_id == org && g.revoked_at.is_none()));
        match fetched.next_cursor {
            Some(cursor) => page = PageRequest::parse(Some(&cursor), Some(page.limit))?,
            None => return Ok(found),
        }
    }
}

pub(super) async fn station_page(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
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
    let photos = crate::stations::photos::photo_cards(&state, &station).await?;
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
    at.with_timezone(&waystation_domain::kit::china_time::offset()).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Debug, Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn status_post(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<StatusForm>) -> Response {
    let outcome = crate::stations::change_status(&state, &user, id, &form.status, &form.reason).await;
    refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "status_changed"))
}

#[derive(Debug, Deserialize)]
pub(super) struct ManagerForm {
    #[serde(default)]
    phone: String,
    name: Option<String>,
}

pub(super) async fn grant_manager_post(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<ManagerForm>) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let outcome = people::grant_role(&state, &user, station.org_id, &form.phone, Role::StationManager.as_str(), form.name.as_deref()).await;
    Ok(refuse_or_back(&format!("/console/stations/{id}"), outcome.map(|_| "manager_granted")))
}

pub(super) async fn revoke_manager_post(State(state): State<AppState>, user: CurrentUser, ApiPath((id, grant)): ApiPath<(i64, i64)>) -> Result<Response, ApiError> {
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
