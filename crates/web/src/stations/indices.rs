//! Service indices (SPEC 3.1): a station's activity, praise rate, feedback
//! handling rate and time and combined service index, public; an
//! organisation's aggregate, its children's, and its stations ranked, for
//! staff of its subtree — as JSON and as the console page
//! `/console/orgs/{id}/indices`. Both call the same services.
//!
//! The numbers come from the daily counters that every station event keeps
//! current; the formulas are `waystation_domain::stations::indices`
//! (documented in `docs/indices.md`).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::{OrgId, OrgPath};
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_domain::stations::indices::{self, Counters, IndexInput, Indices, Window, FORMULA_VERSION};
use waystation_domain::stations::StationStatus;
use waystation_domain::Invalid;
use waystation_storage::{CounterScope, Org, StationCounters};

use super::using::visible_station;
use super::{now_in_china, FieldErrors};
use crate::foundation::calendar;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::page::{ConsoleContext, render, Shell};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

// ---- the answers ----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WindowView {
    pub days: i64,
    /// The first and last China day of the window, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl From<Window> for WindowView {
    fn from(w: Window) -> Self {
        Self { days: w.days(), from: w.first(), to: w.last() }
    }
}

/// Person-times: counted visits and bookings not declined or cancelled.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    pub visits: i64,
    pub reservations: i64,
    /// Per station and day.
    pub per_station_day: Option<f64>,
    /// `100 × a / (a + 12)`, `a` per station and day; 50 at the national mean.
    pub score: Option<f64>,
}

/// Visible reviews with 4 or 5 stars.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PraiseView {
    pub reviews: i64,
    pub praised: i64,
    pub average_stars: Option<f64>,
    /// `praised / reviews`, in per cent.
    pub raw_rate: Option<f64>,
    /// `(praised + 2) / (reviews + 4)`, in per cent; absent without reviews.
    pub score: Option<f64>,
}

/// Feedback answered out of the feedback due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandlingView {
    pub received: i64,
    /// Received, less the unanswered still within 3 working days.
    pub due: i64,
    pub answered: i64,
    /// `answered / due`, in per cent; absent when nothing is due.
    pub score: Option<f64>,
}

/// How fast feedback was answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelinessView {
    pub answered: i64,
    /// Mean hours from receipt to the first answer.
    pub mean_hours: Option<f64>,
    /// Answered within 3 working days (official calendar) of the day received.
    pub on_time: i64,
    /// `on_time / answered`, in per cent; absent without answers.
    pub score: Option<f64>,
}

/// Every index over the window; scores are 0–100 with one decimal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicesView {
    pub activity: ActivityView,
    pub praise: PraiseView,
    pub feedback_handling: HandlingView,
    pub feedback_time: TimelinessView,
    /// Weighted mean of the part scores present (activity 0.30, praise 0.30,
    /// handling 0.25, time 0.15, re-weighted over those present).
    pub service_index: Option<f64>,
}

impl From<Indices> for IndicesView {
    fn from(i: Indices) -> Self {
        let (a, p, h, t) = (i.activity, i.praise, i.feedback_handling, i.feedback_time);
        Self {
            activity: ActivityView { visits: a.visits, reservations: a.reservations, per_station_day: a.per_station_day, score: a.score },
            praise: PraiseView { reviews: p.reviews, praised: p.praised, average_stars: p.average_stars, raw_rate: p.raw_rate, score: p.score },
            feedback_handling: HandlingView { received: h.received, due: h.due, answered: h.answered, score: h.score },
            feedback_time: TimelinessView { answered: t.answered, mean_hours: t.mean_hours, on_time: t.on_time, score: t.score },
            service_index: i.service_index,
        }
    }
}

/// One day's person-times at a station.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayActivity {
    pub day: NaiveDate,
    pub visits: i64,
    pub reservations: i64,
}

/// A station's indices.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationIndices {
    /// Names the formulas (docs/indices.md); changes when they do.
    pub formula_version: &'static str,
    pub station_id: i64,
    pub code: String,
    pub name: String,
    pub window: WindowView,
    pub indices: IndicesView,
    /// Days with any activity, oldest first.
    pub daily: Vec<DayActivity>,
}

/// A station in an organisation's ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankedStation {
    /// 1 for the first of the order asked.
    pub rank: i64,
    pub station_id: i64,
    pub code: String,
    pub name: String,
    pub org_id: OrgId,
    #[schema(value_type = String, example = "open")]
    pub status: StationStatus,
    pub indices: IndicesView,
}

/// An organisation's pooled indices.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgAggregate {
    pub org_id: OrgId,
    pub name: String,
    pub active: bool,
    /// Stations counted: listed now, or with counts in the window.
    pub stations: i64,
    pub indices: IndicesView,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ranking {
    /// `best` or `worst` first.
    pub order: String,
    pub items: Vec<RankedStation>,
    pub next_cursor: Option<String>,
}

/// An organisation's indices: its own (pooled over its subtree's stations),
/// each child organisation's, and its stations ranked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgStationIndices {
    pub formula_version: &'static str,
    pub window: WindowView,
    pub organisation: OrgAggregate,
    /// Stations owned by the organisation itself, outside every child.
    pub own_stations: Option<OrgAggregate>,
    pub children: Vec<OrgAggregate>,
    pub ranking: Ranking,
}

// ---- the services ----

fn window_of(days: Option<i64>) -> Result<Window, Invalid> {
    Window::new(now_in_china().date(), days)
}

/// Pools the counters of some stations over a window of `days`.
fn pooled<'a>(rows: impl IntoIterator<Item = &'a StationCounters>, days: i64) -> (i64, Indices) {
    let mut input = IndexInput::default();
    let mut stations = 0;
    for row in rows {
        input.counters += row.window;
        input.pending_feedback += row.grace.feedback - row.grace.feedback_answered;
        stations += 1;
    }
    input.station_days = stations * days;
    (stations, indices::compute(&input))
}

/// The station's indices over the last `days` China days (public for listed stations).
pub async fn station_indices(state: &AppState, user: Option<&CurrentUser>, id: i64, days: Option<i64>) -> Result<StationIndices, ApiError> {
    let window = window_of(days)?;
    let station = visible_station(state, id, user).await?;
    let grace = window.grace_from(calendar::current(&state));
    let rows = state.store.station_counters(&CounterScope::Station(id), window.first(), window.last(), grace).await?;
    let (_, computed) = pooled(&rows, window.days());
    let daily = state
        .store
        .station_daily_counters(id, window.first(), window.last())
        .await?
        .into_iter()
        .filter(|(_, c)| c.visits > 0 || c.held_reservations() > 0)
        .map(|(day, c): (NaiveDate, Counters)| DayActivity { day, visits: c.visits, reservations: c.held_reservations() })
        .collect();
    Ok(StationIndices {
        formula_version: FORMULA_VERSION,
        station_id: station.id,
        code: station.code.as_str().to_owned(),
        name: station.name,
        window: window.into(),
        indices: computed.into(),
        daily,
    })
}

/// What a caller asks of an organisation's indices.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct OrgIndicesParams {
    /// China days ending today, 1 to 365 (default 30).
    pub days: Option<i64>,
    /// `best` (default) or `worst` first.
    pub order: Option<String>,
    pub cursor: Option<String>,
    /// Stations per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The organisation's indices (staff of its subtree).
pub async fn org_station_indices(state: &AppState, user: &CurrentUser, org_id: OrgId, params: &OrgIndicesParams) -> Result<OrgStationIndices, ApiError> {
    let org = state.store.get_org(org_id).await?;
    user.require(Action::ViewStaffConsole, &org.path)?;
    let mut errors = FieldErrors::default();
    let window = errors.check(window_of(params.days));
    let worst = match params.order.as_deref().map(str::trim) {
        None | Some("") | Some("best") => false,
        Some("worst") => true,
        Some(_) => {
            errors.check::<()>(Err(Invalid::field("order", "invalid_value")));
            false
        }
    };
    let page = errors.check(PageRequest::parse(params.cursor.as_deref(), params.limit));
    errors.into_result()?;
    let (window, page) = (window.expect("checked"), page.expect("checked"));

    let grace = window.grace_from(calendar::current(&state));
    let rows: Vec<StationCounters> = state
        .store
        .station_counters(&CounterScope::Subtree(org.path.clone()), window.first(), window.last(), grace)
        .await?
        .into_iter()
        .filter(|row| row.status.is_listed() || row.days_counted > 0)
        .collect();
    let days = window.days();

    let aggregate = |org: &Org, rows: &[&StationCounters]| {
        let (stations, computed) = pooled(rows.iter().copied(), days);
        OrgAggregate { org_id: org.id, name: org.name.clone(), active: org.active, stations, indices: computed.into() }
    };
    let all: Vec<&StationCounters> = rows.iter().collect();
    let organisation = aggregate(&org, &all);

    // Each station under the child organisation on its path.
    let mut by_child: BTreeMap<OrgId, Vec<&StationCounters>> = BTreeMap::new();
    let mut own = Vec::new();
    for row in &rows {
        match child_on_path(&org.path, &row.org_path) {
            Some(child) => by_child.entry(child).or_default().push(row),
            None => own.push(row),
        }
    }
    let children = crate::foundation::organisations::whole_subtree(state, org.id, true, usize::MAX).await?;
    let children: Vec<OrgAggregate> = children
        .iter()
        .filter(|c| c.parent_id == Some(org.id))
        .map(|c| aggregate(c, by_child.get(&c.id).map(Vec::as_slice).unwrap_or_default()))
        .collect();
    let own_stations = (!own.is_empty() && !children.is_empty()).then(|| aggregate(&org, &own));

    let mut ranked: Vec<(&StationCounters, Indices)> =
        rows.iter().map(|row| (row, pooled([row], days).1)).collect();
    indices::rank(&mut ranked, worst, |(row, computed)| (computed.service_index, row.station_id));
    let skip = usize::try_from(page.after.unwrap_or(0).max(0)).unwrap_or(usize::MAX);
    let fetched: Vec<RankedStation> = ranked
        .into_iter()
        .enumerate()
        .skip(skip)
        .take(page.fetch_limit() as usize)
        .map(|(position, (row, computed))| RankedStation {
            rank: position as i64 + 1,
            station_id: row.station_id,
            code: row.code.clone(),
            name: row.name.clone(),
            org_id: row.org_id,
            status: row.status,
            indices: computed.into(),
        })
        .collect();
    let items = Page::from_fetched(fetched, page, |s| s.rank);

    Ok(OrgStationIndices {
        formula_version: FORMULA_VERSION,
        window: window.into(),
        organisation,
        own_stations,
        children,
        ranking: Ranking { order: if worst { "worst" } else { "best" }.to_owned(), items: items.items, next_cursor: items.next_cursor },
    })
}

/// The child of `root` on the way down to `path`, if `path` lies below it.
fn child_on_path(root: &OrgPath, path: &OrgPath) -> Option<OrgId> {
    path.ids().nth(root.depth()).filter(|_| root.covers(path))
}

// ---- the API ----

#[derive(Debug, Deserialize, IntoParams)]
pub struct DaysParams {
    /// China days ending today, 1 to 365 (default 30).
    pub days: Option<i64>,
}

/// A station's service indices over the last `days` China days: activity,
/// praise rate, feedback handling rate and time, and the combined index, each
/// with the counts it comes from (formulas: docs/indices.md).
#[utoipa::path(get, path = "/api/v1/stations/{id}/indices", tag = "stations", params(("id" = i64, Path), DaysParams),
    responses((status = 200, body = StationIndices), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_station_indices(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<DaysParams>) -> Result<axum::Json<StationIndices>, ApiError> {
    Ok(axum::Json(station_indices(&state, user.as_ref(), id, q.days).await?))
}

/// An organisation's service indices pooled over its subtree's stations, each
/// child organisation's, and its stations ranked best (or worst) first, paged
/// (staff of the organisation's subtree).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/station-indices", tag = "stations", params(("id" = i64, Path), OrgIndicesParams),
    responses((status = 200, body = OrgStationIndices), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_org_station_indices(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiQuery(q): ApiQuery<OrgIndicesParams>) -> Result<axum::Json<OrgStationIndices>, ApiError> {
    Ok(axum::Json(org_station_indices(&state, &user, id, &q).await?))
}

// ---- the console page ----

pub fn router() -> Router<AppState> {
    Router::new().route("/console/orgs/{id}/indices", get(console_indices))
}

#[derive(askama::Template)]
#[template(path = "stations/console_indices.html")]
struct IndicesPage {
    shell: Shell,
    org: Org,
    report: OrgStationIndices,
    days: i64,
    /// The windows offered, and whether each is the one shown.
    choices: Vec<(i64, bool)>,
    worst: bool,
    limit: u32,
}

impl IndicesPage {
    /// A score or figure, or a dash when there is none.
    fn figure(&self, value: impl std::borrow::Borrow<Option<f64>>) -> String {
        value.borrow().map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))
    }

    /// The link to this page with other choices.
    fn link(&self, days: impl std::borrow::Borrow<i64>, worst: impl std::borrow::Borrow<bool>, cursor: Option<&str>) -> String {
        let (days, worst) = (*days.borrow(), *worst.borrow());
        let order = if worst { "worst" } else { "best" };
        let mut url = format!("/console/orgs/{}/indices?days={days}&order={order}&limit={}", self.org.id, self.limit);
        if let Some(cursor) = cursor {
            url.push_str("&cursor=");
            url.push_str(cursor);
        }
        url
    }
}

async fn console_indices(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(params): ApiQuery<OrgIndicesParams>,
) -> Result<Response, ApiError> {
    let report = org_station_indices(&state, &user, id, &params).await?;
    let org = state.store.get_org(id).await?;
    let path = format!("/console/orgs/{id}/indices");
    Ok(render(IndicesPage {
        shell: Shell::new(lang, &csrf, &path, Some(&user)),
        org,
        days: report.window.days,
        choices: [7, 30, 90, 365].into_iter().map(|d| (d, d == report.window.days)).collect(),
        worst: report.ranking.order == "worst",
        limit: params.limit.unwrap_or(waystation_domain::kit::pagination::DEFAULT_LIMIT),
        report,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stations_fall_under_the_child_on_their_path() {
        let root = OrgPath::root(1).child(2);
        assert_eq!(child_on_path(&root, &root.child(5).child(9)), Some(5));
        assert_eq!(child_on_path(&root, &root.child(7)), Some(7));
        assert_eq!(child_on_path(&root, &root), None, "owned by the organisation itself");
        assert_eq!(child_on_path(&root, &OrgPath::root(1).child(3).child(4)), None, "outside the subtree");
    }
}
