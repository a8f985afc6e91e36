use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A mainland China mobile number: 11 digits, `1[3-9]` followed by nine more.
///
/// Input may carry spaces, dashes and a `+86`/`86`/`0086` prefix; the stored form is
/// the bare 11 digits. `masked()` is what everyone sees who does not need to act on
/// the number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::field("phone", "invalid_phone");
        let mut digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{3000}'))
            .collect();
        if let Some(rest) = digits.strip_prefix('+') {
            digits = rest.to_owned();
            if !digits.starts_with("86") {
                return Err(invalid);
            }
        }
        if digits.len() == 15 && digits.starts_with("0086") {
            digits.drain(..4);
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits.drain(..2);
        }
        let bytes = digits.as_bytes();
        let well_formed = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if well_formed {
            Ok(Self(digits))
        } else {
            Err(invalid)
        }
    }

    /// The 11 digits, for storage and for those who must call back.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`: the first three and last four digits.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Printing a phone number masks it, so a stray `{}` in a log line leaks nothing.
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accepts_common_ways_of_writing_a_mobile_number() {
        for input in ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "8613800138000", "008613800138000"] {
            assert_eq!(PhoneNumber::parse(input).unwrap().as_str(), "13800138000", "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_mainland_mobile_number() {
        for input in ["", "1380013800", "138001380001", "12800138000", "23800138000", "1380013800x", "+1 415 555 0100", "010-12345678"] {
            assert_eq!(PhoneNumber::parse(input), Err(Invalid::field("phone", "invalid_phone")), "{input}");
        }
    }

    #[test]
    fn masks_the_middle_four_digits_everywhere_it_is_printed() {
        let phone = PhoneNumber::parse("13812341234").unwrap();
        assert_eq!(phone.masked(), "138****1234");
        assert_eq!(phone.to_string(), "138****1234");
        assert!(!format!("{phone:?}").contains("13812341234"));
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips_and_masks(second in 3u8..=9, rest in "[0-9]{9}") {
            let raw = format!("1{second}{rest}");
            let phone = PhoneNumber::parse(&raw).unwrap();
            prop_assert_eq!(phone.as_str(), raw.as_str());
            prop_assert_eq!(PhoneNumber::parse(&format!("+86 {raw}")).unwrap(), phone.clone());
            let masked = phone.masked();
            prop_assert_eq!(masked.len(), 11);
            prop_assert_eq!(&masked[3..7], "****");
        }

        #[test]
        fn parsing_never_panics(input in ".{0,40}") {
            let _ = PhoneNumber::parse(&input);
        }
    }
}
