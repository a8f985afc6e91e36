//! The appeals store's story, run on SQLite and (when
//! `WAYSTATION_TEST_DATABASE_URL` is set) on PostgreSQL: case numbers, the
//! workflow with its timeline, refusals that change nothing, the audit chain,
//! a subtree's queue page by page, and two filings at once.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use waystation_domain::appeals::{
    Actor, AppealType, CaseNumber, Category, CategoryCode, Context, DeadlineKind, Event, Level, Outcome, Stage, TimeLimits,
};
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

    // Newest first, two at a time, through the district's subtree (the street included).
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
    let mut newest_first = yuzhong_ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);

    // The province sees all six; the street only its own two.
    let all = store.appeals_in_subtree(t.province.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    assert_eq!(all.items.len(), 6);
    assert!(all.items.iter().any(|a| a.id == elsewhere.id));
    let street = store.appeals_in_subtree(t.street.id, &AppealFilter::default(), PageRequest::FIRST).await.unwrap();
    assert_eq!(street.items.iter().map(|a| a.id).collect::<Vec<_>>(), [yuzhong_ids[3], yuzhong_ids[1]]);

    // Filters: by stage and by category.
    let filter = AppealFilter { stage: Some(Stage::Accepted), category: None };
    let accepted = store.appeals_in_subtree(t.yuzhong.id, &filter, PageRequest::FIRST).await.unwrap();
    assert_eq!(accepted.items.iter().map(|a| a.id).collect::<Vec<_>>(), [yuzhong_ids[0]]);
    let filter = AppealFilter { stage: Some(Stage::Submitted), category: Some(CategoryCode::from(Category::WageArrears)) };
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
