//! The pages of using a station: the booking, review and feedback sections of
//! the public station page (their data is gathered here, the page itself is
//! `pages.rs`), the worker's own bookings and feedback under `/account`, and
//! the manager's desk `/console/stations/{id}/desk`.
//!
//! Every form posts to a route here that calls the same service functions as
//! the API (`using.rs`) and redirects back with `?done=` or `?error=`; they
//! work without JavaScript.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::Deserialize;
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::stations::reservation::{day_slots, ReservationStatus, SlotState, HORIZON_DAYS};
use waystation_domain::stations::review::{average_stars, masked_name};
use waystation_domain::Invalid;
use waystation_storage::{Feedback, Reservation, Resource, Review, Station};

use super::now_in_china;
use super::search;
use super::using::{self, ReservationForm, ResourceForm, ReviewForm};
use crate::http::csrf::CsrfToken;
use crate::http::error::{form_urlencode, ApiError};
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{back, render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stations/{id}/book", post(book))
        .route("/stations/{id}/review", post(review))
        .route("/stations/{id}/feedback", post(send_feedback))
        .route("/account/reservations", get(my_reservations))
        .route("/account/reservations/{id}/cancel", post(cancel_mine))
        .route("/account/feedback", get(my_feedback))
        .route("/console/stations/{id}/desk", get(desk))
        .route("/console/stations/{id}/desk/resources", post(desk_add_resource))
        .route("/console/stations/{id}/desk/resources/{resource}", post(desk_edit_resource))
        .route("/console/stations/{id}/desk/resources/{resource}/retire", post(desk_retire_resource))
        .route("/console/stations/{id}/desk/reservations/{reservation}/{decision}", post(desk_decide))
        .route("/console/stations/{id}/desk/reviews/{review}/{decision}", post(desk_moderate))
        .route("/console/stations/{id}/desk/feedback/{feedback}/answer", post(desk_answer))
}

/// The part of a day the booking grid shows, China time (bookings outside it
/// are still listed).
const GRID_FROM_HOUR: u32 = 7;
const GRID_TO_HOUR: u32 = 22;
/// Items per page on these pages.
const PAGE: u32 = 10;

fn page(cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    Ok(PageRequest::parse(cursor, Some(PAGE))?)
}

fn hhmm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// `2025-06-12 14:00–16:00`; a booking across midnight names both days.
fn span_text(r: &Reservation) -> String {
    let (start, end) = (r.slot.start(), r.slot.end());
    if start.date() == end.date() {
        format!("{} {}–{}", start.format("%Y-%m-%d"), hhmm(start), hhmm(end))
    } else {
        format!("{} {} – {} {}", start.format("%Y-%m-%d"), hhmm(start), end.format("%Y-%m-%d"), hhmm(end))
    }
}

fn status_label(tr: Tr, status: ReservationStatus) -> &'static str {
    tr.get(&format!("station_use.status.{}", status.as_str()))
}

/// `★★★★☆`
pub fn stars_text(stars: u8) -> String {
    (1..=5).map(|i| if i <= stars { '★' } else { '☆' }).collect()
}

/// A booker's or sender's name for staff; the masked phone when they gave no name.
fn person(name: Option<&waystation_domain::foundation::people::PersonName>, phone: &waystation_domain::foundation::people::PhoneNumber) -> String {
    name.map(|n| n.as_str().to_owned()).unwrap_or_else(|| phone.masked())
}

/// A station's name, from this server's copy of every station, else the database.
async fn station_name(state: &AppState, id: i64) -> Result<String, ApiError> {
    match search::of(&state).summary(id) {
        Some(station) => Ok(station.name.clone()),
        None => Ok(state.store.get_station(id).await?.name),
    }
}

// ---- the station page's sections ----

/// The page's query that concerns using the station.
#[derive(Debug, Default, Deserialize)]
pub struct UseQuery {
    /// The room whose day is shown, and the day.
    pub resource: Option<String>,
    pub day: Option<String>,
    /// Cursors of the review and feedback lists.
    pub reviews: Option<String>,
    pub feedback: Option<String>,
}

pub struct RoomOption {
    pub id: i64,
    pub name: String,
    pub capacity: u32,
    pub description: String,
    pub chosen: bool,
}

/// A half-hour of the chosen day: `free`, `taken` or `past`.
pub struct Cell {
    pub time: String,
    pub state: &'static str,
    pub label: &'static str,
}

pub struct ReviewRow {
    pub id: i64,
    pub reviewer: String,
    pub stars: String,
    pub stars_n: u8,
    pub text: String,
    pub date: String,
    pub hidden: bool,
    pub hidden_reason: String,
}

pub struct PublicFeedbackRow {
    pub text: String,
    pub answer: String,
    pub date: String,
}

/// The worker's own review, as they see it (with why it was hidden).
pub struct MyReview {
    pub stars: u8,
    pub text: String,
    pub hidden: bool,
    pub hidden_reason: String,
}

/// What the station page shows about using the station.
pub struct StationUse {
    pub signed_in: bool,
    /// `/sign-in?next=/stations/{id}`.
    pub sign_in_href: String,
    /// For the station's staff.
    pub desk_href: Option<String>,
    pub rooms: Vec<RoomOption>,
    /// The room and day shown, the day as `YYYY-MM-DD`.
    pub room: Option<RoomOption>,
    pub day: String,
    pub min_day: String,
    pub max_day: String,
    pub cells: Vec<Cell>,
    /// The held slots of the day, `14:00–16:00`.
    pub taken: Vec<String>,
    pub starts: Vec<String>,
    pub ends: Vec<String>,
    pub review_count: i64,
    pub average: Option<String>,
    pub reviews: Vec<ReviewRow>,
    pub more_reviews: Option<String>,
    pub mine: Option<MyReview>,
    pub answered: Vec<PublicFeedbackRow>,
    pub more_feedback: Option<String>,
}

impl StationUse {
    pub fn star_choices(&self) -> [u8; 5] {
        [5, 4, 3, 2, 1]
    }

    pub fn my_stars(&self) -> u8 {
        self.mine.as_ref().map_or(0, |m| m.stars)
    }
}

/// Gathers the booking, review and feedback sections of a station's page.
pub async fn station_use(state: &AppState, tr: Tr, user: Option<&CurrentUser>, station: &Station, q: &UseQuery) -> Result<StationUse, ApiError> {
    let id = station.id;
    let rooms_all = state.store.list_resources(id, false).await?;
    let wanted = q.resource.as_deref().and_then(|r| r.trim().parse::<i64>().ok());
    let chosen = rooms_all.iter().find(|r| Some(r.id) == wanted).or(rooms_all.first());
    let today = now_in_china().date();
    let day = using::parse_day(q.day.as_deref()).ok().filter(|d| *d >= today && *d <= today + TimeDelta::days(HORIZON_DAYS)).unwrap_or(today);
    let (mut cells, mut taken) = (Vec::new(), Vec::new());
    if let Some(room) = chosen {
        let held = using::held_slots(state, room, day).await?;
        for (start, slot_state) in day_slots(day, GRID_FROM_HOUR, GRID_TO_HOUR, &held, now_in_china()) {
            let key = match slot_state {
                SlotState::Free => "free",
                SlotState::Taken => "taken",
                SlotState::Past => "past",
            };
            cells.push(Cell { time: hhmm(start), state: key, label: tr.get(&format!("station_use.slot.{key}")) });
        }
        taken = held.iter().map(|s| format!("{}–{}", hhmm(s.start()), hhmm(s.end()))).collect();
    }
    let room_option = |r: &Resource| RoomOption {
        id: r.id,
        name: r.name.clone(),
        capacity: r.capacity,
        description: r.description.clone(),
        chosen: chosen.is_some_and(|c| c.id == r.id),
    };
    let times = |from: u32, to: u32| (from..to).map(|i| format!("{:02}:{:02}", i / 2, (i % 2) * 30)).collect::<Vec<_>>();

    let summary = state.store.review_summary(id).await?;
    let reviews = state.store.list_reviews(id, false, page(q.reviews.as_deref())?).await?;
    let mine = match user {
        Some(u) => state.store.review_of_user(id, u.user.id).await?.map(|r| MyReview {
            stars: r.stars,
            text: r.text,
            hidden: r.hidden,
            hidden_reason: r.hidden_reason.unwrap_or_default(),
        }),
        None => None,
    };
    let feedback = state.store.feedback_of_station(id, true, page(q.feedback.as_deref())?).await?;
    let here = format!("/stations/{id}");
    Ok(StationUse {
        signed_in: user.is_some(),
        sign_in_href: format!("/sign-in?next={}", form_urlencode(&here)),
        desk_href: user.filter(|u| u.require(Action::ViewStationRecords, &station.org_path).is_ok()).map(|_| format!("/console/stations/{id}/desk")),
        rooms: rooms_all.iter().map(room_option).collect(),
        room: chosen.map(room_option),
        day: day.format("%Y-%m-%d").to_string(),
        min_day: today.format("%Y-%m-%d").to_string(),
        max_day: (today + TimeDelta::days(HORIZON_DAYS)).format("%Y-%m-%d").to_string(),
        cells,
        taken,
        starts: times(GRID_FROM_HOUR * 2, GRID_TO_HOUR * 2),
        ends: times(GRID_FROM_HOUR * 2 + 1, GRID_TO_HOUR * 2 + 1),
        review_count: summary.count,
        average: average_stars(summary.stars_sum, summary.count).map(|a| format!("{a:.1}")),
        reviews: reviews.items.into_iter().map(|r| review_row(r, false)).collect(),
        more_reviews: reviews.next_cursor.map(|c| format!("{here}?reviews={c}#reviews")),
        mine,
        answered: feedback
            .items
            .into_iter()
            .map(|f| PublicFeedbackRow { text: f.text, answer: f.answer.unwrap_or_default(), date: date_of(f.answered_at.unwrap_or(f.created_at)) })
            .collect(),
        more_feedback: feedback.next_cursor.map(|c| format!("{here}?feedback={c}#feedback")),
    })
}

fn date_of(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&waystation_domain::kit::china_time::offset()).format("%Y-%m-%d").to_string()
}

fn review_row(r: Review, moderator: bool) -> ReviewRow {
    ReviewRow {
        id: r.id,
        reviewer: masked_name(r.user_name.as_ref().map(|n| n.as_str())),
        stars: stars_text(r.stars),
        stars_n: r.stars,
        date: date_of(r.updated_at),
        text: r.text,
        hidden: r.hidden,
        hidden_reason: if moderator { r.hidden_reason.unwrap_or_default() } else { String::new() },
    }
}

#[derive(Debug, Deserialize)]
struct BookForm {
    #[serde(default)]
    resource_id: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    note: String,
}

fn number(value: &str, field: &'static str, code: &'static str) -> Result<i64, ApiError> {
    value.trim().parse::<i64>().map_err(|_| Invalid::field(field, code).into())
}

/// Books a room from the station page; back to the room's day.
async fn book(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<BookForm>) -> Response {
    let day = using::parse_day(Some(&form.day)).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let here = format!("/stations/{id}?resource={}&day={day}", form_urlencode(form.resource_id.trim()));
    let outcome = async {
        let resource = state.store.get_resource(number(&form.resource_id, "resource_id", "resource_not_found")?).await?;
        if resource.station_id != id {
            return Err(ApiError::not_found("resource_not_found"));
        }
        let people = number(&form.people, "people", "invalid_people")?;
        let d = form.day.trim();
        let booking = ReservationForm { start: format!("{d}T{}", form.start.trim()), end: format!("{d}T{}", form.end.trim()), people, note: form.note.clone() };
        using::request_reservation(&state, &user, &resource, &booking).await
    }
    .await;
    back(&here, outcome.map(|_| "station_use.booked"))
}

#[derive(Debug, Deserialize)]
struct StarsForm {
    #[serde(default)]
    stars: String,
    #[serde(default)]
    text: String,
}

async fn review(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<StarsForm>) -> Response {
    let outcome = async {
        let stars = number(&form.stars, "stars", "invalid_stars")?;
        using::post_review(&state, &user, id, &ReviewForm { stars, text: form.text.clone() }).await
    }
    .await;
    let done = |(_, created): (Review, bool)| if created { "station_use.reviewed" } else { "station_use.review_edited" };
    back(&format!("/stations/{id}"), outcome.map(done))
}

#[derive(Debug, Deserialize)]
struct TextForm {
    #[serde(default)]
    text: String,
}

async fn send_feedback(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<TextForm>) -> Response {
    let outcome = using::send_feedback(&state, &user, id, &form.text).await;
    back(&format!("/stations/{id}"), outcome.map(|_| "station_use.feedback_sent"))
}

// ---- my bookings and feedback ----

/// A booking in a list: the worker's own, or the desk's.
pub struct BookingRow {
    pub id: i64,
    pub station_id: i64,
    pub station: String,
    pub room: String,
    pub when: String,
    /// For staff: the booker's name (the masked phone without one).
    pub booker: String,
    pub people: u32,
    pub note: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub reason: String,
    /// Staff may confirm or decline it.
    pub can_decide: bool,
    pub can_cancel: bool,
}

fn booking_row(tr: Tr, r: Reservation, station: String, can_cancel: bool) -> BookingRow {
    BookingRow {
        id: r.id,
        station_id: r.station_id,
        station,
        when: span_text(&r),
        booker: person(r.user_name.as_ref(), &r.user_phone),
        can_decide: r.status == ReservationStatus::Requested,
        can_cancel,
        status: r.status.as_str(),
        status_label: status_label(tr, r.status),
        room: r.resource_name,
        people: r.people,
        note: r.note,
        reason: r.reason.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "stations/account_reservations.html")]
struct MyReservationsPage {
    shell: Shell,
    rows: Vec<BookingRow>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
}

/// Whether a booking may still be cancelled by its booker: the rules allow it and it has not begun.
fn cancellable(r: &Reservation, now: NaiveDateTime) -> bool {
    r.status.can_become(ReservationStatus::Cancelled) && r.slot.start() > now
}

async fn my_reservations(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(flash): Query<Flash>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let page = state.store.reservations_of_user(user.user.id, page(q.cursor.as_deref())?).await?;
    let now = now_in_china();
    let mut rows = Vec::with_capacity(page.items.len());
    for r in page.items {
        let (station, can_cancel) = (station_name(&state, r.station_id).await?, cancellable(&r, now));
        rows.push(booking_row(tr, r, station, can_cancel));
    }
    Ok(render(MyReservationsPage {
        shell: Shell::new(lang, &csrf, "/account/reservations", Some(&user)).with_flash(&flash),
        rows,
        next: page.next_cursor.map(|c| format!("/account/reservations?cursor={c}")),
    }))
}

async fn cancel_mine(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Response {
    let outcome = async {
        let reservation = state.store.get_reservation(id).await?;
        if reservation.user_id != user.user.id {
            return Err(ApiError::forbidden());
        }
        using::decide(&state, &user, id, ReservationStatus::Cancelled, None).await
    }
    .await;
    back("/account/reservations", outcome.map(|_| "station_use.cancelled"))
}

pub struct MyFeedbackRow {
    pub station_id: i64,
    pub station: String,
    pub text: String,
    pub sent: String,
    pub answer: Option<String>,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "stations/account_feedback.html")]
struct MyFeedbackPage {
    shell: Shell,
    rows: Vec<MyFeedbackRow>,
    next: Option<String>,
}

async fn my_feedback(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(flash): Query<Flash>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let page = state.store.feedback_of_user(user.user.id, page(q.cursor.as_deref())?).await?;
    let mut rows = Vec::with_capacity(page.items.len());
    for f in page.items {
        rows.push(MyFeedbackRow {
            station_id: f.station_id,
            station: station_name(&state, f.station_id).await?,
            sent: date_of(f.created_at),
            answered: f.answered_at.map(date_of).unwrap_or_default(),
            text: f.text,
            answer: f.answer,
        });
    }
    Ok(render(MyFeedbackPage {
        shell: Shell::new(lang, &csrf, "/account/feedback", Some(&user)).with_flash(&flash),
        rows,
        next: page.next_cursor.map(|c| format!("/account/feedback?cursor={c}")),
    }))
}

// ---- the manager's desk ----

#[derive(Debug, Default, Deserialize)]
struct DeskQuery {
    day: Option<String>,
    /// `week`: seven days from `day`; otherwise the one day.
    span: Option<String>,
    /// Cursors: reviews, the unanswered queue.
    reviews: Option<String>,
    queue: Option<String>,
}

/// The desk's day and span, which its forms carry to come back to them.
#[derive(Debug, Clone, Copy)]
struct DeskView {
    station: i64,
    day: NaiveDate,
    week: bool,
}

impl DeskView {
    fn read(station: i64, day: Option<&str>, span: Option<&str>) -> Self {
        let day = using::parse_day(day).unwrap_or_else(|_| now_in_china().date());
        Self { station, day, week: span.map(str::trim) == Some("week") }
    }

    fn url(&self) -> String {
        format!("/console/stations/{}/desk?day={}{}", self.station, self.day.format("%Y-%m-%d"), if self.week { "&span=week" } else { "" })
    }

    fn shifted(&self, days: i64) -> String {
        Self { day: self.day + TimeDelta::days(days), ..*self }.url()
    }
}

pub struct DeskResource {
    pub id: i64,
    pub name: String,
    pub capacity: u32,
    pub description: String,
    pub retired: bool,
}

pub struct DeskFeedback {
    pub id: i64,
    pub from: String,
    pub text: String,
    pub sent: String,
    pub answer: String,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "stations/station_desk.html")]
struct DeskPage {
    shell: Shell,
    station_id: i64,
    station_name: String,
    can_moderate: bool,
    day: String,
    week: bool,
    prev: String,
    next: String,
    resources: Vec<DeskResource>,
    reservations: Vec<BookingRow>,
    review_count: i64,
    average: Option<String>,
    reviews: Vec<ReviewRow>,
    more_reviews: Option<String>,
    queue: Vec<DeskFeedback>,
    more_queue: Option<String>,
    answered: Vec<DeskFeedback>,
}

fn desk_feedback(f: Feedback) -> DeskFeedback {
    DeskFeedback {
        id: f.id,
        from: person(f.user_name.as_ref(), &f.user_phone),
        sent: date_of(f.created_at),
        answered: f.answered_at.map(date_of).unwrap_or_default(),
        answer: f.answer.unwrap_or_default(),
        text: f.text,
    }
}

/// The station's staff see their desk; everyone else is refused before anything is read.
async fn desk_station(state: &AppState, user: &CurrentUser, id: i64) -> Result<Station, ApiError> {
    let station = state.store.get_station(id).await?;
    user.require(Action::ViewStationRecords, &station.org_path)?;
    Ok(station)
}

async fn desk(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(flash): Query<Flash>,
    Query(q): Query<DeskQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let station = desk_station(&state, &user, id).await?;
    let view = DeskView::read(id, q.day.as_deref(), q.span.as_deref());
    let can_moderate = using::moderates(Some(&user), &station);
    let resources = state
        .store
        .list_resources(id, true)
        .await?
        .into_iter()
        .map(|r| DeskResource { id: r.id, retired: r.retired_at.is_some(), name: r.name, capacity: r.capacity, description: r.description })
        .collect();
    let bookings = using::bookings_of_station(&state, &user, &station, view.day, if view.week { 7 } else { 1 }).await?;
    let now = now_in_china();
    let reservations = bookings
        .into_iter()
        .map(|r| {
            // Staff cancel confirmed bookings (with a reason) until they end; requested ones they decline.
            let can_cancel = r.status == ReservationStatus::Confirmed && r.slot.end() > now;
            booking_row(tr, r, station.name.clone(), can_cancel)
        })
        .collect();
    let summary = state.store.review_summary(id).await?;
    let reviews = state.store.list_reviews(id, can_moderate, page(q.reviews.as_deref())?).await?;
    let queue = state.store.unanswered_feedback_of_station(id, page(q.queue.as_deref())?).await?;
    let answered = state.store.feedback_of_station(id, true, page(None)?).await?;
    let here = view.url();
    Ok(render(DeskPage {
        shell: Shell::new(lang, &csrf, &form_urlencode(&here), Some(&user)).with_flash(&flash),
        station_id: id,
        station_name: station.name.clone(),
        can_moderate,
        day: view.day.format("%Y-%m-%d").to_string(),
        week: view.week,
        prev: view.shifted(if view.week { -7 } else { -1 }),
        next: view.shifted(if view.week { 7 } else { 1 }),
        resources,
        reservations,
        review_count: summary.count,
        average: average_stars(summary.stars_sum, summary.count).map(|a| format!("{a:.1}")),
        reviews: reviews.items.into_iter().map(|r| review_row(r, can_moderate)).collect(),
        more_reviews: reviews.next_cursor.map(|c| format!("{here}&reviews={c}#reviews")),
        queue: queue.items.into_iter().map(desk_feedback).collect(),
        more_queue: queue.next_cursor.map(|c| format!("{here}&queue={c}#feedback")),
        answered: answered.items.into_iter().map(desk_feedback).collect(),
    }))
}

/// The fields every desk form carries to come back to the same view.
#[derive(Debug, Deserialize)]
struct DeskForm {
    day: Option<String>,
    span: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    answer: String,
}

impl DeskForm {
    fn back_to(&self, station: i64) -> String {
        DeskView::read(station, self.day.as_deref(), self.span.as_deref()).url()
    }

    fn resource(&self) -> Result<ResourceForm, ApiError> {
        let capacity = number(&self.capacity, "capacity", "invalid_capacity")?;
        Ok(ResourceForm { name: self.name.clone(), capacity, description: Some(self.description.clone()) })
    }
}

async fn desk_add_resource(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<DeskForm>) -> Response {
    let outcome = async { using::create_resource(&state, &user, id, &form.resource()?).await }.await;
    back(&form.back_to(id), outcome.map(|_| "station_use.resource_added"))
}

/// The resource, if it is one of this station's.
async fn resource_of(state: &AppState, station: i64, id: i64) -> Result<Resource, ApiError> {
    let resource = state.store.get_resource(id).await?;
    if resource.station_id == station {
        Ok(resource)
    } else {
        Err(ApiError::not_found("resource_not_found"))
    }
}

async fn desk_edit_resource(State(state): State<AppState>, user: CurrentUser, ApiPath((id, rid)): ApiPath<(i64, i64)>, ApiForm(form): ApiForm<DeskForm>) -> Response {
    let outcome = async {
        resource_of(&state, id, rid).await?;
        using::update_resource(&state, &user, rid, &form.resource()?).await
    }
    .await;
    back(&form.back_to(id), outcome.map(|_| "station_use.resource_saved"))
}

async fn desk_retire_resource(State(state): State<AppState>, user: CurrentUser, ApiPath((id, rid)): ApiPath<(i64, i64)>, ApiForm(form): ApiForm<DeskForm>) -> Response {
    let outcome = async {
        resource_of(&state, id, rid).await?;
        using::retire_resource(&state, &user, rid).await
    }
    .await;
    back(&form.back_to(id), outcome.map(|_| "station_use.resource_retired"))
}

async fn desk_decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, rid, decision)): ApiPath<(i64, i64, String)>,
    ApiForm(form): ApiForm<DeskForm>,
) -> Response {
    let (to, done) = match decision.as_str() {
        "confirm" => (ReservationStatus::Confirmed, "station_use.confirmed"),
        "decline" => (ReservationStatus::Declined, "station_use.declined"),
        "cancel" => (ReservationStatus::Cancelled, "station_use.cancelled"),
        _ => return ApiError::not_found("not_found").into_response(),
    };
    let outcome = async {
        if state.store.get_reservation(rid).await?.station_id != id {
            return Err(ApiError::not_found("reservation_not_found"));
        }
        let reason = Some(form.reason.as_str()).filter(|_| to != ReservationStatus::Confirmed);
        using::decide(&state, &user, rid, to, reason).await
    }
    .await;
    back(&form.back_to(id), outcome.map(|_| done))
}

async fn desk_moderate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, review_id, decision)): ApiPath<(i64, i64, String)>,
    ApiForm(form): ApiForm<DeskForm>,
) -> Response {
    let (hide, done) = match decision.as_str() {
        "hide" => (Some(form.reason.as_str()), "station_use.hidden"),
        "unhide" => (None, "station_use.shown"),
        _ => return ApiError::not_found("not_found").into_response(),
    };
    let outcome = async {
        if state.store.get_review(review_id).await?.station_id != id {
            return Err(ApiError::not_found("review_not_found"));
        }
        using::moderate_review(&state, &user, review_id, hide).await
    }
    .await;
    back(&form.back_to(id), outcome.map(|_| done))
}

async fn desk_answer(State(state): State<AppState>, user: CurrentUser, ApiPath((id, fid)): ApiPath<(i64, i64)>, ApiForm(form): ApiForm<DeskForm>) -> Response {
    let outcome = async {
        if state.store.get_feedback(fid).await?.station_id != id {
            return Err(ApiError::not_found("feedback_not_found"));
        }
        using::answer_feedback(&state, &user, fid, &form.answer).await
    }
    .await;
    back(&form.back_to(id), outcome.map(|_| "station_use.answered"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_read_as_five_marks() {
        assert_eq!(stars_text(4), "★★★★☆");
        assert_eq!(stars_text(1), "★☆☆☆☆");
    }

    #[test]
    fn every_key_built_in_code_is_translated() {
        let mut needed: Vec<String> = ReservationStatus::ALL.iter().map(|s| format!("station_use.status.{}", s.as_str())).collect();
        needed.extend(["free", "taken", "past"].map(|k| format!("station_use.slot.{k}")));
        for done in [
            "booked",
            "reviewed",
            "review_edited",
            "feedback_sent",
            "cancelled",
            "resource_added",
            "resource_saved",
            "resource_retired",
            "confirmed",
            "declined",
            "hidden",
            "shown",
            "answered",
        ] {
            needed.push(format!("done.station_use.{done}"));
        }
        for lang in Lang::ALL {
            let have = crate::http::i18n::keys(lang);
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(&k.as_str())).collect();
            assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
        }
    }

    #[test]
    fn the_desk_comes_back_to_the_day_or_week_it_showed() {
        let view = DeskView::read(7, Some("2025-06-11"), Some("week"));
        assert_eq!(view.url(), "/console/stations/7/desk?day=2025-06-11&span=week");
        assert_eq!(view.shifted(7), "/console/stations/7/desk?day=2025-06-18&span=week");
        let day = DeskView::read(7, Some("2025-06-11"), None);
        assert_eq!(day.shifted(-1), "/console/stations/7/desk?day=2025-06-10");
    }
}
