//! PostgreSQL: for production and for several servers sharing one database.
//! Appends to the audit chain lock its head row; changes to the shape of the
//! organisation tree take a transaction-scoped advisory lock.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Transaction;

use super::{impl_sql_backend, Backend, PoolStats};
use crate::error::{StoreError, StoreResult};

pub struct PostgresStore {
    pool: PgPool,
    /// The same pool: PostgreSQL serves concurrent writers itself.
    writer: PgPool,
}

impl PostgresStore {
    const BACKEND: &'static str = "postgres";

    pub async fn connect(url: &str) -> StoreResult<Self> {
        // Plan every statement for its own parameters: a generic plan for a
        // subtree's range (`o.path >= $3 AND o.path < $4`) cannot know how big
        // the subtree is, and PostgreSQL's choice for a city's overdue queue ran
        // 100× slower (327 ms against 2.9 ms on 50,000 appeals). Planning costs
        // well under a millisecond.
        let options = url.parse::<PgConnectOptions>()?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self { writer: pool.clone(), pool })
    }

    /// The one write transaction of an operation.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, sqlx::Postgres>> {
        Ok(self.writer.begin().await?)
    }
}

#[async_trait]
impl Backend for PostgresStore {
    fn backend(&self) -> &'static str {
        Self::BACKEND
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/postgres").run(&self.writer).await?;
        super::after_migrations(self).await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_stats(&self) -> PoolStats {
        PoolStats { size: self.pool.size(), idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX) }
    }

    async fn backup_to(&self, _path: &std::path::Path) -> StoreResult<()> {
        Err(StoreError::Unsupported(
            "waystation backup copies SQLite databases; for PostgreSQL use pg_dump (e.g. pg_dump --format=custom \"$DATABASE_URL\" > waystation.dump)",
        ))
    }
}

impl_sql_backend!(
    PostgresStore,
    sqlx::Postgres,
    audit_head_lock = "SELECT seq, hash FROM audit_head WHERE singleton = 1 FOR UPDATE",
    tree_lock = "SELECT pg_advisory_xact_lock(726100)",
    for_update = " FOR UPDATE",
    write_tx = sqlx::Transaction<'static, sqlx::Postgres>,
);
