//! The storage interface of the service indices: reading the daily counters
//! that every station event keeps current (`station_use_sql` changes them
//! in the event's transaction), and rebuilding them from the event tables.

use async_trait::async_trait;
use chrono::NaiveDate;
use waystation_domain::foundation::organisations::{OrgId, OrgPath};
use waystation_domain::foundation::people::UserId;
use waystation_domain::stations::indices::Counters;
use waystation_domain::stations::StationStatus;

use crate::error::StoreResult;

/// Whose counters to read.
#[derive(Debug, Clone)]
pub enum CounterScope {
    Station(i64),
    /// Every station owned in this organisation's subtree.
    Subtree(OrgPath),
}

/// A station's counters summed over a window.
#[derive(Debug, Clone)]
pub struct StationCounters {
    pub station_id: i64,
    pub code: String,
    pub name: String,
    pub status: StationStatus,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    /// The whole window.
    pub window: Counters,
    /// The window's last days, from `grace_from` on.
    pub grace: Counters,
    /// Days of the window with a counter row.
    pub days_counted: i64,
}

/// What a rebuild wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildOutcome {
    /// Rows of (station, day) counters.
    pub rows: u64,
    /// Stations with any counter.
    pub stations: u64,
}

#[async_trait]
pub trait StationIndexStore: Send + Sync {
    /// Each station in scope (in id order) with its counters summed over
    /// `from..=to`, and separately over `grace_from..=to`.
    async fn station_counters(&self, scope: &CounterScope, from: NaiveDate, to: NaiveDate, grace_from: NaiveDate) -> StoreResult<Vec<StationCounters>>;
    /// One station's counter rows in `from..=to`, by day (days without events have no row).
    async fn station_daily_counters(&self, station_id: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<(NaiveDate, Counters)>>;
    /// Recomputes every counter from the event tables in one transaction
    /// (for repair after an import or a restore); audited.
    async fn rebuild_station_indices(&self, actor: Option<UserId>) -> StoreResult<RebuildOutcome>;
}
