//! What a browser front-end on another origin relies on over HTTP: CORS (preflight and actual
//! requests, any origin by default or a configured list) and the standard introspection query
//! on POST and GET.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use fusieregister::app::{AppState, Options, router};
use fusieregister::cors::CorsOrigins;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const GRAPHQL_JS_INTROSPECTION: &str = include_str!("fixtures/graphql-js-16-introspection.graphql");

async fn app_with(cors: CorsOrigins) -> axum::Router {
    router(AppState::with_options(common::empty_database().await, Options { cors, ..Options::default() }))
}

async fn send(app: axum::Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body reads").to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn preflight(origin: &str) -> Request<Body> {
    Request::options("/graphql")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_preflight_from_any_origin_is_answered_by_default() {
    let (status, headers, _) = send(app_with(CorsOrigins::default()).await, preflight("https://app.example.nl")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(header(&headers, "access-control-allow-origin"), "*");
    let allowed_headers = header(&headers, "access-control-allow-headers").to_ascii_lowercase();
    assert!(allowed_headers.contains("authorization") && allowed_headers.contains("content-type"), "{allowed_headers}");
    assert!(header(&headers, "access-control-allow-methods").contains("POST"));
    // Tokens travel in a header, never in cookies: no credentials mode.
    assert!(headers.get("access-control-allow-credentials").is_none());
}

#[tokio::test]
async fn an_actual_cross_origin_query_carries_the_cors_header() {
    let request = Request::post("/graphql")
        .header(header::ORIGIN, "https://app.example.nl")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "query": "{ provincies { code } }" }).to_string()))
        .unwrap();
    let (status, headers, body) = send(app_with(CorsOrigins::default()).await, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(header(&headers, "access-control-allow-origin"), "*");
}

#[tokio::test]
async fn a_configured_list_admits_its_origins_only() {
    let origins: CorsOrigins = "https://app.example.nl,http://localhost:5173".parse().unwrap();
    let (_, listed, _) = send(app_with(origins.clone()).await, preflight("http://localhost:5173")).await;
    assert_eq!(header(&listed, "access-control-allow-origin"), "http://localhost:5173");
    let (_, other, _) = send(app_with(origins).await, preflight("https://evil.example")).await;
    assert!(other.get("access-control-allow-origin").is_none(), "{other:?}");
}

fn assert_whole_schema(body: &str) {
    let json: Value = serde_json::from_str(body).expect("JSON");
    assert!(json["errors"].is_null(), "{}", json["errors"]);
    let types = json["data"]["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "Gemeente"), "Gemeente missing");
    assert_eq!(json["data"]["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn standard_introspection_works_on_post() {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "query": GRAPHQL_JS_INTROSPECTION, "operationName": "IntrospectionQuery" }).to_string(),
        ))
        .unwrap();
    let (status, _, body) = send(app_with(CorsOrigins::default()).await, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_whole_schema(&body);
}

#[tokio::test]
async fn standard_introspection_works_on_get() {
    let mut url = String::from("/graphql?operationName=IntrospectionQuery&query=");
    for byte in GRAPHQL_JS_INTROSPECTION.bytes() {
        if byte.is_ascii_alphanumeric() {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    let request = Request::get(url).header(header::ACCEPT, "application/json").body(Body::empty()).unwrap();
    let (status, _, body) = send(app_with(CorsOrigins::default()).await, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_whole_schema(&body);
}
