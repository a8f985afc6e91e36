//! Filing an appeal: where it goes, its case number, a retried submit, and
//! bad input that changes nothing.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::builders::StationBuilder;
use crate::common::TestServer;

/// Waits until the server's station index holds `station` (it takes other writers' changes every second).
async fn indexed(server: &TestServer, station: i64) {
    for _ in 0..50 {
        if server.client().get(&format!("/api/v1/stations/nearest?lat=29.5567&lng=106.5779&limit=1")).await.body["items"][0]["id"] == station {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("station {station} never reached the index");
}

#[tokio::test]
async fn a_rider_files_near_a_station_and_the_union_running_it_gets_the_case() {
    let server = TestServer::start().await;
    let chongqing = server.org(Some(server.org(None, OrgKind::National, "中华全国总工会").await.id), OrgKind::Province, "重庆市总工会").await;
    let yuzhong = server.org(Some(chongqing.id), OrgKind::District, "渝中区总工会").await;
    let street = server.org(Some(yuzhong.id), OrgKind::Street, "解放碑街道工会").await;
    let station = StationBuilder::new("解放碑驿站", street.id).location(29.5567, 106.5779).create(&server).await;
    indexed(&server, station.id).await;
    let handler = server.user().role(Role::CaseHandler, street.id).create().await;
    let (_, rider) = server.user().signed_in().await;

    let filing = json!({
        "appeal_type": "complaint",
        "category": "parking_towing",
        "text": "送餐时电动车被拖走",
        "fields": {"date": "2025-07-14", "place": "解放碑步行街"},
        "location": {"lat": 29.5560, "lng": 106.5770},
    });
    let key = [("idempotency-key", "rider-filing-0001")];
    let filed = rider.send(reqwest::Method::POST, "/api/v1/appeals", Some(filing.clone()), &key).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    assert_eq!(filed.body["org_id"], street.id, "the grid's union acts");
    assert_eq!(filed.body["stage"], "submitted");
    assert_eq!(filed.body["you_are"], "worker");
    let number = filed.body["case_number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("SQ-"), "{number}");
    assert_eq!(filed.body["fields"]["_meeting_place"]["id"], station.id, "the nearest station is suggested");

    // A retried submit (the phone lost the answer) replays it: one appeal.
    let again = rider.send(reqwest::Method::POST, "/api/v1/appeals", Some(filing), &key).await;
    assert_eq!((again.status, again.body["case_number"].as_str()), (StatusCode::CREATED, Some(number.as_str())));
    let mine = rider.get("/api/v1/appeals/mine").await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);

    // The worker looks it up by its number; the handler heard of it.
    let looked = rider.get(&format!("/api/v1/appeals/by-number/{number}")).await;
    assert_eq!(looked.body["id"], filed.body["id"]);
    let handler_client = server.signed_in_as(handler).await;
    let news = handler_client.get("/api/v1/notifications").await;
    assert_eq!(news.body["unread"], 1);
    assert_eq!(news.body["items"][0]["kind"], "appeal.file");
    assert_eq!(news.body["items"][0]["subject"], number.as_str());
}

#[tokio::test]
async fn without_a_place_the_division_or_the_workers_own_union_takes_it() {
    let server = TestServer::start().await;
    let fujian = server.org(Some(server.org(None, OrgKind::National, "中华全国总工会").await.id), OrgKind::Province, "福建省总工会").await;
    let dehua = server
        .store
        .create_org(
            None,
            waystation_storage::NewOrg {
                parent_id: Some(fujian.id),
                kind: OrgKind::District,
                name: waystation_domain::foundation::organisations::OrgName::parse("德化县总工会").unwrap(),
                division_code: Some(waystation_domain::foundation::organisations::DivisionCode::parse("350526").unwrap()),
            },
        )
        .await
        .unwrap();
    let riders = server.org(Some(fujian.id), OrgKind::IndustryUnion, "快递行业工会").await;
    let (_, member) = server.user().role(Role::Worker, riders.id).signed_in().await;
    let base = json!({"appeal_type": "help", "category": "other", "text": "需要帮助"});
    let by_division = member.post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "需要帮助", "division": "350526"})).await;
    assert_eq!(by_division.body["org_id"], dehua.id, "{}", by_division.text);
    let by_membership = member.post("/api/v1/appeals", base).await;
    assert_eq!(by_membership.body["org_id"], riders.id);
}

#[tokio::test]
async fn bad_filings_get_clear_errors_and_create_nothing() {
    let server = TestServer::start().await;
    server.org(Some(server.org(None, OrgKind::National, "中华全国总工会").await.id), OrgKind::Province, "重庆市总工会").await;
    let (_, rider) = server.user().signed_in().await;
    let unknown = rider.post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "ufo", "text": "x"})).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_category"));
    let missing = rider
        .post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "wage_arrears", "text": "欠薪", "fields": {"amount_yuan": "3200"}}))
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.code(), "missing_field");
    let fields = missing.body["fields"].as_object().unwrap();
    assert!(fields.contains_key("fields.employer_or_platform") && fields.contains_key("fields.period"), "{}", missing.text);
    assert!(!fields.contains_key("fields.amount_yuan"), "the amount given is fine");
    assert!(!missing.body["message"].as_str().unwrap().starts_with("error."), "a message for people: {}", missing.text);
    let empty = rider.post("/api/v1/appeals", json!({"appeal_type": "astrology", "category": "other", "text": "  "})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_place = rider
        .post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "x", "location": {"lat": 95.0, "lng": 106.0}}))
        .await;
    assert_eq!(bad_place.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = server.client().post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "x"})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(rider.get("/api/v1/appeals/mine").await.body["items"].as_array().unwrap().is_empty(), "nothing was filed");
}
