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
    /// What the crate root handed in from every capability.
    pub handed_in: HandedIn,
    parts: Arc<Parts>,
}

/// What the crate root hands the kit from every capability.
#[derive(Clone, Copy)]
pub struct HandedIn {
    /// The routes that take larger bodies than a form.
    pub upload_limits: &'static [&'static [UploadLimit]],
    /// The console's entries.
    pub console: &'static [&'static ConsoleEntry],
    /// Path prefixes whose POST answers are never stored for replay (see `idempotency`).
    pub never_replayed: &'static [&'static [&'static str]],
    /// Path prefixes whose forms authenticate by a key in the form itself
    /// (Open311's `api_key`), not by a cookie: no CSRF token (see `csrf`).
    pub key_authenticated: &'static [&'static [&'static str]],
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
        Self { store, config: Arc::new(config), metrics, handed_in, parts: Arc::new(parts) }
    }

    /// A capability's part. Every part is installed before the state is
    /// built, so a missing one is a bug in the crate root's assembly.
    pub fn part<T: Send + Sync + 'static>(&self) -> &T {
        self.parts.get::<T>().unwrap_or_else(|| panic!("the state holds no {}", type_name::<T>()))
    }

    /// A part that a capability may or may not offer (see [`crate::http::places`]).
    pub fn try_part<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.parts.get::<T>()
    }
}
