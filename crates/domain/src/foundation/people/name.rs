use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A person's display name: trimmed, 1 to 40 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        let count = trimmed.chars().count();
        if count == 0 {
            return Err(Invalid::field("name", "name_required"));
        }
        if count > Self::MAX_CHARS || trimmed.chars().any(char::is_control) {
            return Err(Invalid::field("name", "invalid_name"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  张伟 ").unwrap().as_str(), "张伟");
        assert_eq!(PersonName::parse("   ").unwrap_err().code, "name_required");
        assert_eq!(PersonName::parse(&"王".repeat(41)).unwrap_err().code, "invalid_name");
        assert!(PersonName::parse(&"王".repeat(40)).is_ok());
        assert_eq!(PersonName::parse("a\u{0007}b").unwrap_err().code, "invalid_name");
    }
}
