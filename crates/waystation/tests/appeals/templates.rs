//! Reply templates: a district's templates are offered on its streets' cases,
//! a reply can be sent from one, and a retired one is offered no more.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::browser::{Browser, Page};
use crate::common::TestServer;

#[tokio::test]
async fn a_reply_is_sent_from_a_districts_template_on_a_streets_case() {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let district = server.org(Some(national.id), OrgKind::District, "渝中区总工会").await;
    let street = server.org(Some(district.id), OrgKind::Street, "解放碑街道工会").await;
    let other = server.org(Some(national.id), OrgKind::District, "江北区总工会").await;
    let (_, district_staff) = server.user().role(Role::CaseHandler, district.id).signed_in().await;
    let (_, handler) = server.user().role(Role::CaseHandler, street.id).signed_in().await;
    let (_, stranger) = server.user().role(Role::CaseHandler, other.id).signed_in().await;
    let (_, rider) = server.user().role(Role::Worker, street.id).signed_in().await;

    let body = "您反映的拖车问题已与交巡警协调解决，费用已退回。";
    let added = district_staff.post(&format!("/api/v1/orgs/{}/appeal-templates", district.id), json!({"title": "拖车已协调", "body": body})).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let template = added.body["id"].as_i64().unwrap();
    let refused = stranger.post(&format!("/api/v1/orgs/{}/appeal-templates", district.id), json!({"title": "x", "body": "y"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let empty = district_staff.post(&format!("/api/v1/orgs/{}/appeal-templates", district.id), json!({"title": " ", "body": "y"})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let offered = handler.get(&format!("/api/v1/orgs/{}/appeal-templates", street.id)).await;
    assert_eq!(offered.body.as_array().unwrap().len(), 1, "the district's template is offered below it");

    let case = rider.post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "other", "text": "车被拖走"})).await.body;
    let id = case["id"].as_i64().unwrap();
    handler.post(&format!("/api/v1/appeals/{id}/events"), json!({"event": "accept"})).await;
    // The console's reply form, with the template and no text of its own.
    let browser = Browser::of(&handler).await;
    let Page { html, .. } = browser.get(&format!("/console/appeals/{id}")).await;
    assert!(html.contains("data-testid=\"reply-template\"") && html.contains("拖车已协调"));
    let template_id = template.to_string();
    let Page { location, .. } = browser
        .post(&format!("/console/appeals/{id}/event"), &[("event", "reply"), ("outcome", "supported"), ("template", template_id.as_str()), ("text", "")])
        .await;
    assert!(location.ends_with("done=appeals.done"), "{location}");
    let timeline = rider.get(&format!("/api/v1/appeals/{id}/timeline")).await;
    let reply = timeline.body["items"].as_array().unwrap().iter().find(|e| e["event"] == "reply").unwrap().clone();
    assert_eq!(reply["detail"]["text"], body);

    let retired = district_staff.post(&format!("/api/v1/appeal-templates/{template}/retire"), json!({})).await;
    assert_eq!(retired.status, StatusCode::OK);
    assert!(handler.get(&format!("/api/v1/orgs/{}/appeal-templates", street.id)).await.body.as_array().unwrap().is_empty());
}
