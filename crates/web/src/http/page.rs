//! The page kit: the frame every server-rendered page shares ([`Shell`]),
//! rendering a template, the error page, the redirect after a form, and the
//! console's entries that capabilities hand in. Mobile-first HTML, no client
//! framework; every text from the locale files.

use askama::Template;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::http::assets::asset_url;
use crate::http::csrf::CsrfToken;
use crate::http::error::{form_urlencode, message, ApiError, ErrorBody};
use crate::http::i18n::{Lang, Tr};
use crate::http::nav::ConsoleEntry;
use crate::http::session::{random_token, CurrentUser};
use crate::http::state::AppState;

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

    pub fn with_error(mut self, error: &ApiError) -> Self {
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
        at.with_timezone(&waystation_domain::kit::china_time::offset()).format("%Y-%m-%d %H:%M").to_string()
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
        let known = |key: String| crate::http::i18n::keys(lang).contains(&key.as_str()).then(|| crate::http::i18n::t(lang, &key));
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

/// Like [`back`], but a refusal (403, 404) is shown as such, not as a notice.
pub fn refuse_or_back(to: &str, outcome: Result<&str, ApiError>) -> Response {
    match outcome {
        Err(error) if matches!(error.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) => error.into_response(),
        other => back(to, other),
    }
}

/// What every console page opens with: the state, the caller's language, the
/// browser's CSRF token for the page's forms, and the signed-in caller (anyone
/// else is sent to sign in).
pub struct ConsoleContext {
    pub state: AppState,
    pub lang: Lang,
    pub csrf: CsrfToken,
    pub user: CurrentUser,
}

impl FromRequestParts<AppState> for ConsoleContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        let Ok(csrf) = CsrfToken::from_request_parts(parts, state).await;
        let user = CurrentUser::from_request_parts(parts, state).await?;
        Ok(Self { state: state.clone(), lang, csrf, user })
    }
}

/// The console entries of the capabilities that `user` may open, in the order
/// the crate root listed them.
pub fn console_entries(state: &AppState, user: &CurrentUser) -> Vec<&'static ConsoleEntry> {
    state.handed_in.console.iter().copied().filter(|entry| (entry.visible)(&user.caller)).collect()
}

/// Renders every [`ApiError`] in the caller's language: JSON under `/api`,
/// otherwise an error page (or the sign-in page when signing in would help).
pub async fn render_errors(lang: Lang, request: Request, next: Next) -> Response {
    let wants_json = request.uri().path().starts_with("/api/")
        || request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.starts_with("application/json"));
    let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let mut rendered = if wants_json {
        (error.status, axum::Json(ErrorBody::of(&error, lang))).into_response()
    } else if error.status == StatusCode::UNAUTHORIZED {
        let next = form_urlencode(&path);
        Redirect::to(&format!("/sign-in?next={next}")).into_response()
    } else {
        error_page(lang, &error).into_response()
    };
    if let Some(value) = retry_after {
        rendered.headers_mut().insert(header::RETRY_AFTER, value);
    }
    rendered
}
