//! Reads from a real PostgreSQL streaming replica while it lags: run by `.ci/replica.sh`, which
//! makes a primary and a replica of it (`pg_basebackup -R`) and passes their URLs.
//!
//! The replica's replay is paused to make the lag certain: a write on the primary is then
//! invisible on the replica until replay resumes, and the test shows what a client sees.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::time::Duration;

use common::http::{post, volgnummer};
use fusieregister::app::{AppState, Options, prepare_database, router};
use fusieregister::db::{self, Databases};
use fusieregister::domain::TokenRol;
use sea_orm::{ConnectionTrait, DatabaseConnection};

const NAAM: &str = r#"{ gemeente(code: "GM0363") { naam } }"#;

/// Waits until the replica has replayed everything the primary has logged.
async fn caught_up(primary: &DatabaseConnection, replica: &DatabaseConnection) {
    let wanted = fusieregister::store::wijziging::latest(primary).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let seeded = fusieregister::store::gemeente::any(replica).await.unwrap_or(false);
            let position = fusieregister::store::wijziging::latest(replica).await.unwrap_or(-1);
            if seeded && position >= wanted {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the replica catches up within a minute");
}

#[tokio::test]
#[ignore = "needs a streaming replica: bash .ci/replica.sh"]
async fn a_lagging_replica_answers_reads_and_a_client_can_ask_for_its_own_write() {
    let primary_url = std::env::var("TEST_PRIMARY_URL").expect("TEST_PRIMARY_URL");
    let replica_url = std::env::var("TEST_REPLICA_URL").expect("TEST_REPLICA_URL");
    let primary = prepare_database(&primary_url, None).await.unwrap();
    let replica = db::connect(&replica_url).await.unwrap();
    caught_up(&primary, &replica).await;
    let refused = replica.execute_unprepared("CREATE TABLE schrijven_mag_niet (id int)").await;
    assert!(refused.is_err(), "the replica is read-only");

    let (_, token) = fusieregister::auth::store::create(&primary, "replica-e2e", TokenRol::Editor).await.unwrap();
    let state = AppState::over(Databases::with_replicas(primary.clone(), vec![replica.clone()]), Options::default());
    let app = router(state);

    replica.execute_unprepared("SELECT pg_wal_replay_pause()").await.unwrap();
    let correction = r#"mutation { corrigeerGemeente(input: { code: "GM0363", naam: "Amsterdam (replica-test)" }) { gemeente { naam } } }"#;
    let (_, headers, written) = post(&app, correction, &[("authorization", format!("Bearer {token}"))]).await;
    assert_eq!(written["data"]["corrigeerGemeente"]["gemeente"]["naam"], "Amsterdam (replica-test)", "{written}");
    let write = volgnummer(&headers).expect("the mutation's volgnummer");

    // The paused replica answers plain reads with the state before the write, and says so.
    let (_, headers, stale) = post(&app, NAAM, &[]).await;
    assert_eq!(stale["data"]["gemeente"]["naam"], "Amsterdam", "{stale}");
    assert!(volgnummer(&headers).is_some_and(|v| v < write), "{headers:?} vs {write}");

    // Asking for the write's number gets the write, from the primary.
    let (_, headers, fresh) = post(&app, NAAM, &[("x-min-volgnummer", write.to_string())]).await;
    assert_eq!(fresh["data"]["gemeente"]["naam"], "Amsterdam (replica-test)", "{fresh}");
    assert!(volgnummer(&headers).is_some_and(|v| v >= write));

    // Once replay resumes, the replica itself serves the new state.
    replica.execute_unprepared("SELECT pg_wal_replay_resume()").await.unwrap();
    caught_up(&primary, &replica).await;
    let (_, headers, replayed) = post(&app, NAAM, &[]).await;
    assert_eq!(replayed["data"]["gemeente"]["naam"], "Amsterdam (replica-test)", "{replayed}");
    assert!(volgnummer(&headers).is_some_and(|v| v >= write));
}
