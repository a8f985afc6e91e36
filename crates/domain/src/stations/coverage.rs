//! Coverage: where workers look for a station (searches, visits) and how far
//! the nearest open one is from there. Demand is counted per grid cell of
//! 0.01° (about 1 km), which is precise enough to site a station and coarse
//! enough that no one's whereabouts are kept.

use serde::Serialize;

use crate::kit::geo::LatLng;

/// Cells per degree.
const PER_DEGREE: f64 = 100.0;

/// A grid cell of about 1 km: latitude and longitude in hundredths of a degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DemandCell {
    pub lat: i32,
    pub lng: i32,
}

impl DemandCell {
    pub fn of(point: LatLng) -> Self {
        Self { lat: (point.lat() * PER_DEGREE).floor() as i32, lng: (point.lng() * PER_DEGREE).floor() as i32 }
    }

    /// The cell's centre.
    pub fn centre(self) -> LatLng {
        let lat = ((f64::from(self.lat) + 0.5) / PER_DEGREE).clamp(-90.0, 90.0);
        let lng = ((f64::from(self.lng) + 0.5) / PER_DEGREE).clamp(-180.0, 180.0);
        LatLng::new(lat, lng).expect("a cell centre is a valid point")
    }
}

/// What a cell of demand lacks: how many looked there, and how far they had to go.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    pub cell: DemandCell,
    pub demand: u64,
    /// Great-circle metres from the cell's centre to the nearest open station;
    /// `None` when there is none at all.
    pub nearest_m: Option<f64>,
}

/// The walk or ride that counts as "served": the national goal is a station
/// within 15 minutes of every outdoor worker, about 3 km by e-bike.
pub const SERVED_WITHIN_M: f64 = 3_000.0;

impl Gap {
    /// How badly a cell is served: its demand times the distance beyond what
    /// counts as served (in km); 0 for well-served cells.
    pub fn severity(&self) -> f64 {
        let beyond_km = match self.nearest_m {
            Some(m) => ((m - SERVED_WITHIN_M) / 1000.0).max(0.0),
            None => 100.0,
        };
        self.demand as f64 * beyond_km
    }
}

/// The worst-served cells first; ties by demand, then by cell (stable output).
pub fn worst_gaps(mut gaps: Vec<Gap>, limit: usize) -> Vec<Gap> {
    gaps.retain(|g| g.severity() > 0.0);
    gaps.sort_by(|a, b| b.severity().total_cmp(&a.severity()).then(b.demand.cmp(&a.demand)).then(a.cell.cmp(&b.cell)));
    gaps.truncate(limit);
    gaps
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn cells_are_about_a_kilometre_and_contain_their_points() {
        let jiefangbei = LatLng::new(29.5576, 106.5770).unwrap();
        let cell = DemandCell::of(jiefangbei);
        assert_eq!(cell, DemandCell { lat: 2955, lng: 10657 });
        let centre = cell.centre();
        assert!(crate::kit::geo::distance_m(centre, jiefangbei) < 800.0);
        assert_eq!(DemandCell::of(LatLng::new(-0.001, -0.001).unwrap()), DemandCell { lat: -1, lng: -1 });
    }

    #[test]
    fn the_worst_gap_is_much_demand_far_from_any_station() {
        let gap = |lat, demand, nearest_m| Gap { cell: DemandCell { lat, lng: 0 }, demand, nearest_m };
        let ranked = worst_gaps(
            vec![gap(1, 100, Some(500.0)), gap(2, 10, Some(8_000.0)), gap(3, 40, Some(6_000.0)), gap(4, 1, None)],
            10,
        );
        let order: Vec<i32> = ranked.iter().map(|g| g.cell.lat).collect();
        assert_eq!(order, vec![3, 4, 2], "served cells drop out; 40 × 3 km > 1 × 100 > 10 × 5 km");
    }

    proptest! {
        #[test]
        fn every_point_lies_in_its_cell(lat in -89.99f64..89.99, lng in -179.99f64..179.99) {
            let p = LatLng::new(lat, lng).unwrap();
            let c = DemandCell::of(p);
            prop_assert!(f64::from(c.lat) / 100.0 <= lat && lat < f64::from(c.lat + 1) / 100.0);
            prop_assert!(f64::from(c.lng) / 100.0 <= lng && lng < f64::from(c.lng + 1) / 100.0);
        }
    }
}
