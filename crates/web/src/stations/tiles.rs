//! The map tiles the station pages draw on, a part of the state.

use waystation_domain::kit::geo::Datum;

use crate::http::state::AppState;

/// A raster tile server: its URL template and the datum its maps are drawn in.
/// OpenStreetMap and Tianditu are WGS-84; AMap tiles are GCJ-02, and markers
/// must then be shifted to GCJ-02 to land on the right street.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TileConfig {
    /// e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    pub url: String,
    pub datum: Datum,
    /// Shown in the map's corner, as the tile licence requires.
    pub attribution: String,
}

impl Default for TileConfig {
    fn default() -> Self {
        Self {
            url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
            datum: Datum::Wgs84,
            attribution: "© OpenStreetMap contributors".to_owned(),
        }
    }
}

/// The tile server of this server's station maps.
pub fn of(state: &AppState) -> &TileConfig {
    state.part::<TileConfig>()
}
