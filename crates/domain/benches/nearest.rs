//! In-process station search: nearest 10 with one amenity filter and "open now",
//! over 200,000 stations spread across China, against a brute-force scan of the
//! same data as the baseline.
//!
//! Run: `cargo bench -p waystation-domain --bench nearest`

use std::hint::black_box;

use chrono::NaiveDateTime;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use waystation_domain::kit::calendar::HolidayCalendar;
use waystation_domain::foundation::organisations::OrgPath;
use waystation_domain::kit::geo::{distance_m, LatLng};
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::search::{Filter, IndexedStation, NearestQuery, StationIndex};
use waystation_domain::stations::{Amenity, AmenitySet, StationKind, StationStatus};

const STATIONS: usize = 200_000;

/// Rough centres of big Chinese cities; stations cluster around them as they do in life.
const CITIES: &[(f64, f64)] = &[
    (39.9042, 116.4074), (31.2304, 121.4737), (23.1291, 113.2644), (22.5431, 114.0579), (29.5630, 106.5516),
    (30.5728, 104.0668), (30.2741, 120.1551), (32.0603, 118.7969), (34.3416, 108.9398), (30.5928, 114.3055),
    (28.2282, 112.9388), (24.4798, 118.0894), (26.0745, 119.2965), (39.3434, 117.3616), (36.0671, 120.3826),
    (38.0428, 114.5149), (34.7466, 113.6254), (25.0389, 102.7183), (26.6470, 106.6302), (22.8170, 108.3665),
    (43.8171, 125.3235), (45.8038, 126.5350), (41.8057, 123.4315), (36.6512, 117.1201), (31.8206, 117.2272),
    (28.6820, 115.8579), (37.8706, 112.5489), (40.8424, 111.7492), (36.0611, 103.8343), (43.8256, 87.6168),
];

fn stations() -> Vec<IndexedStation> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2024);
    let hours: Vec<OpeningHours> = ["24/7", "Mo-Su 07:00-22:00", "Mo-Su 08:00-20:00", "Mo-Fr 08:30-17:30; PH off", "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"]
        .iter()
        .map(|h| OpeningHours::parse(h).unwrap())
        .collect();
    (0..STATIONS)
        .map(|i| {
            let (lat, lng) = CITIES[rng.gen_range(0..CITIES.len())];
            let location = LatLng::new(lat + rng.gen_range(-0.5..0.5), lng + rng.gen_range(-0.5..0.5)).unwrap();
            let amenities: AmenitySet = Amenity::ALL.into_iter().filter(|_| rng.gen_bool(0.4)).collect();
            IndexedStation {
                id: i as i64,
                location,
                status: StationStatus::Open,
                kind: StationKind::UnionStation,
                amenities,
                org_path: OrgPath::root(1),
                hours: hours[rng.gen_range(0..hours.len())].clone(),
                follows_working_calendar: rng.gen_bool(0.1),
            }
        })
        .collect()
}

fn queries(at: NaiveDateTime) -> Vec<NearestQuery> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    (0..1024)
        .map(|_| {
            let (lat, lng) = CITIES[rng.gen_range(0..CITIES.len())];
            NearestQuery {
                origin: LatLng::new(lat + rng.gen_range(-0.3..0.3), lng + rng.gen_range(-0.3..0.3)).unwrap(),
                limit: 10,
                radius_m: None,
                at,
                filter: Filter { amenities: AmenitySet::EMPTY.with(Amenity::PhoneCharging), open_only: true, ..Filter::default() },
            }
        })
        .collect()
}

fn brute_force(stations: &[IndexedStation], query: &NearestQuery, calendar: &HolidayCalendar) -> Vec<i64> {
    let mut found: Vec<(f64, i64)> = stations
        .iter()
        .filter(|s| s.amenities.covers(query.filter.amenities))
        .filter(|s| s.hours.state_at(query.at, calendar, s.follows_working_calendar).open)
        .map(|s| (distance_m(query.origin, s.location), s.id))
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.into_iter().take(query.limit).map(|(_, id)| id).collect()
}

fn nearest(c: &mut Criterion) {
    let calendar = HolidayCalendar::official();
    let data = stations();
    let index = StationIndex::build(data.clone());
    let at = NaiveDateTime::parse_from_str("2025-06-10 21:40", "%Y-%m-%d %H:%M").unwrap();
    let queries = queries(at);
    // The index and the scan agree before anything is timed.
    for q in queries.iter().take(20) {
        let ids: Vec<i64> = index.nearest(q, calendar).iter().map(|h| h.id).collect();
        assert_eq!(ids, brute_force(&data, q, calendar));
    }
    let mut group = c.benchmark_group("nearest10_charging_open_now_200k");
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function(BenchmarkId::new("rtree_index", STATIONS), |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(index.nearest(&queries[i], calendar))
        })
    });
    let unfiltered: Vec<NearestQuery> = queries.iter().map(|q| NearestQuery { filter: Filter::default(), ..q.clone() }).collect();
    let mut k = 0;
    group.bench_function(BenchmarkId::new("rtree_index_unfiltered", STATIONS), |b| {
        b.iter(|| {
            k = (k + 1) % unfiltered.len();
            black_box(index.nearest(&unfiltered[k], calendar))
        })
    });
    group.sample_size(10);
    let mut j = 0;
    group.bench_function(BenchmarkId::new("brute_force_scan", STATIONS), |b| {
        b.iter(|| {
            j = (j + 1) % queries.len();
            black_box(brute_force(&data, &queries[j], calendar))
        })
    });
    group.finish();
}

criterion_group!(benches, nearest);
criterion_main!(benches);
