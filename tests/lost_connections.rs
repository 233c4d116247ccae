//! PostgreSQL ending the server's connections (a restart, a fail-over, an administrator's
//! `pg_terminate_backend`): the pool hands out connections without a ping when they were used
//! a moment ago, so the next statements find theirs closed. No request may fail for it.
//! (PostgreSQL only: a SQLite file cannot close a connection under the server.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use fusieregister::db::lost_connection::is_lost_connection;
use fusieregister::graphql::build_schema;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::json;

const LOOKUP: &str = "query($code: String!) { gemeente(code: $code) { code naam provincie { naam } } }";
const NESTED: &str =
    "{ gemeenten(first: 20) { edges { node { code ambtelijkeFusies { naam deelnames { gemeente { naam } } } } } } }";
const RENAME: &str =
    r#"mutation($naam: String!) { corrigeerGemeente(input: { code: "GM0363", naam: $naam }) { gemeente { naam } } }"#;

/// Ends every connection of the pool named `application`, from a connection of its own, and
/// returns how many there were.
async fn terminate(admin: &DatabaseConnection, application: &str) -> i64 {
    let ended = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(pg_terminate_backend(pid, 5000)) AS ended FROM pg_stat_activity WHERE application_name = $1",
            [application.into()],
        ))
        .await
        .expect("pg_stat_activity is readable")
        .expect("count answers a row");
    ended.try_get::<i64>("", "ended").expect("a count")
}

/// Runs `queries` lookups at once, so that the pool holds several connections used just now.
async fn busy(schema: &fusieregister::graphql::RegistrySchema, queries: usize) {
    let lookups = (0..queries).map(|_| common::data(schema, LOOKUP, json!({ "code": "GM0363" })));
    futures_util::future::join_all(lookups).await;
}

#[tokio::test]
async fn no_request_fails_when_the_database_has_ended_the_pools_connections() {
    let Some((seeded, url)) = common::seeded_postgres_with_url().await else { return };
    seeded.close().await.ok();
    let application = format!("fr_lost_{}", std::process::id());
    let conn = fusieregister::db::connect_with(&format!("{url}&application_name={application}"), Some(4))
        .await
        .expect("the pool opens");
    let admin = Database::connect(url.as_str()).await.expect("an admin connection opens");
    let schema = build_schema(conn.clone());

    // The pool's connections, used a moment ago, are handed out as they are: a statement sent
    // outside the server's retry finds its connection closed. (This is the case the retry is
    // for; were the pool to ping every connection, it would not arise.)
    busy(&schema, 8).await;
    assert!(terminate(&admin, &application).await >= 2, "the pool held several connections");
    let bare = conn.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT 1")).await;
    assert!(bare.as_ref().is_err_and(is_lost_connection), "a closed connection was handed out: {bare:?}");

    // Reads, one after the other and at once, right after the connections ended.
    busy(&schema, 8).await;
    terminate(&admin, &application).await;
    for _ in 0..10 {
        let data = common::data(&schema, LOOKUP, json!({ "code": "GM0363" })).await;
        assert_eq!(data["gemeente"]["provincie"]["naam"], "Noord-Holland");
    }
    busy(&schema, 8).await;
    terminate(&admin, &application).await;
    let nested = (0..6).map(|_| common::data(&schema, NESTED, json!({})));
    for data in futures_util::future::join_all(nested).await {
        assert_eq!(data["gemeenten"]["edges"].as_array().map(Vec::len), Some(20));
    }

    // A write begins its transaction again on another connection.
    busy(&schema, 8).await;
    terminate(&admin, &application).await;
    let renamed = common::write(&schema, RENAME, json!({ "naam": "Amsterdam (na herstart)" })).await;
    assert!(renamed.get("errors").is_none(), "the write failed: {renamed:#}");
    assert_eq!(renamed["data"]["corrigeerGemeente"]["gemeente"]["naam"], "Amsterdam (na herstart)");
}
