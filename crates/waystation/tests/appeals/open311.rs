//! The Open311 GeoReport v2 server: discovery, services and definitions,
//! posting with a key, reading back (public by number, full with the key),
//! XML, the spec's errors — and a client written by someone else (civicbot,
//! from PyPI) against it.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::TestServer;

/// A server with a tree and an Open311 key issued by the national system admin.
async fn server_with_key() -> (TestServer, String) {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let guangdong = server.org(Some(national.id), OrgKind::Province, "广东省总工会").await;
    server.org(Some(guangdong.id), OrgKind::City, "江门市总工会").await;
    let (_, admin) = server.user().role(Role::SystemAdmin, national.id).signed_in().await;
    let issued = admin.post("/api/v1/open311/keys", json!({"label": "江门市12345热线"})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
    let key = issued.body["api_key"].as_str().unwrap().to_owned();
    // A province's system admin is not the whole tree's.
    let (_, province_admin) = server.user().role(Role::SystemAdmin, guangdong.id).signed_in().await;
    assert_eq!(province_admin.post("/api/v1/open311/keys", json!({"label": "x"})).await.status, StatusCode::FORBIDDEN);
    (server, key)
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

#[tokio::test]
async fn a_system_posts_a_request_and_reads_it_back_in_json_and_xml() {
    let (server, key) = server_with_key().await;
    let client = server.client();
    let discovery = client.get("/open311/v2/discovery.json").await;
    assert_eq!(discovery.body["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    let services = client.get("/open311/v2/services.json").await;
    let codes: Vec<&str> = services.body.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"wage_arrears") && codes.contains(&"other"), "{codes:?}");
    let definition = client.get("/open311/v2/services/wage_arrears.json").await;
    let required: Vec<&str> = definition.body["attributes"].as_array().unwrap().iter().filter(|a| a["required"] == true).map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(required, ["employer_or_platform", "amount_yuan", "period"]);
    let xml = client.get("/open311/v2/services.xml").await;
    assert!(xml.text.starts_with("<?xml") && xml.text.contains("<services><service>"), "{}", xml.text);
    assert!(xml.text.contains("<service_code>wage_arrears</service_code>"), "{}", xml.text);

    let body = form(&[
        ("api_key", &key),
        ("service_code", "wage_arrears"),
        ("lat", "22.5833"),
        ("long", "113.0819"),
        ("description", "三个月工资未发"),
        ("phone", "13912340000"),
        ("attribute[employer_or_platform]", "某配送站"),
        ("attribute[amount_yuan]", "12800"),
        ("attribute[period]", "2025-05..2025-07"),
    ]);
    let posted = client.post_raw("/open311/v2/requests.json", "application/x-www-form-urlencoded", &body).await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text);
    let number = posted.body[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(number.starts_with("SQ-"));

    // Without a key: the status only. With it: the whole request. Never the phone.
    let public = client.get(&format!("/open311/v2/requests/{number}.json")).await;
    assert_eq!((public.body[0]["status"].as_str(), public.body[0]["description"].as_str()), (Some("open"), Some("")));
    let full = client.get(&format!("/open311/v2/requests/{number}.json?api_key={key}")).await;
    assert_eq!(full.body[0]["description"], "三个月工资未发");
    assert_eq!(full.body[0]["lat"], 22.5833);
    for answer in [&public, &full] {
        assert!(!answer.text.contains("13912340000") && !answer.text.contains("5678"), "{}", answer.text);
    }
    let listed = client.get(&format!("/open311/v2/requests.json?api_key={key}&status=open&service_code=wage_arrears")).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let none_closed = client.get(&format!("/open311/v2/requests.json?api_key={key}&status=closed")).await;
    assert!(none_closed.body.as_array().unwrap().is_empty());
    let as_xml = client.get(&format!("/open311/v2/requests/{number}.xml?api_key={key}")).await;
    assert!(as_xml.text.contains("<service_requests><request>"), "{}", as_xml.text);
    assert!(as_xml.text.contains(&format!("<service_request_id>{number}</service_request_id>")), "{}", as_xml.text);

    // The case is a real appeal: the staff see it, the text matches.
    let appeal = server.store.appeal_by_case_number(&waystation_domain::appeals::CaseNumber::parse(&number).unwrap()).await.unwrap().unwrap();
    assert_eq!((appeal.filed_by, appeal.green_channel), (None, true));
}

#[tokio::test]
async fn bad_open311_calls_get_the_specs_error_list_and_change_nothing() {
    let (server, key) = server_with_key().await;
    let client = server.client();
    let post = |body: String| {
        let client = &client;
        async move { client.post_raw("/open311/v2/requests.json", "application/x-www-form-urlencoded", &body).await }
    };
    let no_key = post(form(&[("service_code", "other"), ("description", "x"), ("phone", "13912340000")])).await;
    assert_eq!(no_key.status, StatusCode::FORBIDDEN);
    assert_eq!(no_key.body[0]["code"], 403);
    let wrong_key = post(form(&[("api_key", "nope"), ("service_code", "other"), ("description", "x"), ("phone", "13912340000")])).await;
    assert_eq!(wrong_key.status, StatusCode::FORBIDDEN);
    let unknown = post(form(&[("api_key", &key), ("service_code", "ufo"), ("description", "x"), ("phone", "13912340000")])).await;
    assert_eq!((unknown.status, unknown.body[0]["code"].clone()), (StatusCode::NOT_FOUND, json!(404)));
    let missing = post(form(&[("api_key", &key), ("service_code", "wage_arrears"), ("description", "x"), ("phone", "13912340000")])).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.body[0]["description"].as_str().unwrap().contains("employer_or_platform"), "{}", missing.text);
    let no_phone = post(form(&[("api_key", &key), ("service_code", "other"), ("description", "x")])).await;
    assert_eq!(no_phone.status, StatusCode::BAD_REQUEST);
    let xml_error = client.post_raw("/open311/v2/requests.xml", "application/x-www-form-urlencoded", "service_code=other").await;
    assert!(xml_error.text.contains("<errors><error><code>403</code>"), "{}", xml_error.text);
    let listing = client.get("/open311/v2/requests.json?status=open").await;
    assert_eq!(listing.status, StatusCode::FORBIDDEN, "listing every case needs a key");
    assert_eq!(client.get("/open311/v2/requests/SQ-440700-20250101-00001.json").await.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get("/open311/v2/services/ufo.json").await.status, StatusCode::NOT_FOUND);
    let national = server.store.list_roots().await.unwrap()[0].id;
    let nothing = server.store.appeals_in_subtree(national, &Default::default(), waystation_domain::kit::pagination::PageRequest::FIRST).await.unwrap();
    assert!(nothing.items.is_empty(), "no refused call filed anything");
}

#[tokio::test]
async fn a_case_filed_in_waystation_is_not_readable_through_open311() {
    let (server, key) = server_with_key().await;
    let (_, rider) = server.user().signed_in().await;
    let filed = rider.post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "私事"})).await;
    let number = filed.body["case_number"].as_str().unwrap();
    for path in [format!("/open311/v2/requests/{number}.json"), format!("/open311/v2/requests/{number}.json?api_key={key}")] {
        assert_eq!(server.client().get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// civicbot (PyPI), installed by scripts/test-all into a venv whose python is
/// WAYSTATION_OPEN311_PYTHON, lists, posts and reads back against this server.
#[tokio::test]
async fn an_open311_client_written_by_someone_else_works_unchanged() {
    let Ok(python) = std::env::var("WAYSTATION_OPEN311_PYTHON") else {
        assert!(
            std::env::var_os("WAYSTATION_REQUIRE_OPEN311_CLIENT").is_none(),
            "scripts/test-all installs the Open311 client; WAYSTATION_OPEN311_PYTHON is missing"
        );
        eprintln!("skipped: WAYSTATION_OPEN311_PYTHON is not set (scripts/test-all sets it)");
        return;
    };
    let (server, key) = server_with_key().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/open311/client_check.py");
    let base = server.url("/open311/v2");
    let output = tokio::task::spawn_blocking(move || std::process::Command::new(python).arg(script).arg(&base).arg(&key).output())
        .await
        .unwrap()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.starts_with("OK"), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
}
