//! The HTTP surface: routes of the contract through the router, and a real listener on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fusieregister::app::{AppState, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn app() -> axum::Router {
    router(AppState::new(common::seeded_database().await))
}

async fn send(app: axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body reads").to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn post_graphql_answers_queries() {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "query": r#"{ gemeente(code: "GM0363") { naam } }"# }).to_string()))
        .unwrap();
    let (status, _, body) = send(app().await, request).await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["data"]["gemeente"]["naam"], "Amsterdam");
}

#[tokio::test]
async fn get_graphql_answers_queries_in_the_url() {
    let request = Request::get("/graphql?query=%7Bprovincies%7Bcode%7D%7D").body(Body::empty()).unwrap();
    let (status, _, body) = send(app().await, request).await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["data"]["provincies"].as_array().map(Vec::len), Some(12));
}

#[tokio::test]
async fn a_browser_gets_the_ide_and_the_root_redirects_to_it() {
    let request =
        Request::get("/graphql").header(header::ACCEPT, "text/html,application/xhtml+xml").body(Body::empty()).unwrap();
    let (status, headers, body) = send(app().await, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("graphiql"), "the page loads GraphiQL");
    assert!(!body.contains("https://") && !body.contains("http://"), "the page loads nothing from the internet");

    let (status, headers, _) = send(app().await, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/graphql");
}

#[tokio::test]
async fn health_and_readiness() {
    let (status, _, body) = send(app().await, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, _, _) = send(app().await, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let conn = common::seeded_database().await;
    let app = router(AppState::new(conn.clone()));
    conn.close_by_ref().await.expect("pool closes");
    let (status, _, body) = send(app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!body.contains("sqlite") && !body.contains("postgres"), "no database text leaks: {body}");
}

#[tokio::test]
async fn serves_on_a_real_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = app().await;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let body = json!({ "query": "{ statistiek(peildatum: \"2023-01-01\") { aantalGemeenten } }" }).to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""aantalGemeenten":342"#), "{response}");
    server.abort();
}

#[tokio::test]
async fn get_refuses_mutations() {
    let query = "mutation%20%7B%20beeindigAmbtelijkeFusie(input%3A%20%7Bsleutel%3A%20%22bar%22%2C%20einddatum%3A%20%222024-01-01%22%2C%20eindreden%3A%20OPGEHEVEN%7D)%20%7B%20deelnames%20%7B%20einddatum%20%7D%20%7D%20%7D";
    let request = Request::get(format!("/graphql?query={query}")).body(Body::empty()).unwrap();
    let (status, headers, body) = send(app().await, request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "POST");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}
