use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Where an organisation stands in the union hierarchy. Partners stand beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OrgLevel {
    National,
    Province,
    City,
    District,
    Street,
    BaseUnion,
    Partner,
}

impl OrgLevel {
    /// Depth in the union hierarchy; a child must be deeper than its parent.
    pub const fn rank(self) -> Option<u8> {
        match self {
            OrgLevel::National => Some(0),
            OrgLevel::Province => Some(1),
            OrgLevel::City => Some(2),
            OrgLevel::District => Some(3),
            OrgLevel::Street => Some(4),
            OrgLevel::BaseUnion => Some(5),
            OrgLevel::Partner => None,
        }
    }
}

/// What an organisation is. Base unions come in three forms; partners in six.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    National,
    Province,
    City,
    District,
    Street,
    EnterpriseUnion,
    IndustryUnion,
    RegionalUnion,
    YouthLeague,
    WomensFederation,
    PlatformCompany,
    Bank,
    Merchant,
    LabourBureau,
}

impl OrgKind {
    pub const ALL: [OrgKind; 14] = [
        OrgKind::National,
        OrgKind::Province,
        OrgKind::City,
        OrgKind::District,
        OrgKind::Street,
        OrgKind::EnterpriseUnion,
        OrgKind::IndustryUnion,
        OrgKind::RegionalUnion,
        OrgKind::YouthLeague,
        OrgKind::WomensFederation,
        OrgKind::PlatformCompany,
        OrgKind::Bank,
        OrgKind::Merchant,
        OrgKind::LabourBureau,
    ];

    pub const fn level(self) -> OrgLevel {
        match self {
            OrgKind::National => OrgLevel::National,
            OrgKind::Province => OrgLevel::Province,
            OrgKind::City => OrgLevel::City,
            OrgKind::District => OrgLevel::District,
            OrgKind::Street => OrgLevel::Street,
            OrgKind::EnterpriseUnion | OrgKind::IndustryUnion | OrgKind::RegionalUnion => OrgLevel::BaseUnion,
            OrgKind::YouthLeague
            | OrgKind::WomensFederation
            | OrgKind::PlatformCompany
            | OrgKind::Bank
            | OrgKind::Merchant
            | OrgKind::LabourBureau => OrgLevel::Partner,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            OrgKind::National => "national",
            OrgKind::Province => "province",
            OrgKind::City => "city",
            OrgKind::District => "district",
            OrgKind::Street => "street",
            OrgKind::EnterpriseUnion => "enterprise_union",
            OrgKind::IndustryUnion => "industry_union",
            OrgKind::RegionalUnion => "regional_union",
            OrgKind::YouthLeague => "youth_league",
            OrgKind::WomensFederation => "womens_federation",
            OrgKind::PlatformCompany => "platform_company",
            OrgKind::Bank => "bank",
            OrgKind::Merchant => "merchant",
            OrgKind::LabourBureau => "labour_bureau",
        }
    }

    pub const fn is_partner(self) -> bool {
        matches!(self.level(), OrgLevel::Partner)
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or(Invalid::field("kind", "unknown_org_kind"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>(), Ok(kind));
        }
        assert!("church".parse::<OrgKind>().is_err());
    }
}
