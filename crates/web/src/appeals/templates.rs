//! Reply templates: a union's standard answers, offered on the reply form of
//! its cases and of those of the unions below it. Handlers and admins of a
//! union add and retire them; a reply may start from one.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_storage::ReplyTemplate;

use crate::http::csrf::CsrfToken;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiForm, ApiJson, ApiPath};
use crate::http::i18n::Lang;
use crate::http::page::{back, render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/appeals/templates", get(page).post(add_posted))
        .route("/console/appeals/templates/{id}/retire", post(retire_posted))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TemplateForm {
    /// Up to 60 characters, e.g. `欠薪已追回`.
    pub title: String,
    /// Up to 5,000 characters.
    pub body: String,
}

/// Adds a template to `org` (its case handlers and admins).
pub async fn add(state: &AppState, user: &CurrentUser, org: OrgId, form: &TemplateForm) -> Result<ReplyTemplate, ApiError> {
    let root = state.store.get_org(org).await?;
    user.require(Action::HandleAppeals, &root.path)?;
    Ok(state.store.create_reply_template(Some(user.user.id), org, &form.title, &form.body, Utc::now()).await?)
}

/// Retires a template of a union where the caller handles appeals.
pub async fn retire(state: &AppState, user: &CurrentUser, id: i64) -> Result<ReplyTemplate, ApiError> {
    let template = state.store.reply_template(id).await?;
    let org = state.store.get_org(template.org_id).await?;
    user.require(Action::HandleAppeals, &org.path)?;
    Ok(state.store.retire_reply_template(Some(user.user.id), id, Utc::now()).await?)
}

/// The templates a reply to a case handled by `org` may start from.
pub async fn offered_for(state: &AppState, org: OrgId) -> Result<Vec<ReplyTemplate>, ApiError> {
    let org = state.store.get_org(org).await?;
    Ok(state.store.reply_templates_on(&org.path).await?)
}

/// The templates offered in an organisation (its own and those above it).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeal-templates", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 403, body = ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, user: CurrentUser, ApiPath(org): ApiPath<i64>) -> Result<axum::Json<Vec<ReplyTemplate>>, ApiError> {
    let root = state.store.get_org(org).await?;
    user.require(Action::HandleAppeals, &root.path)?;
    Ok(axum::Json(offered_for(&state, org).await?))
}

/// Add a reply template to an organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/appeal-templates", tag = "appeals", params(("id" = i64, Path)), request_body = TemplateForm,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_add(State(state): State<AppState>, user: CurrentUser, ApiPath(org): ApiPath<i64>, ApiJson(form): ApiJson<TemplateForm>) -> Result<Response, ApiError> {
    let template = add(&state, &user, org, &form).await?;
    Ok((StatusCode::CREATED, axum::Json(template)).into_response())
}

/// Retire a reply template.
#[utoipa::path(post, path = "/api/v1/appeal-templates/{id}/retire", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_retire(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<ReplyTemplate>, ApiError> {
    Ok(axum::Json(retire(&state, &user, id).await?))
}

#[derive(Template)]
#[template(path = "appeals/console_templates.html")]
struct TemplatesPage {
    shell: Shell,
    org: OrgId,
    org_name: String,
    templates: Vec<ReplyTemplate>,
}

#[derive(Debug, Deserialize)]
struct OrgQuery {
    org: Option<OrgId>,
}

async fn page(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, Query(flash): Query<Flash>, Query(q): Query<OrgQuery>) -> Result<Response, ApiError> {
    let org = q.org.or_else(|| user.caller.scope_roots(Action::HandleAppeals).first().map(|g| g.org_id)).ok_or_else(ApiError::forbidden)?;
    let root = state.store.get_org(org).await?;
    user.require(Action::HandleAppeals, &root.path)?;
    let templates = offered_for(&state, org).await?;
    Ok(render(TemplatesPage {
        shell: Shell::new(lang, &csrf, "/console/appeals/templates", Some(&user)).with_flash(&flash),
        org,
        org_name: root.name,
        templates,
    }))
}

#[derive(Debug, Deserialize)]
struct PostedTemplate {
    org: OrgId,
    title: String,
    body: String,
}

async fn add_posted(State(state): State<AppState>, user: CurrentUser, ApiForm(form): ApiForm<PostedTemplate>) -> Response {
    let outcome = add(&state, &user, form.org, &TemplateForm { title: form.title, body: form.body }).await;
    back(&format!("/console/appeals/templates?org={}", form.org), outcome.map(|_| "appeals.template_added"))
}

#[derive(Debug, Deserialize)]
struct RetireForm {
    org: OrgId,
}

async fn retire_posted(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>, ApiForm(form): ApiForm<RetireForm>) -> Response {
    let outcome = retire(&state, &user, id).await;
    back(&format!("/console/appeals/templates?org={}", form.org), outcome.map(|_| "appeals.template_retired"))
}
