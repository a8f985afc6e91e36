//! People: one's own account and sessions, and the roles staff grant on their
//! organisations' subtrees.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::audit::AuditEntry;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};
use waystation_storage::{GrantRecord, NewUser, SessionRecord, User};

use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// A role as its holder sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    pub grant_id: i64,
    #[schema(value_type = String, example = "org_admin")]
    pub role: Role,
    pub org_id: OrgId,
    pub org_name: String,
}

/// One's own account: the phone unmasked, since it is one's own.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    pub id: UserId,
    pub phone: String,
    pub name: Option<String>,
    pub has_password: bool,
    pub roles: Vec<RoleView>,
}

impl MeView {
    pub fn of(user: &User, grants: &[GrantRecord]) -> Self {
        Self {
            id: user.id,
            phone: user.phone.as_str().to_owned(),
            name: user.name.as_ref().map(|n| n.as_str().to_owned()),
            has_password: user.has_password,
            roles: grants
                .iter()
                .map(|g| RoleView { grant_id: g.id, role: g.role, org_id: g.org_id, org_name: g.org_name.clone() })
                .collect(),
        }
    }
}

/// A role holder as staff see them: the phone masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantView {
    pub grant_id: i64,
    pub user_id: UserId,
    pub name: Option<String>,
    /// Masked, e.g. `138****8000`; `GET /api/v1/users/{id}/phone` reveals it (logged).
    pub phone: String,
    #[schema(value_type = String, example = "case_handler")]
    pub role: Role,
    pub org_id: OrgId,
    pub org_name: String,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&GrantRecord> for GrantView {
    fn from(g: &GrantRecord) -> Self {
        Self {
            grant_id: g.id,
            user_id: g.user_id,
            name: g.user_name.as_ref().map(|n| n.as_str().to_owned()),
            phone: g.user_phone.masked(),
            role: g.role,
            org_id: g.org_id,
            org_name: g.org_name.clone(),
            granted_at: g.granted_at,
            revoked_at: g.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantPage {
    pub items: Vec<GrantView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session making this request.
    pub current: bool,
}

impl SessionView {
    pub fn of(session: &SessionRecord, current: i64) -> Self {
        Self {
            id: session.id,
            method: session.method.clone(),
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            expires_at: session.expires_at,
            ip: session.ip.clone(),
            user_agent: session.user_agent.clone(),
            current: session.id == current,
        }
    }
}

// ---- services ----

pub async fn set_my_name(state: &AppState, user: &CurrentUser, name: &str) -> Result<User, ApiError> {
    let name = PersonName::parse(name)?;
    Ok(state.store.rename_user(Some(user.user.id), user.user.id, name).await?)
}

pub async fn revoke_my_session(state: &AppState, user: &CurrentUser, session_id: i64) -> Result<(), ApiError> {
    Ok(state.store.revoke_session(user.user.id, session_id, Utc::now()).await?)
}

/// Grants `role` on `org_id` to the person with `phone`, creating their account
/// (without a password) when the phone is new.
pub async fn grant_role(
    state: &AppState,
    user: &CurrentUser,
    org_id: OrgId,
    phone: &str,
    role: &str,
    name: Option<&str>,
) -> Result<GrantRecord, ApiError> {
    let org = state.store.get_org(org_id).await?;
    let role: Role = role.parse()?;
    user.require(Action::GrantRole(role), &org.path)?;
    let phone = PhoneNumber::parse(phone)?;
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => Some(PersonName::parse(name)?),
        None => None,
    };
    let actor = Some(user.user.id);
    let target = match state.store.user_by_phone(&phone).await? {
        Some(target) => target,
        None => state.store.create_user(actor, NewUser { phone, name, password_hash: None }).await?,
    };
    Ok(state.store.grant_role(actor, target.id, org.id, role).await?)
}

pub async fn revoke_grant(state: &AppState, user: &CurrentUser, grant_id: i64) -> Result<GrantRecord, ApiError> {
    let grant = state.store.get_grant(grant_id).await?;
    user.require(Action::GrantRole(grant.role), &grant.org_path)?;
    Ok(state.store.revoke_grant(Some(user.user.id), grant_id).await?)
}

pub async fn grants_in(state: &AppState, user: &CurrentUser, org_id: OrgId, page: PageRequest) -> Result<Page<GrantRecord>, ApiError> {
    let org = state.store.get_org(org_id).await?;
    user.require(Action::ViewStaffConsole, &org.path)?;
    Ok(state.store.grants_in_subtree(org_id, page).await?)
}

/// The unmasked phone of someone in the caller's scope; every reveal is audited.
pub async fn reveal_phone(state: &AppState, user: &CurrentUser, target: UserId) -> Result<PhoneNumber, ApiError> {
    let person = state.store.get_user(target).await.map_err(|_| ApiError::not_found("user_not_found"))?;
    if person.id == user.user.id {
        return Ok(person.phone);
    }
    let grants = state.store.grants_of_user(target).await?;
    let Some(scope) = grants.iter().find(|g| user.require(Action::RevealPhone, &g.org_path).is_ok()) else {
        return Err(ApiError::forbidden());
    };
    let entry = AuditEntry::new(
        Utc::now(),
        Some(user.user.id),
        "person.phone_reveal",
        Some(scope.org_id),
        format!("user:{target}"),
        serde_json::json!({}),
    );
    state.store.record_audit(entry).await?;
    Ok(person.phone)
}

// ---- API ----

/// The signed-in account and its roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "people", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn api_me(State(state): State<AppState>, user: CurrentUser) -> Result<axum::Json<MeView>, ApiError> {
    let grants = state.store.grants_of_user(user.user.id).await?;
    Ok(axum::Json(MeView::of(&user.user, &grants)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NameChange {
    pub name: String,
}

/// Set one's display name.
#[utoipa::path(post, path = "/api/v1/me/name", tag = "people", request_body = NameChange,
    responses((status = 200, body = MeView), (status = 422, body = ErrorBody)))]
pub async fn api_set_my_name(State(state): State<AppState>, user: CurrentUser, ApiJson(body): ApiJson<NameChange>) -> Result<axum::Json<MeView>, ApiError> {
    let updated = set_my_name(&state, &user, &body.name).await?;
    let grants = state.store.grants_of_user(user.user.id).await?;
    Ok(axum::Json(MeView::of(&updated, &grants)))
}

/// One's live sessions, most recently used first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "people", responses((status = 200, body = Vec<SessionView>)))]
pub async fn api_my_sessions(State(state): State<AppState>, user: CurrentUser) -> Result<axum::Json<Vec<SessionView>>, ApiError> {
    let sessions = state.store.list_sessions(user.user.id, Utc::now()).await?;
    Ok(axum::Json(sessions.iter().map(|s| SessionView::of(s, user.session.id)).collect()))
}

/// End one of one's sessions (on a lost phone, say).
#[utoipa::path(post, path = "/api/v1/me/sessions/{id}/revoke", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn api_revoke_my_session(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, ApiError> {
    revoke_my_session(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<u32>,
}

impl PageQuery {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::parse(self.cursor.as_deref(), self.limit)?)
    }
}

/// Role holders in an organisation's subtree.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/grants", tag = "people", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = GrantPage), (status = 403, body = ErrorBody)))]
pub async fn api_list_grants(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(org_id): ApiPath<OrgId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<axum::Json<GrantPage>, ApiError> {
    let page = grants_in(&state, &user, org_id, query.request()?).await?;
    Ok(axum::Json(GrantPage { items: page.items.iter().map(GrantView::from).collect(), next_cursor: page.next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewGrant {
    /// The person's phone; an account is created if the phone is new.
    pub phone: String,
    /// One of `worker`, `representative`, `station_manager`, `case_handler`,
    /// `meeting_organiser`, `org_admin`, `system_admin`.
    pub role: String,
    /// The person's name, for a new account.
    pub name: Option<String>,
}

/// Grant a role on an organisation (and its subtree).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/grants", tag = "people", params(("id" = i64, Path)), request_body = NewGrant,
    responses((status = 201, body = GrantView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_grant_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(org_id): ApiPath<OrgId>,
    ApiJson(body): ApiJson<NewGrant>,
) -> Result<Response, ApiError> {
    let grant = grant_role(&state, &user, org_id, &body.phone, &body.role, body.name.as_deref()).await?;
    Ok((StatusCode::CREATED, axum::Json(GrantView::from(&grant))).into_response())
}

/// Revoke a role.
#[utoipa::path(post, path = "/api/v1/grants/{id}/revoke", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = GrantView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_revoke_grant(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<axum::Json<GrantView>, ApiError> {
    let grant = revoke_grant(&state, &user, id).await?;
    Ok(axum::Json(GrantView::from(&grant)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedPhone {
    pub user_id: UserId,
    pub phone: String,
}

/// A person's full phone number, for staff who must call them. Logged.
#[utoipa::path(get, path = "/api/v1/users/{id}/phone", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = RevealedPhone), (status = 403, body = ErrorBody)))]
pub async fn api_reveal_phone(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<UserId>) -> Result<axum::Json<RevealedPhone>, ApiError> {
    let phone = reveal_phone(&state, &user, id).await?;
    Ok(axum::Json(RevealedPhone { user_id: id, phone: phone.as_str().to_owned() }))
}
