//! Time limits of an appeal and the deadline arithmetic on the official calendar.
//!
//! # How days are counted
//!
//! The rule is the one of the Civil Code (《民法典》 arts. 201 and 203) that
//! petition practice (《信访工作条例》) follows:
//!
//! - **Day 0 is the day of the event** (the filing, the acceptance, the reply):
//!   it is not counted. "Within 15 days of submission" of a case filed on
//!   2025-09-30 counts from 10-01, so day 15 — the deadline — is 2025-10-15.
//! - **A deadline is a whole day** (China time): an act done at any time on the
//!   deadline date is on time; the limit is breached from the next day on.
//! - **Calendar days** ([`DayUnit::Calendar`]) count every day, holidays
//!   included; but when the last day is not a working day on the official
//!   calendar (a weekend or a public holiday), the deadline **moves to the next
//!   working day** (art. 203: a period ending on a rest day ends on the day after
//!   it). An adjusted working day (调休 上班, a Saturday made working) is a
//!   working day, so a deadline landing on one stays there.
//! - **Working days** ([`DayUnit::Working`]) count only working days of
//!   [`HolidayCalendar`] — Monday to Friday outside the published holiday
//!   periods, plus the adjusted working days — starting the day after the event,
//!   whatever that day is. The deadline is therefore always a working day.
//!
//! Years the calendar does not cover follow plain Monday–Friday logic (see
//! [`HolidayCalendar::covers`]).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::kit::calendar::HolidayCalendar;
use crate::Invalid;

/// Whether a limit counts every day or only working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    Calendar,
    Working,
}

impl DayUnit {
    pub const fn as_str(self) -> &'static str {
        match self {
            DayUnit::Calendar => "calendar",
            DayUnit::Working => "working",
        }
    }
}

/// A time limit: a number of days in a unit, counted from the day after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub days: u32,
    pub unit: DayUnit,
}

impl Span {
    /// The longest limit an admin may set: a year.
    pub const MAX_DAYS: u32 = 366;

    pub const fn calendar(days: u32) -> Self {
        Self { days, unit: DayUnit::Calendar }
    }

    pub const fn working(days: u32) -> Self {
        Self { days, unit: DayUnit::Working }
    }

    /// A limit set by an admin: 1 to [`Span::MAX_DAYS`] days.
    pub fn new(days: u32, unit: DayUnit) -> Result<Self, Invalid> {
        let span = Self { days, unit };
        span.check()?;
        Ok(span)
    }

    fn check(self) -> Result<(), Invalid> {
        if (1..=Self::MAX_DAYS).contains(&self.days) {
            Ok(())
        } else {
            Err(Invalid::field("days", "invalid_time_limit"))
        }
    }

    /// The last day on which something due `self` after `start` is on time
    /// (see the module docs for the counting rule).
    ///
    /// # Panics
    /// If the result would lie beyond chrono's last representable date.
    pub fn deadline(self, start: NaiveDate, calendar: &HolidayCalendar) -> NaiveDate {
        match self.unit {
            DayUnit::Working => calendar.add_working_days(start, self.days),
            DayUnit::Calendar => {
                let last = start + Duration::days(i64::from(self.days));
                // n = 0: the day itself if it is a working day, else the next one.
                calendar.add_working_days(last, 0)
            }
        }
    }

    /// A span `extra` days longer, in the same unit.
    pub const fn plus(self, extra: u32) -> Self {
        Self { days: self.days.saturating_add(extra), unit: self.unit }
    }
}

/// The time limits of one category at one level, set by a system admin.
///
/// The defaults ([`TimeLimits::default`]) are the petition rules'; green-channel
/// categories get [`TimeLimits::green_channel`]. `silence_close`, `reopen_window`
/// and `warn_lead_days` are Waystation's choices (the rules name no figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimits {
    /// Accept (register) or assign, from the day of submission.
    pub accept: Span,
    /// Finish with a written reply, from the day of acceptance.
    pub finish: Span,
    /// The one extension of `finish` may add at most this many days.
    pub max_extension_days: u32,
    /// Answer a review (and likewise a re-review), from the day it was asked.
    pub review_answer: Span,
    /// A review may be asked within this time of the reply (the re-review within
    /// this time of the review's answer).
    pub review_window: Span,
    /// A progress note to the worker at least this often while the case is open.
    pub progress_note: Span,
    /// A replied case the worker neither confirms nor contests closes after this.
    pub silence_close: Span,
    /// A closed case may be reopened by its worker within this time of closing.
    pub reopen_window: Span,
    /// The yellow warning starts this many calendar days before a deadline.
    pub warn_lead_days: u32,
}

impl Default for TimeLimits {
    /// The petition rules (《信访工作条例》): accept within 15 days, finish within 60
    /// days of acceptance, one extension of at most 30 days, reviews asked within
    /// 30 days of the reply and answered within 30 days; a progress note every 5
    /// working days.
    fn default() -> Self {
        Self {
            accept: Span::calendar(15),
            finish: Span::calendar(60),
            max_extension_days: 30,
            review_answer: Span::calendar(30),
            review_window: Span::calendar(30),
            progress_note: Span::working(5),
            silence_close: Span::calendar(15),
            reopen_window: Span::calendar(30),
            warn_lead_days: 3,
        }
    }
}

impl TimeLimits {
    /// The last day to finish a case accepted on `accepted_on`, with the
    /// extension granted, if any. The extension is counted in calendar days from
    /// the original deadline (whatever the unit of `finish`), and moves off a
    /// rest day like any calendar-day deadline.
    pub fn finish_deadline(&self, accepted_on: NaiveDate, extended_by: Option<u32>, calendar: &HolidayCalendar) -> NaiveDate {
        let original = self.finish.deadline(accepted_on, calendar);
        match extended_by {
            Some(days) if days > 0 => Span::calendar(days).deadline(original, calendar),
            _ => original,
        }
    }

    /// The green channel (12351, key groups): accept within 1 working day, reply
    /// within 10 working days of acceptance; the other limits as by default, the
    /// yellow warning one day ahead.
    pub fn green_channel() -> Self {
        Self { accept: Span::working(1), finish: Span::working(10), warn_lead_days: 1, ..Self::default() }
    }

    /// Checks a set of limits an admin entered: every span 1 to a year long, the
    /// extension and the warning lead at most a year (0 days of extension: none
    /// is granted; 0 days of lead: no yellow warning).
    pub fn validate(&self) -> Result<(), Invalid> {
        for span in [
            self.accept,
            self.finish,
            self.review_answer,
            self.review_window,
            self.progress_note,
            self.silence_close,
            self.reopen_window,
        ] {
            span.check()?;
        }
        if self.max_extension_days > Span::MAX_DAYS {
            return Err(Invalid::field("max_extension_days", "invalid_time_limit"));
        }
        if self.warn_lead_days > Span::MAX_DAYS {
            return Err(Invalid::field("warn_lead_days", "invalid_time_limit"));
        }
        Ok(())
    }
}

/// Where a case stands against one deadline: the colour of its light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Green: more than the warning lead left.
    Ok,
    /// Yellow: due within the warning lead (the deadline day included).
    Warning,
    /// Red: the deadline has passed.
    Breached,
}

impl DeadlineState {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeadlineState::Ok => "ok",
            DeadlineState::Warning => "warning",
            DeadlineState::Breached => "breached",
        }
    }
}

/// The state of a deadline on `today` (China time): breached from the day after
/// it; a warning on its last `warn_lead_days` days (the deadline day included,
/// so a lead of 0 never warns and a lead of 1 warns on the day itself).
pub fn deadline_state(today: NaiveDate, deadline: NaiveDate, warn_lead_days: u32) -> DeadlineState {
    if today > deadline {
        DeadlineState::Breached
    } else if (deadline - today).num_days() < i64::from(warn_lead_days) {
        DeadlineState::Warning
    } else {
        DeadlineState::Ok
    }
}

/// The day a progress note is next due: `progress_note` after the last note (or
/// after the acceptance when there is none).
pub fn next_progress_note_due(last_contact: NaiveDate, limits: &TimeLimits, calendar: &HolidayCalendar) -> NaiveDate {
    limits.progress_note.deadline(last_contact, calendar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn official() -> &'static HolidayCalendar {
        HolidayCalendar::official()
    }

    /// Tuesday 2025-09-30, the day before the National Day holiday (10-01..10-08);
    /// Sunday 09-28 and Saturday 10-11 are adjusted working days.
    const EVE: &str = "2025-09-30";

    #[test]
    fn one_working_day_after_the_eve_of_national_day_is_the_ninth_of_october() {
        // Green channel acceptance: the eight days off are skipped.
        assert_eq!(Span::working(1).deadline(date(EVE), official()), date("2025-10-09"));
        assert_eq!(TimeLimits::green_channel().accept.deadline(date(EVE), official()), date("2025-10-09"));
    }

    #[test]
    fn working_days_count_the_adjusted_saturday() {
        // 10-09 Thu, 10-10 Fri, 10-11 Sat (adjusted), 10-13 Mon, …
        assert_eq!(Span::working(3).deadline(date(EVE), official()), date("2025-10-11"));
        assert_eq!(Span::working(4).deadline(date(EVE), official()), date("2025-10-13"));
        // Green-channel reply: 10 working days → 10-09..10-11 (3), 10-13..10-17 (5), 10-20, 10-21.
        assert_eq!(Span::working(10).deadline(date(EVE), official()), date("2025-10-21"));
        // The adjusted Sunday before the holiday counts too: from Saturday 09-27,
        // working day 1 is Sunday 09-28.
        assert_eq!(Span::working(1).deadline(date("2025-09-27"), official()), date("2025-09-28"));
        // A progress note every 5 working days, from the eve: 10-14.
        assert_eq!(next_progress_note_due(date(EVE), &TimeLimits::default(), official()), date("2025-10-14"));
    }

    #[test]
    fn a_calendar_deadline_ending_in_the_holiday_moves_to_the_next_working_day() {
        // Day 0 is the filing day: 1 calendar day after 09-30 is 10-01, a holiday → 10-09.
        assert_eq!(Span::calendar(1).deadline(date(EVE), official()), date("2025-10-09"));
        // 8 days → 10-08, the last day off → 10-09.
        assert_eq!(Span::calendar(8).deadline(date(EVE), official()), date("2025-10-09"));
        // 9 days → 10-09, a working day: stays.
        assert_eq!(Span::calendar(9).deadline(date(EVE), official()), date("2025-10-09"));
        // 11 days → Saturday 10-11, an adjusted working day: stays.
        assert_eq!(Span::calendar(11).deadline(date(EVE), official()), date("2025-10-11"));
        // 12 days → Sunday 10-12, a rest day → Monday 10-13.
        assert_eq!(Span::calendar(12).deadline(date(EVE), official()), date("2025-10-13"));
    }

    #[test]
    fn the_default_limits_of_a_case_filed_on_the_eve() {
        let limits = TimeLimits::default();
        // Accept within 15 days: 10-15 (a Wednesday).
        let accept_by = limits.accept.deadline(date(EVE), official());
        assert_eq!(accept_by, date("2025-10-15"));
        // Accepted on 10-09, finish within 60 days: 12-08 (a Monday).
        assert_eq!(limits.finish.deadline(date("2025-10-09"), official()), date("2025-12-08"));
        // With the full extension of 30 days: 90 days → 2026-01-07, a Wednesday.
        assert_eq!(limits.finish_deadline(date("2025-10-09"), Some(30), official()), date("2026-01-07"));
        assert_eq!(limits.finish_deadline(date("2025-10-09"), None, official()), date("2025-12-08"));
        // A green-channel case accepted on the eve: 10 working days → 10-21, then
        // a 30-day extension in calendar days → 11-20.
        let green = TimeLimits::green_channel();
        assert_eq!(green.finish_deadline(date(EVE), Some(30), official()), date("2025-11-20"));
        // Replied on 2025-12-02: a review may be asked until 2026-01-01 (New Year's
        // Day, off until 01-03, 01-04 an adjusted Sunday) → 2026-01-04.
        assert_eq!(limits.review_window.deadline(date("2025-12-02"), official()), date("2026-01-04"));
    }

    #[test]
    fn day_zero_is_not_counted() {
        // An ordinary Monday: 1 calendar day → Tuesday, 1 working day → Tuesday.
        let monday = date("2025-06-09");
        assert_eq!(Span::calendar(1).deadline(monday, official()), date("2025-06-10"));
        assert_eq!(Span::working(1).deadline(monday, official()), date("2025-06-10"));
        // From Friday, 1 calendar day is Saturday, a rest day → Monday.
        assert_eq!(Span::calendar(1).deadline(date("2025-06-13"), official()), date("2025-06-16"));
    }

    #[test]
    fn the_light_turns_yellow_within_the_lead_and_red_after_the_deadline() {
        let deadline = date("2025-10-15");
        use DeadlineState::*;
        assert_eq!(deadline_state(date("2025-10-11"), deadline, 3), Ok);
        assert_eq!(deadline_state(date("2025-10-12"), deadline, 3), Ok);
        assert_eq!(deadline_state(date("2025-10-13"), deadline, 3), Warning);
        assert_eq!(deadline_state(date("2025-10-15"), deadline, 3), Warning, "the deadline day is still on time");
        assert_eq!(deadline_state(date("2025-10-16"), deadline, 3), Breached);
        assert_eq!(deadline_state(date("2025-10-15"), deadline, 0), Ok, "no lead, no warning");
        assert_eq!(deadline_state(date("2025-10-15"), deadline, 1), Warning);
        assert_eq!(DeadlineState::Breached.as_str(), "breached");
    }

    #[test]
    fn limits_an_admin_enters_are_checked() {
        assert_eq!(TimeLimits::default().validate(), Result::Ok(()));
        assert_eq!(TimeLimits::green_channel().validate(), Result::Ok(()));
        assert_eq!(Span::new(0, DayUnit::Working).unwrap_err().code, "invalid_time_limit");
        assert_eq!(Span::new(367, DayUnit::Calendar).unwrap_err().code, "invalid_time_limit");
        assert_eq!(Span::new(30, DayUnit::Calendar), Result::Ok(Span::calendar(30)));
        let zero_accept = TimeLimits { accept: Span::calendar(0), ..TimeLimits::default() };
        assert_eq!(zero_accept.validate().unwrap_err().code, "invalid_time_limit");
        let long_extension = TimeLimits { max_extension_days: 367, ..TimeLimits::default() };
        assert_eq!(long_extension.validate().unwrap_err(), Invalid::field("max_extension_days", "invalid_time_limit"));
        let no_extension = TimeLimits { max_extension_days: 0, ..TimeLimits::default() };
        assert_eq!(no_extension.validate(), Result::Ok(()));
        let long_lead = TimeLimits { warn_lead_days: 400, ..TimeLimits::default() };
        assert_eq!(long_lead.validate().unwrap_err().code, "invalid_time_limit");
    }

    #[test]
    fn limits_serialise_with_their_units_by_name() {
        let json = serde_json::to_value(TimeLimits::green_channel()).unwrap();
        assert_eq!(json["accept"], serde_json::json!({"days": 1, "unit": "working"}));
        let back: TimeLimits = serde_json::from_value(json).unwrap();
        assert_eq!(back, TimeLimits::green_channel());
        assert_eq!(DayUnit::Calendar.as_str(), "calendar");
    }

    fn any_span() -> impl Strategy<Value = Span> {
        (1u32..=120, prop_oneof![Just(DayUnit::Calendar), Just(DayUnit::Working)]).prop_map(|(days, unit)| Span { days, unit })
    }

    proptest! {
        #[test]
        fn a_deadline_lies_after_its_start_and_on_a_working_day(offset in 0i64..1100, span in any_span()) {
            let start = date("2024-01-01") + Duration::days(offset);
            let deadline = span.deadline(start, official());
            prop_assert!(deadline > start);
            prop_assert!(official().is_working_day(deadline));
            prop_assert!(deadline >= start + Duration::days(i64::from(span.days)));
        }

        #[test]
        fn deadlines_grow_with_the_days(offset in 0i64..1100, span in any_span(), more in 0u32..30) {
            let start = date("2024-01-01") + Duration::days(offset);
            prop_assert!(span.plus(more).deadline(start, official()) >= span.deadline(start, official()));
        }

        #[test]
        fn deadlines_grow_with_the_start(offset in 0i64..1100, later in 0i64..30, span in any_span()) {
            let start = date("2024-01-01") + Duration::days(offset);
            let deadline = span.deadline(start, official());
            prop_assert!(span.deadline(start + Duration::days(later), official()) >= deadline);
        }

        #[test]
        fn a_working_day_deadline_counts_exactly_its_days(offset in 0i64..1100, days in 1u32..60) {
            let start = date("2024-01-01") + Duration::days(offset);
            let deadline = Span::working(days).deadline(start, official());
            prop_assert_eq!(official().working_days_between(start, deadline), days);
        }

        #[test]
        fn a_calendar_deadline_moves_only_over_rest_days(offset in 0i64..1100, days in 1u32..120) {
            let start = date("2024-01-01") + Duration::days(offset);
            let nominal = start + Duration::days(i64::from(days));
            let deadline = Span::calendar(days).deadline(start, official());
            for day in nominal.iter_days().take_while(|d| *d < deadline) {
                prop_assert!(!official().is_working_day(day), "{} skipped but working", day);
            }
            prop_assert!(deadline.year() >= nominal.year());
        }

        #[test]
        fn the_light_goes_green_yellow_red_in_order(deadline_offset in 0i64..400, lead in 0u32..10, a in 0i64..500, b in 0i64..500) {
            let base = date("2025-01-01");
            let deadline = base + Duration::days(deadline_offset);
            let (first, second) = (base + Duration::days(a.min(b)), base + Duration::days(a.max(b)));
            let rank = |s: DeadlineState| match s { DeadlineState::Ok => 0, DeadlineState::Warning => 1, DeadlineState::Breached => 2 };
            prop_assert!(rank(deadline_state(first, deadline, lead)) <= rank(deadline_state(second, deadline, lead)));
            prop_assert_eq!(deadline_state(first, deadline, lead) == DeadlineState::Breached, first > deadline);
        }
    }
}
