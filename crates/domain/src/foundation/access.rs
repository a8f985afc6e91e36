//! Who may do what, where. The one place that decides.
//!
//! A caller holds grants: a role on an organisation. A grant covers the
//! organisation's subtree. `authorize` answers whether any of the caller's grants
//! permits an action on a target organisation; every handler asks it.

use serde::Serialize;

use crate::foundation::organisations::{OrgId, OrgPath};
use crate::foundation::people::{Role, UserId};

/// A role on an organisation, with the organisation's path so that scope checks
/// need no lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub org_id: OrgId,
    pub org_path: OrgPath,
}

/// The signed-in person making a request, with every grant they hold.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub grants: Vec<Grant>,
}

/// Something a caller may want to do to an organisation's subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open the staff console for an organisation: its people and their roles.
    ViewStaffConsole,
    /// Create children, rename, move or deactivate organisations.
    ManageOrganisations,
    /// Grant or revoke this role on an organisation.
    GrantRole(Role),
    /// Create accounts and reset their passwords.
    ManageAccounts,
    /// See a person's full phone number (always logged).
    RevealPhone,
    /// Read the audit log.
    ReadAudit,
    /// Create stations, retire them, and manage their managers.
    ManageStations,
    /// Edit a station's record, suspend and reopen it (its manager may).
    EditStation,
    /// See a station's staff-only data: full manager phone, histories.
    ViewStationRecords,
    /// Add a year of the official holiday calendar.
    ManageCalendar,
    /// Work on the appeals of a union's subtree: act on its own cases,
    /// supervise and review those of the unions below, read its dashboards.
    HandleAppeals,
    /// Define appeal categories and their time limits (system-wide).
    ManageAppealRules,
}

impl Action {
    /// The roles whose grant permits this action in the grant's subtree.
    pub fn permitted_roles(self) -> &'static [Role] {
        const ADMINS: &[Role] = &[Role::OrgAdmin, Role::SystemAdmin];
        const SYSTEM: &[Role] = &[Role::SystemAdmin];
        const STAFF: &[Role] =
            &[Role::StationManager, Role::CaseHandler, Role::MeetingOrganiser, Role::OrgAdmin, Role::SystemAdmin];
        const ACTING_ON_PEOPLE: &[Role] = &[Role::CaseHandler, Role::OrgAdmin, Role::SystemAdmin];
        const STATION_STAFF: &[Role] = &[Role::StationManager, Role::OrgAdmin, Role::SystemAdmin];
        match self {
            Action::ViewStaffConsole => STAFF,
            Action::ManageOrganisations | Action::ManageAccounts | Action::ReadAudit => ADMINS,
            // Only a system admin makes another system admin.
            Action::GrantRole(Role::SystemAdmin) => SYSTEM,
            Action::GrantRole(_) => ADMINS,
            Action::RevealPhone => ACTING_ON_PEOPLE,
            Action::ManageStations => ADMINS,
            Action::EditStation | Action::ViewStationRecords => STATION_STAFF,
            Action::ManageCalendar | Action::ManageAppealRules => SYSTEM,
            Action::HandleAppeals => ACTING_ON_PEOPLE,
        }
    }
}

/// The caller may not do this here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied;

impl Caller {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_staff())
    }

    /// The organisations at the top of the subtrees where the caller may do `action`.
    /// Nested grants collapse into the outermost one.
    pub fn scope_roots(&self, action: Action) -> Vec<&Grant> {
        let permitted = action.permitted_roles();
        let mut roots: Vec<&Grant> = self.grants.iter().filter(|g| permitted.contains(&g.role)).collect();
        roots.sort_by_key(|g| g.org_path.depth());
        let mut outermost: Vec<&Grant> = Vec::new();
        for grant in roots {
            if !outermost.iter().any(|kept| kept.org_path.covers(&grant.org_path)) {
                outermost.push(grant);
            }
        }
        outermost
    }
}

/// Does any of the caller's grants permit `action` on the organisation at `target`?
pub fn authorize(caller: &Caller, action: Action, target: &OrgPath) -> Result<(), Denied> {
    let permitted = action.permitted_roles();
    let allowed = caller.grants.iter().any(|g| permitted.contains(&g.role) && g.org_path.covers(target));
    if allowed {
        Ok(())
    } else {
        Err(Denied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(grants: &[(Role, &OrgPath)]) -> Caller {
        Caller {
            user_id: 7,
            grants: grants
                .iter()
                .map(|(role, path)| Grant { role: *role, org_id: path.id(), org_path: (*path).clone() })
                .collect(),
        }
    }

    #[test]
    fn an_org_admin_acts_in_their_subtree_and_nowhere_else() {
        let national = OrgPath::root(1);
        let chongqing = national.child(2);
        let yuzhong = chongqing.child(3);
        let fujian = national.child(4);
        let admin = caller(&[(Role::OrgAdmin, &chongqing)]);
        assert!(authorize(&admin, Action::ManageOrganisations, &chongqing).is_ok());
        assert!(authorize(&admin, Action::ManageOrganisations, &yuzhong).is_ok());
        assert_eq!(authorize(&admin, Action::ManageOrganisations, &fujian), Err(Denied));
        assert_eq!(authorize(&admin, Action::ManageOrganisations, &national), Err(Denied));
    }

    #[test]
    fn only_a_system_admin_makes_a_system_admin() {
        let national = OrgPath::root(1);
        let org_admin = caller(&[(Role::OrgAdmin, &national)]);
        let system_admin = caller(&[(Role::SystemAdmin, &national)]);
        assert_eq!(authorize(&org_admin, Action::GrantRole(Role::SystemAdmin), &national), Err(Denied));
        assert!(authorize(&org_admin, Action::GrantRole(Role::OrgAdmin), &national).is_ok());
        assert!(authorize(&system_admin, Action::GrantRole(Role::SystemAdmin), &national).is_ok());
    }

    #[test]
    fn workers_and_representatives_hold_no_staff_powers() {
        let national = OrgPath::root(1);
        let worker = caller(&[(Role::Worker, &national), (Role::Representative, &national)]);
        for action in [Action::ViewStaffConsole, Action::ManageOrganisations, Action::RevealPhone, Action::ReadAudit] {
            assert_eq!(authorize(&worker, action, &national), Err(Denied), "{action:?}");
        }
        assert!(!worker.is_staff());
    }

    #[test]
    fn scope_roots_collapse_nested_grants() {
        let national = OrgPath::root(1);
        let chongqing = national.child(2);
        let yuzhong = chongqing.child(3);
        let fujian = national.child(4);
        let admin = caller(&[(Role::OrgAdmin, &yuzhong), (Role::OrgAdmin, &chongqing), (Role::OrgAdmin, &fujian)]);
        let roots: Vec<_> = admin.scope_roots(Action::ManageOrganisations).iter().map(|g| g.org_id).collect();
        assert_eq!(roots, vec![2, 4]);
    }
}
