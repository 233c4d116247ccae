//! The operator's log lines: every mutation with the name of its token (never the token), and
//! every operation over the slow threshold, each on the request's span with its ID.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use fusieregister::app::{AppState, Options, router};
use fusieregister::domain::TokenRol;
use serde_json::json;
use tower::ServiceExt;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn mutations_and_slow_operations_are_logged_with_their_request() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let db = common::seeded_database().await;
    let (_, token) = fusieregister::auth::store::create(&db, "redactie-log", TokenRol::Editor).await.unwrap();
    // Every operation counts as slow, so that the test need not wait for one.
    let options = Options { slow_operation: Duration::ZERO, ..Options::default() };
    let app = router(AppState::with_options(db, options));
    let mutation = r#"mutation Bron { voegBronToe(input: { entiteit: "Gemeente:GM0363", bron: { bron: "log-test", titel: "Logtest", uitgever: "fusieregister tests", url: "https://example.org/log" } }) { __typename } }"#;
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("x-request-id", "log-42")
        .body(Body::from(json!({ "query": mutation }).to_string()))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert!(response.status().is_success());

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = |message: &str| log.lines().find(|line| line.contains(message)).map(str::to_owned);
    let mutation_line = line(" mutation ").expect("a line for the mutation");
    for part in ["operation=\"Bron\"", "token=\"redactie-log\"", "outcome=\"ok\"", "request_id=log-42"] {
        assert!(mutation_line.contains(part), "{part} in {mutation_line}");
    }
    assert!(!log.contains(&token), "the token itself is never logged");
    let slow_line = line("slow operation").expect("a line for the slow operation");
    assert!(slow_line.contains("type=\"mutation\"") && slow_line.contains("request_id=log-42"), "{slow_line}");
    let statements: u64 = slow_line
        .split("statements=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .expect("the slow line counts the statements");
    assert!(statements > 0, "{slow_line}");
}
