//! SQLite: the embedded default. WAL mode, one writer connection (so writers
//! queue for it instead of failing with SQLITE_BUSY) whose operations are
//! committed in groups (`group_commit`), readers in parallel, and
//! `BEGIN IMMEDIATE` for every batch, since operations read and then write.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::ConnectOptions as _;

use super::group_commit::{GroupTx, GroupWriter};
use super::{impl_sql_backend, Backend, PoolStats};
use crate::error::{StoreError, StoreResult};

pub struct SqliteStore {
    /// Read-only connections.
    pool: SqlitePool,
    /// The one connection that writes.
    writer: GroupWriter<sqlx::Sqlite>,
}

impl SqliteStore {
    const BACKEND: &'static str = "sqlite";

    /// Opens (creating if missing) the database at a `sqlite:` URL.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a transaction acknowledged to a client survives a power cut, not
            // only a crash of the process.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let writer = GroupWriter::<sqlx::Sqlite>::new(options.connect().await?, "BEGIN IMMEDIATE");
        // Readers are local connections to a file: no need to ping each before use.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { pool, writer })
    }

    /// The one write transaction of an operation: its part of the open batch.
    async fn begin_write(&self) -> StoreResult<GroupTx<sqlx::Sqlite>> {
        self.writer.begin().await
    }
}

#[async_trait]
impl Backend for SqliteStore {
    fn backend(&self) -> &'static str {
        Self::BACKEND
    }

    async fn migrate(&self) -> StoreResult<()> {
        {
            let mut conn = self.writer.exclusive().await;
            sqlx::migrate!("./migrations/sqlite").run_direct(&mut *conn).await?;
        }
        super::after_migrations(self).await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_stats(&self) -> PoolStats {
        PoolStats {
            size: self.pool.size() + 1,
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        }
    }

    /// `VACUUM INTO` copies the database as of one read transaction; writers go on.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::Conflict { code: "backup_target_exists", field: None });
        }
        let target = path.to_str().ok_or(StoreError::Unsupported("backup path must be UTF-8"))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&mut *self.writer.exclusive().await).await?;
        Ok(())
    }
}

impl_sql_backend!(
    SqliteStore,
    sqlx::Sqlite,
    // BEGIN IMMEDIATE already holds the write lock: appends are serial.
    audit_head_lock = "SELECT seq, hash FROM audit_head WHERE singleton = 1",
    tree_lock = "SELECT 1",
    for_update = "",
    write_tx = crate::backends::group_commit::GroupTx<sqlx::Sqlite>,
);
