//! The in-memory index that finds stations: nearest to a point (open now, with
//! the amenities asked for, within a radius) and inside a map viewport.
//!
//! Points are kept as unit vectors in a 3-D R-tree: the straight-line (chord)
//! distance between two unit vectors grows with the great-circle distance, so
//! nearest-neighbour order in the tree *is* great-circle order, everywhere on
//! the globe — across the 180° meridian and at the poles alike. A second, flat
//! (lng, lat) tree answers viewport boxes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{NaiveDateTime, TimeDelta};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use crate::kit::geo::{chord_for_distance, distance_for_chord, LatLng};
use super::hours::{HoursState, OpeningHours};
use super::{Amenity, AmenitySet, StationKind, StationStatus};
use crate::kit::calendar::HolidayCalendar;
use crate::foundation::organisations::OrgPath;

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
    /// Only stations in service (not suspended), whatever their hours.
    pub serving_only: bool,
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

/// What a tree leaf carries besides its point: the slot of the station, and
/// the fields most filters test, so rejected candidates cost no extra memory load.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Leaf {
    slot: u32,
    amenities: AmenitySet,
    kind: StationKind,
    serving: bool,
}

type SpherePoint = GeomWithData<[f64; 3], Leaf>;

/// Wider nodes than rstar's default (6): fewer levels to descend, and a
/// node's children share cache lines. With 32 the filtered nearest-10 search
/// took ~28 % less time than with 6 (BENCHMARKS.md).
struct WideNodes;

impl rstar::RTreeParams for WideNodes {
    const MIN_SIZE: usize = 10;
    const MAX_SIZE: usize = 32;
    const REINSERTION_COUNT: usize = 2;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}


type PlanePoint = GeomWithData<[f64; 2], Leaf>;

impl Leaf {
    fn of(slot: u32, station: &IndexedStation) -> Self {
        Self { slot, amenities: station.amenities, kind: station.kind, serving: station.status.is_serving() }
    }

    fn passes(&self, filter: &Filter) -> bool {
        self.amenities.covers(filter.amenities)
            && (filter.kinds.is_empty() || filter.kinds.contains(&self.kind))
            && (self.serving || !filter.serving_only)
    }
}

/// A station's state is constant until its next change; remembering it spares
/// re-evaluating opening hours on every search. Packed into one atomic word:
/// open (1 bit), has-next-change (1 bit), valid from and until (minutes since
/// 1970, 31 bits each). Opening hours change on whole minutes.
#[derive(Debug, Default)]
struct StateCache(AtomicU64);

const MINUTE_MASK: u64 = (1 << 31) - 1;

fn minutes(at: NaiveDateTime) -> u64 {
    (at.and_utc().timestamp().div_euclid(60) as u64) & MINUTE_MASK
}

/// A cached state, still packed: decoding the next change costs, so only hits do it.
#[derive(Debug, Clone, Copy)]
struct Packed(u64);

impl Packed {
    fn open(self) -> bool {
        self.0 >> 63 == 1
    }

    fn unpack(self) -> HoursState {
        let next_change = (self.0 >> 62 & 1 == 1).then(|| {
            chrono::DateTime::from_timestamp((self.0 & MINUTE_MASK) as i64 * 60, 0).expect("a valid minute").naive_utc()
        });
        HoursState { open: self.open(), next_change }
    }
}

/// The state of a station that is not serving (suspended): closed, no change foreseen.
const CLOSED: Packed = Packed(0);

impl StateCache {
    /// The cached state if it holds at minute `now`.
    fn get(&self, now: u64) -> Option<Packed> {
        let word = self.0.load(Ordering::Relaxed);
        let (from, until) = ((word >> 31) & MINUTE_MASK, word & MINUTE_MASK);
        (word != 0 && from <= now && now < until).then_some(Packed(word))
    }

    fn put(&self, at: NaiveDateTime, state: HoursState) -> Packed {
        let until = state.next_change.unwrap_or(at + STEADY_STATE_TRUST);
        let word = (u64::from(state.open) << 63)
            | (u64::from(state.next_change.is_some()) << 62)
            | (minutes(at) << 31)
            | minutes(until);
        self.0.store(word, Ordering::Relaxed);
        Packed(word)
    }

    fn clear(&self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

#[derive(Debug)]
struct Entry {
    station: IndexedStation,
}

/// Without a next change in the lookahead, a cached state is trusted this long.
const STEADY_STATE_TRUST: TimeDelta = TimeDelta::hours(1);

#[derive(Debug)]
pub struct StationIndex {
    sphere: RTree<SpherePoint, WideNodes>,
    plane: RTree<PlanePoint>,
    entries: Vec<Option<Entry>>,
    /// Each slot's cached open state, apart from the entries so that a search
    /// touches only eight bytes per candidate.
    states: Vec<StateCache>,
    slots: HashMap<i64, u32>,
    free: Vec<u32>,
    /// The search radius (a chord on the unit sphere, as f64 bits) expected to
    /// hold enough candidates, learnt from the previous search.
    radius_hint: AtomicU64,
    /// One more sphere tree per amenity, holding only the listed stations
    /// that have it, each with its own radius hint: a search that requires
    /// amenities walks the tree of the rarest one, so it visits only
    /// stations that have it instead of every station near the origin.
    by_amenity: Vec<AmenityTree>,
}

#[derive(Debug)]
struct AmenityTree {
    tree: RTree<SpherePoint, WideNodes>,
    radius_hint: AtomicU64,
}


/// Interleaves the bits of quantised latitude and longitude.
fn z_order(p: LatLng) -> u64 {
    let quantise = |v: f64, range: f64| (((v + range) / (2.0 * range)) * f64::from(u32::MAX)) as u64;
    let (lat, lng) = (quantise(p.lat(), 90.0), quantise(p.lng(), 180.0));
    let spread = |mut v: u64| {
        v &= 0xffff_ffff;
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    };
    spread(lat) | (spread(lng) << 1)
}

/// About 3 km: a first guess in a city.
const DEFAULT_HINT: f64 = 5e-4;

impl Default for StationIndex {
    fn default() -> Self {
        Self::build(std::iter::empty())
    }
}

impl StationIndex {
    /// Builds the index in one pass (bulk loading is much faster than inserting one by one).
    pub fn build(stations: impl IntoIterator<Item = IndexedStation>) -> Self {
        // Slots in Z-order of position: neighbours on the map are neighbours in
        // memory, so a search's candidates share cache lines.
        let mut stations: Vec<IndexedStation> = stations.into_iter().collect();
        stations.sort_by_cached_key(|s| z_order(s.location));
        let mut entries = Vec::new();
        let mut slots = HashMap::new();
        let mut sphere = Vec::new();
        let mut plane = Vec::new();
        for station in stations {
            if let Some(&slot) = slots.get(&station.id) {
                entries[slot as usize] = None;
                sphere.retain(|p: &SpherePoint| p.data.slot != slot);
                plane.retain(|p: &PlanePoint| p.data.slot != slot);
            }
            let slot = u32::try_from(entries.len()).expect("fewer than 4 billion stations");
            slots.insert(station.id, slot);
            if station.status.is_listed() {
                let leaf = Leaf::of(slot, &station);
                sphere.push(SpherePoint::new(station.location.unit_vector(), leaf));
                plane.push(PlanePoint::new([station.location.lng(), station.location.lat()], leaf));
            }
            entries.push(Some(Entry { station }));
        }
        let states = entries.iter().map(|_| StateCache::default()).collect();
        let mut per_amenity: Vec<Vec<SpherePoint>> = Amenity::ALL.iter().map(|_| Vec::new()).collect();
        for point in &sphere {
            for amenity in point.data.amenities.iter() {
                per_amenity[amenity.index()].push(*point);
            }
        }
        let by_amenity = per_amenity
            .into_iter()
            .map(|points| AmenityTree { tree: RTree::bulk_load_with_params(points), radius_hint: AtomicU64::new(DEFAULT_HINT.to_bits()) })
            .collect();
        Self {
            sphere: RTree::bulk_load_with_params(sphere),
            plane: RTree::bulk_load(plane),
            radius_hint: AtomicU64::new(DEFAULT_HINT.to_bits()),
            by_amenity,
            entries,
            states,
            slots,
            free: Vec::new(),
        }
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
                self.states.push(StateCache::default());
                u32::try_from(self.entries.len() - 1).expect("fewer than 4 billion stations")
            }
        };
        self.states[slot as usize].clear();
        if station.status.is_listed() {
            let leaf = Leaf::of(slot, &station);
            let point = SpherePoint::new(station.location.unit_vector(), leaf);
            for amenity in leaf.amenities.iter() {
                self.by_amenity[amenity.index()].tree.insert(point);
            }
            self.sphere.insert(point);
            self.plane.insert(PlanePoint::new([station.location.lng(), station.location.lat()], leaf));
        }
        self.slots.insert(station.id, slot);
        self.entries[slot as usize] = Some(Entry { station });
    }

    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slots.remove(&id) else { return };
        if let Some(entry) = self.entries[slot as usize].take() {
            let location = entry.station.location;
            let leaf = Leaf::of(slot, &entry.station);
            let point = SpherePoint::new(location.unit_vector(), leaf);
            for amenity in leaf.amenities.iter() {
                self.by_amenity[amenity.index()].tree.remove(&point);
            }
            self.sphere.remove(&point);
            self.plane.remove(&PlanePoint::new([location.lng(), location.lat()], leaf));
        }
        self.free.push(slot);
    }

    /// The box around the listed stations of an organisation's subtree.
    pub fn bounds_within(&self, root: &OrgPath) -> Option<GeoBox> {
        let mut bounds: Option<GeoBox> = None;
        for entry in self.entries.iter().flatten() {
            let station = &entry.station;
            if !station.status.is_listed() || !root.covers(&station.org_path) {
                continue;
            }
            let (lat, lng) = (station.location.lat(), station.location.lng());
            let b = bounds.get_or_insert(GeoBox { south: lat, west: lng, north: lat, east: lng });
            b.south = b.south.min(lat);
            b.north = b.north.max(lat);
            b.west = b.west.min(lng);
            b.east = b.east.max(lng);
        }
        bounds
    }

    /// Forgets every remembered open/closed state (after the calendar changed).
    pub fn forget_states(&self) {
        for state in &self.states {
            state.clear();
        }
    }

    /// The state of one station at `at` (suspended stations are closed until reopened).
    pub fn state_of(&self, id: i64, at: NaiveDateTime, calendar: &HolidayCalendar) -> Option<HoursState> {
        let slot = *self.slots.get(&id)?;
        let entry = self.entries[slot as usize].as_ref()?;
        let leaf = Leaf::of(slot, &entry.station);
        Some(self.state(leaf, at, minutes(at), calendar).unpack())
    }

    /// A listed station's state at `at` (minute `now`), from the cache when it holds.
    fn state(&self, leaf: Leaf, at: NaiveDateTime, now: u64, calendar: &HolidayCalendar) -> Packed {
        if !leaf.serving {
            return CLOSED;
        }
        let cache = &self.states[leaf.slot as usize];
        if let Some(packed) = cache.get(now) {
            return packed;
        }
        let Some(entry) = self.entries[leaf.slot as usize].as_ref() else { return CLOSED };
        let station = &entry.station;
        cache.put(at, station.hours.state_at(at, calendar, station.follows_working_calendar))
    }

    /// Whether a candidate passes the filter, and its state if so.
    fn candidate(&self, leaf: Leaf, filter: &Filter, at: NaiveDateTime, now: u64, calendar: &HolidayCalendar) -> Option<Packed> {
        if !leaf.passes(filter) {
            return None;
        }
        if let Some(root) = &filter.within {
            let entry = self.entries[leaf.slot as usize].as_ref()?;
            if !root.covers(&entry.station.org_path) {
                return None;
            }
        }
        let packed = self.state(leaf, at, now, calendar);
        (!filter.open_only || packed.open()).then_some(packed)
    }

    fn id_of(&self, leaf: Leaf) -> Option<i64> {
        self.entries[leaf.slot as usize].as_ref().map(|e| e.station.id)
    }

    /// The nearest listed stations to the query's origin that pass its filter,
    /// nearest first, by great-circle distance.
    ///
    /// Searches a ball around the origin and widens it until it holds enough
    /// stations that pass: every station outside the ball is farther than every
    /// one inside, so the nearest of those found are the nearest of all. A ball
    /// query walks the tree without a priority queue, and the radius that worked
    /// last time is the first guess, so most searches take one pass.
    pub fn nearest(&self, query: &NearestQuery, calendar: &HolidayCalendar) -> Vec<Hit> {
        if query.limit == 0 || self.sphere.size() == 0 {
            return Vec::new();
        }
        // The smallest tree that holds every station that can pass: that of
        // the rarest amenity asked for, or all stations.
        let (tree, radius_hint) = query
            .filter
            .amenities
            .iter()
            .map(|amenity| &self.by_amenity[amenity.index()])
            .min_by_key(|t| t.tree.size())
            .map_or((&self.sphere, &self.radius_hint), |t| (&t.tree, &t.radius_hint));
        let origin = query.origin.unit_vector();
        let now = minutes(query.at);
        let ceiling = query.radius_m.map_or(2.0, chord_for_distance).min(2.0);
        let mut radius = f64::from_bits(radius_hint.load(Ordering::Relaxed)).clamp(1e-7, ceiling);
        let mut found: Vec<(f64, Leaf, Packed)> = Vec::with_capacity(64);
        loop {
            found.clear();
            let mut seen = 0usize;
            for point in tree.locate_within_distance(origin, radius * radius) {
                seen += 1;
                if let Some(packed) = self.candidate(point.data, &query.filter, query.at, now, calendar) {
                    let [x, y, z] = point.geom();
                    let chord2 = (x - origin[0]).powi(2) + (y - origin[1]).powi(2) + (z - origin[2]).powi(2);
                    found.push((chord2, point.data, packed));
                }
            }
            if found.len() >= query.limit || radius >= ceiling {
                // Aim the next search at about 1.5 times the candidates this one needed.
                let wanted = (query.limit * 3 / 2).max(8) as f64;
                let hint = if found.is_empty() { radius } else { radius * (wanted / found.len() as f64).sqrt() };
                if seen < 50_000 {
                    radius_hint.store(hint.clamp(1e-7, 2.0).to_bits(), Ordering::Relaxed);
                }
                break;
            }
            radius = (radius * if found.is_empty() { 4.0 } else { 2.0 }).min(ceiling);
        }
        found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        found
            .into_iter()
            .take(query.limit)
            .filter_map(|(chord2, leaf, packed)| {
                Some(Hit { id: self.id_of(leaf)?, distance_m: distance_for_chord(chord2.sqrt()), state: packed.unpack() })
            })
            .collect()
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
            let now = minutes(at);
            for point in self.plane.locate_in_envelope(&envelope) {
                let Some(packed) = self.candidate(point.data, filter, at, now, calendar) else { continue };
                let Some(entry) = self.entries[point.data.slot as usize].as_ref() else { continue };
                let distance_m = centre.map_or(0.0, |c| crate::kit::geo::distance_m(c, entry.station.location));
                hits.push(Hit { id: entry.station.id, distance_m, state: packed.unpack() });
            }
        }
        hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::kit::geo::distance_m;
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

        /// After stations move and gain or lose amenities one by one, searches
        /// that require amenities (answered from the per-amenity trees) still
        /// agree with a brute-force scan of the stations as they now are.
        #[test]
        fn updates_keep_the_amenity_trees_in_step(
            points in proptest::collection::vec((20.0f64..=45.0, 100.0f64..=125.0, 0u8..4), 1..120),
            updates in proptest::collection::vec((0usize..120, 20.0f64..=45.0, 100.0f64..=125.0, 0u8..4), 0..60),
            origin in (20.0f64..=45.0, 100.0f64..=125.0),
            wanted in 1u8..4,
            limit in 1usize..12,
        ) {
            let calendar = HolidayCalendar::official();
            let amenities_of = |mask: u8| -> Vec<Amenity> {
                [(1, Amenity::PhoneCharging), (2, Amenity::EbikeCharging)].into_iter().filter(|(bit, _)| mask & bit != 0).map(|(_, a)| a).collect()
            };
            let mut stations: Vec<IndexedStation> = points.iter().enumerate()
                .map(|(i, (lat, lng, mask))| station(i as i64, *lat, *lng, "24/7", &amenities_of(*mask)))
                .collect();
            let mut index = StationIndex::build(stations.clone());
            for (which, lat, lng, mask) in updates {
                let i = which % stations.len();
                stations[i] = station(i as i64, lat, lng, "24/7", &amenities_of(mask));
                index.upsert(stations[i].clone());
            }
            let mut q = query(origin.0, origin.1, limit);
            q.filter.amenities = amenities_of(wanted).into_iter().collect();
            let got: Vec<i64> = index.nearest(&q, calendar).iter().map(|h| h.id).collect();
            let mut expected: Vec<(f64, i64)> = stations.iter()
                .filter(|s| s.amenities.covers(q.filter.amenities))
                .map(|s| (distance_m(q.origin, s.location), s.id))
                .collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            expected.truncate(limit);
            let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
            prop_assert_eq!(got.len(), expected.len());
            prop_assert_eq!(
                got.iter().copied().collect::<std::collections::BTreeSet<_>>().len(),
                got.len(),
                "no station twice"
            );
            for id in &got {
                prop_assert!(stations[*id as usize].amenities.covers(q.filter.amenities));
            }
            // Ties aside, the same stations.
            let distance = |id: i64| distance_m(q.origin, stations[id as usize].location);
            for (g, e) in got.iter().zip(&expected) {
                prop_assert!((distance(*g) - distance(*e)).abs() < 1e-6);
            }
        }
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
