//! Who is calling: sessions (cookie or bearer token) and the client's
//! address. The one extractor for the signed-in user is [`CurrentUser`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use chrono::{TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use waystation_domain::foundation::access::{authorize, Action, Caller};
use waystation_domain::foundation::organisations::OrgPath;
use waystation_storage::{SessionRecord, User};

use crate::http::cookies::cookie;
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "ws_session";
/// How long a session lives after sign-in.
pub const SESSION_TTL: TimeDelta = TimeDelta::days(30);
/// `last_seen_at` is refreshed at most this often, to spare the writer.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(5);

/// A fresh random secret, hex-encoded (256 bits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Only this hash of a session token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in caller: their account, every grant they hold, and their session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub caller: Caller,
    pub session: SessionRecord,
}

impl CurrentUser {
    /// Asks the one authorisation function; `403 forbidden` when it says no.
    pub fn require(&self, action: Action, target: &OrgPath) -> Result<(), ApiError> {
        authorize(&self.caller, action, target).map_err(|_| ApiError::forbidden())
    }

    pub fn display_name(&self) -> String {
        self.user.name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| self.user.phone.masked())
    }
}

/// The session token of a request: the bearer token, else the session cookie.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| cookie(headers, SESSION_COOKIE))
}

/// The signed-in user, looked up once per request and cached in its extensions.
#[derive(Debug, Clone)]
struct Resolved(Option<CurrentUser>);

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, ApiError> {
    if let Some(Resolved(found)) = parts.extensions.get::<Resolved>() {
        return Ok(found.clone());
    }
    let found = match presented_token(&parts.headers) {
        None => None,
        Some(token) => {
            let now = Utc::now();
            match state.store.authenticate(&token_hash(&token), now).await? {
                None => None,
                Some(auth) => {
                    if now - auth.session.last_seen_at > TOUCH_EVERY {
                        state.store.touch_session(auth.session.id, now).await?;
                    }
                    Some(CurrentUser {
                        caller: Caller { user_id: auth.user.id, grants: auth.grants },
                        user: auth.user,
                        session: auth.session,
                    })
                }
            }
        }
    };
    parts.extensions.insert(Resolved(found.clone()));
    Ok(found)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        resolve(parts, state).await?.ok_or_else(ApiError::unauthenticated)
    }
}

/// The signed-in user if there is one; pages that anyone may see use this.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(resolve(parts, state).await?))
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when
/// the server is configured to sit behind a proxy it trusts.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn label(&self) -> String {
        self.0.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if forwarded.is_some() {
                return Ok(ClientIp(forwarded));
            }
        }
        Ok(ClientIp(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())))
    }
}

