//! GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it: what a well-formed
//! request is (a JSON object with a string `query`, or the same in a GET query string), which
//! media type the answer has (`application/graphql-response+json` when the client asks for it,
//! else `application/json`), and which status code goes with it.
//!
//! A request that is not well-formed never reaches the schema: it gets 400 (or 413, 415) with a
//! coded `BAD_REQUEST` error. A well-formed request whose document cannot run (parse, validation
//! or variable errors, an unknown operation) is a *request error*: no `data`, status 200 for
//! `application/json` (older clients expect it) and 400 for `application/graphql-response+json`.

use std::collections::HashMap;
use std::io::Write;

use async_graphql::ServerError;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::error_body;

/// The code of every error about the form of a request rather than its document.
pub const BAD_REQUEST: &str = "BAD_REQUEST";

/// The code of an answer that would exceed the response size limit.
pub const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";

/// The message of [`RESPONSE_TOO_LARGE`], over HTTP and WebSocket alike.
pub(crate) fn too_large(max_response: usize) -> String {
    format!("the response would be larger than {max_response} bytes; ask for fewer fields or smaller pages")
}

/// The media type of GraphQL responses that carry the spec's status codes.
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The media type the answer is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/json`: every GraphQL response is 200.
    Json,
    /// `application/graphql-response+json`: a request error is 400.
    GraphqlResponseJson,
}

impl MediaType {
    /// The media type for a request's `Accept` header: the supported type with the highest
    /// weight, the earlier one on a tie. No header, a wildcard, or only unsupported types give
    /// `application/json`, which the specification allows a server to answer regardless.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Self::Json;
        };
        let mut best: Option<(f32, Self)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let candidate = match essence.as_str() {
                GRAPHQL_RESPONSE_JSON => Self::GraphqlResponseJson,
                "application/json" | "application/*" | "*/*" => Self::Json,
                _ => continue,
            };
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, candidate));
            }
        }
        best.map_or(Self::Json, |(_, media)| media)
    }

    fn content_type(self) -> HeaderValue {
        match self {
            Self::Json => HeaderValue::from_static("application/json"),
            Self::GraphqlResponseJson => HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        }
    }
}

/// Why a request cannot be run: answered without touching the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message: message.into() }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = error_body::response(self.status, BAD_REQUEST, &self.message);
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
        response
    }
}

/// The request of a POST: its `Content-Type` must be JSON in UTF-8, and its body one JSON
/// object. A JSON array (a batch) is refused: one operation per request keeps every request
/// within the limits that are checked per request.
///
/// # Errors
/// A [`Refusal`] with 415 for another content type, 413 for a body over `max_body`, and 400
/// for anything that is not a request object.
pub async fn from_post(headers: &HeaderMap, body: Body, max_body: usize) -> Result<async_graphql::Request, Refusal> {
    check_content_type(headers)?;
    let bytes = read_body(body, max_body).await?;
    if bytes.is_empty() {
        return Err(Refusal::bad("the request has no body; send a JSON object with a `query`"));
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Refusal::bad(format!("the body is not valid JSON: {}", json_problem(&e))))?;
    match value {
        Value::Object(fields) => from_fields(fields),
        Value::Array(_) => Err(Refusal::bad("batch requests are not supported; send one operation per request")),
        _ => Err(Refusal::bad("the body must be a JSON object with a `query`")),
    }
}

/// The request of a GET: `query`, and optionally `operationName`, `variables` and `extensions`
/// (the last two as JSON text) in the query string.
///
/// # Errors
/// A 400 [`Refusal`] when a parameter is missing or malformed.
pub fn from_get(raw_query: Option<&str>) -> Result<async_graphql::Request, Refusal> {
    let params: HashMap<String, String> = serde_urlencoded::from_str(raw_query.unwrap_or_default())
        .map_err(|_| Refusal::bad("the query string cannot be decoded"))?;
    let mut fields = Map::new();
    for (name, value) in params {
        let value = match name.as_str() {
            "variables" | "extensions" => serde_json::from_str(&value)
                .map_err(|e| Refusal::bad(format!("`{name}` is not valid JSON: {}", json_problem(&e))))?,
            _ => Value::String(value),
        };
        fields.insert(name, value);
    }
    from_fields(fields)
}

fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let unsupported =
        |message: &str| Refusal { status: StatusCode::UNSUPPORTED_MEDIA_TYPE, message: message.to_owned() };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("a POST needs `Content-Type: application/json`"));
    };
    let value = value.to_str().map_err(|_| unsupported("the Content-Type header is not readable"))?;
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let charset_ok = parts.filter_map(|p| p.split_once('=')).all(|(name, value)| {
        !name.trim().eq_ignore_ascii_case("charset") || value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
    });
    if essence.eq_ignore_ascii_case("application/json") && charset_ok {
        Ok(())
    } else {
        Err(unsupported("the body must be JSON in UTF-8: `Content-Type: application/json`"))
    }
}

async fn read_body(body: Body, max_body: usize) -> Result<Bytes, Refusal> {
    axum::body::to_bytes(body, max_body).await.map_err(|err| {
        // The limit may be met by this read or by the body limit layer around it; either way the
        // LengthLimitError lies somewhere down the chain of sources.
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&err);
        let mut too_large = false;
        while let Some(cause) = source {
            too_large |= cause.is::<http_body_util::LengthLimitError>();
            source = cause.source();
        }
        if too_large {
            Refusal {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                message: format!("the body is larger than {max_body} bytes"),
            }
        } else {
            Refusal::bad("the body could not be read")
        }
    })
}

/// Checks each parameter's JSON type, as the specification asks, before async-graphql sees it.
/// WebSocket `subscribe` payloads go through the same check.
pub(crate) fn from_fields(mut fields: Map<String, Value>) -> Result<async_graphql::Request, Refusal> {
    let names_a_document = move_document_id(&mut fields)?
        || fields.get("extensions").and_then(|e| e.get("persistedQuery")).is_some_and(|p| !p.is_null());
    match fields.get("query") {
        Some(Value::String(_)) => {}
        // A persisted document is named instead of sent; `persisted` puts its text in.
        None | Some(Value::Null) if names_a_document => {
            fields.insert("query".to_owned(), Value::String(String::new()));
        }
        None | Some(Value::Null) => return Err(Refusal::bad("the request has no `query`")),
        Some(_) => return Err(Refusal::bad("`query` must be a string")),
    }
    for (name, wanted, ok) in [
        ("operationName", "a string", Value::is_string as fn(&Value) -> bool),
        ("variables", "an object", Value::is_object),
        ("extensions", "an object", Value::is_object),
    ] {
        match fields.get(name) {
            None => {}
            Some(Value::Null) => {
                fields.remove(name);
            }
            Some(value) if ok(value) => {}
            Some(_) => return Err(Refusal::bad(format!("`{name}` must be {wanted} or null"))),
        }
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| Refusal::bad(format!("the request is malformed: {e}")))
}

/// Moves a top-level `documentId` (persisted documents in the GraphQL over HTTP draft) into the
/// extensions, where [`crate::app::persisted`] looks for it; says whether there was one.
fn move_document_id(fields: &mut Map<String, Value>) -> Result<bool, Refusal> {
    let Some(id) = fields.remove(super::persisted::DOCUMENT_ID) else { return Ok(false) };
    if id.is_null() {
        return Ok(false);
    }
    let extensions = fields.entry("extensions").or_insert_with(|| Value::Object(Map::new()));
    if extensions.is_null() {
        *extensions = Value::Object(Map::new());
    }
    let Value::Object(extensions) = extensions else {
        return Err(Refusal::bad("`extensions` must be an object or null"));
    };
    extensions.insert(super::persisted::DOCUMENT_ID.to_owned(), id);
    Ok(true)
}

/// A serde error without the Rust type names it sometimes holds: the kind and the place.
fn json_problem(err: &serde_json::Error) -> String {
    let kind = match err.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unusable value",
        serde_json::error::Category::Io => "read error",
    };
    format!("{kind} at line {}, column {}", err.line(), err.column())
}

/// Turns async-graphql's response into the HTTP answer: the status and media type the
/// specification asks for, and a body no larger than `max_response`.
pub fn answer(
    query: &str,
    operation_name: Option<&str>,
    mut response: async_graphql::Response,
    media: MediaType,
    max_response: usize,
) -> Response {
    let request_error = is_request_error(&response);
    if request_error {
        explain_operation_errors(query, operation_name, &mut response.errors);
    }
    let status =
        if request_error && media == MediaType::GraphqlResponseJson { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let body = if request_error {
        // A request error has no `data` entry at all, not even `null`.
        serialize_capped(&serde_json::json!({ "errors": response.errors }), max_response)
    } else {
        serialize_capped(&response, max_response)
    };
    let (status, body, replaced) = match body {
        Some(body) => (status, body, false),
        None => {
            tracing::warn!(limit = max_response, "a response exceeded the size limit and was replaced by an error");
            let body = error_body::body(RESPONSE_TOO_LARGE, &too_large(max_response));
            let status = if media == MediaType::GraphqlResponseJson { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            (status, body.into_bytes(), true)
        }
    };
    let mut http = Response::new(Body::from(body));
    *http.status_mut() = status;
    if replaced {
        http.extensions_mut().insert(ReplacedAsTooLarge);
    }
    http.headers_mut().extend(std::mem::take(&mut response.http_headers));
    if let Some(value) = response.cache_control.value().and_then(|v| HeaderValue::from_str(&v).ok()) {
        http.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    http.headers_mut().insert(header::CONTENT_TYPE, media.content_type());
    http.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
    http
}

/// Marks an HTTP answer whose GraphQL response was over the size limit and was replaced by the
/// `RESPONSE_TOO_LARGE` error.
#[derive(Clone, Copy)]
struct ReplacedAsTooLarge;

/// How large the answer [`answer`] built was before it was sent: its body, or the limit when the
/// body replaces a response over the limit (the request held at least that much).
pub fn answered_bytes(answer: &Response, max_response: usize) -> usize {
    if answer.extensions().get::<ReplacedAsTooLarge>().is_some() {
        return max_response;
    }
    let size = axum::body::HttpBody::size_hint(answer.body());
    size.exact().and_then(|bytes| usize::try_from(bytes).ok()).unwrap_or(max_response)
}

/// The type of the operation a request would run; `None` when the query does not parse or
/// names no operation of its document (left to the schema, which reports it properly).
pub(crate) fn operation_type(request: &async_graphql::Request) -> Option<OperationType> {
    parse_selected_operation(request).map(|(ty, _)| ty)
}

/// The type and the name (if it has one) of the operation a request would run, for scheduling
/// before the schema sees it (over HTTP the guard reports it, see `OperationSeen`); `None` also
/// for a document over the query guard's default text limits, which is not parsed here: the
/// parser's time and memory grow with the text, and the guard refuses such a document without
/// parsing it.
pub(crate) fn selected_operation(request: &async_graphql::Request) -> Option<(OperationType, Option<String>)> {
    crate::graphql::guard::check_text(&request.query, &crate::graphql::guard::Limits::default()).ok()?;
    parse_selected_operation(request)
}

fn parse_selected_operation(request: &async_graphql::Request) -> Option<(OperationType, Option<String>)> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let (name, operation) = crate::graphql::guard::selected_operation(&document, request.operation_name.as_deref())?;
    Some((operation.node.ty, name.map(ToString::to_string)))
}

/// A request error: the document never ran, so there is no data and no error has a path.
pub(crate) fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// async-graphql reports an unknown `operationName`, a document with several operations and no
/// name, and a subscription over HTTP without a code, which would reach the client as an internal
/// error. They are the client's mistake: this names each as `BAD_REQUEST`. The document is
/// parsed again only on this rare path, and only after it passed the schema's limits.
pub(crate) fn explain_operation_errors(query: &str, operation_name: Option<&str>, errors: &mut Vec<ServerError>) {
    let internal = |e: &ServerError| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_none_or(|code| *code == async_graphql::Value::from("INTERNAL_SERVER_ERROR"))
    };
    if !errors.iter().any(internal) {
        return;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else { return };
    let message = match (&document.operations, operation_name) {
        (DocumentOperations::Single(_), Some(name)) => format!("the document has no operation named `{name}`"),
        (DocumentOperations::Multiple(operations), Some(name)) => match operations.get(name) {
            None => format!("the document has no operation named `{name}`"),
            Some(op) if op.node.ty == OperationType::Subscription => subscription_over_http(),
            Some(_) => return,
        },
        (DocumentOperations::Multiple(operations), None) if operations.len() > 1 => {
            "the document has several operations; name the one to run in `operationName`".to_owned()
        }
        (DocumentOperations::Multiple(operations), None) => match operations.values().next() {
            Some(op) if op.node.ty == OperationType::Subscription => subscription_over_http(),
            _ => return,
        },
        (DocumentOperations::Single(op), None) if op.node.ty == OperationType::Subscription => subscription_over_http(),
        (DocumentOperations::Single(_), None) => return,
    };
    *errors = vec![coded_error(message, BAD_REQUEST, None)];
}

/// A request-level error (no location, no path) with `code` and, where there is one, the field
/// at fault.
pub fn coded_error(message: impl Into<String>, code: &str, field: Option<&str>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if let Some(field) = field {
        extensions.set("field", field);
    }
    error
}

fn subscription_over_http() -> String {
    "subscriptions run over WebSocket at /graphql/ws, not over HTTP".to_owned()
}

/// The value as JSON, or `None` once it grows past `max` bytes: the writer stops there, so a
/// huge response is never held twice.
pub(crate) fn serialize_capped(value: &impl serde::Serialize, max: usize) -> Option<Vec<u8>> {
    struct Capped {
        bytes: Vec<u8>,
        max: usize,
    }
    impl Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.bytes.len() + buf.len() > self.max {
                return Err(std::io::Error::other("response size limit"));
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = Capped { bytes: Vec::new(), max };
    serde_json::to_writer(&mut writer, value).ok()?;
    Some(writer.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        headers
    }

    #[test]
    fn the_operation_is_read_from_small_documents_only() {
        let named = async_graphql::Request::new("query Provincies { provincies { code } }");
        assert_eq!(selected_operation(&named), Some((OperationType::Query, Some("Provincies".to_owned()))));
        // Valid GraphQL, but over the guard's token limit: not parsed for a label.
        let aliases: String = (0..20_000).map(|n| format!("a{n}: __typename ")).collect();
        let bomb = async_graphql::Request::new(format!("query Groot {{ {aliases} }}"));
        assert_eq!(selected_operation(&bomb), None);
        assert_eq!(operation_type(&bomb), Some(OperationType::Query), "the GET check still parses it");
    }

    #[test]
    fn negotiates_the_media_type() {
        use MediaType::{GraphqlResponseJson as Grj, Json};
        assert_eq!(MediaType::negotiate(&HeaderMap::new()), Json);
        for (value, expected) in [
            ("application/json", Json),
            ("*/*", Json),
            ("text/html", Json),
            ("application/graphql-response+json", Grj),
            ("application/graphql-response+json, application/json", Grj),
            ("application/json, application/graphql-response+json", Json),
            ("application/json;q=0.5, application/graphql-response+json", Grj),
            ("application/graphql-response+json;q=0, application/json", Json),
        ] {
            assert_eq!(MediaType::negotiate(&accept(value)), expected, "{value}");
        }
    }

    #[test]
    fn checks_the_type_of_every_parameter() {
        let refused = |value: Value| from_fields(value.as_object().cloned().unwrap_or_default()).is_err();
        assert!(refused(serde_json::json!({})));
        assert!(refused(serde_json::json!({ "query": 1 })));
        assert!(refused(serde_json::json!({ "query": "{a}", "variables": "x" })));
        assert!(refused(serde_json::json!({ "query": "{a}", "operationName": [] })));
        assert!(refused(serde_json::json!({ "query": "{a}", "extensions": 0 })));
        let ok = serde_json::json!({ "query": "{a}", "variables": null, "operationName": null, "extensions": null });
        assert!(!refused(ok));
    }

    #[test]
    fn stops_serialising_at_the_cap() {
        let big = vec!["x".repeat(100); 100];
        assert!(serialize_capped(&big, 1_000).is_none());
        assert_eq!(serialize_capped(&big, 20_000).map(|b| b.len()), Some(10_301));
    }
}
