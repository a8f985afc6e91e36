//! Printable QR codes on the real server: the PNG and the PDF sheets are read
//! back with independent decoders (`png`, `lopdf`, `rqrr`) and must carry the
//! station's visit address, name and code; an organisation's sheets are for
//! its station staff only. SQLite always; PostgreSQL with
//! `WAYSTATION_TEST_DATABASE_URL`.

use crate::common::builders::{OrgTree, StationBuilder};
use crate::common::{Client, TestServer};
use lopdf::{Document, Object, ObjectId};
use reqwest::StatusCode;
use waystation_domain::foundation::organisations::{OrgId, OrgKind};
use waystation_domain::foundation::people::Role;
use waystation_domain::stations::StationStatus;

struct Place {
    server: TestServer,
    province: OrgId,
    other_province: OrgId,
    city: OrgId,
    /// Open, in the city.
    station: i64,
    code: String,
}

impl Place {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let tree = OrgTree::create(&server).await;
        let station = StationBuilder::new("解放碑驿站", tree.city).create(&server).await;
        let code = station.code.as_str().to_owned();
        Self { server, province: tree.province, other_province: tree.other_province, city: tree.city, station: station.id, code }
    }

    async fn add_station(&self, org: OrgId, name: &str, status: StationStatus) -> i64 {
        StationBuilder::new(name, org).status(status).create(&self.server).await.id
    }

    /// A client signed in as a new person holding `role` on `org`.
    async fn holder(&self, role: Role, org: OrgId) -> Client {
        self.server.user().role(role, org).signed_in().await.1
    }

    /// The address the station's QR code must hold when asked over plain HTTP.
    fn visit_url(&self, id: i64, code: &str) -> String {
        format!("{}/stations/{id}/visit?c={code}", self.server.base)
    }
}

/// The QR codes found in a greyscale picture, decoded.
fn read_qr(width: usize, height: usize, pixel: impl FnMut(usize, usize) -> u8) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    image.detect_grids().iter().map(|grid| grid.decode().expect("the code decodes").1).collect()
}

/// A PNG's size and its pixels as 8-bit grey.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    buf.truncate(frame.buffer_size());
    (frame.width as usize, frame.height as usize, buf)
}

/// What one PDF page holds: its text, as shown in each font, and the
/// rectangles it fills.
struct PdfPage {
    text: String,
    filled: Vec<[f32; 4]>,
}

/// Reads every page of a PDF; CJK text is decoded from UCS-2 with the font's
/// encoding, and the CJK font must be STSong-Light over `UniGB-UCS2-H`.
fn read_pdf(bytes: &[u8]) -> Vec<PdfPage> {
    let doc = Document::load_mem(bytes).expect("a well-formed PDF");
    doc.get_pages().values().map(|&id| read_page(&doc, id)).collect()
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).unwrap().1
}

fn read_page(doc: &Document, id: ObjectId) -> PdfPage {
    let page = doc.get_dictionary(id).unwrap();
    let media: Vec<f32> = resolve(doc, page.get(b"MediaBox").unwrap()).as_array().unwrap().iter().map(|n| n.as_float().unwrap()).collect();
    assert!((media[2] - 595.28).abs() < 0.5 && (media[3] - 841.89).abs() < 0.5, "A4 (210 × 297 mm): {media:?}");

    let mut cjk_fonts = Vec::new();
    for (name, font) in doc.get_page_fonts(id).unwrap() {
        if font.get(b"Subtype").unwrap().as_name().unwrap() != b"Type0" {
            continue;
        }
        assert_eq!(font.get(b"Encoding").unwrap().as_name().unwrap(), b"UniGB-UCS2-H");
        let descendants = resolve(doc, font.get(b"DescendantFonts").unwrap()).as_array().unwrap();
        let cid = resolve(doc, &descendants[0]).as_dict().unwrap();
        assert_eq!(cid.get(b"Subtype").unwrap().as_name().unwrap(), b"CIDFontType0");
        assert_eq!(cid.get(b"BaseFont").unwrap().as_name().unwrap(), b"STSong-Light");
        let info = resolve(doc, cid.get(b"CIDSystemInfo").unwrap()).as_dict().unwrap();
        assert_eq!(info.get(b"Ordering").unwrap().as_str().unwrap(), b"GB1");
        let descriptor = resolve(doc, cid.get(b"FontDescriptor").unwrap()).as_dict().unwrap();
        assert!(!descriptor.has(b"FontFile") && !descriptor.has(b"FontFile2") && !descriptor.has(b"FontFile3"), "the font is not embedded");
        cjk_fonts.push(name);
    }
    assert!(!cjk_fonts.is_empty(), "the page uses the CJK font");

    let content = lopdf::content::Content::decode(&doc.get_page_content(id).unwrap()).unwrap();
    let mut text = String::new();
    let mut cjk = false;
    let mut path = Vec::new();
    let mut filled = Vec::new();
    for op in content.operations {
        let numbers = || op.operands.iter().map(|o| o.as_float().unwrap()).collect::<Vec<f32>>();
        match op.operator.as_str() {
            "Tf" => cjk = cjk_fonts.iter().any(|f| f.as_slice() == op.operands[0].as_name().unwrap()),
            "Tj" => {
                let bytes = op.operands[0].as_str().unwrap();
                if cjk {
                    let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
                    text.push_str(&String::from_utf16(&units).unwrap());
                } else {
                    text.extend(bytes.iter().map(|&b| b as char));
                }
            }
            "ET" => text.push('\n'),
            "re" => path.push(<[f32; 4]>::try_from(numbers()).unwrap()),
            "f" => filled.append(&mut path),
            "S" | "n" => path.clear(),
            _ => {}
        }
    }
    PdfPage { text, filled }
}

/// Paints the filled rectangles black on white at `scale` pixels a point,
/// with a white margin, and reads the QR code they draw.
fn read_qr_squares(filled: &[[f32; 4]]) -> Vec<String> {
    assert!(filled.len() > 50, "the code is drawn as squares: {} rectangles", filled.len());
    let scale = 2.0;
    let margin = 30.0;
    let left = filled.iter().map(|r| r[0]).fold(f32::MAX, f32::min) - margin;
    let bottom = filled.iter().map(|r| r[1]).fold(f32::MAX, f32::min) - margin;
    let right = filled.iter().map(|r| r[0] + r[2]).fold(f32::MIN, f32::max) + margin;
    let top = filled.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max) + margin;
    let (width, height) = (((right - left) * scale) as usize, ((top - bottom) * scale) as usize);
    let mut pixels = vec![255u8; width * height];
    for r in filled {
        // A pixel is dark when its centre lies inside the square (PDF y grows upwards).
        let x0 = ((r[0] - left) * scale - 0.5).ceil() as usize;
        let x1 = ((r[0] + r[2] - left) * scale - 0.5).ceil() as usize;
        let y0 = ((top - r[1] - r[3]) * scale - 0.5).ceil() as usize;
        let y1 = ((top - r[1]) * scale - 0.5).ceil() as usize;
        for y in y0..y1.min(height) {
            pixels[y * width + x0..y * width + x1.min(width)].fill(0);
        }
    }
    read_qr(width, height, |x, y| pixels[y * width + x])
}

#[tokio::test]
async fn the_png_is_the_visit_address_in_whole_pixel_modules_at_the_asked_size() {
    let place = Place::new().await;
    let anyone = place.server.client();
    let path = format!("/api/v1/stations/{}/qr.png", place.station);

    let png = anyone.get_bytes(&path, &[]).await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(png.content_type(), "image/png");
    let (width, height, pixels) = decode_png(&png.body);
    assert_eq!((width, height), (512, 512), "512 pixels by default");
    assert!(pixels.iter().all(|&p| p == 0 || p == 255), "pure black and white, no blur");
    assert!(pixels[..width * 8].iter().all(|&p| p == 255), "a white quiet zone at the top");
    assert_eq!(read_qr(width, height, |x, y| pixels[y * width + x]), [place.visit_url(place.station, &place.code)]);

    // Behind an HTTPS proxy the address is https, as the SVG's is.
    let https = anyone.get_bytes(&format!("{path}?size=200"), &[("x-forwarded-proto", "https")]).await;
    let (width, height, pixels) = decode_png(&https.body);
    assert_eq!((width, height), (200, 200));
    let host = place.server.base.trim_start_matches("http://");
    assert_eq!(read_qr(width, height, |x, y| pixels[y * width + x]), [format!("https://{host}/stations/{}/visit?c={}", place.station, place.code)]);
}

#[tokio::test]
async fn a_png_size_outside_128_to_2048_pixels_is_refused_with_422() {
    let place = Place::new().await;
    let anyone = place.server.client();
    for size in ["127", "2049", "0", "100000", "-5", "big", "512.5"] {
        let answer = anyone.get(&format!("/api/v1/stations/{}/qr.png?size={size}", place.station)).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "size {size}");
        assert_eq!(answer.code(), "invalid_qr_size");
        assert!(answer.body["fields"]["size"].is_string(), "{answer:?}");
        assert!(answer.body["message"].as_str().unwrap().contains("2048"), "the message names the range: {answer:?}");
    }
    for size in ["128", "2048"] {
        let png = anyone.get_bytes(&format!("/api/v1/stations/{}/qr.png?size={size}", place.station), &[]).await;
        assert_eq!(png.status, StatusCode::OK, "size {size}");
        assert_eq!(decode_png(&png.body).0.to_string(), size);
    }
    let missing = anyone.get("/api/v1/stations/999999/qr.png").await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "station_not_found"));
}

#[tokio::test]
async fn the_pdf_sheet_is_a4_in_the_cjk_font_with_name_code_address_and_a_vector_qr_code() {
    let place = Place::new().await;
    let anyone = place.server.client();
    let path = format!("/api/v1/stations/{}/qr.pdf", place.station);
    let pdf = anyone.get_bytes(&path, &[]).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    let pages = read_pdf(&pdf.body);
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    for expected in ["解放碑驿站", place.code.as_str(), "解放碑步行街 1 号", "扫码登记到站", "驿站编号"] {
        assert!(page.text.contains(expected), "{expected} in:\n{}", page.text);
    }
    assert_eq!(read_qr_squares(&page.filled), [place.visit_url(place.station, &place.code)]);
    assert!(!String::from_utf8_lossy(&pdf.body).contains("/Image"), "no bitmap");

    // The instruction follows the caller's language; the name stays Chinese.
    let english = read_pdf(&anyone.get_bytes(&path, &[("accept-language", "en")]).await.body);
    assert!(english[0].text.contains("Scan to check in at this station") && english[0].text.contains("解放碑驿站"), "{}", english[0].text);
}

#[tokio::test]
async fn characters_beyond_ucs2_print_as_a_placeholder_and_unlisted_stations_stay_hidden() {
    let place = Place::new().await;
    let anyone = place.server.client();
    // 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane.
    let rare = place.add_station(place.city, "𠮷祥驿站", StationStatus::Open).await;
    let pdf = anyone.get_bytes(&format!("/api/v1/stations/{rare}/qr.pdf"), &[]).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(read_pdf(&pdf.body)[0].text.contains("〓祥驿站"));

    let planned = place.add_station(place.city, "筹建驿站", StationStatus::Planned).await;
    for kind in ["png", "pdf"] {
        let hidden = anyone.get_bytes(&format!("/api/v1/stations/{planned}/qr.{kind}"), &[]).await;
        assert_eq!((hidden.status, hidden.code()), (StatusCode::NOT_FOUND, "station_not_found".to_owned()), "{kind}");
    }
    let manager = place.holder(Role::StationManager, place.city).await;
    assert_eq!(manager.get_bytes(&format!("/api/v1/stations/{planned}/qr.pdf"), &[]).await.status, StatusCode::OK, "its staff print it before it opens");
}

#[tokio::test]
async fn an_organisation_prints_a_sheet_per_listed_station_of_its_subtree_for_its_staff_only() {
    let place = Place::new().await;
    let district = place.server.org(Some(place.city), OrgKind::District, "甲区").await.id;
    let suspended = place.add_station(district, "朝天门驿站", StationStatus::Suspended).await;
    place.add_station(place.city, "筹建驿站", StationStatus::Planned).await;
    place.add_station(place.other_province, "乙省驿站", StationStatus::Open).await;
    let path = format!("/api/v1/orgs/{}/stations/qr.pdf", place.province);

    let staff = place.holder(Role::StationManager, place.province).await;
    let pdf = staff.get_bytes(&path, &[]).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let pages = read_pdf(&pdf.body);
    let suspended_code = place.server.store.get_station(suspended).await.unwrap().code.as_str().to_owned();
    let mut expected = vec![(place.code.clone(), place.station, "解放碑驿站"), (suspended_code, suspended, "朝天门驿站")];
    expected.sort();
    assert_eq!(pages.len(), 2, "open and suspended stations of the subtree, not planned ones nor others'");
    for (page, (code, id, name)) in pages.iter().zip(&expected) {
        assert!(page.text.contains(name) && page.text.contains(code.as_str()), "by code: {name} in\n{}", page.text);
        assert_eq!(read_qr_squares(&page.filled), [place.visit_url(*id, code)]);
    }

    let worker = place.holder(Role::Worker, place.province).await;
    let outsider = place.holder(Role::OrgAdmin, place.other_province).await;
    assert_eq!(worker.get_bytes(&path, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(outsider.get_bytes(&path, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(place.server.client().get_bytes(&path, &[]).await.status, StatusCode::UNAUTHORIZED);
    let missing = staff.get_bytes("/api/v1/orgs/999999/stations/qr.pdf", &[]).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "org_not_found".to_owned()));

    // An organisation with nothing listed has nothing to print.
    let empty = place.server.org(Some(place.city), OrgKind::District, "乙区").await.id;
    let nothing = staff.get_bytes(&format!("/api/v1/orgs/{empty}/stations/qr.pdf"), &[]).await;
    assert_eq!((nothing.status, nothing.code()), (StatusCode::UNPROCESSABLE_ENTITY, "no_stations_to_print".to_owned()));
}

#[tokio::test]
async fn more_than_two_thousand_sheets_at_once_are_refused_with_422() {
    let place = Place::new().await;
    let district = place.server.org(Some(place.city), OrgKind::District, "大区").await.id;
    let rows = (0..2000)
        .map(|i| {
            StationBuilder::new(&format!("批量驿站{i}"), district).address("某路 1 号").location(29.5, 106.5).hours("24/7").input()
        })
        .collect();
    place.server.store.import_stations(None, rows, StationStatus::Open).await.unwrap();
    let staff = place.holder(Role::OrgAdmin, place.province).await;

    // The district's 2,000 print; with the city's one more, the province's 2,001 do not.
    let district_pdf = staff.get_bytes(&format!("/api/v1/orgs/{district}/stations/qr.pdf"), &[]).await;
    assert_eq!(district_pdf.status, StatusCode::OK);
    assert_eq!(Document::load_mem(&district_pdf.body).unwrap().get_pages().len(), 2000);
    let refused = staff.get(&format!("/api/v1/orgs/{}/stations/qr.pdf", place.province)).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "too_many_stations_to_print"));
    assert!(refused.body["message"].as_str().unwrap().contains("2000"), "{refused:?}");
}

#[tokio::test]
async fn the_poster_links_to_the_png_and_the_pdf() {
    let place = Place::new().await;
    let poster = place.server.client().get(&format!("/stations/{}/poster", place.station)).await;
    assert_eq!(poster.status, StatusCode::OK);
    for link in [format!("href=\"/api/v1/stations/{}/qr.png\"", place.station), format!("href=\"/api/v1/stations/{}/qr.pdf\"", place.station)] {
        assert!(poster.text.contains(&link), "{link}");
    }
    assert!(poster.text.contains("下载 A4 打印页（PDF）"));
}
