//! The appeals store's story, run on SQLite and (when
//! `WAYSTATION_TEST_DATABASE_URL` is set) on PostgreSQL: case numbers, the
//! workflow with its timeline, refusals that change nothing, the audit chain,
//! a subtree's queue page by page, and two filings at once.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use waystation_domain::appeals::{
    Actor, AppealType, CaseNumber, CaseState, Category, CategoryCode, Context, DeadlineKind, Event, Level, Outcome, Partner, RoutedBy, Stage, TimeLimits,
};
use waystation_domain::appeals::dashboard::{assemble, summarise, Dashboard};
use waystation_domain::foundation::audit::ChainVerifier;
use waystation_domain::foundation::organisations::{DivisionCode, OrgKind, OrgName};
use waystation_domain::foundation::people::PhoneNumber;
use waystation_domain::kit::calendar::HolidayCalendar;
use waystation_domain::kit::pagination::PageRequest;
use waystation_storage::test_support::{fresh_database, TestDatabase};
use waystation_storage::{Appeal, AppealFilter, NewAppeal, NewOrg, NewUser, Org, Store, StoreError};

async fn store() -> (Arc<dyn Store>, TestDatabase) {
    let db = fresh_database().await;
    let store = waystation_storage::open(&db.url).await.expect("open");
    store.migrate().await.expect("migrate");
    assert_eq!(store.backend(), waystation_storage::test_support::backend_under_test());
    (store, db)
}

/// Runs `sql` straight on the test database, past the store: what a hand at the console could try.
async fn raw(db: &TestDatabase, sql: &str) -> Result<(), sqlx::Error> {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await?;
        sqlx::query(sql).execute(&pool).await.map(drop)
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await?;
        sqlx::query(sql).execute(&pool).await.map(drop)
    }
}

async fn org(store: &dyn Store, parent: Option<&Org>, kind: OrgKind, name: &str, code: Option<&str>) -> Org {
    let new = NewOrg {
        parent_id: parent.map(|p| p.id),
        kind,
        name: OrgName::parse(name).unwrap(),
        division_code: code.map(|c| DivisionCode::parse(c).unwrap()),
    };
    store.create_org(None, new).await.unwrap()
}

async fn verify_chain(store: &dyn Store) -> Result<u64, String> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let rows = store.audit_rows(after, 100).await.unwrap();
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            verifier.check(row).map_err(|b| b.to_string())?;
        }
        after = rows.last().unwrap().seq;
    }
    let (seq, hash) = store.audit_head().await.unwrap();
    verifier.finish(Some((seq, &hash))).map_err(|b| b.to_string())
}

fn filing(org_id: i64, filed_by: Option<i64>, category: Category, text: &str) -> NewAppeal {
    NewAppeal {
        appeal_type: AppealType::Complaint,
        category: CategoryCode::from(category),
        org_id,
        filed_by,
        contact_phone: PhoneNumber::parse("13800138000").unwrap(),
        hide_identity: false,
        text: text.to_owned(),
        fields: serde_json::json!({"employer": "某配送站", "amount": 3200}),
        location: Some((29.5563, 106.5775)),
        green_channel: category.green_channel(),
        routed_by: RoutedBy::Place,
            open311_key: None,
    }
}

/// 2025-09-30 16:30 UTC is 2025-10-01 00:30 in China: the case's day is the 1st of October.
fn first_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 30, 16, 30, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn file(store: &dyn Store, input: NewAppeal, now: DateTime<Utc>) -> Appeal {
    let limits = TimeLimits::default();
    store.file_appeal(input.filed_by, input, now, &limits, HolidayCalendar::official()).await.unwrap()
}

async fn fire(store: &dyn Store, id: i64, actor: Actor, today: NaiveDate, event: Event) -> Result<Appeal, StoreError> {
    let limits = TimeLimits::default();
    let cx = Context { actor, today, limits: &limits, calendar: HolidayCalendar::official() };
    let now = Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).unwrap());
    store.apply_appeal_event(None, id, &event, &cx, now).await
}

struct Tree {
    province: Org,
    yuzhong: Org,
    street: Org,
    jiangbei: Org,
}

async fn tree(store: &dyn Store) -> Tree {
    let national = org(store, None, OrgKind::National, "中华全国总工会", None).await;
    let province = org(store, Some(&national), OrgKind::Province, "重庆市总工会", Some("500000")).await;
    let yuzhong = org(store, Some(&province), OrgKind::District, "渝中区总工会", Some("500103")).await;
    let street = org(store, Some(&yuzhong), OrgKind::Street, "解放碑街道工会", None).await;
    let jiangbei = org(store, Some(&province), OrgKind::District, "江北区总工会", Some("500105")).await;
    Tree { province, yuzhong, street, jiangbei }
}

#[tokio::test]
async fn case_numbers_run_per_division_and_china_day_and_are_never_reused() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let now = first_instant();
    let a = file(&*store, filing(t.yuzhong.id, None, Category::WageArrears, "欠薪三个月"), now).await;
    let b = file(&*store, filing(t.street.id, None, Category::ParkingTowing, "电动车被拖走"), now).await;
    let c = file(&*store, filing(t.jiangbei.id, None, Category::Other, "其他"), now).await;
    // The street has no division code of its own: it numbers with its district.
    assert_eq!(a.case_number.as_str(), "SQ-500103-20251001-00001");
    assert_eq!(b.case_number.as_str(), "SQ-500103-20251001-00002");
    assert_eq!(c.case_number.as_str(), "SQ-500105-20251001-00001");
    // The next China day starts again at 1.
    let d = file(&*store, filing(t.yuzhong.id, None, Category::Other, "次日"), now + TimeDelta::days(1)).await;
    assert_eq!(d.case_number.as_str(), "SQ-500103-20251002-00001");

    // A filing that fails after taking its number (inactive org) takes none:
    // the whole transaction rolls back, and the next number follows on.
    let err = store
        .file_appeal(None, filing(999_999, None, Category::Other, "x"), now, &TimeLimits::default(), HolidayCalendar::official())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. } | StoreError::Invalid(_)), "{err:?}");
    let e = file(&*store, filing(t.yuzhong.id, None, Category::Other, "再一件"), now).await;
    assert_eq!(e.case_number.as_str(), "SQ-500103-20251001-00003");

    // A filing is found by its number, as the worker types it.
    let found = store.appeal_by_case_number(&CaseNumber::parse(" sq-500103-20251001-00002 ").unwrap()).await.unwrap().unwrap();
    assert_eq!(found.id, b.id);
    assert_eq!(found.org_path, t.street.path);
    assert_eq!(found.fields["amount"], 3200);
    assert_eq!(found.location, Some((29.5563, 106.5775)));
    assert!(store.appeal_by_case_number(&CaseNumber::parse("SQ-500103-20251001-00099").unwrap()).await.unwrap().is_none());
    let err = store.get_appeal(9_999).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { code: "appeal_not_found", .. }), "{err:?}");

    // Filed on the 1st of October (the National Day holiday): the acceptance
    // deadline is counted from the China day, on the calendar.
    assert_eq!(a.state.submitted_on, day(2025, 10, 1));
    assert_eq!(a.state.stage, Stage::Submitted);
    let expected = TimeLimits::default().accept.deadline(day(2025, 10, 1), HolidayCalendar::official());
    assert_eq!(a.due, Some((DeadlineKind::Accept, expected)));
    verify_chain(&*store).await.unwrap();
}

#[tokio::test]
async fn the_happy_path_is_recorded_on_the_timeline_and_in_the_audit_chain() {
    let (store, db) = store().await;
    let t = tree(&*store).await;
    let rider = store
        .create_user(None, NewUser { phone: PhoneNumber::parse("13900139000").unwrap(), name: None, password_hash: None })
        .await
        .unwrap();
    let filed = file(&*store, filing(t.yuzhong.id, Some(rider.id), Category::WageArrears, "欠薪三个月"), first_instant()).await;
    assert_eq!(filed.filed_by, Some(rider.id));
    let id = filed.id;

    let accepted = fire(&*store, id, Actor::Handler, day(2025, 10, 9), Event::Accept).await.unwrap();
    assert_eq!(accepted.state.stage, Stage::Accepted);
    assert_eq!(accepted.state.accepted_on, Some(day(2025, 10, 9)));
    assert!(matches!(accepted.due, Some((DeadlineKind::Finish, _))));
    fire(&*store, id, Actor::Handler, day(2025, 10, 9), Event::Start).await.unwrap();
    let replied = fire(
        &*store,
        id,
        Actor::Handler,
        day(2025, 10, 20),
        Event::Reply { outcome: Outcome::Supported, text: "已协调配送站补发工资。".into() },
    )
    .await
    .unwrap();
    assert_eq!(replied.state.stage, Stage::Replied);
    assert_eq!(replied.state.outcome, Some(Outcome::Supported));
    assert_eq!(replied.due, None);
    fire(&*store, id, Actor::Worker, day(2025, 10, 21), Event::Confirm).await.unwrap();
    let rated =
        fire(&*store, id, Actor::Worker, day(2025, 10, 21), Event::Rate { stars: 5, comment: "谢谢工会".into() }).await.unwrap();
    assert_eq!(rated.state.stage, Stage::Rated);
    assert_eq!(rated.state.rating, Some(5));
    assert_eq!(rated.state.level, Level::Base);
    assert_eq!(store.get_appeal(id).await.unwrap().state, rated.state);

    let timeline = store.appeal_timeline(id).await.unwrap();
    let events: Vec<_> = timeline.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["file", "accept", "start", "reply", "confirm", "rate"]);
    let stages: Vec<_> = timeline.iter().map(|e| (e.from_stage, e.to_stage)).collect();
    assert_eq!(
        stages,
        [
            (None, Stage::Submitted),
            (Some(Stage::Submitted), Stage::Accepted),
            (Some(Stage::Accepted), Stage::InProgress),
            (Some(Stage::InProgress), Stage::Replied),
            (Some(Stage::Replied), Stage::Closed),
            (Some(Stage::Closed), Stage::Rated),
        ]
    );
    assert_eq!(timeline[0].actor_id, Some(rider.id));
    assert_eq!(timeline[0].actor_kind, "worker");
    assert_eq!(timeline[0].detail["case_number"], filed.case_number.as_str());
    assert_eq!(timeline[1].actor_kind, "handler");
    assert_eq!(timeline[3].detail["outcome"], "supported");
    assert_eq!(timeline[5].detail["stars"], 5);
    assert!(timeline.windows(2).all(|w| w[0].at <= w[1].at));

    // Filing and five events: six audit rows on top of the tree's, and the chain holds.
    let rows = store.audit_rows(0, 1000).await.unwrap();
    let actions: Vec<_> = rows.iter().filter(|r| r.entry.action.starts_with("appeal.")).map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions, ["appeal.file", "appeal.accept", "appeal.start", "appeal.reply", "appeal.confirm", "appeal.rate"]);
    verify_chain(&*store).await.unwrap();

    // The timeline is append-only, like the audit log: rewriting or deleting it is refused.
    raw(&db, "UPDATE appeal_events SET event = 'decline'").await.unwrap_err();
    raw(&db, "DELETE FROM appeal_events").await.unwrap_err();
    assert_eq!(store.appeal_timeline(id).await.unwrap(), timeline);
}

#[tokio::test]
async fn a_refused_event_changes_nothing() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let filed = file(&*store, filing(t.yuzhong.id, None, Category::ParkingTowing, "车被拖"), first_instant()).await;
    let other = file(&*store, filing(t.yuzhong.id, None, Category::ParkingTowing, "同一件事"), first_instant()).await;
    let (head_before, _) = store.audit_head().await.unwrap();
    let timeline_before = store.appeal_timeline(filed.id).await.unwrap();

    let today = day(2025, 10, 9);
    let refusals = [
        // A reply before acceptance is not a step the workflow has.
        (Actor::Handler, Event::Reply { outcome: Outcome::Explained, text: "答复".into() }, "illegal_transition"),
        (Actor::Worker, Event::Rate { stars: 4, comment: String::new() }, "illegal_transition"),
        // Only staff accept.
        (Actor::Worker, Event::Accept, "actor_not_allowed"),
        // A decline needs its reason.
        (Actor::Handler, Event::Decline { reason: "  ".into() }, "reason_required"),
    ];
    for (actor, event, code) in refusals {
        let err = fire(&*store, filed.id, actor, today, event).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(i) if i.code == code), "{code}: {err:?}");
    }
    let err = fire(&*store, filed.id, Actor::Handler, today, Event::MergeInto { into: filed.id }).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(i) if i.code == "merge_into_itself"), "{err:?}");
    let err = fire(&*store, filed.id, Actor::Handler, today, Event::MergeInto { into: 9_999 }).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { code: "appeal_not_found", field: Some("into") }), "{err:?}");
    let err = fire(&*store, 9_999, Actor::Handler, today, Event::Accept).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { code: "appeal_not_found", .. }), "{err:?}");

    let after = store.get_appeal(filed.id).await.unwrap();
    assert_eq!(after.state, filed.state);
    assert_eq!(after.due, filed.due);
    assert_eq!(after.updated_at, filed.updated_at);
    assert_eq!(store.appeal_timeline(filed.id).await.unwrap(), timeline_before);
    assert_eq!(store.audit_head().await.unwrap().0, head_before);

    // A legal merge after all that: the duplicate leaves the queue's open stages.
    let merged = fire(&*store, filed.id, Actor::Handler, today, Event::MergeInto { into: other.id }).await.unwrap();
    assert_eq!(merged.state.stage, Stage::Merged);
    assert_eq!(merged.state.merged_into, Some(other.id));
    assert_eq!(merged.due, None);
    // And the matter that is merged can no longer move.
    let err = fire(&*store, filed.id, Actor::Handler, today, Event::Accept).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(i) if i.code == "illegal_transition"), "{err:?}");
    assert_eq!(store.audit_head().await.unwrap().0, head_before + 1);
    verify_chain(&*store).await.unwrap();
}

#[tokio::test]
async fn a_subtree_queue_pages_through_cursors() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let now = first_instant();
    let mut yuzhong_ids = Vec::new();
    for i in 0..5 {
        let org_id = if i % 2 == 0 { t.yuzhong.id } else { t.street.id };
        let category = if i == 4 { Category::Other } else { Category::WageArrears };
        yuzhong_ids.push(file(&*store, filing(org_id, None, category, &format!("第{i}件")), now).await.id);
    }
    let elsewhere = file(&*store, filing(t.jiangbei.id, None, Category::WageArrears, "江北"), now).await;
    fire(&*store, yuzhong_ids[0], Actor::Handler, day(2025, 10, 9), Event::Accept).await.unwrap();

    // Green channel (wage arrears) first, then newest first, two at a time,
    // through the district's subtree (the street included).
    let mut seen = Vec::new();
    let mut request = PageRequest::parse(None, Some(2)).unwrap();
    let mut pages = 0;
    loop {
        let page = store.appeals_in_subtree(t.yuzhong.id, &AppealFilter::default(), request).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|a| a.id));
        pages += 1;
        match page.next_cursor {
            Some(cursor) => request = PageRequest::parse(Some(&cursor), Some(2)).unwrap(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut green_newest_first: Vec<i64> = yuzhong_ids[..4].to_vec();
    green_newest_first.reverse();
    green_newest_first.push(yuzhong_ids[4]);
    assert_eq!(seen, green_newest_first);

    // The province sees all six; the street only its own two.
    let all = store.appeals_in_subtree(t.province.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    assert_eq!(all.items.len(), 6);
    assert!(all.items.iter().any(|a| a.id == elsewhere.id));
    let street = store.appeals_in_subtree(t.street.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    assert_eq!(street.items.iter().map(|a| a.id).collect::<Vec<_>>(), [yuzhong_ids[3], yuzhong_ids[1]]);

    // Filters: by stage and by category.
    let filter = AppealFilter { stage: Some(Stage::Accepted), ..AppealFilter::default() };
    let accepted = store.appeals_in_subtree(t.yuzhong.id, &filter, PageRequest::FIRST).await.unwrap();
    assert_eq!(accepted.items.iter().map(|a| a.id).collect::<Vec<_>>(), [yuzhong_ids[0]]);
    let filter = AppealFilter { stage: Some(Stage::Submitted), category: Some(CategoryCode::from(Category::WageArrears)), ..AppealFilter::default() };
    let waiting = store.appeals_in_subtree(t.yuzhong.id, &filter, PageRequest::FIRST).await.unwrap();
    assert_eq!(waiting.items.iter().map(|a| a.id).collect::<Vec<_>>(), [yuzhong_ids[3], yuzhong_ids[2], yuzhong_ids[1]]);

    let err = store.appeals_in_subtree(9_999, &AppealFilter::default(), PageRequest::FIRST).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn filings_at_the_same_moment_get_distinct_numbers() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let now = first_instant();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let org_id = if i % 2 == 0 { t.yuzhong.id } else { t.street.id };
            tokio::spawn(async move {
                let input = filing(org_id, None, Category::WageArrears, &format!("同时提交{i}"));
                store.file_appeal(None, input, now, &TimeLimits::default(), HolidayCalendar::official()).await.unwrap()
            })
        })
        .collect();
    let mut numbers = HashSet::new();
    for task in tasks {
        numbers.insert(task.await.unwrap().case_number.sequence());
    }
    assert_eq!(numbers, (1..=8).collect::<HashSet<u32>>());
    verify_chain(&*store).await.unwrap();
}

async fn staff(store: &dyn Store, phone: &str, org: &Org, role: waystation_domain::foundation::people::Role) -> i64 {
    let user = store
        .create_user(None, NewUser { phone: PhoneNumber::parse(phone).unwrap(), name: None, password_hash: None })
        .await
        .unwrap();
    store.grant_role(None, user.id, org.id, role).await.unwrap();
    user.id
}

fn at(today: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).unwrap())
}

#[tokio::test]
async fn a_transfer_moves_the_case_to_the_other_union_and_tells_both_sides() {
    use waystation_domain::foundation::people::Role;
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let rider = staff(&*store, "13900139001", &t.street, Role::Worker).await;
    let yuzhong_handler = staff(&*store, "13900139002", &t.yuzhong, Role::CaseHandler).await;
    let jiangbei_handler = staff(&*store, "13900139003", &t.jiangbei, Role::CaseHandler).await;
    let filed = file(&*store, filing(t.yuzhong.id, Some(rider), Category::ParkingTowing, "电动车被拖走"), first_instant()).await;
    assert_eq!(store.unread_notifications(yuzhong_handler).await.unwrap(), 1, "the acting union hears of the filing");
    assert_eq!(store.unread_notifications(rider).await.unwrap(), 0, "nobody is told of their own act");

    let to_self = fire(&*store, filed.id, Actor::Handler, day(2025, 10, 9), Event::Transfer { to: t.yuzhong.id, reason: "x".into() }).await;
    assert!(matches!(to_self, Err(StoreError::Invalid(ref i)) if i.code == "transfer_to_itself"), "{to_self:?}");
    let moved = fire(&*store, filed.id, Actor::Handler, day(2025, 10, 9), Event::Transfer { to: t.jiangbei.id, reason: "拖车点属江北区".into() })
        .await
        .unwrap();
    assert_eq!(moved.org_id, t.jiangbei.id);
    assert_eq!(moved.case_number, filed.case_number, "the case keeps its number");
    assert_eq!(moved.due, filed.due, "passing a case on does not restart its clock");
    assert_eq!(store.unread_notifications(jiangbei_handler).await.unwrap(), 1);
    let told = store.notifications_of(rider, PageRequest::FIRST).await.unwrap();
    assert_eq!(told.items.len(), 1);
    assert_eq!(told.items[0].kind, "appeal.transfer");
    assert_eq!(told.items[0].link, format!("/appeals/{}", filed.case_number.as_str()));
    let timeline = store.appeal_timeline(filed.id).await.unwrap();
    let transfer = timeline.last().unwrap();
    assert_eq!((transfer.event.as_str(), transfer.detail["from_org"].as_i64()), ("transfer", Some(t.yuzhong.id)));
    assert_eq!(store.mark_notifications_read(rider, None, Utc::now()).await.unwrap(), 1);
    assert_eq!(store.unread_notifications(rider).await.unwrap(), 0);
}

#[tokio::test]
async fn joint_handling_records_each_partners_actions_on_the_same_case() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let filed = file(&*store, filing(t.yuzhong.id, None, Category::WageArrears, "7名骑手被拖欠工资"), first_instant()).await;
    fire(&*store, filed.id, Actor::Handler, day(2025, 10, 9), Event::Accept).await.unwrap();
    let joined = fire(
        &*store,
        filed.id,
        Actor::Handler,
        day(2025, 10, 9),
        Event::JoinPartner { partner: Partner::LabourInspectorate, contact: "劳动监察大队".into() },
    )
    .await
    .unwrap();
    assert_eq!(joined.state.partners, vec![Partner::LabourInspectorate]);
    assert_eq!(store.get_appeal(filed.id).await.unwrap().state.partners, vec![Partner::LabourInspectorate]);
    let stranger = fire(
        &*store,
        filed.id,
        Actor::Handler,
        day(2025, 10, 10),
        Event::PartnerAction { partner: Partner::Court, text: "立案".into() },
    )
    .await;
    assert!(matches!(stranger, Err(StoreError::Invalid(ref i)) if i.code == "partner_not_joined"));
    fire(
        &*store,
        filed.id,
        Actor::Handler,
        day(2025, 10, 10),
        Event::PartnerAction { partner: Partner::LabourInspectorate, text: "责令企业限期支付".into() },
    )
    .await
    .unwrap();
    let events: Vec<String> = store.appeal_timeline(filed.id).await.unwrap().into_iter().map(|e| e.event).collect();
    assert_eq!(events, ["file", "accept", "join_partner", "partner_action"]);
}

#[tokio::test]
async fn queues_put_the_green_channel_first_and_split_own_from_supervised() {
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let own = file(&*store, filing(t.yuzhong.id, None, Category::ParkingTowing, "拖车"), first_instant()).await;
    let green = file(&*store, filing(t.street.id, None, Category::WageArrears, "欠薪"), first_instant()).await;
    let newer = file(&*store, filing(t.street.id, None, Category::ParkingTowing, "罚款"), first_instant()).await;
    let all = store.appeals_in_subtree(t.yuzhong.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    let ids: Vec<i64> = all.items.iter().map(|a| a.id).collect();
    assert_eq!(ids, [green.id, newer.id, own.id], "green channel first, then newest first");
    let mine = AppealFilter { root_only: true, ..AppealFilter::default() };
    let ids: Vec<i64> = store.appeals_in_subtree(t.yuzhong.id, &mine, PageRequest::FIRST).await.unwrap().items.iter().map(|a| a.id).collect();
    assert_eq!(ids, [own.id]);
    let below = AppealFilter { below_root_only: true, ..AppealFilter::default() };
    let ids: Vec<i64> = store.appeals_in_subtree(t.yuzhong.id, &below, PageRequest::FIRST).await.unwrap().items.iter().map(|a| a.id).collect();
    assert_eq!(ids, [green.id, newer.id]);
    let greens = AppealFilter { green_channel_only: true, ..AppealFilter::default() };
    assert_eq!(store.appeals_in_subtree(t.province.id, &greens, PageRequest::FIRST).await.unwrap().items.len(), 1);
    // Filed 2025-10-01, accept within 15 days: 10-16 is the last day, overdue from the 17th.
    let overdue = |on| AppealFilter { overdue_on: Some(on), ..AppealFilter::default() };
    assert_eq!(store.appeals_in_subtree(t.yuzhong.id, &overdue(day(2025, 10, 16)), PageRequest::FIRST).await.unwrap().items.len(), 0);
    assert_eq!(store.appeals_in_subtree(t.yuzhong.id, &overdue(day(2025, 10, 17)), PageRequest::FIRST).await.unwrap().items.len(), 3);
    let first = store.appeals_in_subtree(t.yuzhong.id, &AppealFilter::default(), PageRequest::parse(None, Some(2)).unwrap()).await.unwrap();
    let rest = store.appeals_in_subtree(t.yuzhong.id, &AppealFilter::default(), PageRequest::parse(first.next_cursor.as_deref(), Some(2)).unwrap()).await.unwrap();
    assert_eq!(rest.items.iter().map(|a| a.id).collect::<Vec<_>>(), [own.id], "pages run on in queue order");
}

#[tokio::test]
async fn the_deadline_sweep_warns_and_escalates_each_case_exactly_once_even_when_servers_race() {
    use waystation_domain::appeals::Catalogue;
    use waystation_domain::foundation::people::Role;
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let handler = staff(&*store, "13900139011", &t.street, Role::CaseHandler).await;
    let supervisor = staff(&*store, "13900139012", &t.yuzhong, Role::CaseHandler).await;
    let head = staff(&*store, "13900139013", &t.street, Role::OrgAdmin).await;
    let filed = file(&*store, filing(t.street.id, None, Category::ParkingTowing, "拖车"), first_instant()).await;
    let catalogue = Catalogue::builtin();
    let calendar = HolidayCalendar::official();
    let base = store.unread_notifications(handler).await.unwrap();

    // Accept within 15 days of 10-01: due 10-16, yellow from 10-14 (3 days ahead).
    let early = store.sweep_appeal_deadlines(at(day(2025, 10, 10)), &catalogue, calendar).await.unwrap();
    assert_eq!((early.warned, early.escalated), (0, 0));
    let (a, b) = tokio::join!(
        store.sweep_appeal_deadlines(at(day(2025, 10, 14)), &catalogue, calendar),
        store.sweep_appeal_deadlines(at(day(2025, 10, 14)), &catalogue, calendar),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.warned + b.warned, 1, "two servers sweeping at once warn once: {a:?} {b:?}");
    assert_eq!(store.unread_notifications(handler).await.unwrap(), base + 1);
    assert_eq!(store.unread_notifications(supervisor).await.unwrap(), 0, "a yellow light stays with the handler");
    let again = store.sweep_appeal_deadlines(at(day(2025, 10, 15)), &catalogue, calendar).await.unwrap();
    assert_eq!(again.warned, 0, "the same light never fires twice");

    let red = store.sweep_appeal_deadlines(at(day(2025, 10, 17)), &catalogue, calendar).await.unwrap();
    assert_eq!(red.escalated, 1);
    let escalated = store.get_appeal(filed.id).await.unwrap();
    assert_eq!(escalated.escalated_on, Some(day(2025, 10, 17)));
    assert_eq!(store.unread_notifications(supervisor).await.unwrap(), 1, "the supervising level hears of the breach");
    assert!(store.unread_notifications(head).await.unwrap() >= 1, "the head is told personally");
    let queue = AppealFilter { escalated_only: true, below_root_only: true, ..AppealFilter::default() };
    let seen = store.appeals_in_subtree(t.yuzhong.id, &queue, PageRequest::FIRST).await.unwrap();
    assert_eq!(seen.items.iter().map(|a| a.id).collect::<Vec<_>>(), [filed.id], "it appears at the supervising level");
    let later = store.sweep_appeal_deadlines(at(day(2025, 10, 20)), &catalogue, calendar).await.unwrap();
    assert_eq!(later.escalated, 0);
    let events: Vec<String> = store.appeal_timeline(filed.id).await.unwrap().into_iter().map(|e| e.event).collect();
    assert_eq!(events, ["file", "warn", "escalate"]);
}

#[tokio::test]
async fn a_replied_case_closes_after_the_workers_silence() {
    use waystation_domain::appeals::Catalogue;
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let filed = file(&*store, filing(t.street.id, None, Category::ParkingTowing, "拖车"), first_instant()).await;
    fire(&*store, filed.id, Actor::Handler, day(2025, 10, 9), Event::Accept).await.unwrap();
    fire(&*store, filed.id, Actor::Handler, day(2025, 10, 10), Event::Reply { outcome: Outcome::Explained, text: "已说明".into() })
        .await
        .unwrap();
    let catalogue = Catalogue::builtin();
    // 15 days from 10-10 end on Saturday 10-25, which moves to Monday 10-27.
    let quiet = store.sweep_appeal_deadlines(at(day(2025, 10, 27)), &catalogue, HolidayCalendar::official()).await.unwrap();
    assert_eq!(quiet.closed_after_silence, 0);
    let closed = store.sweep_appeal_deadlines(at(day(2025, 10, 28)), &catalogue, HolidayCalendar::official()).await.unwrap();
    assert_eq!(closed.closed_after_silence, 1);
    let appeal = store.get_appeal(filed.id).await.unwrap();
    assert_eq!((appeal.state.stage, appeal.state.closed_on), (Stage::Closed, Some(day(2025, 10, 28))));
    let events: Vec<String> = store.appeal_timeline(filed.id).await.unwrap().into_iter().map(|e| e.event).collect();
    assert_eq!(events.last().map(String::as_str), Some("close_after_silence"));
}

/// The dashboard of `root` from the kept tallies, and from the cases themselves.
async fn dashboards(store: &dyn Store, root: &Org, today: NaiveDate) -> (Dashboard, Dashboard) {
    let (from, to) = (day(2025, 1, 1), day(2025, 12, 31));
    let kept = assemble(store.appeal_sums(root.id, from, to, today).await.unwrap());
    let counted = summarise(&store.appeal_facts(root.id, from, to).await.unwrap(), today);
    (kept, counted)
}

async fn assert_tallies_agree(store: &dyn Store, t: &Tree, today: NaiveDate, after: &str) {
    for root in [&t.province, &t.yuzhong, &t.jiangbei] {
        let (kept, counted) = dashboards(store, root, today).await;
        assert_eq!(kept, counted, "{}'s tallies after {after}", root.name.as_str());
    }
}

#[tokio::test]
async fn the_kept_tallies_agree_with_the_cases_after_every_kind_of_change() {
    use waystation_domain::appeals::Catalogue;
    let (store, db) = store().await;
    let t = tree(&*store).await;
    let calendar = HolidayCalendar::official();
    let catalogue = Catalogue::builtin();
    let today = day(2025, 10, 9);
    let wage = file(&*store, filing(t.street.id, None, Category::WageArrears, "欠薪"), first_instant()).await;
    let towed = file(&*store, filing(t.yuzhong.id, None, Category::ParkingTowing, "拖车"), first_instant()).await;
    let again = file(&*store, filing(t.yuzhong.id, None, Category::ParkingTowing, "拖车（重复）"), first_instant()).await;
    let mut far = filing(t.jiangbei.id, None, Category::Other, "别处");
    far.location = None;
    let declined = file(&*store, far, first_instant()).await;
    assert_tallies_agree(&*store, &t, today, "filing").await;
    assert_eq!(dashboards(&*store, &t.province, today).await.0.total, 4);

    fire(&*store, wage.id, Actor::Handler, day(2025, 10, 2), Event::Accept).await.unwrap();
    fire(&*store, wage.id, Actor::Handler, day(2025, 10, 3), Event::Reply { outcome: Outcome::Supported, text: "已追回".into() }).await.unwrap();
    fire(&*store, wage.id, Actor::Worker, day(2025, 10, 4), Event::Confirm).await.unwrap();
    fire(&*store, wage.id, Actor::Worker, day(2025, 10, 4), Event::Rate { stars: 4, comment: "好".into() }).await.unwrap();
    fire(&*store, declined.id, Actor::Handler, day(2025, 10, 2), Event::Decline { reason: "不属受理范围".into() }).await.unwrap();
    fire(&*store, again.id, Actor::Handler, day(2025, 10, 2), Event::MergeInto { into: towed.id }).await.unwrap();
    assert_tallies_agree(&*store, &t, today, "accept, reply, confirm, rate, decline and merge").await;

    fire(&*store, towed.id, Actor::Handler, day(2025, 10, 9), Event::Transfer { to: t.jiangbei.id, reason: "拖车点属江北区".into() }).await.unwrap();
    assert_tallies_agree(&*store, &t, today, "a transfer to another district").await;
    let (yuzhong, _) = dashboards(&*store, &t.yuzhong, today).await;
    assert_eq!(yuzhong.total, 2, "the transferred case left Yuzhong's figures: the wage case and the merged one stay");

    // The clock: the transferred case is escalated, past its acceptance limit.
    store.sweep_appeal_deadlines(at(day(2025, 10, 20)), &catalogue, calendar).await.unwrap();
    assert_eq!(store.get_appeal(towed.id).await.unwrap().escalated_on, Some(day(2025, 10, 20)));
    assert_tallies_agree(&*store, &t, day(2025, 10, 20), "an escalation").await;
    fire(&*store, towed.id, Actor::Handler, day(2025, 10, 21), Event::Accept).await.unwrap();
    fire(&*store, towed.id, Actor::Handler, day(2025, 10, 22), Event::Reply { outcome: Outcome::Explained, text: "已说明".into() }).await.unwrap();
    store.sweep_appeal_deadlines(at(day(2025, 11, 30)), &catalogue, calendar).await.unwrap();
    assert_eq!(store.get_appeal(towed.id).await.unwrap().state.stage, Stage::Closed);
    assert_tallies_agree(&*store, &t, day(2025, 11, 30), "a late reply and the close after silence").await;
    let (province, _) = dashboards(&*store, &t.province, day(2025, 11, 30)).await;
    assert_eq!(province.on_time_rate, Some(0.5), "of two answered, the escalated one was late");

    // A review the level above answers late: the escalation makes an answered case late.
    let reviewed = file(&*store, filing(t.street.id, None, Category::Other, "复查"), first_instant()).await;
    fire(&*store, reviewed.id, Actor::Handler, day(2025, 10, 2), Event::Accept).await.unwrap();
    fire(&*store, reviewed.id, Actor::Handler, day(2025, 10, 3), Event::Reply { outcome: Outcome::NotSupported, text: "不支持".into() }).await.unwrap();
    fire(&*store, reviewed.id, Actor::Worker, day(2025, 10, 5), Event::RequestReview { reason: "不服".into() }).await.unwrap();
    let (before_breach, _) = dashboards(&*store, &t.street, day(2025, 10, 5)).await;
    assert_eq!(before_breach.on_time_rate, Some(1.0));
    store.sweep_appeal_deadlines(at(day(2025, 12, 1)), &catalogue, calendar).await.unwrap();
    assert!(store.get_appeal(reviewed.id).await.unwrap().escalated_on.is_some());
    assert_tallies_agree(&*store, &t, day(2025, 12, 1), "an escalated review").await;

    // Rebuilt from the cases, they come out the same; lost, the migrations rebuild them.
    let before = dashboards(&*store, &t.province, today).await.0;
    assert!(store.rebuild_appeal_tallies(false).await.unwrap());
    assert_eq!(dashboards(&*store, &t.province, today).await.0, before);
    assert!(!store.rebuild_appeal_tallies(true).await.unwrap(), "they agree: nothing to rebuild");
    raw(&db, "DELETE FROM appeal_tallies").await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(dashboards(&*store, &t.province, today).await.0, before);
}

#[tokio::test]
async fn the_scale_sets_bulk_load_writes_cases_timelines_and_tallies_as_the_events_would() {
    use waystation_domain::appeals::transition;
    use waystation_storage::{ScaleAppeal, ScaleEvent};
    let (store, _db) = store().await;
    let t = tree(&*store).await;
    let calendar = HolidayCalendar::official();
    let limits = TimeLimits::default();
    let cases: Vec<ScaleAppeal> = (0..450)
        .map(|i| {
            let org = [&t.street, &t.yuzhong, &t.jiangbei][i % 3].id;
            let category = [Category::WageArrears, Category::ParkingTowing, Category::Other][i % 3];
            let filed_at = first_instant() + TimeDelta::days((i % 20) as i64);
            let mut state = CaseState::submitted(filed_at.with_timezone(&waystation_domain::kit::china_time::offset()).date_naive());
            let mut events = Vec::new();
            if i % 2 == 0 {
                let at = filed_at + TimeDelta::days(1);
                let cx = Context { actor: Actor::Handler, today: at.date_naive(), limits: &limits, calendar };
                let next = transition(&state, &Event::Accept, &cx).unwrap();
                events.push(ScaleEvent { at, actor_kind: "handler", event: "accept", from: state.stage, to: next.stage });
                state = next;
            }
            ScaleAppeal { input: filing(org, None, category, &format!("规模 {i}")), filed_at, state, limits: limits.clone(), events }
        })
        .collect();
    assert_eq!(store.load_scale_appeals(&cases, calendar).await.unwrap(), 450);
    assert_tallies_agree(&*store, &t, day(2025, 10, 25), "a bulk load").await;
    let (province, _) = dashboards(&*store, &t.province, day(2025, 10, 25)).await;
    assert_eq!((province.total, province.green_channel), (450, 150));
    let queue = store.appeals_in_subtree(t.province.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    assert!(queue.items[0].green_channel, "queue keys are set: the green channel comes first");
    let numbers: HashSet<String> = queue.items.iter().map(|a| a.case_number.as_str().to_owned()).collect();
    assert_eq!(numbers.len(), queue.items.len());
    let accepted = queue.items.iter().find(|a| a.state.stage == Stage::Accepted).expect("an accepted case on the first page");
    let events: Vec<String> = store.appeal_timeline(accepted.id).await.unwrap().into_iter().map(|e| e.event).collect();
    assert_eq!(events, ["file", "accept"]);
    verify_chain(&*store).await.unwrap();
}
