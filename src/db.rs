//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::{ConnectOptions, Database, DatabaseBackend, DatabaseConnection};

use crate::error::AppError;

/// Opens a connection pool. SQLite gets a single writer-friendly setup; PostgreSQL a pool sized
/// for a server.
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached.
pub async fn connect(url: &str) -> Result<DatabaseConnection, AppError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(10)).sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // An in-memory SQLite database exists per connection: keep exactly one.
        let connections = if url.contains(":memory:") { 1 } else { 8 };
        options.max_connections(connections).min_connections(1);
    } else {
        options.max_connections(20);
    }
    Ok(Database::connect(options).await?)
}

/// Connects and applies every pending migration, one instance at a time (`StartLock`).
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached or a migration fails.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, AppError> {
    let conn = connect(url).await?;
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
