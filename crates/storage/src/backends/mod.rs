//! The two backends, SQLite and PostgreSQL, and what only a backend knows:
//! its connections, its migrations, its health and its backup.
//!
//! This is the assembly point: each backend module expands, through
//! [`impl_sql_backend!`], the SQL kit's prelude and every capability's SQL
//! for its own sqlx database, each into a module of its own (`prelude`,
//! `foundation_sql`, `station_sql`, …). The list of capabilities' SQL is
//! written once, in that macro; a new capability adds one line there.
//!
//! **Architecture invariant**: a backend opens the one write transaction of an
//! operation (`begin_write`); the capability SQL never opens one of its own.
//! SQLite writes through one connection with `BEGIN IMMEDIATE`; PostgreSQL
//! locks what it changes (`FOR UPDATE`, advisory locks).

pub(crate) mod group_commit;
pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use serde::Serialize;

use crate::error::StoreResult;

/// What the server asks of the database itself, not of any capability.
#[async_trait]
pub trait Backend: Send + Sync {
    /// `sqlite` or `postgres`, for logs and metrics.
    fn backend(&self) -> &'static str;
    /// Applies this backend's migrations that have not run yet.
    async fn migrate(&self) -> StoreResult<()>;
    /// Answers when the database can serve a query.
    async fn ping(&self) -> StoreResult<()>;
    fn pool_stats(&self) -> PoolStats;
    /// A consistent copy of the whole database, taken while it serves.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()>;
}

/// What the capabilities bring up to date once the schema is: the appeals'
/// dashboard tallies, rebuilt when they do not count every case.
async fn after_migrations(store: &(impl crate::appeals::AppealStore + ?Sized)) -> StoreResult<()> {
    if store.rebuild_appeal_tallies(true).await? {
        tracing::info!("appeal tallies rebuilt from the cases");
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
}

/// Expands, in a backend's module, the SQL kit and every capability's SQL for
/// the backend type `$Store` and its sqlx database `$DB`. What differs between
/// the backends is passed in: the statement that locks the audit chain's
/// head, the lock on the organisation tree's shape, `FOR UPDATE`, and the type of an
/// operation's write transaction (`WriteTx` in the prelude).
macro_rules! impl_sql_backend {
    (
        $Store:ident,
        $DB:ty,
        audit_head_lock = $audit_head_lock:expr,
        tree_lock = $tree_lock:expr,
        for_update = $for_update:expr,
        write_tx = $WriteTx:ty $(,)?
    ) => {
        mod prelude {
            crate::sql::prelude::sql_prelude!($DB, audit_head_lock = $audit_head_lock, for_update = $for_update, write_tx = $WriteTx);
        }
        mod foundation_sql {
            crate::foundation::sql::impl_foundation_sql!(super::$Store, $DB, tree_lock = $tree_lock);
        }
        mod station_sql {
            crate::stations::sql::station::impl_station_sql!(super::$Store, $DB);
        }
        mod station_index_sql {
            crate::stations::sql::indices::impl_station_index_sql!(super::$Store, $DB);
        }
        mod station_use_sql {
            crate::stations::sql::using::impl_station_use_sql!(super::$Store, $DB);
        }
        mod station_photo_sql {
            crate::stations::sql::photos::impl_station_photo_sql!(super::$Store, $DB);
        }
        mod appeal_tally_sql { crate::appeals::sql::tallies::impl_appeal_tally_sql!(super::$Store, $DB); }
        mod appeal_sql { crate::appeals::sql::appeal::impl_appeal_sql!(super::$Store, $DB); }
    };
}

use impl_sql_backend;
