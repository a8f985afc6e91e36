//! The foundation's records: what the store reads and writes about
//! organisations, people, roles, sessions and idempotent requests.

use chrono::{DateTime, Utc};
use serde::Serialize;
use waystation_domain::foundation::access::Grant;
use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgKind, OrgName, OrgPath};
use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub path: OrgPath,
    pub kind: OrgKind,
    pub name: String,
    pub division_code: Option<DivisionCode>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: OrgName,
    pub division_code: Option<DivisionCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub phone: PhoneNumber,
    /// Empty until the person gives a name (phone sign-in creates accounts).
    pub name: Option<PersonName>,
    pub has_password: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub phone: PhoneNumber,
    pub name: Option<PersonName>,
    pub password_hash: Option<String>,
}

/// A role held by a person on an organisation, with both names for display.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRecord {
    pub id: i64,
    pub user_id: UserId,
    pub user_name: Option<PersonName>,
    pub user_phone: PhoneNumber,
    pub role: Role,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_path: OrgPath,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl GrantRecord {
    pub fn grant(&self) -> Grant {
        Grant { role: self.role, org_id: self.org_id, org_path: self.org_path.clone() }
    }
}

/// How a session was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    Code,
    Password,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Code => "code",
            SignInMethod::Password => "password",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token; the token itself is never stored.
    pub token_hash: String,
    pub user_id: UserId,
    pub method: SignInMethod,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRecord {
    pub id: i64,
    pub user_id: UserId,
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A live session and who is behind it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session: SessionRecord,
    pub user: User,
    pub grants: Vec<Grant>,
}

/// A response kept for replay under its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: String,
    /// Where a redirect pointed (form posts answer with 303 See Other).
    pub location: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyStart {
    /// First time: run the request, then finish or abandon the key.
    Proceed,
    /// Seen and answered: send this again.
    Replay(StoredResponse),
    /// Seen with another request under the same key.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

/// A notification to be written with the event it tells about.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub user_id: UserId,
    /// What happened, e.g. `appeal.reply`.
    pub kind: String,
    /// What it is about, e.g. a case number.
    pub subject: String,
    /// The page that shows it.
    pub link: String,
    pub detail: serde_json::Value,
}

/// A person's in-app notification.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    pub kind: String,
    pub subject: String,
    pub link: String,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A text message claimed for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct SmsMessage {
    pub id: i64,
    pub phone: String,
    pub kind: String,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}
