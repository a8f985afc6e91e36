//! Signing in: by phone and one-time code (everyone), by password (staff).
//! Signing out. The services here are shared by the API and the pages.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use async_trait::async_trait;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use waystation_domain::foundation::people::{NewPassword, PhoneNumber};
use waystation_domain::kit::rate_limit::{self, RateDecision, RateRule};
use waystation_domain::foundation::sign_in::{CodeCheck, OneTimeCode, CODE_TTL};
use waystation_storage::{NewSession, SignInMethod, User};

use crate::foundation::people::MeView;
use crate::http::cookies::set_cookie;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::session::{random_token, token_hash, ClientIp, CurrentUser, SESSION_COOKIE, SESSION_TTL};
use crate::http::state::AppState;

/// Delivers a one-time code to a phone. Production plugs in an SMS gateway.
#[async_trait]
pub trait CodeSender: Send + Sync + 'static {
    async fn send(&self, phone: &PhoneNumber, code: &OneTimeCode) -> anyhow::Result<()>;
}

/// The default sender: writes the code to the server log, so the product runs
/// with no outside service (and tests read codes from the log).
pub struct LogCodeSender;

#[async_trait]
impl CodeSender for LogCodeSender {
    async fn send(&self, phone: &PhoneNumber, code: &OneTimeCode) -> anyhow::Result<()> {
        tracing::info!(
            target: "waystation::sign_in_code",
            phone = %phone.as_str(),
            code = %code.expose(),
            "sign-in code issued (log sender: configure an SMS sender for production)"
        );
        Ok(())
    }
}

/// Counts a hit against each rule; the first rule over its limit refuses.
pub async fn enforce_rate_limits(state: &AppState, rules: &[(RateRule, &str)]) -> Result<(), ApiError> {
    let now = Utc::now();
    for (rule, subject) in rules {
        let count = state.store.hit_rate_counter(&rule.counter_key(subject), rule.window_start(now)).await?;
        if let RateDecision::Limited { retry_after_secs } = rule.decide(count, now) {
            return Err(ApiError::rate_limited(retry_after_secs));
        }
    }
    Ok(())
}

/// Sends a fresh code to the phone, within the rate limits.
pub async fn request_code(state: &AppState, ip: &ClientIp, phone: &str) -> Result<PhoneNumber, ApiError> {
    let phone = PhoneNumber::parse(phone)?;
    enforce_rate_limits(
        state,
        &[
            (rate_limit::CODE_PER_IP_HOUR, &ip.label()),
            (rate_limit::CODE_PER_PHONE_MINUTE, phone.as_str()),
            (rate_limit::CODE_PER_PHONE_HOUR, phone.as_str()),
        ],
    )
    .await?;
    let code = OneTimeCode::generate(&mut rand::thread_rng());
    state.store.issue_code(&phone, &code.hash_for(&phone), Utc::now()).await?;
    codes(state).send(&phone, &code).await.map_err(|e| ApiError::internal(&e))?;
    Ok(phone)
}

/// A new session: its secret token (sent once, never stored) and who it is for.
pub struct SignedIn {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

impl SignedIn {
    pub fn cookie(&self, state: &AppState) -> HeaderValue {
        set_cookie(state, SESSION_COOKIE, &self.token, Some(SESSION_TTL))
    }
}

async fn open_session(state: &AppState, user: User, method: SignInMethod, ip: &ClientIp, headers: &HeaderMap) -> Result<SignedIn, ApiError> {
    let token = random_token();
    let now = Utc::now();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(200).collect());
    let session = state
        .store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user_id: user.id,
            method,
            created_at: now,
            expires_at: now + SESSION_TTL,
            ip: ip.0.map(|ip| ip.to_string()),
            user_agent,
        })
        .await?;
    Ok(SignedIn { token, user, expires_at: session.expires_at })
}

/// Checks the code; on success opens a session (creating the account of a new phone).
pub async fn sign_in_with_code(
    state: &AppState,
    ip: &ClientIp,
    headers: &HeaderMap,
    phone: &str,
    code: &str,
) -> Result<SignedIn, ApiError> {
    let phone_result = PhoneNumber::parse(phone);
    let code_result = OneTimeCode::parse(code);
    let (phone, code) = match (phone_result, code_result) {
        (Ok(p), Ok(c)) => (p, c),
        (p, c) => {
            let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
            if let Err(e) = p {
                error = error.with_field("phone", e.code);
            }
            if let Err(e) = c {
                error = error.with_field("code", e.code);
            }
            if error.fields.len() == 1 {
                error.code = error.fields[0].1;
            }
            return Err(error);
        }
    };
    enforce_rate_limits(
        state,
        &[(rate_limit::SIGN_IN_PER_IP, &ip.label()), (rate_limit::SIGN_IN_PER_PHONE, phone.as_str())],
    )
    .await?;
    let verdict = state.store.try_code(&phone, &code.hash_for(&phone), Utc::now()).await?;
    if let Some(code) = verdict.error_code() {
        let status = if verdict == CodeCheck::TooManyAttempts { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::BAD_REQUEST };
        let mut error = ApiError::new(status, code).with_field("code", code);
        if status == StatusCode::TOO_MANY_REQUESTS {
            // A new code can be requested once the per-phone minute has passed.
            error.retry_after = Some(60);
        }
        return Err(error);
    }
    let (user, _created) = state.store.user_for_phone_sign_in(&phone).await?;
    if !user.active {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "account_disabled"));
    }
    open_session(state, user, SignInMethod::Code, ip, headers).await
}

/// A PHC string of a password nobody has, verified when the phone is unknown so
/// that a wrong phone and a wrong password take the same time.
static DECOY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&NewPassword::parse("decoy password that matches nothing").expect("valid")).expect("hashing works")
});

pub fn hash_password(password: &NewPassword) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

fn password_matches(hash: &str, candidate: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
}

/// Staff sign in with phone and password.
pub async fn sign_in_with_password(
    state: &AppState,
    ip: &ClientIp,
    headers: &HeaderMap,
    phone: &str,
    password: &str,
) -> Result<SignedIn, ApiError> {
    let phone = PhoneNumber::parse(phone)?;
    if password.is_empty() {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "required").with_field("password", "required"));
    }
    enforce_rate_limits(
        state,
        &[(rate_limit::SIGN_IN_PER_IP, &ip.label()), (rate_limit::SIGN_IN_PER_PHONE, phone.as_str())],
    )
    .await?;
    let user = state.store.user_by_phone(&phone).await?;
    let hash = match &user {
        Some(user) if user.active => state.store.password_hash(user.id).await?,
        _ => None,
    };
    let candidate = password.to_owned();
    let stored = hash.clone().unwrap_or_else(|| DECOY_HASH.clone());
    let matches = tokio::task::spawn_blocking(move || password_matches(&stored, &candidate))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match (user, hash, matches) {
        (Some(user), Some(_), true) => open_session(state, user, SignInMethod::Password, ip, headers).await,
        _ => Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials")),
    }
}

// ---- API ----

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    /// A mainland mobile number, e.g. `13800138000` or `+86 138 0013 8000`.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSent {
    /// The phone the code went to, masked.
    pub phone: String,
    /// Seconds until the code expires.
    pub expires_in: i64,
}

/// Send a one-time sign-in code to a phone.
#[utoipa::path(post, path = "/api/v1/auth/code", tag = "sign-in", request_body = CodeRequest,
    responses((status = 202, body = CodeSent), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api_request_code(State(state): State<AppState>, ip: ClientIp, ApiJson(body): ApiJson<CodeRequest>) -> Result<Response, ApiError> {
    let phone = request_code(&state, &ip, &body.phone).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(CodeSent { phone: phone.masked(), expires_in: CODE_TTL.num_seconds() })).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeSignIn {
    pub phone: String,
    /// The six digits received.
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordSignIn {
    pub phone: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCreated {
    /// The session token, also set as the `ws_session` cookie. API clients send it
    /// as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: MeView,
}

async fn session_response(state: &AppState, signed_in: SignedIn) -> Result<Response, ApiError> {
    let cookie = signed_in.cookie(state);
    let grants = state.store.grants_of_user(signed_in.user.id).await?;
    let body = SessionCreated {
        user: MeView::of(&signed_in.user, &grants),
        token: signed_in.token,
        expires_at: signed_in.expires_at,
    };
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

/// Sign in with the code sent to the phone. A new phone gets a new account.
#[utoipa::path(post, path = "/api/v1/auth/sign-in/code", tag = "sign-in", request_body = CodeSignIn,
    responses((status = 200, body = SessionCreated), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api_sign_in_with_code(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeSignIn>,
) -> Result<Response, ApiError> {
    let signed_in = sign_in_with_code(&state, &ip, &headers, &body.phone, &body.code).await?;
    session_response(&state, signed_in).await
}

/// Sign in with phone and password (staff accounts).
#[utoipa::path(post, path = "/api/v1/auth/sign-in/password", tag = "sign-in", request_body = PasswordSignIn,
    responses((status = 200, body = SessionCreated), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api_sign_in_with_password(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordSignIn>,
) -> Result<Response, ApiError> {
    let signed_in = sign_in_with_password(&state, &ip, &headers, &body.phone, &body.password).await?;
    session_response(&state, signed_in).await
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/sign-out", tag = "sign-in", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn api_sign_out(State(state): State<AppState>, user: CurrentUser) -> Result<Response, ApiError> {
    state.store.revoke_session(user.user.id, user.session.id, Utc::now()).await?;
    let clear = set_cookie(&state, SESSION_COOKIE, "", Some(chrono::TimeDelta::zero()));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// The code sender this server was started with, from the state.
pub fn codes(state: &AppState) -> &Arc<dyn CodeSender> {
    state.part::<Arc<dyn CodeSender>>()
}

pub fn default_code_sender() -> Arc<dyn CodeSender> {
    Arc::new(LogCodeSender)
}
