//! Reading a union's own list of stations: CSV (UTF-8, or GBK as Chinese Excel
//! saves it) and GeoJSON (RFC 7946). Parsing only: every row becomes a
//! [`DraftStation`] of texts, or a [`RowProblem`] naming its line and reason.
//! Checking the values (names, hours, amenities, organisations) is the
//! caller's, so the same rules apply to imports and to the forms.

use std::collections::BTreeMap;

use serde::Serialize;

use super::amenity::{Amenities, Amenity};
use crate::Invalid;

/// The text encodings an import may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextEncoding {
    Utf8,
    Gbk,
}

/// Decodes a CSV file: UTF-8 (with or without BOM), else GBK. A file in which
/// some lines are UTF-8 and others GBK is refused rather than half-garbled.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), Invalid> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), TextEncoding::Utf8));
    }
    // Not UTF-8 as a whole: if any line with non-ASCII bytes is valid UTF-8, the
    // file mixes encodings (a GBK file's Chinese is almost never valid UTF-8).
    let mixed = bytes
        .split(|b| *b == b'\n')
        .any(|line| !line.is_ascii() && std::str::from_utf8(line).is_ok());
    if mixed {
        return Err(Invalid::field("file", "mixed_encodings"));
    }
    let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
    if had_errors {
        return Err(Invalid::field("file", "unknown_encoding"));
    }
    Ok((text.into_owned(), TextEncoding::Gbk))
}

/// A station as the file states it, field by field, before checking.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DraftStation {
    pub external_id: Option<String>,
    /// The national code of an existing station to update.
    pub code: Option<String>,
    pub name: String,
    pub kind: String,
    /// The owner, by division code (`500103`) or by id.
    pub org: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub datum: Option<String>,
    pub opening_hours: String,
    pub follows_working_calendar: bool,
    pub amenities: String,
    pub manager_name: Option<String>,
    pub manager_phone: Option<String>,
    pub rules: String,
    pub status: Option<String>,
}

/// Why one row cannot be imported. `line` is the 1-based line of a CSV file (the
/// header is line 1) or the 1-based position of a GeoJSON feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: usize,
    pub field: Option<String>,
    pub code: &'static str,
}

impl RowProblem {
    pub fn new(line: usize, field: Option<&str>, code: &'static str) -> Self {
        Self { line, field: field.map(str::to_owned), code }
    }
}

/// What a file held: the rows that parsed, and the problems of the others.
/// A problem on line 1 (CSV header) or line 0 (the whole file) means no row was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Parsed {
    pub rows: Vec<(usize, DraftStation)>,
    pub problems: Vec<RowProblem>,
}

impl Parsed {
    fn file_problem(line: usize, field: Option<&str>, code: &'static str) -> Self {
        Self { rows: Vec::new(), problems: vec![RowProblem::new(line, field, code)] }
    }

    /// Splits off the rows that have a problem.
    fn settle(mut rows: Vec<(usize, DraftStation)>, problems: Vec<RowProblem>) -> Self {
        rows.retain(|(line, _)| !problems.iter().any(|p| p.line == *line));
        Self { rows, problems }
    }
}

/// The columns a file may have; each accepts its English name or a Chinese one.
const COLUMNS: &[(&str, &[&str])] = &[
    ("external_id", &["外部编号", "原编号"]),
    ("code", &["驿站编号", "编号", "全国编号"]),
    ("name", &["名称", "站点名称", "驿站名称"]),
    ("kind", &["类型"]),
    ("org", &["所属组织", "组织", "org_code", "org_id"]),
    ("address", &["地址"]),
    ("lat", &["纬度", "latitude"]),
    ("lng", &["经度", "longitude", "lon"]),
    ("datum", &["坐标系"]),
    ("opening_hours", &["开放时间"]),
    ("follows_working_calendar", &["按工作日历"]),
    ("amenities", &["服务设施", "设施"]),
    ("manager_name", &["管理员", "管理员姓名"]),
    ("manager_phone", &["管理员电话", "联系电话"]),
    ("rules", &["规章制度"]),
    ("status", &["状态"]),
];

const REQUIRED: &[&str] = &["name", "kind", "org", "address", "lat", "lng", "opening_hours"];

fn column(name: &str) -> Option<&'static str> {
    let name = name.trim();
    COLUMNS
        .iter()
        .find(|(english, chinese)| english.eq_ignore_ascii_case(name) || chinese.contains(&name))
        .map(|(english, _)| *english)
}

fn truthy(value: &str) -> Result<bool, ()> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "否" => Ok(false),
        "1" | "true" | "yes" | "是" => Ok(true),
        _ => Err(()),
    }
}

/// Fills a draft from `(column, text)` pairs; problems name their column.
fn draft_from(line: usize, cells: impl IntoIterator<Item = (&'static str, String)>, problems: &mut Vec<RowProblem>) -> DraftStation {
    let mut draft = DraftStation::default();
    for (column, value) in cells {
        let trimmed = value.trim().to_owned();
        let optional = || (!trimmed.is_empty()).then(|| trimmed.clone());
        match column {
            "external_id" => draft.external_id = optional(),
            "code" => draft.code = optional(),
            "name" => draft.name = trimmed,
            "kind" => draft.kind = trimmed,
            "org" => draft.org = trimmed,
            "address" => draft.address = trimmed,
            "lat" | "lng" => {
                let parsed = trimmed.parse::<f64>().ok().filter(|v| v.is_finite());
                if parsed.is_none() && !trimmed.is_empty() {
                    problems.push(RowProblem::new(line, Some(column), "invalid_number"));
                }
                if column == "lat" {
                    draft.lat = parsed;
                } else {
                    draft.lng = parsed;
                }
            }
            "datum" => draft.datum = optional(),
            "opening_hours" => draft.opening_hours = trimmed,
            "follows_working_calendar" => match truthy(&trimmed) {
                Ok(flag) => draft.follows_working_calendar = flag,
                Err(()) => problems.push(RowProblem::new(line, Some(column), "invalid_value")),
            },
            "amenities" => draft.amenities = trimmed,
            "manager_name" => draft.manager_name = optional(),
            "manager_phone" => draft.manager_phone = optional(),
            "rules" => draft.rules = value.trim().to_owned(),
            "status" => draft.status = optional(),
            _ => {}
        }
    }
    for required in REQUIRED {
        let missing = match *required {
            "name" => draft.name.is_empty(),
            "kind" => draft.kind.is_empty(),
            "org" => draft.org.is_empty(),
            "address" => draft.address.is_empty(),
            "lat" => draft.lat.is_none(),
            "lng" => draft.lng.is_none(),
            _ => draft.opening_hours.is_empty(),
        };
        if missing && !problems.iter().any(|p| p.line == line && p.field.as_deref() == Some(required)) {
            problems.push(RowProblem::new(line, Some(required), "required"));
        }
    }
    draft
}

/// Reads a CSV file (already decoded).
pub fn parse_csv(text: &str) -> Parsed {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(_) => return Parsed::file_problem(1, None, "invalid_csv"),
    };
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for header in &headers {
        match column(header) {
            Some(name) if columns.contains(&Some(name)) => problems.push(RowProblem::new(1, Some(header), "duplicate_column")),
            Some(name) => columns.push(Some(name)),
            None => problems.push(RowProblem::new(1, Some(header), "unknown_column")),
        }
    }
    for required in REQUIRED {
        if !columns.contains(&Some(*required)) {
            problems.push(RowProblem::new(1, Some(required), "missing_column"));
        }
    }
    if !problems.is_empty() {
        return Parsed { rows: Vec::new(), problems };
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line() as usize);
                problems.push(RowProblem::new(line, None, "invalid_csv"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cells = columns.iter().zip(record.iter()).filter_map(|(c, v)| c.map(|c| (c, v.to_owned())));
        let draft = draft_from(line, cells, &mut problems);
        rows.push((line, draft));
    }
    Parsed::settle(rows, problems)
}

/// Reads a GeoJSON FeatureCollection of Point features (RFC 7946: WGS-84,
/// `[longitude, latitude]`) whose properties carry the CSV columns' names.
pub fn parse_geojson(text: &str) -> Parsed {
    let Ok(parsed) = text.parse::<geojson::GeoJson>() else {
        return Parsed::file_problem(0, None, "invalid_geojson");
    };
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        return Parsed::file_problem(0, None, "not_a_feature_collection");
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let line = i + 1;
        let point = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::GeometryValue::Point { coordinates }) if coordinates.len() >= 2 => Some((coordinates[1], coordinates[0])),
            Some(geojson::GeometryValue::Point { .. }) => {
                problems.push(RowProblem::new(line, Some("geometry"), "invalid_geometry"));
                None
            }
            Some(_) => {
                problems.push(RowProblem::new(line, Some("geometry"), "geometry_not_point"));
                None
            }
            None => {
                problems.push(RowProblem::new(line, Some("geometry"), "required"));
                None
            }
        };
        let mut cells: Vec<(&'static str, String)> = Vec::new();
        for (key, value) in feature.properties.unwrap_or_default() {
            let Some(name) = column(&key) else {
                problems.push(RowProblem::new(line, Some(&key), "unknown_column"));
                continue;
            };
            if name == "lat" || name == "lng" || name == "datum" {
                problems.push(RowProblem::new(line, Some(&key), "coordinates_in_geometry"));
                continue;
            }
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                serde_json::Value::Object(map) if name == "amenities" => amenities_cell_from_object(&map),
                other => other.to_string(),
            };
            cells.push((name, text));
        }
        if let Some((lat, lng)) = point {
            cells.push(("lat", lat.to_string()));
            cells.push(("lng", lng.to_string()));
        }
        let draft = draft_from(line, cells, &mut problems);
        if point.is_none() {
            // The geometry's problem says it; missing coordinates would only repeat it.
            problems.retain(|p| !(p.line == line && matches!(p.field.as_deref(), Some("lat" | "lng"))));
        }
        rows.push((line, draft));
    }
    Parsed::settle(rows, problems)
}

fn amenities_cell_from_object(map: &serde_json::Map<String, serde_json::Value>) -> String {
    map.iter()
        .filter(|(_, v)| !matches!(v, serde_json::Value::Bool(false)))
        .map(|(k, v)| match v {
            serde_json::Value::Number(n) => format!("{k}={n}"),
            _ => k.clone(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Reads an amenities cell: `phone_charging;ev_chargers=3` (`;`, `,`, `、` or `|` between items).
pub fn parse_amenities_cell(cell: &str) -> Result<Amenities, Invalid> {
    let mut amenities = Amenities::default();
    for item in cell.split([';', ',', '、', '|']).map(str::trim).filter(|i| !i.is_empty()) {
        let (name, count) = match item.split_once('=') {
            Some((name, count)) => {
                let count = count.trim().parse::<u32>().map_err(|_| Invalid::field("amenities", "amenity_count_required"))?;
                (name.trim(), Some(count))
            }
            None => (item, None),
        };
        let amenity: Amenity = name.parse()?;
        amenities.insert(amenity, count)?;
    }
    Ok(amenities)
}

/// The amenities cell of an export: the inverse of [`parse_amenities_cell`].
pub fn amenities_cell(amenities: &Amenities) -> String {
    amenities
        .iter()
        .map(|(a, n)| match n {
            Some(n) => format!("{a}={n}"),
            None => a.as_str().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The columns of an export, in order (an export re-imports unchanged).
pub const EXPORT_COLUMNS: &[&str] = &[
    "external_id", "code", "name", "kind", "org", "address", "lat", "lng", "opening_hours", "follows_working_calendar",
    "amenities", "manager_name", "rules", "status",
];

/// Counts of problems by code, for a summary line.
pub fn summarise(problems: &[RowProblem]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for p in problems {
        *counts.entry(p.code).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "external_id,name,kind,org,address,lat,lng,opening_hours,amenities\n";

    #[test]
    fn a_utf8_file_with_a_bom_and_chinese_headers_reads() {
        let text = "\u{feff}外部编号,名称,类型,所属组织,地址,纬度,经度,开放时间,服务设施\nCQ-1,解放碑驿站,union_station,500103,民族路 166 号,29.5576,106.577,24/7,phone_charging;ev_chargers=3\n";
        let (decoded, encoding) = decode(text.as_bytes()).unwrap();
        assert_eq!(encoding, TextEncoding::Utf8);
        let rows = parse_csv(&decoded).rows;
        assert_eq!(rows.len(), 1);
        let (line, draft) = &rows[0];
        assert_eq!(*line, 2);
        assert_eq!(draft.name, "解放碑驿站");
        assert_eq!(draft.lat, Some(29.5576));
        assert_eq!(parse_amenities_cell(&draft.amenities).unwrap().count(Amenity::EvChargers), 3);
    }

    #[test]
    fn a_gbk_file_as_chinese_excel_saves_it_reads() {
        let text = format!("{HEADER}CQ-1,解放碑驿站,union_station,500103,民族路,29.5,106.5,24/7,\n");
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        assert!(std::str::from_utf8(&bytes).is_err(), "really GBK");
        let (decoded, encoding) = decode(&bytes).unwrap();
        assert_eq!(encoding, TextEncoding::Gbk);
        assert_eq!(parse_csv(&decoded).rows[0].1.name, "解放碑驿站");
    }

    #[test]
    fn a_file_mixing_utf8_and_gbk_lines_is_refused() {
        let (gbk_line, _, _) = encoding_rs::GBK.encode("CQ-2,较场口驿站,union_station,500103,较场口,29.5,106.5,24/7,\n");
        let mut bytes = format!("{HEADER}CQ-1,解放碑驿站,union_station,500103,民族路,29.5,106.5,24/7,\n").into_bytes();
        bytes.extend_from_slice(&gbk_line);
        assert_eq!(decode(&bytes).unwrap_err().code, "mixed_encodings");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_reason() {
        let text = format!(
            "{HEADER}CQ-1,好驿站,union_station,500103,民族路,29.5,106.5,24/7,\n,无坐标,union_station,500103,路,,106.5,24/7,\nCQ-3,坏纬度,union_station,500103,路,北纬,106.5,24/7,\n"
        );
        let parsed = parse_csv(&text);
        assert_eq!(parsed.problems, vec![RowProblem::new(3, Some("lat"), "required"), RowProblem::new(4, Some("lat"), "invalid_number")]);
        assert_eq!(parsed.rows.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![2], "the good row is kept apart");
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let problems = parse_csv("name,colour\nx,red\n").problems;
        assert!(problems.contains(&RowProblem::new(1, Some("colour"), "unknown_column")));
        assert!(problems.contains(&RowProblem::new(1, Some("lat"), "missing_column")));
    }

    #[test]
    fn geojson_points_read_and_polygons_are_refused() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.577,29.5576]},
             "properties":{"external_id":"CQ-1","name":"解放碑驿站","kind":"union_station","org":"500103","address":"民族路","opening_hours":"24/7","amenities":{"phone_charging":true,"ev_chargers":3}}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106,29],[107,29],[107,30],[106,29]]]},
             "properties":{"name":"一片区域","kind":"union_station","org":"500103","address":"x","opening_hours":"24/7"}}
        ]}"#;
        let parsed = parse_geojson(text);
        assert_eq!(parsed.problems, vec![RowProblem::new(2, Some("geometry"), "geometry_not_point")]);
        assert_eq!(parsed.rows.len(), 1);
        let only_point = text.replace(r#"{"type":"Polygon","coordinates":[[[106,29],[107,29],[107,30],[106,29]]]}"#, r#"{"type":"Point","coordinates":[106.5,29.5]}"#);
        let rows = parse_geojson(&only_point).rows;
        assert_eq!((rows[0].1.lat, rows[0].1.lng), (Some(29.5576), Some(106.577)), "longitude first in GeoJSON");
        assert_eq!(parse_amenities_cell(&rows[0].1.amenities).unwrap().count(Amenity::EvChargers), 3);
        assert_eq!(parse_geojson(r#"{"type":"Point","coordinates":[1,2]}"#).problems[0].code, "not_a_feature_collection");
    }

    #[test]
    fn amenity_cells_round_trip() {
        let amenities = parse_amenities_cell("phone_charging、ev_chargers=3|car_parking = 12").unwrap();
        assert_eq!(parse_amenities_cell(&amenities_cell(&amenities)).unwrap(), amenities);
        assert_eq!(parse_amenities_cell("sauna").unwrap_err().code, "unknown_amenity");
        assert_eq!(parse_amenities_cell("ev_chargers=lots").unwrap_err().code, "amenity_count_required");
    }
}
