//! Connections the database closed, noticed without a round trip before every statement.
//!
//! sqlx pings a pooled connection each time it hands one out, so that a connection the server
//! ended (a restart, a fail-over, `pg_terminate_backend`, a proxy's idle timeout) is replaced
//! before a statement is sent on it. That ping is a round trip per statement, a sixth of the
//! server's time for a lookup by CBS code (bench/RESULTS.md). Here a connection is pinged only
//! when it may be stale: when it has been idle for a while, or when the server has been seen to
//! close a connection since it was last used. The first statement that finds its connection
//! closed is what is seen; a read that fails so is sent again ([`retried`]), on a connection
//! that the hook then tests first.

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::sqlx::pool::PoolConnectionMetadata;
use sea_orm::sqlx::{Connection, Error as SqlxError};
use sea_orm::{DbErr, RuntimeErr};

/// A connection idle at least this long is pinged before use: proxies and firewalls drop idle
/// connections, and after a second the round trip costs nothing that matters.
pub const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// Times an operation is tried when its connection keeps turning out closed: after a loss has
/// been noticed the pool tests every connection older than it, so a second try normally
/// succeeds. The others cover a database that is still ending its connections one by one (a
/// restart, `pg_terminate_backend` over many sessions), which can end the next connection just
/// after it was handed out.
pub const ATTEMPTS: u32 = 4;

/// The pause before the second attempt; it doubles for each one after (10, 20, 40 ms), so that
/// a database ending its connections has finished before the last attempt.
const FIRST_PAUSE: Duration = Duration::from_millis(10);

/// PostgreSQL's SQLSTATEs for a session the server ended: `admin_shutdown` (a terminated backend,
/// a fast shutdown) and `crash_shutdown` (another backend crashed and took the others along).
const SESSION_ENDED: [&str; 2] = ["57P01", "57P02"];

/// When a closed connection was last noticed, as nanoseconds after [`epoch`] plus one; 0 when
/// never. One clock for every pool of the process: a loss on one database makes the others test
/// their connections once more, which costs a ping each and nothing else.
static LAST_LOSS: AtomicU64 = AtomicU64::new(0);

/// The process's own zero for [`LAST_LOSS`].
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos_since_epoch(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(epoch()).as_nanos()).unwrap_or(u64::MAX)
}

/// Whether `err` says that the connection it ran on is gone (as opposed to a failed statement, or
/// no connection to be had at all).
pub fn is_lost_connection(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(RuntimeErr::SqlxError(sqlx))
        | DbErr::Conn(RuntimeErr::SqlxError(sqlx)) => is_lost_sqlx_connection(sqlx),
        _ => false,
    }
}

fn is_lost_sqlx_connection(err: &SqlxError) -> bool {
    match err {
        SqlxError::Io(_) => true,
        SqlxError::Database(db) => db.code().is_some_and(|code| SESSION_ENDED.contains(&code.as_ref())),
        _ => false,
    }
}

/// Records that a connection was found closed now: connections released before this moment are
/// tested before their next use.
pub fn note_lost_connection() {
    LAST_LOSS.fetch_max(nanos_since_epoch(Instant::now()).saturating_add(1), Ordering::Relaxed);
}

/// Whether a pooled connection must be pinged before it is handed out: when it has been idle for
/// [`IDLE_BEFORE_PING`], or when a connection loss was noticed after it was last released.
pub fn needs_ping(meta: &PoolConnectionMetadata) -> bool {
    may_be_stale(meta.idle_for)
}

/// Whether a connection idle for `idle_for` until now may have been closed: idle for
/// [`IDLE_BEFORE_PING`], or idle since before a connection loss was noticed.
pub fn may_be_stale(idle_for: Duration) -> bool {
    let loss = LAST_LOSS.load(Ordering::Relaxed).checked_sub(1);
    stale(idle_for, nanos_since_epoch(Instant::now()), loss)
}

/// [`needs_ping`] for a connection idle for `idle_for` at `now`, the last loss noticed at
/// `last_loss` (both in nanoseconds after [`epoch`]).
fn stale(idle_for: Duration, now: u64, last_loss: Option<u64>) -> bool {
    let idle = u64::try_from(idle_for.as_nanos()).unwrap_or(u64::MAX);
    idle_for >= IDLE_BEFORE_PING || last_loss.is_some_and(|loss| now.saturating_sub(idle) <= loss)
}

/// sqlx's `before_acquire` hook for a PostgreSQL pool: a ping when [`needs_ping`], and a
/// connection that fails it is discarded (the pool opens another).
pub fn test_if_stale<'c, C: Connection>(
    conn: &'c mut C,
    meta: PoolConnectionMetadata,
) -> futures_util::future::BoxFuture<'c, Result<bool, SqlxError>> {
    Box::pin(async move {
        if needs_ping(&meta) {
            conn.ping().await?;
        }
        Ok(true)
    })
}

/// Runs `operation` and, when its connection turns out closed, notes the loss and runs it again
/// after a short pause (at most [`ATTEMPTS`] times in all). Only for operations that can be repeated without harm: a
/// read, or the start of a transaction.
///
/// # Errors
/// The operation's error: any other error at once, a lost connection after the last attempt.
pub async fn retried<T, F, Fut>(mut operation: F) -> Result<T, DbErr>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DbErr>>,
{
    let mut attempt = 1;
    loop {
        match operation().await {
            Err(err) if is_lost_connection(&err) => {
                note_lost_connection();
                if attempt == ATTEMPTS {
                    return Err(err);
                }
                tracing::info!(error = %err, attempt, "the database had closed the connection; trying another");
                tokio::time::sleep(FIRST_PAUSE * (1 << (attempt - 1))).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn broken_pipe() -> DbErr {
        let io = io::Error::new(io::ErrorKind::BrokenPipe, "broken pipe");
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(SqlxError::Io(io))))
    }

    #[test]
    fn a_broken_socket_is_a_lost_connection_and_a_failed_statement_is_not() {
        assert!(is_lost_connection(&broken_pipe()));
        assert!(!is_lost_connection(&DbErr::Query(RuntimeErr::Internal("syntax error".to_owned()))));
        assert!(!is_lost_connection(&DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)));
        let timed_out = DbErr::Query(RuntimeErr::SqlxError(Arc::new(SqlxError::PoolTimedOut)));
        assert!(!is_lost_connection(&timed_out));
    }

    #[tokio::test]
    async fn a_read_on_a_closed_connection_is_sent_again_and_other_errors_are_not() {
        let tries = AtomicUsize::new(0);
        let answer = retried(|| {
            let attempt = tries.fetch_add(1, Ordering::Relaxed);
            async move { if attempt == 0 { Err(broken_pipe()) } else { Ok(attempt) } }
        })
        .await;
        assert_eq!(answer.ok(), Some(1));

        let tries = AtomicUsize::new(0);
        let failed: Result<(), DbErr> = retried(|| {
            tries.fetch_add(1, Ordering::Relaxed);
            async { Err(DbErr::Custom("no such table".to_owned())) }
        })
        .await;
        assert!(failed.is_err());
        assert_eq!(tries.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn a_connection_that_stays_closed_is_given_up_after_the_last_attempt() {
        let tries = AtomicUsize::new(0);
        let failed: Result<(), DbErr> = retried(|| {
            tries.fetch_add(1, Ordering::Relaxed);
            async { Err(broken_pipe()) }
        })
        .await;
        assert!(failed.as_ref().is_err_and(is_lost_connection));
        assert_eq!(u32::try_from(tries.load(Ordering::Relaxed)).ok(), Some(ATTEMPTS));
    }

    #[test]
    fn connections_released_before_a_loss_or_idle_long_are_tested_and_others_are_not() {
        let ms = |n: u64| n * 1_000_000;
        let loss = Some(ms(1_000));
        // Released at 1,002 ms, after the loss at 1,000 ms: used since, so taken as it is.
        assert!(!stale(Duration::from_millis(3), ms(1_005), loss));
        // Released at 950 ms, before the loss: it may have been closed with it.
        assert!(stale(Duration::from_millis(55), ms(1_005), loss));
        // No loss noticed: only a long idle time makes a ping.
        assert!(!stale(Duration::from_millis(55), ms(1_005), None));
        assert!(stale(IDLE_BEFORE_PING, ms(5_000), None));
    }
}
