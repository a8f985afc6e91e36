//! Using the demo stations: rooms to book in the larger stations — Changsha's
//! Ele.me logistics sites (where the demo station manager 刘洋 works) and the
//! union's own stations in 渝中区 — and a few reviews and answered feedback,
//! so that the station pages and the manager's desk are not empty.
//!
//! Deterministic like the rest of the demo: the same stations (the first open
//! ones of their kind, in import order) get the same rooms, reviews and answers.

use std::sync::Arc;

use anyhow::Context;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::foundation::people::{PersonName, PhoneNumber};
use waystation_domain::stations::reservation::ResourceInput;
use waystation_domain::stations::review::ReviewInput;
use waystation_domain::stations::{StationKind, StationStatus};
use waystation_storage::{NewUser, Station, StationListFilter, Store};

use crate::foundation::demo::OrgIds;

/// Workers who wrote the demo reviews and feedback: `(phone, name)`. They hold
/// no role and are not listed among the demo accounts.
const REVIEWERS: &[(&str, &str)] = &[
    ("13800000101", "周敏"),
    ("13800000102", "黄志强"),
    ("13800000103", "吴海燕"),
    ("13800000104", "孙建国"),
    ("13800000105", "欧阳晓"),
];

/// `(stars, text)`, handed out in turn.
const REVIEWS: &[(i64, &str)] = &[
    (5, "夏天跑单中午进来歇一会儿，空调足，热水随时有，手机也能充上电。"),
    (4, "微波炉和饮水机都好用，就是饭点人有点多。"),
    (5, "管理员很热情，还帮忙给电瓶车充电。"),
    (3, "位置好找，但晚上十点以后就关门了。"),
    (4, "干净整洁，座位够用，希望多放几把雨伞。"),
];

/// `(feedback, answer)` pairs.
const FEEDBACK: &[(&str, &str)] = &[
    ("饮水机的热水有时候不够热，能不能检修一下？", "已请厂家上门更换加热管，现在热水恢复正常，谢谢提醒。"),
    ("建议晚上延长开放时间，夜班骑手也需要歇脚。", "已和合作商户商定，从下月起开放到 23:00。"),
];

/// What the demo put where, for the summary and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UseCounts {
    pub rooms: usize,
    pub reviews: usize,
    pub feedback: usize,
}

/// The first `n` open stations of `kind` owned in `org`'s subtree, in import order.
async fn first_open(store: &Arc<dyn Store>, org: OrgId, kind: StationKind, n: usize) -> anyhow::Result<Vec<Station>> {
    let filter = StationListFilter { within: Some(org), status: Some(StationStatus::Open), kind: Some(kind), text: None };
    let mut stations = store.list_stations(&filter, PageRequest::FIRST).await?.items;
    stations.sort_by_key(|s| s.id);
    stations.truncate(n);
    Ok(stations)
}

/// Adds the rooms, reviews and answered feedback to the loaded demo stations.
pub(crate) async fn load(store: &Arc<dyn Store>, ids: &OrgIds) -> anyhow::Result<UseCounts> {
    let mut counts = UseCounts::default();
    let changsha = first_open(store, ids.get("changsha"), StationKind::RiderStation, 4).await?;
    let yuzhong = first_open(store, ids.get("yuzhong"), StationKind::UnionStation, 3).await?;
    anyhow::ensure!(!changsha.is_empty() && !yuzhong.is_empty(), "the demo stations are loaded before their rooms");

    for (i, station) in changsha.iter().enumerate() {
        let capacity = 12 + 4 * i as i64;
        room(store, station, "骑手活动室", capacity, "休息区旁，可开骑手座谈会、安全培训。").await?;
        counts.rooms += 1;
        if i % 2 == 0 {
            room(store, station, "党建会议室", 20, "配投影仪和白板，需提前一天预约。").await?;
            counts.rooms += 1;
        }
    }
    for (i, station) in yuzhong.iter().enumerate() {
        room(store, station, "职工活动室", 30 - 6 * i as i64, "二楼，可办读书会、法律讲座、技能培训。").await?;
        counts.rooms += 1;
        if i == 0 {
            room(store, station, "户外劳动者会议室", 12, "一楼东侧，适合班组会和调解谈话。").await?;
            counts.rooms += 1;
        }
    }

    let mut reviewers = Vec::new();
    for (phone, name) in REVIEWERS {
        let new = NewUser { phone: PhoneNumber::parse(phone)?, name: Some(PersonName::parse(name)?), password_hash: None };
        reviewers.push(store.create_user(None, new).await.with_context(|| format!("creating the demo reviewer {phone}"))?.id);
    }
    // Each of the first stations gets a few reviews, in turn.
    let reviewed: Vec<&Station> = changsha.iter().take(2).chain(yuzhong.iter().take(1)).collect();
    let mut next = 0;
    for (k, station) in reviewed.iter().enumerate() {
        for reviewer in reviewers.iter().take(3 + k % 2) {
            let (stars, text) = REVIEWS[next % REVIEWS.len()];
            next += 1;
            store.put_review(*reviewer, station.id, ReviewInput::new(stars, text)?).await?;
            counts.reviews += 1;
        }
    }

    // Answered feedback: by the station manager in Changsha, by the city's admin in Chongqing.
    let answerers = [("13800000005", changsha[0].id), ("13800000002", yuzhong[0].id)];
    for (i, (phone, station)) in answerers.into_iter().enumerate() {
        let answerer = store.user_by_phone(&PhoneNumber::parse(phone)?).await?.context("the demo accounts are loaded first")?;
        let (text, answer) = FEEDBACK[i % FEEDBACK.len()];
        let sent = store.create_feedback(reviewers[i], station, text.to_owned()).await?;
        store.answer_feedback(answerer.id, sent.id, answer.to_owned()).await?;
        counts.feedback += 1;
    }
    Ok(counts)
}

async fn room(store: &Arc<dyn Store>, station: &Station, name: &str, capacity: i64, description: &str) -> anyhow::Result<()> {
    store.create_resource(None, station.id, ResourceInput::new(name, capacity, Some(description))?).await?;
    Ok(())
}
