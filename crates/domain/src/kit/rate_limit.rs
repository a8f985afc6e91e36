//! Fixed-window rate limits, counted in storage so that several servers share them.

use chrono::{DateTime, TimeDelta, Utc};

/// At most `limit` hits per `window` for one key (a phone, an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    /// Names the rule in the counter key, e.g. `code.phone`.
    pub name: &'static str,
    pub limit: u32,
    pub window: TimeDelta,
}

/// A code may be requested once a minute and five times an hour per phone.
pub const CODE_PER_PHONE_MINUTE: RateRule = RateRule { name: "code.phone.1m", limit: 1, window: TimeDelta::minutes(1) };
pub const CODE_PER_PHONE_HOUR: RateRule = RateRule { name: "code.phone.1h", limit: 5, window: TimeDelta::hours(1) };
/// One address may request 30 codes an hour (a shared office or phone shop).
pub const CODE_PER_IP_HOUR: RateRule = RateRule { name: "code.ip.1h", limit: 30, window: TimeDelta::hours(1) };
/// Sign-in attempts (code or password): per phone and per address, per 15 minutes.
pub const SIGN_IN_PER_PHONE: RateRule = RateRule { name: "signin.phone.15m", limit: 10, window: TimeDelta::minutes(15) };
/// What one person may send about stations in an hour: bookings, reviews, feedback.
pub const BOOKINGS_PER_PERSON: RateRule = RateRule { name: "booking.user.1h", limit: 20, window: TimeDelta::hours(1) };
pub const REVIEWS_PER_PERSON: RateRule = RateRule { name: "review.user.1h", limit: 20, window: TimeDelta::hours(1) };
pub const FEEDBACK_PER_PERSON: RateRule = RateRule { name: "feedback.user.1h", limit: 10, window: TimeDelta::hours(1) };
pub const SIGN_IN_PER_IP: RateRule = RateRule { name: "signin.ip.15m", limit: 60, window: TimeDelta::minutes(15) };

impl RateRule {
    /// The start of the window that `now` falls in.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let width = self.window.num_seconds().max(1);
        let start = now.timestamp().div_euclid(width) * width;
        DateTime::from_timestamp(start, 0).expect("a window start is a valid time")
    }

    /// The storage key of the counter for `subject` in the window of `now`.
    pub fn counter_key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.name)
    }

    /// Given the count after this hit, may it go ahead?
    pub fn decide(&self, count: u32, now: DateTime<Utc>) -> RateDecision {
        if count <= self.limit {
            RateDecision::Allowed
        } else {
            let ends = self.window_start(now) + self.window;
            let wait = (ends - now).num_seconds().max(1);
            RateDecision::Limited { retry_after_secs: wait as u64 }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    Limited { retry_after_secs: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hit_past_the_limit_waits_for_the_next_window() {
        let rule = RateRule { name: "t", limit: 2, window: TimeDelta::minutes(1) };
        let now = DateTime::from_timestamp(1_700_000_010, 0).unwrap();
        assert_eq!(rule.window_start(now), DateTime::from_timestamp(1_699_999_980, 0).unwrap());
        assert_eq!(rule.decide(1, now), RateDecision::Allowed);
        assert_eq!(rule.decide(2, now), RateDecision::Allowed);
        assert_eq!(rule.decide(3, now), RateDecision::Limited { retry_after_secs: 30 });
    }
}
