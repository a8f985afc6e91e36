//! Places near a point, offered by one capability to the others without
//! either naming the other: stations put a [`PlaceFinder`] in the state's
//! parts, appeals ask it which union runs the grid where a worker stands and
//! which station to suggest as the place to meet. With no finder installed
//! there is simply no place.

use std::sync::Arc;

use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::geo::LatLng;

use crate::http::state::AppState;

/// A place someone can go to, near a point.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyPlace {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// The organisation that runs it.
    pub org_id: OrgId,
    pub location: LatLng,
    pub distance_m: f64,
    /// Its public page.
    pub link: String,
}

/// Finds the nearest place within a radius (WGS-84), and takes note of
/// where people needed help (an appeal's place is demand for a station).
pub trait PlaceFinder: Send + Sync {
    fn nearest(&self, at: LatLng, radius_m: f64) -> Option<NearbyPlace>;
    fn record_need(&self, at: LatLng);
}

/// What the state holds: the finder, if a capability installed one.
#[derive(Clone, Default)]
pub struct Places(pub Option<Arc<dyn PlaceFinder>>);

/// The nearest place within `radius_m` of `at`, if any capability offers places.
pub fn nearest(state: &AppState, at: LatLng, radius_m: f64) -> Option<NearbyPlace> {
    state.try_part::<Places>().and_then(|p| p.0.as_ref()).and_then(|finder| finder.nearest(at, radius_m))
}

/// Tells the place finder, if any, that someone needed help at `at`.
pub fn record_need(state: &AppState, at: LatLng) {
    if let Some(finder) = state.try_part::<Places>().and_then(|p| p.0.as_ref()) {
        finder.record_need(at);
    }
}
