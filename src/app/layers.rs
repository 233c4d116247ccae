//! The layers around every route: a request ID on every request and response, a log span that
//! carries it, and a panic turned into a coded `INTERNAL_SERVER_ERROR` for that request alone.

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::error_body;
use crate::error::AppError;

/// The header that carries the request ID; a client's own value is kept and echoed when it is
/// usable (see `is_usable_request_id`), and replaced by a new one when it is not.
pub const REQUEST_ID: &str = "x-request-id";

/// Longest client-chosen request ID that is kept.
const MAX_REQUEST_ID: usize = 128;

/// Wraps `router` in the layers, outermost first: the request ID is set, the log span opened,
/// the ID copied to the response, and a panic inside caught. The panic's log line is written
/// inside the span, so it names the request.
pub fn around<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(axum::middleware::map_response(code_bare_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(span_for))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
}

/// Removes a client's request ID that is too long or holds characters other than letters,
/// digits and `-_.:`, so that a new one is made: the ID goes into every log line and error of
/// the request, where a client must not be able to write whatever it likes.
async fn drop_unusable_request_id(mut request: Request<Body>) -> Request<Body> {
    let usable = request.headers().get(REQUEST_ID).is_none_or(|value| is_usable_request_id(value.as_bytes()));
    if !usable {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

fn is_usable_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The log span of a request: method, path and request ID (never the query string, which may
/// hold variables).
fn span_for(request: &Request<Body>) -> tracing::Span {
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
}

/// Gives the error responses that layers and the router make by themselves (a timeout, a body
/// over the limit, a method the route does not take) the coded JSON body of every other error.
async fn code_bare_errors(response: Response<Body>) -> Response<Body> {
    let (code, message) = match response.status() {
        StatusCode::REQUEST_TIMEOUT => ("REQUEST_TIMEOUT", "the request took too long and was stopped"),
        StatusCode::PAYLOAD_TOO_LARGE => ("BAD_REQUEST", "the request body is larger than the server accepts"),
        StatusCode::METHOD_NOT_ALLOWED => ("BAD_REQUEST", "this path does not take this HTTP method"),
        _ => return response,
    };
    let is_json =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let coded = error_body::response(parts.status, code, message);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(coded.headers().clone());
    Response::from_parts(parts, coded.into_body())
}

/// What a client gets when a handler panics: the same coded body as any internal error. The
/// panic's message is logged, never sent.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request panicked; answered with INTERNAL_SERVER_ERROR");
    let error = AppError::Internal(String::new());
    error_body::response(StatusCode::INTERNAL_SERVER_ERROR, error.code(), &error.public_message())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("kapot")
    }

    #[tokio::test]
    async fn a_panic_becomes_a_coded_error_with_the_request_id() {
        let app = around(Router::new().route("/boom", get(boom)));
        let request = Request::get("/boom").header(REQUEST_ID, "abc-123").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(response.headers()[REQUEST_ID], "abc-123");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["errors"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert!(!String::from_utf8_lossy(&body).contains("kapot"), "the panic message stays in the log");
    }

    #[tokio::test]
    async fn every_response_gets_a_request_id() {
        let app = around(Router::new().route("/", get(|| async { "ok" })));
        let response = app.oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        let id = response.headers()[REQUEST_ID].to_str().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
    }

    #[tokio::test]
    async fn a_usable_client_id_is_kept_and_any_other_replaced() {
        let app = around(Router::new().route("/", get(|| async { "ok" })));
        let long = "a".repeat(MAX_REQUEST_ID + 1);
        for (sent, kept) in [("trace-7f3a:1", true), ("met spatie", false), (long.as_str(), false), ("ïd", false)] {
            let request = Request::get("/").header(REQUEST_ID, sent).body(Body::empty()).unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            let echoed = response.headers()[REQUEST_ID].to_str().unwrap().to_owned();
            assert_eq!(echoed == sent, kept, "{sent:?} gave {echoed:?}");
            if !kept {
                assert_eq!(echoed.len(), 36, "a new UUID for {sent:?}: {echoed}");
            }
        }
    }
}
