//! The in-memory index that finds stations: nearest to a point (open now, with
//! the amenities asked for, within a radius) and inside a map viewport.
//!
//! Points are kept as unit vectors in a 3-D R-tree: the straight-line (chord)
//! distance between two unit vectors grows with the great-circle distance, so
//! nearest-neighbour order in the tree *is* great-circle order, everywhere on
//! the globe — across the 180° meridian and at the poles alike. A second, flat
//! (lng, lat) tree answers viewport boxes.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{NaiveDateTime, TimeDelta};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::geo::{chord_for_distance, distance_for_chord, LatLng};
use super::hours::{HoursState, OpeningHours};
use super::{AmenitySet, StationKind, StationStatus};
use crate::calendar::HolidayCalendar;
use crate::organisations::OrgPath;

/// What the index needs to know about a station.
#[derive(Debug, Clone)]
pub struct IndexedStation {
    pub id: i64,
    pub location: LatLng,
    pub status: StationStatus,
    pub kind: StationKind,
    pub amenities: AmenitySet,
    pub org_path: OrgPath,
    pub hours: OpeningHours,
    pub follows_working_calendar: bool,
}

/// Which stations a search wants.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Every one of these amenities.
    pub amenities: AmenitySet,
    /// Any of these kinds (all kinds when empty).
    pub kinds: Vec<StationKind>,
    /// Only stations of this organisation's subtree.
    pub within: Option<OrgPath>,
    /// Only stations open at the search's time.
    pub open_only: bool,
}

/// Nearest stations to `origin`.
#[derive(Debug, Clone)]
pub struct NearestQuery {
    pub origin: LatLng,
    pub limit: usize,
    pub radius_m: Option<f64>,
    /// China Standard Time.
    pub at: NaiveDateTime,
    pub filter: Filter,
}

/// A station found, with its distance (for nearest queries) and its state at the search's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub distance_m: f64,
    pub state: HoursState,
}

/// A viewport: south-west and north-east corners. `west > east` crosses the 180° meridian.
#[derive(Debug, Clone, Copy)]
pub struct GeoBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

type SpherePoint = GeomWithData<[f64; 3], u32>;
type PlanePoint = GeomWithData<[f64; 2], u32>;

/// A station's state is constant until its next change; remembering it spares
/// re-evaluating opening hours on every search.
#[derive(Debug, Clone, Copy)]
struct CachedState {
    from: NaiveDateTime,
    until: NaiveDateTime,
    state: HoursState,
}

#[derive(Debug)]
struct Entry {
    station: IndexedStation,
    cache: Mutex<Option<CachedState>>,
}

/// Without a next change in the lookahead, a cached state is trusted this long.
const STEADY_STATE_TRUST: TimeDelta = TimeDelta::hours(1);

#[derive(Debug, Default)]
pub struct StationIndex {
    sphere: RTree<SpherePoint>,
    plane: RTree<PlanePoint>,
    entries: Vec<Option<Entry>>,
    slots: HashMap<i64, u32>,
    free: Vec<u32>,
}

impl StationIndex {
    /// Builds the index in one pass (bulk loading is much faster than inserting one by one).
    pub fn build(stations: impl IntoIterator<Item = IndexedStation>) -> Self {
        let mut entries = Vec::new();
        let mut slots = HashMap::new();
        let mut sphere = Vec::new();
        let mut plane = Vec::new();
        for station in stations {
            if let Some(&slot) = slots.get(&station.id) {
                entries[slot as usize] = None;
                sphere.retain(|p: &SpherePoint| p.data != slot);
                plane.retain(|p: &PlanePoint| p.data != slot);
            }
            let slot = u32::try_from(entries.len()).expect("fewer than 4 billion stations");
            slots.insert(station.id, slot);
            if station.status.is_listed() {
                sphere.push(SpherePoint::new(station.location.unit_vector(), slot));
                plane.push(PlanePoint::new([station.location.lng(), station.location.lat()], slot));
            }
            entries.push(Some(Entry { station, cache: Mutex::new(None) }));
        }
        Self { sphere: RTree::bulk_load(sphere), plane: RTree::bulk_load(plane), entries, slots, free: Vec::new() }
    }

    /// How many stations are on the map (listed).
    pub fn len(&self) -> usize {
        self.sphere.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, id: i64) -> Option<&IndexedStation> {
        let slot = *self.slots.get(&id)?;
        self.entries[slot as usize].as_ref().map(|e| &e.station)
    }

    /// Adds a station or replaces what the index knows of it.
    pub fn upsert(&mut self, station: IndexedStation) {
        self.remove(station.id);
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.entries.push(None);
                u32::try_from(self.entries.len() - 1).expect("fewer than 4 billion stations")
            }
        };
        if station.status.is_listed() {
            self.sphere.insert(SpherePoint::new(station.location.unit_vector(), slot));
            self.plane.insert(PlanePoint::new([station.location.lng(), station.location.lat()], slot));
        }
        self.slots.insert(station.id, slot);
        self.entries[slot as usize] = Some(Entry { station, cache: Mutex::new(None) });
    }

    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slots.remove(&id) else { return };
        if let Some(entry) = self.entries[slot as usize].take() {
            let location = entry.station.location;
            self.sphere.remove(&SpherePoint::new(location.unit_vector(), slot));
            self.plane.remove(&PlanePoint::new([location.lng(), location.lat()], slot));
        }
        self.free.push(slot);
    }

    /// The state of one station at `at` (suspended stations are closed until reopened).
    pub fn state_of(&self, id: i64, at: NaiveDateTime, calendar: &HolidayCalendar) -> Option<HoursState> {
        let slot = *self.slots.get(&id)?;
        self.entries[slot as usize].as_ref().map(|e| state(e, at, calendar))
    }

    /// The nearest listed stations to the query's origin that pass its filter,
    /// nearest first, by great-circle distance.
    pub fn nearest(&self, query: &NearestQuery, calendar: &HolidayCalendar) -> Vec<Hit> {
        let mut hits = Vec::with_capacity(query.limit.min(64));
        if query.limit == 0 {
            return hits;
        }
        let max_chord2 = query.radius_m.map(|r| chord_for_distance(r).powi(2));
        for (point, chord2) in self.sphere.nearest_neighbor_iter_with_distance_2(&query.origin.unit_vector()) {
            if max_chord2.is_some_and(|max| chord2 > max) {
                break;
            }
            let Some(entry) = self.entries[point.data as usize].as_ref() else { continue };
            let Some(state) = passes(entry, &query.filter, query.at, calendar) else { continue };
            hits.push(Hit { id: entry.station.id, distance_m: distance_for_chord(chord2.sqrt()), state });
            if hits.len() == query.limit {
                break;
            }
        }
        hits
    }

    /// Listed stations inside a viewport that pass the filter, nearest to the
    /// box's centre first, at most `limit`.
    pub fn within_box(&self, area: GeoBox, filter: &Filter, at: NaiveDateTime, limit: usize, calendar: &HolidayCalendar) -> Vec<Hit> {
        let spans: Vec<(f64, f64)> = if area.west <= area.east {
            vec![(area.west, area.east)]
        } else {
            vec![(area.west, 180.0), (-180.0, area.east)]
        };
        let centre_lat = (area.south + area.north) / 2.0;
        let centre_lng = if area.west <= area.east {
            (area.west + area.east) / 2.0
        } else {
            let lng = (area.west + area.east + 360.0) / 2.0;
            if lng > 180.0 { lng - 360.0 } else { lng }
        };
        let centre = LatLng::new(centre_lat.clamp(-90.0, 90.0), centre_lng.clamp(-180.0, 180.0)).ok();
        let mut hits = Vec::new();
        for (west, east) in spans {
            let envelope = AABB::from_corners([west, area.south], [east, area.north]);
            for point in self.plane.locate_in_envelope(&envelope) {
                let Some(entry) = self.entries[point.data as usize].as_ref() else { continue };
                let Some(state) = passes(entry, filter, at, calendar) else { continue };
                let distance_m = centre.map_or(0.0, |c| super::geo::distance_m(c, entry.station.location));
                hits.push(Hit { id: entry.station.id, distance_m, state });
            }
        }
        hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }
}

/// The station's state if it passes the filter.
fn passes(entry: &Entry, filter: &Filter, at: NaiveDateTime, calendar: &HolidayCalendar) -> Option<HoursState> {
    let station = &entry.station;
    if !station.amenities.covers(filter.amenities) {
        return None;
    }
    if !filter.kinds.is_empty() && !filter.kinds.contains(&station.kind) {
        return None;
    }
    if filter.within.as_ref().is_some_and(|root| !root.covers(&station.org_path)) {
        return None;
    }
    let state = state(entry, at, calendar);
    if filter.open_only && !state.open {
        return None;
    }
    Some(state)
}

fn state(entry: &Entry, at: NaiveDateTime, calendar: &HolidayCalendar) -> HoursState {
    if !entry.station.status.is_serving() {
        return HoursState { open: false, next_change: None };
    }
    let mut cache = entry.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(cached) = *cache {
        if cached.from <= at && at < cached.until {
            return cached.state;
        }
    }
    let state = entry.station.hours.state_at(at, calendar, entry.station.follows_working_calendar);
    let until = state.next_change.unwrap_or(at + STEADY_STATE_TRUST);
    *cache = Some(CachedState { from: at, until, state });
    state
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::stations::geo::distance_m;
    use crate::stations::Amenity;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn station(id: i64, lat: f64, lng: f64, hours: &str, amenities: &[Amenity]) -> IndexedStation {
        IndexedStation {
            id,
            location: LatLng::new(lat, lng).unwrap(),
            status: StationStatus::Open,
            kind: StationKind::UnionStation,
            amenities: amenities.iter().copied().collect(),
            org_path: OrgPath::root(1).child(2),
            hours: OpeningHours::parse(hours).unwrap(),
            follows_working_calendar: false,
        }
    }

    fn query(lat: f64, lng: f64, limit: usize) -> NearestQuery {
        NearestQuery { origin: LatLng::new(lat, lng).unwrap(), limit, radius_m: None, at: at("2025-06-10 21:40"), filter: Filter::default() }
    }

    #[test]
    fn a_rider_at_2140_finds_the_nearest_station_open_with_a_charger() {
        let calendar = HolidayCalendar::official();
        let index = StationIndex::build([
            station(1, 29.5580, 106.5770, "Mo-Su 08:00-18:00", &[Amenity::PhoneCharging]),
            station(2, 29.5600, 106.5800, "Mo-Su 07:00-22:00", &[Amenity::DrinkingWater]),
            station(3, 29.5650, 106.5900, "Mo-Su 07:00-22:00", &[Amenity::PhoneCharging, Amenity::EbikeCharging]),
            station(4, 29.6000, 106.6000, "24/7", &[Amenity::PhoneCharging]),
        ]);
        let mut q = query(29.5570, 106.5760, 5);
        q.filter = Filter { amenities: AmenitySet::EMPTY.with(Amenity::PhoneCharging), open_only: true, ..Filter::default() };
        let hits = index.nearest(&q, calendar);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(hits[0].state.next_change, Some(at("2025-06-10 22:00")), "closes at 22:00");
        assert!(hits[0].distance_m < hits[1].distance_m);
    }

    #[test]
    fn a_radius_stops_the_search() {
        let calendar = HolidayCalendar::official();
        let index = StationIndex::build([station(1, 0.0, 0.0, "24/7", &[]), station(2, 0.0, 0.02, "24/7", &[])]);
        let mut q = query(0.0, 0.0, 10);
        q.radius_m = Some(1_000.0);
        assert_eq!(index.nearest(&q, calendar).len(), 1);
        q.radius_m = Some(3_000.0);
        assert_eq!(index.nearest(&q, calendar).len(), 2);
    }

    #[test]
    fn retired_stations_leave_search_and_suspended_ones_show_closed() {
        let calendar = HolidayCalendar::official();
        let mut index = StationIndex::build([station(1, 30.0, 120.0, "24/7", &[]), station(2, 30.001, 120.0, "24/7", &[])]);
        let mut retired = station(1, 30.0, 120.0, "24/7", &[]);
        retired.status = StationStatus::Retired;
        index.upsert(retired);
        let mut suspended = station(2, 30.001, 120.0, "24/7", &[]);
        suspended.status = StationStatus::Suspended;
        index.upsert(suspended);
        let hits = index.nearest(&query(30.0, 120.0, 10), calendar);
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].id, hits[0].state.open), (2, false));
        assert_eq!(index.len(), 1);
        index.remove(2);
        assert!(index.is_empty());
    }

    #[test]
    fn a_viewport_across_the_antimeridian_finds_both_sides() {
        let calendar = HolidayCalendar::official();
        let index = StationIndex::build([
            station(1, -17.0, 179.9, "24/7", &[]),
            station(2, -17.0, -179.9, "24/7", &[]),
            station(3, -17.0, 170.0, "24/7", &[]),
        ]);
        let area = GeoBox { south: -18.0, west: 179.0, north: -16.0, east: -179.0 };
        let mut ids: Vec<i64> = index.within_box(area, &Filter::default(), at("2025-06-10 12:00"), 10, calendar).iter().map(|h| h.id).collect();
        ids.sort();
        assert_eq!(ids, vec![1, 2]);
    }

    #[test]
    fn moving_a_station_moves_it_in_the_index() {
        let calendar = HolidayCalendar::official();
        let mut index = StationIndex::build([station(1, 31.0, 121.0, "24/7", &[])]);
        index.upsert(station(1, 39.9, 116.4, "24/7", &[]));
        let near_beijing = index.nearest(&query(39.9, 116.4, 1), calendar);
        assert!(near_beijing[0].distance_m < 1.0);
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn the_search_follows_the_holiday_calendar() {
        let calendar = HolidayCalendar::official();
        let index = StationIndex::build([station(1, 26.07, 119.3, "Mo-Fr 08:00-18:00; PH off", &[])]);
        let mut q = query(26.07, 119.3, 1);
        q.filter.open_only = true;
        q.at = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
        assert!(index.nearest(&q, calendar).is_empty(), "National Day");
        q.at = at("2025-10-09 10:00");
        assert_eq!(index.nearest(&q, calendar).len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The index agrees with a brute-force great-circle scan, anywhere on
        /// Earth: near the poles and across the 180° meridian too.
        #[test]
        fn nearest_agrees_with_a_brute_force_scan(
            points in proptest::collection::vec((-90.0f64..=90.0, -180.0f64..=180.0, any::<bool>()), 1..200),
            origin in (-90.0f64..=90.0, -180.0f64..=180.0),
            limit in 1usize..15,
            charging_only in any::<bool>(),
        ) {
            let calendar = HolidayCalendar::official();
            let stations: Vec<IndexedStation> = points.iter().enumerate().map(|(i, (lat, lng, charger))| {
                let amenities: &[Amenity] = if *charger { &[Amenity::PhoneCharging] } else { &[] };
                station(i as i64, *lat, *lng, "24/7", amenities)
            }).collect();
            let index = StationIndex::build(stations.clone());
            let mut q = query(origin.0, origin.1, limit);
            if charging_only {
                q.filter.amenities = AmenitySet::EMPTY.with(Amenity::PhoneCharging);
            }
            let hits = index.nearest(&q, calendar);
            let mut expected: Vec<(f64, i64)> = stations.iter()
                .filter(|s| s.amenities.covers(q.filter.amenities))
                .map(|s| (distance_m(q.origin, s.location), s.id))
                .collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0));
            expected.truncate(limit);
            prop_assert_eq!(hits.len(), expected.len());
            for (hit, (distance, _)) in hits.iter().zip(&expected) {
                prop_assert!((hit.distance_m - distance).abs() <= 1e-3 + distance * 1e-9, "{} vs {}", hit.distance_m, distance);
            }
        }
    }
}
