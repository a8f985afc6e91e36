use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The province-level prefixes of GB/T 2260 (mainland, Taiwan, Hong Kong, Macao).
const PROVINCE_PREFIXES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

/// A six-digit administrative division code (GB/T 2260), e.g. `500103` (Yuzhong).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

/// What a division code names: `xx0000` a province, `xxxx00` a prefecture-level
/// city, anything else a county-level division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DivisionGranularity {
    Province,
    City,
    County,
}

impl DivisionCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim();
        let invalid = Invalid::field("division_code", "invalid_division_code");
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid);
        }
        if !PROVINCE_PREFIXES.contains(&&code[..2]) {
            return Err(invalid);
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn granularity(&self) -> DivisionGranularity {
        if self.0.ends_with("0000") {
            DivisionGranularity::Province
        } else if self.0.ends_with("00") {
            DivisionGranularity::City
        } else {
            DivisionGranularity::County
        }
    }

    /// The significant prefix that every division inside this one shares.
    pub fn prefix(&self) -> &str {
        match self.granularity() {
            DivisionGranularity::Province => &self.0[..2],
            DivisionGranularity::City => &self.0[..4],
            DivisionGranularity::County => &self.0,
        }
    }

    /// Whether `other` lies inside this division (and is not this division).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        self != other && self.granularity() != DivisionGranularity::County && other.0.starts_with(self.prefix())
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DivisionCode> for String {
    fn from(value: DivisionCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_know_their_granularity_and_what_they_contain() {
        let chongqing = DivisionCode::parse("500000").unwrap();
        let yuzhong = DivisionCode::parse("500103").unwrap();
        let xiamen = DivisionCode::parse("350200").unwrap();
        let fujian = DivisionCode::parse("350000").unwrap();
        assert_eq!(chongqing.granularity(), DivisionGranularity::Province);
        assert_eq!(xiamen.granularity(), DivisionGranularity::City);
        assert_eq!(yuzhong.granularity(), DivisionGranularity::County);
        assert!(chongqing.contains(&yuzhong));
        assert!(fujian.contains(&xiamen));
        assert!(!xiamen.contains(&yuzhong));
        assert!(!yuzhong.contains(&yuzhong));
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in ["", "50010", "5001033", "50010x", "990000", "000000"] {
            assert!(DivisionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
