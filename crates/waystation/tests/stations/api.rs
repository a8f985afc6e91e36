//! Stations through the API on the real server: finding, managing, refusing.

use crate::common::{Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn station(org: i64, name: &str, lat: f64, lng: f64, hours: &str, amenities: Value) -> Value {
    json!({
        "name": name, "kind": "union_station", "org_id": org, "address": "渝中区民族路 166 号",
        "location": {"lat": lat, "lng": lng}, "opening_hours": hours, "amenities": amenities,
        "manager_name": "李明", "manager_phone": "13912345678", "rules": "请保持安静", "external_id": name
    })
}

/// The demo tree, an admin of 重庆市总工会 (org 2; 渝中区总工会 is org 3), and a few stations near 解放碑.
async fn chongqing() -> (TestServer, Client) {
    let server = TestServer::with_demo().await;
    let admin = server.sign_in("13800000002").await;
    for body in [
        station(3, "解放碑驿站", 29.5576, 106.5770, "Mo-Su 07:00-22:00", json!({"phone_charging": true, "drinking_water": true})),
        station(3, "较场口驿站", 29.5520, 106.5740, "Mo-Su 08:00-18:00", json!({"phone_charging": true})),
        station(3, "朝天门驿站", 29.5660, 106.5880, "24/7", json!({"drinking_water": true, "ebike_charging": true})),
        station(3, "区政府服务站", 29.5540, 106.5700, "Mo-Fr 08:00-18:00; PH off", json!({"phone_charging": true, "toilet": true})),
    ] {
        let created = admin.post("/api/v1/stations", body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    }
    (server, admin)
}

fn names(answer: &Value) -> Vec<String> {
    answer["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_rider_at_2140_finds_the_nearest_open_station_with_a_charger() {
    let (server, _) = chongqing().await;
    let rider = server.client();
    let found = rider
        .get("/api/v1/stations/nearest?lat=29.5570&lng=106.5760&open_at=2025-06-10T21:40:00%2B08:00&open=true&amenity=phone_charging")
        .await;
    assert_eq!(found.status, StatusCode::OK, "{found:?}");
    assert_eq!(names(&found.body), vec!["解放碑驿站"]);
    let hit = &found.body["items"][0];
    assert_eq!(hit["next_change"], "2025-06-10T22:00:00+08:00", "closes at 22:00");
    assert!(hit["distance_m"].as_f64().unwrap() < 200.0);
    assert!(hit.get("manager").is_none(), "search answers are slim; the record has the rest");
    let record = rider.get(&format!("/api/v1/stations/{}", hit["id"])).await;
    assert_eq!(record.body["manager"]["phone"], "139****5678", "masked for the public");
    assert!(record.body["navigation"]["amap"].as_str().unwrap().starts_with("https://uri.amap.com/navigation?to=106."));

    let everything = rider.get("/api/v1/stations/nearest?lat=29.5570&lng=106.5760&open_at=2025-06-10T21:40").await;
    assert_eq!(everything.body["items"].as_array().unwrap().len(), 4);
    let distances: Vec<f64> = everything.body["items"].as_array().unwrap().iter().map(|s| s["distance_m"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first: {distances:?}");
}

#[tokio::test]
async fn holidays_and_the_working_calendar_decide_open_now() {
    let (server, admin) = chongqing().await;
    let anyone = server.client();
    let national_day = anyone.get("/api/v1/stations/nearest?lat=29.554&lng=106.570&limit=1&open_at=2025-10-01T10:00%2B08:00").await;
    assert_eq!(names(&national_day.body), vec!["区政府服务站"]);
    assert_eq!(national_day.body["items"][0]["open"], false, "closed on National Day");
    let adjusted_sunday = "/api/v1/stations/nearest?lat=29.554&lng=106.570&limit=1&open_at=2025-09-28T10:00%2B08:00";
    assert_eq!(anyone.get(adjusted_sunday).await.body["items"][0]["open"], false, "plain OSM: closed on Sunday");

    // Government-run: it follows the official working calendar, so the 调休 Sunday is a working day.
    let id = national_day.body["items"][0]["id"].as_i64().unwrap();
    let mut body = station(3, "区政府服务站", 29.5540, 106.5700, "Mo-Fr 08:00-18:00; PH off", json!({"phone_charging": true, "toilet": true}));
    body["follows_working_calendar"] = json!(true);
    let updated = admin.send(Method::PUT, &format!("/api/v1/stations/{id}"), Some(body), &[]).await;
    assert_eq!(updated.status, StatusCode::OK, "{updated:?}");
    assert_eq!(anyone.get(adjusted_sunday).await.body["items"][0]["open"], true);
}

#[tokio::test]
async fn coordinates_come_and_go_in_the_datum_asked_for() {
    let (server, _) = chongqing().await;
    let anyone = server.client();
    let wgs = anyone.get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=1").await;
    let id = wgs.body["items"][0]["id"].as_i64().unwrap();
    let gcj = anyone.get(&format!("/api/v1/stations/{id}?datum=gcj02")).await;
    let (glat, glng) = (gcj.body["location"]["lat"].as_f64().unwrap(), gcj.body["location"]["lng"].as_f64().unwrap());
    assert_eq!(gcj.body["location"]["datum"], "gcj02");
    assert!((glng - 106.577).abs() > 0.002, "GCJ-02 is offset by hundreds of metres");
    // Asking from the GCJ-02 point in GCJ-02 finds the station right there.
    let again = anyone.get(&format!("/api/v1/stations/nearest?lat={glat}&lng={glng}&datum=gcj02&limit=1")).await;
    assert_eq!(again.body["items"][0]["id"].as_i64(), Some(id));
    assert!(again.body["items"][0]["distance_m"].as_f64().unwrap() < 0.5);
    let bd = anyone.get(&format!("/api/v1/stations/{id}?datum=bd09")).await;
    assert_eq!(bd.body["location"]["datum"], "bd09");
}

#[tokio::test]
async fn bad_station_input_is_refused_and_writes_nothing() {
    let (server, admin) = chongqing().await;
    let head = server.audit_head().await;
    let cases = [
        (json!({"opening_hours": "Mo-Fr 25:00-26:00"}), "opening_hours", "invalid_opening_hours"),
        (json!({"location": {"lat": 95.0, "lng": 106.0}}), "location", "invalid_latitude"),
        (json!({"location": {"lat": 29.5, "lng": 200.0}}), "location", "invalid_longitude"),
        (json!({"location": {"lat": 29.5, "lng": 106.5, "datum": "mars"}}), "location", "unknown_datum"),
        (json!({"amenities": {"sauna": true}}), "amenities", "unknown_amenity"),
        (json!({"amenities": {"ev_chargers": true}}), "amenities", "amenity_count_required"),
        (json!({"kind": "castle"}), "kind", "unknown_station_kind"),
        (json!({"manager_phone": "12345"}), "manager_phone", "invalid_phone"),
        (json!({"name": " "}), "name", "required"),
    ];
    for (change, field, code) in cases {
        let mut body = station(3, "新驿站", 29.55, 106.57, "24/7", json!({}));
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let answer = admin.post("/api/v1/stations", body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {answer:?}");
        assert_eq!(answer.code(), code);
        assert!(answer.body["fields"][field].is_string(), "{code}: {answer:?}");
    }
    let several = admin
        .post("/api/v1/stations", json!({"name": "", "kind": "x", "org_id": 3, "address": "a", "location": {"lat": 1, "lng": 1}, "opening_hours": "nope"}))
        .await;
    assert_eq!(several.code(), "invalid_input");
    assert_eq!(several.body["fields"].as_object().unwrap().len(), 3);
    let bad_query = server.client().get("/api/v1/stations/nearest?lat=91&lng=0&amenity=jacuzzi&radius=-1").await;
    assert_eq!(bad_query.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["lat", "amenity", "radius"] {
        assert!(bad_query.body["fields"][field].is_string(), "{field}: {bad_query:?}");
    }
    assert_eq!(server.audit_head().await, head, "nothing was written");
}

#[tokio::test]
async fn a_station_suspends_reopens_and_retires_with_its_history() {
    let (server, admin) = chongqing().await;
    let anyone = server.client();
    let id = anyone.get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=1").await.body["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/stations/{id}/status");

    let no_reason = admin.post(&path, json!({"status": "suspended", "reason": ""})).await;
    assert_eq!(no_reason.code(), "reason_required");
    let suspended = admin.post(&path, json!({"status": "suspended", "reason": "空调维修"})).await;
    assert_eq!(suspended.body["status"], "suspended");
    let shown = anyone.get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=1").await;
    assert_eq!((shown.body["items"][0]["id"].as_i64(), shown.body["items"][0]["open"].as_bool()), (Some(id), Some(false)));

    admin.post(&path, json!({"status": "open", "reason": "维修完成"})).await;
    let retired = admin.post(&path, json!({"status": "retired", "reason": "场地到期"})).await;
    assert_eq!(retired.body["status"], "retired");
    let back = admin.post(&path, json!({"status": "open", "reason": "重开"})).await;
    assert_eq!(back.code(), "status_transition_not_allowed");

    let after = anyone.get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=10").await;
    assert!(!names(&after.body).contains(&"解放碑驿站".to_owned()), "retired stations leave search");
    assert_eq!(anyone.get(&format!("/api/v1/stations/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin.get(&format!("/api/v1/stations/{id}")).await.status, StatusCode::OK, "staff still see it");

    let history = admin.get(&format!("/api/v1/stations/{id}/history")).await;
    let steps: Vec<&str> = history.body["status"].as_array().unwrap().iter().map(|s| s["to"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["open", "suspended", "open", "retired"]);
    assert_eq!(history.body["status"][3]["reason"], "场地到期");
}

#[tokio::test]
async fn a_mobile_station_keeps_its_location_history() {
    let (server, admin) = chongqing().await;
    let anyone = server.client();
    let id = anyone.get("/api/v1/stations/nearest?lat=29.5660&lng=106.5880&limit=1").await.body["items"][0]["id"].as_i64().unwrap();
    let mut body = station(3, "朝天门驿站", 29.5700, 106.5900, "24/7", json!({"drinking_water": true}));
    body["address"] = json!("渝中区朝东路 1 号");
    let moved = admin.send(Method::PUT, &format!("/api/v1/stations/{id}"), Some(body), &[]).await;
    assert_eq!(moved.status, StatusCode::OK);
    let history = admin.get(&format!("/api/v1/stations/{id}/history")).await;
    assert_eq!(history.body["locations"].as_array().unwrap().len(), 2);
    let near_new_place = anyone.get("/api/v1/stations/nearest?lat=29.5700&lng=106.5900&limit=1").await;
    assert_eq!(near_new_place.body["items"][0]["id"].as_i64(), Some(id));
    assert!(near_new_place.body["items"][0]["distance_m"].as_f64().unwrap() < 1.0);
}

#[tokio::test]
async fn codes_follow_the_owners_division_and_are_never_reused() {
    let (server, admin) = chongqing().await;
    let listed = server.client().get("/api/v1/stations?org=3&limit=10").await;
    let mut codes: Vec<String> = listed.body["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_owned()).collect();
    codes.sort();
    assert_eq!(codes, vec!["500103-00001", "500103-00002", "500103-00003", "500103-00004"]);
    let id = listed.body["items"][0]["id"].as_i64().unwrap();
    admin.post(&format!("/api/v1/stations/{id}/status"), json!({"status": "retired", "reason": "撤站"})).await;
    let fifth = admin.post("/api/v1/stations", station(3, "新华路驿站", 29.56, 106.58, "24/7", json!({}))).await;
    assert_eq!(fifth.body["code"], "500103-00005");
    let text = server.client().get("/api/v1/stations?q=新华").await;
    assert_eq!(names(&text.body), vec!["新华路驿站"]);
}

#[tokio::test]
async fn a_viewport_lists_the_stations_inside_it() {
    let (server, _) = chongqing().await;
    let inside = server.client().get("/api/v1/stations/box?south=29.55&west=106.56&north=29.56&east=106.58").await;
    let mut found = names(&inside.body);
    found.sort();
    assert_eq!(found, vec!["区政府服务站", "解放碑驿站", "较场口驿站"]);
    let bad = server.client().get("/api/v1/stations/box?south=30&west=106&north=29&east=107").await;
    assert_eq!(bad.code(), "invalid_box");
}

#[tokio::test]
async fn every_server_on_one_database_sees_a_change_within_a_second() {
    let (server, admin) = chongqing().await;
    // A second server on the same database, started before the change.
    let second = server.second_server().await;
    let created = admin.post("/api/v1/stations", station(3, "新开驿站", 29.5900, 106.5400, "24/7", json!({}))).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let query = "/api/v1/stations/nearest?lat=29.5900&lng=106.5400&limit=1";
    assert_eq!(names(&server.client().get(query).await.body), vec!["新开驿站"], "the writer sees it at once");
    let mut seen = false;
    for _ in 0..30 {
        if names(&second.get(query).await.body) == vec!["新开驿站"] {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the other server caught up");
}

#[tokio::test]
async fn a_system_admin_adds_next_years_holidays_and_stations_follow_them() {
    let (server, org_admin) = chongqing().await;
    let year_2027 = json!({
        "year": 2027,
        "holidays": [{"name": "元旦", "en": "New Year's Day", "off": ["2027-01-01", "2027-01-03"]}],
        "work": []
    });
    let refused = org_admin.post("/api/v1/holidays", year_2027.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let system_admin = server.sign_in("13800000001").await;
    let head = server.audit_head().await;
    let not_a_weekend = json!({"year": 2027, "holidays": [], "work": ["2027-01-06"]});
    let bad = system_admin.post("/api/v1/holidays", not_a_weekend).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "adjusted_workday_not_weekend"));
    let garbled = system_admin.post("/api/v1/holidays", json!({"year": "soon"})).await;
    assert_eq!(garbled.code(), "invalid_holiday_calendar");
    assert_eq!(server.audit_head().await, head, "refusals write nothing");

    // 2027-01-01 is a Friday: a weekday station with `PH off` is open until the year is published.
    let query = "/api/v1/stations/nearest?lat=29.554&lng=106.570&limit=1&open_at=2027-01-01T10:00%2B08:00";
    assert_eq!(server.client().get(query).await.body["items"][0]["open"], true);
    let added = system_admin.post("/api/v1/holidays", year_2027).await;
    assert_eq!(added.status, StatusCode::OK, "{added:?}");
    assert!(added.body["years"].as_array().unwrap().iter().any(|y| y["year"] == 2027));
    assert_eq!(server.client().get(query).await.body["items"][0]["open"], false, "closed on New Year's Day 2027");
    let listed = server.client().get("/api/v1/holidays").await;
    let years: Vec<i64> = listed.body["years"].as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
    assert_eq!(years, vec![2024, 2025, 2026, 2027]);
}

const CSV_HEADER: &str = "外部编号,名称,类型,所属组织,地址,纬度,经度,开放时间,服务设施\n";

async fn import(client: &Client, query: &str, body: Vec<u8>, content_type: &str) -> crate::common::Answer {
    client.post_bytes(&format!("/api/v1/stations/import?{query}"), content_type, body, &[]).await
}

#[tokio::test]
async fn a_gbk_spreadsheet_imports_and_reimports_without_duplicates() {
    let (server, admin) = chongqing().await;
    let text = format!(
        "{CSV_HEADER}CQ-101,大坪驿站,union_station,500103,大坪正街 19 号,29.5410,106.5200,Mo-Su 07:00-22:00,phone_charging;drinking_water\n\
         CQ-102,化龙桥驿站,rider_station,500103,化龙桥 8 号,29.5520,106.5300,24/7,ebike_charging;ev_chargers=2\n\
         CQ-103,两路口驿站,union_station,3,中山三路 2 号,29.5530,106.5400,Mo-Fr 08:00-18:00; PH off,toilet\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let first = import(&admin, "format=csv", gbk.to_vec(), "text/csv").await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    assert_eq!((first.body["encoding"].as_str(), first.body["created"].as_u64(), first.body["written"].as_bool()), (Some("gbk"), Some(3), Some(true)));
    let found = server.client().get("/api/v1/stations/nearest?lat=29.5410&lng=106.5200&limit=1").await;
    assert_eq!(names(&found.body), vec!["大坪驿站"], "the index knows the imported stations at once");

    let again = import(&admin, "format=csv", gbk.to_vec(), "text/csv").await;
    assert_eq!((again.body["created"].as_u64(), again.body["updated"].as_u64()), (Some(0), Some(3)));
    let listed = server.client().get("/api/v1/stations?org=3&limit=200").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 7, "4 made by hand + 3 imported, none twice");
}

#[tokio::test]
async fn a_file_with_a_bad_row_writes_nothing_unless_told_to_skip_it() {
    let (server, admin) = chongqing().await;
    let text = format!(
        "{CSV_HEADER}CQ-201,好驿站,union_station,500103,某路 1 号,29.54,106.52,24/7,phone_charging\n\
         CQ-202,坏时间,union_station,500103,某路 2 号,29.54,106.53,Mo-Fr 25:00-26:00,\n\
         CQ-203,坏设施,union_station,500103,某路 3 号,29.54,106.54,24/7,sauna\n\
         CQ-204,坏组织,union_station,999999,某路 4 号,29.54,106.55,24/7,\n"
    );
    let head = server.audit_head().await;
    let refused = import(&admin, "format=csv", text.clone().into_bytes(), "text/csv").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{refused:?}");
    assert_eq!(refused.body["written"], false);
    let problems: Vec<(u64, String)> = refused.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        problems,
        vec![(3, "invalid_opening_hours".to_owned()), (4, "unknown_amenity".to_owned()), (5, "org_not_found".to_owned())]
    );
    assert!(refused.body["problems"][0]["message"].as_str().unwrap().contains("开放时间"));
    assert_eq!(server.audit_head().await, head, "nothing written");

    let dry = import(&admin, "format=csv&skip_invalid=true&dry_run=true", text.clone().into_bytes(), "text/csv").await;
    assert_eq!(dry.body["written"], false);
    let skipped = import(&admin, "format=csv&skip_invalid=true", text.into_bytes(), "text/csv").await;
    assert_eq!(skipped.status, StatusCode::OK);
    assert_eq!((skipped.body["created"].as_u64(), skipped.body["problems"].as_array().unwrap().len()), (Some(1), 3));
}

#[tokio::test]
async fn mixed_encodings_and_polygons_are_refused() {
    let (server, admin) = chongqing().await;
    let head = server.audit_head().await;
    let mut mixed = format!("{CSV_HEADER}CQ-301,甲驿站,union_station,500103,甲路,29.54,106.52,24/7,\n").into_bytes();
    let (gbk, _, _) = encoding_rs::GBK.encode("CQ-302,乙驿站,union_station,500103,乙路,29.54,106.53,24/7,\n");
    mixed.extend_from_slice(&gbk);
    let answer = import(&admin, "format=csv", mixed, "text/csv").await;
    assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "mixed_encodings"));

    let polygon = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[106.5, 29.5], [106.6, 29.5], [106.6, 29.6], [106.5, 29.5]]]},
         "properties": {"name": "一片", "kind": "union_station", "org": "500103", "address": "x", "opening_hours": "24/7"}}
    ]});
    let answer = import(&admin, "format=geojson", polygon.to_string().into_bytes(), "application/geo+json").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["problems"][0]["code"], "geometry_not_point");
    assert_eq!(server.audit_head().await, head);
}

#[tokio::test]
async fn exports_reimport_unchanged_and_the_feed_is_cached() {
    let (server, admin) = chongqing().await;
    let anyone = server.client();
    let csv = anyone.get("/api/v1/stations/export?format=csv&org=3").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.text.lines().count(), 5, "a header and four stations");
    assert!(!csv.text.contains("13912345678"), "no personal data in public exports");
    let back = import(&admin, "format=csv", csv.text.clone().into_bytes(), "text/csv").await;
    assert_eq!((back.body["created"].as_u64(), back.body["updated"].as_u64()), (Some(0), Some(4)), "{back:?}");

    let geojson = anyone.get("/api/v1/stations/export?format=geojson").await;
    assert_eq!(geojson.body["type"], "FeatureCollection");
    let first = &geojson.body["features"][0];
    assert_eq!(first["geometry"]["type"], "Point");
    assert!(first["geometry"]["coordinates"][0].as_f64().unwrap() > 100.0, "longitude first");
    let again = import(&admin, "format=geojson", geojson.text.into_bytes(), "application/geo+json").await;
    assert_eq!(again.body["created"].as_u64(), Some(0), "{again:?}");

    let feed = anyone.get("/feeds/stations.geojson").await;
    assert_eq!(feed.body["features"].as_array().unwrap().len(), 4);
    let etag = feed.headers["etag"].to_str().unwrap().to_owned();
    let cached = anyone.send(Method::GET, "/feeds/stations.geojson", None, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn coverage_shows_where_searches_find_no_station_near() {
    let (server, admin) = chongqing().await;
    let rider = server.client();
    for _ in 0..5 {
        rider.get("/api/v1/stations/nearest?lat=29.7000&lng=106.7000").await; // about 20 km away
    }
    for _ in 0..3 {
        rider.get("/api/v1/stations/nearest?lat=29.5570&lng=106.5760").await; // right at 解放碑
    }
    let coverage = admin.get("/api/v1/stations/coverage?org=2&days=7").await;
    assert_eq!(coverage.status, StatusCode::OK, "{coverage:?}");
    assert_eq!(coverage.body["demand"], 8);
    assert_eq!(coverage.body["served_share"], 0.375);
    let worst = &coverage.body["worst"][0];
    assert_eq!(worst["demand"], 5);
    assert!((worst["lat"].as_f64().unwrap() - 29.705).abs() < 1e-9);
    assert!(worst["nearest_m"].as_f64().unwrap() > 15_000.0);
    assert_eq!(coverage.body["worst"].as_array().unwrap().len(), 1, "the served cell is no gap");

    let layer = admin.get("/api/v1/stations/coverage?org=2&format=geojson").await;
    assert_eq!(layer.body["features"][0]["geometry"]["type"], "Polygon");
    let worker = server.sign_in("13800000007").await;
    assert_eq!(worker.get("/api/v1/stations/coverage?org=2").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/stations/coverage?org=2&days=0").await.code(), "invalid_value");
}

#[tokio::test]
async fn a_scanned_qr_code_opens_a_page_that_checks_the_worker_in() {
    let (server, _) = chongqing().await;
    let anyone = server.client();
    let station = anyone.get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=1").await.body["items"][0].clone();
    let (id, code) = (station["id"].as_i64().unwrap(), station["code"].as_str().unwrap().to_owned());
    let path = format!("/stations/{id}/visit?c={code}");
    let stranger = anyone.get(&path).await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
    assert!(stranger.headers["location"].to_str().unwrap().starts_with("/sign-in?next=/stations/"));

    let worker = server.sign_in("13800000007").await;
    let page = worker.get(&path).await;
    assert!(page.text.contains("data-testid=\"visit-confirm\""), "{}", page.text);
    let submit = |c: &str| worker.request(Method::POST, &format!("/stations/{id}/visit")).form(&[("c", c.to_owned())]).send();
    let first = submit(&code).await.unwrap().text().await.unwrap();
    assert!(first.contains("data-testid=\"visit-counted\""));
    let second = submit(&code).await.unwrap().text().await.unwrap();
    assert!(second.contains("data-testid=\"visit-already\""), "counted once an hour");
    let wrong = submit("500103-09999").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stats = anyone.get(&format!("/api/v1/stations/{id}/stats")).await;
    assert_eq!(stats.body["visits"]["today"], 1);
}

#[tokio::test]
async fn one_person_cannot_flood_a_station_with_feedback() {
    let (server, _) = chongqing().await;
    let id = server.client().get("/api/v1/stations/nearest?lat=29.5576&lng=106.5770&limit=1").await.body["items"][0]["id"].as_i64().unwrap();
    let worker = server.sign_in("13800000007").await;
    for i in 0..10 {
        let sent = worker.post(&format!("/api/v1/stations/{id}/feedback"), json!({"text": format!("第 {i} 条意见")})).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
    }
    let head = server.audit_head().await;
    let eleventh = worker.post(&format!("/api/v1/stations/{id}/feedback"), json!({"text": "又一条"})).await;
    assert_eq!((eleventh.status, eleventh.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(eleventh.headers.contains_key("retry-after"));
    assert_eq!(server.audit_head().await, head);
}
