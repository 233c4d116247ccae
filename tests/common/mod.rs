//! Shared test setup: a fresh, migrated and seeded database per test, on SQLite in memory by
//! default, or on PostgreSQL when `TEST_DATABASE_URL` is set (each test gets its own schema in
//! that database, so tests run in parallel without seeing each other).

#![allow(dead_code)] // each test binary uses a part of the helpers

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Executor, Request, Variables};
use fusieregister::auth::Caller;
use fusieregister::dataset::{self, Dataset};
use fusieregister::domain::TokenRol;
use fusieregister::graphql::pipeline::RequestReport;
use fusieregister::graphql::{RegistrySchema, build_schema};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;

pub mod http;
pub mod ws;

/// A fresh database with the schema migrated but no data.
pub async fn empty_database() -> DatabaseConnection {
    let conn = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => postgres_schema(&url).await,
        _ => fusieregister::db::connect("sqlite::memory:").await.expect("in-memory SQLite opens"),
    };
    Migrator::up(&conn, None).await.expect("migrations apply");
    conn
}

/// A fresh database holding the bundled dataset.
pub async fn seeded_database() -> DatabaseConnection {
    seed(empty_database().await).await
}

/// A seeded database on which requests really run in parallel: PostgreSQL when configured,
/// else a SQLite file with a pool of several connections (in memory there is only one).
pub async fn concurrent_database() -> DatabaseConnection {
    if on_postgres() {
        return seeded_database().await;
    }
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "fusieregister-test-{}-{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&path);
    let conn =
        fusieregister::db::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.expect("SQLite file opens");
    Migrator::up(&conn, None).await.expect("migrations apply");
    seed(conn).await
}

async fn seed(conn: DatabaseConnection) -> DatabaseConnection {
    let data = Dataset::bundled().expect("bundled dataset parses");
    dataset::seed(&conn, &data).await.map_err(|e| e.detail()).expect("dataset seeds");
    conn
}

/// A new schema in the PostgreSQL database of `url`, and a pool whose connections use it.
async fn postgres_schema(url: &str) -> DatabaseConnection {
    fusieregister::db::connect(&scoped_postgres_url(url).await).await.expect("scoped pool opens")
}

/// A URL for a new, empty schema in the PostgreSQL database of `url`.
async fn scoped_postgres_url(url: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let admin = Database::connect(url).await.expect("TEST_DATABASE_URL is reachable");
    admin.execute_unprepared(&format!("CREATE SCHEMA {name}")).await.expect("schema is created");
    admin.close().await.ok();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{name}")
}

/// The number of the newest change in the log. Right after seeding this is where the dataset's
/// load ends (one `AANGEMAAKT` entry per shipped record): a test's own writes are numbered from
/// the next one, and reading `wijzigingen(na: position)` or subscribing `vanaf: position` sees
/// only them.
pub async fn log_position(conn: &impl ConnectionTrait) -> i64 {
    fusieregister::store::wijziging::latest(conn).await.expect("the change log is readable")
}

/// On PostgreSQL: a seeded database in a fresh schema, with the URL that reaches that schema
/// (for a second server process on the same data). `None` on SQLite.
pub async fn seeded_postgres_with_url() -> Option<(DatabaseConnection, String)> {
    let url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let scoped = scoped_postgres_url(&url).await;
    let conn = fusieregister::db::connect(&scoped).await.expect("scoped pool opens");
    Migrator::up(&conn, None).await.expect("migrations apply");
    Some((seed(conn).await, scoped))
}

/// On PostgreSQL: the URL of a new, empty schema (nothing migrated). `None` on SQLite.
pub async fn empty_postgres_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    Some(scoped_postgres_url(&url).await)
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// The schema over a seeded database.
pub async fn schema() -> RegistrySchema {
    build_schema(seeded_database().await)
}

/// Runs `query` and returns the whole response as JSON (`data` and `errors`).
pub async fn run(schema: &RegistrySchema, query: &str, variables: Value) -> Value {
    as_caller(schema, None, query, variables).await
}

/// A caller with `rol`, as its token's name `redactie-bzk` records it in the change log.
pub fn caller(rol: TokenRol) -> Caller {
    Caller { token_id: 1, naam: "redactie-bzk".to_owned(), rol }
}

/// The caller the write tests use unless they test roles.
pub fn editor() -> Caller {
    caller(TokenRol::Editor)
}

/// Runs `query` as `caller` (`None`: without a token) and returns the whole response as JSON.
pub async fn as_caller(schema: &RegistrySchema, caller: Option<Caller>, query: &str, variables: Value) -> Value {
    let mut request = Request::new(query).variables(Variables::from_json(variables));
    if let Some(caller) = caller {
        request = request.data(caller);
    }
    serde_json::to_value(schema.execute(request).await).expect("response serialises")
}

/// Runs `query` as [`editor`].
pub async fn write(schema: &RegistrySchema, query: &str, variables: Value) -> Value {
    as_caller(schema, Some(editor()), query, variables).await
}

/// Runs `query`, asserts that it has no errors, and returns `data`.
pub async fn data(schema: &RegistrySchema, query: &str, variables: Value) -> Value {
    let response = run(schema, query, variables).await;
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    response["data"].clone()
}

/// The `extensions.code` of the first error of a response.
pub fn first_error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or("<no code>")
}

/// The `extensions.field` of the first error of a response.
pub fn first_error_field(response: &Value) -> &str {
    response["errors"][0]["extensions"]["field"].as_str().unwrap_or("<no field>")
}

/// Runs `query` with `variables`, asserting that it succeeds, and returns its data and the SQL
/// statements it sent, as the request's own report counts them (the figure `/metrics` shows).
pub async fn data_and_statements(schema: &impl Executor, query: &str, variables: Value) -> (Value, u64) {
    let report = Arc::new(RequestReport::default());
    let request = Request::new(query).variables(Variables::from_json(variables)).data(report.clone());
    let response = serde_json::to_value(schema.execute(request).await).expect("a response serialises");
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    (response["data"].clone(), report.statements())
}

/// The connections of `conn`'s pool, and how many of them are idle in the pool itself.
pub fn pool_counts(conn: &DatabaseConnection) -> (u32, usize) {
    match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = conn.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = conn.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}
