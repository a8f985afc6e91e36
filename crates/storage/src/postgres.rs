//! PostgreSQL: for production and for several servers sharing one database.
//! Appends to the audit chain lock its head row; changes to the shape of the
//! organisation tree take a transaction-scoped advisory lock.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::sql_station_indices::impl_station_indices_sql;
use crate::sql_station_photos::impl_station_photo_sql;
use crate::sql_station_use::impl_station_use_sql;
use crate::sql_stations::impl_station_sql;
use crate::sql_store::impl_sql_store;

pub struct PostgresStore {
    pool: PgPool,
    /// The same pool: PostgreSQL serves concurrent writers itself.
    writer: PgPool,
}

impl PostgresStore {
    const BACKEND: &'static str = "postgres";

    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self { writer: pool.clone(), pool })
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, sqlx::Postgres>> {
        Ok(self.writer.begin().await?)
    }

    async fn migrate_now(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/postgres").run(&self.writer).await?;
        Ok(())
    }

    async fn backup_now(&self, _path: &std::path::Path) -> StoreResult<()> {
        Err(StoreError::Unsupported(
            "waystation backup copies SQLite databases; for PostgreSQL use pg_dump (e.g. pg_dump --format=custom \"$DATABASE_URL\" > waystation.dump)",
        ))
    }

    fn stats(&self) -> PoolStats {
        PoolStats { size: self.pool.size(), idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX) }
    }
}

impl_sql_store!(
    PostgresStore,
    sqlx::Postgres,
    audit_head_lock = "SELECT seq, hash FROM audit_head WHERE singleton = 1 FOR UPDATE",
    tree_lock = "SELECT pg_advisory_xact_lock(726100)",
    for_update = " FOR UPDATE",
);

impl_station_sql!(PostgresStore, sqlx::Postgres);
impl_station_use_sql!(PostgresStore, sqlx::Postgres);
impl_station_indices_sql!(PostgresStore, sqlx::Postgres);
impl_station_photo_sql!(PostgresStore, sqlx::Postgres);
