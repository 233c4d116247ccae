//! One instance's feed: a single task reads each new change from the log once and broadcasts it
//! to every subscriber of this instance. However many subscribers there are, a change costs one
//! read of the log here; a subscriber that cannot keep up only loses its place in the broadcast
//! and catches up from the log on its own ([`super::LogCursor`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::{OnceCell, broadcast, watch};
use tokio::task::AbortHandle;

use super::{BATCH, CHANNEL, POLL_INTERVAL, local_wake_ups};
use crate::entity::wijziging;
use crate::error::AppError;
use crate::store;

/// Changes held for slow subscribers before they lag and fall back to the log.
const CAPACITY: usize = 4096;

/// Wait after a failed read of the log or a lost PostgreSQL listener before trying again.
const RETRY: Duration = Duration::from_secs(1);

/// The feed of one server instance.
pub struct Feed {
    db: DatabaseConnection,
    sender: broadcast::Sender<Arc<wijziging::Model>>,
    /// The newest `volgnummer` broadcast (0 before the feed starts).
    broadcast: Arc<AtomicI64>,
    poll_interval: Duration,
    /// Started at the first subscription, so a schema built only for queries costs nothing.
    tasks: OnceCell<Tasks>,
}

/// The feed's background tasks; they stop when the feed is dropped.
struct Tasks(Vec<AbortHandle>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Feed {
    /// A feed over `db` that re-reads the log every [`POLL_INTERVAL`] even without a wake-up.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_poll_interval(db, POLL_INTERVAL)
    }

    /// A feed with another safety-net interval (tests use a long one to prove that
    /// notifications alone deliver changes).
    pub fn with_poll_interval(db: DatabaseConnection, poll_interval: Duration) -> Self {
        let sender = broadcast::channel(CAPACITY).0;
        Self { db, sender, broadcast: Arc::new(AtomicI64::new(0)), poll_interval, tasks: OnceCell::new() }
    }

    /// The same feed holding at most `capacity` changes for subscribers that fall behind (tests
    /// use a tiny one to make cursors lag). Call it before the first subscription.
    #[must_use]
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.sender = broadcast::channel(capacity.max(1)).0;
        self
    }

    /// The newest `volgnummer` handed to the subscribers; 0 before the first subscription.
    pub fn broadcast_volgnummer(&self) -> i64 {
        self.broadcast.load(Ordering::Relaxed)
    }

    /// Changes the slowest subscriber has yet to take: the broadcast keeps a change until every
    /// receiver has taken it. At the capacity a subscriber lags and reads from the log instead.
    pub fn slowest_backlog(&self) -> usize {
        self.sender.len()
    }

    /// The database the feed reads.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Every change committed after this call, in order, unless the receiver lags. The feed's
    /// task starts from the log's end as read before this returns, so together with a read of
    /// the log after this call a subscriber misses nothing.
    ///
    /// # Errors
    /// A database error while starting the feed.
    pub async fn subscribe(&self) -> Result<broadcast::Receiver<Arc<wijziging::Model>>, AppError> {
        let receiver = self.sender.subscribe();
        self.tasks.get_or_try_init(|| self.start()).await?;
        Ok(receiver)
    }

    async fn start(&self) -> Result<Tasks, AppError> {
        let from = store::wijziging::latest(&self.db).await?;
        let (remote_tx, remote_rx) = watch::channel(0_u64);
        let mut tasks = Vec::new();
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            tasks.push(tokio::spawn(listen(self.db.clone(), remote_tx)).abort_handle());
        }
        self.broadcast.store(from, Ordering::Relaxed);
        let sink = Broadcast { sender: self.sender.clone(), position: self.broadcast.clone() };
        let tail = tail(self.db.clone(), sink, from, self.poll_interval, remote_rx);
        tasks.push(tokio::spawn(tail).abort_handle());
        Ok(Tasks(tasks))
    }
}

/// Where the feed's task sends changes, and where it notes how far it has come.
struct Broadcast {
    sender: broadcast::Sender<Arc<wijziging::Model>>,
    position: Arc<AtomicI64>,
}

/// Reads the log after `latest` whenever woken (or every `poll_interval`) and broadcasts every
/// new change in order.
async fn tail(
    db: DatabaseConnection,
    sink: Broadcast,
    mut latest: i64,
    poll_interval: Duration,
    mut remote: watch::Receiver<u64>,
) {
    let mut local = local_wake_ups();
    loop {
        // Mark wake-ups as seen before reading, so one that comes during the read is kept.
        local.borrow_and_update();
        remote.borrow_and_update();
        match store::wijziging::next(&db, latest, BATCH).await {
            Ok(rows) => {
                let full = rows.len() as u64 == BATCH;
                for row in rows {
                    latest = row.volgnummer;
                    // An error only means that no one is subscribed right now.
                    let _ = sink.sender.send(Arc::new(row));
                    sink.position.store(latest, Ordering::Relaxed);
                }
                if full {
                    continue;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the change log; retrying");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        }
        tokio::select! {
            () = woken(&mut local) => {}
            () = woken(&mut remote) => {}
            () = tokio::time::sleep(poll_interval) => {}
        }
    }
}

/// Waits for the next wake-up; a channel without a sender (SQLite has no notifications) never
/// wakes, rather than waking at once forever.
async fn woken(wake_ups: &mut watch::Receiver<u64>) {
    if wake_ups.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Forwards PostgreSQL notifications (from any instance) to the feed's task. The sender is held
/// here, so the task's `remote.changed()` only fires on a real notification.
async fn listen(db: DatabaseConnection, wake: watch::Sender<u64>) {
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "cannot LISTEN for changes; retrying");
                } else {
                    // Notifications may have been missed while not listening: read again.
                    wake.send_modify(|n| *n = n.wrapping_add(1));
                    while listener.recv().await.is_ok() {
                        wake.send_modify(|n| *n = n.wrapping_add(1));
                    }
                    tracing::warn!("change listener lost its connection; reconnecting");
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot connect the change listener; retrying"),
        }
        tokio::time::sleep(RETRY).await;
    }
}
