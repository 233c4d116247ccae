//! GraphQL over HTTP to the letter: media type negotiation and its status codes, what a
//! well-formed request is, and a coded JSON error for every request that is not one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fusieregister::app::{AppState, MAX_BODY_BYTES, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const GRJ: &str = "application/graphql-response+json";

async fn app() -> Router {
    router(AppState::new(common::seeded_database().await))
}

struct Answer {
    status: StatusCode,
    content_type: String,
    json: Value,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Answer { status, content_type, json }
}

fn post(accept: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    request.body(body.into()).unwrap()
}

fn code(answer: &Answer) -> &str {
    answer.json["errors"][0]["extensions"]["code"].as_str().unwrap_or("<no code>")
}

#[tokio::test]
async fn the_media_type_follows_the_accept_header() {
    let app = app().await;
    let query = json!({ "query": "{ __typename }" }).to_string();
    for (accept, expected) in [
        (None, "application/json"),
        (Some("application/json"), "application/json"),
        (Some("*/*"), "application/json"),
        (Some(GRJ), GRJ),
        (Some("application/graphql-response+json, application/json;q=0.9"), GRJ),
    ] {
        let answer = send(&app, post(accept, query.clone())).await;
        assert_eq!(answer.status, StatusCode::OK, "{accept:?}");
        assert!(answer.content_type.starts_with(expected), "{accept:?} gave {}", answer.content_type);
        assert_eq!(answer.json["data"]["__typename"], "Query");
    }
}

/// Parse, validation and variable errors: 400 without `data` for the new media type, 200 for
/// `application/json`, whose older clients read the errors from a 200.
#[tokio::test]
async fn request_errors_get_the_status_of_their_media_type() {
    let app = app().await;
    for (body, expected_code) in [
        (json!({ "query": "{" }), "GRAPHQL_PARSE_FAILED"),
        (json!({ "query": "{ bestaatNiet }" }), "GRAPHQL_VALIDATION_FAILED"),
        (json!({ "query": "query($id: ID!) { node(id: $id) { id } }", "variables": { "id": null } }), "BAD_USER_INPUT"),
        (json!({ "query": "query($id: ID!) { node(id: $id) { id } }", "variables": {} }), "BAD_USER_INPUT"),
        (json!({ "query": "query($id: ID!) { node(id: $id) { id } }" }), "BAD_USER_INPUT"),
    ] {
        for (accept, status) in [(GRJ, StatusCode::BAD_REQUEST), ("application/json", StatusCode::OK)] {
            let answer = send(&app, post(Some(accept), body.to_string())).await;
            assert_eq!(answer.status, status, "{body} as {accept}: {}", answer.json);
            assert_eq!(code(&answer), expected_code, "{}", answer.json);
            assert!(answer.json.get("data").is_none(), "a request error has no data: {}", answer.json);
        }
    }
}

/// A field error is no request error: the response has data, so it is 200 in both media types.
#[tokio::test]
async fn a_field_error_keeps_status_200() {
    let app = app().await;
    let body = json!({ "query": r#"{ gemeente(code: "Amsterdam") { naam } }"# }).to_string();
    let answer = send(&app, post(Some(GRJ), body)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(code(&answer), "BAD_USER_INPUT");
    assert!(answer.json.get("data").is_some());
}

/// A nullable variable without a value, where the argument must not be null, fails when the
/// argument is read: a coded user error, not an internal one.
#[tokio::test]
async fn a_variable_whose_type_does_not_fit_its_argument_is_a_user_error() {
    let app = app().await;
    for query in [
        "query($c: Boolean) { gemeente(code: $c) { naam } }",
        "query($c: String) { gemeente(code: $c) { naam } }",
        "query($d: Date) { statistiek(peildatum: $d) { __typename } }",
    ] {
        let answer = send(&app, post(Some(GRJ), json!({ "query": query, "variables": {} }).to_string())).await;
        assert_eq!(code(&answer), "BAD_USER_INPUT", "{query}: {}", answer.json);
    }
}

#[tokio::test]
async fn a_post_needs_a_json_content_type() {
    let app = app().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    for content_type in [None, Some("text/plain"), Some("application/json; charset=latin1")] {
        let mut request = Request::post("/graphql");
        if let Some(value) = content_type {
            request = request.header(header::CONTENT_TYPE, value);
        }
        let answer = send(&app, request.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        assert_eq!(code(&answer), "BAD_REQUEST");
    }
    let answer = send(
        &app,
        Request::post("/graphql")
            .header(header::CONTENT_TYPE, "Application/JSON; charset=UTF-8")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "media types are case-insensitive");
}

#[tokio::test]
async fn malformed_requests_are_400_with_a_coded_body() {
    let app = app().await;
    for body in [
        "{ \"not a JSON",
        "",
        "42",
        r#"{"qeury": "{ __typename }"}"#,
        r#"{"query": 1}"#,
        r#"{"query": "{ __typename }", "variables": "x"}"#,
        r#"{"query": "{ __typename }", "operationName": false}"#,
        r#"{"query": "{ __typename }", "extensions": []}"#,
        r#"{"query": "{ __typename }", "variables": {"n": 0.1e999}}"#,
        r#"[{"query": "{ __typename }"}, {"query": "{ __typename }"}]"#,
    ] {
        for accept in ["application/json", GRJ] {
            let answer = send(&app, post(Some(accept), body)).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}: {}", answer.json);
            assert_eq!(code(&answer), "BAD_REQUEST", "{body}");
            let message = answer.json["errors"][0]["message"].as_str().unwrap();
            assert!(
                !message.contains("Error(") && !message.contains("InvalidRequest"),
                "no Rust debug text: {message}"
            );
        }
    }
    let nulls = r#"{"query": "{ __typename }", "variables": null, "operationName": null, "extensions": null}"#;
    assert_eq!(send(&app, post(None, nulls)).await.status, StatusCode::OK, "null parameters are absent ones");
}

/// Mistakes in choosing the operation are the client's: a coded `BAD_REQUEST`, never an
/// internal error.
#[tokio::test]
async fn choosing_an_operation_wrongly_is_a_bad_request() {
    let app = app().await;
    for body in [
        json!({ "query": "query A { __typename }", "operationName": "B" }),
        json!({ "query": "{ __typename }", "operationName": "B" }),
        json!({ "query": "query A { __typename } query B { __typename }" }),
        json!({ "query": "subscription { wijzigingen { volgnummer } }" }),
        json!({ "query": "query A { __typename } subscription B { wijzigingen { volgnummer } }", "operationName": "B" }),
    ] {
        let answer = send(&app, post(Some(GRJ), body.to_string())).await;
        assert_eq!((answer.status, code(&answer)), (StatusCode::BAD_REQUEST, "BAD_REQUEST"), "{body}: {}", answer.json);
        let answer = send(&app, post(None, body.to_string())).await;
        assert_eq!((answer.status, code(&answer)), (StatusCode::OK, "BAD_REQUEST"), "{body}: {}", answer.json);
    }
    let named = json!({ "query": "query A { a: __typename } query B { b: __typename }", "operationName": "B" });
    let answer = send(&app, post(None, named.to_string())).await;
    assert_eq!(answer.json["data"], json!({ "b": "Query" }), "a named operation runs");
}

#[tokio::test]
async fn get_takes_its_parameters_from_the_query_string() {
    let app = app().await;
    let query = "query%20T(%24n%3A%20String!)%20%7B%20__type(name%3A%20%24n)%20%7B%20name%20%7D%20%7D";
    let uri = format!("/graphql?query={query}&variables=%7B%22n%22%3A%22Gemeente%22%7D");
    let answer = send(&app, Request::get(uri).header(header::ACCEPT, GRJ).body(Body::empty()).unwrap()).await;
    assert_eq!(answer.json["data"]["__type"]["name"], "Gemeente", "{}", answer.json);
    let answer =
        send(&app, Request::get("/graphql?query=%7B__typename%7D&variables=nope").body(Body::empty()).unwrap()).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::BAD_REQUEST, "BAD_REQUEST"));
    let answer =
        send(&app, Request::get("/graphql").header(header::ACCEPT, "application/json").body(Body::empty()).unwrap())
            .await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::BAD_REQUEST, "BAD_REQUEST"), "no query");
}

#[tokio::test]
async fn bodies_over_the_limit_and_wrong_methods_get_coded_errors() {
    let app = app().await;
    let big = format!(r#"{{"query": "{{ __typename }}", "extensions": {{"x": "{}"}}}}"#, "a".repeat(MAX_BODY_BYTES));
    let answer = send(&app, post(None, big.clone())).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::PAYLOAD_TOO_LARGE, "BAD_REQUEST"));
    // Without a Content-Length the limit is met while reading.
    let stream = futures_util::stream::iter(
        big.into_bytes().chunks(8192).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let answer = send(&app, post(None, Body::from_stream(stream))).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::PAYLOAD_TOO_LARGE, "BAD_REQUEST"));
    let answer = send(&app, Request::put("/graphql").body(Body::empty()).unwrap()).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST"));
}

/// An internal error carries the request's ID, which the client may have chosen, so that the
/// operator can find its cause in the log.
#[tokio::test]
async fn an_internal_error_names_its_request() {
    // No migrations: every read fails inside the database.
    let unmigrated = fusieregister::db::connect("sqlite::memory:").await.unwrap();
    let app = router(AppState::new(unmigrated));
    let mut request = post(Some(GRJ), json!({ "query": "{ provincies { code } }" }).to_string());
    request.headers_mut().insert("x-request-id", header::HeaderValue::from_static("vraag-42"));
    let answer = send(&app, request).await;
    assert_eq!(code(&answer), "INTERNAL_SERVER_ERROR", "{}", answer.json);
    assert_eq!(answer.json["errors"][0]["message"], "internal error");
    assert_eq!(answer.json["errors"][0]["extensions"]["requestId"], "vraag-42");
    // An error the client can fix needs no ID.
    let answer = send(&app, post(Some(GRJ), json!({ "query": "{ bestaatNiet }" }).to_string())).await;
    assert!(answer.json["errors"][0]["extensions"].get("requestId").is_none(), "{}", answer.json);
}

/// A request to the WebSocket path that cannot become a WebSocket gets the coded body of every
/// other refusal, with the status the upgrade's rules give it.
#[tokio::test]
async fn a_request_to_the_websocket_path_that_is_no_upgrade_gets_a_coded_error() {
    let app = app().await;
    let plain = Request::get("/graphql/ws").body(Body::empty()).unwrap();
    let answer = send(&app, plain).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::BAD_REQUEST, "BAD_REQUEST"), "{}", answer.json);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(answer.json["errors"][0]["message"], "Connection header did not include 'upgrade'");
    // Every header of an upgrade, on a connection that cannot be upgraded (as here, in process).
    let headers_only = Request::get("/graphql/ws")
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
        .header(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws")
        .body(Body::empty())
        .unwrap();
    let answer = send(&app, headers_only).await;
    assert_eq!((answer.status, code(&answer)), (StatusCode::UPGRADE_REQUIRED, "BAD_REQUEST"), "{}", answer.json);
}
