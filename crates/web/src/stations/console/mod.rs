//! The staff console for stations: the list of a caller's stations, one form
//! for the whole record (create and edit), status changes with their reasons,
//! the histories, the station's managers, import from a file, and the coverage
//! of demand.
//!
//! Every page calls the same service functions as the JSON API
//! (`stations::{create, update, change_status}`, `transfer::import`,
//! `coverage::coverage_of`, `people::{grant_role, revoke_grant}`), so the
//! rules and the audit trail are the API's. A page shows only what the caller
//! may do, and every POST is refused by the service when the caller may not.
//!
//! The pages: [`list`], [`form`] (create and edit), [`station`] (status,
//! history, managers), [`import`], [`coverage`]; [`context`] holds what they
//! share. Every page opens with the kit's `ConsoleContext` (state, language,
//! CSRF token, caller).
//!
//! **Architecture invariant:** a page module names only [`context`] of its
//! siblings, and nothing here writes the store directly: the console holds no
//! rule of its own.

pub mod context;
pub mod coverage;
pub mod form;
pub mod import;
pub mod list;
pub mod station;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use waystation_domain::foundation::access::{Action, Caller};

use crate::http::state::AppState;
use crate::stations::transfer;
use coverage::coverage_page;
use form::{create_post, edit_page, edit_post, new_page};
use import::{import_page, import_post};
use list::list_page;
use station::{grant_manager_post, revoke_manager_post, station_page, status_post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/stations", get(list_page))
        .route("/console/stations/new", get(new_page).post(create_post))
        .route(
            "/console/stations/import",
            get(import_page).post(import_post).layer(DefaultBodyLimit::max(transfer::IMPORT_LIMIT)),
        )
        .route("/console/stations/{id}", get(station_page))
        .route("/console/stations/{id}/edit", get(edit_page).post(edit_post))
        .route("/console/stations/{id}/status", post(status_post))
        .route("/console/stations/{id}/managers", post(grant_manager_post))
        .route("/console/stations/{id}/managers/{grant}/revoke", post(revoke_manager_post))
        .route("/console/coverage", get(coverage_page))
}

/// Whether the caller may use the station console at all: some station role somewhere.
pub fn may_view_stations(caller: &Caller) -> bool {
    !caller.scope_roots(Action::ViewStationRecords).is_empty()
}
