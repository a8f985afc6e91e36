//! The appeal record and its workflow: [`AppealStore`] — filing with a case
//! number, the events of the state machine with their timeline, and the
//! queues of an organisation subtree.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use waystation_domain::appeals::routing::OrgNode;
use waystation_domain::appeals::{
    AppealType, Catalogue, CaseNumber, CaseState, CategoryCode, Context, DeadlineKind, Event, RoutedBy, Stage, TimeLimits,
};
use waystation_domain::foundation::organisations::{OrgId, OrgPath};
use waystation_domain::foundation::people::{PhoneNumber, UserId};
use waystation_domain::kit::calendar::HolidayCalendar;
use waystation_domain::kit::pagination::{Page, PageRequest};

use crate::error::StoreResult;

/// A filing, already checked by the caller against the category's required fields.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub appeal_type: AppealType,
    pub category: CategoryCode,
    /// The handling union (routing has chosen it).
    pub org_id: OrgId,
    /// The signed-in worker, or None for a filing by a verified phone number.
    pub filed_by: Option<UserId>,
    pub contact_phone: PhoneNumber,
    /// The worker's identity is hidden from handlers outside the first-level union.
    pub hide_identity: bool,
    pub text: String,
    /// The category's fields, by name.
    pub fields: serde_json::Value,
    /// WGS-84 latitude and longitude, when the worker gave a place.
    pub location: Option<(f64, f64)>,
    /// The category takes the green channel (priority in every queue).
    pub green_channel: bool,
    /// Why routing chose the union (recorded on the timeline).
    pub routed_by: RoutedBy,
    /// The Open311 key it was posted with, if it came through Open311.
    pub open311_key: Option<i64>,
}

/// An appeal as stored.
#[derive(Debug, Clone)]
pub struct Appeal {
    pub id: i64,
    pub case_number: CaseNumber,
    pub appeal_type: AppealType,
    pub category: CategoryCode,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub filed_by: Option<UserId>,
    pub contact_phone: PhoneNumber,
    pub hide_identity: bool,
    pub text: String,
    pub fields: serde_json::Value,
    pub location: Option<(f64, f64)>,
    /// The workflow state, as the domain's `transition` reads it.
    pub state: CaseState,
    /// The deadline the union works against now, if the case is open.
    pub due: Option<(DeadlineKind, NaiveDate)>,
    /// The next progress note to the worker, while the union works on it.
    pub note_due: Option<NaiveDate>,
    pub green_channel: bool,
    /// The day a red light escalated it to the supervising level.
    pub escalated_on: Option<NaiveDate>,
    /// The Open311 key it was posted with.
    pub open311_key: Option<i64>,
    /// The next day the deadline clock has something to do for it.
    pub alert_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A case of the benchmarks' scale set, written in one go in the state its
/// events led to (see [`AppealStore::load_scale_appeals`]).
#[derive(Debug, Clone)]
pub struct ScaleAppeal {
    pub input: NewAppeal,
    pub filed_at: DateTime<Utc>,
    /// The state after its events (the domain's `transition` made it).
    pub state: CaseState,
    pub limits: TimeLimits,
    /// The timeline after the filing, in order.
    pub events: Vec<ScaleEvent>,
}

/// One timeline row of a [`ScaleAppeal`].
#[derive(Debug, Clone)]
pub struct ScaleEvent {
    pub at: DateTime<Utc>,
    pub actor_kind: &'static str,
    pub event: &'static str,
    pub from: Stage,
    pub to: Stage,
}

/// One row of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealEvent {
    pub id: i64,
    pub appeal_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    /// `worker`, `handler`, `supervisor` or `system`.
    pub actor_kind: String,
    /// `file` for the filing, else the domain event's name (`accept`, `reply`…).
    pub event: String,
    /// The event as JSON (its reason, text, outcome…).
    pub detail: serde_json::Value,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
}

/// Which cases a queue wants (within an organisation subtree).
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub stage: Option<Stage>,
    pub category: Option<CategoryCode>,
    /// Only the cases of the subtree's root union itself ("my union's").
    pub root_only: bool,
    /// Only the cases of the unions below the root ("the levels I supervise").
    pub below_root_only: bool,
    /// Only open cases whose deadline has passed on this China day.
    pub overdue_on: Option<NaiveDate>,
    pub green_channel_only: bool,
    pub escalated_only: bool,
    /// Only open cases (any stage before a final answer).
    pub open_only: bool,
}

/// An API key of the Open311 server (the key itself is shown once, at issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Open311Key {
    pub id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The filters of Open311's `GET requests`.
#[derive(Debug, Clone, Default)]
pub struct Open311Query {
    /// Case numbers; when given, the other filters are ignored (the spec's rule).
    pub case_numbers: Vec<CaseNumber>,
    pub categories: Vec<CategoryCode>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// `Some(true)`: open cases only; `Some(false)`: closed ones.
    pub open: Option<bool>,
    /// Only the cases posted with this key; with none, only cases posted
    /// through Open311 at all (never those filed in Waystation's own pages).
    pub key_id: Option<i64>,
    pub limit: i64,
}

/// A photo of an appeal, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealPhotoRecord {
    pub id: i64,
    pub appeal_id: i64,
    pub content_type: String,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub byte_size: i64,
    pub kept_metadata: bool,
    pub created_at: DateTime<Utc>,
}

/// A reply template of a union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyTemplate {
    pub id: i64,
    pub org_id: OrgId,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// What one run of the deadline sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Open cases looked at (their deadline within the warning lead).
    pub examined: u64,
    /// Yellow warnings sent (each once).
    pub warned: u64,
    /// Red lights: escalations to the supervising level (each once).
    pub escalated: u64,
    /// Replied cases closed after the worker's silence.
    pub closed_after_silence: u64,
}

#[async_trait]
pub trait AppealStore: Send + Sync {
    /// Files an appeal: the next case number of the handling union's division
    /// on `now`'s China day, the case in `submitted` with its acceptance
    /// deadline (from `limits` on `calendar`), its first timeline row and its
    /// audit row, in one transaction.
    async fn file_appeal(
        &self,
        actor: Option<UserId>,
        input: NewAppeal,
        now: DateTime<Utc>,
        limits: &TimeLimits,
        calendar: &HolidayCalendar,
    ) -> StoreResult<Appeal>;
    async fn get_appeal(&self, id: i64) -> StoreResult<Appeal>;
    async fn appeal_by_case_number(&self, number: &CaseNumber) -> StoreResult<Option<Appeal>>;
    /// The case's timeline, oldest first.
    async fn appeal_timeline(&self, id: i64) -> StoreResult<Vec<AppealEvent>>;
    /// Moves a case by one event, judged by the domain's `transition` on the
    /// locked row with `cx` (who the actor is for this case, today, the limits
    /// and the calendar). On success the new state, a timeline row and an
    /// audit row are written together; on a refusal nothing is.
    async fn apply_appeal_event(
        &self,
        actor: Option<UserId>,
        id: i64,
        event: &Event,
        cx: &Context<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Appeal>;
    /// The cases handled in `root`'s subtree, green channel first, then newest first
    /// (the keyset runs on `id`; green-channel cases come first within a page).
    async fn appeals_in_subtree(&self, root: OrgId, filter: &AppealFilter, page: PageRequest) -> StoreResult<Page<Appeal>>;
    /// A worker's own cases, newest first.
    async fn appeals_filed_by(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Appeal>>;
    /// The organisations on `org`'s path, root first, as routing reads them.
    async fn path_nodes(&self, org: OrgId) -> StoreResult<Vec<OrgNode>>;
    /// Runs the deadline clock on `now`'s China day over every open case whose
    /// deadline is near: each yellow warning and each red escalation fires
    /// once (an alert row is claimed first, so several servers may sweep at
    /// once), and replied cases silent past the limit are closed. Limits are
    /// the category's in `catalogue`.
    async fn sweep_appeal_deadlines(&self, now: DateTime<Utc>, catalogue: &Catalogue, calendar: &HolidayCalendar) -> StoreResult<SweepReport>;

    /// What a dashboard of `root`'s subtree adds up, for the cases filed on
    /// the China days `from..=to`: the kept tallies, and the open cases of
    /// each union (overdue on `today`, escalated).
    async fn appeal_sums(&self, root: OrgId, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> StoreResult<waystation_domain::appeals::dashboard::Sums>;
    /// What a dashboard needs of each case handled in `root`'s subtree and
    /// filed on the China days `from..=to`, read from the cases themselves
    /// (the tallies must agree with it).
    async fn appeal_facts(&self, root: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<waystation_domain::appeals::dashboard::CaseFacts>>;
    /// Writes scale-set cases as their events left them, with their
    /// timelines and tallies, a few hundred rows a statement, and one audit
    /// row for the lot: the benchmarks' bulk path (a million cases in
    /// minutes), not the way real cases arrive. Returns how many were written.
    async fn load_scale_appeals(&self, cases: &[ScaleAppeal], calendar: &HolidayCalendar) -> StoreResult<usize>;
    /// Recomputes every tally from the cases, when `only_if_stale` only if
    /// they do not count the same number of cases (a database from before the
    /// tallies). Says whether it rebuilt. Runs with the migrations.
    async fn rebuild_appeal_tallies(&self, only_if_stale: bool) -> StoreResult<bool>;

    /// Adds a checked photo to a case (at most `PHOTOS_PER_APPEAL`), with a
    /// timeline row and an audit row.
    async fn add_appeal_photo(
        &self,
        actor: Option<UserId>,
        appeal_id: i64,
        photo: &waystation_domain::appeals::photo::AppealPhoto,
        now: DateTime<Utc>,
    ) -> StoreResult<AppealPhotoRecord>;
    async fn appeal_photos(&self, appeal_id: i64) -> StoreResult<Vec<AppealPhotoRecord>>;
    /// A photo and its bytes.
    async fn appeal_photo(&self, photo_id: i64) -> StoreResult<(AppealPhotoRecord, Vec<u8>)>;

    /// Adds a reply template to a union (title up to 60 characters, body up to 5,000), audited.
    async fn create_reply_template(&self, actor: Option<UserId>, org: OrgId, title: &str, body: &str, now: DateTime<Utc>) -> StoreResult<ReplyTemplate>;
    /// Retires a template (it is no longer offered), audited.
    async fn retire_reply_template(&self, actor: Option<UserId>, id: i64, now: DateTime<Utc>) -> StoreResult<ReplyTemplate>;
    async fn reply_template(&self, id: i64) -> StoreResult<ReplyTemplate>;
    /// The live templates of the organisations on `path` (a case's union and those above it), nearest first.
    async fn reply_templates_on(&self, path: &OrgPath) -> StoreResult<Vec<ReplyTemplate>>;

    /// Stores a category a system admin defined or changed, with its names in
    /// Chinese and English (checked by the caller), audited.
    async fn put_appeal_category(&self, actor: Option<UserId>, def: &waystation_domain::appeals::CategoryDef, names: (&str, &str), now: DateTime<Utc>) -> StoreResult<()>;
    /// The stored categories, by code, with their names (Chinese, English).
    async fn appeal_categories(&self) -> StoreResult<Vec<(waystation_domain::appeals::CategoryDef, String, String)>>;

    // The Open311 GeoReport v2 server.
    /// Stores a new key's hash (audited); the caller shows the key once.
    async fn create_open311_key(&self, actor: Option<UserId>, label: &str, key_hash: &str, now: DateTime<Utc>) -> StoreResult<Open311Key>;
    /// The live key of this hash.
    async fn open311_key(&self, key_hash: &str) -> StoreResult<Option<Open311Key>>;
    /// Cases for Open311's `GET requests`, newest first, at most `limit`.
    async fn open311_requests(&self, query: &Open311Query) -> StoreResult<Vec<Appeal>>;
}
