//! The stations pages: the worker's phone map of the nearest stations
//! (`/stations`) and a station's own page (`/stations/{id}`).
//!
//! Both are complete without JavaScript: the server reads the location and the
//! filter chips from the query (`?lat=&lng=&open=1&amenity=a,b`, WGS-84),
//! asks the station index itself and renders the list, so a link can be shared
//! and a phone with scripts off or no tile server still gets its answer.
//! `assets/src/map.js` then adds the Leaflet map, geolocation, chips that
//! re-query `/api/v1/stations/nearest` without a reload, and viewport queries
//! (`/api/v1/stations/box`) as the map moves.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::hours::HoursState;
use waystation_domain::stations::search::{Filter, NearestQuery};
use waystation_domain::stations::{Amenity, AmenitySet, SixHaves, StationKind, StationStatus};

use super::api::{station_state, StationView};
use super::coverage;
use super::now_in_china;
use super::search;
use super::tiles::{self, TileConfig};
use super::using_pages::{station_use, StationUse, UseQuery};
use crate::foundation::calendar;
use crate::http::assets::asset_url;
use crate::http::csrf::CsrfToken;
use crate::http::error::{form_urlencode, ApiError};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::i18n::{Lang, Tr};
use crate::http::page::{render, Flash, Notice, Shell};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/stations", get(map_page)).route("/stations/{id}", get(station_page))
}

/// How many stations the list shows (the API's default page of nearest is 10).
const LIST_LIMIT: usize = 20;

/// The filter chips, in the order shown, after "open now".
const CHIP_AMENITIES: [Amenity; 7] = [
    Amenity::PhoneCharging,
    Amenity::EbikeCharging,
    Amenity::DrinkingWater,
    Amenity::Toilet,
    Amenity::CarParking,
    Amenity::EvChargers,
    Amenity::Microwave,
];

/// A city centre to search from without geolocation or a geocoding service:
/// the documented offline fallback. `(key, WGS-84 lat, lng)`; the label is
/// `stations.place.<key>`.
const PLACES: [(&str, f64, f64); 8] = [
    ("chongqing_jiefangbei", 29.5576, 106.5770),
    ("changsha_wuyi_square", 28.1960, 112.9770),
    ("xiamen_zhongshan_road", 24.4560, 118.0790),
    ("fuzhou_wuyi_square", 26.0740, 119.3030),
    ("jiangmen", 22.5790, 113.0820),
    ("zhoushan_putuo", 29.9460, 122.3010),
    ("beijing_chaoyang", 39.9219, 116.4436),
    ("tianjin_binhai", 39.0032, 117.7110),
];

fn shell(lang: Lang, csrf: &CsrfToken, path: &str, user: Option<&CurrentUser>) -> Shell {
    Shell::new(lang, csrf, path, user)
}

// ---- shared wording: distances and opening states ----

/// `320 米` / `1.2 公里`: metres to the nearest 10 below 1 km, then tenths of a
/// kilometre, then whole kilometres from 100 km. `map.js` formats the same way.
pub fn distance_text(tr: Tr, metres: f64) -> String {
    let tens = (metres / 10.0).round() as i64 * 10;
    if tens < 1000 {
        return tr.get("stations.distance_m").replace("{n}", &tens.to_string());
    }
    let tenths_of_km = (metres / 100.0).round() as i64;
    let km = if tenths_of_km >= 1000 { (tenths_of_km / 10).to_string() } else { format!("{}.{}", tenths_of_km / 10, tenths_of_km % 10) };
    tr.get("stations.distance_km").replace("{n}", &km)
}

/// When a change happens, relative to `at`: `22:00`, `明天 08:00`, `周一 08:00`.
fn when_text(tr: Tr, change: NaiveDateTime, at: NaiveDateTime) -> String {
    let time = change.format("%H:%M").to_string();
    match (change.date() - at.date()).num_days() {
        0 => time,
        1 => format!("{} {time}", tr.get("stations.tomorrow")),
        2..=6 => format!("{} {time}", tr.get(&format!("stations.weekday.{}", change.weekday().num_days_from_sunday()))),
        _ => change.format("%m-%d %H:%M").to_string(),
    }
}

/// Whether a station serves now, in words: a short label and what happens next.
pub struct OpenState {
    pub open: bool,
    pub label: &'static str,
    pub detail: String,
}

fn open_state(tr: Tr, status: StationStatus, hours: HoursState, at: NaiveDateTime) -> OpenState {
    if !status.is_serving() {
        let label = tr.get(&format!("station_status.{}", status.as_str()));
        return OpenState { open: false, label, detail: String::new() };
    }
    let detail = match (hours.open, hours.next_change) {
        (true, Some(change)) => tr.get("stations.closes").replace("{when}", &when_text(tr, change, at)),
        (true, None) => tr.get("stations.always_open").to_owned(),
        (false, Some(change)) => tr.get("stations.opens").replace("{when}", &when_text(tr, change, at)),
        (false, None) => tr.get("stations.closed_for_now").to_owned(),
    };
    let label = if hours.open { tr.get("stations.open_now") } else { tr.get("stations.closed") };
    OpenState { open: hours.open, label, detail }
}

// ---- the map page ----

#[derive(Debug, Default, Deserialize)]
struct MapQuery {
    /// WGS-84, as the browser's geolocation gives it.
    lat: Option<String>,
    lng: Option<String>,
    /// `1` (or `true`, `on`): only stations open now.
    open: Option<String>,
    /// Comma-separated amenities that must all be there.
    amenity: Option<String>,
    /// From the location form (no JavaScript): a city centre of [`PLACES`]…
    place: Option<String>,
    /// …or typed coordinates, `lat,lng`.
    at: Option<String>,
}

/// The page's location and filters, which are its URL.
#[derive(Debug, Clone, Copy)]
struct MapState {
    origin: Option<LatLng>,
    open: bool,
    amenities: AmenitySet,
}

impl MapState {
    /// `/stations?lat=…&lng=…&open=1&amenity=a,b`: the shareable address of this state.
    fn url(&self) -> String {
        let mut params = Vec::new();
        if let Some(origin) = self.origin {
            params.push(format!("lat={:.6}", origin.lat()));
            params.push(format!("lng={:.6}", origin.lng()));
        }
        if self.open {
            params.push("open=1".to_owned());
        }
        if self.amenities != AmenitySet::EMPTY {
            params.push(format!("amenity={}", self.amenities.iter().map(Amenity::as_str).collect::<Vec<_>>().join(",")));
        }
        if params.is_empty() {
            "/stations".to_owned()
        } else {
            format!("/stations?{}", params.join("&"))
        }
    }

    fn amenity_list(&self) -> String {
        self.amenities.iter().map(Amenity::as_str).collect::<Vec<_>>().join(",")
    }
}

/// Reads `lat,lng` as typed: ASCII or full-width comma, or spaces, between two decimals.
fn parse_coordinates(text: &str) -> Option<LatLng> {
    let normalised = text.trim().replace(['，', ';', '；'], ",");
    let mut parts = normalised.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty());
    let lat = parts.next()?.parse::<f64>().ok()?;
    let lng = parts.next()?.parse::<f64>().ok()?;
    if parts.next().is_some() {
        return None;
    }
    LatLng::new(lat, lng).ok()
}

fn is_on(flag: Option<&str>) -> bool {
    matches!(flag.map(str::trim), Some("1" | "true" | "on" | "yes"))
}

/// One filter chip: a link to the same page with this filter toggled, so it
/// works without JavaScript; `map.js` intercepts the tap.
pub struct Chip {
    /// `open` or the amenity's name; also the chip's test id suffix.
    pub key: &'static str,
    pub label: &'static str,
    pub pressed: bool,
    pub href: String,
}

/// A city centre in the place list.
pub struct PlaceOption {
    pub key: &'static str,
    pub label: &'static str,
    pub lat: f64,
    pub lng: f64,
    pub selected: bool,
}

/// A station in the list, with its marker position in the tiles' datum.
pub struct ListItem {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub address: String,
    pub distance: String,
    pub distance_m: f64,
    pub state: OpenState,
    pub map_lat: f64,
    pub map_lng: f64,
    pub amenities: Vec<AmenityTag>,
    /// "6 more": what the station page shows beyond the list's few.
    pub more_amenities: Option<String>,
}

/// A list item shows this many amenities: those the chips ask for first.
const LIST_AMENITIES: usize = 6;

/// The amenities a list item shows: the wanted ones, then the others in the usual order.
fn list_amenities(tr: Tr, has: AmenitySet, wanted: AmenitySet) -> Vec<AmenityTag> {
    let (first, rest): (Vec<Amenity>, Vec<Amenity>) = has.iter().partition(|a| wanted.contains(*a));
    first
        .into_iter()
        .chain(rest)
        .take(LIST_AMENITIES)
        .map(|a| AmenityTag { name: a.as_str(), label: tr.get(&format!("amenity.{}", a.as_str())), wanted: wanted.contains(a) })
        .collect()
}

/// An amenity of a listed station; `wanted` when a chip asks for it.
pub struct AmenityTag {
    pub name: &'static str,
    pub label: &'static str,
    pub wanted: bool,
}

/// An amenity on the station page, with its count when it is counted.
pub struct AmenityLine {
    pub label: &'static str,
    pub count: Option<String>,
}

/// One item of the "six haves" checklist.
pub struct SixHave {
    pub label: &'static str,
    pub met: bool,
}

#[derive(Template)]
#[template(path = "stations/stations_map.html")]
struct MapPage {
    shell: Shell,
    map_css: String,
    map_js: String,
    located: bool,
    typed: String,
    places: Vec<PlaceOption>,
    chips: Vec<Chip>,
    open: bool,
    amenity_list: String,
    items: Vec<ListItem>,
    /// JSON for `map.js`: tiles, location, filters.
    config: String,
    /// JSON for `map.js`: the words it needs to render list items.
    words: String,
}

/// What `map.js` needs to start, as the page's `data-config`.
#[derive(Serialize)]
struct MapConfig<'a> {
    tiles: &'a TileConfig,
    /// The location in WGS-84 (the URL's), and in the tiles' datum (for the API and the map).
    origin: Option<[f64; 2]>,
    origin_map: Option<[f64; 2]>,
    open: bool,
    amenities: Vec<&'static str>,
    /// Every amenity, in the order the address lists them.
    all_amenities: Vec<&'static str>,
    /// China time the open states refer to.
    at: String,
    limit: usize,
    /// How many amenities a list item shows.
    list_amenities: usize,
}

async fn map_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    MaybeUser(user): MaybeUser,
    ApiQuery(query): ApiQuery<MapQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let mut notice = None;
    let mut origin = match (query.lat.as_deref().map(str::trim), query.lng.as_deref().map(str::trim)) {
        (Some(lat), Some(lng)) if !lat.is_empty() && !lng.is_empty() => {
            let point = lat.parse::<f64>().ok().zip(lng.parse::<f64>().ok()).and_then(|(lat, lng)| LatLng::new(lat, lng).ok());
            if point.is_none() {
                notice = Some(Notice { error: true, text: tr.get("stations.bad_place") });
            }
            point
        }
        _ => None,
    };
    // Unknown amenities from an old or hand-made link are dropped, not refused.
    let amenities: AmenitySet =
        query.amenity.as_deref().unwrap_or("").split(',').filter_map(|name| name.trim().parse::<Amenity>().ok()).collect();
    let open = is_on(query.open.as_deref());
    let typed = query.at.as_deref().map(str::trim).unwrap_or("").to_owned();

    // The location form, sent without JavaScript: go to the canonical address.
    if query.place.is_some() || query.at.is_some() {
        let place = query.place.as_deref().and_then(|key| PLACES.iter().find(|(k, _, _)| *k == key));
        let chosen = if !typed.is_empty() {
            parse_coordinates(&typed)
        } else {
            place.and_then(|(_, lat, lng)| LatLng::new(*lat, *lng).ok()).or(origin)
        };
        match chosen {
            Some(point) => {
                return Ok(Redirect::to(&MapState { origin: Some(point), open, amenities }.url()).into_response());
            }
            None if !typed.is_empty() => {
                notice = Some(Notice { error: true, text: tr.get("stations.bad_place") });
                origin = None;
            }
            None => {}
        }
    }

    let here = MapState { origin, open, amenities };
    let datum = tiles::of(&state).datum;
    let at = now_in_china();
    let mut items = Vec::new();
    if let Some(origin) = origin {
        let query = NearestQuery {
            origin,
            limit: LIST_LIMIT,
            radius_m: None,
            at,
            filter: Filter { amenities, kinds: Vec::new(), within: None, open_only: open, serving_only: false },
        };
        coverage::demand(&state).record_search(origin);
        let hits = search::of(&state).read().nearest(&query, calendar::current(&state));
        let summaries = search::of(&state).summaries(&state.store, hits.iter().map(|h| h.id)).await?;
        for (hit, station) in hits.into_iter().zip(summaries) {
            let map_point = station.location.from_wgs84(datum);
            items.push(ListItem {
                id: station.id,
                kind: tr.get(&format!("station_kind.{}", station.kind.as_str())),
                address: station.address.clone(),
                distance: distance_text(tr, hit.distance_m),
                distance_m: (hit.distance_m * 10.0).round() / 10.0,
                state: open_state(tr, station.status, hit.state, at),
                map_lat: map_point.lat(),
                map_lng: map_point.lng(),
                amenities: list_amenities(tr, station.amenities.set(), amenities),
                more_amenities: match station.amenities.set().iter().count().saturating_sub(LIST_AMENITIES) {
                    0 => None,
                    more => Some(tr.get("stations.more_amenities").replace("{n}", &more.to_string())),
                },
                name: station.name.clone(),
            });
        }
    }

    let mut chips = vec![Chip {
        key: "open",
        label: tr.get("stations.chip.open_now"),
        pressed: open,
        href: MapState { open: !open, ..here }.url(),
    }];
    // The fixed chips, then any other amenity the link asked for (so it can be removed).
    let extra = amenities.iter().filter(|a| !CHIP_AMENITIES.contains(a));
    for amenity in CHIP_AMENITIES.into_iter().chain(extra) {
        let pressed = amenities.contains(amenity);
        let toggled: AmenitySet = if pressed { amenities.iter().filter(|a| *a != amenity).collect() } else { amenities.with(amenity) };
        let label = if CHIP_AMENITIES.contains(&amenity) {
            tr.get(&format!("stations.chip.{}", amenity.as_str()))
        } else {
            tr.get(&format!("amenity.{}", amenity.as_str()))
        };
        chips.push(Chip { key: amenity.as_str(), label, pressed, href: MapState { amenities: toggled, ..here }.url() });
    }

    let places = PLACES
        .iter()
        .map(|(key, lat, lng)| PlaceOption {
            key,
            label: tr.get(&format!("stations.place.{key}")),
            lat: *lat,
            lng: *lng,
            selected: origin.is_some_and(|o| (o.lat() - lat).abs() < 1e-6 && (o.lng() - lng).abs() < 1e-6),
        })
        .collect();

    let config = MapConfig {
        tiles: tiles::of(&state),
        origin: origin.map(|o| [o.lat(), o.lng()]),
        origin_map: origin.map(|o| o.from_wgs84(datum)).map(|o| [o.lat(), o.lng()]),
        open,
        amenities: amenities.iter().map(Amenity::as_str).collect(),
        all_amenities: Amenity::ALL.into_iter().map(Amenity::as_str).collect(),
        at: super::china_rfc3339(at),
        limit: LIST_LIMIT,
        list_amenities: LIST_AMENITIES,
    };
    let mut shell = shell(lang, &csrf, &form_urlencode(&here.url()), user.as_ref());
    shell.notice = notice;
    Ok(render(MapPage {
        shell,
        map_css: asset_url("map.css"),
        map_js: asset_url("map.js"),
        located: origin.is_some(),
        typed,
        places,
        chips,
        open,
        amenity_list: here.amenity_list(),
        items,
        config: serde_json::to_string(&config).map_err(|e| ApiError::internal(&e))?,
        words: serde_json::to_string(&words(tr)).map_err(|e| ApiError::internal(&e))?,
    }))
}

/// The texts `map.js` renders with, so that it speaks the page's language.
fn words(tr: Tr) -> BTreeMap<String, &'static str> {
    let mut words = BTreeMap::new();
    for key in [
        "distance_m",
        "distance_km",
        "open_now",
        "closed",
        "closes",
        "opens",
        "always_open",
        "closed_for_now",
        "tomorrow",
        "details",
        "empty",
        "no_location",
        "locating",
        "locate_failed",
        "bad_place",
        "tiles_failed",
        "loading",
        "load_failed",
        "you_are_here",
        "nearest",
        "more_amenities",
    ] {
        words.insert(key.to_owned(), tr.get(&format!("stations.{key}")));
    }
    for day in 0..7 {
        words.insert(format!("weekday.{day}"), tr.get(&format!("stations.weekday.{day}")));
    }
    for amenity in Amenity::ALL {
        words.insert(format!("amenity.{}", amenity.as_str()), tr.get(&format!("amenity.{}", amenity.as_str())));
    }
    for kind in StationKind::ALL {
        words.insert(format!("station_kind.{}", kind.as_str()), tr.get(&format!("station_kind.{}", kind.as_str())));
    }
    for status in StationStatus::ALL {
        words.insert(format!("station_status.{}", status.as_str()), tr.get(&format!("station_status.{}", status.as_str())));
    }
    words
}

// ---- the station page ----

#[derive(Template)]
#[template(path = "stations/station.html")]
struct StationPage {
    shell: Shell,
    map_css: String,
    map_js: String,
    view: StationView,
    kind: &'static str,
    status: &'static str,
    /// Listed but not serving: say so at the top.
    suspended: bool,
    /// Planned or retired, seen by staff of its organisation.
    unlisted: bool,
    state: OpenState,
    partners: Vec<String>,
    amenities: Vec<AmenityLine>,
    six_haves: Vec<SixHave>,
    six_met: String,
    wgs84: String,
    /// JSON for `map.js`: tiles and the station's point in their datum.
    config: String,
    /// Rooms to book, reviews, feedback.
    using: StationUse,
    /// The gallery (`station_photos.html`).
    photos: Vec<super::photos::PhotoCard>,
}

#[derive(Serialize)]
struct StationMapConfig<'a> {
    tiles: &'a TileConfig,
    point: [f64; 2],
    name: &'a str,
    open: bool,
}

async fn station_page(
    State(state): State<AppState>,
    lang: Lang,
    csrf: CsrfToken,
    MaybeUser(user): MaybeUser,
    ApiPath(id): ApiPath<i64>,
    Query(flash): Query<Flash>,
    Query(use_query): Query<UseQuery>,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let station = state.store.get_station(id).await?;
    // The API's visibility rule: planned and retired stations are for the staff of their organisation.
    let staff = user.as_ref().is_some_and(|u| u.require(Action::ViewStationRecords, &station.org_path).is_ok());
    if !station.status.is_listed() && !staff {
        return Err(ApiError::not_found("station_not_found"));
    }
    let at = now_in_china();
    let hours = station_state(&state, &station, at);
    let view = StationView::of(&station, hours, tiles::of(&state).datum, staff);
    let mut partners = Vec::new();
    for partner in &station.partner_org_ids {
        if let Ok(org) = state.store.get_org(*partner).await {
            partners.push(org.name);
        }
    }
    let amenities = station
        .amenities
        .iter()
        .map(|(a, count)| AmenityLine {
            label: tr.get(&format!("amenity.{}", a.as_str())),
            count: count.map(|n| tr.get("station.count").replace("{n}", &n.to_string())),
        })
        .collect();
    let six = station.six_haves;
    let six_haves = six_items(&six).into_iter().map(|(key, met)| SixHave { label: tr.get(&format!("station.six.{key}")), met }).collect();
    let config = StationMapConfig {
        tiles: tiles::of(&state),
        point: [view.location.lat, view.location.lng],
        name: &station.name,
        open: hours.open,
    };
    let using = station_use(&state, tr, user.as_ref(), &station, &use_query).await?;
    Ok(render(StationPage {
        shell: shell(lang, &csrf, &format!("/stations/{id}"), user.as_ref()).with_flash(&flash),
        using,
        map_css: asset_url("map.css"),
        map_js: asset_url("map.js"),
        kind: tr.get(&format!("station_kind.{}", station.kind.as_str())),
        status: tr.get(&format!("station_status.{}", station.status.as_str())),
        suspended: station.status == StationStatus::Suspended,
        unlisted: !station.status.is_listed(),
        state: open_state(tr, station.status, hours, at),
        partners,
        amenities,
        six_haves,
        six_met: tr.get("station.six_met").replace("{n}", &six.met().to_string()),
        wgs84: format!("{:.6}, {:.6}", station.location.lat(), station.location.lng()),
        config: serde_json::to_string(&config).map_err(|e| ApiError::internal(&e))?,
        photos: super::photos::photo_cards(&state, &station).await?,
        view,
    }))
}

pub(crate) fn six_items(six: &SixHaves) -> [(&'static str, bool); 6] {
    [
        ("signage", six.signage),
        ("layout", six.layout),
        ("facilities", six.facilities),
        ("services", six.services),
        ("rules", six.rules),
        ("map_info", six.map_info),
    ]
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 10, 8).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        let zh = Tr(Lang::Zh);
        let en = Tr(Lang::En);
        assert_eq!(distance_text(zh, 318.4), "320 米");
        assert_eq!(distance_text(en, 318.4), "320 m");
        assert_eq!(distance_text(zh, 4.0), "0 米");
        assert_eq!(distance_text(zh, 996.0), "1.0 公里");
        assert_eq!(distance_text(en, 1_249.9), "1.2 km");
        assert_eq!(distance_text(en, 1_250.0), "1.3 km");
        assert_eq!(distance_text(zh, 123_456.0), "123 公里");
    }

    #[test]
    fn opening_states_say_what_happens_next() {
        let zh = Tr(Lang::Zh);
        let en = Tr(Lang::En);
        let closes = HoursState { open: true, next_change: Some(at(22, 0)) };
        let state = open_state(zh, StationStatus::Open, closes, at(10, 0));
        assert!(state.open);
        assert_eq!((state.label, state.detail.as_str()), ("营业中", "营业至 22:00"));
        assert_eq!(open_state(en, StationStatus::Open, closes, at(10, 0)).detail, "closes at 22:00");
        let opens_tomorrow = HoursState { open: false, next_change: Some(at(8, 0) + chrono::TimeDelta::days(1)) };
        assert_eq!(open_state(zh, StationStatus::Open, opens_tomorrow, at(23, 0)).detail, "明天 08:00 开门");
        assert_eq!(open_state(en, StationStatus::Open, opens_tomorrow, at(23, 0)).detail, "opens tomorrow 08:00");
        let opens_monday = HoursState { open: false, next_change: Some(at(8, 0) + chrono::TimeDelta::days(5)) };
        assert_eq!(open_state(zh, StationStatus::Open, opens_monday, at(12, 0)).detail, "周一 08:00 开门");
        let suspended = open_state(zh, StationStatus::Suspended, closes, at(10, 0));
        assert!(!suspended.open);
        assert_eq!(suspended.label, "暂停服务");
    }

    #[test]
    fn every_key_built_in_code_is_translated() {
        let mut needed: Vec<String> = words(Tr(Lang::Zh)).keys().map(|k| if k.contains('.') && !k.starts_with("weekday") { k.clone() } else { format!("stations.{k}") }).collect();
        needed.extend(CHIP_AMENITIES.iter().map(|a| format!("stations.chip.{}", a.as_str())));
        needed.push("stations.chip.open_now".to_owned());
        needed.extend(PLACES.iter().map(|(key, _, _)| format!("stations.place.{key}")));
        needed.extend(six_items(&SixHaves::default()).iter().map(|(key, _)| format!("station.six.{key}")));
        needed.extend(["station.count", "station.six_met", "station.tiles_failed"].map(str::to_owned));
        for lang in Lang::ALL {
            let have = crate::http::i18n::keys(lang);
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(&k.as_str())).collect();
            assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
        }
    }

    #[test]
    fn typed_coordinates_accept_the_usual_separators() {
        let p = parse_coordinates(" 29.5576，106.577 ").unwrap();
        assert_eq!((p.lat(), p.lng()), (29.5576, 106.577));
        assert!(parse_coordinates("29.5576 106.577").is_some());
        assert!(parse_coordinates("解放碑").is_none());
        assert!(parse_coordinates("95,10").is_none());
        assert!(parse_coordinates("1,2,3").is_none());
    }

    #[test]
    fn the_url_holds_location_and_filters_in_a_stable_order() {
        let state = MapState {
            origin: Some(LatLng::new(29.5576, 106.577).unwrap()),
            open: true,
            amenities: AmenitySet::parse_list(["ebike_charging", "phone_charging"]).unwrap(),
        };
        assert_eq!(state.url(), "/stations?lat=29.557600&lng=106.577000&open=1&amenity=phone_charging,ebike_charging");
        assert_eq!(MapState { origin: None, open: false, amenities: AmenitySet::EMPTY }.url(), "/stations");
    }
}
