//! The Open311 GeoReport v2 server (wiki.open311.org/GeoReport_v2), under
//! `/open311/v2/`, in JSON (`.json`) and XML (`.xml`): discovery, the service
//! list and definitions (our categories, their required fields as
//! attributes), POST and GET requests, one request, tokens; the spec's error
//! lists and statuses (400 bad input, 403 bad key, 404 unknown).
//!
//! Appeals are personal, so unlike a city's public pothole list: posting
//! needs an `api_key` (issued by a system admin through `POST
//! /api/v1/open311/keys`); reading a request by its number without a key
//! (what GeoReport v2 clients do) shows only its status, category, union
//! and dates — never its text or place — and only for requests that came
//! through Open311; with `api_key=` as a query parameter a system reads its
//! own requests in full; listing by filters alone needs the key. Nothing
//! answered names the worker or shows their phone.
//! `service_request_id` is the case number; open/closed follows the workflow
//! (every stage before the final answer is open).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use waystation_domain::appeals::{AppealType, CaseNumber, CategoryCode, FieldKind};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::people::PhoneNumber;
use waystation_domain::kit::china_time;
use waystation_storage::{Appeal, Open311Key, Open311Query};

use super::{file_as, rules, Filer, FilingForm, PlaceInput};
use crate::http::error::{message, ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::i18n::{Lang, Tr};
use crate::http::session::{random_token, token_hash, CurrentUser};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(top_get).post(top_post))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// The most requests one `GET requests` answers.
const MAX_REQUESTS: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON).
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    Some((name, format))
}

/// An answer in the asked format.
fn answer(format: Format, status: StatusCode, root: &str, value: &Value) -> Response {
    match format {
        Format::Json => (status, axum::Json(value)).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            xml(root, value, &mut out);
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

/// The element name of one item of a list called `plural`.
fn singular(plural: &str) -> &str {
    match plural {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

fn xml(name: &str, value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            for item in items {
                xml(singular(name), item, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (key, item) in map {
                xml(key, item, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(text) => out.push_str(&format!("<{name}>{}</{name}>", quick_xml::escape::escape(text.as_str()))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// The spec's error answer: a list of `{code, description}` with the status.
fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let body = json!([{ "code": status.as_u16(), "description": description }]);
    answer(format, status, "errors", &body)
}

fn not_found(format: Format, lang: Lang) -> Response {
    error(format, StatusCode::NOT_FOUND, message("open311_not_found", lang))
}

/// The live key of `api_key`, or the spec's 403.
async fn key_of(state: &AppState, format: Format, lang: Lang, api_key: Option<&str>) -> Result<Open311Key, Response> {
    let Some(api_key) = api_key.filter(|k| !k.is_empty()) else {
        return Err(error(format, StatusCode::FORBIDDEN, message("open311_api_key_required", lang)));
    };
    match state.store.open311_key(&token_hash(api_key)).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(error(format, StatusCode::FORBIDDEN, message("open311_api_key_invalid", lang))),
        Err(e) => Err(error(format, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
    }
}

/// The key if one is given (a wrong one is the spec's 403), else None.
async fn optional_key(state: &AppState, format: Format, lang: Lang, api_key: Option<&str>) -> Result<Option<Open311Key>, Response> {
    match api_key.filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(given) => key_of(state, format, lang, Some(given)).await.map(Some),
    }
}

fn datatype(kind: &FieldKind) -> (&'static str, &'static str) {
    match kind {
        FieldKind::Text { .. } => ("string", ""),
        FieldKind::AmountYuan => ("number", "yuan, e.g. 3200 or 3500.50"),
        FieldKind::Period => ("string", "a month (2025-07) or a range (2025-05..2025-07)"),
        FieldKind::Date => ("datetime", "a day, 2025-07-14"),
        FieldKind::Count => ("number", "a whole number from 1 to 100000"),
        FieldKind::Choice { .. } => ("singlevaluelist", ""),
    }
}

fn services(state: &AppState, tr: Tr) -> Value {
    let list: Vec<Value> = rules(state)
        .catalogue()
        .all()
        .map(|def| {
            let name = rules(state).category_name(tr, def.code.as_str());
            json!({
                "service_code": def.code.as_str(),
                "service_name": name,
                "description": name,
                // Every category has a definition: at least the appeal type.
                "metadata": true,
                "type": "realtime",
                "keywords": AppealType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(","),
                "group": if def.green_channel { "green_channel" } else { "general" },
            })
        })
        .collect();
    Value::Array(list)
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    api_key: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

async fn top_get(State(state): State<AppState>, lang: Lang, axum::extract::Path(file): axum::extract::Path<String>, Query(q): Query<Params>) -> Response {
    let Some((name, format)) = split(&file) else {
        return not_found(Format::Json, lang);
    };
    match name {
        "discovery" => answer(format, StatusCode::OK, "discovery", &json!({
            "changeset": "2026-12-02T00:00:00Z",
            "contact": "Waystation 职工驿站 — the union's appeals (诉求) service",
            "key_service": "API keys are issued by the system administrator (POST /api/v1/open311/keys).",
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": "/open311/v2",
                "changeset": "2026-12-02T00:00:00Z",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }],
        })),
        "services" => answer(format, StatusCode::OK, "services", &services(&state, Tr(lang))),
        "requests" => list_requests(&state, lang, format, q).await,
        _ => not_found(format, lang),
    }
}

async fn service_definition(State(state): State<AppState>, lang: Lang, axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let Some((code, format)) = split(&file) else {
        return not_found(Format::Json, lang);
    };
    let Ok(def) = rules(&state).category(code) else {
        return error(format, StatusCode::NOT_FOUND, message("unknown_category", lang));
    };
    let tr = Tr(lang);
    let mut attributes = vec![json!({
        "variable": true,
        "code": "appeal_type",
        "datatype": "singlevaluelist",
        "required": false,
        "datatype_description": "the kind of appeal (default: help)",
        "order": 1,
        "description": tr.get("appeals.type_label"),
        "values": AppealType::ALL.iter().map(|t| json!({"key": t.as_str(), "name": tr.get(&format!("appeals.type.{}", t.as_str()))})).collect::<Vec<_>>(),
    })];
    for (i, spec) in def.required.iter().enumerate() {
        let (datatype, description) = datatype(&spec.kind);
        let mut attribute = json!({
            "variable": true,
            "code": spec.name,
            "datatype": datatype,
            "required": true,
            "datatype_description": description,
            "order": i + 2,
            "description": tr.get(&format!("appeals.field.{}", spec.name)),
        });
        if let FieldKind::Choice { options } = &spec.kind {
            attribute["values"] = options.iter().map(|o| json!({"key": o, "name": o})).collect();
        }
        attributes.push(attribute);
    }
    answer(format, StatusCode::OK, "service_definition", &json!({ "service_code": def.code.as_str(), "attributes": attributes }))
}

/// A posted request's fields, in the order they came.
fn form_fields(body: &[u8]) -> Result<Vec<(String, String)>, ()> {
    serde_urlencoded::from_bytes(body).map_err(drop)
}

async fn top_post(State(state): State<AppState>, lang: Lang, axum::extract::Path(file): axum::extract::Path<String>, body: Bytes) -> Response {
    let Some(("requests", format)) = split(&file) else {
        return not_found(split(&file).map_or(Format::Json, |(_, f)| f), lang);
    };
    let Ok(fields) = form_fields(&body) else {
        return error(format, StatusCode::BAD_REQUEST, message("invalid_value", lang));
    };
    let one = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
    let key = match key_of(&state, format, lang, one("api_key").as_deref()).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let Some(service_code) = one("service_code") else {
        return error(format, StatusCode::BAD_REQUEST, message("open311_service_code_required", lang));
    };
    if rules(&state).category(&service_code).is_err() {
        return error(format, StatusCode::NOT_FOUND, message("unknown_category", lang));
    }
    let Some(phone) = one("phone") else {
        return error(format, StatusCode::BAD_REQUEST, message("open311_phone_required", lang));
    };
    let Ok(phone) = PhoneNumber::parse(&phone) else {
        return error(format, StatusCode::BAD_REQUEST, message("invalid_phone", lang));
    };
    // `attribute[code]=v` (and `attribute[code][]=v` for lists: the values joined by commas).
    let mut attributes: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &fields {
        if let Some(code) = name.strip_prefix("attribute[").and_then(|rest| rest.split(']').next()) {
            let entry = attributes.entry(code.to_owned()).or_default();
            if !entry.is_empty() {
                entry.push(',');
            }
            entry.push_str(value.trim());
        }
    }
    let appeal_type = attributes.remove("appeal_type").unwrap_or_else(|| "help".to_owned());
    let location = match (one("lat"), one("long")) {
        (Some(lat), Some(lng)) => match (lat.parse(), lng.parse()) {
            (Ok(lat), Ok(lng)) => Some(PlaceInput { lat, lng, datum: Some("wgs84".into()) }),
            _ => return error(format, StatusCode::BAD_REQUEST, message("invalid_value", lang)),
        },
        _ => None,
    };
    // The description, and the address when there is no point (kept with the text).
    let mut text = one("description").unwrap_or_default();
    if let Some(address) = one("address_string") {
        text = if text.is_empty() { address } else { format!("{text}\n{address}") };
    }
    let form = FilingForm {
        appeal_type,
        category: service_code,
        text,
        fields: attributes,
        location,
        division: None,
        hide_identity: false,
        contact_phone: None,
    };
    let filer = Filer { user_id: None, phone, worker_orgs: Vec::new(), open311_key: Some(key.id) };
    match file_as(&state, &filer, &form).await {
        Ok(appeal) => answer(format, StatusCode::OK, "service_requests", &json!([{
            "service_request_id": appeal.case_number.as_str(),
            "service_notice": crate::http::i18n::t(lang, "appeals.open311_notice"),
            "account_id": Value::Null,
        }])),
        Err(refused) => bad_request(format, lang, &refused),
    }
}

/// A refusal of our own rules as the spec's 400, naming each field at fault.
fn bad_request(format: Format, lang: Lang, refused: &ApiError) -> Response {
    if refused.status.is_server_error() {
        return error(format, refused.status, message("internal_error", lang));
    }
    let mut description = message(refused.code, lang).to_owned();
    for (field, code) in &refused.fields {
        description.push_str(&format!(" [{}: {}]", field.trim_start_matches("fields."), message(code, lang)));
    }
    error(format, StatusCode::BAD_REQUEST, &description)
}

fn when(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

async fn list_requests(state: &AppState, lang: Lang, format: Format, q: Params) -> Response {
    let key = match optional_key(state, format, lang, q.api_key.as_deref()).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let split_list = |text: &Option<String>| -> Vec<String> {
        text.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    };
    let mut query = Open311Query { key_id: key.as_ref().map(|k| k.id), limit: MAX_REQUESTS, ..Open311Query::default() };
    for id in split_list(&q.service_request_id) {
        match CaseNumber::parse(&id) {
            Ok(number) => query.case_numbers.push(number),
            Err(_) => return error(format, StatusCode::BAD_REQUEST, message("invalid_case_number", lang)),
        }
    }
    for code in split_list(&q.service_code) {
        match CategoryCode::parse(&code) {
            Ok(code) => query.categories.push(code),
            Err(_) => return error(format, StatusCode::BAD_REQUEST, message("unknown_category", lang)),
        }
    }
    let statuses = split_list(&q.status);
    if statuses.iter().any(|s| s != "open" && s != "closed") {
        return error(format, StatusCode::BAD_REQUEST, message("open311_invalid_status", lang));
    }
    query.open = match (statuses.iter().any(|s| s == "open"), statuses.iter().any(|s| s == "closed")) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    for (text, slot) in [(&q.start_date, &mut query.from), (&q.end_date, &mut query.to)] {
        if let Some(text) = text.as_deref().filter(|t| !t.is_empty()) {
            match when(text) {
                Some(at) => *slot = Some(at),
                None => return error(format, StatusCode::BAD_REQUEST, message("open311_invalid_date", lang)),
            }
        }
    }
    if key.is_none() && query.case_numbers.is_empty() {
        return error(format, StatusCode::FORBIDDEN, message("open311_api_key_required", lang));
    }
    // The spec's default: the last 90 days.
    if query.case_numbers.is_empty() && query.from.is_none() {
        query.from = Some(query.to.unwrap_or_else(Utc::now) - Duration::days(90));
    }
    match state.store.open311_requests(&query).await {
        Ok(appeals) => {
            let mut list = Vec::with_capacity(appeals.len());
            for appeal in &appeals {
                let full = key.as_ref().is_some_and(|k| appeal.open311_key == Some(k.id));
                list.push(request_view(state, lang, appeal, full).await);
            }
            answer(format, StatusCode::OK, "service_requests", &Value::Array(list))
        }
        Err(e) => error(format, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// One request as Open311 shows it: never the worker's name or phone; its
/// text and place only to the system that posted it (`full`).
async fn request_view(state: &AppState, lang: Lang, appeal: &Appeal, full: bool) -> Value {
    let tr = Tr(lang);
    let stage = appeal.state.stage;
    let mut notes = tr.get(&format!("appeals.stage.{}", stage.as_str())).to_owned();
    if let Some(outcome) = appeal.state.outcome {
        notes = format!("{notes}：{}", tr.get(&format!("appeals.outcome.{}", outcome.as_str())));
    }
    let agency = state.store.get_org(appeal.org_id).await.map(|o| o.name).unwrap_or_default();
    // The deadline's last moment, in China time.
    let expected = appeal.due.and_then(|(_, on)| {
        china_time::offset().from_local_datetime(&on.and_time(NaiveTime::from_hms_opt(23, 59, 59)?)).single()
    });
    json!({
        "service_request_id": appeal.case_number.as_str(),
        "status": if stage.is_open() { "open" } else { "closed" },
        "status_notes": notes,
        "service_name": rules(state).category_name(tr, appeal.category.as_str()),
        "service_code": appeal.category.as_str(),
        "description": if full { appeal.text.as_str() } else { "" },
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": appeal.created_at.with_timezone(&china_time::offset()).to_rfc3339(),
        "updated_datetime": appeal.updated_at.with_timezone(&china_time::offset()).to_rfc3339(),
        "expected_datetime": expected.map(|t| t.to_rfc3339()),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": appeal.location.filter(|_| full).map(|(lat, _)| lat),
        "long": appeal.location.filter(|_| full).map(|(_, lng)| lng),
        "media_url": "",
    })
}

#[derive(Debug, Default, Deserialize)]
struct KeyParam {
    api_key: Option<String>,
}

/// The request of `number` if it came through Open311 (with `key`: if that key posted it).
async fn open311_request(state: &AppState, key: Option<&Open311Key>, number: &str) -> Option<Appeal> {
    let number = CaseNumber::parse(number).ok()?;
    let appeal = state.store.appeal_by_case_number(&number).await.ok()??;
    match (key, appeal.open311_key) {
        (_, None) => None,
        (Some(key), Some(posted_with)) if posted_with != key.id => None,
        _ => Some(appeal),
    }
}

async fn one_request(State(state): State<AppState>, lang: Lang, axum::extract::Path(file): axum::extract::Path<String>, Query(q): Query<KeyParam>) -> Response {
    let Some((number, format)) = split(&file) else {
        return not_found(Format::Json, lang);
    };
    let key = match optional_key(&state, format, lang, q.api_key.as_deref()).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    match open311_request(&state, key.as_ref(), number).await {
        Some(appeal) => {
            let view = request_view(&state, lang, &appeal, key.is_some()).await;
            answer(format, StatusCode::OK, "service_requests", &json!([view]))
        }
        None => not_found(format, lang),
    }
}

/// Requests are numbered at once, so a token is the case number itself.
async fn token(State(state): State<AppState>, lang: Lang, axum::extract::Path(file): axum::extract::Path<String>, Query(q): Query<KeyParam>) -> Response {
    let Some((token, format)) = split(&file) else {
        return not_found(Format::Json, lang);
    };
    let key = match optional_key(&state, format, lang, q.api_key.as_deref()).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    match open311_request(&state, key.as_ref(), token).await {
        Some(appeal) => answer(format, StatusCode::OK, "service_requests", &json!([{
            "service_request_id": appeal.case_number.as_str(),
            "token": token,
        }])),
        None => not_found(format, lang),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct KeyRequest {
    /// Who the key is for, e.g. `江门市12345热线`.
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedKey {
    pub id: i64,
    pub label: String,
    /// Shown once: only its hash is kept.
    pub api_key: String,
}

/// Issue an API key of the Open311 server (system admins of the whole tree).
#[utoipa::path(post, path = "/api/v1/open311/keys", tag = "appeals", request_body = KeyRequest,
    responses((status = 201, body = IssuedKey), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_issue_key(State(state): State<AppState>, user: CurrentUser, ApiJson(body): ApiJson<KeyRequest>) -> Result<Response, ApiError> {
    let roots = state.store.list_roots().await?;
    let Some(root) = roots.first() else {
        return Err(ApiError::forbidden());
    };
    user.require(Action::ManageAppealRules, &root.path)?;
    let api_key = random_token();
    let key = state.store.create_open311_key(Some(user.user.id), &body.label, &token_hash(&api_key), Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(IssuedKey { id: key.id, label: key.label, api_key })).into_response())
}
