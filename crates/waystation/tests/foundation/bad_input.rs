//! Every bad input gets a clear 4xx with a stable code and changes nothing.

use crate::common::browser::Browser;
use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

#[tokio::test]
async fn a_malformed_phone_number_is_refused_and_no_code_is_sent() {
    let server = TestServer::start().await;
    let client = server.client();
    for phone in ["12345", "23800138000", "138001380001", "abc"] {
        let answer = client.post("/api/v1/auth/code", json!({"phone": phone})).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{phone}");
        assert_eq!(answer.code(), "invalid_phone");
        assert!(answer.body["fields"]["phone"].is_string());
        assert!(answer.body["message"].as_str().unwrap().contains("手机号"), "Chinese by default");
    }
    assert!(server.inbox.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let server = TestServer::start().await;
    let answer = server
        .client()
        .send(reqwest::Method::POST, "/api/v1/auth/code", Some(json!({"phone": "1"})), &[("accept-language", "en-GB,en;q=0.9")])
        .await;
    assert_eq!(answer.code(), "invalid_phone");
    assert!(answer.body["message"].as_str().unwrap().starts_with("Enter an 11-digit"));
}

#[tokio::test]
async fn wrong_expired_and_reused_codes_are_refused() {
    let server = TestServer::start().await;
    let client = server.client();
    let phone = "13912345678";
    let not_requested = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": "123456"})).await;
    assert_eq!((not_requested.status, not_requested.code()), (StatusCode::BAD_REQUEST, "code_not_requested"));

    client.post("/api/v1/auth/code", json!({"phone": phone})).await;
    let right = server.code_for(phone);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let answer = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": wrong})).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, "wrong_code"));
    let answer = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": "12a"})).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_code_format"));
    assert!(server.store.user_by_phone(&phone.parse_phone()).await.unwrap().is_none(), "no account yet");

    let answer = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": right})).await;
    assert_eq!(answer.status, StatusCode::OK);
    let reused = server.client().post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": right})).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::BAD_REQUEST, "code_already_used"));

    // A code past its five minutes.
    let phone = "13912345679";
    let client = server.client();
    client.post("/api/v1/auth/code", json!({"phone": phone})).await;
    let code = server.code_for(phone);
    server.sql(&format!("UPDATE sign_in_codes SET expires_at = '2020-01-01T00:00:00+00:00' WHERE phone = '{phone}'")).await;
    let expired = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": code})).await;
    assert_eq!((expired.status, expired.code()), (StatusCode::BAD_REQUEST, "code_expired"));
    assert!(server.store.user_by_phone(&phone.parse_phone()).await.unwrap().is_none());
}

#[tokio::test]
async fn the_sixth_try_is_refused_even_with_the_right_code() {
    let server = TestServer::start().await;
    let client = server.client();
    let phone = "13712345678";
    client.post("/api/v1/auth/code", json!({"phone": phone})).await;
    let right = server.code_for(phone);
    let wrong = if right == "999999" { "888888" } else { "999999" };
    for _ in 0..5 {
        let answer = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": wrong})).await;
        assert_eq!(answer.code(), "wrong_code");
    }
    let sixth = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": right})).await;
    assert_eq!((sixth.status, sixth.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    assert!(sixth.headers.contains_key("retry-after"));
    assert!(server.store.user_by_phone(&phone.parse_phone()).await.unwrap().is_none());
}

#[tokio::test]
async fn code_requests_are_rate_limited_per_phone_with_retry_after() {
    let server = TestServer::start().await;
    let client = server.client();
    let first = client.post("/api/v1/auth/code", json!({"phone": "13612345678"})).await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    let code = server.code_for("13612345678");
    let second = server.client().post("/api/v1/auth/code", json!({"phone": "136 1234 5678"})).await;
    assert_eq!((second.status, second.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let wait: u64 = second.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(server.code_for("13612345678"), code, "no new code was issued");
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_refused() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    // The same person in a cookie-carrying browser: the session and CSRF cookies, no bearer token.
    let browser = Browser::of(&admin).await;
    assert_eq!(browser.get("/account").await.status, StatusCode::OK);
    let head = server.audit_head().await;

    let forged = browser.post_raw("/account/name", &[("name", "伪造")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong_token = browser.post_raw("/account/name", &[("name", "伪造"), ("csrf_token", "0000")]).await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);
    let json_with_cookie = browser
        .http
        .post(server.url("/api/v1/me/name"))
        .header("cookie", &browser.cookies)
        .json(&json!({"name": "伪造"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_with_cookie.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = json_with_cookie.json().await.unwrap();
    assert_eq!(body["code"], "csrf_failed");
    assert_eq!(server.audit_head().await, head, "nothing changed");

    let genuine = browser.post_raw("/account/name", &[("name", "陈静静"), ("csrf_token", browser.csrf.as_str())]).await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.get("/api/v1/me").await.body["name"], "陈静静");
}

#[tokio::test]
async fn an_unknown_organisation_is_a_clear_error() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000001").await;
    let head = server.audit_head().await;
    let missing = admin.get("/api/v1/orgs/99999").await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "org_not_found"));
    let not_a_number = admin.get("/api/v1/orgs/abc").await;
    assert_eq!(not_a_number.status, StatusCode::NOT_FOUND);
    let under_missing = admin.post("/api/v1/orgs", json!({"parent_id": 99999, "kind": "street", "name": "x"})).await;
    assert_eq!((under_missing.status, under_missing.code()), (StatusCode::UNPROCESSABLE_ENTITY, "org_not_found"));
    assert!(under_missing.body["fields"]["parent_id"].is_string());
    let grant_on_missing = admin.post("/api/v1/orgs/99999/grants", json!({"phone": "13900000000", "role": "worker"})).await;
    assert_eq!(grant_on_missing.status, StatusCode::NOT_FOUND);
    assert_eq!(server.audit_head().await, head);
}

#[tokio::test]
async fn an_organisation_cannot_move_under_its_own_descendant() {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "全国").await;
    let province = server.org(Some(national.id), OrgKind::Province, "省").await;
    let city = server.org(Some(province.id), OrgKind::City, "市").await;
    let district = server.org(Some(city.id), OrgKind::District, "区").await;
    server.user().phone("13800000009").role(Role::SystemAdmin, national.id).create().await;
    let admin = server.sign_in("13800000009").await;
    let head = server.audit_head().await;
    for target in [district.id, city.id] {
        let answer = admin.post(&format!("/api/v1/orgs/{}/move", city.id), json!({"parent_id": target})).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "move_into_own_subtree"), "{target}");
    }
    assert_eq!(server.store.get_org(district.id).await.unwrap().path, district.path);
    assert_eq!(server.audit_head().await, head);
    // A move that is allowed rewrites the whole subtree's paths.
    let moved = admin.post(&format!("/api/v1/orgs/{}/move", district.id), json!({"parent_id": province.id})).await;
    assert_eq!(moved.status, StatusCode::OK, "{moved:?}");
    assert_eq!(moved.body["ancestry"], json!([national.id, province.id, district.id]));
}

#[tokio::test]
async fn the_same_idempotency_key_with_another_body_is_refused() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    let key = [("idempotency-key", "create-street-1")];
    let body = json!({"parent_id": 3, "kind": "street", "name": "化龙桥街道工会"});
    let first = admin.send(reqwest::Method::POST, "/api/v1/orgs", Some(body.clone()), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let head = server.audit_head().await;

    let retry = admin.send(reqwest::Method::POST, "/api/v1/orgs", Some(body), &key).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body["id"], first.body["id"], "the first response, again");
    assert_eq!(retry.headers["idempotent-replayed"], "true");

    let other = admin
        .send(reqwest::Method::POST, "/api/v1/orgs", Some(json!({"parent_id": 3, "kind": "street", "name": "别的"})), &key)
        .await;
    assert_eq!((other.status, other.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    assert_eq!(server.audit_head().await, head, "neither the retry nor the clash wrote anything");

    let bad_key = admin
        .send(reqwest::Method::POST, "/api/v1/orgs", Some(json!({"parent_id": 3, "kind": "street", "name": "x"})), &[("idempotency-key", "")])
        .await;
    assert_eq!(bad_key.code(), "invalid_idempotency_key");
}

#[tokio::test]
async fn malformed_json_and_wrong_shapes_are_refused() {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    let head = server.audit_head().await;
    let broken = admin.post_raw("/api/v1/orgs", "application/json", r#"{"parent_id": 3, "kind": "#).await;
    assert_eq!((broken.status, broken.code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let missing = admin.post_raw("/api/v1/orgs", "application/json", r#"{"parent_id": 3}"#).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert!(missing.body["fields"]["kind"].is_string());
    let wrong_type = admin.post_raw("/api/v1/orgs", "application/json", r#"{"parent_id": "three", "kind": "street", "name": "x"}"#).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    let not_json = admin.post_raw("/api/v1/orgs", "text/plain", "parent_id=3").await;
    assert_eq!((not_json.status, not_json.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "json_content_type_required"));
    let invalid_fields = admin.post("/api/v1/orgs", json!({"parent_id": 3, "kind": "strt", "name": " ", "division_code": "12"})).await;
    assert_eq!((invalid_fields.status, invalid_fields.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    for field in ["kind", "name", "division_code"] {
        assert!(invalid_fields.body["fields"][field].is_string(), "{field}");
    }
    let bad_page = admin.get("/api/v1/orgs?limit=0").await;
    assert_eq!(bad_page.code(), "invalid_limit");
    let bad_cursor = admin.get("/api/v1/orgs?cursor=zzz").await;
    assert_eq!(bad_cursor.code(), "invalid_cursor");
    assert_eq!(server.audit_head().await, head);
}

#[tokio::test]
async fn a_wrong_password_is_refused_the_same_way_as_an_unknown_phone() {
    let server = TestServer::with_demo().await;
    let client = server.client();
    let wrong = client.post("/api/v1/auth/sign-in/password", json!({"phone": "13800000002", "password": "not the password"})).await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    let unknown = client.post("/api/v1/auth/sign-in/password", json!({"phone": "13900009999", "password": "whatever it is"})).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    let no_password = client.post("/api/v1/auth/sign-in/password", json!({"phone": "13800000007", "password": "waystation-demo"})).await;
    assert_eq!(no_password.code(), "invalid_credentials", "workers have no password");
    let right = client
        .post("/api/v1/auth/sign-in/password", json!({"phone": "13800000002", "password": waystation::demo::DEMO_STAFF_PASSWORD}))
        .await;
    assert_eq!(right.status, StatusCode::OK);
}

trait ParsePhone {
    fn parse_phone(&self) -> waystation_domain::foundation::people::PhoneNumber;
}

impl ParsePhone for &str {
    fn parse_phone(&self) -> waystation_domain::foundation::people::PhoneNumber {
        waystation_domain::foundation::people::PhoneNumber::parse(self).unwrap()
    }
}
