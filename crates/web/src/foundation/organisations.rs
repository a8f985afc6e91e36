//! Organisations: the union tree and its partners. Anyone may read the active
//! tree (workers pick their union from it); admins change their subtree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::audit::AuditRecord;
use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgKind, OrgName};
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_storage::{NewOrg, Org};

use crate::foundation::people::PageQuery;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgView {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    /// `national`, `province`, `city`, `district`, `street`, `enterprise_union`,
    /// `industry_union`, `regional_union`, or a partner kind: `youth_league`,
    /// `womens_federation`, `platform_company`, `bank`, `merchant`, `labour_bureau`.
    #[schema(value_type = String, example = "city")]
    pub kind: OrgKind,
    pub name: String,
    /// GB/T 2260 six-digit code, for provinces, cities and districts/counties.
    #[schema(value_type = Option<String>, example = "500103")]
    pub division_code: Option<DivisionCode>,
    pub active: bool,
    /// Ancestors' ids from the root down, this organisation's last.
    pub ancestry: Vec<OrgId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Org> for OrgView {
    fn from(org: &Org) -> Self {
        Self {
            id: org.id,
            parent_id: org.parent_id,
            kind: org.kind,
            name: org.name.clone(),
            division_code: org.division_code.clone(),
            active: org.active,
            ancestry: org.path.ids().collect(),
            created_at: org.created_at,
            updated_at: org.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPage {
    pub items: Vec<OrgView>,
    pub next_cursor: Option<String>,
}

/// What creating an organisation takes, as typed (validated here).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewOrgInput {
    pub parent_id: Option<OrgId>,
    pub kind: String,
    pub name: String,
    pub division_code: Option<String>,
}

// ---- services ----

/// The root of the tree (the national federation).
pub async fn root(state: &AppState) -> Result<Org, ApiError> {
    state.store.list_roots().await?.into_iter().next().ok_or(ApiError::not_found("org_not_found"))
}

pub async fn create(state: &AppState, user: &CurrentUser, input: NewOrgInput) -> Result<Org, ApiError> {
    let Some(parent_id) = input.parent_id else {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "parent_required").with_field("parent_id", "parent_required"));
    };
    let parent = state.store.get_org(parent_id).await.map_err(|e| match e {
        waystation_storage::StoreError::NotFound { .. } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "org_not_found").with_field("parent_id", "org_not_found")
        }
        other => other.into(),
    })?;
    user.require(Action::ManageOrganisations, &parent.path)?;
    let kind = input.kind.parse::<OrgKind>();
    let name = OrgName::parse(&input.name);
    let code = match input.division_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => DivisionCode::parse(code).map(Some),
        None => Ok(None),
    };
    let (kind, name, division_code) = match (kind, name, code) {
        (Ok(k), Ok(n), Ok(c)) => (k, n, c),
        (k, n, c) => {
            let problems: Vec<_> = [k.err(), n.err(), c.err()].into_iter().flatten().collect();
            let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, if problems.len() == 1 { problems[0].code } else { "invalid_input" });
            for p in problems {
                error = error.with_field(p.field.unwrap_or("body"), p.code);
            }
            return Err(error);
        }
    };
    Ok(state.store.create_org(Some(user.user.id), NewOrg { parent_id: Some(parent_id), kind, name, division_code }).await?)
}

pub async fn rename(state: &AppState, user: &CurrentUser, id: OrgId, name: &str) -> Result<Org, ApiError> {
    let org = state.store.get_org(id).await?;
    user.require(Action::ManageOrganisations, &org.path)?;
    let name = OrgName::parse(name)?;
    Ok(state.store.rename_org(Some(user.user.id), id, name).await?)
}

/// Moving changes two subtrees: the caller must manage both the old parent's and
/// the new parent's.
pub async fn move_to(state: &AppState, user: &CurrentUser, id: OrgId, new_parent: Option<OrgId>) -> Result<Org, ApiError> {
    let org = state.store.get_org(id).await?;
    let Some(new_parent) = new_parent else {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "parent_required").with_field("parent_id", "parent_required"));
    };
    let Some(old_parent) = org.parent_id else {
        return Err(ApiError::new(StatusCode::CONFLICT, "root_cannot_move"));
    };
    let old_parent = state.store.get_org(old_parent).await?;
    user.require(Action::ManageOrganisations, &old_parent.path)?;
    let target = state.store.get_org(new_parent).await.map_err(|_| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "org_not_found").with_field("parent_id", "org_not_found")
    })?;
    user.require(Action::ManageOrganisations, &target.path)?;
    Ok(state.store.move_org(Some(user.user.id), id, new_parent).await?)
}

/// Deactivation and reactivation are decided by whoever manages the parent.
pub async fn set_active(state: &AppState, user: &CurrentUser, id: OrgId, active: bool) -> Result<Org, ApiError> {
    let org = state.store.get_org(id).await?;
    let scope = match org.parent_id {
        Some(parent) => state.store.get_org(parent).await?.path,
        None => org.path.clone(),
    };
    user.require(Action::ManageOrganisations, &scope)?;
    Ok(state.store.set_org_active(Some(user.user.id), id, active).await?)
}

/// Every organisation in a subtree, following cursors to the end (for the console).
pub async fn whole_subtree(state: &AppState, root: OrgId, include_inactive: bool, cap: usize) -> Result<Vec<Org>, ApiError> {
    let mut all = Vec::new();
    let mut request = PageRequest { after: None, limit: waystation_domain::kit::pagination::MAX_LIMIT };
    loop {
        let page = state.store.list_subtree(root, include_inactive, request).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) if all.len() < cap => request = PageRequest::parse(Some(&cursor), Some(request.limit))?,
            _ => break,
        }
    }
    Ok(all)
}

// ---- API ----

#[derive(Debug, Deserialize, IntoParams)]
pub struct OrgListQuery {
    /// The subtree's root; the national root when absent.
    pub root: Option<OrgId>,
    /// Include deactivated organisations (staff of that subtree only).
    pub include_inactive: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Organisations of a subtree (public: active organisations only).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", params(OrgListQuery),
    responses((status = 200, body = OrgPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiQuery(query): ApiQuery<OrgListQuery>) -> Result<axum::Json<OrgPage>, ApiError> {
    let request = PageQuery { cursor: query.cursor, limit: query.limit }.request()?;
    let root = match query.root {
        Some(id) => state.store.get_org(id).await?,
        None => root(&state).await?,
    };
    let include_inactive = query.include_inactive.unwrap_or(false);
    if include_inactive {
        user.as_ref().ok_or_else(ApiError::unauthenticated)?.require(Action::ViewStaffConsole, &root.path)?;
    }
    let page: Page<Org> = state.store.list_subtree(root.id, include_inactive, request).await?;
    Ok(axum::Json(OrgPage { items: page.items.iter().map(OrgView::from).collect(), next_cursor: page.next_cursor }))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub async fn api_get(State(state): State<AppState>, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<OrgId>) -> Result<axum::Json<OrgView>, ApiError> {
    let org = state.store.get_org(id).await?;
    if !org.active {
        // Deactivated organisations are history: staff of the subtree only.
        user.as_ref().ok_or_else(|| ApiError::not_found("org_not_found"))?.require(Action::ViewStaffConsole, &org.path)?;
    }
    Ok(axum::Json(OrgView::from(&org)))
}

/// Create an organisation under a parent the caller manages.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "organisations", request_body = NewOrgInput,
    responses((status = 201, body = OrgView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_create(State(state): State<AppState>, user: CurrentUser, ApiJson(input): ApiJson<NewOrgInput>) -> Result<Response, ApiError> {
    let org = create(&state, &user, input).await?;
    Ok((StatusCode::CREATED, axum::Json(OrgView::from(&org))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgRename {
    pub name: String,
}

/// Rename an organisation.
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "organisations", params(("id" = i64, Path)), request_body = OrgRename,
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_rename(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiJson(body): ApiJson<OrgRename>) -> Result<axum::Json<OrgView>, ApiError> {
    Ok(axum::Json(OrgView::from(&rename(&state, &user, id, &body.name).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgMove {
    pub parent_id: Option<OrgId>,
}

/// Move an organisation (with its subtree) under another parent.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/move", tag = "organisations", params(("id" = i64, Path)), request_body = OrgMove,
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_move(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiJson(body): ApiJson<OrgMove>) -> Result<axum::Json<OrgView>, ApiError> {
    Ok(axum::Json(OrgView::from(&move_to(&state, &user, id, body.parent_id).await?)))
}

/// Deactivate an organisation (its children first). Nothing with history is deleted.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/deactivate", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_deactivate(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>) -> Result<axum::Json<OrgView>, ApiError> {
    Ok(axum::Json(OrgView::from(&set_active(&state, &user, id, false).await?)))
}

/// Reactivate an organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/reactivate", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_reactivate(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>) -> Result<axum::Json<OrgView>, ApiError> {
    Ok(axum::Json(OrgView::from(&set_active(&state, &user, id, true).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub org_id: Option<OrgId>,
    pub subject: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: String,
}

impl From<&AuditRecord> for AuditView {
    fn from(r: &AuditRecord) -> Self {
        Self {
            seq: r.seq,
            at: r.entry.at,
            actor_id: r.entry.actor,
            action: r.entry.action.clone(),
            org_id: r.entry.org_id,
            subject: r.entry.subject.clone(),
            detail: serde_json::from_str(&r.entry.detail).unwrap_or(serde_json::Value::Null),
            hash: r.hash.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub next_cursor: Option<String>,
}

/// The audit log of an organisation's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/audit", tag = "organisations", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
pub async fn api_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    let org = state.store.get_org(id).await?;
    user.require(Action::ReadAudit, &org.path)?;
    let page = state.store.audit_in_subtree(id, query.request()?).await?;
    Ok(axum::Json(AuditPage { items: page.items.iter().map(AuditView::from).collect(), next_cursor: page.next_cursor }))
}
