//! Using a station through the API on the real server: booking its rooms,
//! checking in by its QR code, reviews and feedback — and refusing bad input
//! without writing anything. SQLite always; PostgreSQL with
//! `WAYSTATION_TEST_DATABASE_URL`.

mod common;

use chrono::{NaiveDate, TimeDelta, Utc};
use common::{Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use waystation_domain::organisations::OrgKind;
use waystation_domain::people::{PersonName, PhoneNumber, Role, UserId};
use waystation_storage::NewUser;

struct Place {
    server: TestServer,
    station: i64,
    code: String,
    /// The station's manager (on its city) and an admin of its province.
    manager: Client,
    admin: Client,
    next_phone: std::sync::atomic::AtomicU32,
}

impl Place {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let national = server.org(None, OrgKind::National, "全国").await;
        let province = server.org(Some(national.id), OrgKind::Province, "甲省").await;
        let city = server.org(Some(province.id), OrgKind::City, "甲市").await;
        let form = json!({
            "name": "解放碑驿站", "kind": "union_station", "org_id": city.id, "address": "解放碑步行街 1 号",
            "location": {"lat": 29.557, "lng": 106.577}, "opening_hours": "Mo-Su 07:00-22:00"
        });
        let station = server.station(form, waystation_domain::stations::StationStatus::Open).await;
        let manager_id = server.person("13800000201", Role::StationManager, city.id).await;
        let admin_id = server.person("13800000202", Role::OrgAdmin, province.id).await;
        let mut place = Self {
            manager: server.client(),
            admin: server.client(),
            station: station.id,
            code: station.code.as_str().to_owned(),
            server,
            next_phone: std::sync::atomic::AtomicU32::new(1000),
        };
        place.manager = place.session(manager_id).await;
        place.admin = place.session(admin_id).await;
        place
    }

    /// A client signed in through a session minted in the store.
    async fn session(&self, user: UserId) -> Client {
        self.server.signed_in_as(user).await
    }

    /// A new worker account (no roles: anyone signed in), optionally named.
    async fn worker(&self, name: Option<&str>) -> (UserId, Client) {
        let n = self.next_phone.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let phone = PhoneNumber::parse(&format!("1390000{n:04}")).unwrap();
        let user = self
            .server
            .store
            .create_user(None, NewUser { phone, name: name.map(|n| PersonName::parse(n).unwrap()), password_hash: None })
            .await
            .unwrap();
        (user.id, self.session(user.id).await)
    }

    async fn room(&self, capacity: i64) -> i64 {
        let created = self
            .manager
            .post(&format!("/api/v1/stations/{}/resources", self.station), json!({"name": "职工活动室", "capacity": capacity, "description": "二楼"}))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
        created.body["id"].as_i64().unwrap()
    }

    async fn audit_head(&self) -> i64 {
        self.server.audit_head().await
    }
}

/// A day `days` ahead, China time.
fn day(days: i64) -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive() + TimeDelta::days(days)
}

fn slot(days: i64, start: &str, end: &str, people: i64) -> Value {
    let d = day(days);
    json!({"start": format!("{d}T{start}"), "end": format!("{d}T{end}"), "people": people, "note": "工会读书会"})
}

#[tokio::test]
async fn twenty_overlapping_requests_at_once_book_the_room_exactly_once() {
    let place = Place::new().await;
    let room = place.room(30).await;
    let mut workers = Vec::new();
    for _ in 0..20 {
        workers.push(place.worker(None).await.1);
    }
    // Every request overlaps every other one between 11:00 and 12:00.
    let starts = ["10:00", "10:30", "11:00"];
    let path = format!("/api/v1/resources/{room}/reservations");
    let requests = workers.iter().enumerate().map(|(i, worker)| {
        let start = starts[i % 3];
        let end = ["12:00", "12:30", "13:00"][i % 3];
        worker.post(&path, slot(1, start, end, 2))
    });
    let answers = futures_join_all(requests).await;
    let created = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    let taken = answers.iter().filter(|a| a.status == StatusCode::CONFLICT && a.code() == "slot_taken").count();
    assert_eq!(created, 1, "exactly one booking wins: {:?}", answers.iter().map(|a| (a.status, a.code().to_owned())).collect::<Vec<_>>());
    assert_eq!(taken, 19, "the rest are told the slot is taken");
    let listed = place.manager.get(&format!("/api/v1/stations/{}/reservations?day={}", place.station, day(1))).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "one row in the database");
}

/// Runs the futures concurrently on this task (no extra dependency).
async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<_> = futures.map(|f| Some(Box::pin(f))).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        results[i] = Some(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(|r| r.expect("done")).collect()
}

#[tokio::test]
async fn a_booking_is_requested_confirmed_declined_or_cancelled_with_reasons() {
    let place = Place::new().await;
    let room = place.room(10).await;
    let (_, worker) = place.worker(Some("王五")).await;
    let (_, other) = place.worker(None).await;

    let booked = worker.post(&format!("/api/v1/resources/{room}/reservations"), slot(2, "14:00", "16:00", 8)).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{booked:?}");
    assert_eq!(booked.body["status"], "requested");
    assert_eq!(booked.body["start"], format!("{}T14:00:00+08:00", day(2)));
    assert!(booked.body["booker"]["phone"].as_str().unwrap().contains("****"), "masked even here");
    let id = booked.body["id"].as_i64().unwrap();

    // Touching at the end is not overlapping; inside it is.
    let after = other.post(&format!("/api/v1/resources/{room}/reservations"), slot(2, "16:00", "17:00", 2)).await;
    assert_eq!(after.status, StatusCode::CREATED, "{after:?}");
    let inside = other.post(&format!("/api/v1/resources/{room}/reservations"), slot(2, "15:30", "16:00", 2)).await;
    assert_eq!((inside.status, inside.code()), (StatusCode::CONFLICT, "slot_taken"));

    let mine = worker.get("/api/v1/me/reservations").await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);

    // A worker cannot confirm their own booking; the manager can.
    let self_confirm = worker.post(&format!("/api/v1/reservations/{id}/confirm"), json!({})).await;
    assert_eq!(self_confirm.status, StatusCode::FORBIDDEN);
    let confirmed = place.manager.post(&format!("/api/v1/reservations/{id}/confirm"), json!({})).await;
    assert_eq!(confirmed.body["status"], "confirmed", "{confirmed:?}");
    let again = place.manager.post(&format!("/api/v1/reservations/{id}/decline"), json!({"reason": "闭馆"})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "reservation_transition_not_allowed"));

    // Declining needs a reason.
    let later = after.body["id"].as_i64().unwrap();
    let bare = place.manager.post(&format!("/api/v1/reservations/{later}/decline"), json!({})).await;
    assert_eq!((bare.status, bare.code()), (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"));
    let declined = place.manager.post(&format!("/api/v1/reservations/{later}/decline"), json!({"reason": "当天闭馆"})).await;
    assert_eq!(declined.body["status"], "declined");
    assert_eq!(declined.body["reason"], "当天闭馆");

    // Another worker may not cancel it; its booker may, and the slot is free again.
    let stranger = other.post(&format!("/api/v1/reservations/{id}/cancel"), json!({})).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let cancelled = worker.post(&format!("/api/v1/reservations/{id}/cancel"), json!({})).await;
    assert_eq!(cancelled.body["status"], "cancelled", "{cancelled:?}");
    let rebooked = other.post(&format!("/api/v1/resources/{room}/reservations"), slot(2, "15:00", "16:00", 2)).await;
    assert_eq!(rebooked.status, StatusCode::CREATED, "{rebooked:?}");

    // Staff cancel with a reason only.
    let rid = rebooked.body["id"].as_i64().unwrap();
    let no_reason = place.manager.post(&format!("/api/v1/reservations/{rid}/cancel"), json!({})).await;
    assert_eq!(no_reason.code(), "reason_required");
    let by_staff = place.manager.post(&format!("/api/v1/reservations/{rid}/cancel"), json!({"reason": "停电"})).await;
    assert_eq!(by_staff.body["status"], "cancelled");

    let day_list = place.manager.get(&format!("/api/v1/stations/{}/reservations?day={}", place.station, day(2))).await;
    let statuses: Vec<&str> = day_list.body["items"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["cancelled", "cancelled", "declined"], "by start");
}

#[tokio::test]
async fn bad_bookings_are_refused_and_write_nothing() {
    let place = Place::new().await;
    let room = place.room(10).await;
    let (_, worker) = place.worker(None).await;
    let held = worker.post(&format!("/api/v1/resources/{room}/reservations"), slot(3, "09:00", "11:00", 4)).await;
    assert_eq!(held.status, StatusCode::CREATED);
    let head = place.audit_head().await;
    let cases = [
        (slot(-1, "10:00", "11:00", 2), StatusCode::UNPROCESSABLE_ENTITY, "slot_in_past"),
        (slot(3, "10:15", "11:00", 2), StatusCode::UNPROCESSABLE_ENTITY, "slot_not_aligned"),
        (slot(3, "12:00", "11:00", 2), StatusCode::UNPROCESSABLE_ENTITY, "slot_end_before_start"),
        (slot(3, "08:00", "16:30", 2), StatusCode::UNPROCESSABLE_ENTITY, "slot_too_long"),
        (slot(61, "10:00", "11:00", 2), StatusCode::UNPROCESSABLE_ENTITY, "slot_too_far_ahead"),
        (slot(4, "10:00", "11:00", 11), StatusCode::UNPROCESSABLE_ENTITY, "over_capacity"),
        (slot(4, "10:00", "11:00", 0), StatusCode::UNPROCESSABLE_ENTITY, "invalid_people"),
        (json!({"start": "明天", "end": "后天", "people": 1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        (slot(3, "10:30", "12:00", 2), StatusCode::CONFLICT, "slot_taken"),
    ];
    for (body, status, code) in cases {
        let answer = worker.post(&format!("/api/v1/resources/{room}/reservations"), body).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{answer:?}");
        assert!(!answer.body["message"].as_str().unwrap_or("").is_empty(), "a human message");
    }
    let capacity = place.manager.post(&format!("/api/v1/stations/{}/resources", place.station), json!({"name": "小屋", "capacity": 0})).await;
    assert_eq!((capacity.status, capacity.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_capacity"));
    let not_staff = worker.post(&format!("/api/v1/stations/{}/resources", place.station), json!({"name": "小屋", "capacity": 3})).await;
    assert_eq!(not_staff.status, StatusCode::FORBIDDEN);
    assert_eq!(place.audit_head().await, head, "nothing was written");

    // A retired room takes no bookings.
    let retired = place.manager.post(&format!("/api/v1/resources/{room}/retire"), json!({})).await;
    assert_eq!(retired.body["retired"], true, "{retired:?}");
    let head = place.audit_head().await;
    let refused = worker.post(&format!("/api/v1/resources/{room}/reservations"), slot(5, "10:00", "11:00", 2)).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "resource_retired"));
    let public = place.server.client().get(&format!("/api/v1/stations/{}/resources", place.station)).await;
    assert_eq!(public.body["items"].as_array().unwrap().len(), 0, "retired rooms leave the public list");
    assert_eq!(place.audit_head().await, head);
}

#[tokio::test]
async fn a_scan_counts_once_an_hour_and_a_wrong_code_is_refused() {
    let place = Place::new().await;
    let (_, worker) = place.worker(None).await;
    let (_, other) = place.worker(None).await;
    let path = format!("/api/v1/stations/{}/visits", place.station);

    let head = place.audit_head().await;
    let wrong = worker.post(&path, json!({"code": "110101-99999"})).await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_station_code"));
    assert!(wrong.body["fields"]["code"].is_string());
    assert_eq!(place.audit_head().await, head, "a wrong code writes nothing");

    let first = worker.post(&path, json!({"code": place.code})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    assert_eq!(first.body["counted"], true);
    let head = place.audit_head().await;
    let second = worker.post(&path, json!({"code": place.code})).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body["counted"], false);
    assert_eq!(place.audit_head().await, head, "a second scan in the hour writes nothing");
    let theirs = other.post(&path, json!({"code": place.code})).await;
    assert_eq!(theirs.body["counted"], true);

    let anonymous = place.server.client().post(&path, json!({"code": place.code})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let stats = place.server.client().get(&format!("/api/v1/stations/{}/stats", place.station)).await;
    assert_eq!(stats.body["visits"], json!({"today": 2, "last_30_days": 2, "total": 2}), "{stats:?}");
}

#[tokio::test]
async fn the_qr_code_and_the_poster_carry_the_visit_address_of_the_host() {
    let place = Place::new().await;
    let anyone = place.server.client();
    let qr = anyone
        .send(Method::GET, &format!("/api/v1/stations/{}/qr.svg", place.station), None, &[("x-forwarded-proto", "https")])
        .await;
    assert_eq!(qr.status, StatusCode::OK);
    assert_eq!(qr.headers["content-type"], "image/svg+xml");
    assert!(qr.text.contains("<svg") && qr.text.contains("<path"), "{}", &qr.text[..qr.text.len().min(200)]);

    let poster = anyone
        .send(Method::GET, &format!("/stations/{}/poster", place.station), None, &[("x-forwarded-proto", "https")])
        .await;
    assert_eq!(poster.status, StatusCode::OK);
    let host = place.server.base.trim_start_matches("http://");
    let url = format!("https://{host}/stations/{}/visit?c={}", place.station, place.code);
    assert!(poster.text.contains(&url.replace('&', "&amp;")), "the poster names the address: {url}");
    assert!(poster.text.contains("解放碑驿站") && poster.text.contains(&place.code) && poster.text.contains("解放碑步行街 1 号"));
    assert!(poster.text.contains("size: A4"), "printable on A4");
    // The same address makes the same code: the poster's QR is the API's.
    let svg_start = qr.text.find("<svg").unwrap();
    assert!(poster.text.contains(&qr.text[svg_start..]), "the poster embeds the station's QR code");

    // Over plain HTTP the scheme follows.
    let plain = anyone.get(&format!("/stations/{}/poster", place.station)).await;
    assert!(plain.text.contains(&format!("http://{host}/stations/{}/visit?c=", place.station)));
    let missing = anyone.get("/api/v1/stations/999999/qr.svg").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reviews_are_one_per_person_averaged_masked_and_moderated() {
    let place = Place::new().await;
    let (_, zhang) = place.worker(Some("张三")).await;
    let (_, li) = place.worker(Some("李四")).await;
    let path = format!("/api/v1/stations/{}/reviews", place.station);

    let head = place.audit_head().await;
    for (body, field, code) in [
        (json!({"stars": 6, "text": "好"}), "stars", "invalid_stars"),
        (json!({"stars": 0}), "stars", "invalid_stars"),
        (json!({"stars": 4, "text": "好".repeat(501)}), "text", "text_too_long"),
    ] {
        let answer = zhang.post(&path, body).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{answer:?}");
        assert!(answer.body["fields"][field].is_string());
    }
    assert_eq!(place.audit_head().await, head, "bad reviews write nothing");

    let first = zhang.post(&path, json!({"stars": 4, "text": "热水很方便"})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let edited = zhang.post(&path, json!({"stars": 5, "text": "热水很方便，还能充电"})).await;
    assert_eq!(edited.status, StatusCode::OK, "posting again edits");
    assert_eq!(edited.body["id"], first.body["id"]);
    assert!(edited.body["updated_at"].as_str() >= first.body["updated_at"].as_str());
    let second = li.post(&path, json!({"stars": 2, "text": "人太多"})).await;
    assert_eq!(second.status, StatusCode::CREATED);

    let listed = place.server.client().get(&path).await;
    assert_eq!(listed.body["summary"], json!({"count": 2, "average_stars": 3.5}));
    let reviewers: Vec<&str> = listed.body["items"].as_array().unwrap().iter().map(|r| r["reviewer"].as_str().unwrap()).collect();
    assert_eq!(reviewers, vec!["李*", "张*"], "newest first, names masked");
    assert!(!listed.text.contains("1390000") && !listed.text.contains("张三"), "no phone, no full name");

    // Paging.
    let page1 = place.server.client().get(&format!("{path}?limit=1")).await;
    let cursor = page1.body["next_cursor"].as_str().unwrap().to_owned();
    let page2 = place.server.client().get(&format!("{path}?limit=1&cursor={cursor}")).await;
    assert_eq!(page2.body["items"][0]["reviewer"], "张*");

    // Moderation: admins of the station's organisation, with a reason; the manager may not.
    let review = second.body["id"].as_i64().unwrap();
    let by_manager = place.manager.post(&format!("/api/v1/reviews/{review}/hide"), json!({"reason": "广告"})).await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN);
    let no_reason = place.admin.post(&format!("/api/v1/reviews/{review}/hide"), json!({})).await;
    assert_eq!(no_reason.code(), "reason_required");
    let hidden = place.admin.post(&format!("/api/v1/reviews/{review}/hide"), json!({"reason": "与驿站无关"})).await;
    assert_eq!(hidden.body["hidden"], true, "{hidden:?}");
    let public = place.server.client().get(&path).await;
    assert_eq!(public.body["summary"], json!({"count": 1, "average_stars": 5.0}));
    assert_eq!(public.body["items"].as_array().unwrap().len(), 1);
    let moderator = place.admin.get(&path).await;
    assert_eq!(moderator.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(moderator.body["items"][0]["hidden_reason"], "与驿站无关");
    let shown = place.admin.post(&format!("/api/v1/reviews/{review}/unhide"), json!({})).await;
    assert_eq!(shown.body["hidden"], false);
    assert_eq!(place.server.client().get(&path).await.body["summary"]["count"], 2);
}

#[tokio::test]
async fn feedback_is_answered_by_the_manager_and_shown_without_names() {
    let place = Place::new().await;
    let (_, worker) = place.worker(Some("赵六")).await;
    let path = format!("/api/v1/stations/{}/feedback", place.station);

    let head = place.audit_head().await;
    let long = worker.post(&path, json!({"text": "长".repeat(1001)})).await;
    assert_eq!((long.status, long.code()), (StatusCode::UNPROCESSABLE_ENTITY, "text_too_long"));
    let empty = worker.post(&path, json!({"text": "  "})).await;
    assert_eq!(empty.code(), "required");
    assert_eq!(place.audit_head().await, head);

    let sent = worker.post(&path, json!({"text": "晚上没有热水"})).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
    let id = sent.body["id"].as_i64().unwrap();
    assert!(place.server.client().get(&format!("{path}/public")).await.body["items"].as_array().unwrap().is_empty(), "unanswered stays private");

    let staff_list = place.manager.get(&path).await;
    assert_eq!(staff_list.body["items"][0]["text"], "晚上没有热水");
    assert_eq!(staff_list.body["items"][0]["from"]["name"], "赵六");
    assert!(staff_list.body["items"][0]["from"]["phone"].as_str().unwrap().contains("****"));
    assert_eq!(worker.get(&path).await.status, StatusCode::FORBIDDEN, "workers do not read others' feedback");

    let answered = place.manager.post(&format!("/api/v1/feedback/{id}/answer"), json!({"answer": "已修好热水器"})).await;
    assert_eq!(answered.body["answer"], "已修好热水器", "{answered:?}");
    assert!(answered.body["answered_at"].is_string() && answered.body["answered_by"].is_i64());
    let head = place.audit_head().await;
    let edited = place.manager.post(&format!("/api/v1/feedback/{id}/answer"), json!({"answer": "已修好热水器，24 小时供应"})).await;
    assert_eq!(edited.body["answer"], "已修好热水器，24 小时供应");
    assert_eq!(place.audit_head().await, head + 1, "the edit is audited");

    let mine = worker.get("/api/v1/me/feedback").await;
    assert_eq!(mine.body["items"][0]["answer"], "已修好热水器，24 小时供应");
    let public = place.server.client().get(&format!("{path}/public")).await;
    assert_eq!(public.body["items"][0]["text"], "晚上没有热水");
    assert_eq!(public.body["items"][0]["answer"], "已修好热水器，24 小时供应");
    assert!(!public.text.contains("赵") && !public.text.contains("1390000") && !public.text.contains("user_id"), "texts only");
}
