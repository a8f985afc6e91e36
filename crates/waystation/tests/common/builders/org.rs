//! The organisation tree most tests start from.

use waystation_domain::foundation::organisations::{OrgId, OrgKind};

use crate::common::TestServer;

/// 全国 → 甲省 → 甲市, and 乙省 beside 甲省 (made in that order, without
/// division codes): a subtree to act inside and a province to stay out of.
pub struct OrgTree {
    pub province: OrgId,
    pub other_province: OrgId,
    pub city: OrgId,
}

impl OrgTree {
    pub async fn create(server: &TestServer) -> Self {
        let national = server.org(None, OrgKind::National, "全国").await.id;
        let province = server.org(Some(national), OrgKind::Province, "甲省").await.id;
        let other_province = server.org(Some(national), OrgKind::Province, "乙省").await.id;
        let city = server.org(Some(province), OrgKind::City, "甲市").await.id;
        Self { province, other_province, city }
    }
}
