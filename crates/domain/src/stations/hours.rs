//! Opening hours of stations, in OpenStreetMap's `opening_hours` syntax.
//!
//! The syntax is what volunteers already know from the map and what imported
//! OSM data carries, so we store it as written and evaluate it with the
//! `opening_hours` crate. Times are China Standard Time: a [`NaiveDateTime`] is
//! the wall clock at UTC+8, which holds for the whole country, so no time zone
//! data is needed. `PH` means the official public holidays of
//! [`HolidayCalendar`].
//!
//! One Chinese rule has no OSM equivalent: adjusted working days (调休 上班), the
//! Saturdays or Sundays the State Council makes working days. A station run like
//! a government office (`follows_working_calendar`) works on them as on a weekday;
//! see [`OpeningHours::state_at`] for how that is evaluated and where it is
//! approximate.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use opening_hours::RuleKind;

use crate::kit::calendar::HolidayCalendar;
use crate::Invalid;

/// How far ahead [`OpeningHours::state_at`] looks for the next change.
///
/// Long enough to see past the longest official holiday with its neighbouring
/// weekend (Spring Festival 2026 keeps a Mo–Fr office closed from Friday
/// 2026-02-13 18:00 to Tuesday 02-24 08:00, ten and a half days); a station that
/// stays in one state longer is reported as "no change".
pub const LOOKAHEAD_DAYS: i64 = 14;

/// OpenStreetMap's limit for a tag value; longer text is certainly not hours
/// imported from or exportable to the map.
const MAX_LEN: usize = 255;

/// How far from an adjusted working day a substitute weekday is searched.
const SUBSTITUTE_REACH_DAYS: i64 = 7;

/// A station's validated opening hours.
#[derive(Clone, Debug)]
pub struct OpeningHours {
    text: String,
    expression: opening_hours::OpeningHours,
    /// For the usual expressions — weekdays, `PH` and times only — every day
    /// schedule the expression can produce, computed once by the crate at parse
    /// time, so that [`OpeningHours::state_at`] is a few table and calendar
    /// look-ups without allocating. `None` for expressions with dates, months,
    /// weeks, nth weekdays or day offsets, which the crate evaluates per call.
    week: Option<Arc<WeekTable>>,
    /// One probe per rule that selects dates by year, month, date or week — the
    /// rule's day selector without its weekdays, open all day. An adjusted
    /// working day may only borrow a weekday's hours when every probe treats both
    /// days alike. `None` when a probe could not be built: then adjusted working
    /// days are never substituted for this expression.
    date_probes: Option<Arc<[opening_hours::OpeningHours]>>,
}

/// Two hours are the same when they are written the same.
impl PartialEq for OpeningHours {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for OpeningHours {}

/// Whether a station is open at some moment, and when that changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoursState {
    pub open: bool,
    /// When the state flips next; `None` if it does not within
    /// [`LOOKAHEAD_DAYS`] (e.g. `24/7`).
    pub next_change: Option<NaiveDateTime>,
}

/// Opening hours that do not parse; `message` is the parser's own explanation,
/// shown to the volunteer who typed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidHours {
    pub message: String,
}

impl fmt::Display for InvalidHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid opening hours: {}", self.message)
    }
}

impl std::error::Error for InvalidHours {}

impl From<&InvalidHours> for Invalid {
    fn from(_: &InvalidHours) -> Self {
        Invalid::field("opening_hours", "invalid_opening_hours")
    }
}

impl From<InvalidHours> for Invalid {
    fn from(error: InvalidHours) -> Self {
        Invalid::from(&error)
    }
}

impl OpeningHours {
    /// Parses and validates; the error carries the parser's own message.
    pub fn parse(text: &str) -> Result<Self, InvalidHours> {
        // Stations share a few hundred distinct expressions; parsing one builds its
        // week table, so parse each text once (loading 200,000 stations parses ~100).
        static PARSED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, OpeningHours>>> =
            std::sync::LazyLock::new(Default::default);
        const CACHE_LIMIT: usize = 20_000;
        if let Some(hit) = PARSED.lock().unwrap_or_else(|p| p.into_inner()).get(text) {
            return Ok(hit.clone());
        }
        let parsed = Self::parse_uncached(text)?;
        let mut cache = PARSED.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() < CACHE_LIMIT {
            cache.insert(text.to_owned(), parsed.clone());
        }
        Ok(parsed)
    }

    fn parse_uncached(text: &str) -> Result<Self, InvalidHours> {
        if text.len() > MAX_LEN {
            return Err(InvalidHours {
                message: format!("longer than {MAX_LEN} bytes, the limit of an OpenStreetMap tag value"),
            });
        }
        let expression: opening_hours::OpeningHours =
            text.parse().map_err(|error: <opening_hours::OpeningHours as std::str::FromStr>::Err| InvalidHours {
                message: error.to_string(),
            })?;
        let week = is_weekly(&expression).then(|| Arc::new(WeekTable::new(&expression)));
        let date_probes = date_probes(&expression).map(Arc::from);
        Ok(Self { text: text.to_owned(), expression, week, date_probes })
    }

    /// The hours exactly as they were written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the station is open at `at`, and when that changes next (None = never within the lookahead).
    ///
    /// `at` is China Standard Time. The lookahead is [`LOOKAHEAD_DAYS`] (14), not
    /// a week: a nine-day Spring Festival plus its weekends must still show when
    /// the station opens again. `unknown` in the expression counts as not open.
    ///
    /// With `follows_working_calendar`, an adjusted working day (调休 上班) of
    /// `calendar` is evaluated as if it were an ordinary weekday: the same wall
    /// clock time on a *substitute date*, the nearest Monday–Friday that is
    /// neither a public holiday nor adjusted (a Saturday borrows the Friday
    /// before, a Sunday the Monday after, if those are ordinary). Limitations:
    /// - a substitute must agree with the real day on every rule that selects by
    ///   year, month, date or week; if no weekday within a week does (e.g. the
    ///   expression names that very date, `2025 Sep 28 off`), the day is
    ///   evaluated as itself, so an explicit date rule wins over the mark;
    /// - which weekday is borrowed matters only for expressions whose weekdays
    ///   differ (`Mo-Th 08:00-18:00; Fr 08:00-12:00` gives an adjusted Saturday
    ///   Friday's short hours);
    /// - hours running past midnight (`Mo-Fr 22:00-02:00`) do not carry over
    ///   between an adjusted day and its real neighbours: an adjusted day starts
    ///   with its substitute's early hours, and the day after it starts with what
    ///   the real weekend day would have carried over;
    /// - `PH` rules with a day offset (`PH +1 day`) see the substitute, not the
    ///   real day.
    pub fn state_at(
        &self,
        at: NaiveDateTime,
        calendar: &HolidayCalendar,
        follows_working_calendar: bool,
    ) -> HoursState {
        match &self.week {
            Some(week) => self.state_from_week(week, at, calendar, follows_working_calendar),
            None => self.state_from_crate(at, calendar, follows_working_calendar),
        }
    }

    /// The general evaluation: the crate's iteration over the lookahead window,
    /// split where adjusted working days borrow a substitute's hours.
    fn state_from_crate(
        &self,
        at: NaiveDateTime,
        calendar: &HolidayCalendar,
        follows_working_calendar: bool,
    ) -> HoursState {
        let expression = self.expression.clone().with_context(calendar.hours_context().clone());
        let horizon = horizon(at);
        let adjusted_near =
            follows_working_calendar && calendar.first_adjusted_workday_in(at.date(), horizon.date()).is_some();
        if !adjusted_near {
            // The common case: the crate's own evaluation over the whole window.
            return scan(&expression, [(at, horizon, Duration::zero())]);
        }
        let segments = Segments { hours: self, calendar, from: at, horizon };
        scan(&expression, segments)
    }

    /// The same evaluation as [`state_from_crate`](Self::state_from_crate) for
    /// weekly expressions, with the crate's day schedules looked up in `week`.
    fn state_from_week(
        &self,
        week: &WeekTable,
        at: NaiveDateTime,
        calendar: &HolidayCalendar,
        follows_working_calendar: bool,
    ) -> HoursState {
        if let Some(open) = week.constant {
            return HoursState { open, next_change: None };
        }
        let horizon = horizon(at);
        let schedule = |day: NaiveDate| {
            let evaluated_as = if follows_working_calendar && calendar.is_adjusted_workday(day) {
                self.substitute_for(day, calendar).unwrap_or(day)
            } else {
                day
            };
            week.schedule(evaluated_as, calendar)
        };

        let minute = at.time().num_seconds_from_midnight() / 60;
        let today = schedule(at.date());
        let later_today = today.partition_point(|change| u32::from(change.minute) <= minute);
        // A schedule starts at minute 0, so `later_today >= 1`.
        let open = today[later_today - 1].open;
        let mut next = today.get(later_today).map(|change| change.at(at.date()));

        let mut day = at.date();
        while next.is_none() {
            day = match day.succ_opt() {
                Some(following) if following.and_time(NaiveTime::MIN) < horizon => following,
                _ => break,
            };
            next = schedule(day).iter().find(|change| change.open != open).map(|change| change.at(day));
        }
        HoursState { open, next_change: next.filter(|change| *change < horizon) }
    }

    /// The weekday whose hours the adjusted working day `day` borrows, if one
    /// agrees with it on every date-specific rule.
    fn substitute_for(&self, day: NaiveDate, calendar: &HolidayCalendar) -> Option<NaiveDate> {
        let probes = self.date_probes.as_deref()?;
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");
        let agrees = |candidate: NaiveDate| {
            probes.iter().all(|probe| probe.is_open(day.and_time(noon)) == probe.is_open(candidate.and_time(noon)))
        };
        (1..=SUBSTITUTE_REACH_DAYS)
            .flat_map(|distance| [day - Duration::days(distance), day + Duration::days(distance)])
            .find(|candidate| {
                !matches!(candidate.weekday(), Weekday::Sat | Weekday::Sun)
                    && !calendar.is_public_holiday(*candidate)
                    && agrees(*candidate)
            })
    }
}

/// Whether the crate's schedule of a day depends on nothing but its weekday and
/// whether it and the day before are public holidays (the day before matters
/// for hours running past midnight). True unless a rule names years, months,
/// dates or weeks, or a weekday with an nth (`Mo[1]`) or an offset (`PH +1 day`),
/// which the canonical form of a weekday range writes with `[` or a space.
fn is_weekly(expression: &opening_hours::OpeningHours) -> bool {
    expression.get_expression().rules.iter().all(|rule| {
        let days = &rule.day_selector;
        days.year.is_empty()
            && days.monthday.is_empty()
            && days.week.is_empty()
            && days.weekday.iter().all(|range| {
                let text = range.to_string();
                !text.contains(['[', ' '])
            })
    })
}

/// A point in a day's schedule where the state becomes `open` (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    minute: u16,
    open: bool,
}

impl Change {
    fn at(self, day: NaiveDate) -> NaiveDateTime {
        day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(self.minute))
    }
}

/// The day schedules of a weekly expression (see [`is_weekly`]), one per
/// weekday × holiday today × holiday yesterday, each starting at minute 0 and
/// alternating between open and not open.
#[derive(Debug)]
struct WeekTable {
    days: Vec<Box<[Change]>>,
    /// The state if it is the same all day in every schedule (e.g. `24/7`).
    constant: Option<bool>,
}

impl WeekTable {
    /// Asks the crate for the schedule of one reference day per combination,
    /// in a synthetic calendar where exactly the wanted days are holidays. Each
    /// combination gets its own week of 2001 so that their holidays never touch.
    fn new(expression: &opening_hours::OpeningHours) -> Self {
        let monday = NaiveDate::from_ymd_opt(2001, 1, 1).expect("a Monday");
        let reference = |key: usize| {
            let weekday = i64::try_from(key / 4).expect("small");
            monday + Duration::days(7 * i64::try_from(key).expect("small") + weekday)
        };
        let holidays = (0..28).flat_map(|key| {
            let day = reference(key);
            [(key & 1 != 0).then_some(day), (key & 2 != 0).then(|| day - Duration::days(1))]
        });
        let holidays = opening_hours::ContextHolidays::new(Arc::new(holidays.flatten().collect()), Arc::default());
        let expression = expression.clone().with_context(opening_hours::Context::default().with_holidays(holidays));

        let days: Vec<Box<[Change]>> = (0..28)
            .map(|key| {
                let day = reference(key);
                let mut changes: Vec<Change> = Vec::new();
                let next_day = day + Duration::days(1);
                for interval in expression.iter_range(day.and_time(NaiveTime::MIN), next_day.and_time(NaiveTime::MIN)) {
                    let open = interval.kind == RuleKind::Open;
                    if changes.last().is_none_or(|last| last.open != open) {
                        let minute = interval.range.start.time().num_seconds_from_midnight() / 60;
                        changes.push(Change { minute: u16::try_from(minute).expect("minute of a day"), open });
                    }
                }
                if changes.is_empty() {
                    changes.push(Change { minute: 0, open: false });
                }
                changes.into_boxed_slice()
            })
            .collect();
        let first = days[0][0].open;
        let constant = days.iter().all(|day| day.len() == 1 && day[0].open == first).then_some(first);
        Self { days, constant }
    }

    fn schedule(&self, day: NaiveDate, calendar: &HolidayCalendar) -> &[Change] {
        let weekday = day.weekday().num_days_from_monday() as usize;
        let holiday = calendar.is_public_holiday(day);
        let holiday_before = day.pred_opt().is_some_and(|before| calendar.is_public_holiday(before));
        &self.days[weekday * 4 + usize::from(holiday_before) * 2 + usize::from(holiday)]
    }
}

/// Builds the probes described on the `date_probes` field of [`OpeningHours`].
fn date_probes(expression: &opening_hours::OpeningHours) -> Option<Vec<opening_hours::OpeningHours>> {
    let mut probes = Vec::new();
    for rule in &expression.get_expression().rules {
        let days = &rule.day_selector;
        if days.year.is_empty() && days.monthday.is_empty() && days.week.is_empty() {
            continue;
        }
        let mut probe = rule.clone();
        probe.day_selector.weekday.clear();
        probe.time_selector = Default::default();
        probe.kind = RuleKind::Open;
        probe.comment = "".into();
        probes.push(probe.to_string().parse().ok()?);
    }
    Some(probes)
}

/// The end of the lookahead window from `at`.
fn horizon(at: NaiveDateTime) -> NaiveDateTime {
    at.checked_add_signed(Duration::days(LOOKAHEAD_DAYS)).unwrap_or(NaiveDateTime::MAX)
}

/// Stretches of time evaluated alike: a run of ordinary days evaluated as
/// themselves, or one adjusted working day evaluated on its substitute. Each
/// item is `(start, end, shift)`: evaluate `start - shift .. end - shift`.
struct Segments<'a> {
    hours: &'a OpeningHours,
    calendar: &'a HolidayCalendar,
    from: NaiveDateTime,
    horizon: NaiveDateTime,
}

impl Iterator for Segments<'_> {
    type Item = (NaiveDateTime, NaiveDateTime, Duration);

    fn next(&mut self) -> Option<Self::Item> {
        if self.from >= self.horizon {
            return None;
        }
        let start = self.from;
        let day = start.date();
        let next_midnight = day.succ_opt().map_or(NaiveDateTime::MAX, |next| next.and_time(NaiveTime::MIN));
        let substitute =
            if self.calendar.is_adjusted_workday(day) { self.hours.substitute_for(day, self.calendar) } else { None };
        let (end, shift) = match substitute {
            Some(substitute) => (next_midnight.min(self.horizon), day - substitute),
            None => {
                // Up to the next adjusted working day, which gets its own segment.
                let next_adjusted = self.calendar.first_adjusted_workday_in(next_midnight.date(), self.horizon.date());
                let end = next_adjusted.map_or(self.horizon, |adjusted| adjusted.and_time(NaiveTime::MIN));
                (end.min(self.horizon), Duration::zero())
            }
        };
        self.from = end;
        Some((start, end, shift))
    }
}

/// Walks the evaluated intervals of the segments in order and stops at the first
/// flip between open and not open; changes of comment or between closed and
/// unknown are not changes for a visitor.
fn scan(
    expression: &opening_hours::OpeningHours,
    segments: impl IntoIterator<Item = (NaiveDateTime, NaiveDateTime, Duration)>,
) -> HoursState {
    let mut open_at_start = None;
    for (start, end, shift) in segments {
        for interval in expression.iter_range(start - shift, end - shift) {
            let open = interval.kind == RuleKind::Open;
            match open_at_start {
                None => open_at_start = Some(open),
                Some(was_open) if was_open != open => {
                    return HoursState { open: was_open, next_change: Some(interval.range.start + shift) };
                }
                Some(_) => {}
            }
        }
    }
    HoursState { open: open_at_start.unwrap_or(false), next_change: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a test time")
    }

    fn hours(text: &str) -> OpeningHours {
        OpeningHours::parse(text).expect("valid hours")
    }

    fn state(text: &str, time: &str, follows_working_calendar: bool) -> HoursState {
        hours(text).state_at(at(time), HolidayCalendar::official(), follows_working_calendar)
    }

    fn open_until(next_change: &str) -> HoursState {
        HoursState { open: true, next_change: Some(at(next_change)) }
    }

    fn closed_until(next_change: &str) -> HoursState {
        HoursState { open: false, next_change: Some(at(next_change)) }
    }

    const OFFICE: &str = "Mo-Fr 08:00-18:00; PH off";

    #[test]
    fn a_weekday_station_is_closed_on_national_day() {
        assert!(!state(OFFICE, "2025-10-01 10:00", false).open);
        assert!(!state(OFFICE, "2025-10-01 10:00", true).open);
    }

    #[test]
    fn a_weekday_station_is_open_on_the_first_working_day_after_national_day() {
        assert!(state(OFFICE, "2025-10-09 10:00", false).open);
    }

    #[test]
    fn a_station_following_the_working_calendar_opens_on_an_adjusted_sunday() {
        assert_eq!(state(OFFICE, "2025-09-28 10:00", true), open_until("2025-09-28 18:00"));
    }

    #[test]
    fn a_station_not_following_the_working_calendar_stays_closed_on_an_adjusted_sunday() {
        assert!(!state(OFFICE, "2025-09-28 10:00", false).open);
    }

    #[test]
    fn following_the_working_calendar_keeps_weekday_public_holidays_closed() {
        for time in ["2025-10-01 10:00", "2025-10-08 10:00", "2026-02-16 10:00", "2024-05-01 10:00"] {
            assert!(!state(OFFICE, time, true).open, "{time}");
        }
    }

    #[test]
    fn open_around_the_clock_never_changes() {
        for follows in [false, true] {
            for time in ["2025-10-01 03:00", "2025-09-28 12:00", "2027-05-05 23:59"] {
                assert_eq!(state("24/7", time, follows), HoursState { open: true, next_change: None });
            }
        }
    }

    #[test]
    fn a_daily_station_shows_when_it_closes_tonight() {
        assert_eq!(state("Mo-Su 07:00-22:00", "2025-06-11 21:40", false), open_until("2025-06-11 22:00"));
    }

    #[test]
    fn a_station_closed_for_lunch_reopens_at_two() {
        assert_eq!(state("Mo-Fr 08:00-12:00,14:00-18:00", "2025-06-11 12:30", false), closed_until("2025-06-11 14:00"));
    }

    #[test]
    fn the_next_change_before_a_holiday_is_the_evening_closing() {
        assert_eq!(state(OFFICE, "2025-09-30 17:00", false), open_until("2025-09-30 18:00"));
    }

    #[test]
    fn the_next_change_after_closing_before_a_holiday_skips_the_holiday() {
        assert_eq!(state(OFFICE, "2025-09-30 19:00", false), closed_until("2025-10-09 08:00"));
    }

    #[test]
    fn the_next_change_reaches_the_adjusted_saturday_for_a_station_following_the_working_calendar() {
        assert_eq!(state(OFFICE, "2025-10-10 19:00", true), closed_until("2025-10-11 08:00"));
        assert_eq!(state(OFFICE, "2025-10-10 19:00", false), closed_until("2025-10-13 08:00"));
    }

    #[test]
    fn the_adjusted_saturday_closes_and_the_next_monday_opens() {
        assert_eq!(state(OFFICE, "2025-10-11 17:00", true), open_until("2025-10-11 18:00"));
        assert_eq!(state(OFFICE, "2025-10-11 19:00", true), closed_until("2025-10-13 08:00"));
    }

    #[test]
    fn the_longest_holiday_of_the_calendar_is_within_the_lookahead() {
        assert_eq!(state(OFFICE, "2026-02-13 19:00", false), closed_until("2026-02-24 08:00"));
        assert_eq!(state(OFFICE, "2026-02-13 19:00", true), closed_until("2026-02-14 08:00"));
        assert_eq!(state(OFFICE, "2026-02-14 19:00", true), closed_until("2026-02-24 08:00"));
    }

    #[test]
    fn an_uncovered_year_evaluates_ph_as_no_holiday() {
        // 2027-01-01 is a Friday; the 2027 arrangement is not published yet.
        assert!(state(OFFICE, "2027-01-01 10:00", true).open);
    }

    #[test]
    fn ph_rules_apply_on_the_official_holidays() {
        let text = "Mo-Fr 08:00-18:00; PH 10:00-14:00";
        assert_eq!(state(text, "2025-10-04 09:00", false), closed_until("2025-10-04 10:00"));
        assert!(!state(text, "2025-10-11 12:00", false).open, "an adjusted Saturday is no holiday");
    }

    #[test]
    fn an_adjusted_saturday_borrows_the_previous_fridays_hours() {
        let text = "Mo-Th 08:00-18:00; Fr 08:00-12:00";
        assert!(!state(text, "2025-10-11 15:00", true).open);
        assert!(state(text, "2025-10-11 11:00", true).open);
    }

    #[test]
    fn an_adjusted_sunday_borrows_the_next_mondays_hours() {
        let text = "Mo 08:00-18:00; Tu-Fr 08:00-12:00";
        assert!(state(text, "2025-09-28 15:00", true).open);
    }

    #[test]
    fn an_explicit_date_rule_wins_over_the_working_calendar() {
        let text = "Mo-Fr 08:00-18:00; PH off; 2025 Sep 28 off";
        assert_eq!(state(text, "2025-09-28 10:00", true), closed_until("2025-09-29 08:00"));
    }

    #[test]
    fn a_seasonal_rule_is_not_borrowed_across_the_season_boundary() {
        // Make Saturday 2026-08-01 an adjusted working day: the Friday before lies
        // in July, under the other season's hours, so the Monday after lends its.
        let mut calendar = HolidayCalendar::official().clone();
        let mut year = calendar.arrangement(2026).expect("2026").clone();
        year.work.push(NaiveDate::from_ymd_opt(2026, 8, 1).expect("date"));
        calendar.add_year(year).expect("valid");
        let text = "Jan-Jul Mo-Fr 08:00-18:00; Aug-Dec Mo-Fr 09:00-17:00";
        let saturday = hours(text).state_at(at("2026-08-01 08:30"), &calendar, true);
        assert_eq!(saturday, closed_until("2026-08-01 09:00"));
    }

    #[test]
    fn hours_running_past_midnight_are_followed_into_the_next_day() {
        assert_eq!(state("Mo-Fr 22:00-02:00", "2025-06-13 23:00", false), open_until("2025-06-14 02:00"));
    }

    #[test]
    fn unknown_hours_count_as_not_open() {
        let text = "Mo-Fr 08:00-18:00; Sa 08:00-12:00 unknown";
        assert_eq!(state(text, "2025-06-14 10:00", false), closed_until("2025-06-16 08:00"));
    }

    #[test]
    fn a_change_of_comment_alone_is_no_change() {
        let text = r#"Mo-Fr 08:00-12:00 "morning", Mo-Fr 12:00-18:00 "afternoon""#;
        assert_eq!(state(text, "2025-06-11 10:00", false), open_until("2025-06-11 18:00"));
    }

    #[test]
    fn the_end_of_time_does_not_panic() {
        let calendar = HolidayCalendar::official();
        for text in [OFFICE, "Jan-Jun Mo-Fr 08:00-18:00"] {
            for follows in [false, true] {
                for time in [NaiveDateTime::MAX, NaiveDateTime::MIN] {
                    let _ = hours(text).state_at(time, calendar, follows);
                }
            }
        }
    }

    #[test]
    fn invalid_hours_are_rejected_with_the_parsers_message() {
        for text in ["Mo-Fr 25:00-26:00", "banana", ""] {
            let error = OpeningHours::parse(text).expect_err(text);
            assert!(!error.message.is_empty(), "{text}");
            assert!(error.to_string().contains(&error.message));
            assert_eq!(Invalid::from(&error), Invalid::field("opening_hours", "invalid_opening_hours"));
        }
    }

    #[test]
    fn overlong_hours_are_rejected() {
        let text = ["Mo 08:00-09:00"; 30].join("; ");
        assert!(OpeningHours::parse(&text).is_err());
    }

    #[test]
    fn the_text_is_kept_as_written() {
        assert_eq!(hours("Mo-Fr 08:00-18:00 ; PH off").as_str(), "Mo-Fr 08:00-18:00 ; PH off");
    }

    /// Rough cost of `state_at`; run with `-- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn state_at_cost() {
        let calendar = HolidayCalendar::official();
        for (text, follows) in [
            ("24/7", false),
            (OFFICE, false),
            (OFFICE, true),
            ("Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off", true),
            ("Jan-Jun Mo-Fr 08:00-18:00; Jul-Dec Mo-Fr 09:00-17:00; PH off", false),
            ("Jan-Jun Mo-Fr 08:00-18:00; Jul-Dec Mo-Fr 09:00-17:00; PH off", true),
        ] {
            let parsing = std::time::Instant::now();
            let hours = hours(text);
            let parse_cost = parsing.elapsed().as_micros();
            let start = at("2024-01-01 00:00");
            let calls: u32 = if hours.week.is_some() { 200_000 } else { 5_000 };
            let begin = std::time::Instant::now();
            let mut opened = 0;
            for i in 0..calls {
                let time = start + Duration::minutes(i64::from(i) * 7919 % (3 * 365 * 24 * 60));
                opened += usize::from(hours.state_at(time, calendar, follows).open);
            }
            let per_call = begin.elapsed().as_nanos() / u128::from(calls);
            println!("{text:?} follows={follows}: {per_call} ns/call, parse {parse_cost} µs ({opened}/{calls} open)");
        }
    }

    fn expressions() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            OFFICE,
            "Mo-Su 07:00-22:00",
            "Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
            "Mo-Fr 22:00-02:00; PH off",
            "Mo-Fr 08:00-18:00; PH 10:00-14:00",
            "Mar-Oct Mo-Fr 08:00-18:00; Nov-Feb Mo-Fr 09:00-17:00; PH off",
            "Mo-Fr 08:00-18:00; PH off; 2025 Sep 28 off",
        ])
    }

    fn weekly_expressions() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "24/7",
            OFFICE,
            "Mo-Su 07:00-22:00",
            "Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
            "Mo-Fr 22:00-02:00; PH off",
            "Mo-Fr 08:00-18:00; PH 10:00-14:00",
            "Mo-Th 08:00-18:00; Fr 08:00-12:00 \"short\"; Sa 10:00-12:00 unknown",
            "Su-Tu 20:00-03:00; We off; PH 12:00-26:00",
            "Mo-Fr 08:00-18:00 || PH 09:00-10:00",
            "sunrise-sunset",
            "PH off",
        ])
    }

    #[test]
    fn date_specific_expressions_are_evaluated_by_the_crate() {
        for text in [
            "Jan-Jun Mo-Fr 08:00-18:00",
            "2025 Sep 28 off",
            "week 01-26 Mo-Fr 09:00-17:00",
            "Mo[1] 10:00-12:00",
            "PH +1 day off",
            "easter 10:00-12:00",
        ] {
            assert!(hours(text).week.is_none(), "{text}");
        }
        for text in ["Mo-Fr 08:00-18:00; PH off", "24/7", "SH off", "Sa,Su 10:00-16:00"] {
            assert!(hours(text).week.is_some(), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_next_change_flips_the_state_and_nothing_flips_before_it(
            text in expressions(),
            follows in any::<bool>(),
            minutes in 0i64..(3 * 366 * 24 * 60),
        ) {
            let calendar = HolidayCalendar::official();
            let hours = hours(text);
            let t = at("2024-01-01 00:00") + Duration::minutes(minutes);
            let now = hours.state_at(t, calendar, follows);
            let change = now.next_change;
            prop_assert!(change.is_some(), "{} at {}: no change", text, t);
            let change = change.unwrap_or(t);
            prop_assert!(change > t);
            prop_assert_eq!(hours.state_at(change, calendar, follows).open, !now.open, "{} at {}", text, change);
            let span = change - t;
            for k in 1..8 {
                let between = t + span * k / 8;
                prop_assert_eq!(hours.state_at(between, calendar, follows).open, now.open, "{} at {}", text, between);
            }
            let just_before = change - Duration::minutes(1);
            if just_before > t {
                prop_assert_eq!(hours.state_at(just_before, calendar, follows), HoursState { open: now.open, next_change: Some(change) });
            }
        }

        #[test]
        fn the_weekly_table_agrees_with_the_crates_own_evaluation(
            text in weekly_expressions(),
            follows in any::<bool>(),
            seconds in 0i64..(3 * 366 * 24 * 3600),
        ) {
            let calendar = HolidayCalendar::official();
            let hours = hours(text);
            let week = hours.week.clone();
            prop_assert!(week.is_some(), "{} is weekly", text);
            let t = at("2024-01-01 00:00") + Duration::seconds(seconds);
            prop_assert_eq!(
                hours.state_from_week(&week.unwrap_or_else(|| unreachable!()), t, calendar, follows),
                hours.state_from_crate(t, calendar, follows),
                "{} at {}", text, t
            );
        }
    }
}
