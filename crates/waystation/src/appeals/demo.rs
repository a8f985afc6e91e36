//! The demo set's appeals: the cases of the seed documents' places — a wage
//! case in Dehua handled jointly with the labour inspectorate (两站联动 closed
//! one for 7 workers in 4 days), parking and towing in Chongqing, a Jiangmen
//! rider's e-bike trouble — some overdue, some escalated, some reviewed, some
//! rated; and a scale set of any size across the tree for benchmarks.
//!
//! Every regional case goes through the store's own filing and events,
//! backdated from today, so its timeline, audit rows and notifications are
//! what a real one's would be; the scale set is written in bulk. Dates are
//! relative to the day of the load.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use waystation_domain::appeals::{
    transition, Actor, AppealType, CaseState, Catalogue, Category, CategoryCode, Context, Event, Outcome, Partner, RoutedBy,
};
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};
use waystation_domain::kit::calendar::HolidayCalendar;
use waystation_domain::kit::china_time::china_day;
use waystation_storage::{NewAppeal, NewUser, ScaleAppeal, ScaleEvent, Store};

use crate::foundation::demo::OrgIds;

/// The demo workers who file the regional cases: `(phone, name, organisation key)`.
const WORKERS: &[(&str, &str, &str)] = &[
    ("13900000011", "林小兵", "dehua-ceramics"),
    ("13900000012", "周师傅", "jiefangbei"),
    ("13900000013", "黄骑手", "jiangmen-riders"),
    ("13900000014", "吴快递", "yuzhong-couriers"),
    ("13900000015", "郑司机", "jiangbei"),
];

/// What the regional load created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppealCounts {
    pub cases: usize,
    pub events: usize,
}

struct Loader<'a> {
    store: &'a Arc<dyn Store>,
    catalogue: Catalogue,
    calendar: &'a HolidayCalendar,
    now: DateTime<Utc>,
    counts: AppealCounts,
}

/// One step of a demo case: how many days after the filing, who, what.
type Step = (i64, Actor, Event);

impl Loader<'_> {
    #[allow(clippy::too_many_arguments)]
    async fn case(
        &mut self,
        filer: (UserId, &str),
        org: OrgId,
        category: Category,
        appeal_type: AppealType,
        text: &str,
        fields: serde_json::Value,
        location: Option<(f64, f64)>,
        days_ago: i64,
        steps: Vec<Step>,
    ) -> anyhow::Result<i64> {
        let def = self.catalogue.get(category.as_str())?.clone();
        let filed_at = self.now - Duration::days(days_ago);
        let input = NewAppeal {
            appeal_type,
            category: CategoryCode::from(category),
            org_id: org,
            filed_by: Some(filer.0),
            contact_phone: PhoneNumber::parse(filer.1)?,
            hide_identity: false,
            text: text.to_owned(),
            fields,
            location,
            green_channel: def.green_channel,
            routed_by: if location.is_some() { RoutedBy::Place } else { RoutedBy::WorkerOrganisation },
            open311_key: None,
        };
        let appeal = self.store.file_appeal(Some(filer.0), input, filed_at, &def.limits, self.calendar).await?;
        self.counts.cases += 1;
        for (after, actor, event) in steps {
            let at = filed_at + Duration::days(after) + Duration::hours(2);
            let cx = Context { actor, today: china_day(at), limits: &def.limits, calendar: self.calendar };
            let who = if actor == Actor::Worker { Some(filer.0) } else { None };
            self.store
                .apply_appeal_event(who, appeal.id, &event, &cx, at)
                .await
                .with_context(|| format!("demo case {}: {}", appeal.case_number.as_str(), event.name()))?;
            self.counts.events += 1;
        }
        Ok(appeal.id)
    }
}

async fn worker(store: &Arc<dyn Store>, ids: &OrgIds, phone: &str, name: &str, org_key: &str) -> anyhow::Result<UserId> {
    let user = store
        .create_user(None, NewUser { phone: PhoneNumber::parse(phone)?, name: Some(PersonName::parse(name)?), password_hash: None })
        .await?;
    store.grant_role(None, user.id, ids.get(org_key), Role::Worker).await?;
    Ok(user.id)
}

fn text(s: &str) -> String {
    s.to_owned()
}

/// Loads the regional cases under the demo tree `ids`.
pub async fn load_regional(store: &Arc<dyn Store>, ids: &OrgIds, calendar: &HolidayCalendar) -> anyhow::Result<AppealCounts> {
    let mut workers = Vec::new();
    for (phone, name, org) in WORKERS {
        workers.push((worker(store, ids, phone, name, org).await?, *phone));
    }
    let [dehua_worker, jiefangbei_worker, jiangmen_rider, courier, driver] = workers[..] else {
        anyhow::bail!("the demo has five workers");
    };
    let mut l = Loader { store, catalogue: Catalogue::builtin(), calendar, now: Utc::now(), counts: AppealCounts::default() };
    use Actor::{Handler, Supervisor, Worker};

    // Dehua: 7 ceramics workers' wages, handled jointly with the labour inspectorate, closed in 4 days.
    l.case(
        dehua_worker,
        ids.get("dehua"),
        Category::WageArrears,
        AppealType::Help,
        "德化某陶瓷厂拖欠我们7名工人三个月工资，多次讨要未果。",
        serde_json::json!({"employer_or_platform": "德化县某陶瓷有限公司", "amount_yuan": "86400.00", "period": "2025-05..2025-07", "workers": "7"}),
        Some((25.4917, 118.2414)),
        40,
        vec![
            (0, Handler, Event::Accept),
            (0, Handler, Event::JoinPartner { partner: Partner::LabourInspectorate, contact: text("德化县劳动保障监察大队") }),
            (1, Handler, Event::Start),
            (1, Handler, Event::PartnerAction { partner: Partner::LabourInspectorate, text: text("约谈企业负责人，责令限期支付") }),
            (2, Handler, Event::Note { text: text("企业已承诺3日内支付，工会驿站全程跟进"), to_worker: true }),
            (4, Handler, Event::Reply { outcome: Outcome::Supported, text: text("7名工人被拖欠的工资86400元已全部支付到位。") }),
            (5, Worker, Event::Confirm),
            (5, Worker, Event::Rate { stars: 5, comment: text("两站联动，4天就拿到了工资") }),
        ],
    )
    .await?;
    // Chongqing: a towed e-bike near Jiefangbei, in progress at the district.
    l.case(
        jiefangbei_worker,
        ids.get("yuzhong"),
        Category::ParkingTowing,
        AppealType::Complaint,
        "送餐时电动车临时停放在路边被拖走，取车要交费，希望能协调临时停车点。",
        serde_json::json!({"date": (china_day(l.now) - Duration::days(6)).to_string(), "place": "解放碑八一路"}),
        Some((29.5575, 106.5769)),
        6,
        vec![
            (1, Handler, Event::Accept),
            (1, Handler, Event::JoinPartner { partner: Partner::TrafficPolice, contact: text("渝中区交巡警支队") }),
            (2, Handler, Event::Start),
            (3, Handler, Event::Note { text: text("已与交巡警沟通，正在规划骑手临时停车点"), to_worker: true }),
        ],
    )
    .await?;
    // Jiangmen: a rider's e-bike penalty, just filed (骑行侠·码上帮).
    l.case(
        jiangmen_rider,
        ids.get("jiangmen-riders"),
        Category::TrafficPenalty,
        AppealType::Consultation,
        "电动车被扣，说是没有上牌，但车是平台统一租的，这个罚款该谁交？",
        serde_json::json!({"date": (china_day(l.now) - Duration::days(1)).to_string(), "place": "江门市蓬江区港口路"}),
        Some((22.5833, 113.0819)),
        1,
        vec![],
    )
    .await?;
    // Jiangbei: a parking case nobody accepted — overdue, escalated by the clock.
    l.case(
        driver,
        ids.get("jiangbei"),
        Category::ParkingTowing,
        AppealType::Complaint,
        "货车司机之家附近没有可以临时停车的地方，经常被罚。",
        serde_json::json!({"date": (china_day(l.now) - Duration::days(25)).to_string(), "place": "江北区港城路"}),
        None,
        25,
        vec![],
    )
    .await?;
    // Yuzhong couriers: social insurance, replied "not supported", the worker asked for a review.
    l.case(
        courier,
        ids.get("yuzhong"),
        Category::SocialInsurance,
        AppealType::Complaint,
        "快递公司没有给我缴纳社保，说我是外包的。",
        serde_json::json!({"employer_or_platform": "某快递渝中营业部"}),
        None,
        20,
        vec![
            (1, Handler, Event::Accept),
            (2, Handler, Event::Start),
            (9, Handler, Event::Reply { outcome: Outcome::NotSupported, text: text("经核实，您与外包公司签订劳务合同，应由外包公司缴纳，已告知维权途径。") }),
            (12, Worker, Event::RequestReview { reason: text("外包公司也不缴，希望上级工会复查") }),
            (13, Supervisor, Event::Accept),
        ],
    )
    .await?;
    // Jiangmen: an accident case, replied, confirmed and rated lower.
    l.case(
        jiangmen_rider,
        ids.get("jiangmen-riders"),
        Category::AccidentInjury,
        AppealType::LegalAid,
        "送餐途中被车撞伤，对方不承担责任，需要法律援助。",
        serde_json::json!({"date": (china_day(l.now) - Duration::days(60)).to_string(), "place": "江门市江海区"}),
        None,
        58,
        vec![
            (0, Handler, Event::Accept),
            (0, Handler, Event::JoinPartner { partner: Partner::RightsLawyer, contact: text("工会法律服务站") }),
            (1, Handler, Event::Start),
            (8, Handler, Event::Reply { outcome: Outcome::Supported, text: text("已安排工会律师代理，协助申请工伤认定和赔偿。") }),
            (10, Worker, Event::Confirm),
            (10, Worker, Event::Rate { stars: 4, comment: text("律师很专业，就是等得有点久") }),
        ],
    )
    .await?;
    Ok(l.counts)
}

/// The most cases `demo --appeals` loads in one run.
pub const MAX_SCALE_APPEALS: u32 = 2_000_000;

/// Adds `n` cases spread over the tree's unions and the past year: most
/// handled, some in progress, some untouched (the old ones overdue, for the
/// sweep to escalate), a share in the green channel, with hidden identities
/// and with a place — the scale set for benchmarks. Each case's state comes
/// from the domain's own transitions; the store writes them in bulk
/// (`load_scale_appeals`), two thousand a transaction. Deterministic for a
/// given `n` and day. Returns how many were filed.
pub async fn load_scale(store: &Arc<dyn Store>, n: u32, calendar: &'static HolidayCalendar) -> anyhow::Result<usize> {
    use rand::{Rng, SeedableRng};
    use waystation_domain::kit::pagination::{PageRequest, MAX_LIMIT};
    anyhow::ensure!(n <= MAX_SCALE_APPEALS, "--appeals is at most {MAX_SCALE_APPEALS}");
    let mut unions = Vec::new();
    for root in store.list_roots().await? {
        let mut request = PageRequest { after: None, limit: MAX_LIMIT };
        loop {
            let page = store.list_subtree(root.id, false, request).await?;
            unions.extend(page.items.iter().filter(|o| !o.kind.is_partner()).map(|o| o.id));
            match page.next_cursor {
                Some(cursor) => request = PageRequest::parse(Some(&cursor), Some(MAX_LIMIT))?,
                None => break,
            }
        }
    }
    anyhow::ensure!(!unions.is_empty(), "load the organisations first (waystation demo)");
    let catalogue = Catalogue::builtin();
    let now = Utc::now();
    let phone = PhoneNumber::parse("13900009999")?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0xA99E_A15);
    let mut batch = Vec::with_capacity(SCALE_BATCH);
    let mut filed = 0usize;
    for i in 0..n {
        let category = Category::ALL[rng.gen_range(0..Category::ALL.len())];
        let org = unions[rng.gen_range(0..unions.len())];
        let filed_at = now - Duration::days(rng.gen_range(0..365)) - Duration::minutes(rng.gen_range(0..24 * 60));
        let fate: u32 = rng.gen_range(0..100);
        let def = catalogue.get(category.as_str())?;
        // 70 % answered (half of those confirmed and rated), 15 % in progress, 15 % untouched.
        let steps: Vec<(i64, Actor, Event)> = match fate {
            0..=34 => vec![
                (1, Actor::Handler, Event::Accept),
                (3, Actor::Handler, Event::Reply { outcome: Outcome::Supported, text: "已办结".into() }),
                (4, Actor::Worker, Event::Confirm),
                (4, Actor::Worker, Event::Rate { stars: 3 + (i % 3) as u8, comment: String::new() }),
            ],
            35..=69 => vec![
                (1, Actor::Handler, Event::Accept),
                (3, Actor::Handler, Event::Reply { outcome: Outcome::Explained, text: "已答复".into() }),
            ],
            70..=84 => vec![(1, Actor::Handler, Event::Accept), (1, Actor::Handler, Event::Start)],
            _ => vec![],
        };
        let mut state = CaseState::submitted(china_day(filed_at));
        let mut events = Vec::new();
        for (after, actor, event) in steps {
            let at = filed_at + Duration::days(after);
            if at > now {
                break;
            }
            let cx = Context { actor, today: china_day(at), limits: &def.limits, calendar };
            let next = transition(&state, &event, &cx)?;
            events.push(ScaleEvent { at, actor_kind: actor.as_str(), event: event.name(), from: state.stage, to: next.stage });
            state = next;
        }
        batch.push(ScaleAppeal {
            input: NewAppeal {
                appeal_type: AppealType::ALL[i as usize % AppealType::ALL.len()],
                category: CategoryCode::from(category),
                org_id: org,
                filed_by: None,
                contact_phone: phone.clone(),
                hide_identity: fate % 10 == 0,
                text: format!("规模测试诉求 {i}"),
                fields: serde_json::json!({}),
                // A third with a place near their union's city (the heat map's cells).
                location: (fate % 3 == 0).then(|| (22.0 + rng.gen_range(0.0..20.0), 100.0 + rng.gen_range(0.0..20.0))),
                green_channel: def.green_channel,
                routed_by: RoutedBy::Top,
                open311_key: None,
            },
            filed_at,
            state,
            limits: def.limits.clone(),
            events,
        });
        if batch.len() == SCALE_BATCH || i + 1 == n {
            filed += store.load_scale_appeals(&batch, calendar).await?;
            batch.clear();
        }
    }
    Ok(filed)
}

/// Scale-set cases written per transaction.
const SCALE_BATCH: usize = 2_000;
