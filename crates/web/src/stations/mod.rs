//! Stations: finding the nearest open one, the station record, and its
//! management by station managers and organisation admins.
//!
//! Here live the items every station module shares: the station form and its
//! validation, China-time helpers, and the services that write a station
//! (`create`, `update`, `change_status`), which the API, the console and the
//! import all call. [`plug`] is what the crate root plugs in: routes, API,
//! upload limits, console entry, state parts, background tasks.
//!
//! **Architecture invariant:** this file names no station module except the
//! index it updates ([`search`]), since they all use its items; the kit
//! (`crate::http`) names no station module at all. Stations use the
//! foundation (people, organisations, the calendar), never the reverse.

pub mod api;
pub mod console;
pub mod coverage;
pub mod indices;
pub mod pages;
pub mod places;
pub mod photos;
pub mod plug;
pub mod qr_print;
pub mod search;
pub mod tiles;
pub mod transfer;
pub mod using;
pub mod using_pages;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::china_time;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::geo::{Datum, LatLng};
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::draft::{
    check_address, check_external_id, check_manager_name, check_manager_phone, check_name, check_rules,
};
use waystation_domain::stations::{Amenities, SixHaves, StationDraft, StationKind, StationStatus, StatusChange};
use waystation_domain::Invalid;
use waystation_storage::Station;

use crate::http::error::ApiError;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn now_in_china() -> NaiveDateTime {
    Utc::now().with_timezone(&china_time::offset()).naive_local()
}

/// A time given as RFC 3339 (any offset) or as a local China time without one.
pub fn parse_time(input: &str, field: &'static str) -> Result<NaiveDateTime, Invalid> {
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(input) {
        return Ok(with_offset.with_timezone(&china_time::offset()).naive_local());
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(with_offset) = DateTime::parse_from_str(input, format) {
            return Ok(with_offset.with_timezone(&china_time::offset()).naive_local());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(input, format) {
            return Ok(local);
        }
    }
    Err(Invalid::field(field, "invalid_time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_with_or_without_an_offset() {
        let expected = NaiveDateTime::parse_from_str("2025-10-01 10:00", "%Y-%m-%d %H:%M").unwrap();
        for input in ["2025-10-01T10:00:00+08:00", "2025-10-01T10:00+08:00", "2025-10-01T02:00:00Z", "2025-10-01T10:00", "2025-10-01 10:00"] {
            assert_eq!(parse_time(input, "open_at"), Ok(expected), "{input}");
        }
        assert_eq!(parse_time("tomorrow", "open_at").unwrap_err().code, "invalid_time");
        assert_eq!(china_rfc3339(expected), "2025-10-01T10:00:00+08:00");
    }
}

/// Renders a China local time with its offset, e.g. `2025-10-01T22:00:00+08:00`.
pub fn china_rfc3339(local: NaiveDateTime) -> String {
    local.and_local_timezone(china_time::offset()).single().map(|t| t.to_rfc3339()).unwrap_or_default()
}

/// A point as a client sends it, in the datum it names.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PointInput {
    pub lat: f64,
    pub lng: f64,
    /// `wgs84` (default), `gcj02` (AMap, Tencent) or `bd09` (Baidu).
    #[serde(default)]
    pub datum: Option<String>,
}

impl PointInput {
    pub fn to_wgs84(&self) -> Result<LatLng, Invalid> {
        let datum: Datum = self.datum.as_deref().map(str::parse).transpose()?.unwrap_or_default();
        Ok(LatLng::new(self.lat, self.lng)?.to_wgs84(datum))
    }
}

/// The editable record of a station, as sent to create or update one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StationForm {
    pub name: String,
    /// `union_station`, `rider_station`, `drivers_home`, `partner_shop`,
    /// `mass_organisation_venue`, `mobile_booth`.
    pub kind: String,
    /// The owning organisation.
    pub org_id: OrgId,
    /// Co-building organisations.
    #[serde(default)]
    pub partner_org_ids: Vec<OrgId>,
    pub address: String,
    pub location: PointInput,
    /// OpenStreetMap `opening_hours`, e.g. `Mo-Su 07:00-22:00; PH off`.
    pub opening_hours: String,
    /// Adjusted working days (调休) count as working weekdays for this station.
    #[serde(default)]
    pub follows_working_calendar: bool,
    /// `{"phone_charging": true, "ev_chargers": 3}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub amenities: serde_json::Value,
    pub manager_name: Option<String>,
    pub manager_phone: Option<String>,
    #[serde(default)]
    pub rules: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub six_haves: Option<serde_json::Value>,
    /// The identifier in the union's own list, for re-imports.
    pub external_id: Option<String>,
}

/// Collects every field error of a form before answering, so a person fixes all at once.
#[derive(Default)]
pub struct FieldErrors(Vec<Invalid>);

impl FieldErrors {
    pub fn check<T>(&mut self, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.0.push(invalid);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.into_iter().next().expect("one").into()),
            _ => {
                let mut error = ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
                for invalid in self.0 {
                    error = error.with_field(invalid.field.unwrap_or("body"), invalid.code);
                }
                Err(error)
            }
        }
    }
}

impl StationForm {
    /// Validates every field; all problems are reported together.
    pub fn validate(&self) -> Result<StationDraft, ApiError> {
        let mut errors = FieldErrors::default();
        let name = errors.check(check_name(&self.name));
        let kind = errors.check(self.kind.parse::<StationKind>());
        let address = errors.check(check_address(&self.address));
        let location = errors.check(self.location.to_wgs84().map_err(|e| Invalid { field: Some("location"), ..e }));
        let hours = errors.check(OpeningHours::parse(&self.opening_hours).map_err(|e| Invalid::from(&e)));
        let amenities = errors.check(if self.amenities.is_null() {
            Ok(Amenities::default())
        } else {
            serde_json::from_value::<Amenities>(self.amenities.clone()).map_err(|e| amenity_error(&e.to_string()))
        });
        let manager_name = errors.check(check_manager_name(self.manager_name.as_deref()));
        let manager_phone = errors.check(check_manager_phone(self.manager_phone.as_deref()));
        let rules = errors.check(check_rules(&self.rules));
        let six_haves = errors.check(match &self.six_haves {
            Some(value) => serde_json::from_value::<SixHaves>(value.clone()).map_err(|_| Invalid::field("six_haves", "invalid_value")),
            None => Ok(SixHaves::default()),
        });
        let external_id = errors.check(check_external_id(self.external_id.as_deref()));
        errors.into_result()?;
        Ok(StationDraft {
            name: name.expect("checked"),
            kind: kind.expect("checked"),
            org_id: self.org_id,
            partner_org_ids: self.partner_org_ids.clone(),
            address: address.expect("checked"),
            location: location.expect("checked"),
            hours: hours.expect("checked"),
            follows_working_calendar: self.follows_working_calendar,
            amenities: amenities.expect("checked"),
            manager_name: manager_name.expect("checked"),
            manager_phone: manager_phone.expect("checked"),
            rules: rules.expect("checked"),
            six_haves: six_haves.expect("checked"),
            external_id: external_id.expect("checked"),
        })
    }
}

/// serde wraps our `Invalid` in its message; recover the code.
fn amenity_error(message: &str) -> Invalid {
    for code in ["unknown_amenity", "amenity_count_required", "amenity_not_counted"] {
        if message.contains(code) {
            return Invalid::field("amenities", code);
        }
    }
    Invalid::field("amenities", "invalid_amenities")
}

// ---- services ----

/// Creates a station in an organisation the caller manages.
pub async fn create(state: &AppState, user: &CurrentUser, form: &StationForm, status: Option<&str>) -> Result<Station, ApiError> {
    let owner = state.store.get_org(form.org_id).await.map_err(|_| {
        ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "org_not_found").with_field("org_id", "org_not_found")
    })?;
    user.require(Action::ManageStations, &owner.path)?;
    let input = form.validate()?;
    let status = match status {
        Some(s) => s.parse::<StationStatus>()?,
        None => StationStatus::Open,
    };
    if status == StationStatus::Retired {
        return Err(Invalid::field("status", "status_transition_not_allowed").into());
    }
    let station = state.store.create_station(Some(user.user.id), input, status, "created").await?;
    search::of(&state).apply(&station);
    Ok(station)
}

/// Replaces a station's record; its manager or an admin of its organisation may.
/// Moving it to another owner needs the right to manage stations there too.
pub async fn update(state: &AppState, user: &CurrentUser, id: i64, form: &StationForm) -> Result<Station, ApiError> {
    let before = state.store.get_station(id).await?;
    user.require(Action::EditStation, &before.org_path)?;
    if form.org_id != before.org_id {
        let owner = state.store.get_org(form.org_id).await.map_err(|_| {
            ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "org_not_found").with_field("org_id", "org_not_found")
        })?;
        user.require(Action::ManageStations, &owner.path)?;
        user.require(Action::ManageStations, &before.org_path)?;
    }
    let input = form.validate()?;
    let station = state.store.update_station(Some(user.user.id), id, input).await?;
    search::of(&state).apply(&station);
    Ok(station)
}

/// Opens, suspends or reopens a station (its manager may), or retires it (admins only).
pub async fn change_status(state: &AppState, user: &CurrentUser, id: i64, to: &str, reason: &str) -> Result<Station, ApiError> {
    let before = state.store.get_station(id).await?;
    let to: StationStatus = to.parse()?;
    let action = if to == StationStatus::Retired { Action::ManageStations } else { Action::EditStation };
    user.require(action, &before.org_path)?;
    let change = StatusChange::new(before.status, to, reason)?;
    let station = state.store.change_station_status(Some(user.user.id), id, change).await?;
    search::of(&state).apply(&station);
    Ok(station)
}
