//! Keeps this server's in-memory station index in step with the database.
//!
//! At start the index is built from every station. Afterwards each server asks
//! the store, once a second, for stations whose change number is above the
//! last one it applied (the numbers commit in order), and applies its own
//! writes at once. Several servers on one PostgreSQL therefore agree within a
//! second, and a writer sees its own change immediately.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use waystation_domain::stations::search::{IndexedStation, StationIndex};
use waystation_storage::{Station, Store, StoreError};

const BATCH: i64 = 5_000;

pub struct StationSearch {
    index: RwLock<StationIndex>,
    /// The latest version of every station, so that answering a search needs
    /// no database round trip.
    records: RwLock<HashMap<i64, Arc<Station>>>,
    applied_seq: AtomicI64,
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
    /// Builds the index from every station in the store.
    pub async fn load(store: &Arc<dyn Store>) -> Result<Self, StoreError> {
        let mut all = Vec::new();
        let mut records = HashMap::new();
        let mut seq = 0;
        loop {
            let batch = store.stations_changed_since(seq, BATCH).await?;
            let Some(last) = batch.last() else { break };
            seq = last.change_seq;
            all.extend(batch.iter().map(indexed));
            records.extend(batch.into_iter().map(|s| (s.id, Arc::new(s))));
        }
        Ok(Self {
            index: RwLock::new(StationIndex::build(all)),
            records: RwLock::new(records),
            applied_seq: AtomicI64::new(seq),
        })
    }

    /// Reads the index (searches hold this briefly).
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, StationIndex> {
        self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The last station change this server has applied.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// The latest version of a station this server knows.
    pub fn record(&self, id: i64) -> Option<Arc<Station>> {
        self.records.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&id).cloned()
    }

    /// Applies one station version (after this server wrote it).
    pub fn apply(&self, station: &Station) {
        {
            let mut index = self.index.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            index.upsert(indexed(station));
        }
        let mut records = self.records.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let newer = records.get(&station.id).is_none_or(|known| known.change_seq <= station.change_seq);
        if newer {
            records.insert(station.id, Arc::new(station.clone()));
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
                let mut records = self.records.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                records.extend(batch.iter().map(|s| (s.id, Arc::new(s.clone()))));
            }
            self.applied_seq.fetch_max(last.change_seq, Ordering::AcqRel);
            applied += batch.len();
        }
    }
}
