//! People's journeys through the API on the real server.

use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_new_phone_signs_in_and_names_itself() {
    let server = TestServer::start().await;
    let worker = server.sign_in("13512345678").await;
    let me = worker.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["phone"], "13512345678", "one's own number is not masked");
    assert_eq!(me.body["name"], serde_json::Value::Null);
    assert_eq!(me.body["roles"], json!([]));
    let named = worker.post("/api/v1/me/name", json!({"name": " 王小明 "})).await;
    assert_eq!(named.body["name"], "王小明");
    let empty = worker.post("/api/v1/me/name", json!({"name": "  "})).await;
    assert_eq!((empty.status, empty.code()), (StatusCode::UNPROCESSABLE_ENTITY, "name_required"));
}

#[tokio::test]
async fn sessions_can_be_listed_revoked_and_signed_out() {
    let server = TestServer::with_demo().await;
    let phone_one = server.sign_in("13800000007").await;
    // The same person on a second device, a minute later (the per-phone code limit).
    server.sql("DELETE FROM rate_counters").await;
    let phone_two = server.sign_in("13800000007").await;
    let sessions = phone_one.get("/api/v1/me/sessions").await;
    let list = sessions.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"].as_i64().unwrap();

    let revoked = phone_one.post(&format!("/api/v1/me/sessions/{other}/revoke"), json!({})).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(phone_two.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let again = phone_one.post(&format!("/api/v1/me/sessions/{other}/revoke"), json!({})).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let signed_out = phone_one.post("/api/v1/auth/sign-out", json!({})).await;
    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    assert_eq!(phone_one.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn someone_elses_session_cannot_be_revoked() {
    let server = TestServer::with_demo().await;
    let worker = server.sign_in("13800000007").await;
    let admin = server.sign_in("13800000002").await;
    let admin_session = admin.get("/api/v1/me/sessions").await.body[0]["id"].as_i64().unwrap();
    let attempt = worker.post(&format!("/api/v1/me/sessions/{admin_session}/revoke"), json!({})).await;
    assert_eq!(attempt.status, StatusCode::NOT_FOUND);
    assert_eq!(admin.get("/api/v1/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_admin_grants_a_role_and_the_grantee_holds_it() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    let granted = admin
        .post("/api/v1/orgs/3/grants", json!({"phone": "139 0000 0001", "role": "case_handler", "name": "周敏"}))
        .await;
    assert_eq!(granted.status, StatusCode::CREATED, "{granted:?}");
    assert_eq!(granted.body["phone"], "139****0001", "staff see the number masked");
    let twice = admin.post("/api/v1/orgs/3/grants", json!({"phone": "13900000001", "role": "case_handler"})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "role_already_granted"));

    let grantee = server.sign_in("13900000001").await;
    let me = grantee.get("/api/v1/me").await;
    assert_eq!(me.body["name"], "周敏");
    assert_eq!(me.body["roles"][0]["role"], "case_handler");

    let listed = admin.get("/api/v1/orgs/2/grants").await;
    assert!(listed.body["items"].as_array().unwrap().iter().any(|g| g["phone"] == "139****0001"));

    let grant_id = granted.body["grant_id"].as_i64().unwrap();
    let revoked = admin.post(&format!("/api/v1/grants/{grant_id}/revoke"), json!({})).await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(grantee.get("/api/v1/me").await.body["roles"], json!([]));
}

#[tokio::test]
async fn revealing_a_phone_number_is_logged() {
    let server = TestServer::with_demo().await;
    let handler = server.sign_in("13800000003").await; // case handler, 渝中区
    let admin = server.sign_in("13800000002").await;
    admin.post("/api/v1/orgs/3/grants", json!({"phone": "13900000002", "role": "worker"})).await;
    let worker_id = server.store.user_by_phone(&waystation_domain::foundation::people::PhoneNumber::parse("13900000002").unwrap()).await.unwrap().unwrap().id;
    let head = server.audit_head().await;
    let revealed = handler.get(&format!("/api/v1/users/{worker_id}/phone")).await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert_eq!(revealed.body["phone"], "13900000002");
    assert_eq!(server.audit_head().await, head + 1);
    let rows = server.store.audit_rows(head, 10).await.unwrap();
    assert_eq!(rows[0].entry.action, "person.phone_reveal");
    assert_eq!(rows[0].entry.subject, format!("user:{worker_id}"));

    // A station manager of Changsha may not see it.
    let manager = server.sign_in("13800000005").await;
    let refused = manager.get(&format!("/api/v1/users/{worker_id}/phone")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_public_tree_pages_through_cursors_and_hides_deactivated_organisations() {
    let server = TestServer::with_demo().await;
    let anyone = server.client();
    let mut seen = 0;
    let mut path = "/api/v1/orgs?limit=10".to_owned();
    loop {
        let page = anyone.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        seen += page.body["items"].as_array().unwrap().len();
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/orgs?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, waystation::demo::organisation_count());

    let admin = server.sign_in("13800000002").await;
    let deactivated = admin.post("/api/v1/orgs/7/deactivate", json!({})).await; // 沙坪坝区总工会
    assert_eq!(deactivated.status, StatusCode::OK, "{deactivated:?}");
    assert_eq!(deactivated.body["active"], false);
    let public = anyone.get("/api/v1/orgs?root=2&limit=200").await;
    assert!(!public.body["items"].as_array().unwrap().iter().any(|o| o["id"] == 7));
    assert_eq!(anyone.get("/api/v1/orgs/7").await.status, StatusCode::NOT_FOUND);
    assert_eq!(anyone.get("/api/v1/orgs?root=2&include_inactive=true").await.status, StatusCode::UNAUTHORIZED);
    let staff_view = admin.get("/api/v1/orgs?root=2&include_inactive=true&limit=200").await;
    assert!(staff_view.body["items"].as_array().unwrap().iter().any(|o| o["id"] == 7 && o["active"] == false));
    let back = admin.post("/api/v1/orgs/7/reactivate", json!({})).await;
    assert_eq!(back.body["active"], true);

    let has_children = admin.post("/api/v1/orgs/3/deactivate", json!({})).await;
    assert_eq!((has_children.status, has_children.code()), (StatusCode::CONFLICT, "org_has_active_children"));
}

#[tokio::test]
async fn the_audit_log_of_a_subtree_shows_who_changed_what() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    let renamed = admin
        .send(reqwest::Method::PATCH, "/api/v1/orgs/4", Some(json!({"name": "解放碑街道工会"})), &[])
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    let log = admin.get("/api/v1/orgs/2/audit?limit=5").await;
    let newest = &log.body["items"][0];
    assert_eq!(newest["action"], "org.rename");
    assert_eq!(newest["detail"]["to"], "解放碑街道工会");
    assert_eq!(newest["actor_id"], 2);
    let worker = server.sign_in("13800000007").await;
    assert_eq!(worker.get("/api/v1/orgs/2/audit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn health_readiness_metrics_and_the_api_description_are_served() {
    let server = TestServer::start().await;
    let client = server.client();
    assert_eq!(client.get("/healthz").await.text, "ok");
    assert_eq!(client.get("/readyz").await.text, "ready");
    client.get("/api/v1/orgs/1").await;
    let metrics = client.get("/metrics").await.text;
    assert!(metrics.contains("http_requests_total{method=\"GET\",route=\"/api/v1/orgs/{id}\",status=\"404\"}"), "{metrics}");
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("db_pool_connections"));
    let openapi = client.get("/api/v1/openapi.json").await;
    assert_eq!(openapi.body["openapi"], "3.1.0");
    assert!(openapi.body["paths"]["/api/v1/orgs/{id}/move"]["post"].is_object());
    let docs = client.get("/api/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "the API page is served from the binary");
    let missing = client.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_speak_chinese_by_default_and_english_when_asked() {
    let server = TestServer::start().await;
    let client = server.client();
    let home = client.get("/").await;
    assert!(home.text.contains("<html lang=\"zh-CN\">"));
    assert!(home.text.contains("职工驿站"));
    let english = client.send(reqwest::Method::GET, "/", None, &[("accept-language", "en-US,en;q=0.9")]).await;
    assert!(english.text.contains("<html lang=\"en\">"));
    let switched = client.get("/lang/en?next=/sign-in").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.headers["location"], "/sign-in");
    let remembered = client.get("/sign-in").await;
    assert!(remembered.text.contains("<html lang=\"en\">"), "the switch is remembered by cookie");
    let offsite = client.get("/lang/zh-CN?next=//evil.example").await;
    assert_eq!(offsite.headers["location"], "/");
    let account = client.get("/account").await;
    assert_eq!(account.status, StatusCode::SEE_OTHER, "pages send strangers to sign in");
    assert_eq!(account.headers["location"], "/sign-in?next=/account");
}
