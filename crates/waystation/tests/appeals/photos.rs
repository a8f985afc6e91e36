//! Photos of an appeal: added by the worker with the place in their EXIF
//! removed (unless kept), served only to those who may see the case, and
//! refused when they are not images or far too large.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::TestServer;

fn jpeg_with_gps() -> Vec<u8> {
    let exif = b"Exif\0\0GPSLatitude 29.5575 GPSLongitude 106.5769";
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1];
    bytes.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    bytes.extend_from_slice(exif);
    bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x03, 0x00, 0x04, 0x00]);
    bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x00, 0xFF, 0xD9]);
    bytes
}

fn has_gps(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"GPS")
}

#[tokio::test]
async fn a_photos_place_is_removed_and_only_the_case_sees_it() {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let city = server.org(Some(national.id), OrgKind::City, "重庆市总工会").await;
    let other = server.org(Some(national.id), OrgKind::City, "厦门市总工会").await;
    let (_, rider) = server.user().role(Role::Worker, city.id).signed_in().await;
    let (_, handler) = server.user().role(Role::CaseHandler, city.id).signed_in().await;
    let (_, stranger) = server.user().role(Role::CaseHandler, other.id).signed_in().await;
    let case = rider.post("/api/v1/appeals", json!({"appeal_type": "complaint", "category": "other", "text": "车被拖走"})).await.body;
    let id = &case["id"];

    let added = rider.post_bytes(&format!("/api/v1/appeals/{id}/photos"), "image/jpeg", jpeg_with_gps(), &[]).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.body["kept_metadata"], false);
    let photo = added.body["id"].as_i64().unwrap();
    let kept = rider.post_bytes(&format!("/api/v1/appeals/{id}/photos?keep_metadata=true"), "image/jpeg", jpeg_with_gps(), &[]).await;
    let kept_id = kept.body["id"].as_i64().unwrap();

    let served = handler.get_bytes(&format!("/appeals/photos/{photo}"), &[]).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(!has_gps(&served.body), "the place is gone");
    assert!(has_gps(&handler.get_bytes(&format!("/appeals/photos/{kept_id}"), &[]).await.body), "the worker chose to keep it");
    assert_eq!(stranger.get_bytes(&format!("/appeals/photos/{photo}"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.client().get_bytes(&format!("/appeals/photos/{photo}"), &[]).await.status, StatusCode::SEE_OTHER, "anyone else is sent to sign in");
    assert_eq!(handler.get(&format!("/api/v1/appeals/{id}/photos")).await.body.as_array().unwrap().len(), 2);
    // Staff do not add photos to a worker's appeal.
    let by_staff = handler.post_bytes(&format!("/api/v1/appeals/{id}/photos"), "image/jpeg", jpeg_with_gps(), &[]).await;
    assert_eq!(by_staff.status, StatusCode::FORBIDDEN);

    let text = rider.post_bytes(&format!("/api/v1/appeals/{id}/photos"), "image/jpeg", b"not an image at all".to_vec(), &[]).await;
    assert_eq!((text.status, text.code()), (StatusCode::UNPROCESSABLE_ENTITY, "photo_unsupported_format"));
    let mut huge = jpeg_with_gps();
    huge.resize(20 * 1024 * 1024, 0);
    let too_big = rider.post_bytes(&format!("/api/v1/appeals/{id}/photos"), "image/jpeg", huge, &[]).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", too_big.text);
    assert_eq!(too_big.code(), "body_too_large");
    assert_eq!(rider.get(&format!("/api/v1/appeals/{id}/photos")).await.body.as_array().unwrap().len(), 2, "the refused ones were not stored");
    let events: Vec<String> = rider.get(&format!("/api/v1/appeals/{id}/timeline")).await.body["items"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap().to_owned()).collect();
    assert_eq!(events, ["file", "photo", "photo"]);
}
