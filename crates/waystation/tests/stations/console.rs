//! The staff console for stations, driven as a browser drives it: the session
//! cookie, forms with the CSRF token and an idempotency key, redirects back.

use crate::common::browser::Browser;
use crate::common::builders::StationBuilder;
use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};
use waystation_domain::foundation::organisations::DivisionCode;

async fn org_id(server: &TestServer, division: &str) -> i64 {
    server.store.org_by_division_code(&DivisionCode::parse(division).unwrap()).await.unwrap().unwrap().id
}

/// The station id in a redirect to `/console/stations/{id}?done=…`.
fn station_id(location: &str) -> i64 {
    location.trim_start_matches("/console/stations/").split(['?', '/']).next().unwrap().parse().unwrap()
}

/// A station of 长沙市 on 五一广场, open around the clock.
fn wuyi_square(changsha: i64) -> StationBuilder {
    StationBuilder::new("五一广场驿站", changsha).address("五一广场 1 号").location(28.1960, 112.9770).hours("24/7")
}

/// The fields of a whole station form, in 渝中区 unless changed.
fn station_form<'a>(org: &'a str, name: &'a str, hours: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "union_station"),
        ("org_id", org),
        ("address", "渝中区民族路 166 号"),
        ("lat", "29.5576"),
        ("lng", "106.5770"),
        ("datum", "wgs84"),
        ("opening_hours", hours),
        ("follows_working_calendar", "1"),
        ("amenity", "phone_charging"),
        ("amenity", "ev_chargers"),
        ("count_ev_chargers", "3"),
        ("count_car_parking", ""),
        ("manager_name", "李明"),
        ("manager_phone", "13912345678"),
        ("rules", "请保持安静"),
        ("six_have", "signage"),
        ("six_have", "rules"),
        ("status", "open"),
    ]
}

#[tokio::test]
async fn an_org_admin_creates_a_station_with_the_whole_form_and_edits_it() {
    let server = TestServer::with_demo().await;
    let api = server.sign_in("13800000002").await;
    let admin = Browser::of(&api).await;
    let yuzhong = org_id(&server, "500103").await.to_string();

    let home = admin.get("/console").await;
    assert!(home.html.contains("href=\"/console/stations\"") && home.html.contains("href=\"/console/coverage\""));
    let form = admin.get("/console/stations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("name=\"count_ev_chargers\"") && form.html.contains("value=\"gcj02\""));

    let created = admin.post("/console/stations/new", &station_form(&yuzhong, "解放碑驿站", "Mo-Su 07:00-22:00; PH off")).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    assert!(created.location.ends_with("?done=created"), "{}", created.location);
    let id = station_id(&created.location);
    let record = api.get(&format!("/api/v1/stations/{id}")).await.body;
    assert_eq!(record["amenities"], json!({"phone_charging": true, "ev_chargers": 3}));
    assert_eq!((record["follows_working_calendar"].as_bool(), record["six_haves_met"].as_u64()), (Some(true), Some(2)));
    assert_eq!(record["status"], "open");

    let page = admin.get(&created.location).await;
    assert!(page.html.contains("驿站已创建"), "the outcome is confirmed");
    for link in [format!("/stations/{id}\""), format!("/stations/{id}/poster"), format!("/console/stations/{id}/desk"), format!("/console/stations/{id}/edit")] {
        assert!(page.html.contains(&link), "links {link}");
    }
    assert!(page.html.contains("陈静"), "the history names its author");

    // Moving it, given in GCJ-02 as AMap shows it, lands in WGS-84 and in the location history.
    let mut moved = station_form(&yuzhong, "解放碑驿站", "Mo-Su 07:00-22:00; PH off");
    moved.retain(|(k, _)| !matches!(*k, "lat" | "lng" | "datum" | "address"));
    moved.extend([("lat", "29.5545"), ("lng", "106.5810"), ("datum", "gcj02"), ("address", "渝中区邹容路 1 号")]);
    let saved = admin.post(&format!("/console/stations/{id}/edit"), &moved).await;
    assert_eq!((saved.status, saved.location.as_str()), (StatusCode::SEE_OTHER, format!("/console/stations/{id}?done=saved").as_str()));
    let record = api.get(&format!("/api/v1/stations/{id}")).await.body;
    assert!((record["location"]["lat"].as_f64().unwrap() - 29.5545).abs() > 1e-4, "stored in WGS-84, not as typed");
    let page = admin.get(&format!("/console/stations/{id}")).await;
    assert!(page.html.contains("渝中区邹容路 1 号") && page.html.contains("渝中区民族路 166 号"), "both places in the history");

    let listed = admin.get(&format!("/console/stations?org={yuzhong}&q=解放碑")).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.html.contains(&format!("/console/stations/{id}\"")) && listed.html.contains("500103-"));
    let none = admin.get(&format!("/console/stations?org={yuzhong}&status=retired")).await;
    assert!(none.html.contains("data-testid=\"no-stations\""));
}

#[tokio::test]
async fn a_bad_opening_hours_form_shows_the_parsers_message_and_writes_nothing() {
    let server = TestServer::with_demo().await;
    let admin = Browser::sign_in(&server, "13800000002").await;
    let yuzhong = org_id(&server, "500103").await.to_string();
    let head = server.audit_head().await;

    let mut fields = station_form(&yuzhong, "坏时间驿站", "Mo-Fr 25:00-26:00");
    fields.retain(|(k, _)| *k != "manager_phone");
    fields.push(("manager_phone", "12345"));
    let refused = admin.post("/console/stations/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let hours_error = refused.html.split("data-testid=\"hours-error\">").nth(1).expect("the hours field has its message");
    let hours_error = hours_error.split("</p>").next().unwrap();
    assert!(hours_error.contains("开放时间"), "our words: {hours_error}");
    assert!(hours_error.contains('(') && hours_error.len() > "开放时间".len() + 10, "and the parser's: {hours_error}");
    assert!(refused.html.contains("data-field=\"manager_phone\""), "every field error at once");
    assert!(refused.html.contains("value=\"坏时间驿站\"") && refused.html.contains("value=\"Mo-Fr 25:00-26:00\""), "the input is kept");
    assert!(refused.html.contains("name=\"count_ev_chargers\" value=\"3\""), "counts too");
    assert_eq!(server.audit_head().await, head, "nothing was written");
}

#[tokio::test]
async fn a_station_manager_edits_and_suspends_but_may_not_retire_or_create() {
    let server = TestServer::with_demo().await;
    let changsha = org_id(&server, "430100").await;
    let system = server.sign_in("13800000001").await;
    let body = wuyi_square(changsha).amenity("phone_charging").json();
    let id = system.post("/api/v1/stations", body).await.body["id"].as_i64().unwrap();
    let manager = Browser::sign_in(&server, "13800000005").await;

    let page = manager.get(&format!("/console/stations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("value=\"suspended\""), "may suspend");
    assert!(!page.html.contains("value=\"retired\""), "the retire choice is not offered");
    assert!(!page.html.contains("data-testid=\"manager-form\""), "nor granting roles");
    let list = manager.get("/console/stations").await;
    assert!(list.html.contains("五一广场驿站") && !list.html.contains("/console/stations/new"));
    assert_eq!(manager.get("/console/stations/new").await.status, StatusCode::FORBIDDEN);

    let edit = manager.get(&format!("/console/stations/{id}/edit")).await;
    assert!(!edit.html.contains("<select name=\"org_id\""), "a manager cannot move the station to another owner");
    let org = changsha.to_string();
    let mut fields = station_form("", "五一广场驿站（新）", "Mo-Su 08:00-20:00");
    fields.retain(|(k, _)| *k != "org_id");
    fields.push(("org_id", org.as_str()));
    let saved = manager.post(&format!("/console/stations/{id}/edit"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let suspended = manager.post(&format!("/console/stations/{id}/status"), &[("status", "suspended"), ("reason", "停电检修")]).await;
    assert!(suspended.location.ends_with("?done=status_changed"), "{}", suspended.location);
    let no_reason = manager.post(&format!("/console/stations/{id}/status"), &[("status", "open"), ("reason", " ")]).await;
    assert!(no_reason.location.ends_with("?error=reason_required"), "{}", no_reason.location);

    let head = server.audit_head().await;
    let retire = manager.post(&format!("/console/stations/{id}/status"), &[("status", "retired"), ("reason", "撤站")]).await;
    assert_eq!(retire.status, StatusCode::FORBIDDEN);
    let create = manager.post("/console/stations/new", &station_form(&org, "新驿站", "24/7")).await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert_eq!(server.audit_head().await, head, "nothing was written");

    let history = manager.get(&format!("/console/stations/{id}")).await;
    assert!(history.html.contains("停电检修") && history.html.contains("刘洋"), "reason and author in the history");
    assert!(system.get(&format!("/api/v1/stations/{id}")).await.body["status"] == "suspended");
}

#[tokio::test]
async fn an_admin_of_another_province_can_neither_see_nor_change_its_stations() {
    let server = TestServer::with_demo().await;
    let changsha = org_id(&server, "430100").await;
    let system = server.sign_in("13800000001").await;
    let id = system.post("/api/v1/stations", wuyi_square(changsha).json()).await.body["id"].as_i64().unwrap();
    let chongqing_admin = Browser::sign_in(&server, "13800000002").await;
    let head = server.audit_head().await;

    assert_eq!(chongqing_admin.get(&format!("/console/stations/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(chongqing_admin.get(&format!("/console/stations/{id}/edit")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(chongqing_admin.get(&format!("/console/stations?org={changsha}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(chongqing_admin.get(&format!("/console/coverage?org={changsha}")).await.status, StatusCode::FORBIDDEN);
    let org = changsha.to_string();
    let edit = chongqing_admin.post(&format!("/console/stations/{id}/edit"), &station_form(&org, "改名", "24/7")).await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    let status = chongqing_admin.post(&format!("/console/stations/{id}/status"), &[("status", "retired"), ("reason", "x")]).await;
    assert_eq!(status.status, StatusCode::FORBIDDEN);
    let grant = chongqing_admin.post(&format!("/console/stations/{id}/managers"), &[("phone", "13900000099")]).await;
    assert_eq!(grant.status, StatusCode::FORBIDDEN);
    assert_eq!(server.audit_head().await, head, "nothing was written");
    let worker = Browser::sign_in(&server, "13800000007").await;
    assert_eq!(worker.get("/console/stations").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_org_admin_grants_and_revokes_a_station_manager_on_the_stations_page() {
    let server = TestServer::with_demo().await;
    let admin = Browser::sign_in(&server, "13800000002").await;
    let yuzhong = org_id(&server, "500103").await.to_string();
    let created = admin.post("/console/stations/new", &station_form(&yuzhong, "较场口驿站", "24/7")).await;
    let id = station_id(&created.location);

    let granted = admin.post(&format!("/console/stations/{id}/managers"), &[("phone", "13900000099"), ("name", "周敏")]).await;
    assert!(granted.location.ends_with("?done=manager_granted"), "{}", granted.location);
    let page = admin.get(&format!("/console/stations/{id}")).await;
    assert!(page.html.contains("周敏") && page.html.contains("139****0099"), "shown, phone masked");
    assert!(!page.html.contains("13900000099"));
    let revoke = page.html.split(&format!("/console/stations/{id}/managers/")).nth(1).unwrap().split('/').next().unwrap().to_owned();
    let revoked = admin.post(&format!("/console/stations/{id}/managers/{revoke}/revoke"), &[]).await;
    assert!(revoked.location.ends_with("?done=manager_revoked"), "{}", revoked.location);
    assert!(admin.get(&format!("/console/stations/{id}")).await.html.contains("data-testid=\"no-managers\""));
}

const CSV_HEADER: &str = "external_id,name,kind,org,address,lat,lng,opening_hours,amenities\n";

#[tokio::test]
async fn an_import_is_checked_first_then_written_and_a_reimport_updates() {
    let server = TestServer::with_demo().await;
    let api = server.sign_in("13800000002").await;
    let admin = Browser::of(&api).await;
    let chongqing = org_id(&server, "500000").await.to_string();
    let bad = format!(
        "{CSV_HEADER}CQ-301,好驿站,union_station,500103,某路 1 号,29.54,106.52,24/7,phone_charging\n\
         CQ-302,坏时间,union_station,500103,某路 2 号,29.54,106.53,Mo-Fr 25:00-26:00,\n\
         CQ-303,长沙的,union_station,430100,某路 3 号,28.19,112.97,24/7,\n"
    );
    let head = server.audit_head().await;
    let checked = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "check")], "stations.csv", bad.as_bytes(), true).await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(checked.html.contains("data-line=\"3\"") && checked.html.contains("data-line=\"4\""), "every bad line named");
    assert!(!checked.html.contains("data-line=\"2\""));
    assert!(checked.html.contains("开放时间"), "with its reason");
    assert_eq!(server.audit_head().await, head, "a check writes nothing");
    let all_or_nothing = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "import")], "stations.csv", bad.as_bytes(), true).await;
    assert!(all_or_nothing.html.contains("data-testid=\"import-nothing\""));
    assert_eq!(server.audit_head().await, head, "one bad row, nothing written");

    let good = format!(
        "{CSV_HEADER}CQ-301,好驿站,union_station,500103,某路 1 号,29.54,106.52,24/7,phone_charging\n\
         CQ-302,好时间,union_station,500103,某路 2 号,29.54,106.53,Mo-Fr 08:00-18:00,\n"
    );
    let checked = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "check")], "stations.csv", good.as_bytes(), true).await;
    assert!(checked.html.contains("data-testid=\"import-clean\"") && checked.html.contains("data-testid=\"import-now\""), "ready to import");
    let imported = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "import")], "stations.csv", good.as_bytes(), true).await;
    assert!(imported.html.contains("data-testid=\"import-created\">2<"), "{}", imported.html);
    let again = good.replace("好时间", "好时间（改）");
    let reimported = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "import")], "stations.csv", again.as_bytes(), true).await;
    assert!(reimported.html.contains("data-testid=\"import-updated\">2<") && reimported.html.contains("data-testid=\"import-created\">0<"));
    let listed = api.get(&format!("/api/v1/stations?org={chongqing}&q=好")).await;
    let names: Vec<&str> = listed.body["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "updated, not duplicated: {names:?}");
    assert!(names.contains(&"好时间（改）"));

    let forged = admin.upload("/console/stations/import", &[("org_id", &chongqing), ("mode", "import")], "stations.csv", good.as_bytes(), false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "an upload without the CSRF token is refused");
}

#[tokio::test]
async fn an_import_for_one_district_refuses_rows_of_another() {
    let server = TestServer::with_demo().await;
    let admin = Browser::sign_in(&server, "13800000002").await;
    let jiangbei = org_id(&server, "500105").await.to_string();
    let file = format!("{CSV_HEADER}CQ-401,渝中的,union_station,500103,某路 1 号,29.54,106.52,24/7,\n");
    let head = server.audit_head().await;
    let refused = admin.upload("/console/stations/import", &[("org_id", &jiangbei), ("mode", "import")], "s.csv", file.as_bytes(), true).await;
    assert!(refused.html.contains("data-line=\"2\""), "the row owned outside 江北区 is named");
    assert_eq!(server.audit_head().await, head);
}

#[tokio::test]
async fn the_coverage_page_lists_the_worst_gaps_without_javascript() {
    let server = TestServer::with_demo().await;
    let admin = Browser::sign_in(&server, "13800000002").await;
    let yuzhong = org_id(&server, "500103").await.to_string();
    admin.post("/console/stations/new", &station_form(&yuzhong, "解放碑驿站", "24/7")).await;
    let rider = server.client();
    for _ in 0..4 {
        rider.get("/api/v1/stations/nearest?lat=29.7000&lng=106.7000").await; // about 20 km away
    }
    let page = admin.get("/console/coverage?days=7").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page.html.split("data-testid=\"gap-table\"").nth(1).expect("a table of gaps");
    assert!(table.contains("29.71, 106.71") || table.contains("29.70, 106.70"), "the cell's centre");
    assert!(table.contains("公里"), "and its distance");
    assert!(page.html.contains("id=\"coverage-map\""), "the map layer's data is in the page");
    let config: Value = serde_json::from_str(&html_unescape(page.html.split("data-config=\"").nth(1).unwrap().split('"').next().unwrap())).unwrap();
    assert_eq!(config["cells"]["features"][0]["properties"]["demand"], 4);
}

fn html_unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#34;", "\"").replace("&#x22;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}
