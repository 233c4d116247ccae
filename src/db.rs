//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

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

/// Connects and applies every pending migration.
///
/// # Errors
/// [`AppError::Database`] when the database cannot be reached or a migration fails.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, AppError> {
    let conn = connect(url).await?;
    Migrator::up(&conn, None).await?;
    Ok(conn)
}
