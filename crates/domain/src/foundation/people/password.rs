use crate::Invalid;

/// A password a staff member chooses: 10 to 128 characters, not all one character
/// class of digits. Only its argon2 hash is ever stored.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let count = input.chars().count();
        if count < 10 {
            return Err(Invalid::field("password", "password_too_short"));
        }
        if count > 128 {
            return Err(Invalid::field("password", "password_too_long"));
        }
        if input.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::field("password", "password_too_simple"));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_must_be_long_and_not_only_digits() {
        assert_eq!(NewPassword::parse("short").unwrap_err().code, "password_too_short");
        assert_eq!(NewPassword::parse("1234567890123").unwrap_err().code, "password_too_simple");
        assert_eq!(NewPassword::parse(&"x".repeat(129)).unwrap_err().code, "password_too_long");
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }
}
