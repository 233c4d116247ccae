//! `GET /metrics`: what this instance does, in the Prometheus text format.
//!
//! GraphQL requests over HTTP by operation name, type and outcome (`ok` or the first error's
//! code), their latency per operation, the SQL statements and DataLoader batches each cost,
//! requests waiting and shed under overload, the database pool, open WebSockets and their
//! active subscriptions, the change feed's position and its slowest subscriber, and the build. Operation names come from clients: the first
//! [`MAX_OPERATION_NAMES`] valid names get a label of their own, any later or malformed name is
//! counted as `other`, so that no client can make the label set grow without bound.

use std::collections::HashSet;
use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Metric, Registry};
use sea_orm::{DatabaseBackend, DatabaseConnection};

use super::operation_log::Finished;
use crate::events::Feed;

pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Operation names that get a label of their own.
pub const MAX_OPERATION_NAMES: usize = 100;
/// Longest operation name that gets a label of its own.
const MAX_NAME_LENGTH: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    r#type: &'static str,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    r#type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    r#type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    revision: &'static str,
}

/// The latency buckets: 1 ms to about 16 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The buckets of a count per request (statements, batches): 1 to 1,024.
fn count_histogram() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 11))
}

/// One instance's metrics; the registry is its own, so that servers in one process (tests) do
/// not count each other's requests.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
    statements: Family<KindLabels, Histogram, fn() -> Histogram>,
    batches: Family<KindLabels, Histogram, fn() -> Histogram>,
    shed: Counter,
    waiting: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
    pool_in_use: Gauge,
    websockets: Gauge,
    subscriptions: Gauge,
    last_volgnummer: Gauge,
    broadcast_volgnummer: Gauge,
    slowest_backlog: Gauge,
    names: Mutex<HashSet<String>>,
}

/// Counts one subscription among the active ones until it is dropped.
pub struct ActiveSubscription(Gauge);

impl Drop for ActiveSubscription {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Registers `metric` under `name` and hands it back, to be kept for updating.
fn registered<M: Metric + Clone>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M {
    registry.register(name, help, metric.clone());
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("fusieregister");
        let r = &mut registry;
        let requests = registered(
            r,
            "graphql_requests",
            "GraphQL requests over HTTP by operation name, type and outcome (ok, or the first error's code)",
            Family::default(),
        );
        let latency = registered(
            r,
            "graphql_request_duration_seconds",
            "Time from the start of a GraphQL request over HTTP to its serialised answer",
            Family::new_with_constructor(latency_histogram as fn() -> Histogram),
        );
        let statements = registered(
            r,
            "graphql_request_sql_statements",
            "SQL statements sent by one GraphQL request over HTTP, by operation type",
            Family::new_with_constructor(count_histogram as fn() -> Histogram),
        );
        let batches = registered(
            r,
            "graphql_request_dataloader_batches",
            "DataLoader batches (one SQL statement each) run by one GraphQL request over HTTP, by operation type",
            Family::new_with_constructor(count_histogram as fn() -> Histogram),
        );
        let waiting = registered(
            r,
            "requests_waiting",
            "Admitted GraphQL requests waiting for their turn to execute (see --max-running-requests)",
            Gauge::default(),
        );
        let shed = registered(
            r,
            "shed_requests",
            "Requests answered 503 at once because the server was full",
            Counter::default(),
        );
        let pool_connections =
            registered(r, "database_pool_connections", "Open connections of the database pool", Gauge::default());
        let pool_idle =
            registered(r, "database_pool_idle_connections", "Idle connections of the database pool", Gauge::default());
        let pool_in_use = registered(
            r,
            "database_pool_in_use_connections",
            "Connections of the database pool lent out to a request or task",
            Gauge::default(),
        );
        let websockets = registered(r, "websockets_open", "Open GraphQL WebSockets", Gauge::default());
        let subscriptions =
            registered(r, "subscriptions_active", "Subscriptions running on the WebSockets", Gauge::default());
        let last_volgnummer = registered(
            r,
            "feed_last_volgnummer",
            "The newest volgnummer in the change log; equal on every instance of one database",
            Gauge::default(),
        );
        let broadcast_volgnummer = registered(
            r,
            "feed_broadcast_volgnummer",
            "The newest volgnummer this instance's feed has handed to its subscribers (0 before the first subscription)",
            Gauge::default(),
        );
        let slowest_backlog = registered(
            r,
            "feed_slowest_subscriber_lag",
            "Changes the slowest subscriber of this instance has yet to take from the feed; at the feed's capacity (4096) it falls back to reading the log",
            Gauge::default(),
        );
        let build =
            registered(r, "build_info", "The running build (always 1)", Family::<BuildLabels, Gauge>::default());
        let labels = BuildLabels {
            version: env!("CARGO_PKG_VERSION"),
            // From git at build time (build.rs), or `unknown`.
            revision: env!("FUSIEREGISTER_REVISION"),
        };
        build.get_or_create(&labels).set(1);
        Self {
            registry,
            requests,
            latency,
            statements,
            batches,
            shed,
            waiting,
            pool_connections,
            pool_idle,
            pool_in_use,
            websockets,
            subscriptions,
            last_volgnummer,
            broadcast_volgnummer,
            slowest_backlog,
            names: Mutex::new(HashSet::new()),
        }
    }
}

impl Metrics {
    /// Counts one finished GraphQL request.
    pub fn record(&self, finished: &Finished<'_>) {
        let (kind, operation) = (finished.kind, self.operation_label(finished.name));
        let outcome = if is_code(finished.outcome) { finished.outcome.to_owned() } else { "other".to_owned() };
        self.requests.get_or_create(&RequestLabels { operation: operation.clone(), r#type: kind, outcome }).inc();
        let elapsed = finished.elapsed.as_secs_f64();
        self.latency.get_or_create(&OperationLabels { operation, r#type: kind }).observe(elapsed);
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let (statements, batches) = (finished.statements as f64, finished.batches as f64);
        self.statements.get_or_create(&KindLabels { r#type: kind }).observe(statements);
        self.batches.get_or_create(&KindLabels { r#type: kind }).observe(batches);
    }

    /// Counts a subscription as active until the returned guard is dropped.
    pub fn subscription_started(&self) -> ActiveSubscription {
        self.subscriptions.inc();
        ActiveSubscription(self.subscriptions.clone())
    }

    /// Counts one request turned away because the server was full.
    pub fn record_shed(&self) {
        self.shed.inc();
    }

    /// The label for a client's operation name (see the module's documentation).
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else { return "anonymous".to_owned() };
        if !is_graphql_name(name) {
            return "other".to_owned();
        }
        let Ok(mut names) = self.names.lock() else { return "other".to_owned() };
        if names.contains(name) || (names.len() < MAX_OPERATION_NAMES && names.insert(name.to_owned())) {
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// Reads the newest `volgnummer` of the change log. A failed read leaves the last figure and
    /// is logged; the database's own state is what `/readyz` reports.
    pub async fn read_feed_position(&self, db: &impl sea_orm::ConnectionTrait) {
        match crate::store::wijziging::latest(db).await {
            Ok(newest) => {
                self.last_volgnummer.set(newest);
            }
            Err(err) => tracing::warn!(error = %err, "cannot read the change log's position for the metrics"),
        }
    }

    /// The metrics in the Prometheus text format, the gauges read now.
    pub fn render(&self, db: &DatabaseConnection, feed: &Feed, now: &Gauges) -> String {
        let (size, idle_in_pool) = pool_figures(db);
        let idle = idle_in_pool.saturating_add(now.kept_idle_connections);
        self.pool_connections.set(i64::from(size));
        self.pool_idle.set(gauge_value(idle));
        self.pool_in_use.set(gauge_value((size as usize).saturating_sub(idle)));
        self.websockets.set(gauge_value(now.open_websockets));
        self.waiting.set(gauge_value(now.waiting_requests));
        self.broadcast_volgnummer.set(feed.broadcast_volgnummer());
        self.slowest_backlog.set(gauge_value(feed.slowest_backlog()));
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry) {
            tracing::error!(error = %err, "cannot encode the metrics");
        }
        text
    }
}

/// What the server knows at the moment of a scrape, beside the database and the feed.
pub struct Gauges {
    /// Open GraphQL WebSockets.
    pub open_websockets: usize,
    /// Admitted requests waiting for their turn to execute.
    pub waiting_requests: usize,
    /// Connections that reads keep between their statements, idle now: out of the pool's own
    /// idle count, but idle all the same (see `crate::db::KeptConnections`).
    pub kept_idle_connections: usize,
}

fn gauge_value(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Open and idle connections of the pool behind `db`.
fn pool_figures(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// `/[_A-Za-z][_0-9A-Za-z]*/`, as GraphQL names are, and not too long.
fn is_graphql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= MAX_NAME_LENGTH
        && bytes.next().is_some_and(|first| first == b'_' || first.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

/// An error code as this API writes them (`BAD_USER_INPUT`), so that a label value stays short.
fn is_code(outcome: &str) -> bool {
    !outcome.is_empty()
        && outcome.len() <= 40
        && outcome.bytes().all(|b| b == b'_' || b.is_ascii_lowercase() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_past_the_cap_and_malformed_names_fold_into_other() {
        let metrics = Metrics::default();
        assert_eq!(metrics.operation_label(None), "anonymous");
        assert_eq!(metrics.operation_label(Some("naam met spatie")), "other");
        assert_eq!(metrics.operation_label(Some("Ωmega")), "other");
        for n in 0..MAX_OPERATION_NAMES {
            assert_eq!(metrics.operation_label(Some(&format!("Op{n}"))), format!("Op{n}"));
        }
        assert_eq!(metrics.operation_label(Some("EenTeVeel")), "other");
        assert_eq!(metrics.operation_label(Some("Op7")), "Op7", "a known name keeps its label");
    }
}
