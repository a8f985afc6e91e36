//! The foundation every capability stands on: organisations (the union's
//! tree), people and their roles, sign-in codes and sessions, rate limits,
//! idempotent requests, the official holiday calendar and the audit chain.
//!
//! `records.rs` holds its records, `sql.rs` its SQL (one macro, expanded by
//! each backend as `foundation_sql`). Capabilities use the foundation — their
//! SQL imports `fetch_org`, `name_from`, `phone_from` from `foundation_sql` —
//! but the foundation knows no capability: no station, no appeal.
//!
//! **Architecture invariant**: one transaction per operation; every change
//! appends its audit row in the same transaction; changes to the shape of the
//! organisation tree are serialised by the backend's tree lock, and placement
//! rules (`waystation_domain::foundation::organisations`) are checked under it.

mod records;
pub(crate) mod sql;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use waystation_domain::foundation::audit::{AuditEntry, AuditRecord};
use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgName};
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};
use waystation_domain::foundation::sign_in::CodeCheck;

use crate::error::StoreResult;

pub use records::{
    Authenticated, GrantRecord, IdempotencyStart, NewNotification, NewOrg, NewSession, NewUser, Notification, Org,
    SessionRecord, SignInMethod, SmsMessage, StoredResponse, User,
};

/// The foundation's operations, each one whole operation in one transaction.
#[async_trait]
pub trait FoundationStore: Send + Sync {
    /// Deletes expired codes, sessions, counters and idempotency records.
    async fn sweep_expired(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    // Organisations.
    async fn create_org(&self, actor: Option<UserId>, new: NewOrg) -> StoreResult<Org>;
    async fn get_org(&self, id: OrgId) -> StoreResult<Org>;
    /// The organisation and everything below it, in tree order (by path).
    async fn list_subtree(&self, root: OrgId, include_inactive: bool, page: PageRequest) -> StoreResult<Page<Org>>;
    /// The national root(s): organisations without a parent.
    async fn list_roots(&self) -> StoreResult<Vec<Org>>;
    async fn rename_org(&self, actor: Option<UserId>, id: OrgId, name: OrgName) -> StoreResult<Org>;
    async fn move_org(&self, actor: Option<UserId>, id: OrgId, new_parent: OrgId) -> StoreResult<Org>;
    async fn set_org_active(&self, actor: Option<UserId>, id: OrgId, active: bool) -> StoreResult<Org>;
    async fn org_by_division_code(&self, code: &DivisionCode) -> StoreResult<Option<Org>>;

    // People.
    async fn create_user(&self, actor: Option<UserId>, new: NewUser) -> StoreResult<User>;
    /// The account for a phone, created (without roles) when the phone is new.
    async fn user_for_phone_sign_in(&self, phone: &PhoneNumber) -> StoreResult<(User, bool)>;
    async fn get_user(&self, id: UserId) -> StoreResult<User>;
    async fn user_by_phone(&self, phone: &PhoneNumber) -> StoreResult<Option<User>>;
    /// The argon2 hash of the account's password, if it has one.
    async fn password_hash(&self, id: UserId) -> StoreResult<Option<String>>;
    async fn set_password_hash(&self, actor: Option<UserId>, id: UserId, hash: &str) -> StoreResult<()>;
    async fn rename_user(&self, actor: Option<UserId>, id: UserId, name: PersonName) -> StoreResult<User>;

    // Roles.
    async fn grant_role(&self, actor: Option<UserId>, user: UserId, org: OrgId, role: Role) -> StoreResult<GrantRecord>;
    async fn revoke_grant(&self, actor: Option<UserId>, grant_id: i64) -> StoreResult<GrantRecord>;
    async fn get_grant(&self, grant_id: i64) -> StoreResult<GrantRecord>;
    async fn grants_of_user(&self, user: UserId) -> StoreResult<Vec<GrantRecord>>;
    /// Active grants on organisations in the subtree of `root`.
    async fn grants_in_subtree(&self, root: OrgId, page: PageRequest) -> StoreResult<Page<GrantRecord>>;

    // Sign-in codes.
    /// Stores the hash of a new code for the phone, replacing any earlier one.
    async fn issue_code(&self, phone: &PhoneNumber, code_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Judges a try against the latest code and records its effect atomically.
    async fn try_code(&self, phone: &PhoneNumber, candidate_hash: &str, now: DateTime<Utc>) -> StoreResult<CodeCheck>;

    // Sessions.
    async fn create_session(&self, new: NewSession) -> StoreResult<SessionRecord>;
    /// The live session with this token hash, its user and their grants.
    async fn authenticate(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Authenticated>>;
    async fn touch_session(&self, session_id: i64, now: DateTime<Utc>) -> StoreResult<()>;
    async fn list_sessions(&self, user: UserId, now: DateTime<Utc>) -> StoreResult<Vec<SessionRecord>>;
    /// Ends one of the user's sessions; `NotFound` if it is not theirs.
    async fn revoke_session(&self, user: UserId, session_id: i64, now: DateTime<Utc>) -> StoreResult<()>;

    // Rate limits.
    /// Counts one hit on `key` in the window starting at `window_start`; returns the count.
    async fn hit_rate_counter(&self, key: &str, window_start: DateTime<Utc>) -> StoreResult<u32>;

    // Idempotency.
    async fn idempotency_start(&self, scope: &str, key: &str, fingerprint: &str, now: DateTime<Utc>) -> StoreResult<IdempotencyStart>;
    async fn idempotency_finish(&self, scope: &str, key: &str, response: &StoredResponse) -> StoreResult<()>;
    async fn idempotency_abandon(&self, scope: &str, key: &str) -> StoreResult<()>;

    // The official calendar.
    /// Years of the holiday calendar added by system admins.
    async fn holiday_years(&self) -> StoreResult<Vec<waystation_domain::kit::calendar::YearArrangement>>;
    /// Adds or replaces one year (validated by the caller against the whole calendar).
    async fn put_holiday_year(&self, actor: Option<UserId>, year: &waystation_domain::kit::calendar::YearArrangement) -> StoreResult<()>;

    // Audit.
    /// Appends a row that accompanies no other change (e.g. a phone number revealed).
    async fn record_audit(&self, entry: AuditEntry) -> StoreResult<()>;
    /// Rows in chain order after `after_seq`.
    async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>>;
    /// The head of the chain as recorded beside it: `(0, GENESIS_HASH)` when empty.
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
    /// Rows about organisations in the subtree of `root`, newest first.
    async fn audit_in_subtree(&self, root: OrgId, page: PageRequest) -> StoreResult<Page<AuditRecord>>;

    // Notifications (written by capabilities inside their own transactions).
    /// A person's notifications, newest first.
    async fn notifications_of(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Notification>>;
    async fn unread_notifications(&self, user: UserId) -> StoreResult<u64>;
    /// Marks the person's notifications up to `up_to` (all when None) read; returns how many changed.
    async fn mark_notifications_read(&self, user: UserId, up_to: Option<i64>, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Claims up to `limit` unsent text messages, oldest first, marking them sent:
    /// with several servers each message is claimed by one.
    async fn claim_sms(&self, limit: i64, now: DateTime<Utc>) -> StoreResult<Vec<SmsMessage>>;
}
