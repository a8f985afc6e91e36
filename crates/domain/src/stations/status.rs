use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Where a station is in its life: planned → open ⇄ suspended → retired (the
/// exit mechanism). Retired stations leave search but keep their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationStatus {
    Planned,
    Open,
    Suspended,
    Retired,
}

impl StationStatus {
    pub const ALL: [StationStatus; 4] = [StationStatus::Planned, StationStatus::Open, StationStatus::Suspended, StationStatus::Retired];

    pub const fn as_str(self) -> &'static str {
        match self {
            StationStatus::Planned => "planned",
            StationStatus::Open => "open",
            StationStatus::Suspended => "suspended",
            StationStatus::Retired => "retired",
        }
    }

    /// Whether workers find the station on the map (suspended ones show as closed).
    pub const fn is_listed(self) -> bool {
        matches!(self, StationStatus::Open | StationStatus::Suspended)
    }

    /// Whether the station can serve anyone at all right now.
    pub const fn is_serving(self) -> bool {
        matches!(self, StationStatus::Open)
    }

    pub fn can_become(self, next: StationStatus) -> bool {
        use StationStatus::*;
        matches!(
            (self, next),
            (Planned, Open) | (Open, Suspended) | (Suspended, Open) | (Planned | Open | Suspended, Retired)
        )
    }
}

impl fmt::Display for StationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StationStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StationStatus::ALL.into_iter().find(|st| st.as_str() == s).ok_or(Invalid::field("status", "unknown_station_status"))
    }
}

/// A requested change of status, with its reason (required for the history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub from: StationStatus,
    pub to: StationStatus,
    pub reason: String,
}

impl StatusChange {
    pub fn new(from: StationStatus, to: StationStatus, reason: &str) -> Result<Self, Invalid> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::field("reason", "reason_required"));
        }
        if reason.chars().count() > 500 {
            return Err(Invalid::field("reason", "reason_too_long"));
        }
        if !from.can_become(to) {
            return Err(Invalid::field("status", "status_transition_not_allowed"));
        }
        Ok(Self { from, to, reason: reason.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StationStatus::*;

    #[test]
    fn the_life_of_a_station_goes_one_way_to_retirement() {
        assert!(Planned.can_become(Open));
        assert!(Open.can_become(Suspended));
        assert!(Suspended.can_become(Open));
        for s in [Planned, Open, Suspended] {
            assert!(s.can_become(Retired));
        }
        for s in StationStatus::ALL {
            assert!(!Retired.can_become(s), "retired is final");
            assert!(!s.can_become(Planned), "nothing goes back to planned");
            assert!(!s.can_become(s), "no change is no transition");
        }
    }

    #[test]
    fn a_change_needs_a_reason_and_an_allowed_transition() {
        assert_eq!(StatusChange::new(Open, Suspended, "  ").unwrap_err().code, "reason_required");
        assert_eq!(StatusChange::new(Retired, Open, "reopened").unwrap_err().code, "status_transition_not_allowed");
        assert_eq!(StatusChange::new(Open, Suspended, " 装修 ").unwrap().reason, "装修");
    }

    #[test]
    fn retired_and_planned_stations_leave_the_map() {
        assert!(Open.is_listed() && Suspended.is_listed());
        assert!(!Planned.is_listed() && !Retired.is_listed());
        assert!(!Suspended.is_serving());
    }
}
