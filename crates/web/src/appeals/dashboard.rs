//! The appeals dashboard of an organisation's subtree over a period — the
//! figures of `waystation_domain::appeals::dashboard`, as JSON, as a console
//! page (tables that say everything, charts drawn by `assets/src/appeals/
//! dashboard.js` with ECharts), and the export of a queue as CSV and XLSX.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::appeals::dashboard::{assemble, Dashboard};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::china_time::{self, china_day};
use waystation_domain::kit::pagination::MAX_LIMIT;
use waystation_domain::Invalid;

use super::api::{queue_page, Queue, QueueParams};
use crate::http::csrf::CsrfToken;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/appeals/dashboard", get(page))
        .route("/console/appeals/export.csv", get(export_page))
        .route("/console/appeals/export.xlsx", get(export_page_xlsx))
}

/// The longest period a dashboard covers, in days.
pub const MAX_PERIOD_DAYS: i64 = 731;
/// The most cases one export holds.
pub const MAX_EXPORT: usize = 100_000;

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PeriodParams {
    /// First day, China time (`2025-01-01`); default a year before `to`.
    pub from: Option<String>,
    /// Last day, included; default today.
    pub to: Option<String>,
}

/// The period asked, as China days (the days cases were filed on).
fn period(q: &PeriodParams) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let day = |text: &Option<String>, field: &'static str| -> Result<Option<NaiveDate>, Invalid> {
        text.as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Invalid::field(field, "invalid_date")))
            .transpose()
    };
    let to = day(&q.to, "to")?.unwrap_or_else(|| china_day(Utc::now()));
    let from = day(&q.from, "from")?.unwrap_or(to - Duration::days(364));
    if from > to || (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(Invalid::field("from", "invalid_period_range").into());
    }
    Ok((from, to))
}

/// A union's name beside its figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnionName {
    pub org_id: OrgId,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub org_id: OrgId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(value_type = Object)]
    pub figures: Dashboard,
    /// The names of the unions in `figures.by_union`.
    pub unions: Vec<UnionName>,
}

/// The dashboard of `org`'s subtree for the period (its case handlers and admins).
pub async fn dashboard_of(state: &AppState, user: &CurrentUser, org: OrgId, q: &PeriodParams) -> Result<DashboardView, ApiError> {
    let root = state.store.get_org(org).await?;
    user.require(Action::HandleAppeals, &root.path)?;
    let (from, to) = period(q)?;
    let figures = assemble(state.store.appeal_sums(org, from, to, china_day(Utc::now())).await?);
    let mut unions = Vec::with_capacity(figures.by_union.len());
    for load in figures.by_union.iter().take(50) {
        let name = state.store.get_org(load.org_id).await.map(|o| o.name).unwrap_or_default();
        unions.push(UnionName { org_id: load.org_id, name });
    }
    Ok(DashboardView { org_id: org, from, to, figures, unions })
}

/// The figures of an organisation's appeals over a period: counts by type,
/// category and state, rates, average days, satisfaction, overdue by union,
/// and where appeals came from (0.1° cells).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeals/dashboard", tag = "appeals", params(("id" = i64, Path), PeriodParams),
    responses((status = 200, body = DashboardView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodParams>,
) -> Result<axum::Json<DashboardView>, ApiError> {
    Ok(axum::Json(dashboard_of(&state, &user, org, &q).await?))
}

/// One row of a table: a label and its number.
pub struct Row {
    pub label: String,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "appeals/console_dashboard.html")]
struct DashboardPage {
    shell: Shell,
    org: OrgId,
    from: NaiveDate,
    to: NaiveDate,
    total: u64,
    green_channel: u64,
    rates: Vec<(&'static str, String)>,
    tables: Vec<(&'static str, &'static str, Vec<Row>)>,
    unions: Vec<(String, u64, u64, u64)>,
    heat: Vec<(String, u64)>,
    data: String,
    script: String,
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    org: Option<OrgId>,
    from: Option<String>,
    to: Option<String>,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))
}

async fn page(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, Query(flash): Query<Flash>, Query(q): Query<PageQuery>) -> Result<Response, ApiError> {
    let org = q.org.or_else(|| user.caller.scope_roots(Action::HandleAppeals).first().map(|g| g.org_id)).ok_or_else(ApiError::forbidden)?;
    let view = dashboard_of(&state, &user, org, &PeriodParams { from: q.from, to: q.to }).await?;
    let tr = Tr(lang);
    let label = |prefix: &str, key: &str| tr.get(&format!("{prefix}.{key}")).to_owned();
    let rows = |list: &[waystation_domain::appeals::dashboard::Count], prefix: &str| -> Vec<Row> {
        list.iter().map(|c| Row { label: label(prefix, &c.key), count: c.count }).collect()
    };
    let f = &view.figures;
    let names: HashMap<OrgId, &str> = view.unions.iter().map(|u| (u.org_id, u.name.as_str())).collect();
    // The charts' data: the same rows as the tables, with their labels.
    let chart_rows = |list: &[Row]| list.iter().map(|r| serde_json::json!({"label": r.label, "count": r.count})).collect::<Vec<_>>();
    let by_type = rows(&f.by_type, "appeals.type");
    let by_category: Vec<Row> = f.by_category.iter().map(|c| Row { label: super::rules(&state).category_name(tr, &c.key).to_owned(), count: c.count }).collect();
    let by_stage = rows(&f.by_stage, "appeals.stage");
    let by_union: Vec<Row> = f.by_union.iter().take(15).map(|u| Row { label: names.get(&u.org_id).unwrap_or(&"").to_string(), count: u.overdue }).collect();
    let data = serde_json::json!({
        "by_type": chart_rows(&by_type),
        "by_category": chart_rows(&by_category),
        "by_stage": chart_rows(&by_stage),
        "by_union": chart_rows(&by_union),
        "heat": f.heat,
    });
    let shell = Shell::new(lang, &csrf, "/console/appeals/dashboard", Some(&user)).with_flash(&flash);
    Ok(render(DashboardPage {
        org,
        from: view.from,
        to: view.to,
        total: f.total,
        green_channel: f.green_channel,
        rates: vec![
            ("appeals.dash.acceptance_rate", percent(f.acceptance_rate)),
            ("appeals.dash.closure_rate", percent(f.closure_rate)),
            ("appeals.dash.on_time_rate", percent(f.on_time_rate)),
            ("appeals.dash.avg_days_to_accept", number(f.avg_days_to_accept)),
            ("appeals.dash.avg_days_to_close", number(f.avg_days_to_close)),
            ("appeals.dash.satisfaction", format!("{} ({})", number(f.satisfaction), f.rated)),
        ],
        tables: vec![
            ("by_type", "appeals.dash.by_type", by_type),
            ("by_category", "appeals.dash.by_category", by_category),
            ("by_stage", "appeals.dash.by_stage", by_stage),
        ],
        unions: f.by_union.iter().take(50).map(|u| (names.get(&u.org_id).unwrap_or(&"").to_string(), u.open, u.overdue, u.escalated)).collect(),
        heat: f.heat.iter().take(20).map(|c| (format!("{:.1}, {:.1}", c.lat, c.lng), c.count)).collect(),
        // `</` never appears in JSON from serde_json inside a string unless the data holds it: escape it for the script tag.
        data: data.to_string().replace("</", "<\\/"),
        script: crate::http::assets::asset_url("dashboard.js"),
        shell,
    })
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// `all` (default), `own`, `supervised`, `overdue`, `green_channel` or `escalated`.
    pub queue: Option<Queue>,
    pub stage: Option<String>,
    pub category: Option<String>,
}

fn csv_field(value: &str) -> String {
    // Quote every field; a leading =, +, - or @ would be a formula to a spreadsheet.
    let safe = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

/// The columns of an export, as locale keys under `appeals.export.`.
const EXPORT_COLUMNS: [&str; 14] =
    ["case_number", "appeal_type", "category", "stage", "level", "outcome", "union", "filed_at", "due_on", "light", "escalated_on", "green_channel", "rating", "contact"];

/// The filtered queue for an export: the header, then every case the filter
/// selects (at most [`MAX_EXPORT`]), as the caller may see it.
async fn export_rows(state: &AppState, user: &CurrentUser, lang: Lang, org: OrgId, q: &ExportParams) -> Result<Vec<[String; 14]>, ApiError> {
    let tr = Tr(lang);
    let mut rows = vec![EXPORT_COLUMNS.map(|h| tr.get(&format!("appeals.export.{h}")).to_owned())];
    let mut cursor: Option<String> = None;
    let mut names: HashMap<OrgId, String> = HashMap::new();
    loop {
        let params = QueueParams { queue: q.queue, stage: q.stage.clone(), category: q.category.clone(), cursor: cursor.clone(), limit: Some(MAX_LIMIT) };
        let page = queue_page(state, user, org, &params).await?;
        for view in &page.items {
            if !names.contains_key(&view.org_id) {
                names.insert(view.org_id, state.store.get_org(view.org_id).await.map(|o| o.name).unwrap_or_default());
            }
            rows.push([
                view.case_number.clone(),
                tr.get(&format!("appeals.type.{}", view.appeal_type)).to_owned(),
                super::rules(state).category_name(tr, &view.category).to_owned(),
                tr.get(&format!("appeals.stage.{}", view.stage)).to_owned(),
                view.level.to_owned(),
                view.outcome.map(|o| tr.get(&format!("appeals.outcome.{o}")).to_owned()).unwrap_or_default(),
                names[&view.org_id].clone(),
                view.filed_at.with_timezone(&china_time::offset()).format("%Y-%m-%d %H:%M").to_string(),
                view.due.as_ref().map(|d| d.on.to_string()).unwrap_or_default(),
                view.due.as_ref().map(|d| d.light.to_owned()).unwrap_or_default(),
                view.escalated_on.map(|d| d.to_string()).unwrap_or_default(),
                view.green_channel.to_string(),
                view.rating.map(|r| r.to_string()).unwrap_or_default(),
                // Masked, and left out where the identity is hidden from the caller.
                view.contact.clone().unwrap_or_default(),
            ]);
        }
        match page.next_cursor {
            Some(next) if rows.len() <= MAX_EXPORT => cursor = Some(next),
            _ => break,
        }
    }
    Ok(rows)
}

/// The export's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// UTF-8 with a byte-order mark, which Excel reads as UTF-8; every field quoted.
    Csv,
    /// An Excel workbook of one sheet, cells as text.
    Xlsx,
}

fn csv_of(rows: &[[String; 14]]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in rows {
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn xlsx_of(rows: &[[String; 14]]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Style::new().set_bold();
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(&e);
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, value) in row.iter().enumerate() {
            // Written as strings, never as formulas, whatever they start with.
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            if r == 0 {
                sheet.write_string_with_format(r, c, value, &bold).map_err(failed)?;
            } else {
                sheet.write_string(r, c, value).map_err(failed)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    sheet.set_column_width(0, 22).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

/// The export of `org`'s filtered queue in `format`, as a download.
async fn export(state: &AppState, user: &CurrentUser, lang: Lang, org: OrgId, q: &ExportParams, format: Format) -> Result<Response, ApiError> {
    let rows = export_rows(state, user, lang, org, q).await?;
    let (body, content_type, extension) = match format {
        Format::Csv => (csv_of(&rows), "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (xlsx_of(&rows)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"appeals-{org}.{extension}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// The filtered queue of an organisation as CSV (its case handlers and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeals/export.csv", tag = "appeals", params(("id" = i64, Path), ExportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn api_export(State(state): State<AppState>, lang: Lang, user: CurrentUser, ApiPath(org): ApiPath<i64>, ApiQuery(q): ApiQuery<ExportParams>) -> Result<Response, ApiError> {
    export(&state, &user, lang, org, &q, Format::Csv).await
}

/// The filtered queue of an organisation as an Excel workbook (its case handlers and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeals/export.xlsx", tag = "appeals", params(("id" = i64, Path), ExportParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = ErrorBody)))]
pub async fn api_export_xlsx(State(state): State<AppState>, lang: Lang, user: CurrentUser, ApiPath(org): ApiPath<i64>, ApiQuery(q): ApiQuery<ExportParams>) -> Result<Response, ApiError> {
    export(&state, &user, lang, org, &q, Format::Xlsx).await
}

#[derive(Debug, Deserialize)]
struct ExportPageQuery {
    org: OrgId,
    queue: Option<Queue>,
}

async fn export_page(State(state): State<AppState>, lang: Lang, user: CurrentUser, Query(q): Query<ExportPageQuery>) -> Result<Response, ApiError> {
    let params = ExportParams { queue: q.queue, stage: None, category: None };
    export(&state, &user, lang, q.org, &params, Format::Csv).await
}

async fn export_page_xlsx(State(state): State<AppState>, lang: Lang, user: CurrentUser, Query(q): Query<ExportPageQuery>) -> Result<Response, ApiError> {
    let params = ExportParams { queue: q.queue, stage: None, category: None };
    export(&state, &user, lang, q.org, &params, Format::Xlsx).await
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("江门"), "\"江门\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "\"'-1\"");
    }
}
