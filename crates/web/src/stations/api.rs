//! The stations API: nearest-open search, viewport boxes, listings, the
//! station record, and its management.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::geo::{navigation_links, Datum, LatLng, NavigationLinks};
use waystation_domain::stations::hours::HoursState;
use waystation_domain::stations::search::{Filter, GeoBox, Hit, NearestQuery};
use waystation_domain::stations::{AmenitySet, StationKind, StationStatus};
use waystation_domain::Invalid;
use waystation_storage::{Station, StationListFilter};

use super::coverage;
use super::search::StationSummary;
use super::search;
use super::{china_rfc3339, change_status, create, now_in_china, parse_time, update, FieldErrors, StationForm};
use crate::foundation::calendar;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

/// A point in the datum the caller asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PointView {
    pub lat: f64,
    pub lng: f64,
    #[schema(value_type = String, example = "wgs84")]
    pub datum: Datum,
}

impl PointView {
    fn of(location: LatLng, datum: Datum) -> Self {
        let p = location.from_wgs84(datum);
        Self { lat: p.lat(), lng: p.lng(), datum }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ManagerView {
    pub name: Option<String>,
    /// Masked (`138****1234`) except for staff of the station's organisation.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NavigationView {
    pub amap: String,
    pub baidu: String,
    pub tencent: String,
}

impl From<NavigationLinks> for NavigationView {
    fn from(links: NavigationLinks) -> Self {
        Self { amap: links.amap, baidu: links.baidu, tencent: links.tencent }
    }
}

/// A station as workers and staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationView {
    pub id: i64,
    /// National code: division code and sequence, e.g. `500103-00042`.
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "union_station")]
    pub kind: StationKind,
    pub org_id: OrgId,
    pub org_name: String,
    pub partner_org_ids: Vec<OrgId>,
    pub address: String,
    pub location: PointView,
    pub opening_hours: String,
    pub follows_working_calendar: bool,
    #[schema(value_type = Object)]
    pub amenities: serde_json::Value,
    pub manager: ManagerView,
    pub rules: String,
    #[schema(value_type = Object)]
    pub six_haves: serde_json::Value,
    pub six_haves_met: usize,
    #[schema(value_type = String, example = "open")]
    pub status: StationStatus,
    /// Open at the time asked (now, by default).
    pub open: bool,
    /// When that changes next (China time, with offset), if within a week.
    pub next_change: Option<String>,
    pub navigation: NavigationView,
    pub updated_at: DateTime<Utc>,
    /// The station's photos in display order: only in the single record (`GET /api/v1/stations/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<super::photos::PhotoView>>,
}

impl StationView {
    pub fn of(station: &Station, state: HoursState, datum: Datum, full_phone: bool) -> Self {
        Self {
            id: station.id,
            code: station.code.as_str().to_owned(),
            name: station.name.clone(),
            kind: station.kind,
            org_id: station.org_id,
            org_name: station.org_name.clone(),
            partner_org_ids: station.partner_org_ids.clone(),
            address: station.address.clone(),
            location: PointView::of(station.location, datum),
            opening_hours: station.hours.as_str().to_owned(),
            follows_working_calendar: station.follows_working_calendar,
            amenities: serde_json::to_value(&station.amenities).unwrap_or_default(),
            manager: ManagerView {
                name: station.manager_name.clone(),
                phone: station.manager_phone.as_ref().map(|p| if full_phone { p.as_str().to_owned() } else { p.masked() }),
            },
            rules: station.rules.clone(),
            six_haves: serde_json::to_value(station.six_haves).unwrap_or_default(),
            six_haves_met: station.six_haves.met(),
            status: station.status,
            open: state.open,
            next_change: state.next_change.map(china_rfc3339),
            navigation: navigation_links(station.location, &station.name).into(),
            updated_at: station.updated_at,
            photos: None,
        }
    }
}

/// A search result: what a list or a map marker shows, and how far it is.
/// The whole record (manager, rules, navigation links) is at `/api/v1/stations/{id}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationHit {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "union_station")]
    pub kind: StationKind,
    pub org_name: String,
    pub address: String,
    pub location: PointView,
    pub opening_hours: String,
    #[schema(value_type = Object)]
    pub amenities: serde_json::Value,
    #[schema(value_type = String, example = "open")]
    pub status: StationStatus,
    pub open: bool,
    pub next_change: Option<String>,
    pub distance_m: f64,
}

impl StationHit {
    /// The hit as serde writes it; `search_answer` must write the same.
    #[cfg(test)]
    fn of(station: &Station, hit: &Hit, datum: Datum) -> Self {
        Self {
            id: station.id,
            code: station.code.as_str().to_owned(),
            name: station.name.clone(),
            kind: station.kind,
            org_name: station.org_name.clone(),
            address: station.address.clone(),
            location: PointView::of(station.location, datum),
            opening_hours: station.hours.as_str().to_owned(),
            amenities: serde_json::to_value(&station.amenities).unwrap_or_default(),
            status: station.status,
            open: hit.state.open,
            next_change: hit.state.next_change.map(china_rfc3339),
            distance_m: rounded_distance(hit.distance_m),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResult {
    /// The time the open states refer to (China time).
    pub at: String,
    pub items: Vec<StationHit>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NearestQueryParams {
    pub lat: f64,
    pub lng: f64,
    /// `wgs84` (default), `gcj02` or `bd09`: for `lat`/`lng` and for the answer.
    pub datum: Option<String>,
    /// 1 to 100, default 10.
    pub limit: Option<usize>,
    /// Metres, at most 200 km.
    pub radius: Option<f64>,
    /// Evaluate opening hours at this time instead of now (RFC 3339, or China local time).
    pub open_at: Option<String>,
    /// Only stations open at that time.
    pub open: Option<bool>,
    /// Comma-separated amenities that must all be present, e.g. `phone_charging,ebike_charging`.
    pub amenity: Option<String>,
    /// Comma-separated kinds (any of).
    pub kind: Option<String>,
    /// Only stations of this organisation's subtree.
    pub org: Option<OrgId>,
}

/// Parses the filters shared by nearest and box searches.
async fn filter_of(
    state: &AppState,
    errors: &mut FieldErrors,
    amenity: Option<&str>,
    kind: Option<&str>,
    org: Option<OrgId>,
    open: Option<bool>,
) -> Result<Filter, ApiError> {
    let amenities = errors.check(AmenitySet::parse_list(amenity.unwrap_or("").split(','))).unwrap_or_default();
    let kinds = errors
        .check(kind.unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::parse::<StationKind>).collect())
        .unwrap_or_default();
    let within = match org {
        Some(id) => Some(state.store.get_org(id).await.map_err(|_| ApiError::from(Invalid::field("org", "org_not_found")))?.path),
        None => None,
    };
    Ok(Filter { amenities, kinds, within, open_only: open.unwrap_or(false), serving_only: false })
}

fn datum_of(errors: &mut FieldErrors, datum: Option<&str>) -> Datum {
    errors.check(datum.map(str::parse).transpose()).flatten().unwrap_or_default()
}

fn time_of(errors: &mut FieldErrors, open_at: Option<&str>) -> NaiveDateTime {
    errors.check(open_at.map(|t| parse_time(t, "open_at")).transpose()).flatten().unwrap_or_else(now_in_china)
}

/// The answer to a search: `SearchResult` as JSON, written from each
/// station's prepared summary (see `StationSummary`); only the datum's
/// location, the open state and the distance are formatted per request.
async fn hits_view(state: &AppState, hits: Vec<Hit>, datum: Datum, at: NaiveDateTime) -> Result<Response, ApiError> {
    let summaries = search::of(&state).summaries(&state.store, hits.iter().map(|h| h.id)).await?;
    let body = search_answer(&hits, &summaries, datum, at);
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Writes `SearchResult` by hand from prepared fragments; a test holds it
/// equal to serde's serialisation of `StationHit`.
fn search_answer(hits: &[Hit], summaries: &[std::sync::Arc<StationSummary>], datum: Datum, at: NaiveDateTime) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(64 + summaries.iter().map(|s| s.json_head().len() + s.json_tail().len() + 160).sum::<usize>());
    out.extend_from_slice(b"{\"at\":");
    put_json(&mut out, &china_rfc3339(at));
    out.extend_from_slice(b",\"items\":[");
    let mut first = true;
    for (hit, summary) in hits.iter().zip(summaries) {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(summary.json_head().as_bytes());
        out.extend_from_slice(b"\"location\":");
        put_json(&mut out, &PointView::of(summary.location, datum));
        out.push(b',');
        out.extend_from_slice(summary.json_tail().as_bytes());
        let _ = write!(out, "\"open\":{},\"next_change\":", hit.state.open);
        put_json(&mut out, &hit.state.next_change.map(china_rfc3339));
        out.extend_from_slice(b",\"distance_m\":");
        put_json(&mut out, &rounded_distance(hit.distance_m));
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

/// Appends a value's JSON (writing into a Vec cannot fail).
fn put_json(out: &mut Vec<u8>, value: &impl Serialize) {
    let _ = serde_json::to_writer(out, value);
}

fn rounded_distance(metres: f64) -> f64 {
    (metres * 10.0).round() / 10.0
}

/// The nearest stations to a point, nearest first (great-circle distance), with
/// whether each is open at the time asked and when that changes.
#[utoipa::path(get, path = "/api/v1/stations/nearest", tag = "stations", params(NearestQueryParams),
    responses((status = 200, body = SearchResult), (status = 422, body = ErrorBody)))]
pub async fn api_nearest(State(state): State<AppState>, ApiQuery(q): ApiQuery<NearestQueryParams>) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    let datum = datum_of(&mut errors, q.datum.as_deref());
    let origin = errors.check(LatLng::new(q.lat, q.lng)).map(|p| p.to_wgs84(datum));
    let limit = q.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        errors.check::<()>(Err(Invalid::field("limit", "invalid_limit")));
    }
    if q.radius.is_some_and(|r| !(r > 0.0 && r <= 200_000.0)) {
        errors.check::<()>(Err(Invalid::field("radius", "invalid_radius")));
    }
    let at = time_of(&mut errors, q.open_at.as_deref());
    let filter = filter_of(&state, &mut errors, q.amenity.as_deref(), q.kind.as_deref(), q.org, q.open).await?;
    errors.into_result()?;
    let query = NearestQuery { origin: origin.expect("checked"), limit, radius_m: q.radius, at, filter };
    coverage::demand(&state).record_search(query.origin);
    let hits = search::of(&state).read().nearest(&query, calendar::current(&state));
    hits_view(&state, hits, datum, at).await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BoxQueryParams {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
    /// The datum of the corners and of the answer.
    pub datum: Option<String>,
    /// 1 to 500, default 200; the stations nearest the box's centre come first.
    pub limit: Option<usize>,
    pub open_at: Option<String>,
    pub open: Option<bool>,
    pub amenity: Option<String>,
    pub kind: Option<String>,
    pub org: Option<OrgId>,
}

/// Stations inside a map viewport (`west > east` crosses the 180° meridian).
#[utoipa::path(get, path = "/api/v1/stations/box", tag = "stations", params(BoxQueryParams),
    responses((status = 200, body = SearchResult), (status = 422, body = ErrorBody)))]
pub async fn api_box(State(state): State<AppState>, ApiQuery(q): ApiQuery<BoxQueryParams>) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    let datum = datum_of(&mut errors, q.datum.as_deref());
    let south_west = errors.check(LatLng::new(q.south, q.west)).map(|p| p.to_wgs84(datum));
    let north_east = errors.check(LatLng::new(q.north, q.east)).map(|p| p.to_wgs84(datum));
    if q.south > q.north {
        errors.check::<()>(Err(Invalid::field("south", "invalid_box")));
    }
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        errors.check::<()>(Err(Invalid::field("limit", "invalid_limit")));
    }
    let at = time_of(&mut errors, q.open_at.as_deref());
    let filter = filter_of(&state, &mut errors, q.amenity.as_deref(), q.kind.as_deref(), q.org, q.open).await?;
    errors.into_result()?;
    let (sw, ne) = (south_west.expect("checked"), north_east.expect("checked"));
    let area = GeoBox { south: sw.lat(), west: sw.lng(), north: ne.lat(), east: ne.lng() };
    let hits = search::of(&state).read().within_box(area, &filter, at, limit, calendar::current(&state));
    hits_view(&state, hits, datum, at).await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StationListParams {
    /// Part of the name, address or code.
    pub q: Option<String>,
    pub org: Option<OrgId>,
    /// `planned`, `open`, `suspended`, `retired`. Planned and retired stations
    /// are listed for staff of their organisation only.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub datum: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationPage {
    pub items: Vec<StationView>,
    pub next_cursor: Option<String>,
}

/// Stations by text, organisation, status and kind.
#[utoipa::path(get, path = "/api/v1/stations", tag = "stations", params(StationListParams),
    responses((status = 200, body = StationPage), (status = 422, body = ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiQuery(q): ApiQuery<StationListParams>) -> Result<axum::Json<StationPage>, ApiError> {
    let mut errors = FieldErrors::default();
    let datum = datum_of(&mut errors, q.datum.as_deref());
    let status = errors.check(q.status.as_deref().map(str::parse::<StationStatus>).transpose()).flatten();
    let kind = errors.check(q.kind.as_deref().map(str::parse::<StationKind>).transpose()).flatten();
    let page = errors.check(waystation_domain::kit::pagination::PageRequest::parse(q.cursor.as_deref(), q.limit));
    errors.into_result()?;
    if status.is_some_and(|s| !s.is_listed()) {
        // Unlisted stations are for the staff of the organisation asked about.
        let Some(org) = q.org else { return Err(ApiError::forbidden()) };
        let root = state.store.get_org(org).await?;
        user.as_ref().ok_or_else(ApiError::unauthenticated)?.require(Action::ViewStationRecords, &root.path)?;
    }
    let filter = StationListFilter { within: q.org, status, kind, text: q.q.clone() };
    let page = state.store.list_stations(&filter, page.expect("checked")).await?;
    let at = now_in_china();
    let index = search::of(&state).read();
    let items = page
        .items
        .iter()
        .filter(|s| s.status.is_listed() || status.is_some())
        .map(|s| {
            let hours = index.state_of(s.id, at, calendar::current(&state)).unwrap_or(HoursState { open: false, next_change: None });
            StationView::of(s, hours, datum, false)
        })
        .collect();
    Ok(axum::Json(StationPage { items, next_cursor: page.next_cursor }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StationGetParams {
    pub datum: Option<String>,
    pub open_at: Option<String>,
}

/// One station. Planned and retired stations are shown to staff of their organisation only.
#[utoipa::path(get, path = "/api/v1/stations/{id}", tag = "stations", params(("id" = i64, Path), StationGetParams),
    responses((status = 200, body = StationView), (status = 404, body = ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<StationGetParams>,
) -> Result<axum::Json<StationView>, ApiError> {
    let mut errors = FieldErrors::default();
    let datum = datum_of(&mut errors, q.datum.as_deref());
    let at = time_of(&mut errors, q.open_at.as_deref());
    errors.into_result()?;
    let station = state.store.get_station(id).await?;
    let staff = user.as_ref().is_some_and(|u| u.require(Action::ViewStationRecords, &station.org_path).is_ok());
    if !station.status.is_listed() && !staff {
        return Err(ApiError::not_found("station_not_found"));
    }
    let hours = station_state(&state, &station, at);
    let mut view = StationView::of(&station, hours, datum, staff);
    view.photos = Some(super::photos::photo_views(&state, station.id).await?);
    Ok(axum::Json(view))
}

pub fn station_state(state: &AppState, station: &Station, at: NaiveDateTime) -> HoursState {
    if !station.status.is_serving() {
        return HoursState { open: false, next_change: None };
    }
    station.hours.state_at(at, calendar::current(&state), station.follows_working_calendar)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStation {
    #[serde(flatten)]
    pub station: StationForm,
    /// `planned` or `open` (default).
    pub status: Option<String>,
}

/// Create a station in an organisation the caller administers.
#[utoipa::path(post, path = "/api/v1/stations", tag = "stations", request_body = NewStation,
    responses((status = 201, body = StationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_create(State(state): State<AppState>, user: CurrentUser, ApiJson(body): ApiJson<NewStation>) -> Result<Response, ApiError> {
    let station = create(&state, &user, &body.station, body.status.as_deref()).await?;
    let view = StationView::of(&station, station_state(&state, &station, now_in_china()), Datum::Wgs84, true);
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

/// Replace a station's record (its manager, or an admin of its organisation).
#[utoipa::path(put, path = "/api/v1/stations/{id}", tag = "stations", params(("id" = i64, Path)), request_body = StationForm,
    responses((status = 200, body = StationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_update(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<StationForm>) -> Result<axum::Json<StationView>, ApiError> {
    let station = update(&state, &user, id, &form).await?;
    Ok(axum::Json(StationView::of(&station, station_state(&state, &station, now_in_china()), Datum::Wgs84, true)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    /// `open`, `suspended` or `retired`.
    pub status: String,
    pub reason: String,
}

/// Open, suspend, reopen or retire a station, with a reason.
#[utoipa::path(post, path = "/api/v1/stations/{id}/status", tag = "stations", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = StationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_status(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(body): ApiJson<StatusRequest>) -> Result<axum::Json<StationView>, ApiError> {
    let station = change_status(&state, &user, id, &body.status, &body.reason).await?;
    Ok(axum::Json(StationView::of(&station, station_state(&state, &station, now_in_china()), Datum::Wgs84, true)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusEntry {
    #[schema(value_type = Option<String>)]
    pub from: Option<StationStatus>,
    #[schema(value_type = String)]
    pub to: StationStatus,
    pub reason: String,
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationEntry {
    pub location: PointView,
    pub address: String,
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationHistory {
    pub status: Vec<StatusEntry>,
    pub locations: Vec<LocationEntry>,
}

/// A station's status and location history (staff of its organisation).
#[utoipa::path(get, path = "/api/v1/stations/{id}/history", tag = "stations", params(("id" = i64, Path)),
    responses((status = 200, body = StationHistory), (status = 403, body = ErrorBody)))]
pub async fn api_history(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<StationHistory>, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let status = state.store.station_status_history(id).await?;
    let locations = state.store.station_location_history(id).await?;
    Ok(axum::Json(StationHistory {
        status: status.into_iter().map(|r| StatusEntry { from: r.from, to: r.to, reason: r.reason, actor_id: r.actor_id, at: r.at }).collect(),
        locations: locations
            .into_iter()
            .map(|r| LocationEntry { location: PointView::of(r.location, Datum::Wgs84), address: r.address, actor_id: r.actor_id, at: r.at })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDate;
    use waystation_domain::foundation::organisations::OrgPath;
    use waystation_domain::stations::hours::OpeningHours;
    use waystation_domain::stations::{Amenities, Amenity, SixHaves, StationCode};

    use super::*;

    fn station(id: i64, name: &str, address: &str) -> Station {
        let mut amenities = Amenities::default();
        amenities.insert(Amenity::PhoneCharging, None).unwrap();
        amenities.insert(Amenity::EvChargers, Some(4)).unwrap();
        Station {
            id,
            code: StationCode::new("500103", 7).unwrap(),
            name: name.into(),
            kind: StationKind::UnionStation,
            org_id: 3,
            org_path: OrgPath::root(1).child(3),
            org_name: "渝中区总工会".into(),
            partner_org_ids: Vec::new(),
            address: address.into(),
            location: LatLng::new(29.5563, 106.5775).unwrap(),
            hours: OpeningHours::parse("Mo-Fr 08:00-18:00; PH off").unwrap(),
            follows_working_calendar: false,
            amenities,
            manager_name: Some("刘洋".into()),
            manager_phone: None,
            rules: "请保持安静".into(),
            six_haves: SixHaves::default(),
            status: StationStatus::Open,
            external_id: None,
            change_seq: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    /// The hand-written search answer is byte for byte what serde would write
    /// for `SearchResult`, for every datum, with and without a next change,
    /// with text that needs escaping.
    #[test]
    fn the_prepared_search_answer_equals_the_documented_shape() {
        let at = NaiveDate::from_ymd_opt(2025, 6, 10).unwrap().and_hms_opt(21, 40, 0).unwrap();
        let stations = [station(1, "解放碑\"户外劳动者\"驿站", "民族路 1号\\后门\n"), station(2, "Plain", "")];
        let summaries: Vec<Arc<StationSummary>> = stations.iter().map(|s| Arc::new(StationSummary::of(s))).collect();
        let hits = [
            Hit { id: 1, distance_m: 1234.5678, state: HoursState { open: true, next_change: Some(at + chrono::TimeDelta::minutes(20)) } },
            Hit { id: 2, distance_m: 0.04, state: HoursState { open: false, next_change: None } },
        ];
        for datum in [Datum::Wgs84, Datum::Gcj02, Datum::Bd09] {
            for n in 0..=hits.len() {
                let written = search_answer(&hits[..n], &summaries[..n], datum, at);
                let expected = SearchResult {
                    at: china_rfc3339(at),
                    items: hits[..n].iter().zip(&stations).map(|(h, s)| StationHit::of(s, h, datum)).collect(),
                };
                assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&expected).unwrap(), "datum {datum:?}, {n} hits");
            }
        }
    }
}
