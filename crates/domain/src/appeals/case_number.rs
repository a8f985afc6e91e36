//! Case numbers: what a worker reads out on the phone to ask about an appeal.
//!
//! `SQ-<division>-<YYYYMMDD>-<sequence>`, e.g. `SQ-440703-20250930-00042`: 诉求
//! (SQ), the six-digit GB/T 2260 code of the division the case was routed to (or
//! [`NATIONAL_DIVISION`] where none applies), the day of filing (China time),
//! and a five-digit sequence within that division and day, from 00001. Storage
//! hands out the sequence and never hands one out twice, so a number is unique
//! and never reused — a merged or declined case keeps its number. Here are only
//! the format and its checks.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::foundation::organisations::DivisionCode;
use crate::Invalid;

/// The division part of numbers of cases routed to no division (the national
/// federation's own), as for station codes.
pub const NATIONAL_DIVISION: &str = "100000";

/// The prefix every case number starts with.
pub const PREFIX: &str = "SQ";

/// The last sequence of a division and day.
pub const MAX_SEQUENCE: u32 = 99_999;

const INVALID: Invalid = Invalid::field("case_number", "invalid_case_number");

/// A checked case number. Ordered as its text, which orders the numbers of
/// one division by day and sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber(String);

impl CaseNumber {
    /// The number of the `sequence`-th case filed in `division` (None: national)
    /// on `filed_on`. `case_sequence_exhausted` beyond [`MAX_SEQUENCE`] (or 0).
    pub fn new(division: Option<&DivisionCode>, filed_on: NaiveDate, sequence: u32) -> Result<Self, Invalid> {
        if !(1..=MAX_SEQUENCE).contains(&sequence) {
            return Err(Invalid::field("case_number", "case_sequence_exhausted"));
        }
        let division = division.map_or(NATIONAL_DIVISION, DivisionCode::as_str);
        Self::parse(&format!("{PREFIX}-{division}-{}-{sequence:05}", filed_on.format("%Y%m%d")))
    }

    /// Reads a number as a worker types it: surrounding spaces are ignored and
    /// the letters may be lowercase; anything else must be exact.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim().to_ascii_uppercase();
        let parts: Vec<&str> = text.split('-').collect();
        let [prefix, division, day, sequence] = parts[..] else {
            return Err(INVALID);
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if prefix != PREFIX || !digits(division, 6) || !digits(day, 8) || !digits(sequence, 5) {
            return Err(INVALID);
        }
        if division != NATIONAL_DIVISION && DivisionCode::parse(division).is_err() {
            return Err(INVALID);
        }
        if NaiveDate::parse_from_str(day, "%Y%m%d").is_err() || sequence == "00000" {
            return Err(INVALID);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division the case was routed to when filed; None for national cases.
    pub fn division(&self) -> Option<DivisionCode> {
        let code = &self.0[3..9];
        (code != NATIONAL_DIVISION).then(|| DivisionCode::parse(code).expect("checked at construction"))
    }

    pub fn filed_on(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[10..18], "%Y%m%d").expect("checked at construction")
    }

    pub fn sequence(&self) -> u32 {
        self.0[19..].parse().expect("checked at construction")
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CaseNumber {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CaseNumber> for String {
    fn from(value: CaseNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_number_names_division_day_and_sequence() {
        let jiangmen = DivisionCode::parse("440703").unwrap();
        let number = CaseNumber::new(Some(&jiangmen), date("2025-09-30"), 42).unwrap();
        assert_eq!(number.as_str(), "SQ-440703-20250930-00042");
        assert_eq!(number.division(), Some(jiangmen));
        assert_eq!(number.filed_on(), date("2025-09-30"));
        assert_eq!(number.sequence(), 42);
        let national = CaseNumber::new(None, date("2025-10-09"), 99_999).unwrap();
        assert_eq!(national.to_string(), "SQ-100000-20251009-99999");
        assert_eq!(national.division(), None);
    }

    #[test]
    fn the_sequence_runs_from_one_to_its_last() {
        for sequence in [0, 100_000] {
            let error = CaseNumber::new(None, date("2025-09-30"), sequence).unwrap_err();
            assert_eq!(error, Invalid::field("case_number", "case_sequence_exhausted"));
        }
    }

    #[test]
    fn what_a_worker_types_is_read_leniently_but_checked() {
        assert_eq!(CaseNumber::parse(" sq-500103-20251009-00001 ").unwrap().as_str(), "SQ-500103-20251009-00001");
        for bad in [
            "",
            "SQ-500103-20251009",
            "SQ-500103-20251009-00001-1",
            "XX-500103-20251009-00001",
            "SQ-990103-20251009-00001",
            "SQ-50010-20251009-00001",
            "SQ-500103-20250230-00001",
            "SQ-500103-20251009-00000",
            "SQ-500103-20251009-0001",
            "SQ-500103-20251009-+0001",
            "SQ 500103 20251009 00001",
        ] {
            assert_eq!(CaseNumber::parse(bad).unwrap_err().code, "invalid_case_number", "{bad}");
        }
        assert!(serde_json::from_str::<CaseNumber>("\"SQ-1\"").is_err());
        let json = serde_json::to_string(&CaseNumber::parse("SQ-500103-20251009-00001").unwrap()).unwrap();
        assert_eq!(json, "\"SQ-500103-20251009-00001\"");
    }

    #[test]
    fn numbers_of_a_division_sort_by_day_then_sequence() {
        let division = DivisionCode::parse("500103").unwrap();
        let a = CaseNumber::new(Some(&division), date("2025-09-30"), 99_999).unwrap();
        let b = CaseNumber::new(Some(&division), date("2025-10-09"), 1).unwrap();
        let c = CaseNumber::new(Some(&division), date("2025-10-09"), 2).unwrap();
        assert!(a < b && b < c);
    }

    proptest! {
        #[test]
        fn format_and_parse_round_trip(
            division in prop_oneof![Just(None), Just(Some("440703")), Just(Some("500103")), Just(Some("110000"))],
            days in 0i64..40_000,
            sequence in 1u32..=MAX_SEQUENCE,
        ) {
            let division = division.map(|d| DivisionCode::parse(d).unwrap());
            let day = date("2000-01-01") + chrono::Duration::days(days);
            let number = CaseNumber::new(division.as_ref(), day, sequence).unwrap();
            let again = CaseNumber::parse(number.as_str()).unwrap();
            prop_assert_eq!(&again, &number);
            prop_assert_eq!(again.division(), division);
            prop_assert_eq!(again.filed_on(), day);
            prop_assert_eq!(again.sequence(), sequence);
            prop_assert_eq!(number.as_str().len(), 24);
        }

        #[test]
        fn distinct_inputs_give_distinct_numbers(s1 in 1u32..=MAX_SEQUENCE, s2 in 1u32..=MAX_SEQUENCE, d1 in 0i64..3000, d2 in 0i64..3000) {
            let day = |d: i64| date("2024-01-01") + chrono::Duration::days(d);
            let a = CaseNumber::new(None, day(d1), s1).unwrap();
            let b = CaseNumber::new(None, day(d2), s2).unwrap();
            prop_assert_eq!(a == b, (s1, d1) == (s2, d2));
        }

        #[test]
        fn anything_accepted_prints_as_it_parses(text in "[sSqQ]{2}-[0-9]{6}-20[0-9]{6}-[0-9]{5}") {
            if let Ok(number) = CaseNumber::parse(&text) {
                prop_assert_eq!(number.as_str(), text.to_ascii_uppercase());
                prop_assert_eq!(CaseNumber::parse(number.as_str()), Ok(number.clone()));
            }
        }
    }
}
