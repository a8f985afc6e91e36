//! The appeal record and its workflow: [`AppealStore`] — filing with a case
//! number, the events of the state machine with their timeline, and the
//! queues of an organisation subtree.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use waystation_domain::appeals::{AppealType, CaseNumber, CaseState, CategoryCode, Context, DeadlineKind, Event, Stage, TimeLimits};
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
    /// The cases handled in `root`'s subtree, newest first.
    async fn appeals_in_subtree(&self, root: OrgId, filter: &AppealFilter, page: PageRequest) -> StoreResult<Page<Appeal>>;
}
