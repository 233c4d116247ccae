//! The body of every error the server answers outside GraphQL execution (a malformed request, an
//! overload, a panic): a GraphQL response with one coded error and no `data`, so that a client
//! reads every failure the same way.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}` as JSON, with `status`.
pub fn response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
