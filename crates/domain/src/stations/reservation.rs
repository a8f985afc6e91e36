//! Reservations of a station's rooms and venues: the bookable resources, the
//! time slots a worker may ask for, overlaps, and the life of a booking.
//!
//! Times are China Standard Time ([`NaiveDateTime`] in UTC+8, no daylight
//! saving); storage keeps them as Unix seconds so that overlap checks are plain
//! integer comparisons on both backends.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Bookings are made in whole slots of this many minutes.
pub const SLOT_MINUTES: i64 = 30;
/// The longest booking.
pub const MAX_HOURS: i64 = 8;
/// How far ahead a booking may start.
pub const HORIZON_DAYS: i64 = 60;
/// China Standard Time is UTC+8 all year.
const CHINA_OFFSET_SECS: i64 = 8 * 3600;

pub const MAX_CAPACITY: u32 = 1000;

/// Free text: trimmed, at most `max` characters, no control characters but newlines.
pub fn checked_text(value: &str, field: &'static str, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Invalid::field(field, "required"));
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::field(field, "text_too_long"));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::field(field, "invalid_value"));
    }
    Ok(trimmed.to_owned())
}

/// A room or venue of a station that workers can book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInput {
    pub name: String,
    pub capacity: u32,
    pub description: String,
}

impl ResourceInput {
    pub fn new(name: &str, capacity: i64, description: Option<&str>) -> Result<Self, Invalid> {
        let name = checked_text(name, "name", 60, true)?;
        if !(1..=i64::from(MAX_CAPACITY)).contains(&capacity) {
            return Err(Invalid::field("capacity", "invalid_capacity"));
        }
        let description = checked_text(description.unwrap_or(""), "description", 500, false)?;
        Ok(Self { name, capacity: capacity as u32, description })
    }
}

/// A requested time slot: whole 30-minute slots, not in the past, starting
/// within the next 60 days, at most 8 hours long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    start: NaiveDateTime,
    end: NaiveDateTime,
}

impl Slot {
    /// `now` is China time.
    pub fn new(start: NaiveDateTime, end: NaiveDateTime, now: NaiveDateTime) -> Result<Self, Invalid> {
        for (time, field) in [(start, "start"), (end, "end")] {
            if time.second() != 0 || time.nanosecond() != 0 || i64::from(time.minute()) % SLOT_MINUTES != 0 {
                return Err(Invalid::field(field, "slot_not_aligned"));
            }
        }
        if end <= start {
            return Err(Invalid::field("end", "slot_end_before_start"));
        }
        if end - start > TimeDelta::hours(MAX_HOURS) {
            return Err(Invalid::field("end", "slot_too_long"));
        }
        if start < now {
            return Err(Invalid::field("start", "slot_in_past"));
        }
        if start > now + TimeDelta::days(HORIZON_DAYS) {
            return Err(Invalid::field("start", "slot_too_far_ahead"));
        }
        Ok(Self { start, end })
    }

    /// A slot as stored, without the rules about now (they held when it was booked).
    pub fn from_stored(start_unix: i64, end_unix: i64) -> Option<Self> {
        let start = from_unix(start_unix)?;
        let end = from_unix(end_unix)?;
        (end > start).then_some(Self { start, end })
    }

    pub fn start(&self) -> NaiveDateTime {
        self.start
    }

    pub fn end(&self) -> NaiveDateTime {
        self.end
    }

    pub fn start_unix(&self) -> i64 {
        to_unix(self.start)
    }

    pub fn end_unix(&self) -> i64 {
        to_unix(self.end)
    }

    /// Half-open intervals: a booking ending at 10:00 and one starting at 10:00 do not overlap.
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// China local time → Unix seconds.
pub fn to_unix(local: NaiveDateTime) -> i64 {
    local.and_utc().timestamp() - CHINA_OFFSET_SECS
}

/// Unix seconds → China local time.
pub fn from_unix(secs: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(secs + CHINA_OFFSET_SECS, 0).map(|t| t.naive_utc())
}

/// The number of people must fit the room.
pub fn check_people(people: i64, capacity: u32) -> Result<u32, Invalid> {
    if people < 1 {
        return Err(Invalid::field("people", "invalid_people"));
    }
    if people > i64::from(capacity) {
        return Err(Invalid::field("people", "over_capacity"));
    }
    Ok(people as u32)
}

/// Where a booking is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    Requested,
    Confirmed,
    Declined,
    Cancelled,
}

impl ReservationStatus {
    pub const ALL: [ReservationStatus; 4] =
        [ReservationStatus::Requested, ReservationStatus::Confirmed, ReservationStatus::Declined, ReservationStatus::Cancelled];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Requested => "requested",
            ReservationStatus::Confirmed => "confirmed",
            ReservationStatus::Declined => "declined",
            ReservationStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the booking holds its slot (others may not overlap it).
    pub const fn holds_slot(self) -> bool {
        matches!(self, ReservationStatus::Requested | ReservationStatus::Confirmed)
    }

    pub fn can_become(self, next: ReservationStatus) -> bool {
        use ReservationStatus::*;
        matches!((self, next), (Requested, Confirmed) | (Requested, Declined) | (Requested | Confirmed, Cancelled))
    }
}

impl fmt::Display for ReservationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReservationStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReservationStatus::ALL.into_iter().find(|st| st.as_str() == s).ok_or(Invalid::field("status", "unknown_reservation_status"))
    }
}

/// Who moves a booking on: its booker, or the station's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    Booker,
    Staff,
}

/// A requested change of a booking's status, checked against the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationChange {
    pub to: ReservationStatus,
    /// Required when staff decline or cancel.
    pub reason: Option<String>,
}

impl ReservationChange {
    pub fn new(to: ReservationStatus, by: Decider, reason: Option<&str>) -> Result<Self, Invalid> {
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) if r.chars().count() > 500 => return Err(Invalid::field("reason", "reason_too_long")),
            Some(r) => Some(r.to_owned()),
            None => None,
        };
        match (to, by) {
            (ReservationStatus::Confirmed | ReservationStatus::Declined, Decider::Booker) => {
                return Err(Invalid::field("status", "reservation_transition_not_allowed"))
            }
            (ReservationStatus::Requested, _) => return Err(Invalid::field("status", "reservation_transition_not_allowed")),
            (ReservationStatus::Declined, Decider::Staff) | (ReservationStatus::Cancelled, Decider::Staff) if reason.is_none() => {
                return Err(Invalid::field("reason", "reason_required"))
            }
            _ => {}
        }
        Ok(Self { to, reason })
    }

    /// Checks the change against the booking's current status.
    pub fn check_from(&self, from: ReservationStatus) -> Result<(), Invalid> {
        if from.can_become(self.to) {
            Ok(())
        } else {
            Err(Invalid::field("status", "reservation_transition_not_allowed"))
        }
    }
}

/// What a half-hour of a day is to someone who wants to book it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Free,
    /// A booking that holds its slot (requested or confirmed) overlaps it.
    Taken,
    /// It has begun already.
    Past,
}

/// The half-hour slots of `day` between `from_hour` and `to_hour` (China
/// time), each free, taken by one of `held` (bookings that hold their slot)
/// or past, so that a worker sees what can still be booked.
pub fn day_slots(day: NaiveDate, from_hour: u32, to_hour: u32, held: &[Slot], now: NaiveDateTime) -> Vec<(NaiveDateTime, SlotState)> {
    let (from, to) = (i64::from(from_hour.min(24)), i64::from(to_hour.min(24)));
    let first = day.and_hms_opt(0, 0, 0).expect("midnight exists") + TimeDelta::hours(from);
    let count = (to - from) * 60 / SLOT_MINUTES;
    (0..count.max(0))
        .map(|i| {
            let start = first + TimeDelta::minutes(SLOT_MINUTES * i);
            let cell = Slot { start, end: start + TimeDelta::minutes(SLOT_MINUTES) };
            let state = if held.iter().any(|h| h.overlaps(&cell)) {
                SlotState::Taken
            } else if start < now {
                SlotState::Past
            } else {
                SlotState::Free
            };
            (start, state)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ReservationStatus::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    const NOW: &str = "2025-06-10 09:10";

    #[test]
    fn a_slot_is_whole_half_hours_in_the_next_sixty_days() {
        let now = at(NOW);
        assert!(Slot::new(at("2025-06-10 09:30"), at("2025-06-10 11:00"), now).is_ok());
        let cases = [
            ("2025-06-10 09:45", "2025-06-10 11:00", "slot_not_aligned"),
            ("2025-06-10 10:00", "2025-06-10 10:10", "slot_not_aligned"),
            ("2025-06-10 11:00", "2025-06-10 10:00", "slot_end_before_start"),
            ("2025-06-10 11:00", "2025-06-10 11:00", "slot_end_before_start"),
            ("2025-06-10 10:00", "2025-06-10 18:30", "slot_too_long"),
            ("2025-06-10 09:00", "2025-06-10 10:00", "slot_in_past"),
            ("2025-08-10 10:00", "2025-08-10 11:00", "slot_too_far_ahead"),
        ];
        for (start, end, code) in cases {
            assert_eq!(Slot::new(at(start), at(end), now).unwrap_err().code, code, "{start}–{end}");
        }
        assert!(Slot::new(at("2025-06-10 10:00"), at("2025-06-10 18:00"), now).is_ok(), "exactly eight hours");
    }

    #[test]
    fn slots_touching_at_an_end_do_not_overlap() {
        let now = at(NOW);
        let a = Slot::new(at("2025-06-11 10:00"), at("2025-06-11 11:00"), now).unwrap();
        let b = Slot::new(at("2025-06-11 11:00"), at("2025-06-11 12:00"), now).unwrap();
        let c = Slot::new(at("2025-06-11 10:30"), at("2025-06-11 11:30"), now).unwrap();
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&b));
    }

    #[test]
    fn china_time_round_trips_through_unix_seconds() {
        let local = at("2025-10-01 08:00");
        assert_eq!(to_unix(local), 1_759_276_800, "08:00 in Beijing is 00:00 UTC");
        assert_eq!(from_unix(to_unix(local)), Some(local));
    }

    #[test]
    fn people_must_fit_the_room() {
        assert_eq!(check_people(12, 12), Ok(12));
        assert_eq!(check_people(13, 12).unwrap_err().code, "over_capacity");
        assert_eq!(check_people(0, 12).unwrap_err().code, "invalid_people");
        assert_eq!(ResourceInput::new("活动室", 0, None).unwrap_err().code, "invalid_capacity");
        assert_eq!(ResourceInput::new(" ", 5, None).unwrap_err().code, "required");
        assert_eq!(ResourceInput::new("活动室", 5, Some(&"长".repeat(501))).unwrap_err().code, "text_too_long");
    }

    #[test]
    fn a_booking_is_confirmed_or_declined_by_staff_and_cancelled_by_either() {
        assert!(Requested.can_become(Confirmed) && Requested.can_become(Declined));
        assert!(Requested.can_become(Cancelled) && Confirmed.can_become(Cancelled));
        for s in ReservationStatus::ALL {
            assert!(!Declined.can_become(s) && !Cancelled.can_become(s), "final states");
            assert!(!s.can_become(Requested));
        }
        assert!(!Confirmed.can_become(Declined));
        assert!(Requested.holds_slot() && Confirmed.holds_slot() && !Declined.holds_slot() && !Cancelled.holds_slot());
    }

    #[test]
    fn staff_give_reasons_and_bookers_only_cancel() {
        assert_eq!(ReservationChange::new(Declined, Decider::Staff, None).unwrap_err().code, "reason_required");
        assert_eq!(ReservationChange::new(Cancelled, Decider::Staff, Some(" ")).unwrap_err().code, "reason_required");
        assert!(ReservationChange::new(Cancelled, Decider::Booker, None).is_ok());
        assert!(ReservationChange::new(Confirmed, Decider::Staff, None).is_ok());
        assert_eq!(ReservationChange::new(Confirmed, Decider::Booker, None).unwrap_err().code, "reservation_transition_not_allowed");
        let cancel = ReservationChange::new(Cancelled, Decider::Booker, None).unwrap();
        assert!(cancel.check_from(Confirmed).is_ok());
        assert_eq!(cancel.check_from(Declined).unwrap_err().code, "reservation_transition_not_allowed");
    }

    #[test]
    fn a_day_shows_its_free_taken_and_past_half_hours() {
        let now = at("2025-06-11 09:10");
        let held = [Slot::new(at("2025-06-11 10:00"), at("2025-06-11 11:00"), at(NOW)).unwrap()];
        let day = NaiveDate::from_ymd_opt(2025, 6, 11).unwrap();
        let cells = day_slots(day, 8, 12, &held, now);
        let states: Vec<SlotState> = cells.iter().map(|c| c.1).collect();
        use SlotState::*;
        assert_eq!(states, vec![Past, Past, Past, Free, Taken, Taken, Free, Free], "08:00 … 11:30");
        assert_eq!(cells[0].0, at("2025-06-11 08:00"));
        assert_eq!(cells[7].0, at("2025-06-11 11:30"));
        assert!(day_slots(day, 12, 8, &held, now).is_empty());
    }

    proptest! {
        /// A free half-hour never overlaps a held booking, and one starting in it is bookable.
        #[test]
        fn free_half_hours_are_bookable(a in 0i64..40, la in 1i64..=16, b in 0i64..40, lb in 1i64..=16) {
            let now = at("2025-06-10 00:00");
            let day = NaiveDate::from_ymd_opt(2025, 6, 11).unwrap();
            let base = day.and_hms_opt(0, 0, 0).unwrap();
            let slot = |s: i64, l: i64| Slot::new(base + TimeDelta::minutes(30 * s), base + TimeDelta::minutes(30 * (s + l)), now).unwrap();
            let held = [slot(a, la), slot(b, lb)];
            for (start, state) in day_slots(day, 0, 24, &held, now) {
                let cell = Slot::new(start, start + TimeDelta::minutes(30), now).unwrap();
                prop_assert_eq!(state == SlotState::Free, !held.iter().any(|h| h.overlaps(&cell)));
            }
        }

        /// Overlap is symmetric and agrees with a minute-by-minute check.
        #[test]
        fn overlap_agrees_with_shared_minutes(a in 0i64..96, la in 1i64..=16, b in 0i64..96, lb in 1i64..=16) {
            let now = at("2025-06-10 00:00");
            let slot = |s: i64, l: i64| Slot::new(now + TimeDelta::minutes(30 * s), now + TimeDelta::minutes(30 * (s + l)), now).unwrap();
            let (x, y) = (slot(a, la), slot(b, lb));
            let shared = (a..a + la).any(|i| (b..b + lb).contains(&i));
            prop_assert_eq!(x.overlaps(&y), shared);
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
        }

        /// Every accepted slot is aligned, ordered, short enough and inside the horizon.
        #[test]
        fn accepted_slots_keep_every_rule(start in -200i64..3200, len in -4i64..20, offset in 0i64..30) {
            let now = at(NOW);
            let base = at("2025-06-10 00:00");
            let s = base + TimeDelta::minutes(30 * start + offset);
            let e = s + TimeDelta::minutes(30 * len);
            if let Ok(slot) = Slot::new(s, e, now) {
                prop_assert!(slot.start() >= now && slot.end() > slot.start());
                prop_assert!(slot.end() - slot.start() <= TimeDelta::hours(8));
                prop_assert!(slot.start() <= now + TimeDelta::days(60));
                prop_assert_eq!(slot.start().minute() % 30, 0);
                prop_assert_eq!(Slot::from_stored(slot.start_unix(), slot.end_unix()), Some(slot));
            }
        }
    }
}
