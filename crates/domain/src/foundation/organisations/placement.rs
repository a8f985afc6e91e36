use serde::{Deserialize, Serialize};

use super::{DivisionCode, DivisionGranularity, OrgKind, OrgLevel, OrgPath};
use crate::Invalid;

/// An organisation's name: trimmed, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        let count = trimmed.chars().count();
        if count == 0 {
            return Err(Invalid::field("name", "name_required"));
        }
        if count > 100 || trimmed.chars().any(char::is_control) {
            return Err(Invalid::field("name", "invalid_name"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgName> for String {
    fn from(value: OrgName) -> Self {
        value.0
    }
}

/// What the placement rules need to know about an organisation.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    pub kind: OrgKind,
    pub division_code: Option<&'a DivisionCode>,
    pub active: bool,
}

/// May an organisation of `child` kind and code stand under `parent`?
///
/// - only the national federation stands at the root, and nothing above it;
/// - a union stands deeper in the hierarchy than its parent (levels may be skipped:
///   Tianjin's districts stand directly under the municipality);
/// - a partner attaches to any union, and nothing attaches to a partner;
/// - a division code is for provinces, cities and districts/counties, matches the
///   level, and lies inside the parent's code when the parent has one;
/// - nothing new goes under a deactivated organisation.
pub fn check_placement(parent: Option<&Placement<'_>>, child: &Placement<'_>) -> Result<(), Invalid> {
    let Some(parent) = parent else {
        return if child.kind == OrgKind::National {
            Ok(())
        } else {
            Err(Invalid::field("parent_id", "parent_required"))
        };
    };
    if !parent.active {
        return Err(Invalid::field("parent_id", "parent_inactive"));
    }
    let (Some(parent_rank), child_level) = (parent.kind.level().rank(), child.kind.level()) else {
        return Err(Invalid::field("parent_id", "partner_cannot_have_children"));
    };
    if let Some(child_rank) = child_level.rank() {
        if child_rank <= parent_rank {
            return Err(Invalid::field("kind", "level_not_below_parent"));
        }
    }
    if let Some(code) = child.division_code {
        let expected = match child_level {
            OrgLevel::Province => DivisionGranularity::Province,
            OrgLevel::City => DivisionGranularity::City,
            OrgLevel::District => DivisionGranularity::County,
            _ => return Err(Invalid::field("division_code", "division_code_not_applicable")),
        };
        if code.granularity() != expected {
            return Err(Invalid::field("division_code", "division_code_level_mismatch"));
        }
        if let Some(parent_code) = parent.division_code {
            if !parent_code.contains(code) {
                return Err(Invalid::field("division_code", "division_code_outside_parent"));
            }
        }
    }
    Ok(())
}

/// May the organisation at `moving` be placed under the organisation at `new_parent`?
/// Never under itself or one of its own descendants.
pub fn check_move(moving: &OrgPath, new_parent: &OrgPath) -> Result<(), Invalid> {
    if moving.covers(new_parent) {
        return Err(Invalid::field("parent_id", "move_into_own_subtree"));
    }
    if moving.parent_id() == Some(new_parent.id()) {
        return Err(Invalid::field("parent_id", "already_there"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(kind: OrgKind, code: Option<&DivisionCode>) -> Placement<'_> {
        Placement { kind, division_code: code, active: true }
    }

    #[test]
    fn the_union_hierarchy_goes_downwards() {
        let national = at(OrgKind::National, None);
        let province = at(OrgKind::Province, None);
        let city = at(OrgKind::City, None);
        assert!(check_placement(None, &national).is_ok());
        assert_eq!(check_placement(None, &city).unwrap_err().code, "parent_required");
        assert!(check_placement(Some(&national), &province).is_ok());
        assert!(check_placement(Some(&province), &at(OrgKind::District, None)).is_ok(), "levels may be skipped");
        assert_eq!(check_placement(Some(&city), &province).unwrap_err().code, "level_not_below_parent");
        assert_eq!(check_placement(Some(&city), &at(OrgKind::City, None)).unwrap_err().code, "level_not_below_parent");
    }

    #[test]
    fn partners_attach_to_unions_and_hold_nothing() {
        let city = at(OrgKind::City, None);
        let bank = at(OrgKind::Bank, None);
        assert!(check_placement(Some(&city), &bank).is_ok());
        assert_eq!(
            check_placement(Some(&bank), &at(OrgKind::Merchant, None)).unwrap_err().code,
            "partner_cannot_have_children"
        );
    }

    #[test]
    fn division_codes_match_level_and_lie_inside_the_parent() {
        let chongqing_code = DivisionCode::parse("500000").unwrap();
        let yuzhong_code = DivisionCode::parse("500103").unwrap();
        let xiamen_code = DivisionCode::parse("350200").unwrap();
        let chongqing = at(OrgKind::Province, Some(&chongqing_code));
        assert!(check_placement(Some(&chongqing), &at(OrgKind::District, Some(&yuzhong_code))).is_ok());
        assert_eq!(
            check_placement(Some(&chongqing), &at(OrgKind::City, Some(&xiamen_code))).unwrap_err().code,
            "division_code_outside_parent"
        );
        assert_eq!(
            check_placement(Some(&chongqing), &at(OrgKind::City, Some(&yuzhong_code))).unwrap_err().code,
            "division_code_level_mismatch"
        );
        assert_eq!(
            check_placement(Some(&chongqing), &at(OrgKind::EnterpriseUnion, Some(&yuzhong_code))).unwrap_err().code,
            "division_code_not_applicable"
        );
    }

    #[test]
    fn nothing_goes_under_a_deactivated_organisation() {
        let closed = Placement { kind: OrgKind::City, division_code: None, active: false };
        assert_eq!(check_placement(Some(&closed), &at(OrgKind::District, None)).unwrap_err().code, "parent_inactive");
    }

    #[test]
    fn an_organisation_cannot_move_under_its_own_descendant() {
        let chongqing = OrgPath::root(1).child(2);
        let yuzhong = chongqing.child(3);
        let street = yuzhong.child(4);
        assert_eq!(check_move(&chongqing, &street).unwrap_err().code, "move_into_own_subtree");
        assert_eq!(check_move(&chongqing, &chongqing).unwrap_err().code, "move_into_own_subtree");
        assert_eq!(check_move(&yuzhong, &chongqing).unwrap_err().code, "already_there");
        assert!(check_move(&street, &chongqing).is_ok());
    }
}
