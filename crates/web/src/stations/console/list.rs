//! The list of a caller's stations, filtered by organisation, status, kind and text.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::pagination::PageRequest;
use waystation_domain::stations::{StationKind, StationStatus};
use waystation_storage::StationListFilter;

use crate::http::error::{form_urlencode, ApiError};
use crate::http::extract::ApiQuery;
use crate::http::i18n::Tr;
use crate::http::page::{ConsoleContext, render, Shell};

use super::context::{hours_now, kind_label, org_choices, shell, status_label, AskedOrg, Choice, Outcome};

// ---- the list ----

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    #[serde(flatten)]
    outcome: Outcome,
}

pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_name: String,
    pub status: StationStatus,
    pub status_label: &'static str,
    pub kind_label: &'static str,
    pub open_now: bool,
}

#[derive(Template)]
#[template(path = "stations/console_stations.html")]
struct ListPage {
    shell: Shell,
    orgs: Vec<Choice>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    q: String,
    rows: Vec<ListRow>,
    next: Option<String>,
    can_create: bool,
    can_see_coverage: bool,
}

const LIST_PAGE: u32 = 50;

pub(super) async fn list_page(
    ConsoleContext { state, lang, csrf, user }: ConsoleContext,
    ApiQuery(query): ApiQuery<ListQuery>,
    AskedOrg(org_id): AskedOrg,
) -> Result<Response, ApiError> {
    let tr = Tr(lang);
    let org = state.store.get_org(org_id).await?;
    user.require(Action::ViewStationRecords, &org.path)?;
    let mut errors = crate::stations::FieldErrors::default();
    let status = errors.check(query.status.as_deref().filter(|s| !s.is_empty()).map(str::parse::<StationStatus>).transpose()).flatten();
    let kind = errors.check(query.kind.as_deref().filter(|k| !k.is_empty()).map(str::parse::<StationKind>).transpose()).flatten();
    let page = errors.check(PageRequest::parse(query.cursor.as_deref().filter(|c| !c.is_empty()), Some(LIST_PAGE)));
    errors.into_result()?;
    let text = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let filter = StationListFilter { within: Some(org.id), status, kind, text: text.clone() };
    let found = state.store.list_stations(&filter, page.expect("checked")).await?;
    let rows = found
        .items
        .iter()
        .map(|s| ListRow {
            id: s.id,
            code: s.code.as_str().to_owned(),
            name: s.name.clone(),
            org_name: s.org_name.clone(),
            status: s.status,
            status_label: status_label(tr, s.status),
            kind_label: kind_label(tr, s.kind),
            open_now: hours_now(&state, s).open,
        })
        .collect();
    let filters = |cursor: &str| {
        let mut params = vec![format!("org={}", org.id)];
        if let Some(s) = status {
            params.push(format!("status={}", s.as_str()));
        }
        if let Some(k) = kind {
            params.push(format!("kind={}", k.as_str()));
        }
        if let Some(t) = &text {
            params.push(format!("q={}", form_urlencode(t)));
        }
        params.push(format!("cursor={}", form_urlencode(cursor)));
        format!("/console/stations?{}", params.join("&"))
    };
    let next = found.next_cursor.as_deref().map(filters);
    let orgs = org_choices(&state, &user, Action::ViewStationRecords, Some(org.id)).await?;
    let statuses = StationStatus::ALL
        .into_iter()
        .map(|s| Choice { value: s.as_str().to_owned(), label: status_label(tr, s).to_owned(), selected: status == Some(s) })
        .collect();
    let kinds = StationKind::ALL
        .into_iter()
        .map(|k| Choice { value: k.as_str().to_owned(), label: kind_label(tr, k).to_owned(), selected: kind == Some(k) })
        .collect();
    Ok(render(ListPage {
        shell: shell(lang, &csrf, "/console/stations", &user, &query.outcome),
        orgs,
        statuses,
        kinds,
        q: text.unwrap_or_default(),
        rows,
        next,
        can_create: !user.caller.scope_roots(Action::ManageStations).is_empty(),
        can_see_coverage: true,
    }))
}
