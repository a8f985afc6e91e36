//! The one storage interface, [`Store`], and its two backends.
//!
//! `Store` is a list of capability traits: [`Backend`] (which database, its
//! migrations and health), [`FoundationStore`] (organisations, people, roles,
//! sign-in, sessions, rate limits, idempotency, the calendar, the audit chain)
//! and one trait per part of a capability ([`StationStore`],
//! [`StationUseStore`], [`StationIndexStore`], [`StationPhotoStore`],
//! [`AppealStore`]). A new
//! capability adds its folder and one supertrait line below
//! (docs/adding-a-capability.md).
//!
//! Layout:
//! - `sql/`: the shared SQL kit, a prelude each backend expands for its
//!   database; it knows no capability.
//! - `foundation/`, `stations/`, `appeals/`: each capability's records, trait and SQL
//!   (one macro per trait, written once for both backends).
//! - `congress/`, `proposals/`, `membership/`: the places the next
//!   capabilities take.
//! - `backends/`: SQLite and PostgreSQL, where the kit and every capability's
//!   SQL are expanded; the only module that names them all.
//!
//! **Architecture invariant**: every method is one whole operation in one
//! transaction: a change of state and its audit row commit together or not at
//! all. The rules (placement, codes) come from `waystation-domain` and are
//! checked inside the transaction, so two servers sharing a database cannot
//! race past them.
//!
//! **API boundary**: the web layer holds an `Arc<dyn Store>` from [`open`] and
//! never learns which backend it talks to; every public item is reachable at
//! this crate's root.

mod appeals;
mod backends;
mod congress;
mod error;
mod foundation;
mod membership;
mod proposals;
mod sql;
mod stations;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use appeals::{Appeal, AppealEvent, AppealPhotoRecord, AppealFilter, AppealStore, NewAppeal, Open311Key, Open311Query, ReplyTemplate, ScaleAppeal, ScaleEvent, SweepReport};
pub use backends::postgres::PostgresStore;
pub use backends::sqlite::SqliteStore;
pub use backends::{Backend, PoolStats};
pub use error::{StoreError, StoreResult};
pub use foundation::{
    Authenticated, FoundationStore, GrantRecord, IdempotencyStart, NewNotification, NewOrg, NewSession, NewUser,
    Notification, Org, SessionRecord, SignInMethod, SmsMessage, StoredResponse, User,
};
pub use stations::{
    CounterScope, Feedback, ImportOutcome, ImportRow, LocationRecord, NewReservation, PhotoBytes, RebuildOutcome,
    Reservation, Resource, Review, ReviewSummary, Station, StationCounters, StationIndexStore, StationListFilter,
    StationPhoto, StationPhotoStore, StationStore, StationUseStore, StatusRecord, VisitStats,
};

/// Declares `Store` as the sum of the traits listed, with the blanket impl
/// that makes every type implementing them all a `Store`.
macro_rules! store_of {
    ($($part:path),+ $(,)?) => {
        /// Everything the server needs of its database: the kit's [`Backend`]
        /// and each capability's store traits.
        pub trait Store: $($part +)+ Send + Sync + 'static {}

        impl<T> Store for T where T: $($part +)+ Send + Sync + 'static {}
    };
}

// One line per capability.
store_of!(
    Backend,
    FoundationStore,
    StationStore,
    StationUseStore,
    StationIndexStore,
    StationPhotoStore,
    AppealStore,
);

/// Opens the backend named by the URL's scheme: `sqlite:` or `postgres:`.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PostgresStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::open(url).await?))
    } else {
        Err(StoreError::Unsupported("database URL must start with sqlite: or postgres://"))
    }
}
