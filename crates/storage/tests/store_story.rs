//! One story through the store, run on SQLite and (when
//! `WAYSTATION_TEST_DATABASE_URL` is set) on PostgreSQL.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use waystation_domain::foundation::audit::{AuditEntry, ChainVerifier};
use waystation_domain::foundation::organisations::{DivisionCode, OrgKind, OrgName};
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::foundation::people::{PhoneNumber, Role};
use waystation_domain::foundation::sign_in::{CodeCheck, OneTimeCode};
use waystation_storage::test_support::{fresh_database, TestDatabase};
use waystation_storage::{IdempotencyStart, NewOrg, NewSession, NewUser, SignInMethod, Store, StoreError, StoredResponse};

async fn store() -> (Arc<dyn Store>, TestDatabase) {
    let db = fresh_database().await;
    let store = waystation_storage::open(&db.url).await.expect("open");
    store.migrate().await.expect("migrate");
    (store, db)
}

fn new_org(parent: Option<i64>, kind: OrgKind, name: &str, code: Option<&str>) -> NewOrg {
    NewOrg {
        parent_id: parent,
        kind,
        name: OrgName::parse(name).unwrap(),
        division_code: code.map(|c| DivisionCode::parse(c).unwrap()),
    }
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

#[tokio::test]
async fn the_organisation_tree_keeps_its_shape_and_its_history() {
    let (store, _db) = store().await;
    let national = store.create_org(None, new_org(None, OrgKind::National, "中华全国总工会", None)).await.unwrap();
    let err = store.create_org(None, new_org(None, OrgKind::National, "second root", None)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "root_exists", .. }), "{err:?}");

    let chongqing = store
        .create_org(Some(1), new_org(Some(national.id), OrgKind::Province, "重庆市总工会", Some("500000")))
        .await
        .unwrap();
    let yuzhong = store
        .create_org(Some(1), new_org(Some(chongqing.id), OrgKind::District, "渝中区总工会", Some("500103")))
        .await
        .unwrap();
    let street = store.create_org(Some(1), new_org(Some(yuzhong.id), OrgKind::Street, "解放碑街道工会", None)).await.unwrap();
    assert_eq!(street.path.as_str(), format!("/{}/{}/{}/{}/", national.id, chongqing.id, yuzhong.id, street.id));

    // A duplicate division code among active organisations is refused.
    let err = store
        .create_org(Some(1), new_org(Some(chongqing.id), OrgKind::District, "copy", Some("500103")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "division_code_taken", .. }), "{err:?}");

    // Moving under one's own descendant is refused and changes nothing.
    let err = store.move_org(Some(1), chongqing.id, street.id).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(i) if i.code == "move_into_own_subtree"), "{err:?}");
    assert_eq!(store.get_org(street.id).await.unwrap().path, street.path);

    // Moving the street under the province rewrites its path (and its subtree's).
    let moved = store.move_org(Some(1), street.id, chongqing.id).await.unwrap();
    assert_eq!(moved.path, chongqing.path.child(street.id));
    let subtree = store.list_subtree(yuzhong.id, false, PageRequest::FIRST).await.unwrap();
    assert_eq!(subtree.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![yuzhong.id]);

    // Deactivation: not while children are active; never deletes.
    let err = store.set_org_active(Some(1), chongqing.id, false).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "org_has_active_children", .. }), "{err:?}");
    store.set_org_active(Some(1), street.id, false).await.unwrap();
    let all = store.list_subtree(national.id, true, PageRequest::FIRST).await.unwrap();
    assert_eq!(all.items.len(), 4);
    let active = store.list_subtree(national.id, false, PageRequest::FIRST).await.unwrap();
    assert_eq!(active.items.len(), 3);

    let renamed = store.rename_org(Some(1), yuzhong.id, OrgName::parse("渝中区总工会（新）").unwrap()).await.unwrap();
    assert_eq!(renamed.name, "渝中区总工会（新）");

    assert_eq!(verify_chain(store.as_ref()).await, Ok(7));
}

#[tokio::test]
async fn pages_of_a_subtree_chain_through_cursors() {
    let (store, _db) = store().await;
    let national = store.create_org(None, new_org(None, OrgKind::National, "national", None)).await.unwrap();
    for i in 0..7 {
        store.create_org(None, new_org(Some(national.id), OrgKind::Province, &format!("p{i}"), None)).await.unwrap();
    }
    let mut request = PageRequest::parse(None, Some(3)).unwrap();
    let mut seen = 0;
    loop {
        let page = store.list_subtree(national.id, false, request).await.unwrap();
        seen += page.items.len();
        match page.next_cursor {
            Some(cursor) => request = PageRequest::parse(Some(&cursor), Some(3)).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen, 8);
}

#[tokio::test]
async fn codes_sessions_and_grants() {
    let (store, _db) = store().await;
    let national = store.create_org(None, new_org(None, OrgKind::National, "national", None)).await.unwrap();
    let phone = PhoneNumber::parse("13800138000").unwrap();
    let code = OneTimeCode::parse("123456").unwrap();
    let now = Utc::now();
    assert_eq!(store.try_code(&phone, &code.hash_for(&phone), now).await.unwrap(), CodeCheck::NotRequested);
    store.issue_code(&phone, &code.hash_for(&phone), now).await.unwrap();
    let wrong = OneTimeCode::parse("654321").unwrap().hash_for(&phone);
    assert_eq!(store.try_code(&phone, &wrong, now).await.unwrap(), CodeCheck::Wrong { attempts_left: 4 });
    assert_eq!(store.try_code(&phone, &code.hash_for(&phone), now).await.unwrap(), CodeCheck::Accepted);
    assert_eq!(store.try_code(&phone, &code.hash_for(&phone), now).await.unwrap(), CodeCheck::AlreadyUsed);

    let (user, created) = store.user_for_phone_sign_in(&phone).await.unwrap();
    assert!(created);
    assert_eq!(store.user_for_phone_sign_in(&phone).await.unwrap(), (user.clone(), false));
    let err = store
        .create_user(None, NewUser { phone: phone.clone(), name: None, password_hash: None })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "phone_taken", .. }));

    let grant = store.grant_role(None, user.id, national.id, Role::OrgAdmin).await.unwrap();
    let err = store.grant_role(None, user.id, national.id, Role::OrgAdmin).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "role_already_granted", .. }));

    let session = store
        .create_session(NewSession {
            token_hash: "t1".into(),
            user_id: user.id,
            method: SignInMethod::Code,
            created_at: now,
            expires_at: now + TimeDelta::days(30),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
        })
        .await
        .unwrap();
    let auth = store.authenticate("t1", now).await.unwrap().expect("a live session");
    assert_eq!(auth.user.id, user.id);
    assert_eq!(auth.grants.len(), 1);
    assert!(store.authenticate("t1", now + TimeDelta::days(31)).await.unwrap().is_none(), "expired");
    assert!(store.authenticate("nope", now).await.unwrap().is_none());

    store.revoke_grant(None, grant.id).await.unwrap();
    assert!(store.authenticate("t1", now).await.unwrap().unwrap().grants.is_empty());

    assert!(matches!(store.revoke_session(user.id + 1, session.id, now).await, Err(StoreError::NotFound { .. })));
    store.revoke_session(user.id, session.id, now).await.unwrap();
    assert!(store.authenticate("t1", now).await.unwrap().is_none(), "revoked");
    assert!(verify_chain(store.as_ref()).await.is_ok());
}

#[tokio::test]
async fn idempotency_keys_replay_and_refuse_other_bodies() {
    let (store, _db) = store().await;
    let now = Utc::now();
    assert_eq!(store.idempotency_start("u1", "k", "f1", now).await.unwrap(), IdempotencyStart::Proceed);
    assert_eq!(store.idempotency_start("u1", "k", "f1", now).await.unwrap(), IdempotencyStart::InFlight);
    let response = StoredResponse { status: 201, content_type: "application/json".into(), location: None, body: b"{}".to_vec() };
    store.idempotency_finish("u1", "k", &response).await.unwrap();
    assert_eq!(store.idempotency_start("u1", "k", "f1", now).await.unwrap(), IdempotencyStart::Replay(response));
    assert_eq!(store.idempotency_start("u1", "k", "f2", now).await.unwrap(), IdempotencyStart::Mismatch);
    assert_eq!(store.idempotency_start("u2", "k", "f2", now).await.unwrap(), IdempotencyStart::Proceed, "keys are per caller");
    store.idempotency_abandon("u2", "k").await.unwrap();
    assert_eq!(store.idempotency_start("u2", "k", "f2", now).await.unwrap(), IdempotencyStart::Proceed);
}

#[tokio::test]
async fn rate_counters_count_per_window() {
    let (store, _db) = store().await;
    let window = Utc::now();
    assert_eq!(store.hit_rate_counter("k", window).await.unwrap(), 1);
    assert_eq!(store.hit_rate_counter("k", window).await.unwrap(), 2);
    assert_eq!(store.hit_rate_counter("k", window + TimeDelta::minutes(1)).await.unwrap(), 1);
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    use sqlx::Connection;
    let (store, db) = store().await;
    store
        .record_audit(AuditEntry::new(Utc::now(), None, "test", None, "x:1".into(), serde_json::json!({})))
        .await
        .unwrap();
    for statement in ["UPDATE audit_log SET detail = '{}' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"] {
        let refused = if db.url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::Executor::execute(&mut conn, statement).await.is_err()
        } else {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::Executor::execute(&mut conn, statement).await.is_err()
        };
        assert!(refused, "{statement}");
    }
    assert_eq!(verify_chain(store.as_ref()).await, Ok(1));
}
