//! The change feed: wakes subscribers when the change log grows. The log (`wijziging`) is the
//! truth; a wake-up only says "look again", so a missed or doubled wake-up loses nothing.
//!
//! Within one process, [`notify_local`] is called after every commit. With PostgreSQL, writers
//! also `NOTIFY` in the committing transaction and every instance `LISTEN`s ([`listen`]), so a
//! change made through one instance wakes subscribers of all of them. Subscribers re-read the log
//! from their last number on a wake-up and, as a safety net, every few seconds.

use std::sync::LazyLock;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tokio::sync::watch;

use crate::error::AppError;

/// The PostgreSQL channel writers notify.
pub const CHANNEL: &str = "fusieregister_wijziging";

/// How often a subscriber re-reads the log without a wake-up.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

static WAKE: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Wakes this process's subscribers.
pub fn notify_local() {
    WAKE.send_modify(|n| *n = n.wrapping_add(1));
}

/// A receiver that changes on every wake-up.
pub fn wake_ups() -> watch::Receiver<u64> {
    WAKE.subscribe()
}

/// Queues a PostgreSQL notification in the writing transaction; it is delivered at commit.
///
/// # Errors
/// A database error.
pub async fn notify_in(txn: &impl ConnectionTrait) -> Result<(), AppError> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

/// Forwards PostgreSQL notifications from other instances to this process's subscribers, until
/// the process ends. Does nothing on SQLite, where one process holds the database.
pub fn listen(db: &DatabaseConnection) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    tokio::spawn(async move {
        loop {
            match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(err) = listener.listen(CHANNEL).await {
                        tracing::warn!(error = %err, "cannot LISTEN for changes; retrying");
                    } else {
                        // A reconnect may have missed notifications: wake everyone to re-read.
                        notify_local();
                        while listener.recv().await.is_ok() {
                            notify_local();
                        }
                        tracing::warn!("change listener lost its connection; reconnecting");
                    }
                }
                Err(err) => tracing::warn!(error = %err, "cannot connect the change listener; retrying"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
