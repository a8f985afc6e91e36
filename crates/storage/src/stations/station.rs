//! The station record and its editing: [`StationStore`] — stations, their status
//! and location history, imports, the change feed and the demand counts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use waystation_domain::foundation::organisations::{OrgId, OrgPath};
use waystation_domain::kit::pagination::{Page, PageRequest};
use waystation_domain::foundation::people::{PhoneNumber, UserId};
use waystation_domain::stations::coverage::DemandCell;
use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::{Amenities, SixHaves, StationCode, StationDraft, StationKind, StationStatus, StatusChange};

use crate::error::StoreResult;

/// A station as stored.
#[derive(Debug, Clone)]
pub struct Station {
    pub id: i64,
    pub code: StationCode,
    pub name: String,
    pub kind: StationKind,
    /// The owning organisation, and its path (for scope checks and search filters).
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub org_name: String,
    /// Co-building organisations (partners).
    pub partner_org_ids: Vec<OrgId>,
    pub address: String,
    /// WGS-84.
    pub location: LatLng,
    pub hours: OpeningHours,
    pub follows_working_calendar: bool,
    pub amenities: Amenities,
    pub manager_name: Option<String>,
    pub manager_phone: Option<PhoneNumber>,
    pub rules: String,
    pub six_haves: SixHaves,
    pub status: StationStatus,
    pub external_id: Option<String>,
    /// The station change counter when this version was written.
    pub change_seq: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which stations a listing wants.
#[derive(Debug, Clone, Default)]
pub struct StationListFilter {
    /// Stations owned in this organisation's subtree.
    pub within: Option<OrgId>,
    pub status: Option<StationStatus>,
    pub kind: Option<StationKind>,
    /// Part of the name, address or code.
    pub text: Option<String>,
}

/// One row of an import.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub input: StationDraft,
    /// The status a new station starts in (an existing one keeps its own).
    pub status: StationStatus,
    /// The station this row updates, when the file named its code.
    pub target: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRecord {
    pub from: Option<StationStatus>,
    pub to: StationStatus,
    pub reason: String,
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationRecord {
    pub location: LatLng,
    pub address: String,
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait StationStore: Send + Sync {
    /// Creates a station with the next code of its area; `status` is its first status.
    async fn create_station(&self, actor: Option<UserId>, input: StationDraft, status: StationStatus, reason: &str) -> StoreResult<Station>;
    /// Replaces the editable fields; a new location is added to the location history.
    async fn update_station(&self, actor: Option<UserId>, id: i64, input: StationDraft) -> StoreResult<Station>;
    async fn change_station_status(&self, actor: Option<UserId>, id: i64, change: StatusChange) -> StoreResult<Station>;
    async fn get_station(&self, id: i64) -> StoreResult<Station>;
    async fn station_by_code(&self, code: &StationCode) -> StoreResult<Option<Station>>;
    async fn station_by_external_id(&self, org_id: OrgId, external_id: &str) -> StoreResult<Option<Station>>;
    async fn list_stations(&self, filter: &StationListFilter, page: PageRequest) -> StoreResult<Page<Station>>;
    /// Creates or updates many stations in one transaction: all or nothing.
    /// A row with an `external_id` already known for its organisation updates
    /// that station; every other row creates one (with `status`).
    async fn import_stations(&self, actor: Option<UserId>, rows: Vec<StationDraft>, status: StationStatus) -> StoreResult<ImportOutcome> {
        let rows = rows.into_iter().map(|input| ImportRow { input, status, target: None }).collect();
        self.import_station_rows(actor, rows).await
    }
    /// The general form: each row with the status of a new station, and
    /// optionally the station it updates (found by its code).
    async fn import_station_rows(&self, actor: Option<UserId>, rows: Vec<ImportRow>) -> StoreResult<ImportOutcome>;
    /// Stations written after change `after_seq`, in change order (for index updates).
    async fn stations_changed_since(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Station>>;
    async fn station_status_history(&self, id: i64) -> StoreResult<Vec<StatusRecord>>;
    async fn station_location_history(&self, id: i64) -> StoreResult<Vec<LocationRecord>>;
    /// Adds counts of demand (`search` or `visit`) on a day, per cell.
    async fn add_demand(&self, day: chrono::NaiveDate, kind: &str, cells: &[(DemandCell, u64)]) -> StoreResult<()>;
    /// Demand per cell summed over `[from, to]` and both kinds, inside the cell box (inclusive).
    async fn demand_in(&self, from: chrono::NaiveDate, to: chrono::NaiveDate, south_west: DemandCell, north_east: DemandCell) -> StoreResult<Vec<(DemandCell, u64)>>;
}
