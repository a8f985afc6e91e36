//! Printable QR codes of stations: a crisp PNG, and A4 PDF sheets with the
//! station's name, national code, address and a one-line instruction — one
//! station at a time, or every listed station of an organisation's subtree in
//! one document for printing a district's posters in one go.
//!
//! The rendering is pure (`QrMatrix`, `png`, `pdf`): no I/O, tested without
//! HTTP. The QR code holds the same visit address as the SVG (`visit_url`).
//!
//! The PDF draws the QR code as vector squares (one filled path, so no seams
//! between modules) and writes its text in `STSong-Light`, one of the Adobe
//! CJK fonts every PDF reader supplies: a non-embedded Type0 font over a
//! CIDFontType0 with the `UniGB-UCS2-H` encoding and the `Adobe-GB1`
//! character collection, as iText and ReportLab write Simplified Chinese. No
//! font file ships or is embedded; the text is UCS-2 big-endian, and a
//! `ToUnicode` map keeps it searchable and copyable.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use serde::Deserialize;
use utoipa::IntoParams;
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::stations::StationStatus;
use waystation_domain::Invalid;
use waystation_storage::{Station, StationListFilter};

use super::transfer::first_stations;
use super::using::{public_origin, visible_station, visit_url};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::i18n::{t, Lang};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::state::AppState;

/// Edge lengths a PNG may be asked for, in pixels.
pub const PNG_SIZES: RangeInclusive<u32> = 128..=2048;
pub const PNG_DEFAULT_SIZE: u32 = 512;
/// The most sheets one organisation PDF holds.
pub const MAX_SHEETS: usize = 2000;
/// White modules around the code, as ISO/IEC 18004 asks.
const QUIET_ZONE: usize = 4;

// ---- the code itself ----

/// The modules of a QR code, row by row (`true` is dark), without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// The code of a text, at error correction level M (as the SVG).
    pub fn encode(text: &str) -> Result<Self, ApiError> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| ApiError::internal(&e))?;
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Ok(Self { width: code.width(), dark })
    }

    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// Each row's runs of dark modules as `(row, first column, length)`.
    fn dark_runs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        (0..self.width).flat_map(move |y| {
            let mut runs = Vec::new();
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
            runs
        })
    }
}

// ---- PNG ----

/// The code as a `size`×`size` black-and-white PNG: every module the same
/// whole number of pixels, centred, with at least the quiet zone around it.
/// `size` is clamped to at least the code with its quiet zone at one pixel a module.
pub fn png(matrix: &QrMatrix, size: u32) -> Result<Vec<u8>, ApiError> {
    let modules = matrix.width();
    let edge = (size as usize).max(modules + 2 * QUIET_ZONE);
    let module = edge / (modules + 2 * QUIET_ZONE);
    let offset = (edge - module * modules) / 2;
    // One bit a pixel, 1 = white; rows padded to whole bytes.
    let stride = edge.div_ceil(8);
    let mut pixels = vec![0xFF_u8; stride * edge];
    for (my, mx, run) in matrix.dark_runs() {
        let top = offset + my * module;
        let left = offset + mx * module;
        for y in top..top + module {
            for x in left..left + run * module {
                pixels[y * stride + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let mut out = Vec::new();
    let side = u32::try_from(edge).map_err(|e| ApiError::internal(&e))?;
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| ApiError::internal(&e))?;
    writer.write_image_data(&pixels).map_err(|e| ApiError::internal(&e))?;
    writer.finish().map_err(|e| ApiError::internal(&e))?;
    Ok(out)
}

// ---- PDF ----

/// What one sheet shows of its station.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub code: String,
    pub address: String,
    /// The visit address the QR code holds (printed small beneath it too).
    pub url: String,
}

/// A sheet's fixed texts, in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct SheetTexts {
    pub union: &'static str,
    pub instruction: &'static str,
    pub hint: &'static str,
    pub code_label: &'static str,
}

impl SheetTexts {
    pub fn of(lang: Lang) -> Self {
        Self {
            union: t(lang, "poster.union"),
            instruction: t(lang, "qr_sheet.instruction"),
            hint: t(lang, "poster.hint"),
            code_label: t(lang, "poster.code"),
        }
    }
}

/// A4 in points (1/72 inch).
pub const A4: (f32, f32) = (595.276, 841.89);
const MM: f32 = 72.0 / 25.4;
const MARGIN: f32 = 15.0 * MM;
const RED: (f32, f32, f32) = (0.702, 0.149, 0.118);
const SONG: Name<'static> = Name(b"F1");
const COURIER: Name<'static> = Name(b"F2");

/// Characters UCS-2 cannot carry (outside the Basic Multilingual Plane) print
/// as 〓, the mark Chinese typesetting uses for a missing character.
const REPLACEMENT: char = '\u{3013}';

/// The characters of a text as the CJK font prints them: control characters
/// become spaces, characters beyond the BMP become [`REPLACEMENT`].
fn printable(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().map(|c| match c {
        c if c.is_control() => ' ',
        c if u32::from(c) > 0xFFFF => REPLACEMENT,
        c => c,
    })
}

/// The bytes of a text for `UniGB-UCS2-H`: UCS-2 big-endian.
fn ucs2(text: &str) -> Vec<u8> {
    printable(text).flat_map(|c| (u32::from(c) as u16).to_be_bytes()).collect()
}

/// Advance of a character in STSong-Light, in thousandths of the font size:
/// printable ASCII (CIDs 1–95) is half width, as the font's `/W` says; the
/// rest is the default full width.
fn song_advance(c: char) -> f32 {
    if (' '..='~').contains(&c) {
        500.0
    } else {
        1000.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Face {
    Song,
    Courier,
}

impl Face {
    fn width(self, text: &str, size: f32) -> f32 {
        match self {
            Face::Song => printable(text).map(song_advance).sum::<f32>() * size / 1000.0,
            // Courier is 600 units a character.
            Face::Courier => text.chars().count() as f32 * 600.0 * size / 1000.0,
        }
    }

    fn name(self) -> Name<'static> {
        match self {
            Face::Song => SONG,
            Face::Courier => COURIER,
        }
    }

    fn bytes(self, text: &str) -> Vec<u8> {
        match self {
            Face::Song => ucs2(text),
            Face::Courier => text.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c as u8 } else { b'?' }).collect(),
        }
    }
}

/// Breaks a text into lines no wider than `max` at `size`: anywhere between
/// Chinese characters, at a space inside Latin words when there is one.
fn wrap(face: Face, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if line.is_empty() || face.width(&candidate, size) <= max {
            line = candidate;
            continue;
        }
        let inside_word = c.is_ascii_alphanumeric() && line.ends_with(|p: char| p.is_ascii_alphanumeric());
        match line.rfind(' ').filter(|_| inside_word) {
            Some(space) => {
                let rest = line[space + 1..].to_owned();
                line.truncate(space);
                lines.push(std::mem::take(&mut line));
                line = rest;
                line.push(c);
            }
            None => {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                if c != ' ' {
                    line.push(c);
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest size from `sizes` at which the text fits in `width` and, at
/// `leading` times the size a line, in `height`; at the smallest size, the
/// lines that fit, the last one ending in "…".
fn fit(face: Face, text: &str, sizes: &[f32], width: f32, height: f32, leading: f32) -> (f32, Vec<String>) {
    let max_lines = |size: f32| ((height / (size * leading)).floor() as usize).max(1);
    for &size in sizes {
        let lines = wrap(face, text, size, width);
        if lines.len() <= max_lines(size) {
            return (size, lines);
        }
    }
    let size = *sizes.last().expect("at least one size");
    let mut lines = wrap(face, text, size, width);
    lines.truncate(max_lines(size));
    if let Some(last) = lines.last_mut() {
        while !last.is_empty() && face.width(&format!("{last}…"), size) > width {
            last.pop();
        }
        last.push('…');
    }
    (size, lines)
}

/// Draws text centred on the page at baseline `y`.
fn centred(content: &mut Content, face: Face, size: f32, text: &str, y: f32) {
    let x = (A4.0 - face.width(text, size)) / 2.0;
    content.begin_text();
    content.set_font(face.name(), size);
    content.next_line(x, y);
    content.show(Str(&face.bytes(text)));
    content.end_text();
}

/// Where on the page the QR code's frame stands, and its side (points).
const QR_FRAME: f32 = 140.0 * MM;
const QR_PADDING: f32 = 6.0 * MM;

/// One sheet's drawing.
fn sheet_content(sheet: &Sheet, texts: &SheetTexts) -> Result<Content, ApiError> {
    let matrix = QrMatrix::encode(&sheet.url)?;
    let width = A4.0 - 2.0 * MARGIN;
    let mut c = Content::new();
    let mut y = A4.1 - MARGIN - 14.0;

    c.set_fill_rgb(RED.0, RED.1, RED.2);
    centred(&mut c, Face::Song, 14.0, texts.union, y);
    c.set_fill_gray(0.0);

    // The name, in a heavier stroke; long names wrap and shrink.
    let (size, lines) = fit(Face::Song, &sheet.name, &[30.0, 26.0, 22.0, 18.0], width, 75.0, 1.2);
    y -= 14.0 + size;
    c.set_text_rendering_mode(TextRenderingMode::FillStroke);
    c.set_line_width(size * 0.025);
    for line in &lines {
        centred(&mut c, Face::Song, size, line, y);
        y -= size * 1.2;
    }
    c.set_text_rendering_mode(TextRenderingMode::Fill);

    let (size, lines) = fit(Face::Song, &sheet.address, &[13.0, 11.0, 9.0], width, 46.0, 1.35);
    c.set_fill_gray(0.2);
    y -= 2.0;
    for line in &lines {
        centred(&mut c, Face::Song, size, line, y);
        y -= size * 1.35;
    }
    c.set_fill_gray(0.0);

    // The frame, then the code inside it: white quiet zone, dark squares.
    let top = y - 4.0 * MM + size * 0.35;
    let left = (A4.0 - QR_FRAME) / 2.0;
    c.set_stroke_rgb(RED.0, RED.1, RED.2);
    c.set_line_width(1.0 * MM);
    c.rect(left, top - QR_FRAME, QR_FRAME, QR_FRAME);
    c.stroke();
    c.set_stroke_gray(0.0);
    let inner = QR_FRAME - 2.0 * QR_PADDING;
    let module = inner / (matrix.width() + 2 * QUIET_ZONE) as f32;
    let origin_x = left + QR_PADDING + QUIET_ZONE as f32 * module;
    let origin_y = top - QR_PADDING - QUIET_ZONE as f32 * module;
    for (row, column, run) in matrix.dark_runs() {
        c.rect(origin_x + column as f32 * module, origin_y - (row + 1) as f32 * module, run as f32 * module, module);
    }
    c.fill_nonzero();
    y = top - QR_FRAME - 10.0 * MM;

    c.set_text_rendering_mode(TextRenderingMode::FillStroke);
    c.set_line_width(0.5);
    let (size, lines) = fit(Face::Song, texts.instruction, &[22.0, 18.0], width, 22.0, 1.2);
    for line in &lines {
        centred(&mut c, Face::Song, size, line, y);
    }
    c.set_text_rendering_mode(TextRenderingMode::Fill);
    y -= 8.0 * MM;

    c.set_fill_gray(0.2);
    let (size, lines) = fit(Face::Song, texts.hint, &[11.0, 10.0], width, 47.0, 1.4);
    for line in &lines {
        centred(&mut c, Face::Song, size, line, y);
        y -= size * 1.4;
    }
    c.set_fill_gray(0.0);
    y -= 6.0 * MM;

    // "驿站编号 500103-00042": the label in the CJK font, the code in Courier.
    let label = format!("{} ", texts.code_label);
    let label_width = Face::Song.width(&label, 16.0);
    let x = (A4.0 - label_width - Face::Courier.width(&sheet.code, 16.0)) / 2.0;
    c.begin_text();
    c.set_font(SONG, 16.0);
    c.next_line(x, y);
    c.show(Str(&Face::Song.bytes(&label)));
    c.set_font(COURIER, 16.0);
    c.show(Str(&Face::Courier.bytes(&sheet.code)));
    c.end_text();

    // The address in small print at the foot, for those who type it.
    c.set_fill_gray(0.4);
    let lines = wrap(Face::Courier, &sheet.url, 8.0, width);
    let mut y = MARGIN + (lines.len().saturating_sub(1)) as f32 * 10.0;
    for line in &lines {
        centred(&mut c, Face::Courier, 8.0, line, y);
        y -= 10.0;
    }
    Ok(c)
}

/// An A4 PDF with one sheet per station, in order; `title` names the document.
pub fn pdf(title: &str, sheets: &[Sheet], texts: &SheetTexts) -> Result<Vec<u8>, ApiError> {
    let mut next = 0;
    let mut alloc = || {
        next += 1;
        Ref::new(next)
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let type0 = alloc();
    let cid_font = alloc();
    let descriptor = alloc();
    let to_unicode = alloc();
    let courier = alloc();
    let pages: Vec<(Ref, Ref)> = sheets.iter().map(|_| (alloc(), alloc())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("Waystation"));
    pdf.pages(tree).kids(pages.iter().map(|(page, _)| *page)).count(i32::try_from(pages.len()).map_err(|e| ApiError::internal(&e))?);

    let mut used = BTreeSet::new();
    for (sheet, (page, content_ref)) in sheets.iter().zip(&pages) {
        for text in [&sheet.name, &sheet.address] {
            used.extend(printable(text));
        }
        let content = sheet_content(sheet, texts)?.finish();
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 6);
        pdf.stream(*content_ref, &compressed).filter(Filter::FlateDecode);
        // Size and fonts on every page rather than inherited: simple readers find them.
        let mut page = pdf.page(*page);
        page.parent(tree).media_box(Rect::new(0.0, 0.0, A4.0, A4.1)).contents(*content_ref);
        page.resources().fonts().pair(SONG, type0).pair(COURIER, courier);
    }
    for text in [texts.union, texts.instruction, texts.hint, texts.code_label, " "] {
        used.extend(printable(text));
    }

    // STSong-Light, not embedded: readers bring the glyphs.
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"GB1"), supplement: 2 };
    pdf.type0_font(type0)
        .base_font(Name(b"STSong-Light-UniGB-UCS2-H"))
        .encoding_predefined(Name(b"UniGB-UCS2-H"))
        .descendant_font(cid_font)
        .to_unicode(to_unicode);
    let mut cid = pdf.cid_font(cid_font);
    cid.subtype(CidFontType::Type0).base_font(Name(b"STSong-Light")).system_info(system_info).font_descriptor(descriptor).default_width(1000.0);
    cid.widths().same(1, 95, 500.0);
    cid.finish();
    pdf.font_descriptor(descriptor)
        .name(Name(b"STSong-Light"))
        .flags(FontFlags::SERIF | FontFlags::SYMBOLIC)
        .bbox(Rect::new(-25.0, -254.0, 1000.0, 880.0))
        .italic_angle(0.0)
        .ascent(752.0)
        .descent(-271.0)
        .cap_height(737.0)
        .x_height(553.0)
        .stem_v(58.0);
    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Waystation-UCS2"), system_info);
    for c in used {
        cmap.pair(u32::from(c) as u16, c);
    }
    pdf.cmap(to_unicode, &cmap.finish());
    pdf.type1_font(courier).base_font(Name(b"Courier")).encoding_predefined(Name(b"WinAnsiEncoding"));
    Ok(pdf.finish())
}

fn sheet_of(station: &Station, origin: &str) -> Sheet {
    Sheet { name: station.name.clone(), code: station.code.as_str().to_owned(), address: station.address.clone(), url: visit_url(origin, station) }
}

// ---- the API ----

#[derive(Debug, Deserialize, IntoParams)]
pub struct PngParams {
    /// Edge length in pixels, 128 to 2048 (default 512). Every module is the
    /// same whole number of pixels; the rest is white margin.
    #[param(value_type = Option<u32>)]
    pub size: Option<String>,
}

impl PngParams {
    /// The asked size; anything but a whole number in [`PNG_SIZES`] is refused the same way.
    fn size(&self) -> Result<u32, Invalid> {
        match self.size.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(PNG_DEFAULT_SIZE),
            Some(text) => text.parse().ok().filter(|size| PNG_SIZES.contains(size)).ok_or(Invalid::field("size", "invalid_qr_size")),
        }
    }
}

/// The station's QR code as a PNG: the same visit address as the SVG, in
/// crisp black and white for print and for messages.
#[utoipa::path(get, path = "/api/v1/stations/{id}/qr.png", tag = "station use", params(("id" = i64, Path), PngParams),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_qr_png(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<PngParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let size = params.size()?;
    let station = visible_station(&state, id, user.as_ref()).await?;
    let matrix = QrMatrix::encode(&visit_url(&public_origin(&state, &headers)?, &station))?;
    let body = png(&matrix, size)?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, max-age=3600")], body).into_response())
}

fn pdf_response(body: Vec<u8>, file: &str) -> Response {
    let disposition = format!("inline; filename=\"{file}.pdf\"");
    ([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "private, no-cache".to_owned())], body)
        .into_response()
}

/// An A4 sheet to print and post at the station: its name, national code and
/// address, "scan to check in" in the caller's language, and the QR code drawn
/// as vector squares.
#[utoipa::path(get, path = "/api/v1/stations/{id}/qr.pdf", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn api_qr_pdf(State(state): State<AppState>, lang: Lang, MaybeUser(user): MaybeUser, ApiPath(id): ApiPath<i64>, headers: HeaderMap) -> Result<Response, ApiError> {
    let station = visible_station(&state, id, user.as_ref()).await?;
    let sheet = sheet_of(&station, &public_origin(&state, &headers)?);
    let body = pdf(&station.name, &[sheet], &SheetTexts::of(lang))?;
    Ok(pdf_response(body, &format!("station-{}", station.code.as_str())))
}

/// The sheets of every listed (open or suspended) station of an organisation's
/// subtree, by national code, in one PDF (its station staff; at most 2,000).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/stations/qr.pdf", tag = "station use", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_org_qr_pdf(State(state): State<AppState>, lang: Lang, user: CurrentUser, ApiPath(id): ApiPath<OrgId>, headers: HeaderMap) -> Result<Response, ApiError> {
    let org = state.store.get_org(id).await?;
    user.require(Action::ViewStationRecords, &org.path)?;
    let origin = public_origin(&state, &headers)?;
    let mut stations = Vec::new();
    for status in [StationStatus::Open, StationStatus::Suspended] {
        let filter = StationListFilter { within: Some(id), status: Some(status), ..Default::default() };
        stations.extend(first_stations(state.store.as_ref(), &filter, MAX_SHEETS + 1 - stations.len()).await?);
        if stations.len() > MAX_SHEETS {
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "too_many_stations_to_print"));
        }
    }
    if stations.is_empty() {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_stations_to_print"));
    }
    stations.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let sheets: Vec<Sheet> = stations.iter().map(|s| sheet_of(s, &origin)).collect();
    let title = format!("{} · {}", org.name, t(lang, "poster.title"));
    let body = pdf(&title, &sheets, &SheetTexts::of(lang))?;
    Ok(pdf_response(body, &format!("stations-{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> SheetTexts {
        SheetTexts::of(Lang::Zh)
    }

    #[test]
    fn the_png_has_the_asked_size_whole_pixel_modules_and_a_quiet_zone() {
        let matrix = QrMatrix::encode("http://example.org/stations/7/visit?c=500103-00042").unwrap();
        let bytes = png(&matrix, 300).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!((frame.width, frame.height, frame.bit_depth), (300, 300, png::BitDepth::One));
        let white = |x: usize, y: usize| buf[y * frame.line_size + x / 8] & (0x80 >> (x % 8)) != 0;
        let module = 300 / (matrix.width() + 2 * QUIET_ZONE);
        let offset = (300 - module * matrix.width()) / 2;
        assert!(offset >= QUIET_ZONE * module, "a quiet zone of four modules at least");
        for y in 0..300 {
            for x in 0..300 {
                let inside = (offset..offset + module * matrix.width()).contains(&x) && (offset..offset + module * matrix.width()).contains(&y);
                let dark = inside && matrix.is_dark((x - offset) / module, (y - offset) / module);
                assert_eq!(white(x, y), !dark, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn a_png_too_small_for_the_code_grows_to_one_pixel_a_module() {
        let matrix = QrMatrix::encode("x").unwrap();
        let bytes = png(&matrix, 1).unwrap();
        let reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        assert_eq!(reader.info().width as usize, matrix.width() + 2 * QUIET_ZONE);
    }

    #[test]
    fn text_for_the_cjk_font_is_ucs2_and_never_leaves_the_bmp() {
        assert_eq!(ucs2("驿A"), vec![0x9A, 0x7F, 0x00, 0x41]);
        // 𠮷 (U+20BB7) has no UCS-2 code: it prints as 〓; a tab as a space.
        assert_eq!(ucs2("𠮷\t"), vec![0x30, 0x13, 0x00, 0x20]);
        assert_eq!(Face::Song.width("驿站 A1", 10.0), 10.0 + 10.0 + 5.0 + 5.0 + 5.0);
    }

    #[test]
    fn long_texts_wrap_within_the_width_and_break_latin_at_spaces() {
        let lines = wrap(Face::Song, "重庆市渝中区解放碑步行街职工驿站", 30.0, 200.0);
        assert!(lines.len() > 1 && lines.iter().all(|l| Face::Song.width(l, 30.0) <= 200.0), "{lines:?}");
        assert_eq!(lines.concat(), "重庆市渝中区解放碑步行街职工驿站");
        let lines = wrap(Face::Song, "Union station for outdoor workers", 10.0, 100.0);
        // Twenty half-width characters a line; "outdoor" moves down whole.
        assert_eq!(lines, ["Union station for", "outdoor workers"]);
        // Two lines at 30 points fit in 75 points' height; three at 18.
        assert_eq!(fit(Face::Song, &"驿".repeat(30), &[30.0, 18.0], 510.0, 75.0, 1.2).0, 30.0);
        let (size, lines) = fit(Face::Song, &"驿".repeat(200), &[30.0, 18.0], 510.0, 75.0, 1.2);
        assert_eq!((size, lines.len()), (18.0, 3));
        assert!(lines[2].ends_with('…') && Face::Song.width(&lines[2], size) <= 510.0);
    }

    #[test]
    fn the_pdf_has_an_a4_page_per_sheet_in_the_cjk_font() {
        let sheet = |n: u32| Sheet {
            name: format!("第{n}驿站"),
            code: format!("500103-{n:05}"),
            address: "解放碑步行街 1 号".into(),
            url: format!("http://example.org/stations/{n}/visit?c=500103-{n:05}"),
        };
        let bytes = pdf("测试", &[sheet(1), sheet(2), sheet(3)], &texts()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/Count 3") && text.matches("/MediaBox [0 0 595.276 841.89]").count() == 3, "three A4 pages");
        for needle in ["/BaseFont /STSong-Light", "/Encoding /UniGB-UCS2-H", "/Subtype /CIDFontType0", "(Adobe)", "(GB1)", "/ToUnicode"] {
            assert!(text.contains(needle), "{needle}");
        }
        assert!(!text.contains("/FontFile"), "no font is embedded");
        // The ToUnicode map carries the name's characters (第 is U+7B2C).
        assert!(text.contains("<7B2C> <7B2C>"));
    }
}
