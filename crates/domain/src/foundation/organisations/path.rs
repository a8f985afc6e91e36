use serde::{Deserialize, Serialize};

use super::id::OrgId;

/// The materialised path of an organisation: its ancestors' ids and its own, as
/// `/1/4/9/`. A grant on an organisation covers exactly the organisations whose
/// path starts with its path, which is one indexed `LIKE 'prefix%'` in SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: OrgId) -> Self {
        Self(format!("/{id}/"))
    }

    pub fn child(&self, id: OrgId) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    /// Rebuilds a path read from storage; `None` if it is not of the `/1/4/` shape.
    pub fn from_stored(stored: &str) -> Option<Self> {
        let inner = stored.strip_prefix('/')?.strip_suffix('/')?;
        let well_formed = !inner.is_empty() && inner.split('/').all(|id| id.parse::<OrgId>().is_ok_and(|id| id > 0));
        well_formed.then(|| Self(stored.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `other` is this organisation or lies in its subtree.
    pub fn covers(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The half-open range `[low, high)` of stored paths in this subtree, for an
    /// indexed range scan (paths hold only `/` and digits, and `/` sorts just
    /// below `0` in a binary collation).
    pub fn subtree_bounds(&self) -> (String, String) {
        let mut high = self.0.clone();
        high.pop();
        high.push('0');
        (self.0.clone(), high)
    }

    pub fn ids(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.0.split('/').filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok())
    }

    pub fn id(&self) -> OrgId {
        self.ids().last().expect("a path holds at least one id")
    }

    pub fn parent_id(&self) -> Option<OrgId> {
        let ids: Vec<OrgId> = self.ids().collect();
        ids.len().checked_sub(2).map(|i| ids[i])
    }

    pub fn depth(&self) -> usize {
        self.ids().count()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_path_covers_itself_and_its_descendants_only() {
        let chongqing = OrgPath::root(1).child(2);
        let yuzhong = chongqing.child(3);
        let other = OrgPath::root(1).child(22);
        assert!(chongqing.covers(&chongqing));
        assert!(chongqing.covers(&yuzhong));
        assert!(!yuzhong.covers(&chongqing));
        assert!(!chongqing.covers(&other));
        // `/1/2/` must not cover `/1/22/` although the strings share a prefix.
        assert!(!OrgPath::root(1).child(2).covers(&OrgPath::root(1).child(22)));
        assert_eq!(yuzhong.id(), 3);
        assert_eq!(yuzhong.parent_id(), Some(2));
        assert_eq!(OrgPath::root(1).parent_id(), None);
    }

    #[test]
    fn stored_paths_are_checked() {
        assert_eq!(OrgPath::from_stored("/1/4/9/"), Some(OrgPath::root(1).child(4).child(9)));
        for bad in ["", "/", "1/4/", "/1/x/", "/1//4/", "/0/"] {
            assert_eq!(OrgPath::from_stored(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn covering_matches_ancestry(ids in proptest::collection::vec(1i64..50, 1..6), other in proptest::collection::vec(1i64..50, 1..6)) {
            let build = |ids: &[i64]| ids[1..].iter().fold(OrgPath::root(ids[0]), |p, id| p.child(*id));
            let a = build(&ids);
            let b = build(&other);
            let is_prefix = other.len() >= ids.len() && other[..ids.len()] == ids[..];
            prop_assert_eq!(a.covers(&b), is_prefix);
            let (low, high) = a.subtree_bounds();
            let in_range = b.as_str() >= low.as_str() && b.as_str() < high.as_str();
            prop_assert_eq!(in_range, is_prefix);
            prop_assert_eq!(OrgPath::from_stored(a.as_str()), Some(a.clone()));
        }
    }
}
