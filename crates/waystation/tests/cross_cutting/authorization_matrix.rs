//! Every API route × every role × inside/outside the caller's organisation
//! subtree. A new route must be added here: the test fails when the OpenAPI
//! document lists a route that the matrix does not.

use std::collections::BTreeSet;

use chrono::{TimeDelta, Utc};
use crate::common::builders::{OrgTree, StationBuilder};
use crate::common::{Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use waystation_domain::foundation::organisations::{OrgId, OrgKind};
use waystation_domain::foundation::people::{Role, UserId};

/// Who calls: nobody, or someone holding one role on province A.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Holder(Role),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    Inside,
    Outside,
}

/// Which callers a route lets through (inside their subtree; outside, only public routes).
#[derive(Debug, Clone, Copy)]
enum Allowed {
    Everyone,
    SignedIn,
    Roles(&'static [Role]),
    /// A case: these roles (at or above its union) pass; anyone else is told
    /// it does not exist (404), never that it is forbidden.
    Case(&'static [Role]),
}

const STAFF: &[Role] = &[Role::StationManager, Role::CaseHandler, Role::MeetingOrganiser, Role::OrgAdmin, Role::SystemAdmin];
const ADMINS: &[Role] = &[Role::OrgAdmin, Role::SystemAdmin];
const ACTING_ON_PEOPLE: &[Role] = &[Role::CaseHandler, Role::OrgAdmin, Role::SystemAdmin];
const STATION_STAFF: &[Role] = &[Role::StationManager, Role::OrgAdmin, Role::SystemAdmin];

struct World {
    server: TestServer,
    province_a: OrgId,
    province_b: OrgId,
    holders: Vec<(Role, UserId)>,
    counter: std::sync::atomic::AtomicU32,
}

impl World {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let tree = OrgTree::create(&server).await;
        let mut holders = Vec::new();
        for role in Role::ALL {
            holders.push((role, server.user().role(role, tree.province).create().await));
        }
        Self { server, province_a: tree.province, province_b: tree.other_province, holders, counter: Default::default() }
    }

    fn next(&self) -> u32 {
        self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    fn province(&self, scope: Scope) -> OrgId {
        match scope {
            Scope::Inside => self.province_a,
            Scope::Outside => self.province_b,
        }
    }

    /// A fresh city in the scope's province, so state-changing calls never collide.
    async fn city(&self, scope: Scope) -> OrgId {
        self.server.org(Some(self.province(scope)), OrgKind::City, &format!("市{}", self.next())).await.id
    }

    /// A fresh open station owned by a fresh city in the scope's province.
    async fn station(&self, scope: Scope) -> i64 {
        let city = self.city(scope).await;
        test_station(city).create(&self.server).await.id
    }

    /// A fresh bookable room at a fresh station in the scope.
    async fn resource(&self, scope: Scope) -> i64 {
        let station = self.station(scope).await;
        let input = waystation_domain::stations::reservation::ResourceInput::new("活动室", 10, None).unwrap();
        self.server.store.create_resource(None, station, input).await.unwrap().id
    }

    /// A fresh booking, requested by someone else, at a fresh station in the scope.
    async fn reservation(&self, scope: Scope) -> i64 {
        use waystation_domain::stations::reservation::Slot;
        let resource = self.resource(scope).await;
        let (booker, _) = self.grant_on(self.city(scope).await).await;
        let day = (Utc::now() + TimeDelta::hours(8)).date_naive() + TimeDelta::days(1);
        let now = (Utc::now() + TimeDelta::hours(8)).naive_utc();
        let slot = Slot::new(day.and_hms_opt(10, 0, 0).unwrap(), day.and_hms_opt(11, 0, 0).unwrap(), now).unwrap();
        let new = waystation_storage::NewReservation { resource_id: resource, slot, people: 2, note: String::new() };
        self.server.store.request_reservation(booker, new).await.unwrap().id
    }

    /// A fresh visible review by someone else at a fresh station in the scope.
    async fn review(&self, scope: Scope) -> i64 {
        let station = self.station(scope).await;
        let (reviewer, _) = self.grant_on(self.city(scope).await).await;
        let input = waystation_domain::stations::review::ReviewInput::new(4, "不错").unwrap();
        self.server.store.put_review(reviewer, station, input).await.unwrap().0.id
    }

    /// Fresh feedback by someone else at a fresh station in the scope.
    async fn feedback(&self, scope: Scope) -> i64 {
        let station = self.station(scope).await;
        let (sender, _) = self.grant_on(self.city(scope).await).await;
        self.server.store.create_feedback(sender, station, "热水器坏了".into()).await.unwrap().id
    }

    /// A fresh photo (a 64×64 PNG header) of a fresh station in the scope.
    async fn photo(&self, scope: Scope) -> (i64, i64) {
        let station = self.station(scope).await;
        let mut header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        header.extend_from_slice(&[0, 0, 0, 64, 0, 0, 0, 64, 8, 2, 0, 0, 0]);
        let upload = waystation_domain::stations::photo::PhotoUpload::new(header, "").unwrap();
        (station, self.server.store.add_station_photo(None, station, upload).await.unwrap().id)
    }

    /// A fresh appeal handled by a fresh city in the scope's province, filed by someone else.
    async fn appeal(&self, scope: Scope) -> waystation_storage::Appeal {
        use waystation_domain::appeals::{AppealType, Category, CategoryCode, RoutedBy, TimeLimits};
        let city = self.city(scope).await;
        let (filer, _) = self.grant_on(city).await;
        let input = waystation_storage::NewAppeal {
            appeal_type: AppealType::Help,
            category: CategoryCode::from(Category::Other),
            org_id: city,
            filed_by: Some(filer),
            contact_phone: waystation_domain::foundation::people::PhoneNumber::parse("13800138000").unwrap(),
            hide_identity: false,
            text: "需要帮助".into(),
            fields: json!({}),
            location: None,
            green_channel: false,
            routed_by: RoutedBy::WorkerOrganisation,
            open311_key: None,
        };
        let calendar = waystation_domain::kit::calendar::HolidayCalendar::official();
        self.server.store.file_appeal(Some(filer), input, Utc::now(), &TimeLimits::default(), calendar).await.unwrap()
    }

    async fn grant_on(&self, org: OrgId) -> (UserId, i64) {
        let user = self.server.user().role(Role::Worker, org).create().await;
        let grant = self.server.store.grants_of_user(user).await.unwrap()[0].id;
        (user, grant)
    }

    /// A client signed in as `who` through a session minted in the store.
    async fn client(&self, who: Who) -> Client {
        match who {
            Who::Holder(role) => self.server.signed_in_as(self.holders.iter().find(|(r, _)| *r == role).unwrap().1).await,
            Who::Anonymous => self.server.client(),
        }
    }
}

/// One route: its OpenAPI method and path, who may call it, and how to build a
/// call (fresh fixtures each time) for a scope.
struct Route {
    method: Method,
    template: &'static str,
    allowed: Allowed,
    /// Whether the organisation scope matters (else only "inside" is tried).
    scoped: bool,
}

async fn call(world: &World, route: &Route, scope: Scope) -> (Method, String, Option<Value>) {
    let m = route.method.clone();
    match (route.method.as_str(), route.template) {
        ("POST", "/api/v1/auth/code") => (m, route.template.into(), Some(json!({"phone": "1"}))),
        ("POST", "/api/v1/auth/sign-in/code") => (m, route.template.into(), Some(json!({"phone": "1", "code": "x"}))),
        ("POST", "/api/v1/auth/sign-in/password") => (m, route.template.into(), Some(json!({"phone": "1", "password": "x"}))),
        ("POST", "/api/v1/auth/sign-out") => (m, route.template.into(), None),
        ("GET", "/api/v1/me") | ("GET", "/api/v1/me/sessions") => (m, route.template.into(), None),
        ("POST", "/api/v1/me/name") => (m, route.template.into(), Some(json!({"name": "某人"}))),
        ("POST", "/api/v1/me/sessions/{id}/revoke") => (m, "/api/v1/me/sessions/999999/revoke".into(), None),
        ("GET", "/api/v1/orgs") => (m, format!("/api/v1/orgs?root={}", world.province(scope)), None),
        ("POST", "/api/v1/orgs") => {
            let city = world.city(scope).await;
            (m, route.template.into(), Some(json!({"parent_id": city, "kind": "district", "name": "新区"})))
        }
        ("GET", "/api/v1/orgs/{id}") => (m, format!("/api/v1/orgs/{}", world.city(scope).await), None),
        ("PATCH", "/api/v1/orgs/{id}") => (m, format!("/api/v1/orgs/{}", world.city(scope).await), Some(json!({"name": "改名"}))),
        ("POST", "/api/v1/orgs/{id}/move") => {
            let moving = world.city(scope).await;
            let district = world.server.org(Some(moving), OrgKind::District, "区").await.id;
            let other = world.city(scope).await;
            (m, format!("/api/v1/orgs/{district}/move"), Some(json!({"parent_id": other})))
        }
        ("POST", "/api/v1/orgs/{id}/deactivate") => (m, format!("/api/v1/orgs/{}/deactivate", world.city(scope).await), None),
        ("POST", "/api/v1/orgs/{id}/reactivate") => {
            let city = world.city(scope).await;
            world.server.store.set_org_active(None, city, false).await.unwrap();
            (m, format!("/api/v1/orgs/{city}/reactivate"), None)
        }
        ("GET", "/api/v1/orgs/{id}/audit") => (m, format!("/api/v1/orgs/{}/audit", world.province(scope)), None),
        ("GET", "/api/v1/orgs/{id}/grants") => (m, format!("/api/v1/orgs/{}/grants", world.province(scope)), None),
        ("POST", "/api/v1/orgs/{id}/grants") => {
            let phone = format!("1370000{:04}", world.next());
            (m, format!("/api/v1/orgs/{}/grants", world.city(scope).await), Some(json!({"phone": phone, "role": "worker"})))
        }
        ("POST", "/api/v1/grants/{id}/revoke") => {
            let (_, grant) = world.grant_on(world.city(scope).await).await;
            (m, format!("/api/v1/grants/{grant}/revoke"), None)
        }
        ("GET", "/api/v1/users/{id}/phone") => {
            let (user, _) = world.grant_on(world.city(scope).await).await;
            (m, format!("/api/v1/users/{user}/phone"), None)
        }
        ("GET", "/api/v1/orgs?include_inactive") => {
            (Method::GET, format!("/api/v1/orgs?root={}&include_inactive=true", world.province(scope)), None)
        }
        ("GET", "/api/v1/stations/nearest") => (m, "/api/v1/stations/nearest?lat=29.55&lng=106.57".into(), None),
        ("GET", "/api/v1/stations/box") => (m, "/api/v1/stations/box?south=29&west=106&north=30&east=107".into(), None),
        ("GET", "/api/v1/stations") => (m, format!("/api/v1/stations?org={}", world.province(scope)), None),
        ("GET", "/api/v1/stations?status=retired") => {
            (Method::GET, format!("/api/v1/stations?org={}&status=retired", world.province(scope)), None)
        }
        ("POST", "/api/v1/stations") => (m, route.template.into(), Some(test_station(world.city(scope).await).json())),
        ("GET", "/api/v1/stations/{id}") => (m, format!("/api/v1/stations/{}", world.station(scope).await), None),
        ("PUT", "/api/v1/stations/{id}") => {
            let id = world.station(scope).await;
            let org = world.server.store.get_station(id).await.unwrap().org_id;
            (m, format!("/api/v1/stations/{id}"), Some(test_station(org).json()))
        }
        ("POST", "/api/v1/stations/{id}/status") => {
            (m, format!("/api/v1/stations/{}/status", world.station(scope).await), Some(json!({"status": "suspended", "reason": "维修"})))
        }
        ("POST", "/api/v1/stations/{id}/status?retire") => (
            Method::POST,
            format!("/api/v1/stations/{}/status", world.station(scope).await),
            Some(json!({"status": "retired", "reason": "撤站"})),
        ),
        ("GET", "/api/v1/stations/{id}/history") => (m, format!("/api/v1/stations/{}/history", world.station(scope).await), None),
        ("GET", "/api/v1/holidays") => (m, route.template.into(), None),
        ("POST", "/api/v1/stations/import") => {
            let city = world.city(scope).await;
            let csv = format!("name,kind,org,address,lat,lng,opening_hours\n导入驿站,union_station,{city},某路 1 号,29.5,106.5,24/7\n");
            (m, "/api/v1/stations/import?format=csv".into(), Some(Value::String(csv)))
        }
        ("GET", "/api/v1/stations/coverage") => (m, format!("/api/v1/stations/coverage?org={}", world.province(scope)), None),
        ("GET", "/api/v1/stations/export") => (m, format!("/api/v1/stations/export?format=csv&org={}", world.province(scope)), None),
        ("POST", "/api/v1/holidays") => (
            m,
            route.template.into(),
            Some(json!({"year": 2027, "holidays": [{"name": "元旦", "en": "New Year's Day", "off": ["2027-01-01", "2027-01-01"]}], "work": []})),
        ),
        ("GET", "/api/v1/stations/{id}/resources") => (m, format!("/api/v1/stations/{}/resources", world.station(scope).await), None),
        ("POST", "/api/v1/stations/{id}/resources") => {
            (m, format!("/api/v1/stations/{}/resources", world.station(scope).await), Some(json!({"name": "会议室", "capacity": 12})))
        }
        ("PUT", "/api/v1/resources/{id}") => {
            (m, format!("/api/v1/resources/{}", world.resource(scope).await), Some(json!({"name": "大会议室", "capacity": 20})))
        }
        ("POST", "/api/v1/resources/{id}/retire") => (m, format!("/api/v1/resources/{}/retire", world.resource(scope).await), None),
        ("POST", "/api/v1/resources/{id}/reservations") => {
            let day = (Utc::now() + TimeDelta::hours(8)).date_naive() + TimeDelta::days(2);
            let body = json!({"start": format!("{day}T14:00"), "end": format!("{day}T15:00"), "people": 3, "note": "读书会"});
            (m, format!("/api/v1/resources/{}/reservations", world.resource(scope).await), Some(body))
        }
        ("GET", "/api/v1/me/reservations") | ("GET", "/api/v1/me/feedback") => (m, route.template.into(), None),
        ("GET", "/api/v1/stations/{id}/reservations") => {
            (m, format!("/api/v1/stations/{}/reservations", world.station(scope).await), None)
        }
        ("POST", "/api/v1/reservations/{id}/confirm") => (m, format!("/api/v1/reservations/{}/confirm", world.reservation(scope).await), None),
        ("POST", "/api/v1/reservations/{id}/decline") => {
            (m, format!("/api/v1/reservations/{}/decline", world.reservation(scope).await), Some(json!({"reason": "当天闭馆"})))
        }
        ("POST", "/api/v1/reservations/{id}/cancel") => {
            (m, format!("/api/v1/reservations/{}/cancel", world.reservation(scope).await), Some(json!({"reason": "场地维修"})))
        }
        ("GET", "/api/v1/stations/{id}/qr.svg") => (m, format!("/api/v1/stations/{}/qr.svg", world.station(scope).await), None),
        ("GET", "/api/v1/stations/{id}/qr.png") => (m, format!("/api/v1/stations/{}/qr.png", world.station(scope).await), None),
        ("GET", "/api/v1/stations/{id}/qr.pdf") => (m, format!("/api/v1/stations/{}/qr.pdf", world.station(scope).await), None),
        ("GET", "/api/v1/orgs/{id}/stations/qr.pdf") => {
            world.station(scope).await;
            (m, format!("/api/v1/orgs/{}/stations/qr.pdf", world.province(scope)), None)
        }
        ("POST", "/api/v1/stations/{id}/visits") => {
            let station = world.station(scope).await;
            let code = world.server.store.get_station(station).await.unwrap().code.as_str().to_owned();
            (m, format!("/api/v1/stations/{station}/visits"), Some(json!({"code": code})))
        }
        ("GET", "/api/v1/stations/{id}/stats") => (m, format!("/api/v1/stations/{}/stats", world.station(scope).await), None),
        ("GET", "/api/v1/stations/{id}/reviews") => (m, format!("/api/v1/stations/{}/reviews", world.station(scope).await), None),
        ("POST", "/api/v1/stations/{id}/reviews") => {
            (m, format!("/api/v1/stations/{}/reviews", world.station(scope).await), Some(json!({"stars": 5, "text": "很好"})))
        }
        ("POST", "/api/v1/reviews/{id}/hide") => {
            (m, format!("/api/v1/reviews/{}/hide", world.review(scope).await), Some(json!({"reason": "广告"})))
        }
        ("POST", "/api/v1/reviews/{id}/unhide") => {
            let review = world.review(scope).await;
            world.server.store.moderate_review(world.holders[0].1, review, true, Some("广告".into())).await.unwrap();
            (m, format!("/api/v1/reviews/{review}/unhide"), None)
        }
        ("GET", "/api/v1/stations/{id}/feedback") => (m, format!("/api/v1/stations/{}/feedback", world.station(scope).await), None),
        ("POST", "/api/v1/stations/{id}/feedback") => {
            (m, format!("/api/v1/stations/{}/feedback", world.station(scope).await), Some(json!({"text": "希望增加充电桩"})))
        }
        ("GET", "/api/v1/stations/{id}/feedback/public") => {
            (m, format!("/api/v1/stations/{}/feedback/public", world.station(scope).await), None)
        }
        ("POST", "/api/v1/feedback/{id}/answer") => {
            (m, format!("/api/v1/feedback/{}/answer", world.feedback(scope).await), Some(json!({"answer": "已安排维修"})))
        }
        // Station service indices.
        ("GET", "/api/v1/stations/{id}/indices") => (m, format!("/api/v1/stations/{}/indices", world.station(scope).await), None),
        ("GET", "/api/v1/orgs/{id}/station-indices") => (m, format!("/api/v1/orgs/{}/station-indices", world.province(scope)), None),
        // Station photos: the matrix sends JSON, which the staff's upload refuses as no image (415) after the check.
        ("GET", "/api/v1/stations/{id}/photos") => (m, format!("/api/v1/stations/{}/photos", world.station(scope).await), None),
        ("POST", "/api/v1/stations/{id}/photos") => {
            (m, format!("/api/v1/stations/{}/photos", world.station(scope).await), Some(json!({"not": "an image"})))
        }
        ("POST", "/api/v1/stations/{id}/photos/{photo_id}/remove") => {
            let (station, photo) = world.photo(scope).await;
            (m, format!("/api/v1/stations/{station}/photos/{photo}/remove"), None)
        }
        ("POST", "/api/v1/stations/{id}/photos/{photo_id}/caption") => {
            let (station, photo) = world.photo(scope).await;
            (m, format!("/api/v1/stations/{station}/photos/{photo}/caption"), Some(json!({"caption": "门口"})))
        }
        ("GET", "/api/v1/appeal-categories") | ("GET", "/api/v1/appeals/mine") | ("GET", "/api/v1/notifications") => {
            (m, route.template.into(), None)
        }
        ("POST", "/api/v1/appeals") => {
            (m, route.template.into(), Some(json!({"appeal_type": "help", "category": "other", "text": "电动车没电了"})))
        }
        ("POST", "/api/v1/notifications/read") => (m, route.template.into(), Some(json!({}))),
        ("GET", "/api/v1/appeals/{id}") => (m, format!("/api/v1/appeals/{}", world.appeal(scope).await.id), None),
        ("GET", "/api/v1/appeals/by-number/{case_number}") => {
            (m, format!("/api/v1/appeals/by-number/{}", world.appeal(scope).await.case_number.as_str()), None)
        }
        ("GET", "/api/v1/appeals/{id}/timeline") => (m, format!("/api/v1/appeals/{}/timeline", world.appeal(scope).await.id), None),
        ("GET", "/api/v1/appeals/{id}/contact") => (m, format!("/api/v1/appeals/{}/contact", world.appeal(scope).await.id), None),
        ("POST", "/api/v1/appeals/{id}/events") => {
            (m, format!("/api/v1/appeals/{}/events", world.appeal(scope).await.id), Some(json!({"event": "accept"})))
        }
        ("PUT", "/api/v1/appeal-categories/{code}") => {
            (m, "/api/v1/appeal-categories/delivery_safety".into(), Some(json!({"name_zh": "配送安全", "name_en": "Delivery safety"})))
        }
        ("POST", "/api/v1/open311/keys") => (m, route.template.into(), Some(json!({"label": "测试系统"}))),
        ("GET", "/api/v1/appeals/{id}/photos") => (m, format!("/api/v1/appeals/{}/photos", world.appeal(scope).await.id), None),
        ("POST", "/api/v1/appeals/{id}/photos") => (m, format!("/api/v1/appeals/{}/photos", world.appeal(scope).await.id), Some(json!({}))),
        ("GET", "/api/v1/orgs/{id}/appeal-templates") => (m, format!("/api/v1/orgs/{}/appeal-templates", world.province(scope)), None),
        ("POST", "/api/v1/orgs/{id}/appeal-templates") => {
            (m, format!("/api/v1/orgs/{}/appeal-templates", world.city(scope).await), Some(json!({"title": "已办结", "body": "您反映的问题已解决。"})))
        }
        ("POST", "/api/v1/appeal-templates/{id}/retire") => {
            let city = world.city(scope).await;
            let template = world.server.store.create_reply_template(None, city, "模板", "内容", Utc::now()).await.unwrap();
            (m, format!("/api/v1/appeal-templates/{}/retire", template.id), None)
        }
        ("GET", "/api/v1/orgs/{id}/appeals/dashboard") => (m, format!("/api/v1/orgs/{}/appeals/dashboard", world.province(scope)), None),
        ("GET", "/api/v1/orgs/{id}/appeals/export.csv") => (m, format!("/api/v1/orgs/{}/appeals/export.csv", world.province(scope)), None),
        ("GET", "/api/v1/orgs/{id}/appeals/export.xlsx") => (m, format!("/api/v1/orgs/{}/appeals/export.xlsx", world.province(scope)), None),
        ("GET", "/api/v1/orgs/{id}/appeals") => (m, format!("/api/v1/orgs/{}/appeals", world.province(scope)), None),
        other => panic!("the matrix has no call for {other:?}"),
    }
}

/// The station the matrix makes, and sends as a form.
fn test_station(org: OrgId) -> StationBuilder {
    StationBuilder::new("测试驿站", org).amenity("phone_charging")
}

fn routes() -> Vec<Route> {
    use Allowed::*;
    let r = |method: Method, template: &'static str, allowed: Allowed, scoped: bool| Route { method, template, allowed, scoped };
    vec![
        r(Method::POST, "/api/v1/auth/code", Everyone, false),
        r(Method::POST, "/api/v1/auth/sign-in/code", Everyone, false),
        r(Method::POST, "/api/v1/auth/sign-in/password", Everyone, false),
        r(Method::POST, "/api/v1/auth/sign-out", SignedIn, false),
        r(Method::GET, "/api/v1/me", SignedIn, false),
        r(Method::POST, "/api/v1/me/name", SignedIn, false),
        r(Method::GET, "/api/v1/me/sessions", SignedIn, false),
        r(Method::POST, "/api/v1/me/sessions/{id}/revoke", SignedIn, false),
        r(Method::GET, "/api/v1/orgs", Everyone, true),
        r(Method::GET, "/api/v1/orgs?include_inactive", Roles(STAFF), true),
        r(Method::POST, "/api/v1/orgs", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/orgs/{id}", Everyone, true),
        r(Method::PATCH, "/api/v1/orgs/{id}", Roles(ADMINS), true),
        r(Method::POST, "/api/v1/orgs/{id}/move", Roles(ADMINS), true),
        r(Method::POST, "/api/v1/orgs/{id}/deactivate", Roles(ADMINS), true),
        r(Method::POST, "/api/v1/orgs/{id}/reactivate", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/orgs/{id}/audit", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/orgs/{id}/grants", Roles(STAFF), true),
        r(Method::POST, "/api/v1/orgs/{id}/grants", Roles(ADMINS), true),
        r(Method::POST, "/api/v1/grants/{id}/revoke", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/users/{id}/phone", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/stations/nearest", Everyone, false),
        r(Method::GET, "/api/v1/stations/box", Everyone, false),
        r(Method::GET, "/api/v1/stations", Everyone, true),
        r(Method::GET, "/api/v1/stations?status=retired", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/stations/{id}", Everyone, true),
        r(Method::PUT, "/api/v1/stations/{id}", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/status", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/status?retire", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/stations/{id}/history", Roles(STATION_STAFF), true),
        r(Method::GET, "/api/v1/holidays", Everyone, false),
        r(Method::POST, "/api/v1/stations/import", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/stations/export", Everyone, true),
        r(Method::GET, "/api/v1/stations/coverage", Roles(STATION_STAFF), true),
        // The national calendar is the national system admin's: a system admin of a province may not change it.
        r(Method::POST, "/api/v1/holidays", Roles(&[]), false),
        // Using a station: anyone signed in books, checks in, reviews and sends feedback;
        // its staff manage rooms, bookings and feedback; admins moderate reviews.
        r(Method::GET, "/api/v1/stations/{id}/resources", Everyone, true),
        r(Method::POST, "/api/v1/stations/{id}/resources", Roles(STATION_STAFF), true),
        r(Method::PUT, "/api/v1/resources/{id}", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/resources/{id}/retire", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/resources/{id}/reservations", SignedIn, false),
        r(Method::GET, "/api/v1/me/reservations", SignedIn, false),
        r(Method::GET, "/api/v1/stations/{id}/reservations", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/reservations/{id}/confirm", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/reservations/{id}/decline", Roles(STATION_STAFF), true),
        // Someone else's booking: only staff may cancel it (its booker is tested in stations/using.rs).
        r(Method::POST, "/api/v1/reservations/{id}/cancel", Roles(STATION_STAFF), true),
        r(Method::GET, "/api/v1/stations/{id}/qr.svg", Everyone, true),
        // Printable QR codes: anyone prints a listed station's; an organisation's sheets are for its station staff.
        r(Method::GET, "/api/v1/stations/{id}/qr.png", Everyone, true),
        r(Method::GET, "/api/v1/stations/{id}/qr.pdf", Everyone, true),
        r(Method::GET, "/api/v1/orgs/{id}/stations/qr.pdf", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/visits", SignedIn, false),
        r(Method::GET, "/api/v1/stations/{id}/stats", Everyone, true),
        r(Method::GET, "/api/v1/stations/{id}/reviews", Everyone, true),
        r(Method::POST, "/api/v1/stations/{id}/reviews", SignedIn, false),
        r(Method::POST, "/api/v1/reviews/{id}/hide", Roles(ADMINS), true),
        r(Method::POST, "/api/v1/reviews/{id}/unhide", Roles(ADMINS), true),
        r(Method::GET, "/api/v1/stations/{id}/feedback", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/feedback", SignedIn, false),
        r(Method::GET, "/api/v1/stations/{id}/feedback/public", Everyone, true),
        r(Method::POST, "/api/v1/feedback/{id}/answer", Roles(STATION_STAFF), true),
        r(Method::GET, "/api/v1/me/feedback", SignedIn, false),
        // Station service indices: a station's are public, an organisation's are for staff of its subtree.
        r(Method::GET, "/api/v1/stations/{id}/indices", Everyone, true),
        r(Method::GET, "/api/v1/orgs/{id}/station-indices", Roles(STAFF), true),
        // Station photos: everyone lists a listed station's; its staff upload, remove and caption them.
        r(Method::GET, "/api/v1/stations/{id}/photos", Everyone, true),
        r(Method::POST, "/api/v1/stations/{id}/photos", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/photos/{photo_id}/remove", Roles(STATION_STAFF), true),
        r(Method::POST, "/api/v1/stations/{id}/photos/{photo_id}/caption", Roles(STATION_STAFF), true),
        // Appeals: anyone signed in files and reads their own; a case is for its handlers and
        // the levels above (the matrix's callers hold their role on the province, above the case).
        r(Method::GET, "/api/v1/appeal-categories", Everyone, false),
        r(Method::POST, "/api/v1/appeals", SignedIn, false),
        r(Method::GET, "/api/v1/appeals/mine", SignedIn, false),
        r(Method::GET, "/api/v1/appeals/{id}", Case(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/appeals/by-number/{case_number}", Case(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/appeals/{id}/timeline", Case(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/appeals/{id}/contact", Case(ACTING_ON_PEOPLE), true),
        r(Method::POST, "/api/v1/appeals/{id}/events", Case(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/orgs/{id}/appeals", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/appeals/{id}/photos", Case(ACTING_ON_PEOPLE), true),
        // Only the filing worker adds photos (tested in appeals/photos.rs): staff may see the case but are refused.
        r(Method::POST, "/api/v1/appeals/{id}/photos", Case(&[]), true),
        r(Method::GET, "/api/v1/orgs/{id}/appeals/dashboard", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/orgs/{id}/appeal-templates", Roles(ACTING_ON_PEOPLE), true),
        r(Method::POST, "/api/v1/orgs/{id}/appeal-templates", Roles(ACTING_ON_PEOPLE), true),
        r(Method::POST, "/api/v1/appeal-templates/{id}/retire", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/orgs/{id}/appeals/export.csv", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/orgs/{id}/appeals/export.xlsx", Roles(ACTING_ON_PEOPLE), true),
        r(Method::GET, "/api/v1/notifications", SignedIn, false),
        r(Method::POST, "/api/v1/notifications/read", SignedIn, false),
        // Open311 keys are the whole tree's system admin's (the matrix's is a province's).
        r(Method::POST, "/api/v1/open311/keys", Roles(&[]), false),
        // Categories are the whole tree's system admin's (the matrix's is a province's).
        r(Method::PUT, "/api/v1/appeal-categories/{code}", Roles(&[]), false),
    ]
}

fn expected_to_pass(allowed: Allowed, who: Who, scope: Scope) -> bool {
    match (allowed, who) {
        (Allowed::Everyone, _) => true,
        (Allowed::SignedIn, Who::Holder(_)) => true,
        (Allowed::Roles(roles) | Allowed::Case(roles), Who::Holder(role)) => scope == Scope::Inside && roles.contains(&role),
        (_, Who::Anonymous) => false,
    }
}

#[tokio::test]
async fn every_route_checks_role_and_subtree() {
    let world = World::new().await;
    let mut callers = vec![Who::Anonymous];
    callers.extend(Role::ALL.into_iter().map(Who::Holder));
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in routes() {
        let scopes: &[Scope] = if route.scoped { &[Scope::Inside, Scope::Outside] } else { &[Scope::Inside] };
        for &scope in scopes {
            for &who in &callers {
                let (method, path, body) = call(&world, &route, scope).await;
                let client = world.client(who).await;
                let answer = client.send(method.clone(), &path, body, &[]).await;
                let case = matches!(route.allowed, Allowed::Case(_));
                let passed = !matches!(answer.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    && !(case && answer.status == StatusCode::NOT_FOUND);
                let expected = expected_to_pass(route.allowed, who, scope);
                let refusal_is_right = match who {
                    Who::Anonymous => answer.status == StatusCode::UNAUTHORIZED || answer.status == StatusCode::NOT_FOUND,
                    // Strangers are told the case does not exist; staff who see it but may not do this, that it is forbidden.
                    Who::Holder(_) if case => matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                    Who::Holder(_) => answer.status == StatusCode::FORBIDDEN,
                };
                if passed != expected || (!expected && !refusal_is_right) || answer.status.is_server_error() {
                    failures.push(format!("{method} {path} as {who:?} {scope:?}: {} {}", answer.status, answer.text));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} combinations wrong:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn the_matrix_covers_every_route_in_the_api_description() {
    let server = TestServer::start().await;
    let openapi = server.client().get("/api/v1/openapi.json").await.body;
    let mut described = BTreeSet::new();
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            described.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let covered: BTreeSet<String> = routes()
        .iter()
        .filter(|r| !r.template.contains('?'))
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    let missing: Vec<_> = described.difference(&covered).collect();
    assert!(missing.is_empty(), "routes without a row in the authorization matrix: {missing:?}");
    let stale: Vec<_> = covered.difference(&described).collect();
    assert!(stale.is_empty(), "matrix rows for routes that no longer exist: {stale:?}");
}

#[tokio::test]
async fn console_pages_are_for_staff_of_the_subtree() {
    let world = World::new().await;
    for role in Role::ALL {
        let client = world.client(Who::Holder(role)).await;
        let inside = client.get(&format!("/console/orgs/{}", world.province_a)).await;
        let outside = client.get(&format!("/console/orgs/{}", world.province_b)).await;
        let console = client.get("/console").await;
        let staff = STAFF.contains(&role);
        assert_eq!(inside.status == StatusCode::OK, staff, "{role:?} inside");
        assert_eq!(console.status == StatusCode::OK, staff, "{role:?} console");
        assert_eq!(outside.status, StatusCode::FORBIDDEN, "{role:?} outside");
        if staff {
            assert!(console.text.contains("甲省") && !console.text.contains("乙省"), "{role:?} sees only their subtree");
        }
    }
    let anonymous = world.client(Who::Anonymous).await.get("/console").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
