use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// What sort of place a station is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationKind {
    /// 工会驿站 / 户外劳动者服务站点: the union's own rest station.
    UnionStation,
    /// 骑手驿站: a station for delivery riders, often in a partner shop.
    RiderStation,
    /// 司机之家: drivers' home with parking, meals, lodging.
    DriversHome,
    /// 爱心商户: a shop that offers water, charging and a seat.
    PartnerShop,
    /// 群团阵地: a venue of another mass organisation (youth league, women's federation).
    MassOrganisationVenue,
    /// 移动驿站: a movable booth.
    MobileBooth,
}

impl StationKind {
    pub const ALL: [StationKind; 6] = [
        StationKind::UnionStation,
        StationKind::RiderStation,
        StationKind::DriversHome,
        StationKind::PartnerShop,
        StationKind::MassOrganisationVenue,
        StationKind::MobileBooth,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            StationKind::UnionStation => "union_station",
            StationKind::RiderStation => "rider_station",
            StationKind::DriversHome => "drivers_home",
            StationKind::PartnerShop => "partner_shop",
            StationKind::MassOrganisationVenue => "mass_organisation_venue",
            StationKind::MobileBooth => "mobile_booth",
        }
    }
}

impl fmt::Display for StationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StationKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StationKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(Invalid::field("kind", "unknown_station_kind"))
    }
}

/// The "six haves" (六有) of the Fujian standard for outdoor-worker stations:
/// unified signage and name, a sensible layout, complete facilities, complete
/// services, standard management rules, timely map information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SixHaves {
    pub signage: bool,
    pub layout: bool,
    pub facilities: bool,
    pub services: bool,
    pub rules: bool,
    pub map_info: bool,
}

impl SixHaves {
    pub const ITEMS: [&'static str; 6] = ["signage", "layout", "facilities", "services", "rules", "map_info"];

    pub fn met(&self) -> usize {
        [self.signage, self.layout, self.facilities, self.services, self.rules, self.map_info].iter().filter(|m| **m).count()
    }

    /// All six met: the station may carry the standard's plaque.
    pub fn complete(&self) -> bool {
        self.met() == 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_six_haves_count() {
        for k in StationKind::ALL {
            assert_eq!(k.as_str().parse::<StationKind>(), Ok(k));
        }
        let mut six = SixHaves { signage: true, layout: true, facilities: true, services: true, rules: true, map_info: false };
        assert_eq!(six.met(), 5);
        assert!(!six.complete());
        six.map_info = true;
        assert!(six.complete());
    }
}
