//! The shared SQL kit: what every capability's SQL needs, whatever the backend.
//!
//! The statements are written once for both backends: both schemas use the
//! same table and column names, and every statement is plain SQL that SQLite
//! and PostgreSQL read alike (`$n` parameters, `RETURNING`, `ON CONFLICT`).
//! What differs per backend is passed in when a backend expands
//! [`prelude::sql_prelude!`] into its own module named `prelude`: the sqlx
//! database, `FOR UPDATE` (empty on SQLite, whose single writer holds the
//! lock already) and the statement that locks the audit chain's head.
//!
//! A capability's SQL is a macro of its own folder (`foundation/sql.rs`,
//! `stations/sql/`), expanded by each backend beside the prelude; its body
//! starts with `use super::prelude::{…}` and `use super::<capability>_sql::{…}`
//! lines naming everything it takes from the kit and from other capabilities.
//! The backend type it is expanded for provides `pool` (reads), `writer`,
//! `begin_write()` (the one write transaction of an operation) and `BACKEND`.
//!
//! **Architecture invariant**: the kit names no capability — no table but the
//! audit chain's, no record type. From the domain it takes only the kit's
//! pagination and the foundation's audit entry and identities (`OrgId`,
//! `UserId`), which every capability's audit rows carry. Every write helper takes the caller's
//! transaction: it never opens or commits one.

pub(crate) mod prelude;

/// The order of a keyset page, on an `i64` key column (e.g. `"f.id"`, which
/// the SELECT returns as `id`).
///
/// The cursor and the limit are the statement's parameters `$1` and `$2`, so
/// the filter a caller writes numbers its own from `$3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyset {
    /// Oldest first: keys above the cursor, in ascending order.
    Ascending(&'static str),
    /// Newest first: keys below the cursor, in descending order.
    Descending(&'static str),
}

impl Keyset {
    /// What follows a `WHERE` filter to select one page past the cursor.
    fn clause(self) -> String {
        match self {
            Keyset::Ascending(key) => format!(" AND {key} > $1 ORDER BY {key} LIMIT $2"),
            Keyset::Descending(key) => format!(" AND {key} < $1 ORDER BY {key} DESC LIMIT $2"),
        }
    }

    /// The cursor's value for the first page.
    fn start(self, after: Option<i64>) -> i64 {
        match self {
            Keyset::Ascending(_) => after.unwrap_or(0),
            Keyset::Descending(_) => after.unwrap_or(i64::MAX),
        }
    }

    /// The whole statement: `select_where` is a SELECT with its WHERE filter.
    pub(crate) fn statement(self, select_where: &str) -> String {
        format!("{select_where}{}", self.clause())
    }

    /// The key's column in the result rows: `id` for `s.id`.
    pub(crate) fn column(self) -> &'static str {
        let (Keyset::Ascending(key) | Keyset::Descending(key)) = self;
        key.rsplit('.').next().unwrap_or(key)
    }

    /// The cursor and limit to bind as `$1` and `$2`.
    pub(crate) fn bounds(self, page: waystation_domain::kit::pagination::PageRequest) -> (i64, i64) {
        (self.start(page.after), page.fetch_limit())
    }
}

#[cfg(test)]
mod tests {
    use waystation_domain::kit::pagination::PageRequest;

    use super::Keyset;

    #[test]
    fn pages_run_past_the_cursor_in_key_order() {
        assert_eq!(
            Keyset::Ascending("s.id").statement("SELECT id FROM stations s WHERE s.kind = $3"),
            "SELECT id FROM stations s WHERE s.kind = $3 AND s.id > $1 ORDER BY s.id LIMIT $2"
        );
        assert_eq!(
            Keyset::Descending("a.seq").statement("SELECT seq FROM audit_log a WHERE TRUE"),
            "SELECT seq FROM audit_log a WHERE TRUE AND a.seq < $1 ORDER BY a.seq DESC LIMIT $2"
        );
        assert_eq!(Keyset::Descending("a.seq").column(), "seq");
        assert_eq!(Keyset::Ascending("id").column(), "id");
        let first = PageRequest { after: None, limit: 10 };
        assert_eq!(Keyset::Ascending("id").bounds(first), (0, 11));
        assert_eq!(Keyset::Descending("id").bounds(first), (i64::MAX, 11));
        assert_eq!(Keyset::Descending("id").bounds(PageRequest { after: Some(7), limit: 2 }), (7, 3));
    }
}
