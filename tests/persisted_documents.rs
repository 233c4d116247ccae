//! Persisted documents over HTTP and WebSocket: Apollo's automatic persisted queries as its
//! clients send them (hash first, text on a miss, GET by hash), and the operator's allow-list.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::ws::{open, send as send_ws, serve};
use fusieregister::app::persisted::{AllowList, PersistedDocuments};
use fusieregister::app::{AppState, Options, router};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const AMSTERDAM: &str = "query Amsterdam { gemeente(code: \"GM0363\") { naam } }";

fn sha256(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

async fn app(persisted: PersistedDocuments) -> axum::Router {
    router(AppState::with_options(common::seeded_database().await, Options { persisted, ..Options::default() }))
}

async fn call(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body reads").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn post(body: &Value) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(params: &[(&str, String)]) -> Request<Body> {
    let query = serde_urlencoded::to_string(params).unwrap();
    Request::get(format!("/graphql?{query}")).body(Body::empty()).unwrap()
}

fn persisted_query(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("no code")
}

#[tokio::test]
async fn automatic_persisted_queries_work_as_apollo_clients_use_them() {
    let app = app(PersistedDocuments::default()).await;
    let hash = sha256(AMSTERDAM);
    let by_hash = || get(&[("extensions", persisted_query(&hash).to_string())]);

    let (status, miss) = call(&app, by_hash()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (miss["errors"][0]["message"].as_str(), code(&miss)),
        (Some("PersistedQueryNotFound"), "PERSISTED_QUERY_NOT_FOUND")
    );

    let (_, registered) = call(&app, post(&json!({ "query": AMSTERDAM, "extensions": persisted_query(&hash) }))).await;
    assert_eq!(registered["data"]["gemeente"]["naam"], "Amsterdam");

    let (_, hit) = call(&app, by_hash()).await;
    assert_eq!(hit["data"]["gemeente"]["naam"], "Amsterdam", "{hit}");
}

#[tokio::test]
async fn a_text_with_a_hash_that_is_not_its_own_is_refused() {
    let app = app(PersistedDocuments::default()).await;
    let wrong = sha256("{ __typename }");
    let (_, answer) = call(&app, post(&json!({ "query": AMSTERDAM, "extensions": persisted_query(&wrong) }))).await;
    assert_eq!(code(&answer), "BAD_REQUEST");
    assert!(answer.get("data").is_none(), "nothing ran: {answer}");
}

#[tokio::test]
async fn a_hash_cannot_smuggle_a_mutation_into_a_get() {
    let app = app(PersistedDocuments::default()).await;
    let mutation = "mutation { beeindigAmbtelijkeFusie(input: {sleutel: \"x\", einddatum: \"2024-01-01\", eindreden: OPGEHEVEN}) { sleutel } }";
    let hash = sha256(mutation);
    // Registered over POST (it fails for want of a token, but its text is now known by hash).
    call(&app, post(&json!({ "query": mutation, "extensions": persisted_query(&hash) }))).await;
    let (status, _) = call(&app, get(&[("extensions", persisted_query(&hash).to_string())])).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

fn allow_list() -> PersistedDocuments {
    let list = json!({ "amsterdam-v1": AMSTERDAM, "sha256:abc": "{ provincies { code } }" }).to_string();
    PersistedDocuments::AllowList(Arc::new(AllowList::parse(&list).unwrap()))
}

#[tokio::test]
async fn an_allow_list_runs_its_documents_and_refuses_every_other() {
    let app = app(allow_list()).await;

    let (_, by_id) = call(&app, post(&json!({ "documentId": "amsterdam-v1" }))).await;
    assert_eq!(by_id["data"]["gemeente"]["naam"], "Amsterdam", "{by_id}");
    let (_, prefixed) = call(&app, get(&[("documentId", "sha256:abc".to_owned())])).await;
    assert_eq!(prefixed["data"]["provincies"].as_array().map(Vec::len), Some(12), "{prefixed}");
    let (_, as_text) = call(&app, post(&json!({ "query": AMSTERDAM }))).await;
    assert_eq!(as_text["data"]["gemeente"]["naam"], "Amsterdam", "the listed text runs as well");

    let (_, other) = call(&app, post(&json!({ "query": "{ gemeenten { totalCount } }" }))).await;
    assert_eq!(code(&other), "PERSISTED_QUERY_NOT_IN_LIST");
    let (_, unknown) = call(&app, post(&json!({ "documentId": "no-such-document" }))).await;
    assert_eq!(code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    let (_, swapped) = call(&app, post(&json!({ "documentId": "amsterdam-v1", "query": "{ __typename }" }))).await;
    assert_eq!(code(&swapped), "BAD_REQUEST", "an id does not lend its permission to another text");
}

#[tokio::test]
async fn refusals_take_the_status_of_the_negotiated_media_type() {
    let app = app(allow_list()).await;
    let mut request = post(&json!({ "query": "{ __typename }" }));
    request.headers_mut().insert(header::ACCEPT, "application/graphql-response+json".parse().unwrap());
    let (status, answer) = call(&app, request).await;
    assert_eq!((status, code(&answer)), (StatusCode::BAD_REQUEST, "PERSISTED_QUERY_NOT_IN_LIST"));
}

#[tokio::test]
async fn without_persisted_documents_a_hash_alone_is_not_supported() {
    let app = app(PersistedDocuments::Off).await;
    let (_, answer) = call(&app, post(&json!({ "extensions": persisted_query(&sha256(AMSTERDAM)) }))).await;
    assert_eq!(code(&answer), "PERSISTED_QUERY_NOT_SUPPORTED");
}

#[tokio::test]
async fn a_websocket_runs_only_listed_documents_too() {
    let options = Options { persisted: allow_list(), ..Options::default() };
    let (address, _) = serve(common::seeded_database().await, options).await;
    let mut socket = open(address, "graphql-transport-ws").await;
    send_ws(&mut socket, json!({ "type": "connection_init" })).await;
    send_ws(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } })).await;
    send_ws(&mut socket, json!({ "id": "2", "type": "subscribe", "payload": { "documentId": "amsterdam-v1" } })).await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let message = tokio::time::timeout(common::ws::HANG_GUARD, socket.next()).await.unwrap().unwrap().unwrap();
        let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        if message["type"] != "connection_ack" {
            seen.push(message);
        }
    }
    let refused = seen.iter().find(|m| m["id"] == "1").unwrap();
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_IN_LIST");
    let answered = seen.iter().find(|m| m["id"] == "2" && m["type"] == "next").unwrap();
    assert_eq!(answered["payload"]["data"]["gemeente"]["naam"], "Amsterdam");
}
