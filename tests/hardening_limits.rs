//! What keeps the server from swelling: a cap on requests running at once (overload is answered
//! at once with a coded 503), and a cap on the size of a response.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fusieregister::app::{AppState, Options, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(app: &Router, accept: &str, query: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn overload_is_a_coded_503_at_once_and_passes_when_it_ends() {
    let options = Options { max_concurrent_requests: 2, ..Options::default() };
    let state = AppState::with_options(common::seeded_database().await, options);
    let app = router(state.clone());
    // Two requests are running (their permits are held here); a third is turned away.
    let running = state.permits.clone().try_acquire_many_owned(2).unwrap();
    let (status, headers, json) = send(&app, "application/json", "{ __typename }").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE");
    assert_eq!(headers[header::RETRY_AFTER], "1");
    // Health checks are not requests of the API: they answer whatever the load.
    let health = app.clone().oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    drop(running);
    let (status, _, json) = send(&app, "application/json", "{ __typename }").await;
    assert_eq!((status, &json["data"]["__typename"]), (StatusCode::OK, &json!("Query")));
}

/// Admitted requests beyond the running cap wait for a turn instead of being refused, and run
/// once one ends.
#[tokio::test]
async fn requests_beyond_the_running_cap_wait_their_turn() {
    let options = Options { max_concurrent_requests: 8, max_running_requests: Some(1), ..Options::default() };
    let state = AppState::with_options(common::seeded_database().await, options);
    let app = router(state.clone());
    let executing = state.admission.enter("{ __typename }", None).await.unwrap();
    let mut waiting = tokio::spawn({
        let app = app.clone();
        async move { send(&app, "application/json", "{ provincies { code } }").await }
    });
    // Without a turn it cannot finish, however long it is given; with one it takes milliseconds.
    let early = tokio::time::timeout(std::time::Duration::from_millis(500), &mut waiting).await;
    assert!(early.is_err(), "the request ran without a turn");
    assert!(state.permits.available_permits() < 8, "the request was admitted and waits");
    drop(executing);
    let (status, _, json) = waiting.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["data"]["provincies"].as_array().map(Vec::len), Some(12));
}

/// By default a request executes per core on SQLite, where the database runs on those cores, and
/// two per core on PostgreSQL, where requests also wait for the database server; never more than
/// the pool has connections.
#[tokio::test]
async fn the_default_execution_slots_follow_the_database() {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let sqlite = fusieregister::db::connect("sqlite::memory:").await.unwrap();
    assert_eq!(fusieregister::app::default_running_requests(&sqlite), cores);
    let Some(url) = common::empty_postgres_url().await else { return };
    let roomy = fusieregister::db::connect_with(&url, Some(64)).await.unwrap();
    assert_eq!(fusieregister::app::default_running_requests(&roomy), 2 * cores);
    let narrow = fusieregister::db::connect_with(&url, Some(1)).await.unwrap();
    assert_eq!(fusieregister::app::default_running_requests(&narrow), 1);
}

/// A document whose last answer was heavy runs alone: while another request executes it waits,
/// though a turn is free, where a light document takes that turn at once.
#[tokio::test]
async fn a_document_whose_answer_was_heavy_runs_alone() {
    let options = Options { max_concurrent_requests: 8, max_running_requests: Some(2), ..Options::default() };
    let state = AppState::with_options(common::seeded_database().await, options);
    let app = router(state.clone());
    let page =
        "gemeenten(first: 100) { edges { node { code naam tooiUri begindatum einddatum provincie { code naam } } } }";
    let heavy = format!("{{ {} }}", (0..14).map(|i| format!("p{i}: {page}")).collect::<Vec<_>>().join(" "));
    let (status, _, json) = send(&app, "application/json", &heavy).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let size = serde_json::to_vec(&json).unwrap().len();
    // Over half of what all answers executing at once may take: it needs both slots.
    let half = fusieregister::app::admission::ANSWERS_EXECUTING_BYTES / 2;
    assert!(size > half, "the answer is heavy: {size} bytes");

    let executing = state.admission.enter("{ __typename }", None).await.unwrap();
    let (status, _, json) = send(&app, "application/json", "{ provincies { code } }").await;
    assert_eq!((status, json["data"]["provincies"].as_array().map(Vec::len)), (StatusCode::OK, Some(12)));
    let mut waiting = tokio::spawn({
        let app = app.clone();
        async move { send(&app, "application/json", &heavy).await }
    });
    let early = tokio::time::timeout(std::time::Duration::from_millis(500), &mut waiting).await;
    assert!(early.is_err(), "the heavy document ran beside another request");
    drop(executing);
    let (status, _, json) = waiting.await.unwrap();
    assert_eq!((status, json["data"]["p13"]["edges"].as_array().map(Vec::len)), (StatusCode::OK, Some(100)));
}

#[tokio::test]
async fn a_response_over_the_limit_becomes_a_coded_error() {
    let options = Options { max_response_bytes: 2_000, ..Options::default() };
    let app = router(AppState::with_options(common::seeded_database().await, options));
    let big = "{ gemeenten(first: 100) { edges { node { code naam } } } }";
    for (accept, status) in
        [("application/json", StatusCode::OK), ("application/graphql-response+json", StatusCode::BAD_REQUEST)]
    {
        let (got, _, json) = send(&app, accept, big).await;
        assert_eq!(got, status, "{accept}");
        assert_eq!(json["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE", "{json}");
        assert!(json.get("data").is_none());
    }
    let (status, _, json) = send(&app, "application/json", "{ gemeenten(first: 5) { edges { node { code } } } }").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["data"]["gemeenten"]["edges"].as_array().map(Vec::len), Some(5), "small answers pass");
}
