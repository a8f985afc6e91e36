//! The organisation console: the union tree, one organisation with its
//! children and role holders, and the forms that change them. Other
//! capabilities' console pages are linked from its front page through the
//! console entries the crate root hands in.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::{OrgId, OrgKind};
use waystation_domain::foundation::people::Role;
use waystation_storage::{GrantRecord, Org};

use crate::foundation::organisations::{self, NewOrgInput};
use crate::foundation::pages::NameForm;
use crate::foundation::people;
use crate::http::error::ApiError;
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::nav::ConsoleEntry;
use crate::http::page::{ConsoleContext, back, console_entries, render, Flash, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(console))
        .route("/console/orgs/{id}", get(console_org))
        .route("/console/orgs/{id}/children", post(console_create_child))
        .route("/console/orgs/{id}/rename", post(console_rename))
        .route("/console/orgs/{id}/move", post(console_move))
        .route("/console/orgs/{id}/deactivate", post(console_deactivate))
        .route("/console/orgs/{id}/reactivate", post(console_reactivate))
        .route("/console/orgs/{id}/grants", post(console_grant))
        .route("/console/grants/{id}/revoke", post(console_revoke))
}

/// A role holder, and whether the caller may revoke the role.
pub struct GrantRow {
    pub record: GrantRecord,
    pub can_revoke: bool,
}

/// One row of an indented organisation tree.
pub struct TreeRow {
    pub org: Org,
    pub depth: usize,
}

/// Depth-first order of `orgs` (a subtree, in any order) below `root_depth`.
pub(crate) fn tree_rows(mut orgs: Vec<Org>) -> Vec<TreeRow> {
    orgs.sort_by(|a, b| a.path.ids().collect::<Vec<_>>().cmp(&b.path.ids().collect::<Vec<_>>()));
    let base = orgs.iter().map(|o| o.path.depth()).min().unwrap_or(1);
    orgs.into_iter().map(|org| TreeRow { depth: org.path.depth() - base, org }).collect()
}

/// At most this many organisations are drawn in one tree.
pub(crate) const TREE_CAP: usize = 2000;

#[derive(Template)]
#[template(path = "foundation/console.html")]
struct ConsolePage {
    shell: Shell,
    rows: Vec<TreeRow>,
    truncated: bool,
    /// The other capabilities' console pages the caller may open.
    entries: Vec<&'static ConsoleEntry>,
}

async fn console(ConsoleContext { state, lang, csrf, user }: ConsoleContext, Query(flash): Query<Flash>) -> Result<Response, ApiError> {
    let roots = user.caller.scope_roots(Action::ViewStaffConsole);
    if roots.is_empty() {
        return Err(ApiError::forbidden());
    }
    let mut rows = Vec::new();
    let mut truncated = false;
    for grant in roots {
        let subtree = organisations::whole_subtree(&state, grant.org_id, true, TREE_CAP).await?;
        truncated |= subtree.len() >= TREE_CAP;
        rows.extend(tree_rows(subtree));
    }
    let entries = console_entries(&state, &user);
    Ok(render(ConsolePage { shell: Shell::new(lang, &csrf, "/console", Some(&user)).with_flash(&flash), rows, truncated, entries }))
}

#[derive(Template)]
#[template(path = "foundation/console_org.html")]
struct ConsoleOrgPage {
    shell: Shell,
    org: Org,
    /// Ancestors from the root down, linked where the caller may open them.
    ancestors: Vec<(Org, bool)>,
    children: Vec<Org>,
    grants: Vec<GrantRow>,
    more_grants: bool,
    can_manage: bool,
    can_manage_parent: bool,
    /// Organisations the caller could move this one under.
    move_targets: Vec<TreeRow>,
    grantable_roles: Vec<Role>,
    child_kinds: Vec<OrgKind>,
}

async fn console_org(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
    ApiPath(id): ApiPath<OrgId>,
    Query(flash): Query<Flash>,
) -> Result<Response, ApiError> {
    let org = state.store.get_org(id).await?;
    user.require(Action::ViewStaffConsole, &org.path)?;
    let mut ancestors = Vec::new();
    for ancestor in org.path.ids().filter(|a| *a != org.id) {
        let ancestor = state.store.get_org(ancestor).await?;
        let viewable = user.require(Action::ViewStaffConsole, &ancestor.path).is_ok();
        ancestors.push((ancestor, viewable));
    }
    let subtree = organisations::whole_subtree(&state, org.id, true, TREE_CAP).await?;
    let children: Vec<Org> = subtree.into_iter().filter(|o| o.parent_id == Some(org.id)).collect();
    let page = state.store.grants_in_subtree(org.id, waystation_domain::kit::pagination::PageRequest::FIRST).await?;
    let can_manage = user.require(Action::ManageOrganisations, &org.path).is_ok();
    let can_manage_parent = match ancestors.last().map(|(parent, _)| parent) {
        Some(parent) => user.require(Action::ManageOrganisations, &parent.path).is_ok(),
        None => false,
    };
    let mut move_targets = Vec::new();
    if can_manage_parent {
        for grant in user.caller.scope_roots(Action::ManageOrganisations) {
            let candidates = organisations::whole_subtree(&state, grant.org_id, false, TREE_CAP).await?;
            let allowed: Vec<Org> = candidates
                .into_iter()
                .filter(|c| !org.path.covers(&c.path) && Some(c.id) != org.parent_id && !c.kind.is_partner())
                .filter(|c| c.kind.level().rank() < org.kind.level().rank() || org.kind.is_partner())
                .collect();
            move_targets.extend(tree_rows(allowed));
        }
    }
    let grantable_roles = Role::ALL.into_iter().filter(|r| user.require(Action::GrantRole(*r), &org.path).is_ok()).collect();
    let child_kinds = if org.kind.is_partner() {
        Vec::new()
    } else {
        OrgKind::ALL
            .into_iter()
            .filter(|k| k.is_partner() || k.level().rank() > org.kind.level().rank())
            .collect()
    };
    Ok(render(ConsoleOrgPage {
        shell: Shell::new(lang, &csrf, &format!("/console/orgs/{id}"), Some(&user)).with_flash(&flash),
        org,
        ancestors,
        children,
        more_grants: page.next_cursor.is_some(),
        grants: page
            .items
            .into_iter()
            .map(|record| GrantRow { can_revoke: user.require(Action::GrantRole(record.role), &record.org_path).is_ok(), record })
            .collect(),
        can_manage,
        can_manage_parent,
        move_targets,
        grantable_roles,
        child_kinds,
    }))
}

#[derive(Debug, Deserialize)]
struct ChildForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    division_code: Option<String>,
}

async fn console_create_child(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiForm(form): ApiForm<ChildForm>) -> Response {
    let input = NewOrgInput { parent_id: Some(id), kind: form.kind, name: form.name, division_code: form.division_code };
    match organisations::create(&state, &user, input).await {
        Ok(child) => Redirect::to(&format!("/console/orgs/{}?done=created", child.id)).into_response(),
        Err(error) => back(&format!("/console/orgs/{id}"), Err(error)),
    }
}

async fn console_rename(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiForm(form): ApiForm<NameForm>) -> Response {
    back(&format!("/console/orgs/{id}"), organisations::rename(&state, &user, id, &form.name).await.map(|_| "saved"))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    parent_id: Option<String>,
}

async fn console_move(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiForm(form): ApiForm<MoveForm>) -> Response {
    let parent = form.parent_id.as_deref().and_then(|p| p.trim().parse::<OrgId>().ok());
    back(&format!("/console/orgs/{id}"), organisations::move_to(&state, &user, id, parent).await.map(|_| "moved"))
}

async fn console_deactivate(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>) -> Response {
    back(&format!("/console/orgs/{id}"), organisations::set_active(&state, &user, id, false).await.map(|_| "deactivated"))
}

async fn console_reactivate(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>) -> Response {
    back(&format!("/console/orgs/{id}"), organisations::set_active(&state, &user, id, true).await.map(|_| "reactivated"))
}

#[derive(Debug, Deserialize)]
struct GrantForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    role: String,
    name: Option<String>,
}

async fn console_grant(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, ApiForm(form): ApiForm<GrantForm>) -> Response {
    let outcome = people::grant_role(&state, &user, id, &form.phone, &form.role, form.name.as_deref()).await;
    back(&format!("/console/orgs/{id}"), outcome.map(|_| "granted"))
}

async fn console_revoke(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Response {
    match people::revoke_grant(&state, &user, id).await {
        Ok(grant) => back(&format!("/console/orgs/{}", grant.org_id), Ok("revoked")),
        Err(error) => match state.store.get_grant(id).await {
            Ok(grant) => back(&format!("/console/orgs/{}", grant.org_id), Err(error)),
            Err(_) => back("/console", Err(error)),
        },
    }
}
