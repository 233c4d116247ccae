//! Queries read from replicas, writes and a mutation's answer from the primary, and a client
//! that asks for at least its own write's `volgnummer` sees that write.
//!
//! The "replica" here is a second database seeded like the primary: it stands for a replica
//! that has not replayed the primary's newest changes yet, and it makes visible which database
//! answered. `.ci/replica.sh` runs `tests/streaming_replica.rs` against a real streaming replica.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::http::{post, volgnummer};
use fusieregister::app::{AppState, Options, router};
use fusieregister::db::Databases;
use fusieregister::domain::TokenRol;
use sea_orm::DatabaseConnection;

const NAAM: &str = r#"{ gemeente(code: "GM0363") { naam } }"#;
const CORRECTION: &str = r#"mutation { corrigeerGemeente(input: { code: "GM0363", naam: "Amsterdam (gecorrigeerd)" }) { gemeente { naam } } }"#;

/// A server over `primary` and a lagging `replica`, with an editor's token on the primary.
async fn server(primary: DatabaseConnection, replica: DatabaseConnection) -> (Router, String) {
    let (_, token) = fusieregister::auth::store::create(&primary, "replica-test", TokenRol::Editor).await.unwrap();
    let state = AppState::over(Databases::with_replicas(primary, vec![replica]), Options::default());
    (router(state), format!("Bearer {token}"))
}

#[tokio::test]
async fn a_client_that_asks_for_its_own_write_sees_it() {
    let (app, token) = server(common::seeded_database().await, common::seeded_database().await).await;

    let (status, headers, written) = post(&app, CORRECTION, &[("authorization", token)]).await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written["data"]["corrigeerGemeente"]["gemeente"]["naam"], "Amsterdam (gecorrigeerd)", "{written}");
    let write = volgnummer(&headers).expect("a mutation's answer carries its volgnummer");
    assert!(write > 0);

    // Without a wish the replica answers: it has not seen the write, and says how far it is.
    let (_, headers, stale) = post(&app, NAAM, &[]).await;
    assert_eq!(stale["data"]["gemeente"]["naam"], "Amsterdam", "{stale}");
    let replica_position = volgnummer(&headers).expect("an answer from a replica says its volgnummer");
    assert!(replica_position < write, "{replica_position} < {write}");

    // Asking for the write's number passes the lagging replica over.
    let (_, headers, fresh) = post(&app, NAAM, &[("x-min-volgnummer", write.to_string())]).await;
    assert_eq!(fresh["data"]["gemeente"]["naam"], "Amsterdam (gecorrigeerd)", "{fresh}");
    assert!(volgnummer(&headers).is_some_and(|v| v >= write), "{headers:?}");

    // A number the replica has is served by the replica.
    let (_, _, old) = post(&app, NAAM, &[("x-min-volgnummer", replica_position.to_string())]).await;
    assert_eq!(old["data"]["gemeente"]["naam"], "Amsterdam", "{old}");
}

#[tokio::test]
async fn a_replica_that_cannot_be_reached_is_passed_over() {
    let primary = common::seeded_database().await;
    let replica = common::seeded_database().await;
    replica.clone().close().await.unwrap();
    let (app, _) = server(primary, replica).await;
    let (status, _, answer) = post(&app, NAAM, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["data"]["gemeente"]["naam"], "Amsterdam", "{answer}");
    assert!(answer.get("errors").is_none(), "{answer}");
}

#[tokio::test]
async fn a_malformed_minimum_is_refused_with_a_code() {
    let (app, _) = server(common::seeded_database().await, common::seeded_database().await).await;
    for bad in ["-1", "twee", "1e3", "99999999999999999999"] {
        let (status, _, answer) = post(&app, NAAM, &[("x-min-volgnummer", bad.to_owned())]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{bad}: {answer}");
        assert!(answer["errors"][0]["message"].as_str().unwrap().contains("x-min-volgnummer"), "{answer}");
    }
}

/// Without replicas no query pays for a position read, and no header is sent; asked for a
/// minimum, the primary answers with its position.
#[tokio::test]
async fn without_replicas_the_primary_answers_everything() {
    let app = router(AppState::new(common::seeded_database().await));
    let (_, headers, answer) = post(&app, NAAM, &[]).await;
    assert_eq!(answer["data"]["gemeente"]["naam"], "Amsterdam");
    assert_eq!(volgnummer(&headers), None);
    let (_, headers, _) = post(&app, NAAM, &[("x-min-volgnummer", "0".to_owned())]).await;
    assert!(volgnummer(&headers).is_some());
}
