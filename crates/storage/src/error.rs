//! What a storage operation answers when it does not happen.

use waystation_domain::Invalid;

pub type StoreResult<T> = Result<T, StoreError>;

/// Why a storage operation did not happen. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist; `code` is e.g. `org_not_found`.
    #[error("not found: {code}")]
    NotFound { code: &'static str, field: Option<&'static str> },
    /// The operation breaks a rule of the domain.
    #[error("invalid: {0}")]
    Invalid(#[from] Invalid),
    /// The operation clashes with the current state (a duplicate, a state it cannot leave).
    #[error("conflict: {code}")]
    Conflict { code: &'static str, field: Option<&'static str> },
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value that no longer parses; someone wrote to the database by hand.
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn not_found(code: &'static str) -> Self {
        StoreError::NotFound { code, field: None }
    }

    pub(crate) fn conflict(code: &'static str, field: &'static str) -> Self {
        StoreError::Conflict { code, field: Some(field) }
    }
}
