//! Service indices of stations and organisations (SPEC 3.1): activity, praise
//! rate, feedback handling rate and time, and a combined service index.
//!
//! Storage keeps [`Counters`] per station and China day, changed by each event
//! in the event's own transaction (the deltas come from here, so the
//! incremental path and a rebuild from the event tables agree). Reading sums
//! the counters of a window; the functions here turn such a sum into the
//! indices. The formulas, with a worked example, are in `docs/indices.md`;
//! [`FORMULA_VERSION`] names them in every answer and changes when they do.

use std::ops::{Add, AddAssign};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use super::reservation::ReservationStatus;
use crate::kit::calendar::HolidayCalendar;
use crate::kit::china_time::china_day;
use crate::Invalid;

/// Names the formulas below; part of every answer.
pub const FORMULA_VERSION: &str = "indices-2026.1";

pub const DEFAULT_WINDOW_DAYS: i64 = 30;
pub const MAX_WINDOW_DAYS: i64 = 365;

/// Daily person-times at which the activity score is 50: about the national
/// mean (2.3 million visits a day over 186,000 stations ≈ 12.4).
pub const ACTIVITY_HALF_SCORE_PER_DAY: f64 = 12.0;
/// Stars from which a review counts as praise.
pub const PRAISE_MIN_STARS: u8 = 4;
/// The praise-rate prior: as if every station started with 2 praising and 2
/// other reviews ("plus four"), so one 5-star review gives 60 %, not 100 %.
pub const PRAISE_PRIOR_PRAISED: f64 = 2.0;
pub const PRAISE_PRIOR_REVIEWS: f64 = 4.0;
/// Feedback is answered on time within this many working days (official
/// calendar) after the day it arrived.
pub const FEEDBACK_TARGET_WORKING_DAYS: u32 = 3;

/// The combined index's weights; the parts present are re-weighted to sum to 1.
pub const WEIGHT_ACTIVITY: f64 = 0.30;
pub const WEIGHT_PRAISE: f64 = 0.30;
pub const WEIGHT_HANDLING: f64 = 0.25;
pub const WEIGHT_TIMELINESS: f64 = 0.15;

/// The China day of a visit's hour bucket (hours since the Unix epoch).
pub fn china_day_of_hour(hour: i64) -> NaiveDate {
    let days = (hour + 8).div_euclid(24);
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch") + TimeDelta::days(days)
}

/// `days` China days ending with `last`, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    last: NaiveDate,
    days: i64,
}

impl Window {
    /// `days` from 1 to 365 (default 30).
    pub fn new(last: NaiveDate, days: Option<i64>) -> Result<Self, Invalid> {
        let days = days.unwrap_or(DEFAULT_WINDOW_DAYS);
        if !(1..=MAX_WINDOW_DAYS).contains(&days) {
            return Err(Invalid::field("days", "invalid_value"));
        }
        Ok(Self { last, days })
    }

    pub fn first(&self) -> NaiveDate {
        self.last - TimeDelta::days(self.days - 1)
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    pub fn days(&self) -> i64 {
        self.days
    }

    /// The first day of the window whose feedback may still be answered on
    /// time (its target lies today or later): unanswered feedback of these
    /// days is pending, not failed. Never before the window's first day.
    pub fn grace_from(&self, calendar: &HolidayCalendar) -> NaiveDate {
        let mut day = self.last;
        while day > self.first() {
            let before = day - TimeDelta::days(1);
            if answer_deadline(before, calendar) < self.last {
                break;
            }
            day = before;
        }
        day
    }
}

/// The last day on which feedback received on `received` is answered on time.
pub fn answer_deadline(received: NaiveDate, calendar: &HolidayCalendar) -> NaiveDate {
    calendar.add_working_days(received, FEEDBACK_TARGET_WORKING_DAYS)
}

/// Counts of one station's events on one China day — or a sum of such rows
/// over days and stations. Also the delta an event adds (negative to undo).
///
/// Reservations and feedback are counted on the day they were made, with
/// their current status; a review on the day of its current version
/// (`updated_at`), while it is visible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Counted visits (one per worker, station and hour).
    pub visits: i64,
    /// Bookings requested, whatever became of them.
    pub reservations: i64,
    pub reservations_confirmed: i64,
    pub reservations_declined: i64,
    pub reservations_cancelled: i64,
    /// Visible reviews.
    pub reviews: i64,
    /// Visible reviews with at least 4 stars.
    pub reviews_praised: i64,
    pub review_stars: i64,
    /// Feedback received.
    pub feedback: i64,
    /// Of it, answered.
    pub feedback_answered: i64,
    /// Seconds from receipt to the first answer, summed.
    pub feedback_answer_seconds: i64,
    /// Answered within the target.
    pub feedback_on_time: i64,
}


impl Counters {
    /// Every field, in the order storage keeps them.
    pub const FIELDS: [&'static str; 12] = [
        "visits",
        "reservations",
        "reservations_confirmed",
        "reservations_declined",
        "reservations_cancelled",
        "reviews",
        "reviews_praised",
        "review_stars",
        "feedback",
        "feedback_answered",
        "feedback_answer_seconds",
        "feedback_on_time",
    ];

    /// The fields as an array, in [`Counters::FIELDS`] order.
    pub fn values(&self) -> [i64; 12] {
        [
            self.visits,
            self.reservations,
            self.reservations_confirmed,
            self.reservations_declined,
            self.reservations_cancelled,
            self.reviews,
            self.reviews_praised,
            self.review_stars,
            self.feedback,
            self.feedback_answered,
            self.feedback_answer_seconds,
            self.feedback_on_time,
        ]
    }

    /// Rebuilds counters from [`Counters::values`].
    pub fn from_values(v: [i64; 12]) -> Self {
        Self {
            visits: v[0],
            reservations: v[1],
            reservations_confirmed: v[2],
            reservations_declined: v[3],
            reservations_cancelled: v[4],
            reviews: v[5],
            reviews_praised: v[6],
            review_stars: v[7],
            feedback: v[8],
            feedback_answered: v[9],
            feedback_answer_seconds: v[10],
            feedback_on_time: v[11],
        }
    }

    pub fn is_zero(&self) -> bool {
        self.values().iter().all(|v| *v == 0)
    }

    /// The same counts with the opposite sign: undoes an event's delta.
    pub fn negated(&self) -> Self {
        Self::from_values(self.values().map(|v| -v))
    }

    /// A counted visit.
    pub fn visit() -> Self {
        Self { visits: 1, ..Self::default() }
    }

    /// A booking in this status (requested counts in `reservations` only).
    pub fn reservation(status: ReservationStatus) -> Self {
        let mut delta = Self { reservations: 1, ..Self::default() };
        match status {
            ReservationStatus::Requested => {}
            ReservationStatus::Confirmed => delta.reservations_confirmed = 1,
            ReservationStatus::Declined => delta.reservations_declined = 1,
            ReservationStatus::Cancelled => delta.reservations_cancelled = 1,
        }
        delta
    }

    /// A booking moving from one status to another (on its request day).
    pub fn reservation_change(from: ReservationStatus, to: ReservationStatus) -> Self {
        Self::reservation(to) + Self::reservation(from).negated()
    }

    /// A visible review with these stars.
    pub fn review(stars: u8) -> Self {
        Self {
            reviews: 1,
            reviews_praised: i64::from(stars >= PRAISE_MIN_STARS),
            review_stars: i64::from(stars),
            ..Self::default()
        }
    }

    /// Feedback received.
    pub fn feedback_received() -> Self {
        Self { feedback: 1, ..Self::default() }
    }

    /// Feedback received at `asked` and first answered at `answered` (counted
    /// on the day it was received).
    pub fn feedback_answer(asked: DateTime<Utc>, answered: DateTime<Utc>, calendar: &HolidayCalendar) -> Self {
        let seconds = (answered - asked).num_seconds().max(0);
        let on_time = china_day(answered) <= answer_deadline(china_day(asked), calendar);
        Self { feedback_answered: 1, feedback_answer_seconds: seconds, feedback_on_time: i64::from(on_time), ..Self::default() }
    }

    /// Bookings not declined or cancelled: those that bring people in.
    pub fn held_reservations(&self) -> i64 {
        self.reservations - self.reservations_declined - self.reservations_cancelled
    }
}

impl Add for Counters {
    type Output = Counters;
    fn add(self, other: Counters) -> Counters {
        let (a, b) = (self.values(), other.values());
        Counters::from_values(std::array::from_fn(|i| a[i] + b[i]))
    }
}

impl AddAssign for Counters {
    fn add_assign(&mut self, other: Counters) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Counters {
    fn sum<I: Iterator<Item = Counters>>(iter: I) -> Counters {
        iter.fold(Counters::default(), Add::add)
    }
}

/// What the indices are computed from: the counters of a window summed over
/// one station or an organisation's stations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexInput {
    /// The window's counters.
    pub counters: Counters,
    /// Feedback of the window's last days still within its target and not
    /// answered yet: pending, so left out of the handling rate.
    pub pending_feedback: i64,
    /// Stations × days of the window: activity is per station and day.
    pub station_days: i64,
}

/// Activity: person-times (visits, and bookings not declined or cancelled)
/// per station and day, and its score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Activity {
    pub visits: i64,
    pub reservations: i64,
    /// Per station and day, to one decimal.
    pub per_station_day: Option<f64>,
    /// `100 × a / (a + 12)`: 50 at the national mean, approaching but never
    /// reaching 100, so size alone buys little.
    pub score: Option<f64>,
}

/// Praise: the share of visible reviews with 4 or 5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Praise {
    pub reviews: i64,
    pub praised: i64,
    pub average_stars: Option<f64>,
    /// `praised / reviews`, as a percentage.
    pub raw_rate: Option<f64>,
    /// `(praised + 2) / (reviews + 4)`, as a percentage: the score.
    pub score: Option<f64>,
}

/// Feedback handling: how much of the feedback due was answered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Handling {
    pub received: i64,
    /// Received, less what is still within its target and unanswered.
    pub due: i64,
    pub answered: i64,
    /// `answered / due`, as a percentage: the score.
    pub score: Option<f64>,
}

/// Feedback time: how fast the answers came.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Timeliness {
    pub answered: i64,
    /// Mean hours from receipt to the first answer, to one decimal.
    pub mean_hours: Option<f64>,
    /// Answered within 3 working days of the day received.
    pub on_time: i64,
    /// `on_time / answered`, as a percentage: the score.
    pub score: Option<f64>,
}

/// Every index of a station or organisation over a window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Indices {
    pub activity: Activity,
    pub praise: Praise,
    pub feedback_handling: Handling,
    pub feedback_time: Timeliness,
    /// The weighted mean of the part scores present, 0–100; absent when none is.
    pub service_index: Option<f64>,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn percent(part: f64, whole: f64) -> f64 {
    one_decimal((100.0 * part / whole).clamp(0.0, 100.0))
}

/// The indices of a window's counters.
pub fn compute(input: &IndexInput) -> Indices {
    let c = &input.counters;
    let visits = c.visits.max(0);
    let reservations = c.held_reservations().max(0);
    let per_day = (input.station_days > 0).then(|| (visits + reservations) as f64 / input.station_days as f64);
    let activity = Activity {
        visits,
        reservations,
        per_station_day: per_day.map(one_decimal),
        score: per_day.map(|a| percent(a, a + ACTIVITY_HALF_SCORE_PER_DAY)),
    };

    let reviews = c.reviews.max(0);
    let praised = c.reviews_praised.clamp(0, reviews);
    let praise = Praise {
        reviews,
        praised,
        average_stars: (reviews > 0).then(|| one_decimal(c.review_stars as f64 / reviews as f64)),
        raw_rate: (reviews > 0).then(|| percent(praised as f64, reviews as f64)),
        score: (reviews > 0)
            .then(|| percent(praised as f64 + PRAISE_PRIOR_PRAISED, reviews as f64 + PRAISE_PRIOR_REVIEWS)),
    };

    let received = c.feedback.max(0);
    let answered = c.feedback_answered.clamp(0, received);
    let due = (received - input.pending_feedback.clamp(0, received - answered)).max(answered);
    let feedback_handling = Handling { received, due, answered, score: (due > 0).then(|| percent(answered as f64, due as f64)) };

    let on_time = c.feedback_on_time.clamp(0, answered);
    let feedback_time = Timeliness {
        answered,
        mean_hours: (answered > 0).then(|| one_decimal(c.feedback_answer_seconds.max(0) as f64 / 3600.0 / answered as f64)),
        on_time,
        score: (answered > 0).then(|| percent(on_time as f64, answered as f64)),
    };

    let parts = [
        (activity.score, WEIGHT_ACTIVITY),
        (praise.score, WEIGHT_PRAISE),
        (feedback_handling.score, WEIGHT_HANDLING),
        (feedback_time.score, WEIGHT_TIMELINESS),
    ];
    let weight: f64 = parts.iter().filter(|(s, _)| s.is_some()).map(|(_, w)| w).sum();
    let weighted: f64 = parts.iter().filter_map(|(s, w)| s.map(|s| s * w)).sum();
    let service_index = (weight > 0.0).then(|| one_decimal((weighted / weight).clamp(0.0, 100.0)));

    Indices { activity, praise, feedback_handling, feedback_time, service_index }
}

/// Best first: the higher service index, stations without one last, then the
/// lower id. `worst` reverses the order of those with an index (still
/// leaving those without one last).
pub fn rank<T>(items: &mut [T], worst: bool, key: impl Fn(&T) -> (Option<f64>, i64)) {
    items.sort_by(|a, b| {
        let ((ia, ida), (ib, idb)) = (key(a), key(b));
        let by_index = match (ia, ib) {
            (Some(x), Some(y)) if worst => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_index.then(ida.cmp(&idb))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// The worked example of docs/indices.md, number for number.
    #[test]
    fn the_worked_example_of_the_documentation() {
        let counters = Counters {
            visits: 330,
            reservations: 12,
            reservations_confirmed: 8,
            reservations_declined: 1,
            reservations_cancelled: 1,
            reviews: 6,
            reviews_praised: 5,
            review_stars: 26,
            feedback: 5,
            feedback_answered: 3,
            feedback_answer_seconds: 3 * 3600 + 20 * 3600 + 100 * 3600,
            feedback_on_time: 2,
        };
        let got = compute(&IndexInput { counters, pending_feedback: 1, station_days: 30 });
        assert_eq!(got.activity.reservations, 10, "12 requested, less 1 declined and 1 cancelled");
        assert_eq!(got.activity.per_station_day, Some(11.3), "340 / 30");
        assert_eq!(got.activity.score, Some(48.6), "100 × 11.33 / 23.33");
        assert_eq!(got.praise.raw_rate, Some(83.3));
        assert_eq!(got.praise.score, Some(70.0), "(5 + 2) / (6 + 4)");
        assert_eq!(got.praise.average_stars, Some(4.3));
        assert_eq!(got.feedback_handling.due, 4, "5 received, 1 still within its 3 working days");
        assert_eq!(got.feedback_handling.score, Some(75.0));
        assert_eq!(got.feedback_time.mean_hours, Some(41.0));
        assert_eq!(got.feedback_time.score, Some(66.7));
        // 0.30 × 48.6 + 0.30 × 70 + 0.25 × 75 + 0.15 × 66.7 = 64.335.
        assert_eq!(got.service_index, Some(64.3));
        let without_reviews = Counters { reviews: 0, reviews_praised: 0, review_stars: 0, ..counters };
        let got = compute(&IndexInput { counters: without_reviews, pending_feedback: 1, station_days: 30 });
        assert_eq!(got.service_index, Some(61.9), "(0.30 × 48.6 + 0.25 × 75 + 0.15 × 66.7) / 0.70");
    }

    #[test]
    fn one_five_star_review_is_not_a_perfect_praise_rate() {
        let got = compute(&IndexInput { counters: Counters::review(5), pending_feedback: 0, station_days: 30 });
        assert_eq!(got.praise.raw_rate, Some(100.0));
        assert_eq!(got.praise.score, Some(60.0));
    }

    #[test]
    fn missing_parts_leave_the_combined_index_to_the_others() {
        let quiet = compute(&IndexInput { counters: Counters::default(), pending_feedback: 0, station_days: 30 });
        assert_eq!(quiet.praise.score, None);
        assert_eq!(quiet.feedback_handling.score, None);
        assert_eq!(quiet.feedback_time.score, None);
        assert_eq!(quiet.activity.score, Some(0.0));
        assert_eq!(quiet.service_index, Some(0.0), "only activity is known, and it is nil");
        let nothing = compute(&IndexInput::default());
        assert_eq!(nothing.service_index, None, "no station, no index");
        // Activity 50 (12 a day) and praise 60 (one 5-star review): (0.3 × 50 + 0.3 × 60) / 0.6.
        let counters = Counters { visits: 360, ..Counters::review(5) };
        let two = compute(&IndexInput { counters, pending_feedback: 0, station_days: 30 });
        assert_eq!(two.service_index, Some(55.0));
    }

    #[test]
    fn a_huge_station_gains_little_over_a_busy_one() {
        let score = |per_day: i64| {
            compute(&IndexInput { counters: Counters { visits: per_day * 30, ..Counters::default() }, pending_feedback: 0, station_days: 30 })
                .activity
                .score
                .unwrap()
        };
        assert_eq!(score(12), 50.0);
        assert_eq!(score(36), 75.0);
        assert!(score(1200) < 100.0 && score(1200) - score(120) < 10.0);
    }

    #[test]
    fn events_have_their_deltas() {
        use ReservationStatus::*;
        assert_eq!(Counters::reservation_change(Requested, Confirmed), Counters { reservations_confirmed: 1, ..Counters::default() });
        assert_eq!(
            Counters::reservation_change(Confirmed, Cancelled),
            Counters { reservations_confirmed: -1, reservations_cancelled: 1, ..Counters::default() }
        );
        assert_eq!(Counters::review(3), Counters { reviews: 1, review_stars: 3, ..Counters::default() });
        assert_eq!(Counters::review(4).reviews_praised, 1);
        assert!((Counters::review(4) + Counters::review(4).negated()).is_zero());
    }

    #[test]
    fn feedback_is_on_time_within_three_working_days() {
        let calendar = HolidayCalendar::official();
        // Received Friday 2025-09-26: Sunday the 28th is an adjusted working day (调休), so the third is Tuesday the 30th.
        assert_eq!(answer_deadline(date("2025-09-26"), calendar), date("2025-09-30"));
        let asked = at("2025-09-26T20:00:00+08:00");
        let in_time = Counters::feedback_answer(asked, at("2025-09-30T23:00:00+08:00"), calendar);
        assert_eq!((in_time.feedback_on_time, in_time.feedback_answer_seconds), (1, 99 * 3600));
        let late = Counters::feedback_answer(asked, at("2025-10-01T08:00:00+08:00"), calendar);
        assert_eq!(late.feedback_on_time, 0);
        // Received on National Day: the holiday does not count, Saturday the 11th does (调休).
        assert_eq!(answer_deadline(date("2025-10-01"), calendar), date("2025-10-11"));
    }

    #[test]
    fn the_grace_days_are_those_whose_target_is_not_past() {
        let calendar = HolidayCalendar::official();
        // Wednesday 2025-06-18: feedback of Friday the 13th was due Wednesday — still on time today.
        let window = Window::new(date("2025-06-18"), Some(30)).unwrap();
        assert_eq!(window.grace_from(calendar), date("2025-06-13"));
        assert_eq!(window.first(), date("2025-05-20"));
        let one_day = Window::new(date("2025-06-18"), Some(1)).unwrap();
        assert_eq!(one_day.grace_from(calendar), date("2025-06-18"), "never before the window");
        for bad in [0, 366, -5] {
            assert_eq!(Window::new(date("2025-06-18"), Some(bad)).unwrap_err().code, "invalid_value");
        }
    }

    #[test]
    fn visit_hours_fall_on_china_days() {
        let hour = |s: &str| at(s).timestamp().div_euclid(3600);
        assert_eq!(china_day_of_hour(hour("2025-06-10T00:00:00+08:00")), date("2025-06-10"));
        assert_eq!(china_day_of_hour(hour("2025-06-09T23:59:00+08:00")), date("2025-06-09"));
        assert_eq!(china_day(at("2025-06-09T16:00:00Z")), date("2025-06-10"));
    }

    #[test]
    fn ranking_puts_the_best_first_and_the_unknown_last() {
        let mut items = vec![(1, Some(40.0)), (2, None), (3, Some(90.0)), (4, Some(40.0))];
        rank(&mut items, false, |(id, index)| (*index, *id));
        assert_eq!(items.iter().map(|i| i.0).collect::<Vec<_>>(), vec![3, 1, 4, 2]);
        rank(&mut items, true, |(id, index)| (*index, *id));
        assert_eq!(items.iter().map(|i| i.0).collect::<Vec<_>>(), vec![1, 4, 3, 2]);
    }

    prop_compose! {
        fn any_counters()(
            visits in 0i64..5000, requested in 0i64..200, confirmed in 0i64..200, declined in 0i64..200, cancelled in 0i64..200,
            reviews in 0i64..300, praised in 0i64..300, stars in 1i64..=5,
            feedback in 0i64..100, answered in 0i64..100, hours in 0i64..2000, on_time in 0i64..100,
        ) -> Counters {
            let reservations = requested + confirmed + declined + cancelled;
            let praised = praised.min(reviews);
            let answered = answered.min(feedback);
            Counters {
                visits,
                reservations,
                reservations_confirmed: confirmed,
                reservations_declined: declined,
                reservations_cancelled: cancelled,
                reviews,
                reviews_praised: praised,
                review_stars: reviews * stars,
                feedback,
                feedback_answered: answered,
                feedback_answer_seconds: hours * 3600 * answered,
                feedback_on_time: on_time.min(answered),
            }
        }
    }

    fn in_bounds(score: Option<f64>) -> bool {
        score.is_none_or(|s| (0.0..=100.0).contains(&s))
    }

    proptest! {
        #[test]
        fn every_score_lies_between_0_and_100(c in any_counters(), pending in 0i64..50, station_days in 0i64..10_000) {
            let got = compute(&IndexInput { counters: c, pending_feedback: pending, station_days });
            for score in [got.activity.score, got.praise.score, got.praise.raw_rate, got.feedback_handling.score, got.feedback_time.score, got.service_index] {
                prop_assert!(in_bounds(score), "{score:?} of {got:?}");
            }
            prop_assert!(got.feedback_handling.due >= got.feedback_handling.answered);
            let parts = [got.activity.score, got.praise.score, got.feedback_handling.score, got.feedback_time.score];
            prop_assert_eq!(got.service_index.is_some(), parts.iter().any(Option::is_some), "defined whenever a part is");
        }

        #[test]
        fn more_praise_never_lowers_the_praise_rate_nor_the_index(c in any_counters(), stars in 4u8..=5, station_days in 1i64..100) {
            let before = compute(&IndexInput { counters: c, pending_feedback: 0, station_days });
            let after = compute(&IndexInput { counters: c + Counters::review(stars), pending_feedback: 0, station_days });
            prop_assert!(after.praise.score >= before.praise.score);
            if c.reviews > 0 {
                prop_assert!(after.service_index >= before.service_index);
            }
            // A review raised from 3 stars to 4 is more praise too.
            let raised = c + Counters::review(3);
            let edited = raised + Counters::review(3).negated() + Counters::review(4);
            let (r, e) = (compute(&IndexInput { counters: raised, pending_feedback: 0, station_days }), compute(&IndexInput { counters: edited, pending_feedback: 0, station_days }));
            prop_assert!(e.praise.score >= r.praise.score && e.service_index >= r.service_index);
        }

        #[test]
        fn a_faster_answer_never_lowers_the_index(
            c in any_counters(),
            received_day in 0i64..700,
            late_hours in 0i64..400,
            earlier_by in 0i64..400,
        ) {
            let calendar = HolidayCalendar::official();
            let asked = at("2024-01-01T09:00:00+08:00") + TimeDelta::days(received_day);
            let slow = Counters::feedback_answer(asked, asked + TimeDelta::hours(late_hours), calendar);
            let fast = Counters::feedback_answer(asked, asked + TimeDelta::hours((late_hours - earlier_by).max(0)), calendar);
            let base = c + Counters::feedback_received();
            let (s, f) = (compute(&IndexInput { counters: base + slow, pending_feedback: 0, station_days: 30 }), compute(&IndexInput { counters: base + fast, pending_feedback: 0, station_days: 30 }));
            prop_assert!(f.feedback_time.score >= s.feedback_time.score);
            prop_assert!(f.service_index >= s.service_index, "{f:?} vs {s:?}");
        }

        #[test]
        fn answering_never_lowers_the_index(c in any_counters()) {
            prop_assume!(c.feedback > c.feedback_answered);
            let before = compute(&IndexInput { counters: c, pending_feedback: 0, station_days: 30 });
            // Answered within the hour: the handling rate rises and timeliness cannot fall.
            let answered = Counters { feedback_answered: 1, feedback_on_time: 1, feedback_answer_seconds: 3600, ..Counters::default() };
            let after = compute(&IndexInput { counters: c + answered, pending_feedback: 0, station_days: 30 });
            prop_assert!(after.feedback_handling.score > before.feedback_handling.score);
            prop_assert!(after.feedback_time.score >= before.feedback_time.score);
            prop_assert!(after.service_index >= before.service_index);
        }

        #[test]
        fn more_activity_never_lowers_the_activity_score(c in any_counters(), more in 1i64..1000, station_days in 1i64..1000) {
            let before = compute(&IndexInput { counters: c, pending_feedback: 0, station_days });
            let after = compute(&IndexInput { counters: Counters { visits: c.visits + more, ..c }, pending_feedback: 0, station_days });
            prop_assert!(after.activity.score >= before.activity.score);
            prop_assert!(after.service_index >= before.service_index);
        }

        #[test]
        fn the_grace_days_end_the_window(last_offset in 0i64..900, days in 1i64..=365) {
            let calendar = HolidayCalendar::official();
            let window = Window::new(date("2024-01-01") + TimeDelta::days(last_offset), Some(days)).unwrap();
            let grace = window.grace_from(calendar);
            prop_assert!(grace >= window.first() && grace <= window.last());
            // Feedback of `grace` may still be answered on time; that of the day before may not.
            prop_assert!(answer_deadline(grace, calendar) >= window.last());
            if grace > window.first() {
                prop_assert!(answer_deadline(grace - TimeDelta::days(1), calendar) < window.last());
            }
        }
    }
}
