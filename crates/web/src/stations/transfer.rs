//! Importing a union's own list of stations (CSV in UTF-8 or GBK, GeoJSON) and
//! exporting public station data (CSV, GeoJSON, and the open GeoJSON feed).
//!
//! An import checks every row with the same rules as the station form, and
//! writes nothing unless every row is valid — or, when told to skip invalid
//! rows, writes the valid ones and lists the rest. Rows update the station of
//! the same national code, or of the same external id in the same
//! organisation; other rows create stations. Re-importing a file therefore
//! updates and never duplicates.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::{DivisionCode, OrgId};
use waystation_domain::stations::transfer::{self, DraftStation, Parsed, RowProblem, TextEncoding};
use waystation_domain::stations::{StationCode, StationStatus};
use waystation_storage::{ImportRow, Org, Station, StationListFilter, Store};

use super::search::StationSearch;
use super::search;
use super::{FieldErrors, PointInput, StationForm};
use crate::http::error::{message, ApiError, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::http::i18n::Lang;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// The largest file an import accepts.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Geojson,
}

impl Format {
    /// From a file name's extension.
    pub fn of_path(path: &str) -> Option<Self> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if lower.ends_with(".geojson") || lower.ends_with(".json") {
            Some(Format::Geojson)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the valid rows and list the invalid ones, instead of writing nothing.
    pub skip_invalid: bool,
    /// Check only; write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemView {
    /// CSV line (the header is line 1), or GeoJSON feature number (from 1); 0 = the whole file.
    pub line: usize,
    pub field: Option<String>,
    pub code: String,
    pub message: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// `utf8` or `gbk` for CSV files.
    pub encoding: Option<String>,
    /// Rows read (valid and invalid).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Whether anything was written.
    pub written: bool,
    /// Every invalid row, with its line and reason (skipped rows, when skipping).
    pub problems: Vec<ProblemView>,
}

/// The owner named in a file: a division code, or an organisation id.
async fn resolve_org(state: &dyn Store, cache: &mut HashMap<String, Option<Org>>, reference: &str) -> Option<Org> {
    if let Some(found) = cache.get(reference) {
        return found.clone();
    }
    let found = if reference.len() == 6 && reference.bytes().all(|b| b.is_ascii_digit()) {
        match DivisionCode::parse(reference) {
            Ok(code) => state.org_by_division_code(&code).await.ok().flatten(),
            Err(_) => None,
        }
    } else {
        match reference.parse::<OrgId>() {
            Ok(id) => state.get_org(id).await.ok(),
            Err(_) => None,
        }
    };
    cache.insert(reference.to_owned(), found.clone());
    found
}

fn problems_of(line: usize, error: &ApiError) -> Vec<RowProblem> {
    if error.fields.is_empty() {
        vec![RowProblem::new(line, None, error.code)]
    } else {
        error.fields.iter().map(|(field, code)| RowProblem::new(line, Some(field), code)).collect()
    }
}

/// Checks one draft row; the row to import, or its problems.
async fn check_row(
    state: &dyn Store,
    actor: Option<&CurrentUser>,
    orgs: &mut HashMap<String, Option<Org>>,
    line: usize,
    draft: DraftStation,
) -> Result<ImportRow, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let owner = resolve_org(state, orgs, &draft.org).await;
    match &owner {
        None => problems.push(RowProblem::new(line, Some("org"), "org_not_found")),
        Some(org) => {
            if actor.is_some_and(|user| user.require(Action::ManageStations, &org.path).is_err()) {
                problems.push(RowProblem::new(line, Some("org"), "forbidden"));
            }
        }
    }
    let mut target = None;
    if let Some(code) = &draft.code {
        match StationCode::parse(code) {
            Err(invalid) => problems.push(RowProblem::new(line, Some("code"), invalid.code)),
            Ok(code) => match state.station_by_code(&code).await {
                Ok(Some(station)) => {
                    if actor.is_some_and(|user| user.require(Action::EditStation, &station.org_path).is_err()) {
                        problems.push(RowProblem::new(line, Some("code"), "forbidden"));
                    }
                    target = Some(station.id);
                }
                _ => problems.push(RowProblem::new(line, Some("code"), "station_not_found")),
            },
        }
    }
    let amenities = match transfer::parse_amenities_cell(&draft.amenities) {
        Ok(amenities) => serde_json::to_value(&amenities).unwrap_or_default(),
        Err(invalid) => {
            problems.push(RowProblem::new(line, Some("amenities"), invalid.code));
            serde_json::Value::Null
        }
    };
    // A new station starts planned or open; an existing one keeps its status.
    let status = match draft.status.as_deref().map(str::parse::<StationStatus>).transpose() {
        Ok(None) => StationStatus::Open,
        Ok(Some(status)) if target.is_some() => status,
        Ok(Some(status @ (StationStatus::Planned | StationStatus::Open))) => status,
        Ok(Some(_)) => {
            problems.push(RowProblem::new(line, Some("status"), "status_transition_not_allowed"));
            StationStatus::Open
        }
        Err(invalid) => {
            problems.push(RowProblem::new(line, Some("status"), invalid.code));
            StationStatus::Open
        }
    };
    // A sheet without ids still re-imports without duplicates: its rows are known by name and address.
    let external_id = draft
        .external_id
        .clone()
        .or_else(|| draft.code.is_none().then(|| format!("{}|{}", draft.name, draft.address).chars().take(64).collect()));
    let form = StationForm {
        name: draft.name,
        kind: draft.kind,
        org_id: owner.as_ref().map_or(0, |o| o.id),
        partner_org_ids: Vec::new(),
        address: draft.address,
        location: PointInput { lat: draft.lat.unwrap_or(f64::NAN), lng: draft.lng.unwrap_or(f64::NAN), datum: draft.datum },
        opening_hours: draft.opening_hours,
        follows_working_calendar: draft.follows_working_calendar,
        amenities,
        manager_name: draft.manager_name,
        manager_phone: draft.manager_phone,
        rules: draft.rules,
        six_haves: None,
        external_id,
    };
    match form.validate() {
        Ok(input) if problems.is_empty() => Ok(ImportRow { input, status, target }),
        Ok(_) => Err(problems),
        Err(error) => {
            // The amenities cell was already judged above, in its own terms.
            let judged_amenities = problems.iter().any(|q| q.field.as_deref() == Some("amenities"));
            let more: Vec<RowProblem> = problems_of(line, &error)
                .into_iter()
                .filter(|p| !(judged_amenities && p.field.as_deref() == Some("amenities")))
                .collect();
            problems.extend(more);
            Err(problems)
        }
    }
}

/// Imports a file. `actor` is `None` for the command line, which acts for the
/// system; otherwise every row's owner must be in the caller's scope.
/// `progress(done, total)` is called as rows are checked.
pub async fn import(
    store: &Arc<dyn Store>,
    search: Option<&StationSearch>,
    actor: Option<&CurrentUser>,
    bytes: &[u8],
    format: Format,
    options: ImportOptions,
    lang: Lang,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<ImportReport, ApiError> {
    let (parsed, encoding): (Parsed, Option<TextEncoding>) = match format {
        Format::Csv => {
            let (text, encoding) = transfer::decode(bytes)?;
            (transfer::parse_csv(&text), Some(encoding))
        }
        Format::Geojson => {
            let text = std::str::from_utf8(bytes).map_err(|_| ApiError::from(waystation_domain::Invalid::field("file", "unknown_encoding")))?;
            (transfer::parse_geojson(text), None)
        }
    };
    let total = parsed.rows.len() + parsed.problems.iter().map(|p| p.line).collect::<std::collections::BTreeSet<_>>().len();
    let mut problems = parsed.problems;
    let mut rows = Vec::with_capacity(parsed.rows.len());
    let mut orgs = HashMap::new();
    for (i, (line, draft)) in parsed.rows.into_iter().enumerate() {
        match check_row(store.as_ref(), actor, &mut orgs, line, draft).await {
            Ok(row) => rows.push(row),
            Err(row_problems) => problems.extend(row_problems),
        }
        if i % 500 == 0 {
            progress(i, total);
        }
    }
    progress(total, total);
    problems.sort_by_key(|p| p.line);
    let write = !options.dry_run && !rows.is_empty() && (problems.is_empty() || options.skip_invalid);
    let outcome = if write {
        let outcome = store.import_station_rows(actor.map(|u| u.user.id), rows).await?;
        // Let this server's index catch up now rather than within the second.
        if let Some(search) = search {
            search.refresh(store).await?;
        }
        outcome
    } else {
        waystation_storage::ImportOutcome::default()
    };
    Ok(ImportReport {
        encoding: encoding.map(|e| serde_json::to_value(e).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
        rows: total,
        created: outcome.created,
        updated: outcome.updated,
        written: write,
        problems: problems
            .into_iter()
            .map(|p| ProblemView { message: message(p.code, lang).to_owned(), line: p.line, field: p.field, code: p.code.to_owned() })
            .collect(),
    })
}

// ---- export ----

/// Every station of a listing, following cursors to the end.
pub async fn all_stations(store: &dyn Store, filter: &StationListFilter) -> Result<Vec<Station>, ApiError> {
    first_stations(store, filter, usize::MAX).await
}

/// The stations of a listing, following cursors until at least `wanted` are
/// read (a whole page more at most) or the listing ends.
pub async fn first_stations(store: &dyn Store, filter: &StationListFilter, wanted: usize) -> Result<Vec<Station>, ApiError> {
    let mut all = Vec::new();
    let mut page = waystation_domain::kit::pagination::PageRequest { after: None, limit: waystation_domain::kit::pagination::MAX_LIMIT };
    loop {
        let fetched = store.list_stations(filter, page).await?;
        all.extend(fetched.items);
        match fetched.next_cursor {
            Some(cursor) if all.len() < wanted => page = waystation_domain::kit::pagination::PageRequest::parse(Some(&cursor), Some(page.limit))?,
            _ => return Ok(all),
        }
    }
}

/// The stations on the map (open and suspended), in id order, of a subtree or everywhere.
pub async fn public_stations(store: &dyn Store, within: Option<OrgId>) -> Result<Vec<Station>, ApiError> {
    let mut stations = Vec::new();
    for status in [StationStatus::Open, StationStatus::Suspended] {
        stations.extend(all_stations(store, &StationListFilter { within, status: Some(status), ..Default::default() }).await?);
    }
    stations.sort_by_key(|s| s.id);
    Ok(stations)
}

/// Public data as CSV: the columns an import reads, so an export re-imports unchanged.
pub fn to_csv(stations: &[Station]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(transfer::EXPORT_COLUMNS);
    for s in stations {
        let _ = writer.write_record([
            s.external_id.clone().unwrap_or_default(),
            s.code.as_str().to_owned(),
            s.name.clone(),
            s.kind.as_str().to_owned(),
            s.org_id.to_string(),
            s.address.clone(),
            format!("{:.6}", s.location.lat()),
            format!("{:.6}", s.location.lng()),
            s.hours.as_str().to_owned(),
            s.follows_working_calendar.to_string(),
            transfer::amenities_cell(&s.amenities),
            s.manager_name.clone().unwrap_or_default(),
            s.rules.clone(),
            s.status.as_str().to_owned(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Public data as an RFC 7946 FeatureCollection (WGS-84, longitude first).
pub fn to_geojson(stations: &[Station]) -> serde_json::Value {
    let features: Vec<serde_json::Value> = stations
        .iter()
        .map(|s| {
            serde_json::json!({
                "type": "Feature",
                "id": s.code.as_str(),
                "geometry": {"type": "Point", "coordinates": [round6(s.location.lng()), round6(s.location.lat())]},
                "properties": {
                    "code": s.code.as_str(),
                    "external_id": s.external_id,
                    "name": s.name,
                    "kind": s.kind.as_str(),
                    "org": s.org_id.to_string(),
                    "org_name": s.org_name,
                    "address": s.address,
                    "opening_hours": s.hours.as_str(),
                    "follows_working_calendar": s.follows_working_calendar,
                    "amenities": s.amenities,
                    "manager_name": s.manager_name,
                    "rules": s.rules,
                    "status": s.status.as_str(),
                }
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

// ---- API ----

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportParams {
    /// `csv` or `geojson`.
    pub format: Format,
    /// Write the valid rows and report the rest, instead of writing nothing.
    pub skip_invalid: Option<bool>,
    /// Check only.
    pub dry_run: Option<bool>,
}

/// Import stations from a CSV (UTF-8 or GBK) or GeoJSON file sent as the body.
/// Nothing is written unless every row is valid, or `skip_invalid` is set.
#[utoipa::path(post, path = "/api/v1/stations/import", tag = "stations", params(ImportParams),
    request_body(content = String, description = "The file itself (text/csv or application/geo+json)."),
    responses((status = 200, body = ImportReport, description = "written, or nothing written with `problems` listing every bad row"), (status = 403, body = ErrorBody)))]
pub async fn api_import(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !user.caller.grants.iter().any(|g| Action::ManageStations.permitted_roles().contains(&g.role)) {
        return Err(ApiError::forbidden());
    }
    // A row outside the caller's subtree makes the whole file refused (403), with every such row listed.
    let options = ImportOptions { skip_invalid: params.skip_invalid.unwrap_or(false), dry_run: params.dry_run.unwrap_or(false) };
    let report = import(&state.store, Some(search::of(&state)), Some(&user), &body, params.format, options, lang, &mut |_, _| {}).await?;
    let status = if report.problems.iter().any(|p| p.code == "forbidden") {
        StatusCode::FORBIDDEN
    } else if report.problems.is_empty() || report.written {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, axum::Json(report)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// `csv` or `geojson`.
    pub format: Format,
    /// Only stations of this organisation's subtree.
    pub org: Option<OrgId>,
}

/// Public station data (open and suspended stations) as CSV or GeoJSON.
#[utoipa::path(get, path = "/api/v1/stations/export", tag = "stations", params(ExportParams),
    responses((status = 200, description = "text/csv or application/geo+json"), (status = 422, body = ErrorBody)))]
pub async fn api_export(State(state): State<AppState>, ApiQuery(params): ApiQuery<ExportParams>) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    if let Some(org) = params.org {
        errors.check(state.store.get_org(org).await.map(|_| ()).map_err(|_| waystation_domain::Invalid::field("org", "org_not_found")));
    }
    errors.into_result()?;
    let stations = public_stations(state.store.as_ref(), params.org).await?;
    Ok(match params.format {
        Format::Csv => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"stations.csv\"")],
            to_csv(&stations),
        )
            .into_response(),
        Format::Geojson => ([(header::CONTENT_TYPE, "application/geo+json")], to_geojson(&stations).to_string()).into_response(),
    })
}

/// The open feed of every station on the map, for other map apps and the public.
/// Cached for five minutes; `ETag` changes whenever a station does.
pub async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let etag = format!("\"stations-{}\"", search::of(&state).applied_seq());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let stations = public_stations(state.store.as_ref(), None).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json".to_owned()),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (header::ETAG, etag),
        ],
        to_geojson(&stations).to_string(),
    )
        .into_response())
}
