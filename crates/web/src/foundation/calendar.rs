//! The official working calendar this server uses: the years shipped with
//! Waystation plus those a system admin added (they override). Stations' "open
//! now" and appeal deadlines read it; an admin adds next year's arrangement when
//! the State Council publishes it each November.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use waystation_domain::foundation::access::Action;
use waystation_domain::kit::calendar::{HolidayCalendar, YearArrangement};
use waystation_domain::Invalid;
use waystation_storage::{Store, StoreError};

use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::session::CurrentUser;
use crate::http::state::AppState;

/// Holds the current calendar. Readers get a `&'static` reference without
/// locking; a change installs a new calendar and leaks the old one (a few
/// kilobytes, once a year), which is what makes lock-free reads safe. Each
/// change bumps [`CalendarCell::generation`], so whatever caches results drawn
/// from the calendar (the stations' open states) notices a change by itself.
pub struct CalendarCell {
    current: AtomicPtr<HolidayCalendar>,
    generation: AtomicU64,
}

fn merged(years: Vec<YearArrangement>) -> HolidayCalendar {
    let (calendar, refused) = HolidayCalendar::official_with(years);
    for (year, invalid) in refused {
        tracing::warn!(year, code = invalid.code, "ignoring a stored holiday year that no longer fits the calendar");
    }
    calendar
}

impl CalendarCell {
    pub async fn load(store: &Arc<dyn Store>) -> Result<Self, StoreError> {
        let calendar = merged(store.holiday_years().await?);
        Ok(Self { current: AtomicPtr::new(Box::into_raw(Box::new(calendar))), generation: AtomicU64::new(0) })
    }

    pub fn get(&self) -> &'static HolidayCalendar {
        // SAFETY: the pointer always comes from `Box::into_raw` and is never freed.
        unsafe { &*self.current.load(Ordering::Acquire) }
    }

    fn install(&self, calendar: HolidayCalendar) {
        self.current.store(Box::into_raw(Box::new(calendar)), Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// How many times the calendar changed since it was loaded.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Re-reads the added years (another server may have added one); true when the calendar changed.
    pub async fn reload(&self, store: &Arc<dyn Store>) -> Result<bool, StoreError> {
        let calendar = merged(store.holiday_years().await?);
        if &calendar == self.get() {
            return Ok(false);
        }
        self.install(calendar);
        Ok(true)
    }
}

/// This server's calendar cell, from the state.
pub fn cell(state: &AppState) -> &Arc<CalendarCell> {
    state.part::<Arc<CalendarCell>>()
}

/// The official working calendar (public holidays and adjusted working days).
pub fn current(state: &AppState) -> &'static HolidayCalendar {
    cell(state).get()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayYears {
    /// Every covered year: `{year, holidays: [{name, en, off: [first, last]}], work: [dates]}`.
    #[schema(value_type = Vec<Object>)]
    pub years: Vec<YearArrangement>,
}

/// The official holiday arrangements in use (public holidays and adjusted working days).
#[utoipa::path(get, path = "/api/v1/holidays", tag = "calendar", responses((status = 200, body = HolidayYears)))]
pub async fn api_list(State(state): State<AppState>) -> axum::Json<HolidayYears> {
    let calendar = current(&state);
    let years = calendar.years().into_iter().filter_map(|y| calendar.arrangement(y).cloned()).collect();
    axum::Json(HolidayYears { years })
}

/// Add (or correct) one year's arrangement, as published by the State Council. System admins only.
#[utoipa::path(post, path = "/api/v1/holidays", tag = "calendar",
    request_body(content = Object, description = "`{\"year\": 2027, \"holidays\": [{\"name\": \"元旦\", \"en\": \"New Year's Day\", \"off\": [\"2027-01-01\", \"2027-01-03\"]}], \"work\": [\"2027-02-07\"]}`"),
    responses((status = 200, body = HolidayYears), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_put_year(State(state): State<AppState>, user: CurrentUser, ApiJson(body): ApiJson<serde_json::Value>) -> Result<axum::Json<HolidayYears>, ApiError> {
    let root = crate::foundation::organisations::root(&state).await?;
    user.require(Action::ManageCalendar, &root.path)?;
    let year: YearArrangement = serde_json::from_value(body).map_err(|_| ApiError::from(Invalid::new("invalid_holiday_calendar")))?;
    let mut next = current(&state).clone();
    next.add_year(year.clone())?;
    state.store.put_holiday_year(Some(user.user.id), &year).await?;
    cell(&state).install(next);
    Ok(api_list(State(state)).await)
}
