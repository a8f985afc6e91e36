//! The storage interface of using a station: bookable resources and their
//! reservations, visits, reviews and feedback.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use waystation_domain::foundation::organisations::{OrgId, OrgPath};
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_domain::foundation::people::{PersonName, PhoneNumber, UserId};
use waystation_domain::stations::reservation::{ReservationChange, ReservationStatus, ResourceInput, Slot};
use waystation_domain::stations::review::ReviewInput;

use crate::error::StoreResult;

/// A room or venue of a station.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: i64,
    pub station_id: i64,
    /// The station's owning organisation, for scope checks.
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub name: String,
    pub capacity: u32,
    pub description: String,
    pub retired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A booking, as requested by a worker (already validated against the rules about now).
#[derive(Debug, Clone)]
pub struct NewReservation {
    pub resource_id: i64,
    pub slot: Slot,
    pub people: i64,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Reservation {
    pub id: i64,
    pub resource_id: i64,
    pub resource_name: String,
    pub station_id: i64,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub user_id: UserId,
    pub user_name: Option<PersonName>,
    pub user_phone: PhoneNumber,
    pub slot: Slot,
    pub people: u32,
    pub note: String,
    pub status: ReservationStatus,
    /// Why staff declined or cancelled it (or why its booker cancelled it).
    pub reason: Option<String>,
    pub decided_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Visit counts of a station (China days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VisitStats {
    pub today: i64,
    pub last_30_days: i64,
    pub total: i64,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub id: i64,
    pub station_id: i64,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub user_id: UserId,
    pub user_name: Option<PersonName>,
    pub stars: u8,
    pub text: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The visible reviews' star total and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewSummary {
    pub count: i64,
    pub stars_sum: i64,
}

#[derive(Debug, Clone)]
pub struct Feedback {
    pub id: i64,
    pub station_id: i64,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub user_id: UserId,
    pub user_name: Option<PersonName>,
    pub user_phone: PhoneNumber,
    pub text: String,
    pub answer: Option<String>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait StationUseStore: Send + Sync {
    // Resources.
    async fn create_resource(&self, actor: Option<UserId>, station_id: i64, input: ResourceInput) -> StoreResult<Resource>;
    async fn update_resource(&self, actor: Option<UserId>, id: i64, input: ResourceInput) -> StoreResult<Resource>;
    /// Takes a resource out of booking; its bookings stay as they are.
    async fn retire_resource(&self, actor: Option<UserId>, id: i64) -> StoreResult<Resource>;
    async fn get_resource(&self, id: i64) -> StoreResult<Resource>;
    async fn list_resources(&self, station_id: i64, include_retired: bool) -> StoreResult<Vec<Resource>>;

    // Reservations.
    /// Books a slot. The resource row is locked and overlaps with bookings that
    /// hold their slot are checked in the same transaction: `Conflict slot_taken`.
    async fn request_reservation(&self, user: UserId, new: NewReservation) -> StoreResult<Reservation>;
    /// Moves a booking on; the change is checked against its status inside the transaction.
    async fn change_reservation(&self, actor: UserId, id: i64, change: ReservationChange) -> StoreResult<Reservation>;
    async fn get_reservation(&self, id: i64) -> StoreResult<Reservation>;
    /// The user's bookings, newest first.
    async fn reservations_of_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Reservation>>;
    /// A station's bookings overlapping `[from, to)` (Unix seconds), by start.
    async fn reservations_of_station(&self, station_id: i64, from: i64, to: i64) -> StoreResult<Vec<Reservation>>;

    // Visits.
    /// Records a visit in its clock hour; `false` (and nothing written) when
    /// the user's visit of this station in that hour was counted already.
    async fn record_visit(&self, user: UserId, station_id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn visit_stats(&self, station_id: i64, now: DateTime<Utc>) -> StoreResult<VisitStats>;

    // Reviews.
    /// Creates the user's review of the station, or replaces it; `true` when created.
    async fn put_review(&self, user: UserId, station_id: i64, input: ReviewInput) -> StoreResult<(Review, bool)>;
    /// Hides (with a reason) or shows a review again.
    async fn moderate_review(&self, actor: UserId, id: i64, hidden: bool, reason: Option<String>) -> StoreResult<Review>;
    async fn get_review(&self, id: i64) -> StoreResult<Review>;
    /// Newest first; hidden ones only when asked.
    async fn list_reviews(&self, station_id: i64, include_hidden: bool, page: PageRequest) -> StoreResult<Page<Review>>;
    async fn review_summary(&self, station_id: i64) -> StoreResult<ReviewSummary>;

    // Feedback.
    async fn create_feedback(&self, user: UserId, station_id: i64, text: String) -> StoreResult<Feedback>;
    /// Sets (or replaces) the one answer.
    async fn answer_feedback(&self, actor: UserId, id: i64, answer: String) -> StoreResult<Feedback>;
    async fn get_feedback(&self, id: i64) -> StoreResult<Feedback>;
    /// Newest first: a station's feedback; `answered_only` for the public.
    async fn feedback_of_station(&self, station_id: i64, answered_only: bool, page: PageRequest) -> StoreResult<Page<Feedback>>;
    async fn feedback_of_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Feedback>>;

    // For the pages: a worker's own review, the manager's queue.
    /// The user's review of the station, hidden or not.
    async fn review_of_user(&self, station_id: i64, user: UserId) -> StoreResult<Option<Review>>;
    /// A station's feedback still waiting for an answer, oldest first (the queue).
    async fn unanswered_feedback_of_station(&self, station_id: i64, page: PageRequest) -> StoreResult<Page<Feedback>>;
}
