//! The coverage of search demand by stations, on a map and in a table.

use askama::Template;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use waystation_domain::foundation::access::Action;

use crate::http::assets::asset_url;
use crate::http::error::ApiError;
use crate::http::extract::ApiQuery;
use crate::http::i18n::Tr;
use crate::http::page::{ConsoleContext, render, Shell};
use crate::stations::coverage::{coverage_of, gaps_geojson, CoverageRequest, GapView};
use crate::stations::tiles::{self, TileConfig};

use super::context::{org_choices, shell, AskedOrg, Choice, Outcome};

// ---- coverage ----

#[derive(Debug, Default, Deserialize)]
pub(super) struct CoverageQuery {
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
    tiles: &'a TileConfig,
    cells: serde_json::Value,
    /// The worst severity, for the colour scale.
    worst: f64,
}

/// The table lists this many of the worst cells.
const GAP_ROWS: usize = 50;

pub(super) async fn coverage_page(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
    ApiQuery(query): ApiQuery<CoverageQuery>,
    AskedOrg(org_id): AskedOrg,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
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
                Some(m) => crate::stations::pages::distance_text(tr, m),
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
        tiles: tiles::of(&state),
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
