//! Keeps this server's in-memory station index in step with the database.
//!
//! At start the index is built from every station. Afterwards each server asks
//! the store, once a second, for stations whose change number is above the
//! last one it applied (the numbers commit in order), and applies its own
//! writes at once. Several servers on one PostgreSQL therefore agree within a
//! second, and a writer sees its own change immediately.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::search::{IndexedStation, StationIndex};
use waystation_domain::stations::{Amenities, StationKind, StationStatus};
use waystation_storage::{Station, Store, StoreError};

use crate::foundation::calendar::CalendarCell;
use crate::http::state::AppState;

const BATCH: i64 = 5_000;

pub struct StationSearch {
    index: RwLock<StationIndex>,
    /// The latest version of every station, as much as a search answer or the
    /// map list shows, so that answering a search needs no database round trip.
    summaries: RwLock<HashMap<i64, Arc<StationSummary>>>,
    applied_seq: AtomicI64,
    /// The working calendar the open states are drawn from, and the change of
    /// it the cached states follow.
    calendar: Arc<CalendarCell>,
    calendar_seen: AtomicU64,
}

/// This server's station index, from the state.
pub fn of(state: &AppState) -> &Arc<StationSearch> {
    state.part::<Arc<StationSearch>>()
}

/// What a search hit shows of a station (the slim part of the record), with
/// its JSON prepared once per station version: answering a search copies
/// these bytes and writes only distance, datum and open state per request.
#[derive(Debug)]
pub struct StationSummary {
    pub id: i64,
    pub change_seq: i64,
    /// The organisation that runs it.
    pub org_id: i64,
    pub name: String,
    pub kind: StationKind,
    pub address: String,
    /// WGS-84.
    pub location: LatLng,
    pub amenities: Amenities,
    pub status: StationStatus,
    /// `{"id":…,"code":…,"name":…,"kind":…,"org_name":…,"address":…,` —
    /// the fields of `api::StationHit` before `location`.
    json_head: Box<str>,
    /// `"opening_hours":…,"amenities":…,"status":…,` — the fields after it.
    json_tail: Box<str>,
}

impl StationSummary {
    pub fn of(station: &Station) -> Self {
        let string = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        let json_head = format!(
            "{{\"id\":{},\"code\":{},\"name\":{},\"kind\":{},\"org_name\":{},\"address\":{},",
            station.id,
            string(station.code.as_str()),
            string(&station.name),
            string(station.kind.as_str()),
            string(&station.org_name),
            string(&station.address),
        );
        let json_tail = format!(
            "\"opening_hours\":{},\"amenities\":{},\"status\":{},",
            string(station.hours.as_str()),
            serde_json::to_string(&station.amenities).unwrap_or_else(|_| "{}".into()),
            string(station.status.as_str()),
        );
        Self {
            id: station.id,
            change_seq: station.change_seq,
            org_id: station.org_id,
            name: station.name.clone(),
            kind: station.kind,
            address: station.address.clone(),
            location: station.location,
            amenities: station.amenities.clone(),
            status: station.status,
            json_head: json_head.into_boxed_str(),
            json_tail: json_tail.into_boxed_str(),
        }
    }

    /// The prepared JSON before `"location"`.
    pub fn json_head(&self) -> &str {
        &self.json_head
    }

    /// The prepared JSON after `"location"`, ending with a comma.
    pub fn json_tail(&self) -> &str {
        &self.json_tail
    }
}

pub fn indexed(station: &Station) -> IndexedStation {
    IndexedStation {
        id: station.id,
        location: station.location,
        status: station.status,
        kind: station.kind,
        amenities: station.amenities.set(),
        org_path: station.org_path.clone(),
        hours: station.hours.clone(),
        follows_working_calendar: station.follows_working_calendar,
    }
}

impl StationSearch {
    /// The working calendar the open states follow.
    pub fn calendar(&self) -> &'static waystation_domain::kit::calendar::HolidayCalendar {
        self.calendar.get()
    }

    /// Builds the index from every station in the store.
    pub async fn load(store: &Arc<dyn Store>, calendar: Arc<CalendarCell>) -> Result<Self, StoreError> {
        let mut all = Vec::new();
        let mut summaries = HashMap::new();
        let mut seq = 0;
        loop {
            let batch = store.stations_changed_since(seq, BATCH).await?;
            let Some(last) = batch.last() else { break };
            seq = last.change_seq;
            all.extend(batch.iter().map(indexed));
            summaries.extend(batch.iter().map(|s| (s.id, Arc::new(StationSummary::of(s)))));
        }
        Ok(Self {
            index: RwLock::new(StationIndex::build(all)),
            summaries: RwLock::new(summaries),
            applied_seq: AtomicI64::new(seq),
            calendar_seen: AtomicU64::new(calendar.generation()),
            calendar,
        })
    }

    /// Reads the index (searches hold this briefly).
    /// Open states cached under an older working calendar are dropped first.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, StationIndex> {
        let index = self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let generation = self.calendar.generation();
        if self.calendar_seen.swap(generation, Ordering::AcqRel) != generation {
            index.forget_states();
        }
        index
    }

    /// The last station change this server has applied.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// The latest version of a station this server knows.
    pub fn summary(&self, id: i64) -> Option<Arc<StationSummary>> {
        self.summaries.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&id).cloned()
    }

    /// The summaries of several stations, in the order asked, under one lock;
    /// a station this server does not know yet is loaded from the store.
    pub async fn summaries(&self, store: &Arc<dyn Store>, ids: impl IntoIterator<Item = i64>) -> Result<Vec<Arc<StationSummary>>, StoreError> {
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut found: Vec<Option<Arc<StationSummary>>> = {
            let summaries = self.summaries.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            ids.iter().map(|id| summaries.get(id).cloned()).collect()
        };
        for (slot, id) in found.iter_mut().zip(&ids) {
            if slot.is_none() {
                *slot = Some(Arc::new(StationSummary::of(&store.get_station(*id).await?)));
            }
        }
        Ok(found.into_iter().flatten().collect())
    }

    /// Applies one station version (after this server wrote it).
    pub fn apply(&self, station: &Station) {
        {
            let mut index = self.index.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            index.upsert(indexed(station));
        }
        let mut summaries = self.summaries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let newer = summaries.get(&station.id).is_none_or(|known| known.change_seq <= station.change_seq);
        if newer {
            summaries.insert(station.id, Arc::new(StationSummary::of(station)));
        }
    }

    /// Applies every change other servers (or this one) committed since the last refresh.
    pub async fn refresh(&self, store: &Arc<dyn Store>) -> Result<usize, StoreError> {
        let mut applied = 0;
        loop {
            let after = self.applied_seq.load(Ordering::Acquire);
            let batch = store.stations_changed_since(after, BATCH).await?;
            let Some(last) = batch.last() else { return Ok(applied) };
            {
                let mut index = self.index.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                for station in &batch {
                    index.upsert(indexed(station));
                }
            }
            {
                let prepared: Vec<_> = batch.iter().map(|s| (s.id, Arc::new(StationSummary::of(s)))).collect();
                let mut summaries = self.summaries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                summaries.extend(prepared);
            }
            self.applied_seq.fetch_max(last.change_seq, Ordering::AcqRel);
            applied += batch.len();
        }
    }
}
