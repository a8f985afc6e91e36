//! What the station console pages share: the notice after a form, the page
//! frame, the organisations a caller may choose, the labels of statuses and kinds.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::Deserialize;
use waystation_domain::foundation::access::Action;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::stations::hours::HoursState;
use waystation_domain::stations::{StationKind, StationStatus};
use waystation_storage::Station;

use crate::foundation::console::{tree_rows, TreeRow, TREE_CAP};
use crate::foundation::organisations::whole_subtree;
use crate::http::csrf::CsrfToken;
use crate::http::error::{form_urlencode, ApiError};
use crate::http::i18n::{keys, Lang, Tr};
use crate::http::page::{Notice, Shell};
use crate::http::session::CurrentUser;
use crate::http::state::AppState;
use crate::stations::api::station_state;
use crate::stations::now_in_china;

/// `?done=key` (a `station_console.done_<key>` text) or `?error=code` after a form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn notice(&self, lang: Lang) -> Option<Notice> {
        let known = |key: String| keys(lang).contains(&key.as_str()).then(|| crate::http::i18n::t(lang, &key));
        if let Some(text) = self.error.as_ref().and_then(|code| known(format!("error.{code}"))) {
            return Some(Notice { error: true, text });
        }
        if let Some(done) = self.done.as_deref().filter(|key| crate::stations::photos::DONE_KEYS.contains(key)) {
            return Some(Notice { error: false, text: crate::http::i18n::t(lang, &format!("station_photos.done_{done}")) });
        }
        let done = self.done.as_deref().filter(|key| DONE_KEYS.contains(key))?;
        Some(Notice { error: false, text: crate::http::i18n::t(lang, &format!("station_console.done_{done}")) })
    }
}

/// What the pages show after a form succeeded; each has a `station_console.done_<key>` text.
pub(super) const DONE_KEYS: [&str; 5] = ["created", "saved", "status_changed", "manager_granted", "manager_revoked"];

pub(super) fn shell(lang: Lang, csrf: &CsrfToken, path: &str, user: &CurrentUser, outcome: &Outcome) -> Shell {
    let mut shell = Shell::new(lang, csrf, &form_urlencode(path), Some(user));
    shell.notice = outcome.notice(lang);
    shell
}

/// The organisations under the caller's grants for `action`, as indented rows.
pub(super) async fn orgs_for(state: &AppState, user: &CurrentUser, action: Action) -> Result<Vec<TreeRow>, ApiError> {
    let mut rows = Vec::new();
    for grant in user.caller.scope_roots(action) {
        let subtree = whole_subtree(state, grant.org_id, false, TREE_CAP).await?;
        rows.extend(tree_rows(subtree));
    }
    Ok(rows)
}

/// The same organisations as choices of a `<select>`, indented by depth.
pub(super) async fn org_choices(state: &AppState, user: &CurrentUser, action: Action, chosen: Option<OrgId>) -> Result<Vec<Choice>, ApiError> {
    Ok(orgs_for(state, user, action)
        .await?
        .into_iter()
        .map(|row| Choice { selected: Some(row.org.id) == chosen, value: row.org.id.to_string(), label: format!("{}{}", "\u{3000}".repeat(row.depth), row.org.name) })
        .collect())
}

/// The organisation a page is asked about (`?org=`), else the caller's first
/// with station records; the caller's right to it is checked by the page or
/// the service. Taken after the page's own query, whose errors come first.
pub(super) struct AskedOrg(pub OrgId);

impl FromRequestParts<AppState> for AskedOrg {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let Some(first_root) = user.caller.scope_roots(Action::ViewStationRecords).first().map(|g| g.org_id) else {
            return Err(ApiError::forbidden());
        };
        // Read as the page's own query struct read it before: `org` twice is refused.
        #[derive(Deserialize)]
        struct OrgQuery {
            org: Option<String>,
        }
        let asked = serde_urlencoded::from_str::<OrgQuery>(parts.uri.query().unwrap_or_default())
            .map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query"))?
            .org;
        match asked.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(text) => text.parse().map(AskedOrg).map_err(|_| ApiError::not_found("org_not_found")),
            None => Ok(AskedOrg(first_root)),
        }
    }
}

pub(super) fn status_label(tr: Tr, status: StationStatus) -> &'static str {
    tr.get(&format!("station_status.{}", status.as_str()))
}

pub(super) fn kind_label(tr: Tr, kind: StationKind) -> &'static str {
    tr.get(&format!("station_kind.{}", kind.as_str()))
}

pub(super) fn hours_now(state: &AppState, station: &Station) -> HoursState {
    station_state(state, station, now_in_china())
}

/// A choice in a `<select>`: its value, its label, whether chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_built_in_code_is_translated() {
        let mut needed: Vec<String> = DONE_KEYS.iter().map(|k| format!("station_console.done_{k}")).collect();
        needed.extend(["wgs84", "gcj02", "bd09"].map(|d| format!("station_console.datum_{d}")));
        needed.extend(StationStatus::ALL.map(|s| format!("station_console.move_{}", s.as_str())));
        needed.extend(["station_console.system", "station_console.no_station", "station_console.last_days"].map(str::to_owned));
        for lang in Lang::ALL {
            let have = keys(lang);
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(&k.as_str())).collect();
            assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
        }
    }
}
