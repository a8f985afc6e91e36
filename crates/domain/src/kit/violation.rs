use std::fmt;

/// A value or an action that breaks a rule.
///
/// `code` is stable and machine-readable (it becomes the API error code and the
/// translation key `error.<code>`); `field` names the input at fault, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub field: Option<&'static str>,
}

impl Invalid {
    pub const fn new(code: &'static str) -> Self {
        Self { code, field: None }
    }

    pub const fn field(field: &'static str, code: &'static str) -> Self {
        Self { code, field: Some(field) }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "{field}: {}", self.code),
            None => f.write_str(self.code),
        }
    }
}

impl std::error::Error for Invalid {}
