//! `GET /metrics` after known traffic: the counts by operation and outcome, the latency
//! histogram, and a label set that clients cannot grow.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fusieregister::app::metrics::MAX_OPERATION_NAMES;
use fusieregister::app::{AppState, router};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

async fn post(app: &Router, query: &str) -> StatusCode {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();
    app.clone().oneshot(request).await.unwrap().status()
}

async fn scrape(app: &Router) -> String {
    let response = app.clone().oneshot(Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

/// The value of the sample `name{labels}`, if the text has it.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn requests_are_counted_by_operation_type_and_outcome() {
    let app = router(AppState::new(common::seeded_database().await));
    for _ in 0..2 {
        post(&app, "query Provincies { provincies { code } }").await;
    }
    post(&app, r#"query Fout { gemeente(code: "Amsterdam") { naam } }"#).await;
    post(&app, "{ __typename }").await;
    let text = scrape(&app).await;

    let requests = "fusieregister_graphql_requests_total";
    assert_eq!(
        sample(&text, &format!(r#"{requests}{{operation="Provincies",type="query",outcome="ok"}}"#)),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!(r#"{requests}{{operation="Fout",type="query",outcome="BAD_USER_INPUT"}}"#)),
        Some(1.0)
    );
    assert_eq!(sample(&text, &format!(r#"{requests}{{operation="anonymous",type="query",outcome="ok"}}"#)), Some(1.0));
    let latency = "fusieregister_graphql_request_duration_seconds";
    assert_eq!(sample(&text, &format!(r#"{latency}_count{{operation="Provincies",type="query"}}"#)), Some(2.0));
    assert_eq!(
        sample(&text, &format!(r#"{latency}_bucket{{operation="Provincies",type="query",le="+Inf"}}"#)),
        Some(2.0)
    );
    assert!(sample(&text, "fusieregister_database_pool_connections").is_some_and(|open| open >= 1.0), "{text}");
    assert_eq!(sample(&text, "fusieregister_websockets_open"), Some(0.0));
    assert!(text.contains("fusieregister_build_info{version=\""), "{text}");
}

#[tokio::test]
async fn clients_cannot_grow_the_label_set() {
    let app = router(AppState::new(common::seeded_database().await));
    for n in 0..MAX_OPERATION_NAMES + 20 {
        post(&app, &format!("query Naam{n} {{ __typename }}")).await;
    }
    let text = scrape(&app).await;
    let operations: std::collections::HashSet<&str> = text
        .lines()
        .filter(|line| line.starts_with("fusieregister_graphql_requests_total{"))
        .filter_map(|line| line.split("operation=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(operations.len(), MAX_OPERATION_NAMES + 1, "{operations:?}");
    let others = r#"fusieregister_graphql_requests_total{operation="other",type="query",outcome="ok"}"#;
    assert_eq!(sample(&text, others), Some(20.0));
}

/// The change log's position moves with a write.
#[tokio::test]
async fn the_feed_position_follows_the_change_log() {
    let db = common::seeded_database().await;
    let (_, token) =
        fusieregister::auth::store::create(&db, "metrics-test", fusieregister::domain::TokenRol::Editor).await.unwrap();
    let app = router(AppState::new(db));
    let position = "fusieregister_feed_last_volgnummer";
    let before = sample(&scrape(&app).await, position).expect("the position is there");
    let mutation = r#"mutation { voegBronToe(input: { entiteit: "Gemeente:GM0363", bron: { bron: "metrics-test", titel: "Metrics", uitgever: "fusieregister tests", url: "https://example.org/metrics" } }) { __typename } }"#;
    let (status, _, _) = common::http::post(&app, mutation, &[("authorization", format!("Bearer {token}"))]).await;
    assert_eq!(status, StatusCode::OK);
    let after = sample(&scrape(&app).await, position).unwrap();
    assert!(after > before, "{before} → {after}");
}

/// Each request's SQL statements and DataLoader batches land in histograms by operation type.
#[tokio::test]
async fn statements_and_batches_per_request_are_counted() {
    let app = router(AppState::new(common::seeded_database().await));
    // The municipality by code, then its deelnames: two batches of one statement each.
    post(&app, r#"query Opzoeken { gemeente(code: "GM0363") { naam deelnames { id } } }"#).await;
    post(&app, r#"query Opzoeken { gemeente(code: "GM0363") { naam deelnames { id } } }"#).await;
    let text = scrape(&app).await;
    let statements = "fusieregister_graphql_request_sql_statements";
    assert_eq!(sample(&text, &format!(r#"{statements}_count{{type="query"}}"#)), Some(2.0), "{text}");
    assert_eq!(sample(&text, &format!(r#"{statements}_sum{{type="query"}}"#)), Some(4.0), "{text}");
    assert_eq!(sample(&text, &format!(r#"{statements}_bucket{{type="query",le="2"}}"#)), Some(2.0), "{text}");
    let batches = "fusieregister_graphql_request_dataloader_batches";
    assert_eq!(sample(&text, &format!(r#"{batches}_sum{{type="query"}}"#)), Some(4.0), "{text}");
    assert!(sample(&text, "fusieregister_database_pool_in_use_connections").is_some(), "{text}");
    assert_eq!(sample(&text, "fusieregister_requests_waiting"), Some(0.0), "{text}");
}

/// A subscriber that does not take its changes shows as the feed's lag.
#[tokio::test]
async fn the_slowest_subscriber_shows_as_the_feeds_lag() {
    let db = common::seeded_database().await;
    let (_, token) =
        fusieregister::auth::store::create(&db, "lag-test", fusieregister::domain::TokenRol::Editor).await.unwrap();
    let state = AppState::new(db);
    let app = router(state.clone());
    let _never_read = state.feed.subscribe().await.unwrap();
    for naam in ["Amsterdam (1)", "Amsterdam (2)"] {
        let mutation = format!(
            r#"mutation {{ corrigeerGemeente(input: {{ code: "GM0363", naam: "{naam}" }}) {{ __typename }} }}"#
        );
        let (status, _, _) = common::http::post(&app, &mutation, &[("authorization", format!("Bearer {token}"))]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let last = sample(&scrape(&app).await, "fusieregister_feed_last_volgnummer").unwrap();
    let broadcast = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let text = scrape(&app).await;
            if sample(&text, "fusieregister_feed_broadcast_volgnummer") == Some(last) {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the feed broadcasts the writes");
    assert_eq!(sample(&broadcast, "fusieregister_feed_slowest_subscriber_lag"), Some(2.0), "{broadcast}");
}

/// A connection that reads keep between their statements is idle, not in use, to an operator.
#[tokio::test]
async fn connections_kept_by_reads_count_as_idle() {
    let db = common::concurrent_database().await;
    let pool_at_rest = || {
        let (size, idle_in_pool) = common::pool_counts(&db);
        size >= 1 && idle_in_pool == size as usize
    };
    // The seeding's connections come back to the pool from tasks of their own.
    for _ in 0..100 {
        if pool_at_rest() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(pool_at_rest(), "the pool did not settle");
    let state = AppState::new(db.clone());
    let app = router(state.clone());
    post(&app, r#"query Opzoeken { gemeente(code: "GM0363") { naam } }"#).await;
    let kept = state.databases.primary_kept().map(|kept| kept.idle_count());
    assert_eq!(kept, Some(1), "the lookup's connection is kept");

    let text = scrape(&app).await;
    assert_eq!(sample(&text, "fusieregister_database_pool_in_use_connections"), Some(0.0), "{text}");
    let open = sample(&text, "fusieregister_database_pool_connections");
    assert_eq!(sample(&text, "fusieregister_database_pool_idle_connections"), open, "{text}");
}
