//! One form for the whole station record: create and edit.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::{Amenity, SixHaves, StationKind, StationStatus};
use waystation_storage::Station;

use crate::http::csrf::CsrfToken;
use crate::http::error::{message, ApiError};
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{ConsoleContext, render, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;
use crate::stations::{PointInput, StationForm};

use super::context::{kind_label, orgs_for, shell, status_label, Choice, Outcome};

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
            six_haves: crate::stations::pages::six_items(&station.six_haves).into_iter().filter(|(_, met)| *met).map(|(k, _)| k.to_owned()).collect(),
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

pub(super) async fn new_page(ConsoleContext { state, lang, csrf, user }: ConsoleContext) -> Result<Response, ApiError> {
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

pub(super) async fn create_post(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
    ApiForm(pairs): ApiForm<Vec<(String, String)>>,
) -> Response {
    let input = FormInput::from_pairs(pairs);
    let form = input.to_station_form();
    let status = Some(input.status.as_str()).filter(|s| !s.is_empty());
    match crate::stations::create(&state, &user, &form, status).await {
        Ok(station) => Redirect::to(&format!("/console/stations/{}?done=created", station.id)).into_response(),
        Err(error) => form_refused(&state, lang, &csrf, &user, None, input, error).await,
    }
}

pub(super) async fn edit_page(ConsoleContext { state, lang, csrf, user }: ConsoleContext, ApiPath(id): ApiPath<i64>) -> Result<Response, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let input = FormInput::of(&station);
    Ok(render(form_page(&state, lang, &csrf, &user, Some(&station), input, FormErrors::default()).await?))
}

pub(super) async fn edit_post(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
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
    Ok(match crate::stations::update(&state, &user, id, &input.to_station_form()).await {
        Ok(_) => Redirect::to(&format!("/console/stations/{id}?done=saved")).into_response(),
        Err(error) => form_refused(&state, lang, &csrf, &user, Some(&station), input, error).await,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
