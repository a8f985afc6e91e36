//! Stations as the kit's places (`crate::http::places`): the nearest listed
//! station and the union that runs it, for appeals' routing and meeting
//! place; and the places where workers needed help, counted as demand in
//! the coverage view.

use std::sync::Arc;

use waystation_domain::kit::geo::LatLng;

use super::coverage::DemandLog;
use super::search::StationSearch;

/// Stations as the places other capabilities may suggest: the nearest station
/// in the index (listed stations only), whatever its hours — a worker filing
/// an appeal at 03:00 is still in that station's grid.
pub struct StationPlaces(pub Arc<StationSearch>, pub Arc<DemandLog>);

impl crate::http::places::PlaceFinder for StationPlaces {
    fn nearest(&self, at: LatLng, radius_m: f64) -> Option<crate::http::places::NearbyPlace> {
        use waystation_domain::stations::search::{Filter, NearestQuery};
        let now = chrono::Utc::now().with_timezone(&waystation_domain::kit::china_time::offset()).naive_local();
        let query = NearestQuery { origin: at, limit: 1, radius_m: Some(radius_m), at: now, filter: Filter::default() };
        let hit = self.0.read().nearest(&query, self.0.calendar()).into_iter().next()?;
        let summary = self.0.summary(hit.id)?;
        Some(crate::http::places::NearbyPlace {
            id: summary.id,
            name: summary.name.clone(),
            address: summary.address.clone(),
            org_id: summary.org_id,
            location: summary.location,
            distance_m: hit.distance_m,
            link: format!("/stations/{}", summary.id),
        })
    }

    fn record_need(&self, at: LatLng) {
        self.1.record_appeal(at);
    }
}
