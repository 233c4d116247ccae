//! Pooled connections that reads keep between their statements instead of returning them to
//! sqlx's pool after each one.
//!
//! sqlx tests every connection that comes back to its pool with a round trip (a `Sync` message
//! on PostgreSQL, a message to the connection's worker thread on SQLite), and sea-orm takes a
//! connection from the pool for every statement and gives it back right after. So each read
//! cost the database two round trips where one was needed: a lookup by CBS code, one statement,
//! woke PostgreSQL twice. Reads here take a connection from a short list of their own, send
//! their statement and put the connection back on the list. sqlx sees a connection again (and
//! tests it) only when the statement failed or was abandoned halfway, which is when the test is
//! worth its round trip; when the list is full; and when the connection has been idle long
//! enough to be stale ([`super::lost_connection::may_be_stale`]), which also hands connections
//! back to the pool after a load.
//!
//! The list holds all but two of the pool's connections, so that a transaction (which takes
//! its connection from the pool itself) waits at most for a statement, never for an idle
//! connection on the list.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Database, Executor, IntoArguments, Pool, Postgres, Sqlite};
use sea_orm::{ConnAcquireErr, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, RuntimeErr, Statement};
use sea_query_sqlx::SqlxValues;

use super::lost_connection::{IDLE_BEFORE_PING, may_be_stale};

/// The kept connections of one database, whichever its backend.
#[derive(Clone)]
pub enum KeptConnections {
    /// Connections of a PostgreSQL pool.
    Postgres(Arc<Kept<Postgres>>),
    /// Connections of a SQLite pool.
    Sqlite(Arc<Kept<Sqlite>>),
}

impl std::fmt::Debug for KeptConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (backend, idle) = match self {
            Self::Postgres(kept) => ("postgres", kept.idle_count()),
            Self::Sqlite(kept) => ("sqlite", kept.idle_count()),
        };
        f.debug_struct("KeptConnections").field("backend", &backend).field("idle", &idle).finish()
    }
}

impl KeptConnections {
    /// A list for `conn`'s pool; `None` when the pool is too small to share (an in-memory SQLite
    /// database has a single connection) or when there is no Tokio runtime to give idle
    /// connections back from.
    pub fn for_pool_of(conn: &DatabaseConnection) -> Option<Self> {
        match conn.get_database_backend() {
            DatabaseBackend::Postgres => Kept::new(conn.get_postgres_connection_pool().clone()).map(Self::Postgres),
            DatabaseBackend::Sqlite => Kept::new(conn.get_sqlite_connection_pool().clone()).map(Self::Sqlite),
            _ => None,
        }
    }

    /// The rows of `stmt`, read on a kept connection.
    ///
    /// # Errors
    /// The statement's error, or none to be had from the pool.
    pub async fn query_all(&self, stmt: &Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Postgres(kept) => kept.query_all(stmt).await,
            Self::Sqlite(kept) => kept.query_all(stmt).await,
        }
    }

    /// The first row of `stmt`, if any, read on a kept connection.
    ///
    /// # Errors
    /// The statement's error, or none to be had from the pool.
    pub async fn query_one(&self, stmt: &Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Self::Postgres(kept) => kept.query_one(stmt).await,
            Self::Sqlite(kept) => kept.query_one(stmt).await,
        }
    }

    /// Connections on the list now, for the tests.
    pub fn idle_count(&self) -> usize {
        match self {
            Self::Postgres(kept) => kept.idle_count(),
            Self::Sqlite(kept) => kept.idle_count(),
        }
    }
}

/// The kept connections of one sqlx pool.
pub struct Kept<DB: Database> {
    pool: Pool<DB>,
    idle: Mutex<Vec<Idle<DB>>>,
    capacity: usize,
    /// The runtime the list was made on: sqlx returns a connection to its pool from a task of
    /// that runtime, even when the list is dropped outside it.
    runtime: tokio::runtime::Handle,
}

impl<DB: Database> Drop for Kept<DB> {
    fn drop(&mut self) {
        // The last clone of a schema may be dropped after `block_on` returned, where sqlx would
        // find no runtime to spawn on.
        let _entered = tokio::runtime::Handle::try_current().is_err().then(|| self.runtime.enter());
        self.idle.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

/// A connection on the list, and since when.
struct Idle<DB: Database> {
    conn: PoolConnection<DB>,
    since: Instant,
}

impl<DB> Kept<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    SqlxValues: IntoArguments<DB>,
    QueryResult: From<DB::Row>,
{
    fn new(pool: Pool<DB>) -> Option<Arc<Self>> {
        let capacity =
            usize::try_from(pool.options().get_max_connections().saturating_sub(WRITERS_RESERVE)).unwrap_or(0);
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        if capacity == 0 {
            return None;
        }
        let kept = Arc::new(Self { pool, idle: Mutex::new(Vec::with_capacity(capacity)), capacity, runtime });
        kept.runtime.spawn(give_back_idle_connections(Arc::downgrade(&kept)));
        Some(kept)
    }

    async fn query_all(&self, stmt: &Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut conn = self.take().await?;
        // On an error, or when this future is dropped halfway, `conn` goes back to sqlx's pool,
        // whose test on return closes it if the statement left it unusable.
        let rows = bound(stmt).fetch_all(&mut *conn).await.map_err(query_error)?;
        self.keep(conn);
        Ok(rows.into_iter().map(QueryResult::from).collect())
    }

    async fn query_one(&self, stmt: &Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut conn = self.take().await?;
        let row = bound(stmt).fetch_optional(&mut *conn).await.map_err(query_error)?;
        self.keep(conn);
        Ok(row.map(QueryResult::from))
    }

    /// The most recently kept connection, unless it may be stale; else one from the pool.
    async fn take(&self) -> Result<PoolConnection<DB>, DbErr> {
        let stale = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.last().is_some_and(|newest| !may_be_stale(newest.since.elapsed()))
                && let Some(newest) = idle.pop()
            {
                return Ok(newest.conn);
            }
            // Empty, or the newest may be stale, and then so may the others, kept before it.
            std::mem::take(&mut *idle)
        };
        // Back to the pool, which tests each on its return; outside the lock.
        drop(stale);
        self.pool.acquire().await.map_err(acquire_error)
    }

    /// Puts `conn` on the list, or back in the pool when the list is full or the pool closed.
    fn keep(&self, conn: PoolConnection<DB>) {
        if self.pool.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.capacity {
            idle.push(Idle { conn, since: Instant::now() });
        }
    }
}

/// What needs no statement, and so no more of sqlx than a pool.
impl<DB: Database> Kept<DB> {
    /// Hands the connections idle for [`IDLE_BEFORE_PING`] or longer back to the pool, and all
    /// of them once the pool is closing (whose `close` waits for every connection to return).
    fn give_back_idle(&self) {
        let closing = self.pool.is_closed();
        let given_back: Vec<Idle<DB>> = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            let fresh_from = if closing {
                idle.len()
            } else {
                idle.iter().position(|kept| kept.since.elapsed() < IDLE_BEFORE_PING).unwrap_or(idle.len())
            };
            idle.drain(..fresh_from).collect()
        };
        drop(given_back);
    }

    fn idle_count(&self) -> usize {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// Connections of a pool that the list never holds, so that a transaction (which takes its
/// connection from the pool itself) finds one while reads keep the others busy.
const WRITERS_RESERVE: u32 = 2;

/// How often idle connections are looked for: a few times per [`IDLE_BEFORE_PING`], so that a
/// closing pool waits for its kept connections a fraction of a second at most.
const SWEEP_EVERY: Duration = Duration::from_millis(250);

/// Every [`SWEEP_EVERY`], gives idle connections back to the pool, until the list is dropped.
async fn give_back_idle_connections<DB: Database>(kept: Weak<Kept<DB>>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match kept.upgrade() {
            Some(kept) => kept.give_back_idle(),
            None => return,
        }
    }
}

/// `stmt` with its values bound, as sea-orm's own drivers send it.
fn bound<DB: Database>(stmt: &Statement) -> sqlx::query::Query<'_, DB, SqlxValues>
where
    SqlxValues: IntoArguments<DB>,
{
    let values = stmt.values.clone().unwrap_or_else(|| sea_orm::sea_query::Values(Vec::new()));
    sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

/// A failed statement as sea-orm reports it.
fn query_error(err: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(err)))
}

/// No connection to be had, as sea-orm reports it (a timeout is what the API calls unavailable).
fn acquire_error(err: sqlx::Error) -> DbErr {
    match err {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        other => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(other))),
    }
}
