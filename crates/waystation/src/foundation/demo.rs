//! The demo organisation tree and its accounts.

use std::sync::Arc;

use anyhow::Context;
use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgKind, OrgName};
use waystation_domain::foundation::people::{NewPassword, PersonName, PhoneNumber, Role};
use waystation_storage::{NewOrg, NewUser, Store};

/// The password of every demo staff account.
pub const DEMO_STAFF_PASSWORD: &str = "waystation-demo";

/// The number of organisations in the demo tree.
pub fn organisation_count() -> usize {
    ORGANISATIONS.len()
}

pub struct DemoAccount {
    pub phone: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub org_name: &'static str,
    pub password: bool,
}

/// `(key, parent key, kind, name, division code)`, parents before children.
///
/// New organisations go at the end: tests and the browser journeys address the
/// first ones by id (渝中区总工会 is org 3).
pub(crate) const ORGANISATIONS: &[(&str, &str, OrgKind, &str, Option<&str>)] = &[
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
    // The stations' places: Haimen's mobile booths, Chongqing's other main-urban
    // districts, Fujian's other cities, the partners that co-build stations, and
    // Qinghai's drivers' home.
    ("jiangsu", "national", OrgKind::Province, "江苏省总工会", Some("320000")),
    ("nantong", "jiangsu", OrgKind::City, "南通市总工会", Some("320600")),
    ("haimen", "nantong", OrgKind::District, "海门区总工会", Some("320684")),
    ("dadukou", "chongqing", OrgKind::District, "大渡口区总工会", Some("500104")),
    ("jiulongpo", "chongqing", OrgKind::District, "九龙坡区总工会", Some("500107")),
    ("nanan", "chongqing", OrgKind::District, "南岸区总工会", Some("500108")),
    ("beibei", "chongqing", OrgKind::District, "北碚区总工会", Some("500109")),
    ("yubei", "chongqing", OrgKind::District, "渝北区总工会", Some("500112")),
    ("banan", "chongqing", OrgKind::District, "巴南区总工会", Some("500113")),
    ("putian", "fujian", OrgKind::City, "莆田市总工会", Some("350300")),
    ("sanming", "fujian", OrgKind::City, "三明市总工会", Some("350400")),
    ("zhangzhou", "fujian", OrgKind::City, "漳州市总工会", Some("350600")),
    ("nanping", "fujian", OrgKind::City, "南平市总工会", Some("350700")),
    ("longyan", "fujian", OrgKind::City, "龙岩市总工会", Some("350800")),
    ("ningde", "fujian", OrgKind::City, "宁德市总工会", Some("350900")),
    ("quangang", "quanzhou", OrgKind::District, "泉港区总工会", Some("350505")),
    ("fujian-cib", "fujian", OrgKind::Bank, "兴业银行股份有限公司", None),
    ("fujian-rcc", "fujian", OrgKind::Bank, "福建省农村信用社联合社", None),
    ("changsha-eleme", "changsha", OrgKind::PlatformCompany, "饿了么长沙区域运营中心", None),
    ("qinghai", "national", OrgKind::Province, "青海省总工会", Some("630000")),
    ("haixi", "qinghai", OrgKind::City, "海西蒙古族藏族自治州总工会", Some("632800")),
    ("dulan", "haixi", OrgKind::District, "都兰县总工会", Some("632822")),
    // The other provinces, so that the scale set has an owner everywhere.
    ("hebei", "national", OrgKind::Province, "河北省总工会", Some("130000")),
    ("shanxi", "national", OrgKind::Province, "山西省总工会", Some("140000")),
    ("neimenggu", "national", OrgKind::Province, "内蒙古自治区总工会", Some("150000")),
    ("liaoning", "national", OrgKind::Province, "辽宁省总工会", Some("210000")),
    ("jilin", "national", OrgKind::Province, "吉林省总工会", Some("220000")),
    ("heilongjiang", "national", OrgKind::Province, "黑龙江省总工会", Some("230000")),
    ("shanghai", "national", OrgKind::Province, "上海市总工会", Some("310000")),
    ("anhui", "national", OrgKind::Province, "安徽省总工会", Some("340000")),
    ("jiangxi", "national", OrgKind::Province, "江西省总工会", Some("360000")),
    ("shandong", "national", OrgKind::Province, "山东省总工会", Some("370000")),
    ("henan", "national", OrgKind::Province, "河南省总工会", Some("410000")),
    ("hubei", "national", OrgKind::Province, "湖北省总工会", Some("420000")),
    ("guangxi", "national", OrgKind::Province, "广西壮族自治区总工会", Some("450000")),
    ("hainan", "national", OrgKind::Province, "海南省总工会", Some("460000")),
    ("sichuan", "national", OrgKind::Province, "四川省总工会", Some("510000")),
    ("guizhou", "national", OrgKind::Province, "贵州省总工会", Some("520000")),
    ("yunnan", "national", OrgKind::Province, "云南省总工会", Some("530000")),
    ("xizang", "national", OrgKind::Province, "西藏自治区总工会", Some("540000")),
    ("shaanxi", "national", OrgKind::Province, "陕西省总工会", Some("610000")),
    ("gansu", "national", OrgKind::Province, "甘肃省总工会", Some("620000")),
    ("ningxia", "national", OrgKind::Province, "宁夏回族自治区总工会", Some("640000")),
    ("xinjiang", "national", OrgKind::Province, "新疆维吾尔自治区总工会", Some("650000")),
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

/// `广东省` for `440000`: the name of the province's federation without `总工会`.
pub fn province_name(code: &str) -> String {
    ORGANISATIONS
        .iter()
        .find(|o| o.4 == Some(code))
        .map_or_else(|| code.to_owned(), |o| o.3.trim_end_matches("总工会").to_owned())
}

/// The ids the demo organisations got, by key.
pub struct OrgIds(Vec<(&'static str, OrgId)>);

impl OrgIds {
    /// The id of a demo organisation; the keys are this module's own constants.
    pub fn get(&self, key: &str) -> OrgId {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, id)| *id).unwrap_or_else(|| panic!("no demo organisation {key}"))
    }
}

/// Creates the tree into an empty database.
pub async fn create_tree(store: &Arc<dyn Store>) -> anyhow::Result<OrgIds> {
    let mut ids: Vec<(&'static str, OrgId)> = Vec::with_capacity(ORGANISATIONS.len());
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
    Ok(OrgIds(ids))
}

/// One account per role, each with its grant.
pub async fn create_accounts(store: &Arc<dyn Store>, ids: &OrgIds) -> anyhow::Result<Vec<DemoAccount>> {
    let password_hash = waystation_web::sign_in::hash_password(&NewPassword::parse(DEMO_STAFF_PASSWORD)?)?;
    let mut accounts = Vec::new();
    for (phone, name, role, org_key, password) in ACCOUNTS {
        let org_id = ids.get(org_key);
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
