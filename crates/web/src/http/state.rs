//! What every handler can reach: the store, the configuration, the metrics,
//! what the crate root handed in for the kit (upload limits, console entries),
//! and each capability's own parts in a typed map. The kit cannot name a
//! capability's types, so a capability stores its parts with
//! [`Parts::insert`] when the state is built and reads them back with
//! [`AppState::part`] behind an accessor of its own (one `TypeId` lookup, no
//! lock).

use std::any::type_name;
use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use waystation_storage::Store;

use crate::http::body_limit::UploadLimit;
use crate::http::nav::ConsoleEntry;

/// How the kit behaves; the crate root takes it out of the whole `WebConfig`.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Mark cookies `Secure` (on whenever the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

/// Each capability's parts of the state, by type (a capability's search
/// index, its counters, the code sender…); filled once, before serving.
pub type Parts = axum::http::Extensions;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<HttpConfig>,
    pub metrics: PrometheusHandle,
    /// The routes that take larger bodies than a form, from every capability.
    pub upload_limits: &'static [&'static [UploadLimit]],
    /// The console's entries, from every capability.
    pub console: &'static [&'static ConsoleEntry],
    /// Path prefixes whose POST answers are never stored for replay, from every
    /// capability (see `idempotency`).
    pub never_replayed: &'static [&'static [&'static str]],
    parts: Arc<Parts>,
}

/// What the crate root hands the kit from every capability.
pub struct HandedIn {
    pub upload_limits: &'static [&'static [UploadLimit]],
    pub console: &'static [&'static ConsoleEntry],
    pub never_replayed: &'static [&'static [&'static str]],
}

impl AppState {
    /// The state from its pieces; the crate root gathers them from the capabilities.
    pub fn assemble(
        store: Arc<dyn Store>,
        config: HttpConfig,
        metrics: PrometheusHandle,
        parts: Parts,
        handed_in: HandedIn,
    ) -> Self {
        let HandedIn { upload_limits, console, never_replayed } = handed_in;
        Self { store, config: Arc::new(config), metrics, upload_limits, console, never_replayed, parts: Arc::new(parts) }
    }

    /// A capability's part. Every part is installed before the state is
    /// built, so a missing one is a bug in the crate root's assembly.
    pub fn part<T: Send + Sync + 'static>(&self) -> &T {
        self.parts.get::<T>().unwrap_or_else(|| panic!("the state holds no {}", type_name::<T>()))
    }
}
