//! GraphQL over HTTP against a router, in process, with the headers a test chooses.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Posts `query` with extra `headers`; the status, the response headers and the body (`null`
/// when it is not JSON).
pub async fn post(app: &Router, query: &str, headers: &[(&str, String)]) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Body::from(json!({ "query": query }).to_string())).expect("a request builds");
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body arrives").to_bytes();
    (parts.status, parts.headers, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The `x-volgnummer` of an answer.
pub fn volgnummer(headers: &HeaderMap) -> Option<i64> {
    headers.get("x-volgnummer")?.to_str().ok()?.parse().ok()
}
