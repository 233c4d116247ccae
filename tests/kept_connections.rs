//! Reads keep their pooled connection between statements (so that sqlx does not test it with a
//! round trip each time it comes back), and give it back: when it has been idle, when the pool
//! closes, and never so many that a transaction finds none.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fusieregister::db::{KeptConnections, RetriedReads};
use fusieregister::entity::gemeente;
use sea_orm::{ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

fn max_connections(conn: &DatabaseConnection) -> u32 {
    match conn.get_database_backend() {
        DatabaseBackend::Postgres => conn.get_postgres_connection_pool().options().get_max_connections(),
        _ => conn.get_sqlite_connection_pool().options().get_max_connections(),
    }
}

/// Reads of `conn` on kept connections, and the count of statements they sent.
fn kept_reads(conn: &DatabaseConnection) -> (RetriedReads, KeptConnections, Arc<AtomicUsize>) {
    let kept = KeptConnections::for_pool_of(conn).expect("a pool of several connections keeps some");
    let statements = Arc::new(AtomicUsize::new(0));
    let counting = statements.clone();
    let count = Arc::new(move || {
        counting.fetch_add(1, Ordering::Relaxed);
    });
    (RetriedReads::keeping(conn.clone(), Some(kept.clone()), Some(count)), kept, statements)
}

async fn amsterdam(reads: &RetriedReads) -> String {
    let found = gemeente::Entity::find().filter(gemeente::Column::Code.eq("GM0363")).one(reads).await;
    found.expect("the read succeeds").expect("GM0363 exists").naam
}

/// Waits (at most a generous while, so that a broken give-back fails instead of hanging) until
/// `done` holds.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done()
}

#[tokio::test]
async fn reads_one_after_the_other_share_one_kept_connection_that_goes_back_when_idle() {
    let conn = common::concurrent_database().await;
    let (reads, kept, statements) = kept_reads(&conn);
    // sqlx returns connections to the pool from tasks of their own: wait until the seeding's
    // have all come back, so that what follows is this test's doing alone.
    let settled = || {
        let (size, idle_in_pool) = common::pool_counts(&conn);
        size >= 1 && idle_in_pool == usize::try_from(size).unwrap()
    };
    assert!(eventually(settled).await, "the pool did not settle");
    let (size_before, _) = common::pool_counts(&conn);

    for _ in 0..5 {
        assert_eq!(amsterdam(&reads).await, "Amsterdam");
    }
    assert_eq!(statements.load(Ordering::Relaxed), 5, "every statement is counted");
    // One connection served all five and stayed out of the pool between them.
    assert_eq!(kept.idle_count(), 1);
    let (size, idle_in_pool) = common::pool_counts(&conn);
    assert_eq!(idle_in_pool, usize::try_from(size).unwrap() - 1, "the kept connection is not in the pool");
    assert_eq!(size, size_before, "no connection was opened for the reads");

    // Idle for a while, it goes back to the pool.
    assert!(eventually(|| kept.idle_count() == 0).await, "the idle connection was not given back");
    assert!(eventually(settled).await, "the connection given back is not idle in the pool");
}

#[tokio::test]
async fn a_pool_closes_while_reads_keep_connections() {
    let conn = common::concurrent_database().await;
    let (reads, kept, _) = kept_reads(&conn);
    let at_once = (0..6).map(|_| amsterdam(&reads));
    futures_util::future::join_all(at_once).await;
    assert!(kept.idle_count() >= 1);

    // `close` waits for every connection to come back, the kept ones too.
    let closed = tokio::time::timeout(Duration::from_secs(10), conn.close_by_ref()).await;
    assert!(closed.is_ok(), "the pool did not close while connections were kept");
    assert_eq!(kept.idle_count(), 0);
}

#[tokio::test]
async fn reads_at_once_leave_connections_for_a_transaction() {
    let conn = common::concurrent_database().await;
    let (reads, kept, statements) = kept_reads(&conn);
    let at_once = (0..40).map(|_| amsterdam(&reads));
    for naam in futures_util::future::join_all(at_once).await {
        assert_eq!(naam, "Amsterdam");
    }
    assert_eq!(statements.load(Ordering::Relaxed), 40);
    let spare = max_connections(&conn) - u32::try_from(kept.idle_count()).unwrap();
    assert!(spare >= 2, "the reads kept all but {spare} of the pool's connections");

    // A write gets a connection while the reads keep theirs.
    let transaction = conn.begin().await.expect("a transaction finds a connection");
    transaction.commit().await.expect("it commits");
}
