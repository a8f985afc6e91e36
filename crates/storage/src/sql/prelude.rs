//! The kit's helpers for one backend, as a macro that the backend expands
//! once into a module named `prelude` (see the folder's doc).

/// Defines, for the sqlx database `$DB`: `DbRow`, `Query`, `FOR_UPDATE`,
/// `corrupt`, `is_unique_violation`, `fetch_by_id`, `lock_row`, `audit`,
/// `append_audit` and `fetch_page`.
macro_rules! sql_prelude {
    ($DB:ty, audit_head_lock = $audit_head_lock:expr, for_update = $for_update:expr, write_tx = $WriteTx:ty $(,)?) => {
        use chrono::Utc;
        use sqlx::Row as _;
        use waystation_domain::foundation::audit::{next_record, AuditEntry};
        use waystation_domain::foundation::organisations::OrgId;
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::foundation::people::UserId;

        use crate::error::{StoreError, StoreResult};
        use crate::sql::Keyset;

        /// An operation's write transaction, from the backend's `begin_write`;
        /// it derefs to the connection and ends with `commit()`.
        pub(super) type WriteTx = $WriteTx;

        /// A row as this backend returns it.
        pub(super) type DbRow = <$DB as sqlx::Database>::Row;

        /// A statement and the parameters bound to it so far.
        pub(super) type Query<'q> = sqlx::query::Query<'q, $DB, <$DB as sqlx::Database>::Arguments<'q>>;

        /// Appended to a SELECT whose rows the transaction goes on to change.
        pub(super) const FOR_UPDATE: &str = $for_update;

        /// A stored value that no longer parses.
        pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
            StoreError::Corrupt(format!("{what}: {value:?}"))
        }

        pub(super) fn is_unique_violation(error: &sqlx::Error) -> bool {
            error.as_database_error().is_some_and(|e| e.is_unique_violation())
        }

        /// The one row `sql` selects for `id`, mapped; `missing` when there is none.
        pub(super) async fn fetch_by_id<'e, 'q, E, T>(
            exec: E,
            sql: &'q str,
            id: i64,
            map: fn(&DbRow) -> StoreResult<T>,
            missing: StoreError,
        ) -> StoreResult<T>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            match sqlx::query(sql).bind(id).fetch_optional(exec).await? {
                Some(row) => map(&row),
                None => Err(missing),
            }
        }

        /// Locks one row of `table` until commit (PostgreSQL; SQLite holds the write lock already).
        pub(super) async fn lock_row(tx: &mut WriteTx, table: &str, id: i64) -> StoreResult<()> {
            let lock = format!("SELECT id FROM {table} WHERE id = $1{FOR_UPDATE}");
            sqlx::query(&lock).bind(id).fetch_optional(&mut **tx).await?;
            Ok(())
        }

        /// An audit entry of now.
        pub(super) fn audit(
            actor: Option<UserId>,
            action: &str,
            org_id: Option<OrgId>,
            subject: String,
            detail: serde_json::Value,
        ) -> AuditEntry {
            AuditEntry::new(Utc::now(), actor, action, org_id, subject, detail)
        }

        /// Appends `entry` to the chain inside the caller's transaction.
        pub(super) async fn append_audit(tx: &mut WriteTx, entry: AuditEntry) -> StoreResult<()> {
            let (seq, hash): (i64, String) = sqlx::query_as($audit_head_lock).fetch_one(&mut **tx).await?;
            let record = next_record(Some((seq, &hash)), entry);
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor_id, action, org_id, subject, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(record.seq)
            .bind(record.entry.at)
            .bind(record.entry.actor)
            .bind(&record.entry.action)
            .bind(record.entry.org_id)
            .bind(&record.entry.subject)
            .bind(&record.entry.detail)
            .bind(&record.prev_hash)
            .bind(&record.hash)
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE singleton = 1")
                .bind(record.seq)
                .bind(&record.hash)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// One keyset page in `keyset` order past the request's cursor, with
        /// the next page's cursor: the rows of `select_where` (a SELECT and
        /// its WHERE filter, whose own parameters are `$3`… and bound by
        /// `bind`), each mapped by `map`.
        pub(super) async fn fetch_page<T>(
            pool: &sqlx::Pool<$DB>,
            keyset: Keyset,
            page: PageRequest,
            select_where: &str,
            map: fn(&DbRow) -> StoreResult<T>,
            bind: impl for<'q> FnOnce(Query<'q>) -> Query<'q> + Send,
        ) -> StoreResult<Page<T>> {
            let sql = keyset.statement(select_where);
            let (cursor, limit) = keyset.bounds(page);
            let rows = bind(sqlx::query(&sql).bind(cursor).bind(limit)).fetch_all(pool).await?;
            let keyed = rows
                .iter()
                .map(|row| Ok((row.try_get::<i64, _>(keyset.column())?, map(row)?)))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page::from_fetched(keyed, page, |(key, _)| *key).map(|(_, item)| item))
        }
    };
}

pub(crate) use sql_prelude;
