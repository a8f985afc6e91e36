//! The official working calendar of mainland China.
//!
//! Every November the State Council (国务院办公厅) publishes the next year's public
//! holiday arrangement: for each festival a continuous holiday period (weekends
//! inside it included), plus a few Saturdays or Sundays that become working days
//! to make up for it (调休 上班). Nothing about it can be computed — the lunar
//! festivals move and the make-up days are chosen by hand — so Waystation ships
//! the published arrangements as data (`crates/domain/data/cn-holidays.toml`) and
//! a system admin adds each new year when it is published.
//!
//! Stations use the calendar for `PH` in opening hours and for "open now"; appeal
//! deadlines count working days with it. A year that is not (yet) in the calendar
//! is not covered: [`HolidayCalendar::covers`] says so, and its dates follow plain
//! Monday–Friday logic, because guessing holidays would be worse than admitting
//! we do not know them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::Invalid;

/// One festival's published holiday period, first and last day inclusive.
///
/// Serialised in the shape of the data file, `{ name, en, off = [first, last] }`,
/// so that the shipped TOML and the admin API's JSON describe a year the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "HolidayRecord", into = "HolidayRecord")]
pub struct Holiday {
    /// The name as the State Council writes it, e.g. 国庆节.
    pub name_zh: String,
    /// The English name shown to users who chose English.
    pub name_en: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Holiday {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last;
        self.first.iter_days().take_while(move |day| *day <= last)
    }
}

/// The wire and file shape of a [`Holiday`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRecord {
    name: String,
    en: String,
    off: (NaiveDate, NaiveDate),
}

impl From<HolidayRecord> for Holiday {
    fn from(record: HolidayRecord) -> Self {
        Self { name_zh: record.name, name_en: record.en, first: record.off.0, last: record.off.1 }
    }
}

impl From<Holiday> for HolidayRecord {
    fn from(holiday: Holiday) -> Self {
        Self { name: holiday.name_zh, en: holiday.name_en, off: (holiday.first, holiday.last) }
    }
}

/// One year's published arrangement, as it stands in the notice.
///
/// A plain carrier: it is validated when it enters a calendar
/// ([`HolidayCalendar::add_year`]), because the rules involve the other years too
/// (periods of neighbouring years must not overlap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearArrangement {
    pub year: i32,
    pub holidays: Vec<Holiday>,
    /// The adjusted working days (调休 上班), each a Saturday or Sunday.
    #[serde(default)]
    pub work: Vec<NaiveDate>,
}

/// The data file: `[[year]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    year: Vec<YearArrangement>,
}

/// The years a calendar may hold: those whose neighbours the evaluation of
/// opening hours can still represent (it works on 1900-01-01..10000-01-01).
const YEARS: std::ops::RangeInclusive<i32> = 1901..=9998;

const PUBLIC_HOLIDAY: u8 = 1;
const ADJUSTED_WORKDAY: u8 = 2;

/// The official public holidays and adjusted working days of the covered years.
///
/// Immutable apart from [`add_year`](Self::add_year); the lookup indexes are
/// rebuilt on every change, so the day queries are an index or a binary search
/// and never allocate.
#[derive(Clone)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, YearArrangement>,
    /// All periods of all years, sorted by first day. They never overlap, so
    /// their last days are sorted too.
    periods: Vec<Holiday>,
    /// All adjusted working days, sorted.
    adjusted: Vec<NaiveDate>,
    /// One byte per day from `day_flags_from` (days from the Common Era) on,
    /// [`PUBLIC_HOLIDAY`] and [`ADJUSTED_WORKDAY`] bits: the day queries sit on
    /// the hot path of "open now" searches, so they are a subtraction and an
    /// index rather than binary searches.
    day_flags: Vec<u8>,
    day_flags_from: i32,
    /// The public holidays in the shape the `opening_hours` crate evaluates `PH`
    /// with, built once per change rather than per evaluation.
    hours_context: opening_hours::Context,
}

static OFFICIAL: LazyLock<HolidayCalendar> = LazyLock::new(|| {
    HolidayCalendar::from_toml(include_str!("../../data/cn-holidays.toml"))
        .expect("the shipped crates/domain/data/cn-holidays.toml is valid (guarded by a test)")
});

impl HolidayCalendar {
    /// The arrangements shipped with Waystation (crates/domain/data/cn-holidays.toml).
    pub fn official() -> &'static HolidayCalendar {
        &OFFICIAL
    }

    /// The shipped calendar with years added since (they replace shipped
    /// ones). A year that no longer fits is left out and returned with why.
    pub fn official_with(years: Vec<YearArrangement>) -> (HolidayCalendar, Vec<(i32, Invalid)>) {
        let mut calendar = Self::official().clone();
        let mut refused = Vec::new();
        for year in years {
            let number = year.year;
            if let Err(invalid) = calendar.add_year(year) {
                refused.push((number, invalid));
            }
        }
        (calendar, refused)
    }

    /// A calendar that covers no year: every date follows plain weekday logic.
    pub fn empty() -> Self {
        let mut calendar = Self {
            years: BTreeMap::new(),
            periods: Vec::new(),
            adjusted: Vec::new(),
            day_flags: Vec::new(),
            day_flags_from: 0,
            hours_context: opening_hours::Context::default(),
        };
        calendar.reindex();
        calendar
    }

    /// Reads the data file's format: `[[year]]` tables with `year = 2025`,
    /// `holidays = [{ name, en, off = [first, last] }]` and `work = [dates]`.
    pub fn from_toml(text: &str) -> Result<Self, Invalid> {
        let file: CalendarFile = toml::from_str(text).map_err(|_| Invalid::new("invalid_holiday_calendar"))?;
        let mut calendar = Self::empty();
        for arrangement in file.year {
            if calendar.covers(arrangement.year) {
                return Err(Invalid::field("year", "duplicate_holiday_year"));
            }
            calendar.add_year(arrangement)?;
        }
        Ok(calendar)
    }

    /// The covered years, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether the arrangement of `year` is known. Dates of an uncovered year are
    /// treated as ordinary weekdays and weekends.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The arrangement of `year` as it was added, if covered.
    pub fn arrangement(&self, year: i32) -> Option<&YearArrangement> {
        self.years.get(&year)
    }

    /// Adds (or replaces) one year's arrangement, as a system admin does when the State Council publishes it each November.
    ///
    /// On error the calendar is unchanged.
    pub fn add_year(&mut self, year: YearArrangement) -> Result<(), Invalid> {
        self.validate(&year)?;
        self.years.insert(year.year, year);
        self.reindex();
        Ok(())
    }

    /// The calendar in the data file's format; [`from_toml`](Self::from_toml)
    /// reads it back to an equal calendar. Laid out like the shipped file, one
    /// holiday per line, so that a reviewed diff of it stays readable.
    pub fn to_toml(&self) -> String {
        let quote = |text: &str| toml::Value::String(text.to_owned()).to_string();
        let mut out = String::new();
        for (index, arrangement) in self.years.values().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            out.push_str(&format!("[[year]]\nyear = {}\nholidays = [\n", arrangement.year));
            for holiday in &arrangement.holidays {
                out.push_str(&format!(
                    "  {{ name = {}, en = {}, off = [\"{}\", \"{}\"] }},\n",
                    quote(&holiday.name_zh),
                    quote(&holiday.name_en),
                    holiday.first,
                    holiday.last,
                ));
            }
            out.push_str("]\nwork = [");
            let work: Vec<String> = arrangement.work.iter().map(|day| format!("\"{day}\"")).collect();
            out.push_str(&work.join(", "));
            out.push_str("]\n");
        }
        out
    }

    /// Whether `date` lies inside any published holiday period — the whole
    /// period, weekend days included, since that is what the notice gives off.
    pub fn is_public_holiday(&self, date: NaiveDate) -> bool {
        self.day_flags(date) & PUBLIC_HOLIDAY != 0
    }

    /// Whether `date` is a Saturday or Sunday made a working day (调休 上班).
    pub fn is_adjusted_workday(&self, date: NaiveDate) -> bool {
        self.day_flags(date) & ADJUSTED_WORKDAY != 0
    }

    fn day_flags(&self, date: NaiveDate) -> u8 {
        usize::try_from(date.num_days_from_ce() - self.day_flags_from)
            .ok()
            .and_then(|index| self.day_flags.get(index).copied())
            .unwrap_or(0)
    }

    /// Mon–Fri that is not a public holiday, or an adjusted working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if is_weekend(date) {
            self.is_adjusted_workday(date)
        } else {
            !self.is_public_holiday(date)
        }
    }

    /// The holiday period `date` falls in, if any.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&Holiday> {
        let after = self.periods.partition_point(|period| period.first <= date);
        let candidate = self.periods[..after].last()?;
        candidate.contains(date).then_some(candidate)
    }

    /// The first adjusted working day in `from..=to`, if any. Lets opening hours
    /// skip the adjusted-workday treatment when none is near.
    pub(crate) fn first_adjusted_workday_in(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        let index = self.adjusted.partition_point(|day| *day < from);
        self.adjusted.get(index).copied().filter(|day| *day <= to)
    }

    /// The date `n` working days after `date` (n = 0 → date itself if working, else the next working day). For appeal deadlines.
    ///
    /// For n ≥ 1 the count starts the day after `date`, whether or not `date`
    /// itself is a working day, so `working_days_between(date, result) == n`.
    ///
    /// # Panics
    /// If the result would lie beyond chrono's last representable date.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        if n == 0 {
            while !self.is_working_day(day) {
                day = next_day(day);
            }
            return day;
        }
        let mut left = n;
        loop {
            day = next_day(day);
            if self.is_working_day(day) {
                left -= 1;
                if left == 0 {
                    return day;
                }
            }
        }
    }

    /// The number of working days in `(from, to]`: the first day is excluded,
    /// the last included, as a deadline "within n working days" counts them.
    /// Zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let count =
            from.iter_days().skip(1).take_while(|day| *day <= to).filter(|day| self.is_working_day(*day)).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The public holidays as the `opening_hours` crate's evaluation context.
    pub(crate) fn hours_context(&self) -> &opening_hours::Context {
        &self.hours_context
    }

    /// Checks one year against itself and against the other covered years
    /// (the one it replaces excepted). Each rule has its own stable code.
    fn validate(&self, arrangement: &YearArrangement) -> Result<(), Invalid> {
        let year = arrangement.year;
        if !YEARS.contains(&year) {
            return Err(Invalid::field("year", "holiday_year_out_of_range"));
        }
        // 元旦 may start on Dec 30 of the previous year, and a period could in
        // principle run into the next one; anything further is a typo.
        let in_reach = |day: NaiveDate| (year - 1..=year + 1).contains(&day.year());

        for holiday in &arrangement.holidays {
            if holiday.name_zh.trim().is_empty() || holiday.name_en.trim().is_empty() {
                return Err(Invalid::field("name", "holiday_name_required"));
            }
            if holiday.first > holiday.last {
                return Err(Invalid::field("off", "holiday_period_reversed"));
            }
            if !in_reach(holiday.first) || !in_reach(holiday.last) {
                return Err(Invalid::field("off", "holiday_period_out_of_range"));
            }
        }

        let others = self.years.values().filter(|other| other.year != year);
        let mut periods: Vec<&Holiday> =
            others.clone().flat_map(|other| &other.holidays).chain(&arrangement.holidays).collect();
        periods.sort_by_key(|period| period.first);
        if periods.windows(2).any(|pair| pair[0].last >= pair[1].first) {
            return Err(Invalid::field("off", "holiday_periods_overlap"));
        }

        let mut work: Vec<NaiveDate> = others.flat_map(|other| other.work.iter().copied()).collect();
        for &day in &arrangement.work {
            if !is_weekend(day) {
                return Err(Invalid::field("work", "adjusted_workday_not_weekend"));
            }
            if !in_reach(day) {
                return Err(Invalid::field("work", "adjusted_workday_out_of_range"));
            }
            if periods.iter().any(|period| period.contains(day)) {
                return Err(Invalid::field("work", "adjusted_workday_in_holiday"));
            }
            if work.contains(&day) {
                return Err(Invalid::field("work", "duplicate_adjusted_workday"));
            }
            work.push(day);
        }
        Ok(())
    }

    fn reindex(&mut self) {
        self.periods = self.years.values().flat_map(|year| year.holidays.iter().cloned()).collect();
        self.periods.sort_by_key(|period| period.first);
        self.adjusted = self.years.values().flat_map(|year| year.work.iter().copied()).collect();
        self.adjusted.sort_unstable();

        let days =
            self.periods.iter().flat_map(|period| [period.first, period.last]).chain(self.adjusted.iter().copied());
        let span = days.map(|day| day.num_days_from_ce()).fold(None, |span: Option<(i32, i32)>, day| {
            Some(span.map_or((day, day), |(first, last)| (first.min(day), last.max(day))))
        });
        let (first, last) = span.unwrap_or((0, -1));
        self.day_flags_from = first;
        self.day_flags = vec![0; usize::try_from(last - first + 1).expect("a non-negative span")];
        let mut flag = |day: NaiveDate, bit: u8| {
            let index = usize::try_from(day.num_days_from_ce() - first).expect("inside the span");
            self.day_flags[index] |= bit;
        };
        for day in self.periods.iter().flat_map(Holiday::days) {
            flag(day, PUBLIC_HOLIDAY);
        }
        for day in self.adjusted.clone() {
            flag(day, ADJUSTED_WORKDAY);
        }

        let public_holidays = self.periods.iter().flat_map(Holiday::days);
        let holidays = opening_hours::ContextHolidays::new(Arc::new(public_holidays.collect()), Arc::default());
        self.hours_context = opening_hours::Context::default().with_holidays(holidays);
    }
}

/// Calendars are equal when they hold the same arrangements; the indexes follow.
impl PartialEq for HolidayCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.years == other.years
    }
}

impl Eq for HolidayCalendar {}

impl fmt::Debug for HolidayCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HolidayCalendar")
            .field("years", &self.years.values().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().expect("a working day within chrono's date range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a test date")
    }

    fn official() -> &'static HolidayCalendar {
        HolidayCalendar::official()
    }

    fn holiday(name: &str, first: &str, last: &str) -> Holiday {
        Holiday { name_zh: name.into(), name_en: format!("{name} (en)"), first: date(first), last: date(last) }
    }

    fn arrangement_2027() -> YearArrangement {
        YearArrangement {
            year: 2027,
            holidays: vec![holiday("元旦", "2027-01-01", "2027-01-03"), holiday("春节", "2027-02-05", "2027-02-12")],
            work: vec![date("2027-02-13")],
        }
    }

    #[test]
    fn the_shipped_file_is_valid_and_covers_2024_to_2026() {
        assert_eq!(official().years(), [2024, 2025, 2026]);
        assert!(official().covers(2025));
        assert!(!official().covers(2027));
    }

    #[test]
    fn the_shipped_file_says_what_the_notices_say() {
        let calendar = official();
        let national_day = calendar.holiday_name(date("2025-10-05")).expect("National Day 2025");
        assert_eq!(national_day.name_zh, "国庆节、中秋节");
        assert_eq!(national_day.name_en, "National Day and Mid-Autumn Festival");
        assert_eq!((national_day.first, national_day.last), (date("2025-10-01"), date("2025-10-08")));
        assert_eq!(calendar.holiday_name(date("2026-02-23")).map(|h| h.name_zh.as_str()), Some("春节"));
        assert_eq!(calendar.holiday_name(date("2025-10-09")), None);
        assert_eq!(calendar.adjusted.len(), 8 + 5 + 6);
    }

    #[test]
    fn new_years_day_2024_starts_on_the_last_saturday_of_2023() {
        let calendar = official();
        assert!(calendar.is_public_holiday(date("2023-12-30")));
        assert!(calendar.is_public_holiday(date("2024-01-01")));
        assert!(!calendar.is_public_holiday(date("2023-12-29")));
        assert_eq!(calendar.holiday_name(date("2023-12-31")).map(|h| h.name_en.as_str()), Some("New Year's Day"));
    }

    #[test]
    fn a_holiday_period_is_off_on_every_day_weekends_included() {
        let calendar = official();
        for day in date("2025-10-01").iter_days().take(8) {
            assert!(calendar.is_public_holiday(day), "{day}");
            assert!(!calendar.is_working_day(day), "{day}");
        }
    }

    #[test]
    fn adjusted_workdays_are_working_weekend_days() {
        let calendar = official();
        let sunday = date("2025-09-28");
        assert_eq!(sunday.weekday(), Weekday::Sun);
        assert!(calendar.is_adjusted_workday(sunday));
        assert!(calendar.is_working_day(sunday));
        assert!(!calendar.is_public_holiday(sunday));
        assert!(!calendar.is_working_day(date("2025-09-27")));
        assert!(!calendar.is_adjusted_workday(date("2025-09-29")));
    }

    #[test]
    fn ordinary_weekdays_work_and_weekends_rest() {
        let calendar = official();
        assert!(calendar.is_working_day(date("2025-10-09")));
        assert!(!calendar.is_working_day(date("2025-10-12")));
    }

    #[test]
    fn an_uncovered_year_follows_plain_weekday_logic() {
        let calendar = official();
        let new_years_day_2027 = date("2027-01-01");
        assert!(!calendar.covers(2027));
        assert!(!calendar.is_public_holiday(new_years_day_2027));
        assert!(calendar.is_working_day(new_years_day_2027), "a Friday, as far as we know");
        assert!(!calendar.is_working_day(date("2027-01-02")));
    }

    #[test]
    fn adding_working_days_skips_the_holiday_and_counts_the_adjusted_saturday() {
        let calendar = official();
        // Tuesday 2025-09-30: the next working day is Thursday 10-09, then Friday
        // 10-10, then the adjusted Saturday 10-11, then Monday 10-13.
        assert_eq!(calendar.add_working_days(date("2025-09-30"), 1), date("2025-10-09"));
        assert_eq!(calendar.add_working_days(date("2025-09-30"), 3), date("2025-10-11"));
        assert_eq!(calendar.add_working_days(date("2025-09-30"), 4), date("2025-10-13"));
    }

    #[test]
    fn adding_zero_working_days_lands_on_the_first_working_day_from_the_date() {
        let calendar = official();
        assert_eq!(calendar.add_working_days(date("2025-10-09"), 0), date("2025-10-09"));
        assert_eq!(calendar.add_working_days(date("2025-10-03"), 0), date("2025-10-09"));
        assert_eq!(calendar.add_working_days(date("2025-09-28"), 0), date("2025-09-28"));
    }

    #[test]
    fn working_days_between_excludes_the_start_and_includes_the_end() {
        let calendar = official();
        assert_eq!(calendar.working_days_between(date("2025-09-30"), date("2025-10-11")), 3);
        assert_eq!(calendar.working_days_between(date("2025-10-09"), date("2025-10-09")), 0);
        assert_eq!(calendar.working_days_between(date("2025-10-11"), date("2025-10-09")), 0);
        assert_eq!(calendar.working_days_between(date("2025-10-01"), date("2025-10-08")), 0);
    }

    #[test]
    fn the_calendar_round_trips_through_toml() {
        let calendar = official();
        let text = calendar.to_toml();
        let again = HolidayCalendar::from_toml(&text).expect("own output reads back");
        assert_eq!(&again, calendar);
        assert_eq!(again.to_toml(), text);
    }

    #[test]
    fn a_year_arrangement_has_the_same_shape_in_json_as_in_the_file() {
        let json = r#"{"year": 2027, "holidays": [{"name": "元旦", "en": "New Year's Day", "off": ["2027-01-01", "2027-01-03"]}], "work": []}"#;
        let arrangement: YearArrangement = serde_json::from_str(json).expect("admin JSON");
        assert_eq!(arrangement.holidays[0].first, date("2027-01-01"));
        let back = serde_json::to_value(&arrangement).expect("serialises");
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(json).expect("json"));
    }

    #[test]
    fn an_admin_adds_next_year_when_it_is_published() {
        let mut calendar = official().clone();
        calendar.add_year(arrangement_2027()).expect("a valid year");
        assert!(calendar.covers(2027));
        assert_eq!(calendar.years(), [2024, 2025, 2026, 2027]);
        assert!(calendar.is_public_holiday(date("2027-02-10")));
        assert!(calendar.is_working_day(date("2027-02-13")));
        assert!(!official().covers(2027), "the shipped calendar is untouched");
    }

    #[test]
    fn adding_a_covered_year_again_replaces_it() {
        let mut calendar = official().clone();
        calendar.add_year(arrangement_2027()).expect("first version");
        let mut corrected = arrangement_2027();
        corrected.holidays.truncate(1);
        corrected.work.clear();
        calendar.add_year(corrected.clone()).expect("the corrected version");
        assert_eq!(calendar.arrangement(2027), Some(&corrected));
        assert!(!calendar.is_public_holiday(date("2027-02-10")));
        assert!(!calendar.is_adjusted_workday(date("2027-02-13")));
    }

    fn rejection(arrangement: YearArrangement) -> Invalid {
        let mut calendar = official().clone();
        let before = calendar.clone();
        let error = calendar.add_year(arrangement).expect_err("invalid arrangement");
        assert_eq!(calendar, before, "a rejected year leaves the calendar unchanged");
        error
    }

    #[test]
    fn a_reversed_period_is_rejected() {
        let mut year = arrangement_2027();
        year.holidays[0] = holiday("元旦", "2027-01-03", "2027-01-01");
        assert_eq!(rejection(year), Invalid::field("off", "holiday_period_reversed"));
    }

    #[test]
    fn a_period_far_from_its_year_is_rejected() {
        let mut year = arrangement_2027();
        year.holidays[0] = holiday("元旦", "2028-12-31", "2029-01-01");
        assert_eq!(rejection(year), Invalid::field("off", "holiday_period_out_of_range"));
    }

    #[test]
    fn a_period_may_start_in_the_previous_year() {
        let mut calendar = official().clone();
        let mut year = arrangement_2027();
        year.holidays[0] = holiday("元旦", "2026-12-31", "2027-01-02");
        calendar.add_year(year).expect("元旦 may start in December");
        assert!(calendar.is_public_holiday(date("2026-12-31")));
    }

    #[test]
    fn overlapping_periods_are_rejected_within_and_across_years() {
        let mut year = arrangement_2027();
        year.holidays[1] = holiday("春节", "2027-01-03", "2027-01-10");
        assert_eq!(rejection(year), Invalid::field("off", "holiday_periods_overlap"));

        let mut year = arrangement_2027();
        year.holidays[0] = holiday("元旦", "2026-10-07", "2026-10-08");
        assert_eq!(rejection(year), Invalid::field("off", "holiday_periods_overlap"));
    }

    #[test]
    fn an_adjusted_workday_must_be_a_weekend_day() {
        let mut year = arrangement_2027();
        year.work.push(date("2027-02-15"));
        assert_eq!(rejection(year), Invalid::field("work", "adjusted_workday_not_weekend"));
    }

    #[test]
    fn an_adjusted_workday_must_not_lie_in_a_holiday_period() {
        let mut year = arrangement_2027();
        year.work.push(date("2027-02-06"));
        assert_eq!(rejection(year), Invalid::field("work", "adjusted_workday_in_holiday"));
    }

    #[test]
    fn an_adjusted_workday_far_from_its_year_is_rejected() {
        let mut year = arrangement_2027();
        year.work.push(date("2029-01-06"));
        assert_eq!(rejection(year), Invalid::field("work", "adjusted_workday_out_of_range"));
    }

    #[test]
    fn an_adjusted_workday_may_be_listed_only_once() {
        let mut year = arrangement_2027();
        year.work.push(date("2027-02-13"));
        assert_eq!(rejection(year), Invalid::field("work", "duplicate_adjusted_workday"));
    }

    #[test]
    fn holiday_names_are_required_in_both_languages() {
        let mut year = arrangement_2027();
        year.holidays[0].name_zh = " ".into();
        assert_eq!(rejection(year), Invalid::field("name", "holiday_name_required"));
        let mut year = arrangement_2027();
        year.holidays[1].name_en.clear();
        assert_eq!(rejection(year), Invalid::field("name", "holiday_name_required"));
    }

    #[test]
    fn a_year_outside_the_supported_range_is_rejected() {
        let mut year = arrangement_2027();
        year.year = i32::MAX;
        assert_eq!(rejection(year), Invalid::field("year", "holiday_year_out_of_range"));
    }

    #[test]
    fn a_file_may_not_list_a_year_twice() {
        let text = format!("{}\n{}", official().to_toml(), official().to_toml());
        assert_eq!(HolidayCalendar::from_toml(&text), Err(Invalid::field("year", "duplicate_holiday_year")));
    }

    #[test]
    fn a_malformed_file_is_rejected() {
        for text in [
            "[[year]]\nyear = \"2025\"",
            "[[year]]\nyear = 2025\nholidays = [{ name = \"元旦\", en = \"x\", off = [\"2025-01-01\"] }]",
            "[[yaer]]\nyear = 2025",
            "not toml at all =",
        ] {
            assert_eq!(HolidayCalendar::from_toml(text), Err(Invalid::new("invalid_holiday_calendar")), "{text}");
        }
    }

    #[test]
    fn a_file_rule_violation_carries_the_rules_code() {
        let text = "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", en = \"New Year\", off = [\"2027-01-03\", \"2027-01-01\"] }]\nwork = []";
        assert_eq!(HolidayCalendar::from_toml(text), Err(Invalid::field("off", "holiday_period_reversed")));
    }

    #[test]
    fn an_empty_file_covers_no_year() {
        let calendar = HolidayCalendar::from_toml("# nothing published yet\n").expect("empty is valid");
        assert!(calendar.years().is_empty());
        assert_eq!(calendar, HolidayCalendar::empty());
    }

    proptest! {
        #[test]
        fn counting_back_the_added_working_days_gives_n(offset in 0i64..1200, n in 1u32..40) {
            let calendar = official();
            let start = date("2023-11-01") + chrono::Duration::days(offset);
            let end = calendar.add_working_days(start, n);
            prop_assert!(calendar.is_working_day(end));
            prop_assert_eq!(calendar.working_days_between(start, end), n);
            prop_assert_eq!(calendar.working_days_between(start, end.pred_opt().expect("in range")), n - 1);
        }

        #[test]
        fn a_day_is_working_exactly_when_it_is_a_plain_weekday_or_adjusted(offset in 0i64..1200) {
            let calendar = official();
            let day = date("2023-11-01") + chrono::Duration::days(offset);
            let plain_weekday = !is_weekend(day) && !calendar.is_public_holiday(day);
            prop_assert_eq!(calendar.is_working_day(day), plain_weekday || calendar.is_adjusted_workday(day));
            prop_assert!(!(calendar.is_adjusted_workday(day) && calendar.is_public_holiday(day)));
        }
    }
}
