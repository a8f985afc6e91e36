//! Using a station (SPEC 3.1): booking its rooms and venues, checking in by
//! its QR code (the "person-times served"), reviewing it, and sending feedback
//! that its manager answers. The API, and the one printable page: the QR poster.
//!
//! Who may do what: any signed-in person books, checks in, reviews and sends
//! feedback at a listed station; the station's staff (`EditStation`) manage its
//! rooms, decide bookings and answer feedback; organisation admins
//! (`ManageStations`) moderate reviews.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::stations::reservation::{
    checked_text, check_people, to_unix, Decider, ReservationChange, ReservationStatus, ResourceInput, Slot,
};
use waystation_domain::stations::review::{
    average_stars, feedback_text, masked_name, moderation_reason, ReviewInput, Stars, REVIEW_MAX_CHARS,
};
use waystation_domain::Invalid;
use waystation_storage::{Feedback, NewReservation, Reservation, Resource, Review, Station};

use super::{china_rfc3339, now_in_china, parse_time, FieldErrors};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::i18n::{Lang, Tr};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

/// The station, if the caller may see it: listed ones for everyone, planned
/// and retired ones for staff of its organisation (the station API's rule).
pub(crate) async fn visible_station(state: &AppState, id: i64, user: Option<&CurrentUser>) -> Result<Station, ApiError> {
    let station = state.store.get_station(id).await?;
    let staff = user.is_some_and(|u| u.require(Action::ViewStationRecords, &station.org_path).is_ok());
    if station.status.is_listed() || staff {
        Ok(station)
    } else {
        Err(ApiError::not_found("station_not_found"))
    }
}

/// Workers use listed stations only.
pub(crate) async fn listed_station(state: &AppState, id: i64) -> Result<Station, ApiError> {
    let station = state.store.get_station(id).await?;
    if station.status.is_listed() {
        Ok(station)
    } else {
        Err(ApiError::not_found("station_not_found"))
    }
}

fn page_of(cursor: Option<&str>, limit: Option<u32>) -> Result<PageRequest, ApiError> {
    Ok(PageRequest::parse(cursor, limit)?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Required when staff decline or cancel, or a moderator hides a review.
    #[serde(default)]
    pub reason: Option<String>,
}

// ---- resources ----

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResourceForm {
    /// Up to 60 characters, e.g. `职工活动室`.
    pub name: String,
    /// People it holds, 1 to 1000.
    pub capacity: i64,
    /// Up to 500 characters.
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceView {
    pub id: i64,
    pub station_id: i64,
    pub name: String,
    pub capacity: u32,
    pub description: String,
    /// Retired rooms take no new bookings.
    pub retired: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<Resource> for ResourceView {
    fn from(r: Resource) -> Self {
        Self {
            id: r.id,
            station_id: r.station_id,
            name: r.name,
            capacity: r.capacity,
            description: r.description,
            retired: r.retired_at.is_some(),
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceList {
    pub items: Vec<ResourceView>,
}

/// The rooms and venues of a station that workers can book (its staff also see retired ones).
#[utoipa::path(get, path = "/api/v1/stations/{id}/resources", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, body = ResourceList), (status = 404, body = ErrorBody)))]
pub async fn api_resources(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<ResourceList>, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    let staff = user.as_ref().is_some_and(|u| u.require(Action::EditStation, &station.org_path).is_ok());
    let items = state.store.list_resources(id, staff).await?;
    Ok(axum::Json(ResourceList { items: items.into_iter().map(Into::into).collect() }))
}

/// Add a bookable room or venue (the station's manager, or an admin of its organisation).
#[utoipa::path(post, path = "/api/v1/stations/{id}/resources", tag = "station use", params(("id" = i64, Path)), request_body = ResourceForm,
    responses((status = 201, body = ResourceView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_create_resource(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<ResourceForm>) -> Result<Response, ApiError> {
    let resource = create_resource(&state, &user, id, &form).await?;
    Ok((StatusCode::CREATED, axum::Json(ResourceView::from(resource))).into_response())
}

/// Adds a room or venue to a station (its staff).
pub async fn create_resource(state: &AppState, user: &CurrentUser, station_id: i64, form: &ResourceForm) -> Result<Resource, ApiError> {
    let station = state.store.get_station(station_id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let input = ResourceInput::new(&form.name, form.capacity, form.description.as_deref())?;
    Ok(state.store.create_resource(Some(user.user.id), station_id, input).await?)
}

/// Edits a room or venue (its station's staff).
pub async fn update_resource(state: &AppState, user: &CurrentUser, id: i64, form: &ResourceForm) -> Result<Resource, ApiError> {
    let resource = state.store.get_resource(id).await?;
    user.require(Action::EditStation, &resource.org_path)?;
    let input = ResourceInput::new(&form.name, form.capacity, form.description.as_deref())?;
    Ok(state.store.update_resource(Some(user.user.id), id, input).await?)
}

/// Retires a room or venue (its station's staff).
pub async fn retire_resource(state: &AppState, user: &CurrentUser, id: i64) -> Result<Resource, ApiError> {
    let resource = state.store.get_resource(id).await?;
    user.require(Action::EditStation, &resource.org_path)?;
    Ok(state.store.retire_resource(Some(user.user.id), id).await?)
}

/// Edit a room or venue (bookings already made keep their number of people).
#[utoipa::path(put, path = "/api/v1/resources/{id}", tag = "station use", params(("id" = i64, Path)), request_body = ResourceForm,
    responses((status = 200, body = ResourceView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_update_resource(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<ResourceForm>) -> Result<axum::Json<ResourceView>, ApiError> {
    Ok(axum::Json(update_resource(&state, &user, id, &form).await?.into()))
}

/// Retire a room or venue: no new bookings; those made stay.
#[utoipa::path(post, path = "/api/v1/resources/{id}/retire", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, body = ResourceView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_retire_resource(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<ResourceView>, ApiError> {
    Ok(axum::Json(retire_resource(&state, &user, id).await?.into()))
}

// ---- reservations ----

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReservationForm {
    /// China time, whole half hours, e.g. `2025-06-11T14:00` or `2025-06-11T14:00+08:00`.
    pub start: String,
    pub end: String,
    /// How many people come (at most the room's capacity).
    pub people: i64,
    /// Up to 500 characters: what for.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookerView {
    pub user_id: i64,
    pub name: Option<String>,
    /// Masked; staff reveal it through the audited endpoint.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReservationView {
    pub id: i64,
    pub resource_id: i64,
    pub resource_name: String,
    pub station_id: i64,
    /// China time with offset.
    pub start: String,
    pub end: String,
    pub people: u32,
    pub note: String,
    #[schema(value_type = String, example = "requested")]
    pub status: ReservationStatus,
    pub reason: Option<String>,
    pub booker: BookerView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Reservation> for ReservationView {
    fn from(r: Reservation) -> Self {
        Self {
            id: r.id,
            resource_id: r.resource_id,
            resource_name: r.resource_name,
            station_id: r.station_id,
            start: china_rfc3339(r.slot.start()),
            end: china_rfc3339(r.slot.end()),
            people: r.people,
            note: r.note,
            status: r.status,
            reason: r.reason,
            booker: BookerView { user_id: r.user_id, name: r.user_name.map(|n| n.as_str().to_owned()), phone: r.user_phone.masked() },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReservationPage {
    pub items: Vec<ReservationView>,
    pub next_cursor: Option<String>,
}

/// Ask to book a room: whole 30-minute slots, China time, within the next 60
/// days, at most 8 hours, for at most its capacity. A slot that overlaps a
/// booking requested or confirmed already is refused with 409 `slot_taken`.
#[utoipa::path(post, path = "/api/v1/resources/{id}/reservations", tag = "station use", params(("id" = i64, Path)), request_body = ReservationForm,
    responses((status = 201, body = ReservationView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_request_reservation(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<ReservationForm>) -> Result<Response, ApiError> {
    let resource = state.store.get_resource(id).await?;
    let reservation = request_reservation(&state, &user, &resource, &form).await?;
    Ok((StatusCode::CREATED, axum::Json(ReservationView::from(reservation))).into_response())
}

/// Books a slot of a room for the signed-in worker, after checking every rule
/// (every field's error at once); an overlapping booking is `slot_taken`.
pub async fn request_reservation(state: &AppState, user: &CurrentUser, resource: &Resource, form: &ReservationForm) -> Result<Reservation, ApiError> {
    per_person_limit(state, user, waystation_domain::kit::rate_limit::BOOKINGS_PER_PERSON).await?;
    listed_station(state, resource.station_id).await?;
    if resource.retired_at.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "resource_retired").with_field("resource_id", "resource_retired"));
    }
    let mut errors = FieldErrors::default();
    let start = errors.check(parse_time(form.start.trim(), "start"));
    let end = errors.check(parse_time(form.end.trim(), "end"));
    let slot = match (start, end) {
        (Some(start), Some(end)) => errors.check(Slot::new(start, end, now_in_china())),
        _ => None,
    };
    errors.check(check_people(form.people, resource.capacity));
    let note = errors.check(checked_text(&form.note, "note", 500, false));
    errors.into_result()?;
    let new = NewReservation { resource_id: resource.id, slot: slot.expect("checked"), people: form.people, note: note.expect("checked") };
    Ok(state.store.request_reservation(user.user.id, new).await?)
}

/// One's own bookings, newest first.
#[utoipa::path(get, path = "/api/v1/me/reservations", tag = "station use", params(PageParams),
    responses((status = 200, body = ReservationPage), (status = 401, body = ErrorBody)))]
pub async fn api_my_reservations(State(state): State<AppState>, user: CurrentUser, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<ReservationPage>, ApiError> {
    let page = page_of(q.cursor.as_deref(), q.limit)?;
    let page = state.store.reservations_of_user(user.user.id, page).await?;
    Ok(axum::Json(ReservationPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayParams {
    /// A China day, `YYYY-MM-DD`; today by default.
    pub day: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationDay {
    pub day: String,
    pub items: Vec<ReservationView>,
}

/// A station's bookings on one day, by start (its staff).
#[utoipa::path(get, path = "/api/v1/stations/{id}/reservations", tag = "station use", params(("id" = i64, Path), DayParams),
    responses((status = 200, body = StationDay), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_station_reservations(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<DayParams>) -> Result<axum::Json<StationDay>, ApiError> {
    let station = state.store.get_station(id).await?;
    let day = parse_day(q.day.as_deref())?;
    let items = bookings_of_station(&state, &user, &station, day, 1).await?;
    Ok(axum::Json(StationDay { day: day.format("%Y-%m-%d").to_string(), items: items.into_iter().map(Into::into).collect() }))
}

/// A China day as `YYYY-MM-DD`; today when absent or blank.
pub fn parse_day(day: Option<&str>) -> Result<NaiveDate, Invalid> {
    match day.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| Invalid::field("day", "invalid_date")),
        None => Ok(now_in_china().date()),
    }
}

/// The bookings of a station overlapping `days` China days from `first`, by
/// start, with their bookers (the station's staff).
pub async fn bookings_of_station(state: &AppState, user: &CurrentUser, station: &Station, first: NaiveDate, days: i64) -> Result<Vec<Reservation>, ApiError> {
    user.require(Action::ViewStationRecords, &station.org_path)?;
    let from = first.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(state.store.reservations_of_station(station.id, to_unix(from), to_unix(from + TimeDelta::days(days))).await?)
}

/// The slots of a room held on a China day (requested or confirmed
/// bookings): only times, for anyone choosing a slot.
pub async fn held_slots(state: &AppState, resource: &Resource, day: NaiveDate) -> Result<Vec<Slot>, ApiError> {
    let from = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let all = state.store.reservations_of_station(resource.station_id, to_unix(from), to_unix(from + TimeDelta::days(1))).await?;
    Ok(all.into_iter().filter(|r| r.resource_id == resource.id && r.status.holds_slot()).map(|r| r.slot).collect())
}

/// Moves a booking on: its booker cancels it; the station's staff confirm,
/// decline or cancel it (with a reason for the last two).
pub async fn decide(state: &AppState, user: &CurrentUser, id: i64, to: ReservationStatus, reason: Option<&str>) -> Result<Reservation, ApiError> {
    let reservation = state.store.get_reservation(id).await?;
    let by = if to == ReservationStatus::Cancelled && reservation.user_id == user.user.id {
        Decider::Booker
    } else {
        user.require(Action::EditStation, &reservation.org_path)?;
        Decider::Staff
    };
    let change = ReservationChange::new(to, by, reason)?;
    Ok(state.store.change_reservation(user.user.id, id, change).await?)
}

/// Confirm a requested booking (the station's staff).
#[utoipa::path(post, path = "/api/v1/reservations/{id}/confirm", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, body = ReservationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_confirm_reservation(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<ReservationView>, ApiError> {
    Ok(axum::Json(decide(&state, &user, id, ReservationStatus::Confirmed, None).await?.into()))
}

/// Decline a requested booking, with a reason (the station's staff).
#[utoipa::path(post, path = "/api/v1/reservations/{id}/decline", tag = "station use", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = ReservationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_decline_reservation(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(body): ApiJson<ReasonBody>) -> Result<axum::Json<ReservationView>, ApiError> {
    Ok(axum::Json(decide(&state, &user, id, ReservationStatus::Declined, body.reason.as_deref()).await?.into()))
}

/// Cancel a requested or confirmed booking: its booker (send `{}`), or the
/// station's staff with a reason.
#[utoipa::path(post, path = "/api/v1/reservations/{id}/cancel", tag = "station use", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = ReservationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_cancel_reservation(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(body): ApiJson<ReasonBody>) -> Result<axum::Json<ReservationView>, ApiError> {
    Ok(axum::Json(decide(&state, &user, id, ReservationStatus::Cancelled, body.reason.as_deref()).await?.into()))
}

// ---- visits: the QR code, check-in, counts ----

/// `scheme://host` of the request, as the phone that scans the code will reach
/// it: the Host header, and `X-Forwarded-Proto` behind a proxy.
pub(super) fn public_origin(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::trim).unwrap_or("");
    let host_ok = !host.is_empty()
        && host.len() <= 255
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_host"));
    }
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let scheme = match forwarded.as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    Ok(format!("{scheme}://{host}"))
}

/// The address a station's QR code holds.
pub fn visit_url(origin: &str, station: &Station) -> String {
    format!("{origin}/stations/{}/visit?c={}", station.id, station.code.as_str())
}

/// The QR code of a URL as an SVG document.
fn qr_svg(url: &str) -> Result<String, ApiError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| ApiError::internal(&e))?;
    Ok(code.render::<svg::Color>().min_dimensions(320, 320).dark_color(svg::Color("#000000")).light_color(svg::Color("#ffffff")).build())
}

/// The station's QR code (SVG): scanning it opens
/// `https://<host>/stations/{id}/visit?c=<station code>` to check in.
#[utoipa::path(get, path = "/api/v1/stations/{id}/qr.svg", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = ErrorBody)))]
pub async fn api_qr(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, headers: HeaderMap) -> Result<Response, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    let svg = qr_svg(&visit_url(&public_origin(&state, &headers)?, &station))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=3600")], svg).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VisitForm {
    /// The station's national code, as the QR code carries it in `c`.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitAnswer {
    pub station_id: i64,
    /// `false` when this hour's visit to this station was counted already.
    pub counted: bool,
}

/// Check in at a station by its QR code. One visit per person, station and
/// clock hour (China time) counts: the first answers 201 `counted: true`, the
/// rest of that hour 200 `counted: false` and write nothing.
#[utoipa::path(post, path = "/api/v1/stations/{id}/visits", tag = "station use", params(("id" = i64, Path)), request_body = VisitForm,
    responses((status = 201, body = VisitAnswer), (status = 200, body = VisitAnswer), (status = 422, body = ErrorBody)))]
pub async fn api_visit(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<VisitForm>) -> Result<Response, ApiError> {
    let counted = check_in(&state, &user, id, &form.code).await?;
    let status = if counted { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(VisitAnswer { station_id: id, counted })).into_response())
}

/// One person may send only so many bookings, reviews or feedback an hour.
async fn per_person_limit(state: &AppState, user: &CurrentUser, rule: waystation_domain::kit::rate_limit::RateRule) -> Result<(), ApiError> {
    crate::foundation::sign_in::enforce_rate_limits(state, &[(rule, &format!("user:{}", user.user.id))]).await
}

/// Records a check-in by the code read from the station's QR; whether it counted.
pub async fn check_in(state: &AppState, user: &CurrentUser, id: i64, code: &str) -> Result<bool, ApiError> {
    let station = listed_station(state, id).await?;
    if code.trim() != station.code.as_str() {
        return Err(Invalid::field("code", "wrong_station_code").into());
    }
    Ok(state.store.record_visit(user.user.id, id, Utc::now()).await?)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitCounts {
    /// Since midnight, China time.
    pub today: i64,
    /// The 30 China days ending today.
    pub last_30_days: i64,
    pub total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationStats {
    pub station_id: i64,
    pub visits: VisitCounts,
    pub reviews: ReviewSummaryView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSummaryView {
    /// Visible reviews only.
    pub count: i64,
    /// To one decimal; absent without reviews.
    pub average_stars: Option<f64>,
}

pub(crate) async fn summary(state: &AppState, station_id: i64) -> Result<ReviewSummaryView, ApiError> {
    let s = state.store.review_summary(station_id).await?;
    Ok(ReviewSummaryView { count: s.count, average_stars: average_stars(s.stars_sum, s.count) })
}

/// A station's person-times served (counted visits) and its rating.
#[utoipa::path(get, path = "/api/v1/stations/{id}/stats", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, body = StationStats), (status = 404, body = ErrorBody)))]
pub async fn api_stats(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<StationStats>, ApiError> {
    visible_station(&state, id, user.as_ref()).await?;
    let v = state.store.visit_stats(id, Utc::now()).await?;
    Ok(axum::Json(StationStats {
        station_id: id,
        visits: VisitCounts { today: v.today, last_30_days: v.last_30_days, total: v.total },
        reviews: summary(&state, id).await?,
    }))
}

// ---- reviews ----

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewForm {
    /// 1 to 5.
    pub stars: i64,
    /// Up to 500 characters; may be empty.
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: i64,
    pub station_id: i64,
    pub stars: u8,
    pub text: String,
    /// The reviewer's name masked, e.g. `张*`.
    pub reviewer: String,
    pub hidden: bool,
    /// Shown to moderators only.
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReviewView {
    fn of(r: Review, moderator: bool) -> Self {
        Self {
            id: r.id,
            station_id: r.station_id,
            stars: r.stars,
            text: r.text,
            reviewer: masked_name(r.user_name.as_ref().map(|n| n.as_str())),
            hidden: r.hidden,
            hidden_reason: if moderator { r.hidden_reason } else { None },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    pub summary: ReviewSummaryView,
    pub items: Vec<ReviewView>,
    pub next_cursor: Option<String>,
}

/// Review a station: stars and text, one per person (posting again replaces it: 200).
#[utoipa::path(post, path = "/api/v1/stations/{id}/reviews", tag = "station use", params(("id" = i64, Path)), request_body = ReviewForm,
    responses((status = 201, body = ReviewView), (status = 200, body = ReviewView), (status = 422, body = ErrorBody)))]
pub async fn api_post_review(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<ReviewForm>) -> Result<Response, ApiError> {
    let (review, created) = post_review(&state, &user, id, &form).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(ReviewView::of(review, false))).into_response())
}

/// Creates or replaces the worker's review of a station; `true` when created.
pub async fn post_review(state: &AppState, user: &CurrentUser, station_id: i64, form: &ReviewForm) -> Result<(Review, bool), ApiError> {
    per_person_limit(state, user, waystation_domain::kit::rate_limit::REVIEWS_PER_PERSON).await?;
    listed_station(state, station_id).await?;
    let mut errors = FieldErrors::default();
    let stars = errors.check(Stars::new(form.stars));
    let text = errors.check(checked_text(&form.text, "text", REVIEW_MAX_CHARS, false));
    errors.into_result()?;
    let input = ReviewInput { stars: stars.expect("checked"), text: text.expect("checked") };
    Ok(state.store.put_review(user.user.id, station_id, input).await?)
}

/// Whether the caller moderates the reviews of a station: admins of its
/// organisation, not its manager (who would be judging their own station).
pub fn moderates(user: Option<&CurrentUser>, station: &Station) -> bool {
    user.is_some_and(|u| u.require(Action::ManageStations, &station.org_path).is_ok())
}

/// Hides (`Some(reason)`) or shows again (`None`) a review (admins of its station's organisation).
pub async fn moderate_review(state: &AppState, user: &CurrentUser, id: i64, hide: Option<&str>) -> Result<Review, ApiError> {
    let review = state.store.get_review(id).await?;
    user.require(Action::ManageStations, &review.org_path)?;
    let reason = hide.map(moderation_reason).transpose()?;
    Ok(state.store.moderate_review(user.user.id, id, reason.is_some(), reason).await?)
}

/// A station's visible reviews, newest first, with their average. Admins of
/// its organisation also see hidden ones.
#[utoipa::path(get, path = "/api/v1/stations/{id}/reviews", tag = "station use", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = ReviewPage), (status = 404, body = ErrorBody)))]
pub async fn api_reviews(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<ReviewPage>, ApiError> {
    let page = page_of(q.cursor.as_deref(), q.limit)?;
    let station = visible_station(&state, id, user.as_ref()).await?;
    let moderator = moderates(user.as_ref(), &station);
    let page = state.store.list_reviews(id, moderator, page).await?;
    Ok(axum::Json(ReviewPage {
        summary: summary(&state, id).await?,
        items: page.items.into_iter().map(|r| ReviewView::of(r, moderator)).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Hide a review, with a reason (admins of the station's organisation; audited).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/hide", tag = "station use", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = ReviewView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_hide_review(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(body): ApiJson<ReasonBody>) -> Result<axum::Json<ReviewView>, ApiError> {
    Ok(axum::Json(ReviewView::of(moderate_review(&state, &user, id, Some(body.reason.as_deref().unwrap_or(""))).await?, true)))
}

/// Show a hidden review again (admins of the station's organisation; audited).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/unhide", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, body = ReviewView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_unhide_review(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<ReviewView>, ApiError> {
    Ok(axum::Json(ReviewView::of(moderate_review(&state, &user, id, None).await?, true)))
}

// ---- feedback ----

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackForm {
    /// 1 to 1000 characters.
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerForm {
    /// 1 to 1000 characters; answering again replaces the answer.
    pub answer: String,
}

/// Feedback as its sender and the station's staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: i64,
    pub station_id: i64,
    pub text: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<i64>,
    /// Who sent it (to the station's staff; masked phone).
    pub from: Option<BookerView>,
    pub created_at: DateTime<Utc>,
}

impl FeedbackView {
    fn of(f: Feedback, staff: bool) -> Self {
        Self {
            id: f.id,
            station_id: f.station_id,
            text: f.text,
            answer: f.answer,
            answered_at: f.answered_at,
            answered_by: f.answered_by,
            from: staff.then(|| BookerView { user_id: f.user_id, name: f.user_name.map(|n| n.as_str().to_owned()), phone: f.user_phone.masked() }),
            created_at: f.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackView>,
    pub next_cursor: Option<String>,
}

/// Answered feedback as the public sees it: the texts only.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFeedback {
    pub text: String,
    pub answer: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFeedbackPage {
    pub items: Vec<PublicFeedback>,
    pub next_cursor: Option<String>,
}

/// Send feedback about a station to its manager.
#[utoipa::path(post, path = "/api/v1/stations/{id}/feedback", tag = "station use", params(("id" = i64, Path)), request_body = FeedbackForm,
    responses((status = 201, body = FeedbackView), (status = 422, body = ErrorBody)))]
pub async fn api_send_feedback(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<FeedbackForm>) -> Result<Response, ApiError> {
    let feedback = send_feedback(&state, &user, id, &form.text).await?;
    Ok((StatusCode::CREATED, axum::Json(FeedbackView::of(feedback, false))).into_response())
}

/// Sends feedback about a listed station to its manager.
pub async fn send_feedback(state: &AppState, user: &CurrentUser, station_id: i64, text: &str) -> Result<Feedback, ApiError> {
    per_person_limit(state, user, waystation_domain::kit::rate_limit::FEEDBACK_PER_PERSON).await?;
    listed_station(state, station_id).await?;
    let text = feedback_text(text, "text")?;
    Ok(state.store.create_feedback(user.user.id, station_id, text).await?)
}

/// Answers feedback, or replaces the answer (the station's staff).
pub async fn answer_feedback(state: &AppState, user: &CurrentUser, id: i64, answer: &str) -> Result<Feedback, ApiError> {
    let feedback = state.store.get_feedback(id).await?;
    user.require(Action::EditStation, &feedback.org_path)?;
    let answer = feedback_text(answer, "answer")?;
    Ok(state.store.answer_feedback(user.user.id, id, answer).await?)
}

/// A station's feedback, newest first (its staff).
#[utoipa::path(get, path = "/api/v1/stations/{id}/feedback", tag = "station use", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = FeedbackPage), (status = 403, body = ErrorBody)))]
pub async fn api_station_feedback(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<FeedbackPage>, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::EditStation, &station.org_path)?;
    let page = state.store.feedback_of_station(id, false, page_of(q.cursor.as_deref(), q.limit)?).await?;
    Ok(axum::Json(FeedbackPage { items: page.items.into_iter().map(|f| FeedbackView::of(f, true)).collect(), next_cursor: page.next_cursor }))
}

/// Answer feedback, or edit the answer (the station's staff; audited).
#[utoipa::path(post, path = "/api/v1/feedback/{id}/answer", tag = "station use", params(("id" = i64, Path)), request_body = AnswerForm,
    responses((status = 200, body = FeedbackView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_answer_feedback(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiJson(form): ApiJson<AnswerForm>) -> Result<axum::Json<FeedbackView>, ApiError> {
    Ok(axum::Json(FeedbackView::of(answer_feedback(&state, &user, id, &form.answer).await?, true)))
}

/// One's own feedback with its answers, newest first.
#[utoipa::path(get, path = "/api/v1/me/feedback", tag = "station use", params(PageParams),
    responses((status = 200, body = FeedbackPage), (status = 401, body = ErrorBody)))]
pub async fn api_my_feedback(State(state): State<AppState>, user: CurrentUser, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<FeedbackPage>, ApiError> {
    let page = state.store.feedback_of_user(user.user.id, page_of(q.cursor.as_deref(), q.limit)?).await?;
    Ok(axum::Json(FeedbackPage { items: page.items.into_iter().map(|f| FeedbackView::of(f, false)).collect(), next_cursor: page.next_cursor }))
}

/// A station's answered feedback and the answers, for its page (no names).
#[utoipa::path(get, path = "/api/v1/stations/{id}/feedback/public", tag = "station use", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = PublicFeedbackPage), (status = 404, body = ErrorBody)))]
pub async fn api_public_feedback(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<PageParams>) -> Result<axum::Json<PublicFeedbackPage>, ApiError> {
    let page = page_of(q.cursor.as_deref(), q.limit)?;
    visible_station(&state, id, user.as_ref()).await?;
    let page = state.store.feedback_of_station(id, true, page).await?;
    Ok(axum::Json(PublicFeedbackPage {
        items: page
            .items
            .into_iter()
            .map(|f| PublicFeedback { text: f.text, answer: f.answer.unwrap_or_default(), answered_at: f.answered_at, created_at: f.created_at })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

// ---- the poster ----

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stations/{id}/poster", get(poster_page))
        .route("/stations/{id}/visit", get(visit_page).post(visit_submit))
}

// ---- the page a scanned QR code opens ----

#[derive(Template)]
#[template(path = "stations/station_visit.html")]
struct VisitPage {
    shell: crate::http::page::Shell,
    id: i64,
    name: String,
    code: String,
    /// After the check-in: whether it counted.
    outcome: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct VisitQuery {
    #[serde(default)]
    c: String,
}

/// The page a worker's camera opens from the station's QR code: sign in if
/// needed (the sign-in page returns here), then one tap records the visit.
async fn visit_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: crate::http::csrf::CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::extract::ApiQuery(q): crate::http::extract::ApiQuery<VisitQuery>,
) -> Result<Response, ApiError> {
    let station = listed_station(&state, id).await?;
    let shell = crate::http::page::Shell::new(lang, &csrf, &format!("/stations/{id}/visit?c={}", q.c), Some(&user));
    Ok(crate::http::page::render(VisitPage { shell, id, name: station.name.clone(), code: q.c, outcome: None }))
}

#[derive(Debug, Deserialize)]
struct VisitSubmit {
    #[serde(default)]
    c: String,
}

async fn visit_submit(
    State(state): State<AppState>,
    lang: Lang,
    csrf: crate::http::csrf::CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::extract::ApiForm(form): crate::http::extract::ApiForm<VisitSubmit>,
) -> Result<Response, ApiError> {
    let counted = check_in(&state, &user, id, &form.c).await?;
    let station = listed_station(&state, id).await?;
    let shell = crate::http::page::Shell::new(lang, &csrf, &format!("/stations/{id}"), Some(&user));
    Ok(crate::http::page::render(VisitPage { shell, id, name: station.name.clone(), code: form.c, outcome: Some(counted) }))
}

#[derive(Template)]
#[template(path = "stations/station_poster.html")]
struct PosterPage {
    lang: &'static str,
    tr: Tr,
    /// The station, for the links to its PNG and PDF.
    id: i64,
    name: String,
    code: String,
    address: String,
    /// Generated here from the URL, so it is safe to embed unescaped.
    qr: String,
    url: String,
}

/// A printable A4 poster of the station's QR code (the browser prints it to PDF).
async fn poster_page(State(state): State<AppState>, lang: Lang, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, headers: HeaderMap) -> Result<Response, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    let url = visit_url(&public_origin(&state, &headers)?, &station);
    let svg = qr_svg(&url)?;
    // Inline SVG in HTML takes no XML declaration.
    let qr = match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    };
    let page = PosterPage { lang: lang.code(), tr: Tr(lang), id: station.id, name: station.name, code: station.code.as_str().to_owned(), address: station.address, qr, url };
    let html = page.render().map_err(|e| ApiError::internal(&e))?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}
