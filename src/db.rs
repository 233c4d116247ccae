//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use crate::error::AppError;

mod kept_connections;
mod known;
pub mod lost_connection;
mod retried_reads;
mod routing;
pub use kept_connections::KeptConnections;
pub use known::KnownRegistry;
pub use retried_reads::{RetriedReads, StatementCounter};
pub use routing::{Databases, ReadConnection};

/// Longest a request waits for a database connection. While the database is down the pool keeps
/// trying to connect for this long, then the request fails with `SERVICE_UNAVAILABLE`: short,
/// so that clients and load balancers hear of an outage at once instead of piling up.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// SQLite's page cache per connection (`PRAGMA cache_size`; negative: in KiB), an eighth of
/// SQLite's default of 2 MiB. Each of the pool's connections caches pages of the same file, which
/// the operating system caches once more; at the default the eight caches held about 8 MiB of
/// the server's peak for the bench's large scale, at equal throughput (bench/RESULTS.md).
const SQLITE_PAGE_CACHE: &str = "-256";

/// Opens a connection pool. SQLite gets a single writer-friendly setup; PostgreSQL a pool sized
/// for a server.
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached.
pub async fn connect(url: &str) -> Result<DatabaseConnection, AppError> {
    connect_with(url, None).await
}

/// Opens a connection pool of at most `max_connections` (default: 8 for a SQLite file, 20 for
/// PostgreSQL). An in-memory SQLite database always gets one connection.
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached.
pub async fn connect_with(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection, AppError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.connect_timeout(Duration::from_secs(10)).acquire_timeout(ACQUIRE_TIMEOUT).sqlx_logging(false);
    // No ping before every statement: a SQLite file cannot close a connection under us, and a
    // PostgreSQL connection is tested only when it may be stale (see `lost_connection`).
    options.test_before_acquire(false);
    if url.starts_with("sqlite:") {
        // An in-memory SQLite database exists per connection: keep exactly one.
        let connections = if url.contains(":memory:") { 1 } else { max_connections.unwrap_or(8) };
        options.max_connections(connections.max(1)).min_connections(1);
        options.map_sqlx_sqlite_opts(|sqlite| sqlite.pragma("cache_size", SQLITE_PAGE_CACHE));
    } else {
        options
            .max_connections(max_connections.unwrap_or(20).max(1))
            .map_sqlx_postgres_before_acquire(lost_connection::test_if_stale);
    }
    Ok(Database::connect(options).await?)
}

/// Connects and applies every pending migration, one instance at a time (`StartLock`).
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached or a migration fails.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, AppError> {
    connect_and_migrate_with(url, None).await
}

/// [`connect_and_migrate`] with a pool of at most `max_connections` (see [`connect_with`]).
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached or a migration fails.
pub async fn connect_and_migrate_with(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection, AppError> {
    let conn = connect_with(url, max_connections).await?;
    let lock = StartLock::take(&conn).await?;
    Migrator::up(&conn, None).await?;
    lock.release().await;
    Ok(conn)
}

/// Key of the PostgreSQL advisory lock that instances take while migrating the database.
const START_LOCK_KEY: i64 = 0x6675_7369_6572_6567; // "fusiereg"

/// Held while one instance migrates the database. Instances behind a load balancer often start
/// together; without it they would run the same migrations at once and all but one would fail. On PostgreSQL it is a session advisory lock on a connection of its own; SQLite
/// has one process per file and needs none.
struct StartLock(Option<PoolConnection<Postgres>>);

impl StartLock {
    /// Waits until no other instance holds the lock, then takes it.
    ///
    /// # Errors
    /// When the lock cannot be taken.
    async fn take(conn: &DatabaseConnection) -> Result<Self, AppError> {
        if conn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(Self(None));
        }
        let failed = |e: sea_orm::sqlx::Error| AppError::Internal(format!("cannot take the start-up lock: {e}"));
        let mut session = conn.get_postgres_connection_pool().acquire().await.map_err(failed)?;
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(START_LOCK_KEY)
            .execute(&mut *session)
            .await
            .map_err(failed)?;
        Ok(Self(Some(session)))
    }

    /// Lets the next instance go on.
    async fn release(mut self) {
        if let Some(mut session) = self.0.take() {
            let unlock = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)").bind(START_LOCK_KEY);
            if unlock.execute(&mut *session).await.is_err() {
                // Closing the session releases the lock as well.
                drop(session.detach());
            }
        }
    }
}

impl Drop for StartLock {
    /// Not released (an error on the way): close the session, which releases the lock, rather
    /// than return a connection that still holds it to the pool.
    fn drop(&mut self) {
        if let Some(session) = self.0.take() {
            drop(session.detach());
        }
    }
}

/// Writes a consistent copy of the SQLite database behind `conn` to `file`, which must not
/// exist yet. SQLite's `VACUUM INTO` reads the database in one read transaction, so writers may
/// go on meanwhile and the copy is a snapshot; it is also compacted.
///
/// # Errors
/// `BAD_USER_INPUT` for PostgreSQL (whose tool is `pg_dump`), an existing or unusable path; a
/// database error when the copy fails.
pub async fn backup(conn: &DatabaseConnection, file: &std::path::Path) -> Result<(), AppError> {
    if conn.get_database_backend() != DatabaseBackend::Sqlite {
        return Err(AppError::bad_input("database-url", "backup copies a SQLite database; for PostgreSQL use pg_dump"));
    }
    if file.exists() {
        return Err(AppError::bad_input("file", format!("{} exists already; choose a new file", file.display())));
    }
    let Some(path) = file.to_str() else {
        return Err(AppError::bad_input("file", "the path must be valid UTF-8"));
    };
    let statement = sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, "VACUUM INTO ?", [path.into()]);
    conn.execute_raw(statement).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool_size(url: &str, max_connections: Option<u32>) -> u32 {
        let conn = connect_with(url, max_connections).await.unwrap_or_else(|err| panic!("{}", err.detail()));
        conn.get_sqlite_connection_pool().options().get_max_connections()
    }

    #[tokio::test]
    async fn the_pool_has_the_size_asked_for_except_in_memory() {
        let file = std::env::temp_dir().join(format!("fusieregister-pool-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", file.display());
        assert_eq!(pool_size(&url, None).await, 8);
        assert_eq!(pool_size(&url, Some(3)).await, 3);
        assert_eq!(pool_size(&url, Some(0)).await, 1, "a pool needs a connection");
        assert_eq!(pool_size("sqlite::memory:", Some(5)).await, 1, "one in-memory database per connection");
        let _ = std::fs::remove_file(file);
    }

    #[tokio::test]
    async fn every_sqlite_connection_has_the_small_page_cache() {
        let conn = connect("sqlite::memory:").await.unwrap_or_else(|err| panic!("{}", err.detail()));
        let statement = sea_orm::Statement::from_string(DatabaseBackend::Sqlite, "PRAGMA cache_size");
        let row = conn.query_one_raw(statement).await.ok().flatten();
        let pages = row.and_then(|row| row.try_get_by_index::<i64>(0).ok());
        assert_eq!(pages.map(|p| p.to_string()), Some(SQLITE_PAGE_CACHE.to_owned()));
    }
}
