//! The demo data set: the seed documents' figures, loaded the same every time.
//!
//! Runs on SQLite, and on PostgreSQL when `WAYSTATION_TEST_DATABASE_URL` is set.
//! The regional set (8,930 stations) is loaded twice in this file, in one test.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::common::empty_store;
use waystation::demo::{self, figures};
use waystation_domain::foundation::organisations::{DivisionCode, OrgId};
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::foundation::people::PhoneNumber;
use waystation_domain::stations::{Amenity, StationKind, StationStatus};
use waystation_storage::{Org, Station, StationListFilter, Store};

/// Every station the filter selects, page by page through the cursors.
async fn stations(store: &Arc<dyn Store>, filter: &StationListFilter) -> Vec<Station> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::parse(cursor.as_deref(), Some(200)).unwrap();
        let page = store.list_stations(filter, page).await.unwrap();
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

async fn org(store: &Arc<dyn Store>, code: &str) -> Org {
    store.org_by_division_code(&DivisionCode::parse(code).unwrap()).await.unwrap().unwrap_or_else(|| panic!("no organisation {code}"))
}

async fn within(store: &Arc<dyn Store>, code: &str) -> Vec<Station> {
    let filter = StationListFilter { within: Some(org(store, code).await.id), ..Default::default() };
    stations(store, &filter).await
}

/// Every organisation of the tree, by id.
async fn all_orgs(store: &Arc<dyn Store>) -> BTreeMap<OrgId, Org> {
    let root = store.list_roots().await.unwrap()[0].id;
    let mut orgs = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store.list_subtree(root, true, PageRequest::parse(cursor.as_deref(), Some(200)).unwrap()).await.unwrap();
        orgs.extend(page.items.into_iter().map(|o| (o.id, o)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return orgs,
        }
    }
}

/// What makes a station the same station in another database (not its timestamps).
fn fingerprint(s: &Station) -> String {
    format!(
        "{} {} {} {} {:.6},{:.6} {} {} {} {:?} {:?} {:?} {} {:?} {} {:?} {:?} {}",
        s.id,
        s.code,
        s.name,
        s.kind,
        s.location.lat(),
        s.location.lng(),
        s.address,
        s.hours.as_str(),
        s.follows_working_calendar,
        serde_json::to_string(&s.amenities).unwrap(),
        s.manager_name,
        s.manager_phone.as_ref().map(PhoneNumber::as_str),
        s.rules,
        s.six_haves,
        s.status,
        s.external_id,
        s.partner_org_ids,
        s.org_name,
    )
}

fn count(stations: &[Station], amenity: Amenity) -> u32 {
    stations.iter().map(|s| s.amenities.count(amenity)).sum()
}

fn with(stations: &[Station], amenity: Amenity) -> usize {
    stations.iter().filter(|s| s.amenities.contains(amenity)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_regional_set_reproduces_the_seed_figures_and_loads_the_same_twice() {
    let ((db_a, a), (db_b, b)) = tokio::join!(empty_store(), empty_store());
    let (loaded_a, loaded_b) = tokio::join!(demo::load(&a), demo::load(&b));
    let (summary, _) = (loaded_a.expect("load the demo set"), loaded_b.expect("load the demo set again"));
    assert_eq!(summary.organisations, demo::organisation_count());
    assert_eq!(summary.accounts.len(), 7);
    let described = demo::describe(&summary, "http://localhost");
    assert!(described.contains("5606  重庆市") && described.contains("2600  福建省"), "{described}");

    let everything = StationListFilter::default();
    let (all_a, all_b) = tokio::join!(stations(&a, &everything), stations(&b, &everything));
    assert_eq!(all_a.len(), 8_930);
    assert_eq!(summary.stations.iter().map(|r| r.stations).sum::<usize>(), all_a.len());
    // Deterministic: the same codes, names, points, hours, amenities and statuses in both databases.
    for (x, y) in all_a.iter().zip(&all_b) {
        assert_eq!(fingerprint(x), fingerprint(y));
    }
    assert_eq!(all_a.len(), all_b.len());

    seed_counts(&a).await;
    chongqing_parking(&a).await;
    codes_follow_the_owning_area(&a, &all_a).await;
    life_and_location_histories(&a, &all_a).await;
    demo_appeals(&a, &summary).await;
    drop((db_a, db_b));
}

/// The regional appeals: Dehua's joint wage case rated, a review under way,
/// an overdue one that the clock escalates.
async fn demo_appeals(store: &Arc<dyn Store>, summary: &demo::DemoSummary) {
    use waystation_domain::appeals::{Catalogue, Partner, Stage};
    use waystation_storage::AppealFilter;
    assert_eq!(summary.appeals.cases, 6);
    let national = store.list_roots().await.unwrap()[0].id;
    let all = store.appeals_in_subtree(national, &AppealFilter::default(), waystation_domain::kit::pagination::PageRequest::FIRST).await.unwrap();
    assert_eq!(all.items.len(), 6);
    let dehua = all.items.iter().find(|a| a.case_number.as_str().starts_with("SQ-350526-")).expect("the Dehua case");
    assert_eq!((dehua.state.stage, dehua.state.rating), (Stage::Rated, Some(5)));
    assert_eq!(dehua.state.partners, vec![Partner::LabourInspectorate]);
    assert!(all.items.iter().any(|a| a.state.stage == Stage::UnderReview), "a review under way");
    let report = store
        .sweep_appeal_deadlines(chrono::Utc::now(), &Catalogue::builtin(), waystation_domain::kit::calendar::HolidayCalendar::official())
        .await
        .unwrap();
    assert!(report.escalated >= 1, "the case nobody accepted is escalated: {report:?}");
}

/// The counts the seed documents give (seeds/000–004).
async fn seed_counts(store: &Arc<dyn Store>) {
    // 截至目前，重庆市已建成工会驿站5606个。其中，主城区228个驿站……
    assert_eq!(within(store, "500000").await.len(), 5_606);
    let mut main_urban = 0;
    for district in ["500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113"] {
        main_urban += within(store, district).await.len();
    }
    assert_eq!(main_urban, 228);

    // 共建户外劳动者服务站点2600余个 …… 联合兴业银行、福建省农信联社新推出的519处户外劳动者驿站
    let fujian = within(store, "350000").await;
    assert_eq!(fujian.len(), 2_600);
    assert_eq!(fujian.iter().filter(|s| !s.partner_org_ids.is_empty()).count(), 519);
    let complete = fujian.iter().filter(|s| s.six_haves.complete()).count();
    assert!(complete * 100 > fujian.len() * 80, "the six haves are mostly complete: {complete}");
    assert!(fujian.iter().all(|s| s.rules.contains("管理人员姓名、联系电话")));
    assert_eq!(within(store, "350526").await.len(), 60, "Dehua's stations are Quanzhou's too");

    // 500家遍布长沙的商家店铺将化身“爱心驿站” …… 长沙 30 个饿了么物流站点也升级为骑士驿站
    let changsha = within(store, "430100").await;
    assert_eq!(changsha.len(), 530);
    let shops: Vec<_> = changsha.iter().filter(|s| s.kind == StationKind::PartnerShop).collect();
    assert_eq!(shops.len(), 500);
    assert!(shops.iter().all(|s| s.amenities.contains(Amenity::DrinkingWater) && s.amenities.contains(Amenity::PhoneCharging)));
    let meals = shops.iter().filter(|s| s.amenities.contains(Amenity::DiscountedMeals)).count();
    assert!((100..400).contains(&meals), "some shops offer discounted meals: {meals}");
    let sites: Vec<_> = changsha.iter().filter(|s| s.kind == StationKind::RiderStation).collect();
    assert_eq!(sites.len(), 30);
    for amenity in [Amenity::Microwave, Amenity::FirstAidKit, Amenity::ReadingArea, Amenity::RestSeats] {
        assert!(sites.iter().all(|s| s.amenities.contains(amenity)), "{amenity}");
    }

    // 已在江门建立 8 个工会爱心驿站、9 个新就业形态劳动者免费电动车检测站点
    assert_eq!(within(store, "440700").await.len(), 17);

    // 职工会员通过‘群团 e 家’可以使用 47 个群团组织的服务阵地 (22 of them the union's)
    let putuo = org(store, "330903").await;
    let venues = within(store, "330903").await;
    assert_eq!(venues.len(), 47);
    assert!(venues.iter().all(|s| s.kind == StationKind::MassOrganisationVenue));
    assert_eq!(venues.iter().filter(|s| s.org_id == putuo.id).count(), 22);

    // 朝阳区47家工会服务站
    assert_eq!(within(store, "110105").await.len(), 47);

    let haimen = within(store, "320684").await;
    assert_eq!(haimen.len(), 12);
    assert!(haimen.iter().all(|s| s.kind == StationKind::MobileBooth));
    assert_eq!(within(store, "120000").await.len(), 36);
    assert_eq!(within(store, "330400").await.len(), 34);
    assert!(within(store, "330482").await.iter().any(|s| s.name == "林埭镇共享“司机之家”"));
    let dulan = within(store, "632822").await;
    assert_eq!(dulan.len(), 1);
    assert!(dulan[0].rules.contains("220 平方米"));
}

/// 可提供机动车临时停车位1300余个，安装充电桩的有50个，提供摩托车临时服务的站点有360个，车位1600余个。
async fn chongqing_parking(store: &Arc<dyn Store>) {
    let chongqing = within(store, "500000").await;
    let car_spaces = count(&chongqing, Amenity::CarParking);
    assert!((1_300..1_400).contains(&car_spaces), "{car_spaces}");
    assert_eq!(car_spaces, figures::CHONGQING_CAR_SPACES);
    assert_eq!(with(&chongqing, Amenity::EvChargers), 50);
    assert_eq!(with(&chongqing, Amenity::MotorbikeParking), 360);
    let motorbike_spaces = count(&chongqing, Amenity::MotorbikeParking);
    assert!((1_600..1_700).contains(&motorbike_spaces), "{motorbike_spaces}");
    assert_eq!(motorbike_spaces, figures::CHONGQING_MOTORBIKE_SPACES);
    // Car spaces and chargers are the main urban area's; the stations that offer them are open.
    let mut main_urban_spaces = 0;
    for district in ["500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113"] {
        main_urban_spaces += count(&within(store, district).await, Amenity::CarParking);
    }
    assert_eq!(main_urban_spaces, car_spaces);
    let parking = chongqing.iter().filter(|s| s.amenities.contains(Amenity::CarParking) || s.amenities.contains(Amenity::MotorbikeParking));
    assert!(parking.clone().all(|s| s.status == StationStatus::Open));
    assert!(parking.filter(|s| s.amenities.contains(Amenity::EvChargers)).all(|s| s.amenities.contains(Amenity::CarParking)));
    // 另有400多个工会驿站具备设置临时停车位的条件，但由于客观原因暂未开通。
    let could = chongqing.iter().filter(|s| s.rules.contains(demo::PARKING_NOT_YET_OPEN_NOTICE)).count();
    assert_eq!(could as u32, figures::CHONGQING_PARKING_NOT_YET_OPEN);
    assert!((400..500).contains(&could));
}

/// A code is the division code of the owner's area (its own, or its nearest
/// ancestor's), and lies inside the region's division.
async fn codes_follow_the_owning_area(store: &Arc<dyn Store>, all: &[Station]) {
    let orgs = all_orgs(store).await;
    for s in all {
        let area = s.org_path.ids().collect::<Vec<_>>().into_iter().rev().find_map(|id| orgs[&id].division_code.clone());
        let area = area.unwrap_or_else(|| panic!("{} has an area", s.name));
        assert!(s.code.as_str().starts_with(area.as_str()), "{} {} is not numbered in {}", s.code, s.name, area.as_str());
        let province = s.org_path.ids().nth(1).and_then(|id| orgs[&id].division_code.clone()).expect("a province");
        assert!(province.prefix().len() == 2 && s.code.as_str().starts_with(province.prefix()), "{} in {}", s.code, province.as_str());
    }
    let jiefangbei = all.iter().find(|s| s.name == "解放碑户外劳动者服务站").expect("the station of Jiefangbei");
    assert!(jiefangbei.code.as_str().starts_with("500103-"));
    assert_eq!(jiefangbei.address, "渝中区民族路 166 号");
}

/// Statuses in the proportions asked for, reached through changes with reasons;
/// Haimen's booths have moved.
async fn life_and_location_histories(store: &Arc<dyn Store>, all: &[Station]) {
    let share = |status: StationStatus| all.iter().filter(|s| s.status == status).count() * 1000 / all.len();
    assert!(share(StationStatus::Open) > 940);
    assert!((10..=30).contains(&share(StationStatus::Suspended)), "{}", share(StationStatus::Suspended));
    assert!((5..=15).contains(&share(StationStatus::Planned)));
    assert!((5..=15).contains(&share(StationStatus::Retired)));
    let retired = all.iter().find(|s| s.status == StationStatus::Retired).unwrap();
    let history = store.station_status_history(retired.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].to, history[1].from, history[1].to), (StationStatus::Open, Some(StationStatus::Open), StationStatus::Retired));
    assert!(!history[1].reason.is_empty() && history[1].reason != "import");

    let mut moves = Vec::new();
    for booth in all.iter().filter(|s| s.kind == StationKind::MobileBooth) {
        let locations = store.station_location_history(booth.id).await.unwrap();
        assert_eq!(locations.last().unwrap().location, booth.location);
        moves.push(locations.len());
    }
    moves.sort_unstable();
    assert_eq!(moves, vec![1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);

    let hours: std::collections::BTreeSet<&str> = all.iter().map(|s| s.hours.as_str()).collect();
    assert!(hours.contains("24/7") && hours.contains("Apr-Sep: Mo-Su 07:00-21:00; Oct-Mar: Mo-Su 08:00-20:00"));
    assert!(all.iter().filter(|s| s.hours.as_str() == "Mo-Fr 08:30-17:30; PH off").all(|s| s.follows_working_calendar));
    let always = all.iter().filter(|s| s.hours.as_str() == "24/7").count() * 100 / all.len();
    assert!((5..=20).contains(&always), "{always}% are open around the clock");
}

#[tokio::test]
async fn the_scale_set_adds_stations_across_china_and_reruns_update_them() {
    let (_db, store) = empty_store().await;
    let summary = demo::load_scale(&store, 500).await.expect("load the scale set");
    assert_eq!(summary.stations.iter().map(|r| r.stations).sum::<usize>(), 500);
    assert_eq!(summary.accounts.len(), 7, "an empty database gets the tree and accounts too");
    assert!(store.user_by_phone(&PhoneNumber::parse("13800000001").unwrap()).await.unwrap().is_some());
    let all = stations(&store, &StationListFilter::default()).await;
    assert_eq!(all.len(), 500);
    assert!(all.iter().all(|s| s.external_id.as_deref().is_some_and(|e| e.starts_with("BENCH-"))));
    let provinces: std::collections::BTreeSet<&str> = all.iter().map(|s| s.code.prefix()).collect();
    assert!(provinces.len() > 25, "spread across China: {provinces:?}");
    assert!(all.iter().any(|s| s.code.prefix() == "350200"), "Xiamen's stations are the city federation's");

    // Again, larger: the first 500 are the same stations, updated in place; 100 are added.
    let again = demo::load_scale(&store, 600).await.expect("load the scale set again");
    assert_eq!(again.organisations, 0);
    assert!(again.accounts.is_empty());
    assert_eq!(again.updated, 500);
    let after = stations(&store, &StationListFilter::default()).await;
    assert_eq!(after.len(), 600);
    for (before, now) in all.iter().zip(&after) {
        assert_eq!((&before.code, &before.name, before.location), (&now.code, &now.name, now.location));
    }
}

#[tokio::test]
async fn the_people_alone_load_without_stations() {
    let (_db, store) = empty_store().await;
    let accounts = demo::load_people(&store).await.unwrap();
    assert_eq!(accounts.len(), 7);
    assert!(stations(&store, &StationListFilter::default()).await.is_empty());
    assert!(demo::load(&store).await.is_err(), "the demo set refuses a database that has organisations");
}
