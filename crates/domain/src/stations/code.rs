use std::fmt;

use serde::{Deserialize, Serialize};

use crate::foundation::organisations::DivisionCode;
use crate::Invalid;

/// A station's national code: the six-digit division code of the area that
/// owns it and a five-digit sequence within that area, e.g. `500103-00042`.
/// Codes are human-readable, unique, and never reused: the sequence only grows,
/// and retired stations keep theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StationCode(String);

/// The prefix used where no division code applies (the national federation's own stations).
pub const NATIONAL_PREFIX: &str = "100000";

impl StationCode {
    pub fn new(prefix: &str, sequence: u32) -> Result<Self, Invalid> {
        if !(1..=99_999).contains(&sequence) {
            return Err(Invalid::field("code", "station_sequence_exhausted"));
        }
        Self::parse(&format!("{prefix}-{sequence:05}"))
    }

    /// The prefix for stations owned under a division (or nationally).
    pub fn prefix_for(division: Option<&DivisionCode>) -> String {
        division.map_or_else(|| NATIONAL_PREFIX.to_owned(), |d| d.as_str().to_owned())
    }

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim();
        let bytes = code.as_bytes();
        let shape = bytes.len() == 12
            && bytes[6] == b'-'
            && bytes[..6].iter().chain(&bytes[7..]).all(u8::is_ascii_digit)
            && &code[7..] != "00000";
        let prefix_ok = code.get(..6).is_some_and(|p| p == NATIONAL_PREFIX || DivisionCode::parse(p).is_ok());
        if shape && prefix_ok {
            Ok(Self(code.to_owned()))
        } else {
            Err(Invalid::field("code", "invalid_station_code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn prefix(&self) -> &str {
        &self.0[..6]
    }

    pub fn sequence(&self) -> u32 {
        self.0[7..].parse().expect("checked at construction")
    }
}

impl fmt::Display for StationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StationCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<StationCode> for String {
    fn from(value: StationCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_join_a_division_and_a_sequence() {
        let yuzhong = DivisionCode::parse("500103").unwrap();
        let code = StationCode::new(&StationCode::prefix_for(Some(&yuzhong)), 42).unwrap();
        assert_eq!(code.as_str(), "500103-00042");
        assert_eq!(code.prefix(), "500103");
        assert_eq!(code.sequence(), 42);
        assert_eq!(StationCode::new(&StationCode::prefix_for(None), 1).unwrap().as_str(), "100000-00001");
        assert_eq!(StationCode::new("500103", 100_000).unwrap_err().code, "station_sequence_exhausted");
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in ["", "500103-0042", "500103_00042", "990000-00001", "500103-00000", "50010300042"] {
            assert_eq!(StationCode::parse(bad).unwrap_err().code, "invalid_station_code", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_code_round_trips(seq in 1u32..=99_999) {
            let code = StationCode::new("350526", seq).unwrap();
            prop_assert_eq!(StationCode::parse(code.as_str()).unwrap(), code.clone());
            prop_assert_eq!(code.sequence(), seq);
        }
    }
}
