//! Group commit: the writes of many operations made durable by one commit.
//!
//! SQLite has one writer, and a durable commit costs a sync of the log. When
//! each operation commits on its own, writers queue behind each other's syncs.
//! Here the one write connection keeps a transaction open while operations
//! queue for it: each operation runs inside a savepoint of that transaction
//! (its own changes roll back alone when it fails), then waits. A committer
//! task takes the connection when the operations that were waiting before it
//! have run, commits once for all of them, and tells each the result. An
//! operation is acknowledged only after the commit that holds it: nothing
//! acknowledged is lost in a crash, and a failed commit fails every operation
//! of its batch (none of them was acknowledged).
//!
//! Under light load a batch is one operation and costs what a plain commit
//! does; under heavy load batches grow to what queued meanwhile.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::{Database, Executor, IntoArguments};
use tokio::sync::{oneshot, Mutex, Notify, OwnedMutexGuard};

use crate::error::{StoreError, StoreResult};

/// Why a batch did not commit, as each of its operations is told.
type Outcome = Result<(), Arc<String>>;

/// The write connection and its open batch.
struct Batch<DB: Database> {
    conn: DB::Connection,
    /// The batch's transaction has begun.
    open: bool,
    /// An operation left without committing; its savepoint is rolled back
    /// before the connection serves anyone else.
    abandoned: bool,
    /// Operations whose changes are in the open batch, waiting for its commit.
    waiting: Vec<oneshot::Sender<Outcome>>,
}

impl<DB> Batch<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    async fn run(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut self.conn).await.map(drop)
    }

    /// Rolls back an abandoned operation's savepoint. The savepoint may be
    /// gone already (it was released before the operation was dropped): its
    /// changes then stay in the batch, unacknowledged, as a cancelled commit's may.
    async fn roll_back_abandoned(&mut self) {
        if std::mem::take(&mut self.abandoned) {
            if self.run("ROLLBACK TO SAVEPOINT ws_op").await.is_ok() {
                let _ = self.run("RELEASE SAVEPOINT ws_op").await;
            }
        }
    }

    /// Commits the open batch and tells every operation in it.
    async fn commit(&mut self) {
        self.roll_back_abandoned().await;
        if !self.open {
            return;
        }
        self.open = false;
        let outcome: Outcome = match self.run("COMMIT").await {
            Ok(()) => Ok(()),
            Err(error) => {
                tracing::error!(%error, operations = self.waiting.len(), "a group commit failed");
                let _ = self.run("ROLLBACK").await;
                Err(Arc::new(error.to_string()))
            }
        };
        for waiting in self.waiting.drain(..) {
            // An operation whose caller went away is not told.
            let _ = waiting.send(outcome.clone());
        }
    }
}

/// The one write connection of a backend, shared by every operation.
pub struct GroupWriter<DB: Database> {
    batch: Arc<Mutex<Batch<DB>>>,
    wake: Arc<Notify>,
    /// How the batch's transaction begins (`BEGIN IMMEDIATE` for SQLite).
    begin: &'static str,
}

impl<DB> GroupWriter<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    /// Takes over `conn` and starts the committer task (on the current Tokio runtime).
    pub fn new(conn: DB::Connection, begin: &'static str) -> Self {
        let batch = Arc::new(Mutex::new(Batch { conn, open: false, abandoned: false, waiting: Vec::new() }));
        let wake = Arc::new(Notify::new());
        tokio::spawn(committer(Arc::downgrade(&batch), wake.clone()));
        Self { batch, wake, begin }
    }

    /// Starts an operation: its own savepoint inside the open batch.
    pub async fn begin(&self) -> StoreResult<GroupTx<DB>> {
        let mut batch = self.batch.clone().lock_owned().await;
        batch.roll_back_abandoned().await;
        if !batch.open {
            batch.run(self.begin).await?;
            batch.open = true;
        }
        if let Err(error) = batch.run("SAVEPOINT ws_op").await {
            // The batch cannot take more; commit what it holds before failing.
            batch.commit().await;
            return Err(error.into());
        }
        Ok(GroupTx { batch: Some(batch), wake: self.wake.clone() })
    }

    /// The connection with no transaction open, for what cannot run inside
    /// one (migrations, `VACUUM INTO`). The open batch is committed first.
    pub async fn exclusive(&self) -> Exclusive<DB> {
        let mut batch = self.batch.clone().lock_owned().await;
        batch.commit().await;
        Exclusive(batch)
    }
}

/// Commits each batch once the operations queued before it have run.
async fn committer<DB>(batch: std::sync::Weak<Mutex<Batch<DB>>>, wake: Arc<Notify>)
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    loop {
        wake.notified().await;
        let Some(batch) = batch.upgrade() else { return };
        // The lock is fair: operations already queued for the connection run
        // first and join this batch; later ones queue behind the commit.
        let mut batch = batch.lock().await;
        batch.commit().await;
    }
}

/// One operation's writes: a savepoint of the open batch. It derefs to the
/// connection, like a transaction. Dropped without [`GroupTx::commit`], its
/// changes are rolled back.
pub struct GroupTx<DB: Database> {
    batch: Option<OwnedMutexGuard<Batch<DB>>>,
    wake: Arc<Notify>,
}

impl<DB> GroupTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    /// Keeps the operation's changes and waits until they are durable.
    pub async fn commit(mut self) -> StoreResult<()> {
        let mut batch = self.batch.take().expect("a GroupTx holds its batch until commit");
        if let Err(error) = batch.run("RELEASE SAVEPOINT ws_op").await {
            batch.abandoned = true;
            drop(batch);
            self.wake.notify_one();
            return Err(error.into());
        }
        let (tell, told) = oneshot::channel();
        batch.waiting.push(tell);
        drop(batch);
        self.wake.notify_one();
        match told.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(StoreError::Database(sqlx::Error::Protocol(format!("group commit failed: {reason}")))),
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolClosed)),
        }
    }
}

impl<DB> GroupTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    /// Undoes the operation's changes; the rest of the batch goes on.
    pub async fn rollback(mut self) -> StoreResult<()> {
        let mut batch = self.batch.take().expect("a GroupTx holds its batch until commit");
        let undone = batch.run("ROLLBACK TO SAVEPOINT ws_op").await;
        let released = batch.run("RELEASE SAVEPOINT ws_op").await;
        drop(batch);
        self.wake.notify_one();
        undone?;
        released?;
        Ok(())
    }
}

impl<DB: Database> Drop for GroupTx<DB> {
    fn drop(&mut self) {
        if let Some(mut batch) = self.batch.take() {
            batch.abandoned = true;
            drop(batch);
            self.wake.notify_one();
        }
    }
}

impl<DB: Database> Deref for GroupTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.batch.as_ref().expect("a GroupTx holds its batch until commit").conn
    }
}

impl<DB: Database> DerefMut for GroupTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.batch.as_mut().expect("a GroupTx holds its batch until commit").conn
    }
}

/// The write connection outside any transaction; see [`GroupWriter::exclusive`].
pub struct Exclusive<DB: Database>(OwnedMutexGuard<Batch<DB>>);

impl<DB: Database> Deref for Exclusive<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.0.conn
    }
}

impl<DB: Database> DerefMut for Exclusive<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.0.conn
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    use sqlx::{ConnectOptions, Sqlite};

    use super::*;

    async fn writer_on(dir: &tempfile::TempDir) -> (GroupWriter<Sqlite>, SqliteConnectOptions) {
        let url = format!("sqlite:{}", dir.path().join("group.db").display());
        let options = SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
        let writer = GroupWriter::<Sqlite>::new(options.connect().await.unwrap(), "BEGIN IMMEDIATE");
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)").execute(&mut *writer.exclusive().await).await.unwrap();
        (writer, options)
    }

    async fn count(options: &SqliteConnectOptions) -> i64 {
        let mut reader = options.connect().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(&mut reader).await.unwrap()
    }

    async fn insert(writer: &GroupWriter<Sqlite>, n: i64) -> StoreResult<()> {
        let mut tx = writer.begin().await?;
        sqlx::query("INSERT INTO t (n) VALUES ($1)").bind(n).execute(&mut *tx).await?;
        tx.commit().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_acknowledged_write_is_visible_to_another_connection() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, options) = writer_on(&dir).await;
        let writer = Arc::new(writer);
        let tasks: Vec<_> = (0..200)
            .map(|n| {
                let writer = writer.clone();
                let options = options.clone();
                tokio::spawn(async move {
                    insert(&writer, n).await.unwrap();
                    // Acknowledged means committed: a fresh connection sees the row.
                    let mut reader = options.connect().await.unwrap();
                    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t WHERE n = $1").bind(n).fetch_one(&mut reader).await.unwrap();
                    assert_eq!(seen, 1, "row {n} acknowledged but not committed");
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(count(&options).await, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_or_abandoned_operation_undoes_only_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, options) = writer_on(&dir).await;
        insert(&writer, 1).await.unwrap();

        // A duplicate fails its statement; the caller drops the operation (as `?` does).
        let duplicate = async {
            let mut tx = writer.begin().await?;
            sqlx::query("INSERT INTO t (n) VALUES (2)").execute(&mut *tx).await?;
            sqlx::query("INSERT INTO t (n) VALUES (1)").execute(&mut *tx).await?;
            tx.commit().await
        };
        assert!(duplicate.await.is_err());
        // An explicit rollback.
        let mut tx = writer.begin().await.unwrap();
        sqlx::query("INSERT INTO t (n) VALUES (3)").execute(&mut *tx).await.unwrap();
        tx.rollback().await.unwrap();
        // Abandoned without a word (a cancelled request): the next operation finds it undone.
        let abandoned = writer.begin().await.unwrap();
        drop(abandoned);
        insert(&writer, 4).await.unwrap();

        let mut reader = options.connect().await.unwrap();
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY n").fetch_all(&mut reader).await.unwrap();
        assert_eq!(rows, vec![1, 4]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_exclusive_connection_runs_outside_any_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, options) = writer_on(&dir).await;
        let mut tx = writer.begin().await.unwrap();
        sqlx::query("INSERT INTO t (n) VALUES (7)").execute(&mut *tx).await.unwrap();
        let pending = tx.commit();
        let vacuum = async {
            let mut conn = writer.exclusive().await;
            // VACUUM fails inside a transaction.
            sqlx::query("VACUUM").execute(&mut *conn).await.unwrap();
        };
        let (committed, ()) = tokio::join!(pending, vacuum);
        committed.unwrap();
        assert_eq!(count(&options).await, 1);
    }
}
