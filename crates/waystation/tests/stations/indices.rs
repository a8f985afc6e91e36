//! Service indices on the real server and database: counters kept by each
//! event equal those rebuilt from the event tables, the station and
//! organisation answers, the console page, and `waystation stations reindex`.
//! SQLite always; PostgreSQL with `WAYSTATION_TEST_DATABASE_URL`.

use chrono::{NaiveDate, TimeDelta, Utc};
use crate::common::builders::{OrgTree, StationBuilder};
use crate::common::{waystation, Client, TestServer};
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::{OrgId, OrgKind};
use waystation_domain::foundation::people::{Role, UserId};
use waystation_domain::stations::indices::Counters;
use waystation_domain::stations::reservation::{Decider, ReservationChange, ReservationStatus, ResourceInput, Slot};
use waystation_domain::stations::review::ReviewInput;
use waystation_storage::{CounterScope, Store};

struct Place {
    server: TestServer,
    province: OrgId,
    /// 甲市 and 乙市, both of the province.
    cities: [OrgId; 2],
}

impl Place {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let tree = OrgTree::create(&server).await;
        let second_city = server.org(Some(tree.province), OrgKind::City, "乙市").await.id;
        Self { server, province: tree.province, cities: [tree.city, second_city] }
    }

    fn store(&self) -> &std::sync::Arc<dyn Store> {
        &self.server.store
    }

    async fn station(&self, org: OrgId, name: &str) -> (i64, String) {
        let station = StationBuilder::new(name, org).hours("24/7").create(&self.server).await;
        (station.id, station.code.as_str().to_owned())
    }

    async fn worker(&self) -> UserId {
        self.server.user().create().await
    }

    async fn staff(&self, role: Role, org: OrgId) -> (UserId, Client) {
        self.server.user().role(role, org).signed_in().await
    }

    async fn session(&self, user: UserId) -> Client {
        self.server.signed_in_as(user).await
    }

    /// Every station's counters over all time, and its daily rows.
    async fn all_counters(&self) -> Vec<(i64, Counters, Vec<(NaiveDate, Counters)>)> {
        let (from, to) = (NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(), today() + TimeDelta::days(1));
        let path = self.store().get_org(self.province).await.unwrap().path;
        let mut all = Vec::new();
        for row in self.store().station_counters(&CounterScope::Subtree(path), from, to, to).await.unwrap() {
            let daily = self.store().station_daily_counters(row.station_id, from, to).await.unwrap();
            assert_eq!(daily.iter().map(|(_, c)| *c).sum::<Counters>(), row.window, "the rows add up to the sum");
            all.push((row.station_id, row.window, daily));
        }
        all
    }
}

fn today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive()
}

fn china_now() -> chrono::NaiveDateTime {
    (Utc::now() + TimeDelta::hours(8)).naive_utc()
}

#[tokio::test]
async fn counters_kept_by_each_event_equal_those_rebuilt_from_the_events() {
    let place = Place::new().await;
    let store = place.store().clone();
    let stations = [
        place.station(place.cities[0], "一号驿站").await.0,
        place.station(place.cities[0], "二号驿站").await.0,
        place.station(place.cities[1], "三号驿站").await.0,
    ];
    let mut rooms = Vec::new();
    for station in stations {
        rooms.push(store.create_resource(None, station, ResourceInput::new("活动室", 20, None).unwrap()).await.unwrap().id);
    }
    let mut workers = Vec::new();
    for _ in 0..6 {
        workers.push(place.worker().await);
    }
    let (manager, _) = place.staff(Role::OrgAdmin, place.province).await;

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261125);
    let (mut bookings, mut reviews, mut feedback) = (Vec::new(), Vec::new(), Vec::new());
    let mut next_slot = 0i64;
    for _ in 0..160 {
        let station_index = rng.gen_range(0..stations.len());
        let station = stations[station_index];
        let worker = workers[rng.gen_range(0..workers.len())];
        match rng.gen_range(0..8) {
            // Visits over the last 40 days, some in the same hour (counted once).
            0 | 1 => {
                let at = Utc::now() - TimeDelta::minutes(rng.gen_range(0..40 * 24 * 60));
                store.record_visit(worker, station, at).await.unwrap();
            }
            2 => {
                next_slot += 1;
                let day = today() + TimeDelta::days(1 + next_slot / 10);
                let start = day.and_hms_opt(8, 0, 0).unwrap() + TimeDelta::hours(next_slot % 10);
                let slot = Slot::new(start, start + TimeDelta::hours(1), china_now()).unwrap();
                let new = waystation_storage::NewReservation { resource_id: rooms[station_index], slot, people: 2, note: String::new() };
                bookings.push((store.request_reservation(worker, new).await.unwrap().id, worker));
            }
            3 if !bookings.is_empty() => {
                let (id, booker) = bookings[rng.gen_range(0..bookings.len())];
                let (to, by, reason) = match rng.gen_range(0..3) {
                    0 => (ReservationStatus::Confirmed, Decider::Staff, None),
                    1 => (ReservationStatus::Declined, Decider::Staff, Some("当天闭馆")),
                    _ => (ReservationStatus::Cancelled, Decider::Booker, None),
                };
                let actor = if by == Decider::Booker { booker } else { manager };
                // Moves a finished booking refuses are part of the sequence too.
                let _ = store.change_reservation(actor, id, ReservationChange::new(to, by, reason).unwrap()).await;
            }
            4 | 5 => {
                let stars = rng.gen_range(1..=5);
                let (review, _) = store.put_review(worker, station, ReviewInput::new(stars, "评价").unwrap()).await.unwrap();
                reviews.push(review.id);
            }
            6 if !reviews.is_empty() => {
                let id = reviews[rng.gen_range(0..reviews.len())];
                let hidden = store.get_review(id).await.unwrap().hidden;
                let reason = (!hidden).then(|| "广告".to_owned());
                store.moderate_review(manager, id, !hidden, reason).await.unwrap();
            }
            _ => {
                if feedback.is_empty() || rng.gen_bool(0.5) {
                    feedback.push(store.create_feedback(worker, station, "热水器坏了".into()).await.unwrap().id);
                } else {
                    // Answered, or an answer edited: only the first counts.
                    let id = feedback[rng.gen_range(0..feedback.len())];
                    store.answer_feedback(manager, id, "已安排维修".into()).await.unwrap();
                }
            }
        }
    }

    let incremental = place.all_counters().await;
    let total: Counters = incremental.iter().map(|(_, c, _)| *c).sum();
    assert!(total.visits > 10 && total.reviews > 5 && total.feedback_answered > 0 && total.reservations_confirmed > 0, "{total:?}");
    let outcome = store.rebuild_station_indices(None).await.unwrap();
    assert_eq!(outcome.stations, 3);
    assert_eq!(outcome.rows as usize, incremental.iter().map(|(_, _, d)| d.len()).sum::<usize>());
    assert_eq!(place.all_counters().await, incremental, "a rebuild finds what the events counted");
}

#[tokio::test]
async fn a_station_s_indices_follow_its_events() {
    let place = Place::new().await;
    let (station, code) = place.station(place.cities[0], "解放碑驿站").await;
    let (_, manager) = place.staff(Role::StationManager, place.cities[0]).await;
    let worker_id = place.worker().await;
    let worker = place.session(worker_id).await;
    let anonymous = place.server.client();

    let before = anonymous.get(&format!("/api/v1/stations/{station}/indices")).await;
    assert_eq!(before.status, StatusCode::OK, "{before:?}");
    assert_eq!(before.body["formula_version"], "indices-2026.1");
    assert_eq!(before.body["window"]["days"], 30);
    assert_eq!(before.body["indices"]["activity"]["score"], 0.0);
    assert!(before.body["indices"]["praise"]["score"].is_null(), "no reviews, no praise rate");
    assert_eq!(before.body["indices"]["service_index"], 0.0);

    let visit = worker.post(&format!("/api/v1/stations/{station}/visits"), json!({"code": code})).await;
    assert_eq!(visit.status, StatusCode::CREATED, "{visit:?}");
    let again = worker.post(&format!("/api/v1/stations/{station}/visits"), json!({"code": code})).await;
    assert_eq!(again.status, StatusCode::OK, "the same hour counts once");
    let review = worker.post(&format!("/api/v1/stations/{station}/reviews"), json!({"stars": 5, "text": "很好"})).await;
    assert_eq!(review.status, StatusCode::CREATED);
    let sent = worker.post(&format!("/api/v1/stations/{station}/feedback"), json!({"text": "希望增加充电桩"})).await;
    let pending = anonymous.get(&format!("/api/v1/stations/{station}/indices?days=7")).await;
    assert_eq!(pending.body["indices"]["feedback_handling"]["received"], 1);
    assert_eq!(pending.body["indices"]["feedback_handling"]["due"], 0, "within its 3 working days it is not yet due");
    let answered = manager.post(&format!("/api/v1/feedback/{}/answer", sent.body["id"]), json!({"answer": "下月安装"})).await;
    assert_eq!(answered.status, StatusCode::OK);

    let after = anonymous.get(&format!("/api/v1/stations/{station}/indices?days=7")).await;
    let i = &after.body["indices"];
    assert_eq!(i["activity"]["visits"], 1);
    assert_eq!(i["activity"]["per_station_day"], 0.1, "1 person-time over 7 days");
    assert_eq!(i["activity"]["score"], 1.2, "100 × (1/7) / (1/7 + 12)");
    assert_eq!(i["praise"]["raw_rate"], 100.0);
    assert_eq!(i["praise"]["score"], 60.0, "(1 + 2) / (1 + 4): one review is not proof");
    assert_eq!(i["feedback_handling"]["score"], 100.0);
    assert_eq!(i["feedback_time"]["on_time"], 1);
    // (0.30 × 1.2 + 0.30 × 60 + 0.25 × 100 + 0.15 × 100) / 1.
    assert_eq!(i["service_index"], 58.4);
    assert_eq!(after.body["daily"][0]["day"], today().to_string());

    // Hiding the review takes it out; showing it again puts it back.
    let admin = place.staff(Role::OrgAdmin, place.province).await.1;
    let hidden = admin.post(&format!("/api/v1/reviews/{}/hide", review.body["id"]), json!({"reason": "广告"})).await;
    assert_eq!(hidden.status, StatusCode::OK);
    let without = anonymous.get(&format!("/api/v1/stations/{station}/indices?days=7")).await;
    assert!(without.body["indices"]["praise"]["score"].is_null());

    for bad in ["0", "366", "x"] {
        let refused = anonymous.get(&format!("/api/v1/stations/{station}/indices?days={bad}")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "days={bad}: {refused:?}");
        assert!(!refused.body["message"].as_str().unwrap_or("").is_empty());
    }
    assert_eq!(anonymous.get("/api/v1/stations/999999/indices").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_organisation_sees_its_children_and_its_stations_ranked() {
    let place = Place::new().await;
    let (busy, busy_code) = place.station(place.cities[0], "繁忙驿站").await;
    let (quiet, _) = place.station(place.cities[1], "冷清驿站").await;
    let (own, _) = place.station(place.province, "省直驿站").await;
    for _ in 0..5 {
        let worker = place.session(place.worker().await).await;
        let visit = worker.post(&format!("/api/v1/stations/{busy}/visits"), json!({"code": busy_code})).await;
        assert_eq!(visit.status, StatusCode::CREATED);
    }
    let (_, admin) = place.staff(Role::OrgAdmin, place.province).await;

    let answer = admin.get(&format!("/api/v1/orgs/{}/station-indices?days=30", place.province)).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let body = &answer.body;
    assert_eq!(body["formula_version"], "indices-2026.1");
    assert_eq!(body["organisation"]["stations"], 3);
    assert_eq!(body["organisation"]["indices"]["activity"]["visits"], 5);
    assert_eq!(body["organisation"]["indices"]["activity"]["per_station_day"], 0.1, "5 / (3 stations × 30 days)");
    let children = body["children"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!((children[0]["name"].as_str(), children[0]["indices"]["activity"]["visits"].as_i64()), (Some("甲市"), Some(5)));
    assert_eq!((children[1]["name"].as_str(), children[1]["stations"].as_i64()), (Some("乙市"), Some(1)));
    assert_eq!(body["own_stations"]["stations"], 1, "the province's own station");
    let ranked: Vec<i64> = body["ranking"]["items"].as_array().unwrap().iter().map(|s| s["station_id"].as_i64().unwrap()).collect();
    assert_eq!(ranked, vec![busy, quiet, own], "best first; ties by id");
    assert_eq!(body["ranking"]["items"][0]["rank"], 1);

    let worst = admin.get(&format!("/api/v1/orgs/{}/station-indices?order=worst&limit=2", place.province)).await;
    let first_page: Vec<i64> = worst.body["ranking"]["items"].as_array().unwrap().iter().map(|s| s["station_id"].as_i64().unwrap()).collect();
    assert_eq!(first_page, vec![quiet, own]);
    let cursor = worst.body["ranking"]["next_cursor"].as_str().expect("a next page").to_owned();
    let rest = admin.get(&format!("/api/v1/orgs/{}/station-indices?order=worst&limit=2&cursor={cursor}", place.province)).await;
    assert_eq!(rest.body["ranking"]["items"][0]["station_id"], busy);
    assert_eq!(rest.body["ranking"]["items"][0]["rank"], 3);
    assert!(rest.body["ranking"]["next_cursor"].is_null());

    let refused = admin.get(&format!("/api/v1/orgs/{}/station-indices?order=sideways&days=0", place.province)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["fields"]["order"].is_string() && refused.body["fields"]["days"].is_string(), "{refused:?}");

    // A city's staff see their city only.
    let (_, city_manager) = place.staff(Role::StationManager, place.cities[1]).await;
    assert_eq!(city_manager.get(&format!("/api/v1/orgs/{}/station-indices", place.province)).await.status, StatusCode::FORBIDDEN);
    let city = city_manager.get(&format!("/api/v1/orgs/{}/station-indices", place.cities[1])).await;
    assert_eq!(city.body["organisation"]["stations"], 1);

    // The console page: the same figures as plain HTML, linked from the organisation's page.
    let org_page = admin.get(&format!("/console/orgs/{}", place.province)).await;
    assert!(org_page.text.contains(&format!("/console/orgs/{}/indices", place.province)), "linked");
    let page = admin.get(&format!("/console/orgs/{}/indices?days=7&order=best", place.province)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["服务指数", "繁忙驿站", "冷清驿站", "甲市", "乙市", "indices-2026.1"] {
        assert!(page.text.contains(text), "{text} on the page");
    }
    assert!(page.text.find("繁忙驿站").unwrap() < page.text.find("冷清驿站").unwrap(), "best first");
    assert_eq!(city_manager.get(&format!("/console/orgs/{}/indices", place.province)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reindex_from_the_shell_restores_counters_lost_in_an_import() {
    let place = Place::new().await;
    let (station, _) = place.station(place.cities[0], "一号驿站").await;
    let worker = place.worker().await;
    place.store().record_visit(worker, station, Utc::now() - TimeDelta::days(3)).await.unwrap();
    place.store().put_review(worker, station, ReviewInput::new(4, "").unwrap()).await.unwrap();
    let kept = place.all_counters().await;
    // As after restoring the event tables from elsewhere: the counters are gone.
    place.server.sql("DELETE FROM station_daily_counters").await;
    assert_eq!(place.all_counters().await[0].1, Counters::default());

    let output = waystation(&place.server.db.url, &["stations", "reindex"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 stations, 2 daily rows"));
    assert_eq!(place.all_counters().await, kept);
    let head = place.store().audit_rows(0, 10_000).await.unwrap();
    assert_eq!(head.last().unwrap().entry.action, "stations.reindex", "audited");
}
