//! The state every handler shares, and the options it is built from. Kept apart from the router
//! (`app.rs`) so that the WebSocket handlers (`ws`), which the router mounts, can use the state
//! without importing the router's module in turn.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DatabaseConnectionType};
use tokio::sync::Semaphore;

use super::admission::Admission;
use super::{metrics, persisted, server};
use crate::cors::CorsOrigins;
use crate::db::{Databases, RetriedReads};
use crate::events::{self, Feed};
use crate::export::base::BaseUrl;
use crate::graphql::{Api, SchemaOptions, build_api_over};
use crate::ws::sockets::Sockets;

/// Everything a request handler needs, cloned into each: one reference count (axum clones the
/// state for every request, and a clone of every field was measurable on a lookup).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct SharedState {
    /// The primary database's pool.
    pub db: DatabaseConnection,
    /// The primary and its read replicas, as queries choose among them.
    pub databases: Databases,
    /// This instance's change feed, shared with the schema's subscriptions.
    pub feed: Arc<Feed>,
    /// The GraphQL schema, built once: the plain one, or the federation subgraph.
    pub schema: Api,
    /// How the server behaves over time.
    pub options: Options,
    /// The open WebSockets, to be closed properly when the server stops.
    pub sockets: Sockets,
    /// One permit per GraphQL request admitted over HTTP (see `max_concurrent_requests`).
    pub permits: Arc<Semaphore>,
    /// When an admitted request may execute (see `max_running_requests`).
    pub admission: Arc<Admission>,
    /// What this instance has done, for `GET /metrics`.
    pub metrics: Arc<metrics::Metrics>,
}

/// How the server behaves: timings, limits and the operator's switches; the defaults suit
/// production.
#[derive(Debug, Clone)]
pub struct Options {
    /// How often the change feed re-reads the log without a wake-up (a safety net).
    pub poll_interval: Duration,
    /// How long a WebSocket may be quiet before the server sends a keep-alive.
    pub keep_alive: Duration,
    /// The operator's switches of the GraphQL schema (introspection, suggestions, limits).
    pub schema: SchemaOptions,
    /// Browser origins that may call the API.
    pub cors: CorsOrigins,
    /// How long a new WebSocket may take to send `connection_init` (then: close 4408).
    pub connection_init_timeout: Duration,
    /// Operations one WebSocket may run at once; one more is refused with `TOO_MANY_OPERATIONS`.
    pub max_operations_per_socket: usize,
    /// Bytes of results that may wait for a WebSocket client to read them; a client that lets
    /// more pile up is disconnected (close 1008).
    pub max_unsent_bytes: usize,
    /// Longest a single write to a WebSocket may take before the client counts as not reading.
    pub send_timeout: Duration,
    /// How often an open WebSocket's API token is checked for revocation (then: close 4403).
    pub token_recheck: Duration,
    /// Largest response body; a larger answer is replaced by a `RESPONSE_TOO_LARGE` error.
    pub max_response_bytes: usize,
    /// GraphQL requests over HTTP that may run at once; one more is answered at once with 503
    /// `SERVICE_UNAVAILABLE` instead of waiting in a queue that only grows under overload.
    pub max_concurrent_requests: usize,
    /// Execution slots: admitted requests that execute at once; the others wait their turn. A
    /// document whose last answer was large takes several slots, or all ([`super::admission`]).
    /// `None`: [`default_running_requests`] for the database.
    pub max_running_requests: Option<usize>,
    /// How long a client may take over its side of a connection.
    pub connection: server::ConnectionLimits,
    /// Operations that take at least this long are logged (with name, type and outcome).
    pub slow_operation: Duration,
    /// Size of the database pool; `None` for the default of [`crate::db::connect_with`].
    pub database_max_connections: Option<u32>,
    /// Where `GET /metrics` is served: `None` on the API's own address, or a separate address
    /// that need not be public.
    pub metrics_listen: Option<SocketAddr>,
    /// Whether requests may name stored documents by hash, and whether only those may run.
    pub persisted: persisted::PersistedDocuments,
    /// The address the open data names itself by (`--public-url`); `None`: each request's `Host`.
    pub public_url: Option<BaseUrl>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            poll_interval: events::POLL_INTERVAL,
            keep_alive: KEEP_ALIVE,
            schema: SchemaOptions::default(),
            cors: CorsOrigins::Any,
            connection_init_timeout: Duration::from_secs(10),
            max_operations_per_socket: 50,
            max_unsent_bytes: 2 * MAX_RESPONSE_BYTES,
            send_timeout: Duration::from_secs(10),
            token_recheck: Duration::from_secs(2),
            max_response_bytes: MAX_RESPONSE_BYTES,
            max_concurrent_requests: MAX_CONCURRENT_REQUESTS,
            max_running_requests: None,
            connection: server::ConnectionLimits::default(),
            database_max_connections: None,
            slow_operation: Duration::from_secs(1),
            metrics_listen: None,
            persisted: persisted::PersistedDocuments::default(),
            public_url: None,
        }
    }
}

/// Default cap on GraphQL requests running at once: enough to keep the database pool busy, few
/// enough that their memory stays small.
pub const MAX_CONCURRENT_REQUESTS: usize = 64;

/// Default of [`Options::max_running_requests`] over `db`. On SQLite a request executes on the
/// server's own cores from start to end (the database is in the process), so one per core:
/// more only add memory and switching. On PostgreSQL a request also waits for the database
/// server, and with one per core the cores sat idle during those round trips; two per core
/// (at most one per pooled connection) kept them busy, and more gained nothing
/// (bench/RESULTS.md, 2026-12-07).
pub fn default_running_requests(db: &DatabaseConnection) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    match &db.inner {
        // The pool accessor panics on any other kind of connection; this arm is the one it serves.
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let connections = db.get_postgres_connection_pool().options().get_max_connections() as usize;
            (2 * cores).min(connections)
        }
        _ => cores,
    }
}

/// Quiet time after which a WebSocket gets a keep-alive: below the idle timeouts of common
/// proxies and load balancers (often 60 seconds).
pub const KEEP_ALIVE: Duration = Duration::from_secs(20);

impl AppState {
    /// State over an open (migrated) database.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_options(db, Options::default())
    }

    /// State with other timings.
    pub fn with_options(db: DatabaseConnection, options: Options) -> Self {
        Self::over(Databases::primary_only(db), options)
    }

    /// State over a primary database and its read replicas.
    pub fn over(databases: Databases, options: Options) -> Self {
        let db = databases.primary().clone();
        // The feed reads the log on the primary: a subscriber hears of a change when it is
        // committed, not when a replica has replayed it.
        let feed = Arc::new(Feed::with_poll_interval(db.clone(), options.poll_interval));
        let schema = build_api_over(databases.clone(), feed.clone(), options.schema);
        let permits = Arc::new(Semaphore::new(options.max_concurrent_requests));
        let slots = options.max_running_requests.unwrap_or_else(|| default_running_requests(&db));
        let admission = Arc::new(Admission::new(slots));
        let metrics = Arc::new(metrics::Metrics::default());
        let sockets = Sockets::default();
        Self(Arc::new(SharedState { db, databases, feed, schema, options, sockets, permits, admission, metrics }))
    }
}

impl AppState {
    /// The primary for reads outside GraphQL (API tokens, downloads), each read sent again when
    /// its pooled connection turns out closed.
    pub fn reads(&self) -> RetriedReads {
        RetriedReads::keeping(self.db.clone(), self.databases.primary_kept(), None)
    }

    /// The metrics in the Prometheus text format, with the gauges read now (the change log's
    /// position as last read by [`metrics::Metrics::read_feed_position`]).
    pub fn render_metrics(&self) -> String {
        let admitted = self.options.max_concurrent_requests.saturating_sub(self.permits.available_permits());
        let executing = self.admission.executing();
        let now = metrics::Gauges {
            open_websockets: self.sockets.open(),
            waiting_requests: admitted.saturating_sub(executing),
            kept_idle_connections: self.databases.primary_kept().map_or(0, |kept| kept.idle_count()),
        };
        self.metrics.render(&self.db, &self.feed, &now)
    }
}

/// Largest request body (and WebSocket message) accepted; a GraphQL query needs far less.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Default largest response body; larger answers are replaced by a coded error. The cost limit
/// keeps normal queries far below it.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
