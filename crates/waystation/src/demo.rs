//! The demo data set: the organisation tree of the places in the source
//! documents, partner organisations, and one account per role.

use std::sync::Arc;

use anyhow::Context;
use waystation_domain::organisations::{DivisionCode, OrgId, OrgKind, OrgName};
use waystation_domain::people::{NewPassword, PersonName, PhoneNumber, Role};
use waystation_storage::{NewOrg, NewUser, Store};

/// The password of every demo staff account.
pub const DEMO_STAFF_PASSWORD: &str = "waystation-demo";

/// `(key, parent key, kind, name, division code)`, parents before children.
const ORGANISATIONS: &[(&str, &str, OrgKind, &str, Option<&str>)] = &[
    ("national", "", OrgKind::National, "中华全国总工会", None),
    ("chongqing", "national", OrgKind::Province, "重庆市总工会", Some("500000")),
    ("yuzhong", "chongqing", OrgKind::District, "渝中区总工会", Some("500103")),
    ("jiefangbei", "yuzhong", OrgKind::Street, "解放碑街道总工会", None),
    ("yuzhong-couriers", "jiefangbei", OrgKind::IndustryUnion, "渝中区快递行业工会联合会", None),
    ("jiangbei", "chongqing", OrgKind::District, "江北区总工会", Some("500105")),
    ("shapingba", "chongqing", OrgKind::District, "沙坪坝区总工会", Some("500106")),
    ("chongqing-hrss", "chongqing", OrgKind::LabourBureau, "重庆市人力资源和社会保障局", None),
    ("fujian", "national", OrgKind::Province, "福建省总工会", Some("350000")),
    ("xiamen", "fujian", OrgKind::City, "厦门市总工会", Some("350200")),
    ("fuzhou", "fujian", OrgKind::City, "福州市总工会", Some("350100")),
    ("quanzhou", "fujian", OrgKind::City, "泉州市总工会", Some("350500")),
    ("dehua", "quanzhou", OrgKind::District, "德化县总工会", Some("350526")),
    ("dehua-ceramics", "dehua", OrgKind::IndustryUnion, "德化县陶瓷行业工会", None),
    ("dehua-hrss", "dehua", OrgKind::LabourBureau, "德化县人力资源和社会保障局", None),
    ("zhejiang", "national", OrgKind::Province, "浙江省总工会", Some("330000")),
    ("jiaxing", "zhejiang", OrgKind::City, "嘉兴市总工会", Some("330400")),
    ("pinghu", "jiaxing", OrgKind::District, "平湖市总工会", Some("330482")),
    ("pinghu-industrial", "pinghu", OrgKind::RegionalUnion, "平湖经济技术开发区工会", None),
    ("zhoushan", "zhejiang", OrgKind::City, "舟山市总工会", Some("330900")),
    ("putuo", "zhoushan", OrgKind::District, "普陀区总工会", Some("330903")),
    ("putuo-youth", "putuo", OrgKind::YouthLeague, "共青团舟山市普陀区委员会", None),
    ("putuo-women", "putuo", OrgKind::WomensFederation, "舟山市普陀区妇女联合会", None),
    ("tianjin", "national", OrgKind::Province, "天津市总工会", Some("120000")),
    ("tianjin-binhai", "tianjin", OrgKind::District, "滨海新区总工会", Some("120116")),
    ("tianjin-port", "tianjin-binhai", OrgKind::EnterpriseUnion, "天津港集团工会", None),
    ("guangdong", "national", OrgKind::Province, "广东省总工会", Some("440000")),
    ("jiangmen", "guangdong", OrgKind::City, "江门市总工会", Some("440700")),
    ("jiangmen-riders", "jiangmen", OrgKind::IndustryUnion, "江门市新就业形态劳动者工会联合会", None),
    ("jiangmen-platform", "jiangmen", OrgKind::PlatformCompany, "江门市即时配送平台运营中心", None),
    ("jiangmen-bank", "jiangmen", OrgKind::Bank, "江门市工会服务合作银行", None),
    ("hunan", "national", OrgKind::Province, "湖南省总工会", Some("430000")),
    ("changsha", "hunan", OrgKind::City, "长沙市总工会", Some("430100")),
    ("changsha-shops", "changsha", OrgKind::Merchant, "长沙骑手友好商户联盟", None),
    ("beijing", "national", OrgKind::Province, "北京市总工会", Some("110000")),
    ("chaoyang", "beijing", OrgKind::District, "朝阳区总工会", Some("110105")),
];

/// `(phone, name, role, organisation key, has a password)`.
const ACCOUNTS: &[(&str, &str, Role, &str, bool)] = &[
    ("13800000001", "系统管理员", Role::SystemAdmin, "national", true),
    ("13800000002", "陈静", Role::OrgAdmin, "chongqing", true),
    ("13800000003", "李明", Role::CaseHandler, "yuzhong", true),
    ("13800000004", "王芳", Role::MeetingOrganiser, "tianjin-port", true),
    ("13800000005", "刘洋", Role::StationManager, "changsha", true),
    ("13800000006", "张伟", Role::Representative, "pinghu-industrial", false),
    ("13800000007", "赵磊", Role::Worker, "jiangmen-riders", false),
];

pub struct DemoAccount {
    pub phone: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub org_name: &'static str,
    pub password: bool,
}

/// Loads the demo set into an empty database; refuses one that has organisations.
pub async fn load(store: &Arc<dyn Store>) -> anyhow::Result<Vec<DemoAccount>> {
    if !store.list_roots().await?.is_empty() {
        anyhow::bail!("the database already holds organisations; the demo data set loads only into an empty database");
    }
    let mut ids: Vec<(&str, OrgId)> = Vec::new();
    for (key, parent, kind, name, code) in ORGANISATIONS {
        let parent_id = ids.iter().find(|(k, _)| k == parent).map(|(_, id)| *id);
        let org = store
            .create_org(
                None,
                NewOrg {
                    parent_id,
                    kind: *kind,
                    name: OrgName::parse(name)?,
                    division_code: code.map(DivisionCode::parse).transpose()?,
                },
            )
            .await
            .with_context(|| format!("creating the demo organisation {name}"))?;
        ids.push((key, org.id));
    }
    let password_hash = waystation_web::sign_in::hash_password(&NewPassword::parse(DEMO_STAFF_PASSWORD)?)?;
    let mut accounts = Vec::new();
    for (phone, name, role, org_key, password) in ACCOUNTS {
        let org_id = ids.iter().find(|(k, _)| k == org_key).map(|(_, id)| *id).expect("demo accounts name demo organisations");
        let user = store
            .create_user(
                None,
                NewUser {
                    phone: PhoneNumber::parse(phone)?,
                    name: Some(PersonName::parse(name)?),
                    password_hash: password.then(|| password_hash.clone()),
                },
            )
            .await?;
        store.grant_role(None, user.id, org_id, *role).await?;
        if *role == Role::Representative {
            store.grant_role(None, user.id, org_id, Role::Worker).await?;
        }
        let org_name = ORGANISATIONS.iter().find(|o| o.0 == *org_key).map(|o| o.3).unwrap_or_default();
        accounts.push(DemoAccount { phone, name, role: *role, org_name, password: *password });
    }
    Ok(accounts)
}

/// How to sign in as each demo account.
pub fn describe(accounts: &[DemoAccount], base_url: &str) -> String {
    let mut text = format!(
        "Demo data loaded: {} organisations, {} accounts.\nSign in at {base_url}/sign-in\n\n",
        ORGANISATIONS.len(),
        accounts.len()
    );
    text.push_str(&format!("{:<14} {:<20} {:<9} {:<8} {}\n", "phone", "role", "password", "name", "organisation"));
    for a in accounts {
        let password = if a.password { DEMO_STAFF_PASSWORD } else { "-" };
        text.push_str(&format!("{:<14} {:<20} {:<9} {:<8} {}\n", a.phone, a.role.as_str(), password, a.name, a.org_name));
    }
    text.push_str(
        "\nEveryone can sign in with phone + one-time code: the code is written to the server log \
         (look for `sign-in code issued`). Staff accounts can also use their password.\n",
    );
    text
}
