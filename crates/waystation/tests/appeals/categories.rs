//! Categories a system admin defines: their required fields are asked on the
//! filing, their names show, and every other role is refused.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::TestServer;

#[tokio::test]
async fn a_system_admin_adds_a_category_and_workers_file_under_it() {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let province = server.org(Some(national.id), OrgKind::Province, "广东省总工会").await;
    let (_, admin) = server.user().role(Role::SystemAdmin, national.id).signed_in().await;
    let (_, province_admin) = server.user().role(Role::SystemAdmin, province.id).signed_in().await;
    let (_, rider) = server.user().role(Role::Worker, province.id).signed_in().await;
    let body = json!({
        "name_zh": "配送安全",
        "name_en": "Delivery safety",
        "green_channel": false,
        "required": [{"name": "platform", "kind": "text", "max_chars": 50}],
    });
    assert_eq!(province_admin.send(reqwest::Method::PUT, "/api/v1/appeal-categories/delivery_safety", Some(body.clone()), &[]).await.status, StatusCode::FORBIDDEN);
    let bad = admin
        .send(reqwest::Method::PUT, "/api/v1/appeal-categories/delivery_safety", Some(json!({"name_zh": "x", "name_en": "x", "required": [{"name": "Bad Name", "kind": "text", "max_chars": 5}]})), &[])
        .await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field_name"));
    let put = admin.send(reqwest::Method::PUT, "/api/v1/appeal-categories/delivery_safety", Some(body), &[]).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);

    let listed = rider.get("/api/v1/appeal-categories").await;
    assert!(listed.body["categories"].as_array().unwrap().iter().any(|c| c["code"] == "delivery_safety"));
    let missing = rider.post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "delivery_safety", "text": "送餐时没有头盔"})).await;
    assert_eq!(missing.body["fields"]["fields.platform"].as_str().is_some(), true, "{}", missing.text);
    let filed = rider.post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "delivery_safety", "text": "送餐时没有头盔", "fields": {"platform": "某平台"}})).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let page = crate::common::browser::Browser::of(&rider).await.get("/appeals/new").await;
    assert!(page.html.contains("配送安全"), "the admin's name shows on the filing page");
    // The definition outlives the server: a second server on the same database takes it.
    let again = server.second_server().await;
    let categories = again.get("/api/v1/appeal-categories").await;
    assert!(categories.body["categories"].as_array().unwrap().iter().any(|c| c["code"] == "delivery_safety"));
}
