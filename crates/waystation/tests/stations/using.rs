//! Using a station through the API on the real server: booking its rooms,
//! checking in by its QR code, reviews and feedback — and refusing bad input
//! without writing anything. SQLite always; PostgreSQL with
//! `WAYSTATION_TEST_DATABASE_URL`.

use chrono::{NaiveDate, TimeDelta, Utc};
use crate::common::browser::{Browser, Page};
use crate::common::builders::{OrgTree, StationBuilder};
use crate::common::{Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::foundation::people::{Role, UserId};

struct Place {
    server: TestServer,
    /// A province other than the station's.
    other_province: OrgId,
    station: i64,
    code: String,
    /// The station's manager (on its city) and an admin of its province.
    manager: Client,
    admin: Client,
}

impl Place {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let tree = OrgTree::create(&server).await;
        let station = StationBuilder::new("解放碑驿站", tree.city).create(&server).await;
        let (_, manager) = server.user().phone("13800000201").role(Role::StationManager, tree.city).signed_in().await;
        let (_, admin) = server.user().phone("13800000202").role(Role::OrgAdmin, tree.province).signed_in().await;
        Self { other_province: tree.other_province, station: station.id, code: station.code.as_str().to_owned(), manager, admin, server }
    }

    /// A new worker account (no roles: anyone signed in), optionally named.
    async fn worker(&self, name: Option<&str>) -> (UserId, Client) {
        let user = self.server.user();
        match name {
            Some(name) => user.name(name),
            None => user,
        }
        .signed_in()
        .await
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

// ---- the pages: station page forms, my bookings, the manager's desk ----

#[tokio::test]
async fn the_station_page_books_a_room_and_refuses_an_overlap_with_a_clear_message() {
    let place = Place::new().await;
    let room = place.room(10).await;
    let (_, worker) = place.worker(Some("王五")).await;
    let (_, other) = place.worker(Some("钱七")).await;
    let (me, them) = (Browser::of(&worker).await, Browser::of(&other).await);
    let station = place.station;
    let d = day(2).to_string();

    let Page { status, html, .. } = me.get(&format!("/stations/{station}?resource={room}&day={d}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("职工活动室") && html.contains(r#"data-testid="book-form""#), "the room and its booking form");
    assert!(html.contains(r#"data-slot="14:00" data-state="free""#), "14:00 is free");

    // Without the page's CSRF token the post is refused and nothing is written.
    let head = place.audit_head().await;
    let fields = [("resource_id", room.to_string()), ("day", d.clone()), ("start", "14:00".into()), ("end", "16:00".into()), ("people", "4".into()), ("note", "读书会".into())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let Page { status: forged, .. } = me.post_raw(&format!("/stations/{station}/book"), &fields).await;
    assert_eq!(forged, StatusCode::FORBIDDEN);
    assert_eq!(place.audit_head().await, head);

    let Page { status, location, .. } = me.post(&format!("/stations/{station}/book"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/stations/{station}?resource={room}&day={d}&done=station_use.booked"));
    let Page { html, .. } = me.get(&location).await;
    assert!(html.contains("预约已提交，等待驿站确认。"));
    assert!(html.contains(r#"data-slot="14:00" data-state="taken""#) && html.contains(r#"data-slot="15:30" data-state="taken""#));
    assert!(html.contains(r#"data-slot="16:00" data-state="free""#), "the end is free again");
    let Page { html: mine, .. } = me.get("/account/reservations").await;
    assert!(mine.contains(r#"data-status="requested""#) && mine.contains("待确认") && mine.contains("解放碑驿站"), "{mine}");

    // Someone else asks for an overlapping slot: a clear message, nothing written.
    let head = place.audit_head().await;
    let overlap = [("resource_id", room.to_string()), ("day", d.clone()), ("start", "15:00".into()), ("end", "17:00".into()), ("people", "2".into())];
    let overlap: Vec<(&str, &str)> = overlap.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let Page { status, location, .. } = them.post(&format!("/stations/{station}/book"), &overlap).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("&error=slot_taken"), "{location}");
    let Page { html, .. } = them.get(&location).await;
    assert!(html.contains("该时段已被预约，请换一个时间。"));
    assert_eq!(place.audit_head().await, head, "the refused booking wrote nothing");
    let Page { html: theirs, .. } = them.get("/account/reservations").await;
    assert!(theirs.contains(r#"data-testid="no-reservations""#));

    // The booker cancels from their list; another person cannot.
    let id = worker.get("/api/v1/me/reservations").await.body["items"][0]["id"].as_i64().unwrap();
    let Page { location: refused, .. } = them.post(&format!("/account/reservations/{id}/cancel"), &[]).await;
    assert!(refused.ends_with("error=forbidden"), "{refused}");
    let Page { location: done, .. } = me.post(&format!("/account/reservations/{id}/cancel"), &[]).await;
    assert_eq!(done, "/account/reservations?done=station_use.cancelled");
    assert_eq!(worker.get("/api/v1/me/reservations").await.body["items"][0]["status"], "cancelled");

    // A visitor sees the rooms and the day, and a way to sign in that comes back here.
    let anonymous = Browser::of(&place.server.client()).await;
    let Page { status, html, .. } = anonymous.get(&format!("/stations/{station}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("职工活动室") && !html.contains(r#"data-testid="book-form""#));
    assert!(html.contains(&format!(r#"href="/sign-in?next=/stations/{station}""#)), "sign in and come back");
}

#[tokio::test]
async fn reviews_and_feedback_are_written_on_the_station_page() {
    let place = Place::new().await;
    let (_, worker) = place.worker(Some("张三")).await;
    let me = Browser::of(&worker).await;
    let station = place.station;

    let head = place.audit_head().await;
    let Page { location: bad, .. } = me.post(&format!("/stations/{station}/review"), &[("stars", "9"), ("text", "好")]).await;
    assert!(bad.ends_with("error=invalid_stars"), "{bad}");
    assert_eq!(place.audit_head().await, head, "a bad review writes nothing");

    let Page { location: done, .. } = me.post(&format!("/stations/{station}/review"), &[("stars", "4"), ("text", "热水很方便")]).await;
    assert_eq!(done, format!("/stations/{station}?done=station_use.reviewed"));
    let Page { location: edited, .. } = me.post(&format!("/stations/{station}/review"), &[("stars", "5"), ("text", "热水很方便，还能充电")]).await;
    assert!(edited.ends_with("done=station_use.review_edited"));
    let Page { html, .. } = me.get(&format!("/stations/{station}")).await;
    assert!(html.contains(r#"data-testid="review-average">5.0<"#) && html.contains("热水很方便，还能充电") && html.contains("张*"));
    let Page { html: public, .. } = Browser::of(&place.server.client()).await.get(&format!("/stations/{station}")).await;
    assert!(public.contains("张*") && !public.contains("张三"), "others see the reviewer's name masked");
    assert!(html.contains(r#"value="5" required checked"#), "the form holds my stars to edit");

    let Page { location: sent, .. } = me.post(&format!("/stations/{station}/feedback"), &[("text", "晚上没有热水")]).await;
    assert!(sent.ends_with("done=station_use.feedback_sent"));
    let Page { location: empty, .. } = me.post(&format!("/stations/{station}/feedback"), &[("text", "  ")]).await;
    assert!(empty.ends_with("error=required"));
    let Page { html: mine, .. } = me.get("/account/feedback").await;
    assert!(mine.contains("晚上没有热水") && mine.contains(r#"data-testid="awaiting-answer""#));
}

#[tokio::test]
async fn the_desk_decides_bookings_answers_feedback_and_admins_hide_reviews() {
    let place = Place::new().await;
    let room = place.room(10).await;
    let (_, worker) = place.worker(Some("王五")).await;
    let station = place.station;
    let path = format!("/api/v1/resources/{room}/reservations");
    let first = worker.post(&path, slot(1, "09:00", "10:00", 3)).await.body["id"].as_i64().unwrap();
    let second = worker.post(&path, slot(1, "14:00", "15:00", 3)).await.body["id"].as_i64().unwrap();
    let feedback = worker.post(&format!("/api/v1/stations/{station}/feedback"), json!({"text": "饮水机坏了"})).await.body["id"].as_i64().unwrap();
    let review = worker.post(&format!("/api/v1/stations/{station}/reviews"), json!({"stars": 1, "text": "加微信领红包"})).await.body["id"].as_i64().unwrap();
    let manager = Browser::of(&place.manager).await;
    let desk = format!("/console/stations/{station}/desk");
    let d = day(1).to_string();

    let Page { status, html, .. } = manager.get(&format!("{desk}?day={d}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("王五") && html.contains(&format!("{d} 09:00–10:00")), "bookings of the day with the booker's name");
    assert!(!html.contains("1390000"), "no booker's phone");
    assert!(html.contains("饮水机坏了") && html.contains(r#"data-testid="desk-unanswered""#), "unanswered feedback");
    assert!(!html.contains(r#"data-testid="hide""#), "a manager does not moderate reviews");

    let Page { location: confirmed, .. } = manager.post(&format!("{desk}/reservations/{first}/confirm"), &[("day", d.as_str())]).await;
    assert_eq!(confirmed, format!("{desk}?day={d}&done=station_use.confirmed"));
    let head = place.audit_head().await;
    let Page { location: no_reason, .. } = manager.post(&format!("{desk}/reservations/{second}/decline"), &[("day", d.as_str()), ("reason", " ")]).await;
    assert!(no_reason.ends_with("error=reason_required"), "{no_reason}");
    assert_eq!(place.audit_head().await, head);
    let Page { location: declined, .. } = manager.post(&format!("{desk}/reservations/{second}/decline"), &[("day", d.as_str()), ("span", "week"), ("reason", "当天消防检查")]).await;
    assert_eq!(declined, format!("{desk}?day={d}&span=week&done=station_use.declined"));
    let statuses: Vec<(String, String)> = worker.get("/api/v1/me/reservations").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["status"].as_str().unwrap().to_owned(), r["reason"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(statuses, vec![("declined".to_owned(), "当天消防检查".to_owned()), ("confirmed".to_owned(), String::new())]);

    let Page { location: answered, .. } = manager.post(&format!("{desk}/feedback/{feedback}/answer"), &[("answer", "已换新饮水机")]).await;
    assert!(answered.ends_with("done=station_use.answered"));
    let Page { html: public, .. } = Browser::of(&place.server.client()).await.get(&format!("/stations/{station}")).await;
    assert!(public.contains("饮水机坏了") && public.contains("已换新饮水机"), "the answer is shown on the station page");

    // Rooms: add, change the capacity, retire.
    let Page { location: added, .. } = manager.post(&format!("{desk}/resources"), &[("name", "会议室"), ("capacity", "8"), ("description", "一楼")]).await;
    assert!(added.ends_with("done=station_use.resource_added"));
    let Page { location: bad, .. } = manager.post(&format!("{desk}/resources/{room}"), &[("name", "职工活动室"), ("capacity", "0")]).await;
    assert!(bad.ends_with("error=invalid_capacity"));
    let Page { location: saved, .. } = manager.post(&format!("{desk}/resources/{room}"), &[("name", "职工活动室"), ("capacity", "16")]).await;
    assert!(saved.ends_with("done=station_use.resource_saved"));
    let Page { location: retired, .. } = manager.post(&format!("{desk}/resources/{room}/retire"), &[]).await;
    assert!(retired.ends_with("done=station_use.resource_retired"));
    let rooms = place.manager.get(&format!("/api/v1/stations/{station}/resources")).await.body["items"].clone();
    let rooms: Vec<(String, u64, bool)> =
        rooms.as_array().unwrap().iter().map(|r| (r["name"].as_str().unwrap().to_owned(), r["capacity"].as_u64().unwrap(), r["retired"].as_bool().unwrap())).collect();
    assert!(rooms.contains(&("职工活动室".to_owned(), 16, true)) && rooms.contains(&("会议室".to_owned(), 8, false)), "{rooms:?}");

    // Moderation at the desk is for admins of the organisation, with a reason.
    let Page { location: refused, .. } = manager.post(&format!("{desk}/reviews/{review}/hide"), &[("reason", "广告")]).await;
    assert!(refused.ends_with("&error=forbidden"), "{refused}");
    let admin = Browser::of(&place.admin).await;
    let Page { html, .. } = admin.get(&desk).await;
    assert!(html.contains(r#"data-testid="hide""#));
    let Page { location: no_reason, .. } = admin.post(&format!("{desk}/reviews/{review}/hide"), &[("reason", "")]).await;
    assert!(no_reason.ends_with("&error=reason_required"), "{no_reason}");
    let Page { location: hidden, .. } = admin.post(&format!("{desk}/reviews/{review}/hide"), &[("reason", "广告")]).await;
    assert!(hidden.starts_with(&desk) && hidden.ends_with("&done=station_use.hidden"), "{hidden}");
    let Page { html: public, .. } = Browser::of(&place.server.client()).await.get(&format!("/stations/{station}")).await;
    assert!(!public.contains("加微信领红包"), "gone from the public page");
    let Page { html: theirs, .. } = Browser::of(&worker).await.get(&format!("/stations/{station}")).await;
    assert!(theirs.contains(r#"data-testid="my-review-hidden""#) && theirs.contains("广告"), "the reviewer sees it was hidden, and why");
}

#[tokio::test]
async fn only_the_stations_staff_reach_its_desk() {
    let place = Place::new().await;
    let (_, worker) = place.worker(None).await;
    let desk = format!("/console/stations/{}/desk", place.station);
    let Page { status, .. } = Browser::of(&worker).await.get(&desk).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a worker");
    let Page { status, .. } = Browser::of(&place.server.client()).await.get(&desk).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a visitor is sent to sign in");

    // A station manager of another organisation: refused, and their forms change nothing.
    let (_, stranger) = place.server.user().phone("13800000299").role(Role::StationManager, place.other_province).signed_in().await;
    let stranger = Browser::of(&stranger).await;
    let Page { status, .. } = stranger.get(&desk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let head = place.audit_head().await;
    let Page { location: refused, .. } = stranger.post(&format!("{desk}/resources"), &[("name", "小屋"), ("capacity", "3")]).await;
    assert!(refused.ends_with("error=forbidden"), "{refused}");
    assert_eq!(place.audit_head().await, head);
    let Page { status, .. } = Browser::of(&place.manager).await.get("/console/stations/999999/desk").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_gives_changsha_and_yuzhong_stations_rooms_reviews_and_answered_feedback() {
    let server = TestServer::start().await;
    let summary = waystation::demo::load(&server.store).await.unwrap();
    assert_eq!((summary.using.rooms, summary.using.reviews, summary.using.feedback), (10, 10, 2));
    let anyone = server.client();
    let find = |q: &str| format!("/api/v1/stations?q={q}&status=open&limit=200");
    let jiefangbei = anyone.get(&find("解放碑户外劳动者服务站")).await.body["items"][0]["id"].as_i64().unwrap();
    let rooms = anyone.get(&format!("/api/v1/stations/{jiefangbei}/resources")).await;
    let names: Vec<&str> = rooms.body["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["职工活动室", "户外劳动者会议室"]);
    let reviews = anyone.get(&format!("/api/v1/stations/{jiefangbei}/reviews")).await;
    assert_eq!(reviews.body["summary"]["count"], 3);
    let answered = anyone.get(&format!("/api/v1/stations/{jiefangbei}/feedback/public")).await;
    assert!(answered.body["items"][0]["answer"].as_str().unwrap().contains("23:00"));

    // The Changsha rooms are managed by the demo station manager.
    let manager = server.sign_in("13800000005").await;
    let sites = anyone.get(&find("物流站点骑士驿站")).await.body["items"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let mut with_rooms = 0;
    for id in sites {
        if !anyone.get(&format!("/api/v1/stations/{id}/resources")).await.body["items"].as_array().unwrap().is_empty() {
            with_rooms += 1;
            let desk = manager.get(&format!("/console/stations/{id}/desk")).await;
            assert_eq!(desk.status, StatusCode::OK, "刘洋 opens the desk of station {id}");
        }
    }
    assert_eq!(with_rooms, 4);
}
