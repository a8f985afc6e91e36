//! China Standard Time (UTC+8, one zone for the whole country, no daylight
//! saving): the zone stations keep their hours in, days are counted in, and
//! pages show times in. Storage keeps UTC instants; this is the one place that
//! names the offset.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8.
pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The China day an instant falls on.
pub fn china_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&offset()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_china_day_turns_at_sixteen_utc() {
        let before: DateTime<Utc> = "2025-09-30T15:59:59Z".parse().unwrap();
        let after: DateTime<Utc> = "2025-09-30T16:00:00Z".parse().unwrap();
        assert_eq!(china_day(before), NaiveDate::from_ymd_opt(2025, 9, 30).unwrap());
        assert_eq!(china_day(after), NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
    }
}
