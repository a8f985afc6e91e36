//! Handling a case: the whole loop through the API, refusals that change
//! nothing, who sees what (another district, a hidden identity), and the
//! pages of the worker and the console.

use reqwest::StatusCode;
use serde_json::{json, Value};
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::{Client, TestServer};

struct World {
    server: TestServer,
    district: i64,
    street: i64,
    other_district: i64,
}

async fn world() -> World {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let province = server.org(Some(national.id), OrgKind::Province, "重庆市总工会").await;
    let city = server.org(Some(province.id), OrgKind::City, "主城").await;
    let district = server.org(Some(city.id), OrgKind::District, "渝中区总工会").await;
    let street = server.org(Some(district.id), OrgKind::Street, "解放碑街道工会").await;
    let other = server.org(Some(city.id), OrgKind::District, "江北区总工会").await;
    World { district: district.id, street: street.id, other_district: other.id, server }
}

async fn file(rider: &Client, hide_identity: bool) -> Value {
    let answer = rider
        .post(
            "/api/v1/appeals",
            json!({"appeal_type": "complaint", "category": "other", "text": "站点饮水机坏了很久", "hide_identity": hide_identity}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    answer.body
}

async fn event(client: &Client, id: &Value, body: Value) -> crate::common::Answer {
    client.post(&format!("/api/v1/appeals/{id}/events"), body).await
}

#[tokio::test]
async fn staff_accept_and_reply_and_the_rider_confirms_and_rates() {
    let w = world().await;
    let (_, rider) = w.server.user().role(Role::Worker, w.street).signed_in().await;
    let (_, handler) = w.server.user().role(Role::CaseHandler, w.street).signed_in().await;
    let case = file(&rider, false).await;
    let id = &case["id"];
    assert_eq!(case["org_id"], w.street);

    let seen = handler.get(&format!("/api/v1/appeals/{id}")).await;
    assert_eq!(seen.body["you_are"], "handler");
    assert!(seen.body["you_may"].as_array().unwrap().contains(&json!("accept")));
    assert_eq!(event(&handler, id, json!({"event": "accept"})).await.body["stage"], "accepted");
    let note = event(&handler, id, json!({"event": "note", "text": "已联系站点维修", "to_worker": true})).await;
    assert_eq!(note.status, StatusCode::OK, "{}", note.text);
    event(&handler, id, json!({"event": "note", "text": "内部：催过物业", "to_worker": false})).await;
    let replied = event(&handler, id, json!({"event": "reply", "outcome": "supported", "text": "饮水机已更换。"})).await;
    assert_eq!(replied.body["stage"], "replied", "{}", replied.text);
    assert_eq!(event(&rider, id, json!({"event": "confirm"})).await.body["stage"], "closed");
    let rated = event(&rider, id, json!({"event": "rate", "stars": 5, "comment": "很快"})).await;
    assert_eq!((rated.body["stage"].as_str(), rated.body["rating"].as_u64()), (Some("rated"), Some(5)));

    // The worker's timeline leaves out staff's internal note; the handler's has it.
    let worker_view: Vec<String> =
        rider.get(&format!("/api/v1/appeals/{id}/timeline")).await.body["items"].as_array().unwrap().iter().map(|r| r["event"].as_str().unwrap().to_owned()).collect();
    assert_eq!(worker_view, ["file", "accept", "note", "reply", "confirm", "rate"]);
    let staff_view = handler.get(&format!("/api/v1/appeals/{id}/timeline")).await.body["items"].as_array().unwrap().len();
    assert_eq!(staff_view, 7);
    // The rider heard of the acceptance, the note to them and the reply — not of the internal note.
    let kinds: Vec<String> = rider.get("/api/v1/notifications").await.body["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(kinds, ["appeal.reply", "appeal.note", "appeal.accept"]);
    let read = rider.post("/api/v1/notifications/read", json!({})).await;
    assert_eq!((read.body["marked"].as_u64(), read.body["unread"].as_u64()), (Some(3), Some(0)));
}

#[tokio::test]
async fn illegal_steps_are_refused_with_a_code_and_change_nothing() {
    let w = world().await;
    let (_, rider) = w.server.user().role(Role::Worker, w.street).signed_in().await;
    // The district above the street takes the case over.
    let (_, handler) = w.server.user().role(Role::CaseHandler, w.district).signed_in().await;
    let case = rider.post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "x", "division": null})).await.body;
    let id = &case["id"];
    let early = event(&handler, id, json!({"event": "reply", "outcome": "supported", "text": "x"})).await;
    assert_eq!((early.status, early.code()), (StatusCode::UNPROCESSABLE_ENTITY, "illegal_transition"));
    event(&handler, id, json!({"event": "accept"})).await;
    let first = event(&handler, id, json!({"event": "extend", "days": 30, "reason": "需调查取证"})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let second = event(&handler, id, json!({"event": "extend", "days": 5, "reason": "再延"})).await;
    assert_eq!(second.code(), "extension_already_used");
    let by_worker = event(&rider, id, json!({"event": "reply", "outcome": "supported", "text": "x"})).await;
    assert_eq!(by_worker.code(), "actor_not_allowed");
    let garbage = event(&handler, id, json!({"event": "teleport"})).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = handler.get(&format!("/api/v1/appeals/{id}/timeline")).await.body["items"].as_array().unwrap().len();
    assert_eq!(after, 3, "file, accept, extend: nothing else was written");
}

#[tokio::test]
async fn another_districts_handler_sees_nothing_and_a_hidden_identity_stays_hidden() {
    let w = world().await;
    let (_, rider) = w.server.user().phone("13912345678").name("王小骑").role(Role::Worker, w.street).signed_in().await;
    let (_, street_handler) = w.server.user().role(Role::CaseHandler, w.street).signed_in().await;
    let (_, district_handler) = w.server.user().role(Role::CaseHandler, w.district).signed_in().await;
    let (_, stranger) = w.server.user().role(Role::CaseHandler, w.other_district).signed_in().await;
    let case = file(&rider, true).await;
    let id = &case["id"];

    for path in [format!("/api/v1/appeals/{id}"), format!("/api/v1/appeals/{id}/timeline"), format!("/api/v1/appeals/{id}/contact")] {
        assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let queue = stranger.get(&format!("/api/v1/orgs/{}/appeals", w.district)).await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN);
    assert!(stranger.get(&format!("/api/v1/orgs/{}/appeals", w.other_district)).await.body["items"].as_array().unwrap().is_empty());

    // The first-level union sees the contact (masked; in full on request, audited).
    let handled = street_handler.get(&format!("/api/v1/appeals/{id}")).await;
    assert_eq!(handled.body["contact"].as_str().map(|c| c.contains("****")), Some(true));
    let contact = street_handler.get(&format!("/api/v1/appeals/{id}/contact")).await;
    assert_eq!(contact.body["name"], "王小骑");
    // The level above supervises but never learns who filed it.
    let supervised = district_handler.get(&format!("/api/v1/appeals/{id}")).await;
    assert_eq!((supervised.body["you_are"].as_str(), supervised.body["contact"].clone()), (Some("supervisor"), Value::Null));
    assert_eq!(district_handler.get(&format!("/api/v1/appeals/{id}/contact")).await.status, StatusCode::FORBIDDEN);
    let queue = district_handler.get(&format!("/api/v1/orgs/{}/appeals?queue=supervised", w.district)).await;
    let page = district_handler.get(&format!("/console/appeals/{id}")).await;
    let news = district_handler.get("/api/v1/notifications").await;
    for (what, text) in [("queue", &queue.text), ("case page", &page.text), ("notifications", &news.text), ("case", &supervised.text)] {
        assert!(!text.contains("王小骑"), "the name leaked into the {what}");
        assert!(!text.contains("13912345678") && !text.contains("139****5678"), "the phone leaked into the {what}");
    }
    assert!(page.text.contains("identity-hidden"));
}

#[tokio::test]
async fn the_phone_pages_file_and_show_a_case_and_the_console_queues_it() {
    use crate::common::browser::{Browser, Page};
    let w = world().await;
    let (_, rider) = w.server.user().role(Role::Worker, w.street).signed_in().await;
    let (_, handler) = w.server.user().role(Role::CaseHandler, w.street).signed_in().await;
    let rider = Browser::of(&rider).await;
    let handler = Browser::of(&handler).await;
    let Page { status, html, .. } = rider.get("/appeals/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"appeal-form\""));
    assert!(html.contains("f.wage_arrears.amount_yuan"), "each category's fields are on the form");
    let fields = [
        ("appeal_type", "complaint"),
        ("category", "parking_towing"),
        ("f.parking_towing.date", "2025-07-14"),
        ("f.parking_towing.place", "解放碑"),
        ("f.wage_arrears.amount_yuan", ""),
        ("text", "电动车被拖走"),
    ];
    let Page { status, location, .. } = rider.post("/appeals/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/appeals/SQ-"), "{location}");
    let Page { html, .. } = rider.get(&location).await;
    assert!(html.contains("data-testid=\"appeal-timeline\""));
    let Page { status, html, .. } = handler.get(&format!("/console/appeals?org={}&queue=own", w.street)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("data-testid=\"queue-row\"").count(), 1);
    // A form missing a required field goes back with the error, and files nothing.
    let Page { location, .. } = rider.post("/appeals/new", &[("appeal_type", "complaint"), ("category", "parking_towing"), ("text", "x")]).await;
    assert!(location.starts_with("/appeals/new?error="), "{location}");
    let Page { html, .. } = handler.get(&format!("/console/appeals?org={}&queue=own", w.street)).await;
    assert_eq!(html.matches("data-testid=\"queue-row\"").count(), 1);
}
