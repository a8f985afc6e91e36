//! Importing stations from a file: check first, then write.

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use waystation_domain::foundation::access::{Action, Grant};
use waystation_domain::foundation::organisations::OrgId;
use waystation_storage::Org;

use crate::http::error::{message, ApiError};
use crate::http::page::{ConsoleContext, render, Notice, Shell};
use crate::http::session::CurrentUser;
use crate::stations::search;
use crate::stations::transfer::{self, Format, ImportOptions, ImportReport};

use super::context::{org_choices, shell, Choice, Outcome};

// ---- import ----

#[derive(Template)]
#[template(path = "stations/console_station_import.html")]
struct ImportPage {
    shell: Shell,
    orgs: Vec<Choice>,
    /// The outcome of the last upload: what was checked or written.
    report: Option<ImportReport>,
    /// The file's name and what it holds, carried to "import now" after a check.
    carried: Option<Carried>,
    mode: String,
    file_name: String,
}

/// A checked file kept in the page so that importing it needs no second upload.
pub struct Carried {
    pub format: &'static str,
    pub content: String,
}

/// A checked file is carried in the page up to this size; larger ones are chosen again.
const CARRY_LIMIT: usize = 2 * 1024 * 1024;

pub(super) async fn import_page(ConsoleContext { state, lang, csrf, user }: ConsoleContext) -> Result<Response, ApiError> {
    if user.caller.scope_roots(Action::ManageStations).is_empty() {
        return Err(ApiError::forbidden());
    }
    let orgs = org_choices(&state, &user, Action::ManageStations, None).await?;
    Ok(render(ImportPage {
        shell: shell(lang, &csrf, "/console/stations/import", &user, &Outcome::default()),
        orgs,
        report: None,
        carried: None,
        mode: "check".to_owned(),
        file_name: String::new(),
    }))
}

/// The caller acting for one organisation only: their grants that cover it,
/// narrowed to its subtree. Rows owned elsewhere are then refused as `forbidden`.
fn acting_for(user: &CurrentUser, org: &Org) -> CurrentUser {
    let mut narrowed = user.clone();
    narrowed.caller.grants = user
        .caller
        .grants
        .iter()
        .filter(|g| g.org_path.covers(&org.path))
        .map(|g| Grant { role: g.role, org_id: org.id, org_path: org.path.clone() })
        .collect();
    narrowed
}

/// The upload, as the multipart form sent it.
#[derive(Default)]
struct Upload {
    org_id: String,
    mode: String,
    file_name: String,
    bytes: Vec<u8>,
    /// `csv` or `geojson`: from a carried file, else from the file's name.
    format: String,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    let unreadable = |_| ApiError::new(StatusCode::BAD_REQUEST, "invalid_form");
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or("") {
            "org_id" => upload.org_id = field.text().await.map_err(unreadable)?,
            "mode" => upload.mode = field.text().await.map_err(unreadable)?,
            "format" => upload.format = field.text().await.map_err(unreadable)?,
            "file_name" => upload.file_name = field.text().await.map_err(unreadable)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !bytes.is_empty() {
                    upload.file_name = name;
                    upload.bytes = bytes.to_vec();
                }
            }
            "content" => {
                let text = field.text().await.map_err(unreadable)?;
                if upload.bytes.is_empty() {
                    upload.bytes = text.into_bytes();
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

pub(super) async fn import_post(ConsoleContext { state, lang, csrf, user }: ConsoleContext, multipart: Multipart) -> Result<Response, ApiError> {
    if user.caller.scope_roots(Action::ManageStations).is_empty() {
        return Err(ApiError::forbidden());
    }
    let upload = read_upload(multipart).await?;
    let org_id: OrgId = upload.org_id.trim().parse().map_err(|_| ApiError::from(waystation_domain::Invalid::field("org_id", "org_not_found")))?;
    let org = state.store.get_org(org_id).await.map_err(|_| ApiError::from(waystation_domain::Invalid::field("org_id", "org_not_found")))?;
    user.require(Action::ManageStations, &org.path)?;
    let orgs = org_choices(&state, &user, Action::ManageStations, Some(org.id)).await?;
    let page = |report, carried, error: Option<ApiError>, mode: &str, file_name: &str| {
        let mut shell = shell(lang, &csrf, "/console/stations/import", &user, &Outcome::default());
        if let Some(error) = &error {
            let code = error.fields.first().map_or(error.code, |(_, c)| *c);
            shell.notice = Some(Notice { error: true, text: message(code, lang) });
        }
        let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
        let mut response = render(ImportPage { shell, orgs, report, carried, mode: mode.to_owned(), file_name: file_name.to_owned() });
        *response.status_mut() = status;
        response
    };
    if upload.bytes.is_empty() {
        let error = ApiError::from(waystation_domain::Invalid::field("file", "required"));
        return Ok(page(None, None, Some(error), "check", ""));
    }
    let format = match upload.format.as_str() {
        "csv" => Some(Format::Csv),
        "geojson" => Some(Format::Geojson),
        _ => Format::of_path(&upload.file_name),
    };
    let Some(format) = format else {
        let error = ApiError::from(waystation_domain::Invalid::field("file", "invalid_value"));
        return Ok(page(None, None, Some(error), "check", &upload.file_name));
    };
    let options = match upload.mode.as_str() {
        "import" => ImportOptions { skip_invalid: false, dry_run: false },
        "import_valid" => ImportOptions { skip_invalid: true, dry_run: false },
        _ => ImportOptions { skip_invalid: false, dry_run: true },
    };
    let actor = acting_for(&user, &org);
    let report = match transfer::import(&state.store, Some(search::of(&state)), Some(&actor), &upload.bytes, format, options, lang, &mut |_, _| {}).await {
        Ok(report) => report,
        Err(error) if error.status.is_client_error() => return Ok(page(None, None, Some(error), "check", &upload.file_name)),
        Err(error) => return Err(error),
    };
    // After a check, the file travels with the page (as UTF-8 text) so "import" needs no new upload.
    let carried = if options.dry_run && upload.bytes.len() <= CARRY_LIMIT {
        let text = match format {
            Format::Csv => waystation_domain::stations::transfer::decode(&upload.bytes).ok().map(|(text, _)| text),
            Format::Geojson => String::from_utf8(upload.bytes.clone()).ok(),
        };
        text.map(|content| Carried { format: if format == Format::Csv { "csv" } else { "geojson" }, content })
    } else {
        None
    };
    let mode = if options.dry_run { if report.problems.is_empty() { "import" } else { "import_valid" } } else { "check" };
    Ok(page(Some(report), carried, None, mode, &upload.file_name))
}
