//! Routing (分流): which union acts on a case, which level supervises it, and
//! who a signed-in person is for a case — the three levels of the 12351 rule.
//!
//! A filing is routed, in this order of preference:
//! 1. by **place** — the union that runs the grid where the worker stands: the
//!    organisation of the nearest listed station within [`GRID_RADIUS_M`] of
//!    the location (stations are the grid's anchor points, each run by the
//!    street or base union of its area);
//! 2. by **division** — the deepest active union whose division code is the
//!    one the worker (or the API client) named;
//! 3. by the **worker's organisation** — the deepest union where the worker
//!    holds the worker role;
//! 4. else the **top** of the tree, whose staff dispatch it by transfer.
//!
//! Partner organisations (labour bureau, platform company, bank…) never act
//! on a case as its union: a route that lands on one climbs to the nearest
//! union above it. The acting union's nearest union ancestor supervises.
//!
//! Plain data in, a decision out: the caller loads the organisations.

use serde::Serialize;

use crate::appeals::workflow::{Actor, Level};
use crate::foundation::access::{Action, Caller};
use crate::foundation::organisations::{DivisionCode, OrgId, OrgKind, OrgPath};
use crate::foundation::people::UserId;

/// How far from a station a location still counts as its grid, in metres.
pub const GRID_RADIUS_M: f64 = 5_000.0;

/// An organisation as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    pub id: OrgId,
    pub path: OrgPath,
    pub kind: OrgKind,
    pub division: Option<DivisionCode>,
    pub active: bool,
}

/// What a filing tells about where it belongs.
#[derive(Debug, Clone, Default)]
pub struct RouteHints {
    /// The organisation running the nearest listed station within the grid radius.
    pub grid_org: Option<OrgId>,
    /// A division the filer named.
    pub division: Option<DivisionCode>,
    /// Organisations where the filer holds the worker role.
    pub worker_orgs: Vec<OrgId>,
}

/// Why a case went where it went (shown on the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutedBy {
    Place,
    Division,
    WorkerOrganisation,
    Top,
}

impl RoutedBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            RoutedBy::Place => "place",
            RoutedBy::Division => "division",
            RoutedBy::WorkerOrganisation => "worker_organisation",
            RoutedBy::Top => "top",
        }
    }
}

/// The routing decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The union that acts.
    pub org: OrgId,
    pub by: RoutedBy,
}

fn is_union(node: &OrgNode) -> bool {
    node.active && !node.kind.is_partner()
}

/// The union that acts for `start`: itself if it is an active union, else the
/// nearest active union above it.
pub fn acting_union(orgs: &[OrgNode], start: OrgId) -> Option<OrgId> {
    let node = orgs.iter().find(|n| n.id == start)?;
    node.path.ids().collect::<Vec<_>>().into_iter().rev().find(|id| orgs.iter().any(|n| n.id == *id && is_union(n)))
}

/// The level that supervises the union `org`: its nearest active union ancestor.
pub fn supervising_union(orgs: &[OrgNode], org: OrgId) -> Option<OrgId> {
    let node = orgs.iter().find(|n| n.id == org)?;
    let ancestors: Vec<OrgId> = node.path.ids().filter(|id| *id != org).collect();
    ancestors.into_iter().rev().find(|id| orgs.iter().any(|n| n.id == *id && is_union(n)))
}

/// Routes a filing (see the module's order of preference). `None` only when
/// the tree holds no active union at all.
pub fn route(orgs: &[OrgNode], hints: &RouteHints) -> Option<Route> {
    if let Some(org) = hints.grid_org.and_then(|g| acting_union(orgs, g)) {
        return Some(Route { org, by: RoutedBy::Place });
    }
    if let Some(division) = &hints.division {
        let deepest = orgs
            .iter()
            .filter(|n| is_union(n) && n.division.as_ref() == Some(division))
            .max_by_key(|n| (n.path.depth(), std::cmp::Reverse(n.id)));
        if let Some(node) = deepest {
            return Some(Route { org: node.id, by: RoutedBy::Division });
        }
    }
    let deepest_worker_org = hints
        .worker_orgs
        .iter()
        .filter_map(|id| acting_union(orgs, *id))
        .filter_map(|id| orgs.iter().find(|n| n.id == id))
        .max_by_key(|n| (n.path.depth(), std::cmp::Reverse(n.id)));
    if let Some(node) = deepest_worker_org {
        return Some(Route { org: node.id, by: RoutedBy::WorkerOrganisation });
    }
    orgs.iter()
        .filter(|n| is_union(n))
        .min_by_key(|n| (n.path.depth(), n.id))
        .map(|n| Route { org: n.id, by: RoutedBy::Top })
}

/// Who `caller` is for a case handled by the union at `handling` at `level`,
/// filed by `filed_by`:
/// - the filer is the [`Actor::Worker`];
/// - at the base level, staff whose grant is on the handling union itself are
///   its [`Actor::Handler`], staff of any union above it its
///   [`Actor::Supervisor`] (they see the case and may take it over);
/// - at a review, staff at least one union-level above the handling union
///   (two for a re-review) are the reviewing [`Actor::Supervisor`]; the handling
///   union's own staff are its [`Actor::Handler`] (they may read and note, but
///   the workflow gives the review to the level above).
///
/// `None`: the caller has nothing to do with the case and sees none of it.
pub fn actor_for(
    caller: &Caller,
    handling: &OrgPath,
    level: Level,
    filed_by: Option<UserId>,
    orgs_between: &[OrgNode],
) -> Option<Actor> {
    if filed_by == Some(caller.user_id) {
        return Some(Actor::Worker);
    }
    let staff: Vec<&OrgPath> = caller
        .grants
        .iter()
        .filter(|g| Action::HandleAppeals.permitted_roles().contains(&g.role) && g.org_path.covers(handling))
        .map(|g| &g.org_path)
        .collect();
    if staff.is_empty() {
        return None;
    }
    // How many union levels above the handling union each grant sits: the
    // unions strictly above it that the grant covers.
    let union_levels_above = |grant: &OrgPath| -> usize {
        orgs_between
            .iter()
            .filter(|n| is_union(n) && n.id != handling.id() && n.path.covers(handling) && grant.covers(&n.path))
            .count()
    };
    let highest = staff.iter().map(|g| union_levels_above(g)).max().unwrap_or(0);
    let needed = match level {
        Level::Base | Level::Review => 1,
        Level::ReReview => 2,
    };
    if highest >= needed {
        Some(Actor::Supervisor)
    } else {
        Some(Actor::Handler)
    }
}

/// Whether someone acting as `actor` sees the filer's name and phone when the
/// filer asked for their identity to be hidden: only the first-level union
/// (the handler) and the worker themself.
pub const fn sees_hidden_identity(actor: Actor) -> bool {
    matches!(actor, Actor::Worker | Actor::Handler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::access::Grant;
    use crate::foundation::people::Role;

    /// National(1) > Fujian(2, 350000) > Quanzhou(3, 350500) > Dehua(4, 350526)
    /// > Longxun street(5) ; Dehua > labour bureau(6) ; Dehua > rider union(7, inactive)
    fn tree() -> Vec<OrgNode> {
        let national = OrgPath::root(1);
        let fujian = national.child(2);
        let quanzhou = fujian.child(3);
        let dehua = quanzhou.child(4);
        let street = dehua.child(5);
        let bureau = dehua.child(6);
        let riders = dehua.child(7);
        let node = |id, path: &OrgPath, kind, code: Option<&str>, active| OrgNode {
            id,
            path: path.clone(),
            kind,
            division: code.map(|c| DivisionCode::parse(c).unwrap()),
            active,
        };
        vec![
            node(1, &national, OrgKind::National, None, true),
            node(2, &fujian, OrgKind::Province, Some("350000"), true),
            node(3, &quanzhou, OrgKind::City, Some("350500"), true),
            node(4, &dehua, OrgKind::District, Some("350526"), true),
            node(5, &street, OrgKind::Street, None, true),
            node(6, &bureau, OrgKind::LabourBureau, Some("350526"), true),
            node(7, &riders, OrgKind::IndustryUnion, None, false),
        ]
    }

    fn caller(user_id: UserId, grants: &[(Role, OrgId)]) -> Caller {
        let orgs = tree();
        Caller {
            user_id,
            grants: grants
                .iter()
                .map(|(role, id)| Grant {
                    role: *role,
                    org_id: *id,
                    org_path: orgs.iter().find(|n| n.id == *id).unwrap().path.clone(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_place_wins_over_the_division_and_the_workers_organisation() {
        let hints = RouteHints {
            grid_org: Some(5),
            division: Some(DivisionCode::parse("350500").unwrap()),
            worker_orgs: vec![3],
        };
        assert_eq!(route(&tree(), &hints), Some(Route { org: 5, by: RoutedBy::Place }));
    }

    #[test]
    fn a_station_run_by_a_partner_routes_to_the_union_above_it() {
        let hints = RouteHints { grid_org: Some(6), ..RouteHints::default() };
        assert_eq!(route(&tree(), &hints), Some(Route { org: 4, by: RoutedBy::Place }));
    }

    #[test]
    fn a_division_goes_to_its_deepest_active_union_never_a_partner() {
        let hints = RouteHints { division: Some(DivisionCode::parse("350526").unwrap()), ..RouteHints::default() };
        assert_eq!(route(&tree(), &hints), Some(Route { org: 4, by: RoutedBy::Division }));
    }

    #[test]
    fn an_unknown_division_falls_back_to_the_workers_organisation_then_the_top() {
        let unknown = Some(DivisionCode::parse("110101").unwrap());
        let hints = RouteHints { division: unknown.clone(), worker_orgs: vec![7], ..RouteHints::default() };
        // The rider union is inactive: its union above acts.
        assert_eq!(route(&tree(), &hints), Some(Route { org: 4, by: RoutedBy::WorkerOrganisation }));
        let nothing = RouteHints { division: unknown, ..RouteHints::default() };
        assert_eq!(route(&tree(), &nothing), Some(Route { org: 1, by: RoutedBy::Top }));
    }

    #[test]
    fn the_supervising_level_is_the_nearest_union_above() {
        let orgs = tree();
        assert_eq!(supervising_union(&orgs, 5), Some(4));
        assert_eq!(supervising_union(&orgs, 4), Some(3));
        assert_eq!(supervising_union(&orgs, 1), None);
    }

    #[test]
    fn staff_are_handlers_at_the_union_supervisors_above_and_strangers_elsewhere() {
        let orgs = tree();
        let street = orgs[4].path.clone();
        let handler = caller(10, &[(Role::CaseHandler, 5)]);
        let district = caller(11, &[(Role::CaseHandler, 4)]);
        let city = caller(12, &[(Role::OrgAdmin, 3)]);
        let station_manager = caller(13, &[(Role::StationManager, 4)]);
        let worker = caller(14, &[(Role::Worker, 5)]);
        assert_eq!(actor_for(&handler, &street, Level::Base, Some(14), &orgs), Some(Actor::Handler));
        assert_eq!(actor_for(&district, &street, Level::Base, Some(14), &orgs), Some(Actor::Supervisor));
        assert_eq!(actor_for(&station_manager, &street, Level::Base, Some(14), &orgs), None);
        assert_eq!(actor_for(&worker, &street, Level::Base, Some(14), &orgs), Some(Actor::Worker));
        assert_eq!(actor_for(&caller(15, &[(Role::Worker, 5)]), &street, Level::Base, Some(14), &orgs), None);
        // A re-review belongs two union levels up: the district is no longer enough.
        assert_eq!(actor_for(&district, &street, Level::Review, Some(14), &orgs), Some(Actor::Supervisor));
        assert_eq!(actor_for(&district, &street, Level::ReReview, Some(14), &orgs), Some(Actor::Handler));
        assert_eq!(actor_for(&city, &street, Level::ReReview, Some(14), &orgs), Some(Actor::Supervisor));
    }

    #[test]
    fn a_handler_of_one_district_is_nobody_for_another_districts_case() {
        let mut orgs = tree();
        let other = orgs[2].path.child(8);
        orgs.push(OrgNode { id: 8, path: other.clone(), kind: OrgKind::District, division: None, active: true });
        let handler = caller(10, &[(Role::CaseHandler, 4)]);
        assert_eq!(actor_for(&handler, &other, Level::Base, None, &orgs), None);
    }

    #[test]
    fn hidden_identities_are_for_the_first_level_only() {
        assert!(sees_hidden_identity(Actor::Handler));
        assert!(sees_hidden_identity(Actor::Worker));
        assert!(!sees_hidden_identity(Actor::Supervisor));
        assert!(!sees_hidden_identity(Actor::System));
    }
}
