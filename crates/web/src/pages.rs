//! The server-rendered pages: sign-in, my account, the staff console.
//! Mobile-first HTML, no client framework; every text from the locale files.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use waystation_domain::access::Action;
use waystation_domain::organisations::{OrgId, OrgKind};
use waystation_domain::people::Role;
use waystation_storage::{GrantRecord, Org, SessionRecord};

use crate::assets::asset_url;
use crate::error::{message, ApiError};
use crate::extract::{ApiForm, ApiPath};
use crate::i18n::{Lang, Tr, LANG_COOKIE};
use crate::organisations::{self, NewOrgInput};
use crate::session::{random_token, set_cookie, ClientIp, CsrfToken, CurrentUser, MaybeUser, SESSION_COOKIE};
use crate::{people, sign_in, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/lang/{code}", get(switch_language))
        .route("/sign-in", get(sign_in_page))
        .route("/sign-in/code", post(sign_in_send_code))
        .route("/sign-in/verify", post(sign_in_verify))
        .route("/sign-in/password", post(sign_in_password))
        .route("/sign-out", post(sign_out))
        .route("/account", get(account))
        .route("/account/name", post(account_name))
        .route("/account/sessions/{id}/revoke", post(account_revoke_session))
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

/// What the frame of every page needs.
pub struct Shell {
    pub tr: Tr,
    pub lang: Lang,
    pub csrf: String,
    pub path: String,
    pub user_name: Option<String>,
    pub is_staff: bool,
    pub css: String,
    pub js: String,
    /// A message to show at the top: an error or a confirmation.
    pub notice: Option<Notice>,
}

pub struct Notice {
    pub error: bool,
    pub text: &'static str,
}

impl Shell {
    pub(crate) fn new(lang: Lang, csrf: &CsrfToken, path: &str, user: Option<&CurrentUser>) -> Self {
        Self {
            tr: Tr(lang),
            lang,
            csrf: csrf.0.clone(),
            path: path.to_owned(),
            user_name: user.map(CurrentUser::display_name),
            is_staff: user.is_some_and(|u| u.caller.is_staff()),
            css: asset_url("app.css"),
            js: asset_url("app.js"),
            notice: None,
        }
    }

    pub(crate) fn with_flash(mut self, flash: &Flash) -> Self {
        self.notice = flash.notice(self.lang);
        self
    }

    fn with_error(mut self, error: &ApiError) -> Self {
        let text = match error.fields.first() {
            Some((_, code)) => message(code, self.lang),
            None => message(error.code, self.lang),
        };
        self.notice = Some(Notice { error: true, text });
        self
    }

    /// A fresh idempotency key for one form.
    pub fn form_key(&self) -> String {
        random_token()[..32].to_owned()
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "en",
            Lang::En => "zh-CN",
        }
    }

    /// The translated name of a kind or role, however deeply referenced.
    pub fn kind(&self, kind: impl Labelled) -> &'static str {
        self.tr.get(&kind.label_key())
    }

    pub fn role(&self, role: impl Labelled) -> &'static str {
        self.tr.get(&role.label_key())
    }

    /// Full-width spaces that indent a tree row inside a `<select>`.
    pub fn indent(&self, depth: impl std::borrow::Borrow<usize>) -> String {
        "\u{3000}".repeat(*depth.borrow())
    }

    pub fn time(&self, at: impl std::borrow::Borrow<chrono::DateTime<Utc>>) -> String {
        let at = at.borrow();
        // Shown in China Standard Time, where the users are.
        let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
        at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Something with a translated name under a locale key.
pub trait Labelled {
    fn label_key(&self) -> String;
}

impl Labelled for OrgKind {
    fn label_key(&self) -> String {
        format!("kind.{}", self.as_str())
    }
}

impl Labelled for Role {
    fn label_key(&self) -> String {
        format!("role.{}", self.as_str())
    }
}

impl<T: Labelled + ?Sized> Labelled for &T {
    fn label_key(&self) -> String {
        (**self).label_key()
    }
}

/// `?error=code` or `?done=key` after a form post redirects back.
#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    error: Option<String>,
    done: Option<String>,
}

impl Flash {
    fn notice(&self, lang: Lang) -> Option<Notice> {
        let known = |key: String| crate::i18n::keys(lang).contains(&key.as_str()).then(|| crate::i18n::t(lang, &key));
        if let Some(text) = self.error.as_ref().and_then(|code| known(format!("error.{code}"))) {
            return Some(Notice { error: true, text });
        }
        self.done.as_ref().and_then(|key| known(format!("done.{key}"))).map(|text| Notice { error: false, text })
    }
}

pub(crate) fn render(template: impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => ApiError::internal(&error).into_response(),
    }
}

#[derive(Template)]
#[template(path = "kit/error.html")]
struct ErrorPage {
    shell: Shell,
    title: &'static str,
}

pub fn error_page(lang: Lang, error: &ApiError) -> Response {
    let shell = Shell::new(lang, &CsrfToken(String::new()), "/", None);
    let title = match error.fields.first() {
        Some((_, code)) => message(code, lang),
        None => message(error.code, lang),
    };
    let mut response = render(ErrorPage { shell, title });
    *response.status_mut() = error.status;
    response
}

/// Where to go after a form: back to `to` (which may have a query of its
/// own), with the outcome in the query.
pub(crate) fn back(to: &str, outcome: Result<&str, ApiError>) -> Response {
    let join = if to.contains('?') { '&' } else { '?' };
    let url = match outcome {
        Ok(done) => format!("{to}{join}done={done}"),
        Err(error) if error.status == StatusCode::UNAUTHORIZED || error.status == StatusCode::INTERNAL_SERVER_ERROR => {
            return error.into_response()
        }
        Err(error) => {
            let code = error.fields.first().map(|(_, c)| *c).unwrap_or(error.code);
            format!("{to}{join}error={code}")
        }
    };
    Redirect::to(&url).into_response()
}

/// Only same-site paths are followed after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/account".to_owned(),
    }
}

// ---- home and language ----

#[derive(Template)]
#[template(path = "foundation/home.html")]
struct HomePage {
    shell: Shell,
}

async fn home(lang: Lang, csrf: CsrfToken, MaybeUser(user): MaybeUser) -> Response {
    render(HomePage { shell: Shell::new(lang, &csrf, "/", user.as_ref()) })
}

#[derive(Debug, Deserialize)]
struct Back {
    next: Option<String>,
}

/// Switches the language and remembers the choice for a year.
async fn switch_language(State(state): State<AppState>, ApiPath(code): ApiPath<String>, Query(back): Query<Back>) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return ApiError::not_found("not_found").into_response();
    };
    let cookie = set_cookie(&state, LANG_COOKIE, lang.code(), Some(chrono::TimeDelta::days(365)));
    let next = match back.next.as_deref() {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n.to_owned(),
        _ => "/".to_owned(),
    };
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}

// ---- sign-in ----

#[derive(Template)]
#[template(path = "foundation/sign_in.html")]
struct SignInPage {
    shell: Shell,
    next: String,
    phone: String,
    /// Set once a code was sent: the masked phone it went to.
    code_sent_to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SignInQuery {
    next: Option<String>,
}

async fn sign_in_page(lang: Lang, csrf: CsrfToken, MaybeUser(user): MaybeUser, Query(query): Query<SignInQuery>) -> Response {
    let next = safe_next(query.next.as_deref());
    if user.is_some() {
        return Redirect::to(&next).into_response();
    }
    render(SignInPage { shell: Shell::new(lang, &csrf, "/sign-in", None), next, phone: String::new(), code_sent_to: None })
}

#[derive(Debug, Deserialize)]
struct PhoneForm {
    #[serde(default)]
    phone: String,
    next: Option<String>,
}

async fn sign_in_send_code(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, ip: ClientIp, ApiForm(form): ApiForm<PhoneForm>) -> Response {
    let next = safe_next(form.next.as_deref());
    match sign_in::request_code(&state, &ip, &form.phone).await {
        Ok(phone) => render(SignInPage {
            shell: Shell::new(lang, &csrf, "/sign-in", None),
            next,
            phone: phone.as_str().to_owned(),
            code_sent_to: Some(phone.masked()),
        }),
        Err(error) => sign_in_refused(&error, lang, &csrf, next, form.phone, false),
    }
}

/// The sign-in page again, with the reason a step was refused; on the code
/// step when `at_code_step`.
fn sign_in_refused(error: &ApiError, lang: Lang, csrf: &CsrfToken, next: String, phone: String, at_code_step: bool) -> Response {
    let code_sent_to = if at_code_step {
        waystation_domain::people::PhoneNumber::parse(&phone).map(|p| p.masked()).ok()
    } else {
        None
    };
    let shell = Shell::new(lang, csrf, "/sign-in", None).with_error(error);
    let mut response = render(SignInPage { shell, next, phone, code_sent_to });
    *response.status_mut() = error.status;
    if let Some(secs) = error.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    response
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

async fn sign_in_verify(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    ip: ClientIp,
    headers: HeaderMap,
    ApiForm(form): ApiForm<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match sign_in::sign_in_with_code(&state, &ip, &headers, &form.phone, &form.code).await {
        Ok(signed_in) => ([(header::SET_COOKIE, signed_in.cookie(&state))], Redirect::to(&next)).into_response(),
        Err(error) => sign_in_refused(&error, lang, &csrf, next, form.phone, true),
    }
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn sign_in_password(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    ip: ClientIp,
    headers: HeaderMap,
    ApiForm(form): ApiForm<PasswordForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match sign_in::sign_in_with_password(&state, &ip, &headers, &form.phone, &form.password).await {
        Ok(signed_in) => ([(header::SET_COOKIE, signed_in.cookie(&state))], Redirect::to(&next)).into_response(),
        Err(error) => sign_in_refused(&error, lang, &csrf, next, form.phone, false),
    }
}

async fn sign_out(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    if let Some(user) = user {
        if let Err(error) = people::revoke_my_session(&state, &user, user.session.id).await {
            return error.into_response();
        }
    }
    let clear = set_cookie(&state, SESSION_COOKIE, "", Some(chrono::TimeDelta::zero()));
    ([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response()
}

// ---- my account ----

#[derive(Template)]
#[template(path = "foundation/account.html")]
struct AccountPage {
    shell: Shell,
    name: String,
    phone: String,
    grants: Vec<GrantRecord>,
    sessions: Vec<SessionRecord>,
    current_session: i64,
}

async fn account(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, Query(flash): Query<Flash>) -> Result<Response, ApiError> {
    let grants = state.store.grants_of_user(user.user.id).await?;
    let sessions = state.store.list_sessions(user.user.id, Utc::now()).await?;
    Ok(render(AccountPage {
        shell: Shell::new(lang, &csrf, "/account", Some(&user)).with_flash(&flash),
        name: user.user.name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default(),
        phone: user.user.phone.as_str().to_owned(),
        grants,
        sessions,
        current_session: user.session.id,
    }))
}

#[derive(Debug, Deserialize)]
struct NameForm {
    #[serde(default)]
    name: String,
}

async fn account_name(State(state): State<AppState>, user: CurrentUser, ApiForm(form): ApiForm<NameForm>) -> Response {
    back("/account", people::set_my_name(&state, &user, &form.name).await.map(|_| "saved"))
}

async fn account_revoke_session(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Response {
    back("/account", people::revoke_my_session(&state, &user, id).await.map(|_| "session_revoked"))
}

// ---- staff console ----

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
    /// The station console and the coverage view (station staff).
    stations_link: bool,
}

async fn console(State(state): State<AppState>, lang: Lang, csrf: CsrfToken, user: CurrentUser, Query(flash): Query<Flash>) -> Result<Response, ApiError> {
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
    let stations_link = crate::stations::console::may_view_stations(&user);
    Ok(render(ConsolePage { shell: Shell::new(lang, &csrf, "/console", Some(&user)).with_flash(&flash), rows, truncated, stations_link }))
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
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    user: CurrentUser,
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
    let page = state.store.grants_in_subtree(org.id, waystation_domain::pagination::PageRequest::FIRST).await?;
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
