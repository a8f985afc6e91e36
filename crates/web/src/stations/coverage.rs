//! Coverage: where workers look for a station and how far the nearest one in
//! service is. Searches are counted in memory per ~1 km cell and written once
//! a minute (no write on the search path); admins read the worst-served cells
//! as a table or as a GeoJSON map layer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::stations::coverage::{worst_gaps, DemandCell, Gap, SERVED_WITHIN_M};
use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::search::{Filter, NearestQuery};
use waystation_domain::Invalid;
use waystation_storage::{Store, StoreError};

use super::search;
use super::{now_in_china, FieldErrors};
use crate::foundation::calendar;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// This server's demand counters, from the state.
pub fn demand(state: &AppState) -> &Arc<DemandLog> {
    state.part::<Arc<DemandLog>>()
}

/// Searches and appeals counted since the last flush, per cell.
#[derive(Default)]
pub struct DemandLog {
    searches: Mutex<HashMap<DemandCell, u64>>,
    /// Places where workers filed appeals (told by the appeals capability
    /// through the kit's `PlaceFinder::record_need`).
    appeals: Mutex<HashMap<DemandCell, u64>>,
}

fn count(counter: &Mutex<HashMap<DemandCell, u64>>, at: LatLng) {
    let mut counts = counter.lock().unwrap_or_else(|p| p.into_inner());
    *counts.entry(DemandCell::of(at)).or_insert(0) += 1;
}

impl DemandLog {
    pub fn record_search(&self, origin: LatLng) {
        count(&self.searches, origin);
    }

    pub fn record_appeal(&self, at: LatLng) {
        count(&self.appeals, at);
    }

    /// Writes the counts to the store (under today's date, China time).
    pub async fn flush(&self, store: &Arc<dyn Store>) -> Result<usize, StoreError> {
        let mut written = 0;
        for (kind, counter) in [("search", &self.searches), ("appeal", &self.appeals)] {
            let counts: Vec<(DemandCell, u64)> = counter.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
            if counts.is_empty() {
                continue;
            }
            let day = now_in_china().date();
            if let Err(error) = store.add_demand(day, kind, &counts).await {
                // Keep them for the next flush rather than lose them.
                let mut kept = counter.lock().unwrap_or_else(|p| p.into_inner());
                for (cell, count) in counts {
                    *kept.entry(cell).or_insert(0) += count;
                }
                return Err(error);
            }
            written += counts.len();
        }
        Ok(written)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CoverageParams {
    /// The organisation whose area is examined (the box around its stations).
    pub org: OrgId,
    /// How many days of demand, 1 to 365 (default 30).
    pub days: Option<i64>,
    /// How many of the worst cells, 1 to 500 (default 20).
    pub limit: Option<usize>,
    /// `json` (default) or `geojson` (a map layer of the cells).
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapView {
    /// The cell's centre (WGS-84).
    pub lat: f64,
    pub lng: f64,
    /// Searches (and visits) counted in the cell.
    pub demand: u64,
    /// Metres to the nearest station in service; null when there is none.
    pub nearest_m: Option<f64>,
    /// Demand × kilometres beyond 3 km.
    pub severity: f64,
}

impl GapView {
    fn of(gap: &Gap) -> Self {
        let centre = gap.cell.centre();
        Self {
            lat: centre.lat(),
            lng: centre.lng(),
            demand: gap.demand,
            nearest_m: gap.nearest_m.map(|m| m.round()),
            severity: (gap.severity() * 10.0).round() / 10.0,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coverage {
    pub days: i64,
    /// Cells with any demand in the area.
    pub cells: usize,
    pub demand: u64,
    /// Share of the demand within 3 km of a station in service.
    pub served_share: f64,
    /// The worst-served cells, worst first.
    pub worst: Vec<GapView>,
}

/// What a coverage question asks, checked (every problem reported together).
#[derive(Debug, Clone, Copy)]
pub struct CoverageRequest {
    pub days: i64,
    pub limit: usize,
    pub geojson: bool,
}

impl CoverageRequest {
    pub fn parse(days: Option<i64>, limit: Option<usize>, format: Option<&str>) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let days = days.unwrap_or(30);
        if !(1..=365).contains(&days) {
            errors.check::<()>(Err(Invalid::field("days", "invalid_value")));
        }
        let limit = limit.unwrap_or(20);
        if !(1..=500).contains(&limit) {
            errors.check::<()>(Err(Invalid::field("limit", "invalid_limit")));
        }
        let geojson = match format {
            None | Some("json") => false,
            Some("geojson") => true,
            Some(_) => {
                errors.check::<()>(Err(Invalid::field("format", "invalid_value")));
                false
            }
        };
        errors.into_result()?;
        Ok(Self { days, limit, geojson })
    }
}

/// The coverage of an organisation's area and its worst-served cells, worst
/// first; the API and the console page both ask this.
pub async fn coverage_of(state: &AppState, user: &CurrentUser, org: OrgId, request: CoverageRequest) -> Result<(Coverage, Vec<Gap>), ApiError> {
    let org = state.store.get_org(org).await.map_err(|_| ApiError::from(Invalid::field("org", "org_not_found")))?;
    user.require(Action::ViewStationRecords, &org.path)?;
    let CoverageRequest { days, limit, .. } = request;

    // Make this server's latest counts part of the answer.
    demand(&state).flush(&state.store).await?;
    let Some(bounds) = search::of(&state).read().bounds_within(&org.path) else {
        return Ok((Coverage { days, cells: 0, demand: 0, served_share: 1.0, worst: Vec::new() }, Vec::new()));
    };
    let margin = 0.2;
    let corner = |lat: f64, lng: f64| DemandCell::of(LatLng::new(lat.clamp(-90.0, 90.0), lng.clamp(-180.0, 180.0)).expect("clamped"));
    let to = now_in_china().date();
    let from = to - TimeDelta::days(days - 1);
    let cells = state
        .store
        .demand_in(from, to, corner(bounds.south - margin, bounds.west - margin), corner(bounds.north + margin, bounds.east + margin))
        .await?;
    let at = now_in_china();
    let gaps: Vec<Gap> = {
        let index = search::of(&state).read();
        cells
            .iter()
            .map(|(cell, demand)| {
                let query = NearestQuery {
                    origin: cell.centre(),
                    limit: 1,
                    radius_m: None,
                    at,
                    filter: Filter { serving_only: true, ..Filter::default() },
                };
                let nearest_m = index.nearest(&query, calendar::current(&state)).first().map(|hit| hit.distance_m);
                Gap { cell: *cell, demand: *demand, nearest_m }
            })
            .collect()
    };
    let demand: u64 = gaps.iter().map(|g| g.demand).sum();
    let served: u64 = gaps.iter().filter(|g| g.nearest_m.is_some_and(|m| m <= SERVED_WITHIN_M)).map(|g| g.demand).sum();
    let count = gaps.len();
    let worst = worst_gaps(gaps, limit);
    let coverage = Coverage {
        days,
        cells: count,
        demand,
        served_share: if demand == 0 { 1.0 } else { (served as f64 / demand as f64 * 1000.0).round() / 1000.0 },
        worst: worst.iter().map(GapView::of).collect(),
    };
    Ok((coverage, worst))
}

/// The cells as a GeoJSON map layer: one square per cell, its figures as properties.
pub fn gaps_geojson(worst: &[Gap]) -> serde_json::Value {
    let features: Vec<serde_json::Value> = worst
        .iter()
        .map(|gap| {
            let (s, w) = (f64::from(gap.cell.lat) / 100.0, f64::from(gap.cell.lng) / 100.0);
            let (n, e) = (s + 0.01, w + 0.01);
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
                "properties": GapView::of(gap),
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

/// Where demand lies far from any station in service, for an organisation's area.
#[utoipa::path(get, path = "/api/v1/stations/coverage", tag = "stations", params(CoverageParams),
    responses((status = 200, body = Coverage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_coverage(State(state): State<AppState>, user: CurrentUser, ApiQuery(q): ApiQuery<CoverageParams>) -> Result<Response, ApiError> {
    let request = CoverageRequest::parse(q.days, q.limit, q.format.as_deref())?;
    let (coverage, worst) = coverage_of(&state, &user, q.org, request).await?;
    if request.geojson {
        return Ok(([(header::CONTENT_TYPE, "application/geo+json")], gaps_geojson(&worst).to_string()).into_response());
    }
    Ok(axum::Json(coverage).into_response())
}
