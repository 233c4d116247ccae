//! The change feed. The change log (`wijziging`) is the truth; everything here only says "look
//! again", so a missed or doubled wake-up loses nothing.
//!
//! Within one process, [`notify_local`](crate::events::notify_local) is called after every commit. With PostgreSQL, writers
//! also `NOTIFY` in the committing transaction and every instance `LISTEN`s, so a change made
//! through one instance wakes the feeds of all of them. Each instance has one [`Feed`](crate::events::Feed): a single
//! task that reads new changes from the log and hands them to every subscriber, who checks the
//! numbers and fills any gap from the log itself ([`LogCursor`](crate::events::LogCursor)).

mod cursor;
mod feed;

use std::sync::LazyLock;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend};
use tokio::sync::watch;

pub use cursor::{Filter, LogCursor};
pub use feed::Feed;

use crate::error::AppError;

/// The PostgreSQL channel writers notify.
pub const CHANNEL: &str = "fusieregister_wijziging";

/// How often a feed re-reads the log without a wake-up: a safety net for a lost notification.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Changes read from the log per statement.
const BATCH: u64 = 100;

static WAKE: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Wakes this process's feeds.
pub fn notify_local() {
    WAKE.send_modify(|n| *n = n.wrapping_add(1));
}

/// A receiver that changes on every local wake-up.
fn local_wake_ups() -> watch::Receiver<u64> {
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
