//! Which database answers a request: the primary, or one of its read replicas.
//!
//! Queries read from the replicas in turn; writes, subscriptions and the change feed use the
//! primary, and so does a mutation's own answer, which must show the write it made. A replica
//! replays the primary's log with a delay, so a query may ask for at least a given state of the
//! registry (a `volgnummer`, as a mutation's answer reports it): a replica that has not replayed
//! that far is passed over, and when none has, the primary answers. A replica that cannot be
//! reached is passed over too, so a replica outage slows reads down but does not fail them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sea_orm::DatabaseConnection;

use super::kept_connections::KeptConnections;
use super::known::Moments;
use crate::store;

/// The primary database and its read replicas (none on SQLite or a single PostgreSQL).
#[derive(Clone)]
pub struct Databases {
    primary: Pooled,
    replicas: Arc<[Pooled]>,
    /// Where the round over the replicas goes on, so that reads spread over all of them.
    next: Arc<AtomicUsize>,
    /// The registry as known at past moments, built on demand (see [`super::known`]).
    pub(super) moments: Arc<Moments>,
}

/// A database's pool, and the connections that reads keep of it.
#[derive(Clone)]
struct Pooled {
    conn: DatabaseConnection,
    kept: Option<KeptConnections>,
}

impl Pooled {
    fn new(conn: DatabaseConnection) -> Self {
        let kept = KeptConnections::for_pool_of(&conn);
        Self { conn, kept }
    }

    fn read(&self, volgnummer: Option<i64>) -> ReadConnection {
        ReadConnection { conn: self.conn.clone(), kept: self.kept.clone(), volgnummer }
    }
}

/// The connection chosen for a read, and the state of the registry it has reached.
pub struct ReadConnection {
    /// The connection to read from.
    pub conn: DatabaseConnection,
    /// The connections that reads keep of its pool, if they keep any.
    pub kept: Option<KeptConnections>,
    /// The newest `volgnummer` the connection has, when it was read to choose it; every row read
    /// afterwards reflects at least this state.
    pub volgnummer: Option<i64>,
}

impl Databases {
    /// The primary alone: every request uses it.
    pub fn primary_only(primary: DatabaseConnection) -> Self {
        Self::with_replicas(primary, Vec::new())
    }

    /// The primary and replicas of it, read in turn.
    pub fn with_replicas(primary: DatabaseConnection, replicas: Vec<DatabaseConnection>) -> Self {
        Self {
            primary: Pooled::new(primary),
            replicas: replicas.into_iter().map(Pooled::new).collect(),
            next: Arc::new(AtomicUsize::new(0)),
            moments: Arc::default(),
        }
    }

    /// The primary: for writes, subscriptions and anything that must see the newest state.
    pub fn primary(&self) -> &DatabaseConnection {
        &self.primary.conn
    }

    /// The connections that reads keep of the primary's pool, if they keep any.
    pub fn primary_kept(&self) -> Option<KeptConnections> {
        self.primary.kept.clone()
    }

    /// Whether reads go to replicas.
    pub fn has_replicas(&self) -> bool {
        !self.replicas.is_empty()
    }

    /// The connection for a query that needs at least the state `min_volgnummer` (or any state).
    /// Without replicas and without a minimum, the primary is chosen without a statement; else
    /// each candidate's newest `volgnummer` is read (one small statement) and reported.
    pub async fn for_read(&self, min_volgnummer: Option<i64>) -> ReadConnection {
        if self.replicas.is_empty() {
            return self.primary_for_read(min_volgnummer.is_some()).await;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for offset in 0..self.replicas.len() {
            let replica = &self.replicas[(start + offset) % self.replicas.len()];
            match store::wijziging::latest(&replica.conn).await {
                Ok(position) if min_volgnummer.is_none_or(|min| position >= min) => {
                    return replica.read(Some(position));
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "a read replica cannot be reached; trying the next"),
            }
        }
        // No replica has the state asked for (or none answers): the primary has every state.
        self.primary_for_read(true).await
    }

    /// The primary, with its position when `report_position`.
    async fn primary_for_read(&self, report_position: bool) -> ReadConnection {
        let volgnummer = if report_position { store::wijziging::latest(&self.primary.conn).await.ok() } else { None };
        self.primary.read(volgnummer)
    }
}
