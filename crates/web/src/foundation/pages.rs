//! The foundation's pages: home, the language switch, sign-in and sign-out,
//! and one's account.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use waystation_storage::{GrantRecord, SessionRecord};

use crate::foundation::{people, sign_in};
use crate::http::cookies::set_cookie;
use crate::http::csrf::CsrfToken;
use crate::http::error::ApiError;
use crate::http::extract::{ApiForm, ApiPath};
use crate::http::i18n::{Lang, LANG_COOKIE};
use crate::http::page::{back, render, Flash, Shell};
use crate::http::session::{ClientIp, CurrentUser, MaybeUser, SESSION_COOKIE};
use crate::http::state::AppState;

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
        waystation_domain::foundation::people::PhoneNumber::parse(&phone).map(|p| p.masked()).ok()
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
pub(super) struct NameForm {
    #[serde(default)]
    pub(super) name: String,
}

async fn account_name(State(state): State<AppState>, user: CurrentUser, ApiForm(form): ApiForm<NameForm>) -> Response {
    back("/account", people::set_my_name(&state, &user, &form.name).await.map(|_| "saved"))
}

async fn account_revoke_session(State(state): State<AppState>, user: CurrentUser, ApiPath(id): ApiPath<i64>) -> Response {
    back("/account", people::revoke_my_session(&state, &user, id).await.map(|_| "session_revoked"))
}
