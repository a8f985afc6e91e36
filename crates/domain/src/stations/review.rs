//! Using a station beyond finding it: reviews (stars and text, moderated),
//! visits counted by QR check-in, and feedback answered by the manager.

use chrono::{DateTime, TimeDelta, Utc};

use super::reservation::checked_text;
use crate::Invalid;

pub const REVIEW_MAX_CHARS: usize = 500;
pub const FEEDBACK_MAX_CHARS: usize = 1000;

/// One to five stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stars(u8);

impl Stars {
    pub fn new(value: i64) -> Result<Self, Invalid> {
        if (1..=5).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(Invalid::field("stars", "invalid_stars"))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A worker's review of a station: stars and up to 500 characters (may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    pub stars: Stars,
    pub text: String,
}

impl ReviewInput {
    pub fn new(stars: i64, text: &str) -> Result<Self, Invalid> {
        Ok(Self { stars: Stars::new(stars)?, text: checked_text(text, "text", REVIEW_MAX_CHARS, false)? })
    }
}

/// Feedback to a station's manager, or the manager's answer: 1 to 1000 characters.
pub fn feedback_text(text: &str, field: &'static str) -> Result<String, Invalid> {
    checked_text(text, field, FEEDBACK_MAX_CHARS, true)
}

/// The reason a moderator gives for hiding a review.
pub fn moderation_reason(reason: &str) -> Result<String, Invalid> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Invalid::field("reason", "reason_required"));
    }
    if reason.chars().count() > 500 {
        return Err(Invalid::field("reason", "reason_too_long"));
    }
    Ok(reason.to_owned())
}

/// A reviewer's name as the public sees it: the first character and one star
/// per further character, at most two (`张*`, `欧阳**`→`欧**`); `*` without a name.
pub fn masked_name(name: Option<&str>) -> String {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { return "*".to_owned() };
    let mut chars = name.chars();
    let first = chars.next().expect("not empty");
    let rest = chars.count().clamp(1, 2);
    format!("{first}{}", "*".repeat(rest))
}

/// The average of some stars, to one decimal; `None` without any.
pub fn average_stars(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| ((sum as f64 / count as f64) * 10.0).round() / 10.0)
}

/// The clock hour (China time, which is a whole number of hours from UTC) a
/// visit falls in, as hours since the Unix epoch: at most one visit per worker,
/// station and hour is counted.
pub fn visit_hour(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(3600)
}

/// The first visit hour of the China day that holds `now`, and of the 30 China
/// days ending with it.
pub fn visit_windows(now: DateTime<Utc>) -> (i64, i64) {
    let local = now.with_timezone(&crate::kit::china_time::offset());
    let midnight = local.date_naive().and_hms_opt(0, 0, 0).expect("midnight exists");
    let today = (midnight.and_utc().timestamp() - 8 * 3600).div_euclid(3600);
    (today, today - (TimeDelta::days(29).num_hours()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stars_run_from_one_to_five() {
        assert!(Stars::new(1).is_ok() && Stars::new(5).is_ok());
        for bad in [0, 6, -1, 100] {
            assert_eq!(Stars::new(bad).unwrap_err().code, "invalid_stars", "{bad}");
        }
    }

    #[test]
    fn review_and_feedback_texts_have_limits() {
        assert!(ReviewInput::new(4, &"好".repeat(500)).is_ok());
        assert_eq!(ReviewInput::new(4, &"好".repeat(501)).unwrap_err().code, "text_too_long");
        assert_eq!(ReviewInput::new(4, "").unwrap().text, "", "stars alone are a review");
        assert!(feedback_text(&"水".repeat(1000), "text").is_ok());
        assert_eq!(feedback_text(&"水".repeat(1001), "text").unwrap_err().code, "text_too_long");
        assert_eq!(feedback_text("  ", "text").unwrap_err().code, "required");
        assert_eq!(moderation_reason(" ").unwrap_err().code, "reason_required");
    }

    #[test]
    fn names_are_masked_after_the_first_character() {
        assert_eq!(masked_name(Some("张三")), "张*");
        assert_eq!(masked_name(Some("张")), "张*");
        assert_eq!(masked_name(Some("欧阳娜娜")), "欧**");
        assert_eq!(masked_name(None), "*");
        assert_eq!(masked_name(Some("  ")), "*");
    }

    #[test]
    fn averages_round_to_one_decimal() {
        assert_eq!(average_stars(14, 3), Some(4.7));
        assert_eq!(average_stars(0, 0), None);
    }

    #[test]
    fn visit_hours_follow_the_china_clock() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(visit_hour(at("2025-06-10T10:00:00+08:00")), visit_hour(at("2025-06-10T10:59:59+08:00")));
        assert_ne!(visit_hour(at("2025-06-10T10:59:59+08:00")), visit_hour(at("2025-06-10T11:00:00+08:00")));
        let (today, month) = visit_windows(at("2025-06-10T00:30:00+08:00"));
        assert_eq!(today, visit_hour(at("2025-06-10T00:00:00+08:00")), "the China day starts at 16:00 UTC");
        assert_eq!(today - month, 29 * 24);
    }

    proptest! {
        #[test]
        fn a_masked_name_never_shows_more_than_its_first_character(name in "\\PC{1,12}") {
            let masked = masked_name(Some(&name));
            let first = name.trim().chars().next();
            if let Some(first) = first {
                prop_assert!(masked.starts_with(first));
                prop_assert!(masked.chars().skip(1).all(|c| c == '*'));
            }
        }
    }
}
