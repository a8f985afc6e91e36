//! Station photos on the real server: staff upload and remove them, everyone
//! lists and sees a listed station's, the image is served with a strong ETag,
//! and bad uploads are refused without writing anything. SQLite always;
//! PostgreSQL with `WAYSTATION_TEST_DATABASE_URL`.

use crate::common::browser::{Browser, FilePart};
use crate::common::builders::{OrgTree, StationBuilder};
use crate::common::{Answer, Bytes, Client, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use waystation_domain::foundation::people::Role;
use waystation_domain::stations::StationStatus;

struct Place {
    server: TestServer,
    /// An open station of the city, and a planned one.
    station: i64,
    planned: i64,
    /// The city's station manager, a worker without roles, and an admin of another province.
    manager: Client,
    worker: Client,
    outsider: Client,
}

impl Place {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let tree = OrgTree::create(&server).await;
        let station = StationBuilder::new("解放碑驿站", tree.city).create(&server).await.id;
        let planned = StationBuilder::new("筹建中驿站", tree.city).status(StationStatus::Planned).create(&server).await.id;
        let (_, manager) = server.user().role(Role::StationManager, tree.city).signed_in().await;
        let (_, worker) = server.user().role(Role::Worker, tree.city).signed_in().await;
        let (_, outsider) = server.user().role(Role::OrgAdmin, tree.other_province).signed_in().await;
        Self { manager, worker, outsider, station, planned, server }
    }

    fn photos(&self, station: i64) -> String {
        format!("/api/v1/stations/{station}/photos")
    }

    async fn upload_png(&self, client: &Client, station: i64, width: u32, height: u32) -> Answer {
        client.post_bytes(&self.photos(station), "image/png", png(width, height, 0), &[]).await
    }

    async fn listed(&self, station: i64) -> Vec<Value> {
        let list = self.server.client().get(&self.photos(station)).await;
        assert_eq!(list.status, StatusCode::OK, "{list:?}");
        list.body.as_array().unwrap().clone()
    }
}

/// A real PNG of the given size (a colour ramp; `seed` makes different files).
fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i as u8).wrapping_add(seed)).collect();
        writer.write_image_data(&pixels).unwrap();
    }
    out
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn a_manager_uploads_a_photo_that_everyone_lists_and_sees_with_a_strong_etag() {
    let place = Place::new().await;
    let image = png(320, 200, 7);
    let before = place.server.audit_head().await;
    // The client's Content-Type is not what decides: the bytes say PNG.
    let path = format!("{}?caption=%E9%97%A8%E5%8F%A3", place.photos(place.station));
    let created = place.manager.post_bytes(&path, "application/octet-stream", image.clone(), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    assert_eq!(created.body["content_type"], "image/png");
    assert_eq!((created.body["width"].as_u64(), created.body["height"].as_u64()), (Some(320), Some(200)));
    assert_eq!(created.body["caption"], "门口");
    assert_eq!(place.server.audit_head().await, before + 1, "the upload is audited");

    let listed = place.listed(place.station).await;
    assert_eq!(listed.len(), 1);
    let url = listed[0]["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/stations/{}/photos/{}", place.station, created.body["id"]));
    let record = place.server.client().get(&format!("/api/v1/stations/{}", place.station)).await;
    assert_eq!(record.body["photos"][0]["url"], url.as_str(), "the station JSON lists its photos");

    let anyone = place.server.client();
    let Bytes { status, headers, body: bytes } = anyone.get_bytes(&url, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, image);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    let etag = header(&headers, "etag").to_owned();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&image))
    };
    assert_eq!(etag, format!("\"{digest}\""), "a strong ETag: the SHA-256 of the bytes");

    let Bytes { status, headers, body: bytes } = anyone.get_bytes(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(bytes.is_empty());
    assert_eq!(header(&headers, "etag"), etag);
    let Bytes { status, .. } = anyone.get_bytes(&url, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(status, StatusCode::OK);

    let page = anyone.get(&format!("/stations/{}", place.station)).await;
    assert!(page.text.contains(&format!("src=\"{url}\"")) && page.text.contains("alt=\"门口\""), "the public page shows it");
    assert!(page.text.contains("loading=\"lazy\""));
}

#[tokio::test]
async fn the_tenth_photo_is_refused_until_one_is_removed() {
    let place = Place::new().await;
    for seed in 0..9 {
        let created = place.manager.post_bytes(&place.photos(place.station), "image/png", png(64, 64, seed), &[]).await;
        assert_eq!(created.status, StatusCode::CREATED, "photo {seed}: {created:?}");
    }
    let before = place.server.audit_head().await;
    let tenth = place.upload_png(&place.manager, place.station, 64, 64).await;
    assert_eq!((tenth.status, tenth.code()), (StatusCode::CONFLICT, "photo_limit_reached"));
    assert_eq!(place.server.audit_head().await, before, "nothing written");
    let listed = place.listed(place.station).await;
    assert_eq!(listed.len(), 9);
    let positions: Vec<i64> = listed.iter().map(|p| p["position"].as_i64().unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in upload order: {positions:?}");

    let first = listed[0]["id"].as_i64().unwrap();
    let removed = place.manager.post(&format!("{}/{first}/remove", place.photos(place.station)), json!({})).await;
    assert_eq!(removed.status, StatusCode::OK, "{removed:?}");
    assert_eq!(place.upload_png(&place.manager, place.station, 64, 64).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn bad_files_are_refused_with_a_code_and_nothing_is_written() {
    let place = Place::new().await;
    let path = place.photos(place.station);
    let before = place.server.audit_head().await;
    let text = place.manager.post_bytes(&path, "image/png", b"just some text in a file named photo.png".to_vec(), &[]).await;
    assert_eq!((text.status, text.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "photo_unsupported_format"), "{text:?}");
    assert!(!text.body["message"].as_str().unwrap().is_empty());
    let small = place.upload_png(&place.manager, place.station, 63, 200).await;
    assert_eq!((small.status, small.code()), (StatusCode::UNPROCESSABLE_ENTITY, "photo_too_small"));
    let empty = place.manager.post_bytes(&path, "image/png", Vec::new(), &[]).await;
    assert_eq!((empty.status, empty.code()), (StatusCode::UNPROCESSABLE_ENTITY, "photo_missing"));
    let mut cut = png(100, 100, 1);
    cut.truncate(20);
    let cut = place.manager.post_bytes(&path, "image/png", cut, &[]).await;
    assert_eq!((cut.status, cut.code()), (StatusCode::UNPROCESSABLE_ENTITY, "photo_unreadable"));
    let mut big = png(100, 100, 1);
    big.resize(2 * 1024 * 1024 + 1, 0);
    let big = place.manager.post_bytes(&path, "image/png", big, &[]).await;
    assert_eq!((big.status, big.code()), (StatusCode::PAYLOAD_TOO_LARGE, "photo_too_large"));
    let caption = "长".repeat(101);
    let long = place.manager.post_bytes(&format!("{path}?caption={caption}"), "image/png", png(100, 100, 1), &[]).await;
    assert_eq!((long.status, long.code()), (StatusCode::UNPROCESSABLE_ENTITY, "caption_too_long"));
    assert_eq!(place.server.audit_head().await, before, "nothing written");
    assert!(place.listed(place.station).await.is_empty());
}

#[tokio::test]
async fn outsiders_may_not_upload_or_remove_and_unlisted_stations_photos_are_hidden() {
    let place = Place::new().await;
    for (who, client) in [("outsider", &place.outsider), ("worker", &place.worker)] {
        let refused = place.upload_png(client, place.station, 100, 100).await;
        assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "forbidden"), "{who}");
    }
    let anonymous = place.upload_png(&place.server.client(), place.station, 100, 100).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(place.listed(place.station).await.is_empty());

    let photo = place.upload_png(&place.manager, place.station, 100, 100).await.body["id"].as_i64().unwrap();
    let remove = format!("{}/{photo}/remove", place.photos(place.station));
    assert_eq!(place.outsider.post(&remove, json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(place.worker.post(&remove, json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(place.listed(place.station).await.len(), 1, "still there");

    // A planned station's photos: its staff see them, nobody else does.
    let hidden = place.upload_png(&place.manager, place.planned, 100, 100).await;
    assert_eq!(hidden.status, StatusCode::CREATED);
    let url = hidden.body["url"].as_str().unwrap().to_owned();
    assert_eq!(place.server.client().get(&place.photos(place.planned)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(place.server.client().get_bytes(&url, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(place.outsider.get_bytes(&url, &[]).await.status, StatusCode::NOT_FOUND);
    let Bytes { status, headers, .. } = place.manager.get_bytes(&url, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "cache-control"), "private, no-store", "not for shared caches");
    // A photo is served under its own station only.
    assert_eq!(place.server.client().get_bytes(&format!("/stations/{}/photos/{}", place.station, hidden.body["id"]), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_removed_photo_is_no_longer_listed_or_served() {
    let place = Place::new().await;
    let created = place.upload_png(&place.manager, place.station, 100, 100).await;
    let (id, url) = (created.body["id"].as_i64().unwrap(), created.body["url"].as_str().unwrap().to_owned());
    let before = place.server.audit_head().await;
    let removed = place.manager.post(&format!("{}/{id}/remove", place.photos(place.station)), json!({})).await;
    assert_eq!(removed.status, StatusCode::OK, "{removed:?}");
    assert_eq!(place.server.audit_head().await, before + 1, "the removal is audited");
    assert!(place.listed(place.station).await.is_empty());
    assert_eq!(place.server.client().get_bytes(&url, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(place.manager.get_bytes(&url, &[]).await.status, StatusCode::NOT_FOUND);
    let record = place.server.client().get(&format!("/api/v1/stations/{}", place.station)).await;
    assert_eq!(record.body["photos"], json!([]));
    let again = place.manager.post(&format!("{}/{id}/remove", place.photos(place.station)), json!({})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "photo_removed"));
    // The record keeps it.
    assert!(place.server.store.get_station_photo(id).await.unwrap().removed_at.is_some());
}

#[tokio::test]
async fn an_idempotent_retry_adds_the_photo_once() {
    let place = Place::new().await;
    let path = place.photos(place.station);
    let image = png(120, 90, 3);
    let first = place.manager.post_bytes(&path, "image/png", image.clone(), &[("idempotency-key", "photo-1")]).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let retry = place.manager.post_bytes(&path, "image/png", image, &[("idempotency-key", "photo-1")]).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(header(&retry.headers, "idempotent-replayed"), "true");
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(place.listed(place.station).await.len(), 1, "added once");
    // The same key with other bytes is another request: refused.
    let other = place.manager.post_bytes(&path, "image/png", png(120, 90, 4), &[("idempotency-key", "photo-1")]).await;
    assert_eq!((other.status, other.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    assert_eq!(place.listed(place.station).await.len(), 1);
}

#[tokio::test]
async fn staff_change_a_caption_within_its_limit() {
    let place = Place::new().await;
    let id = place.upload_png(&place.manager, place.station, 100, 100).await.body["id"].as_i64().unwrap();
    let path = format!("{}/{id}/caption", place.photos(place.station));
    let changed = place.manager.post(&path, json!({"caption": " 休息区 "})).await;
    assert_eq!((changed.status, changed.body["caption"].as_str()), (StatusCode::OK, Some("休息区")), "{changed:?}");
    let long = place.manager.post(&path, json!({"caption": "长".repeat(101)})).await;
    assert_eq!((long.status, long.code()), (StatusCode::UNPROCESSABLE_ENTITY, "caption_too_long"));
    assert_eq!(place.outsider.post(&path, json!({"caption": "x"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(place.listed(place.station).await[0]["caption"], "休息区");
}

#[tokio::test]
async fn the_console_form_uploads_once_per_submission_and_removes() {
    let place = Place::new().await;
    let browser = Browser::of(&place.manager).await;
    let page = format!("/console/stations/{}", place.station);
    let form = format!("{page}/photos");
    assert!(browser.get(&page).await.html.contains("data-testid=\"no-photos\""));
    let image = png(200, 150, 9);
    let photo = || FilePart { field: "photo", file_name: "门口.png", content_type: "image/png", bytes: &image };

    let forged = browser.multipart(&form, &[("caption", "门口")], photo(), false, "console-photo-1").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF token, no upload");
    let added = browser.multipart(&form, &[("caption", "门口")], photo(), true, "console-photo-1").await;
    assert_eq!((added.status, added.location.as_str()), (StatusCode::SEE_OTHER, format!("{page}?done=photo_added").as_str()));
    // A double-tapped submit button sends the same form key again: one photo.
    let again = browser.multipart(&form, &[("caption", "门口")], photo(), true, "console-photo-1").await;
    assert_eq!(again.location, added.location);
    assert_eq!(place.listed(place.station).await.len(), 1);

    let text = FilePart { field: "photo", file_name: "notes.png", content_type: "image/png", bytes: b"not an image" };
    let refused = browser.multipart(&form, &[], text, true, "console-photo-2").await;
    assert_eq!(refused.location, format!("{page}?error=photo_unsupported_format"));
    assert_eq!(place.listed(place.station).await.len(), 1);

    let shown = browser.get(&format!("{page}?done=photo_added")).await.html;
    let id = place.listed(place.station).await[0]["id"].as_i64().unwrap();
    assert!(shown.contains(&format!("src=\"/stations/{}/photos/{id}\"", place.station)) && shown.contains("alt=\"门口\""));
    assert!(shown.contains("照片已添加"));

    let outsider = Browser::of(&place.outsider).await;
    assert_eq!(outsider.multipart(&form, &[], photo(), true, "console-photo-3").await.status, StatusCode::FORBIDDEN);
    assert_eq!(outsider.post(&format!("{form}/{id}/remove"), &[]).await.status, StatusCode::FORBIDDEN);

    let removed = browser.post(&format!("{form}/{id}/remove"), &[]).await;
    assert_eq!(removed.location, format!("{page}?done=photo_removed"));
    assert!(place.listed(place.station).await.is_empty());
}
