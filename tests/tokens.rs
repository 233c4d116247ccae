//! API tokens: the store, the `token` commands of the binary, and how a request's
//! `Authorization` header becomes a caller.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use fusieregister::app::{AppState, router};
use fusieregister::auth::{self, Caller, store, token};
use fusieregister::domain::TokenRol;
use fusieregister::entity::api_token;
use http_body_util::BodyExt;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{Value, json};
use tower::ServiceExt;

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
    headers
}

fn raw_authorization(value: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
    headers
}

// ---------------------------------------------------------------------------------------------
// The store

#[tokio::test]
async fn a_created_token_authenticates_as_its_name_and_role() {
    let db = common::empty_database().await;
    let (model, secret) = store::create(&db, "ci-import", TokenRol::Editor).await.unwrap();
    assert_eq!(model.naam, "ci-import");
    assert_eq!(model.rol, TokenRol::Editor);
    assert!(model.ingetrokken.is_none());
    assert!(secret.starts_with("fr_") && token::looks_like_token(&secret), "{secret}");

    let caller = store::find_active(&db, &secret).await.unwrap();
    assert_eq!(caller, Some(Caller { token_id: model.id, naam: "ci-import".to_owned(), rol: TokenRol::Editor }));
}

#[tokio::test]
async fn only_the_hash_is_stored() {
    let db = common::empty_database().await;
    let (_, secret) = store::create(&db, "beheer", TokenRol::Admin).await.unwrap();
    let rows = api_token::Entity::find().into_json().all(&db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows[0].to_string();
    assert!(!row.contains(&secret), "the token text is in the row: {row}");
    assert!(!row.contains(&secret["fr_".len()..]), "the random part is in the row: {row}");
    assert_eq!(rows[0]["hash"], json!(token::hash(&secret)));
    assert_eq!(rows[0]["rol"], json!("ADMIN"));
    let hash = rows[0]["hash"].as_str().unwrap();
    assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[tokio::test]
async fn a_duplicate_name_is_a_conflict_on_the_name_even_after_revocation() {
    let db = common::empty_database().await;
    store::create(&db, "ci", TokenRol::Editor).await.unwrap();
    let err = store::create(&db, "ci", TokenRol::Admin).await.unwrap_err();
    assert_eq!(err.code(), "CONFLICT");
    assert_eq!(err.field(), Some("name"));
    assert!(err.public_message().contains("'ci'"), "{}", err.public_message());

    store::revoke(&db, "ci").await.unwrap();
    assert_eq!(store::create(&db, " ci ", TokenRol::Editor).await.unwrap_err().code(), "CONFLICT");
    assert_eq!(store::list(&db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_name_is_refused() {
    let db = common::empty_database().await;
    for name in ["", "   ", "two\nlines", &"x".repeat(101)] {
        let err = store::create(&db, name, TokenRol::Editor).await.unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT", "{name:?}");
        assert_eq!(err.field(), Some("name"));
    }
    assert!(store::list(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_list_is_ordered_by_name_and_shows_revocations() {
    let db = common::empty_database().await;
    for (name, rol) in [("zeta", TokenRol::Editor), ("alfa", TokenRol::Admin), ("mu", TokenRol::Editor)] {
        store::create(&db, name, rol).await.unwrap();
    }
    store::revoke(&db, "mu").await.unwrap();
    let tokens = store::list(&db).await.unwrap();
    let names: Vec<&str> = tokens.iter().map(|t| t.naam.as_str()).collect();
    assert_eq!(names, ["alfa", "mu", "zeta"]);
    let revoked: Vec<bool> = tokens.iter().map(|t| t.ingetrokken.is_some()).collect();
    assert_eq!(revoked, [false, true, false]);
    assert_eq!(tokens[0].rol, TokenRol::Admin);
}

#[tokio::test]
async fn a_revoked_token_no_longer_authenticates_and_revoking_again_changes_nothing() {
    let db = common::empty_database().await;
    let (_, secret) = store::create(&db, "tijdelijk", TokenRol::Editor).await.unwrap();
    let (_, other) = store::create(&db, "blijvend", TokenRol::Editor).await.unwrap();

    let first = store::revoke(&db, "tijdelijk").await.unwrap();
    let at = first.ingetrokken.expect("revocation time is set");
    assert!(store::find_active(&db, &secret).await.unwrap().is_none());
    assert!(store::find_active(&db, &other).await.unwrap().is_some(), "other tokens keep working");

    let second = store::revoke(&db, "tijdelijk").await.unwrap();
    assert_eq!(second.ingetrokken, Some(at), "the first revocation time is kept");
    assert!(store::find_active(&db, &secret).await.unwrap().is_none());
}

#[tokio::test]
async fn revoking_an_unknown_name_is_not_found() {
    let db = common::empty_database().await;
    let err = store::revoke(&db, "bestaat-niet").await.unwrap_err();
    assert_eq!(err.code(), "NOT_FOUND");
    assert_eq!(err.field(), Some("name"));
}

#[tokio::test]
async fn an_unknown_token_finds_no_caller() {
    let db = common::empty_database().await;
    store::create(&db, "ci", TokenRol::Editor).await.unwrap();
    assert!(store::find_active(&db, &token::generate().unwrap()).await.unwrap().is_none());
    assert!(store::find_active(&db, "").await.unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------
// Headers and WebSocket payloads

#[tokio::test]
async fn the_authorization_header_gives_the_caller_only_for_a_good_token() {
    let db = common::empty_database().await;
    let (model, good) = store::create(&db, "editor", TokenRol::Editor).await.unwrap();
    let (_, revoked) = store::create(&db, "weg", TokenRol::Admin).await.unwrap();
    store::revoke(&db, "weg").await.unwrap();

    let caller = auth::caller_from_headers(&db, &bearer(&good)).await.unwrap().expect("good token");
    assert_eq!(caller.token_id, model.id);
    assert_eq!(caller.rol, TokenRol::Editor);
    let lower = raw_authorization(format!("bearer {good}").as_bytes());
    assert!(auth::caller_from_headers(&db, &lower).await.unwrap().is_some(), "the scheme is case-insensitive");

    let none = |headers: HeaderMap| {
        let db = db.clone();
        async move { auth::caller_from_headers(&db, &headers).await.unwrap() }
    };
    assert!(none(HeaderMap::new()).await.is_none(), "missing");
    assert!(none(raw_authorization(good.as_bytes())).await.is_none(), "no scheme");
    assert!(none(raw_authorization(format!("Basic {good}").as_bytes())).await.is_none(), "other scheme");
    assert!(none(raw_authorization(b"Bearer")).await.is_none(), "no token");
    assert!(none(raw_authorization(b"Bearer fr_short")).await.is_none(), "wrong shape");
    assert!(none(raw_authorization(b"Bearer \xff\xfe")).await.is_none(), "not text");
    assert!(none(bearer(&token::generate().unwrap())).await.is_none(), "unknown");
    assert!(none(bearer(&revoked)).await.is_none(), "revoked");
}

#[tokio::test]
async fn a_websocket_init_payload_gives_the_caller_by_header_or_token_field() {
    let db = common::empty_database().await;
    let (_, good) = store::create(&db, "abonnee", TokenRol::Editor).await.unwrap();
    let found = |payload: Value| {
        let db = db.clone();
        async move { auth::caller_from_init_payload(&db, &payload).await.unwrap().map(|c| c.naam) }
    };
    assert_eq!(found(json!({ "Authorization": format!("Bearer {good}") })).await.as_deref(), Some("abonnee"));
    assert_eq!(found(json!({ "authorization": format!("Bearer {good}") })).await.as_deref(), Some("abonnee"));
    assert_eq!(found(json!({ "token": good })).await.as_deref(), Some("abonnee"));
    assert_eq!(found(json!({})).await, None);
    assert_eq!(found(Value::Null).await, None);
    assert_eq!(found(json!({ "Authorization": good })).await, None, "no Bearer scheme");
    assert_eq!(found(json!({ "token": 42 })).await, None);
    assert_eq!(found(json!({ "token": token::generate().unwrap() })).await, None, "unknown");
}

// ---------------------------------------------------------------------------------------------
// HTTP

async fn send(app: axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.oneshot(request).await.expect("router answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body reads").to_bytes();
    (status, serde_json::from_slice(&bytes).expect("JSON body"))
}

fn post(query: &str, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    request.body(Body::from(json!({ "query": query }).to_string())).unwrap()
}

#[tokio::test]
async fn reads_stay_public_with_any_authorization_header() {
    let db = common::empty_database().await;
    let (_, good) = store::create(&db, "ci", TokenRol::Editor).await.unwrap();
    let app = router(AppState::new(db));
    let unknown = format!("Bearer {}", token::generate().unwrap());
    for authorization in [None, Some(format!("Bearer {good}").as_str()), Some("Bearer nonsense"), Some(&unknown)] {
        let (status, body) = send(app.clone(), post("{ provincies { code } }", authorization)).await;
        assert_eq!(status, StatusCode::OK, "{authorization:?}");
        assert_eq!(body, json!({ "data": { "provincies": [] } }), "{authorization:?}");
    }
    let get = Request::get("/graphql?query=%7Bprovincies%7Bcode%7D%7D")
        .header(header::AUTHORIZATION, format!("Bearer {good}"))
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(app, get).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "data": { "provincies": [] } })));
}

#[tokio::test]
async fn a_failing_token_lookup_is_an_internal_error_without_details() {
    // No migrations: the api_token table does not exist, so the lookup fails.
    let broken: DatabaseConnection = fusieregister::db::connect("sqlite::memory:").await.unwrap();
    let app = router(AppState::new(broken));
    let authorization = format!("Bearer {}", token::generate().unwrap());
    let expected =
        json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL_SERVER_ERROR" } }] });

    let (status, body) = send(app.clone(), post("{ provincies { code } }", Some(&authorization))).await;
    assert_eq!((status, body), (StatusCode::INTERNAL_SERVER_ERROR, expected.clone()));

    let get = Request::get("/graphql?query=%7Bprovincies%7Bcode%7D%7D")
        .header(header::AUTHORIZATION, &authorization)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(app.clone(), get).await;
    assert_eq!((status, body), (StatusCode::INTERNAL_SERVER_ERROR, expected));

    // Without a header there is no lookup, so the failure is the query's own, not the token's.
    let (status, _) = send(app, post("{ __typename }", None)).await;
    assert_eq!(status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// The binary

struct TempDb {
    dir: PathBuf,
    url: String,
}

impl TempDb {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("fusieregister-tokens-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/tokens.db?mode=rwc", dir.display());
        Self { dir, url }
    }

    fn token(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_fusieregister"))
            .arg("token")
            .args(args)
            .args(["--database-url", &self.url])
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "info")
            .output()
            .unwrap()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn token_create_prints_the_token_alone_and_list_and_revoke_work() {
    let db = TempDb::new("cycle");

    let created = db.token(&["create", "--name", "ci-import", "--role", "editor"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let stdout = text(&created.stdout);
    assert_eq!(stdout.lines().count(), 1, "exactly one line: {stdout:?}");
    assert!(stdout.ends_with('\n'));
    let secret = stdout.trim_end().to_owned();
    assert!(secret.starts_with("fr_") && token::looks_like_token(&secret), "{secret}");
    assert!(!text(&created.stderr).contains(&secret), "the token is not logged");

    let admin = db.token(&["create", "--name", "beheer", "--role", "admin"]);
    assert!(admin.status.success(), "{}", text(&admin.stderr));

    let listed = db.token(&["list"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let table = text(&listed.stdout);
    assert!(!table.contains(&secret) && !table.contains(&token::hash(&secret)), "{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("NAME"));
    assert!(lines[1].starts_with("beheer") && lines[1].contains("admin") && lines[1].ends_with("active"), "{table}");
    assert!(lines[2].starts_with("ci-import") && lines[2].contains("editor") && lines[2].ends_with("active"));

    let revoked = db.token(&["revoke", "--name", "ci-import"]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert!(revoked.stdout.is_empty());
    let again = db.token(&["revoke", "--name", "ci-import"]);
    assert!(again.status.success(), "revoking twice is fine: {}", text(&again.stderr));

    let table = text(&db.token(&["list"]).stdout);
    let line = table.lines().find(|l| l.starts_with("ci-import")).unwrap();
    assert!(line.contains("revoked 20"), "{table}");
}

#[test]
fn token_commands_fail_clearly_on_a_duplicate_an_unknown_name_or_a_bad_role() {
    let db = TempDb::new("errors");
    assert!(db.token(&["create", "--name", "ci", "--role", "editor"]).status.success());

    let duplicate = db.token(&["create", "--name", "ci", "--role", "admin"]);
    assert!(!duplicate.status.success());
    assert!(duplicate.stdout.is_empty());
    let stderr = text(&duplicate.stderr);
    assert!(stderr.contains("CONFLICT") && stderr.contains("already exists"), "{stderr}");

    let unknown = db.token(&["revoke", "--name", "niemand"]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("NOT_FOUND"), "{}", text(&unknown.stderr));

    let bad_role = db.token(&["create", "--name", "x", "--role", "root"]);
    assert!(!bad_role.status.success());
    assert!(bad_role.stdout.is_empty());
    assert!(text(&bad_role.stderr).contains("editor"), "clap lists the roles: {}", text(&bad_role.stderr));
}
