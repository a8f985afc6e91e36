//! The dashboard of a subtree and period, and the CSV export of a queue:
//! figures that add up, a period refused when it makes no sense, and an export
//! that holds no hidden identity and no spreadsheet formula.

use reqwest::StatusCode;
use serde_json::json;
use waystation_domain::foundation::organisations::OrgKind;
use waystation_domain::foundation::people::Role;

use crate::common::TestServer;

#[tokio::test]
async fn the_dashboard_counts_a_subtrees_appeals_and_the_export_lists_them() {
    let server = TestServer::start().await;
    let national = server.org(None, OrgKind::National, "中华全国总工会").await;
    let city = server.org(Some(national.id), OrgKind::City, "江门市总工会").await;
    let riders = server.org(Some(city.id), OrgKind::IndustryUnion, "江门市新就业形态劳动者工会联合会").await;
    let elsewhere = server.org(Some(national.id), OrgKind::City, "厦门市总工会").await;
    let (_, rider) = server.user().phone("13966667777").role(Role::Worker, riders.id).signed_in().await;
    let (_, other) = server.user().role(Role::Worker, elsewhere.id).signed_in().await;
    let (_, handler) = server.user().role(Role::CaseHandler, riders.id).signed_in().await;
    let (_, city_staff) = server.user().role(Role::CaseHandler, city.id).signed_in().await;
    for (text, category) in [("=HYPERLINK(\"x\")", "other"), ("欠薪", "hardship"), ("平台", "other")] {
        let fields = json!({});
        let filed = rider.post("/api/v1/appeals", json!({"appeal_type": "help", "category": category, "text": text, "fields": fields, "hide_identity": true, "location": {"lat": 22.58, "lng": 113.08}})).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    }
    other.post("/api/v1/appeals", json!({"appeal_type": "help", "category": "other", "text": "厦门"})).await;
    let first = rider.get("/api/v1/appeals/mine").await.body["items"][0]["id"].clone();
    handler.post(&format!("/api/v1/appeals/{first}/events"), json!({"event": "accept"})).await;

    let dashboard = city_staff.get(&format!("/api/v1/orgs/{}/appeals/dashboard", city.id)).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text);
    let f = &dashboard.body["figures"];
    assert_eq!(f["total"], 3, "Xiamen's case is not Jiangmen's");
    assert_eq!(f["by_category"][0], json!({"key": "other", "count": 2}));
    assert_eq!(f["acceptance_rate"], 1.0);
    assert_eq!(f["by_union"][0]["open"], 3);
    assert_eq!(dashboard.body["unions"][0]["name"], "江门市新就业形态劳动者工会联合会");
    assert_eq!(f["heat"][0]["count"], 3);
    let bad = city_staff.get(&format!("/api/v1/orgs/{}/appeals/dashboard?from=2025-12-01&to=2025-01-01", city.id)).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_period_range"));
    assert_eq!(city_staff.get(&format!("/api/v1/orgs/{}/appeals/dashboard", elsewhere.id)).await.status, StatusCode::FORBIDDEN);

    // The city supervises: the export shows no contact of a hidden identity, and no formula.
    let csv = city_staff.get(&format!("/api/v1/orgs/{}/appeals/export.csv?queue=supervised", city.id)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.text.lines().count(), 4, "a header and three cases:\n{}", csv.text);
    assert!(!csv.text.contains("7777") && !csv.text.contains("13966667777"), "{}", csv.text);
    assert!(csv.text.starts_with('\u{feff}'));
    // The handler of the riders' union acts on them: it sees the masked contact.
    let own = handler.get(&format!("/api/v1/orgs/{}/appeals/export.csv?queue=own", riders.id)).await;
    assert!(own.text.contains("139****7777"), "{}", own.text);

    // The same list as an Excel workbook: a sheet of text cells, the hidden contact left out.
    let xlsx = city_staff.get_bytes(&format!("/api/v1/orgs/{}/appeals/export.xlsx?queue=supervised", city.id), &[]).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let cells = workbook_text(&xlsx.body);
    let numbers: Vec<&str> = csv.text.lines().skip(1).map(|line| line.split(',').next().unwrap().trim_matches('"')).collect();
    for number in &numbers {
        assert!(cells.contains(number), "{number} is in the workbook");
    }
    assert!(cells.contains("诉求编号"), "the header is in Chinese");
    assert!(!cells.contains("7777"), "no contact of a hidden identity");
    assert_eq!(city_staff.get_bytes(&format!("/api/v1/orgs/{}/appeals/export.xlsx", elsewhere.id), &[]).await.status, StatusCode::FORBIDDEN);
}

/// Every text of an XLSX workbook's sheets and shared strings.
fn workbook_text(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip archive");
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        if name.starts_with("xl/worksheets/") || name == "xl/sharedStrings.xml" {
            file.read_to_string(&mut text).unwrap();
        }
    }
    assert!(text.contains("<sheetData"), "a worksheet is there");
    text
}
