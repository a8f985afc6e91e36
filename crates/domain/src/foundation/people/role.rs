use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A role granted to an account on an organisation; it covers the organisation's
/// whole subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Worker,
    Representative,
    StationManager,
    CaseHandler,
    MeetingOrganiser,
    OrgAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Worker,
        Role::Representative,
        Role::StationManager,
        Role::CaseHandler,
        Role::MeetingOrganiser,
        Role::OrgAdmin,
        Role::SystemAdmin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Representative => "representative",
            Role::StationManager => "station_manager",
            Role::CaseHandler => "case_handler",
            Role::MeetingOrganiser => "meeting_organiser",
            Role::OrgAdmin => "org_admin",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// Staff roles act on other people's records; workers and representatives act
    /// for themselves. Staff may sign in with a password.
    pub const fn is_staff(self) -> bool {
        matches!(self, Role::StationManager | Role::CaseHandler | Role::MeetingOrganiser | Role::OrgAdmin | Role::SystemAdmin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or(Invalid::field("role", "unknown_role"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
        assert_eq!("chairman".parse::<Role>().unwrap_err().code, "unknown_role");
    }
}
