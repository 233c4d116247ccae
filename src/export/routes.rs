//! `GET /data/{file}`: the open data files over HTTP. A request is answered in this order: an
//! unknown file is 404, a malformed `peildatum` or `bekendOp` 400 (coded JSON naming the
//! parameter), a server at its `--max-concurrent-requests` 503, then the registry as known at
//! `bekendOp` is opened and the file's ETag computed from its last change: a client that already
//! has it gets 304, everyone else the file, streamed. A download holds one of the permits of
//! GraphQL requests until its last byte is sent, so downloads cannot crowd out the pool.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;

use super::base::BaseUrl;
use super::params::{Params, Scope};
use super::{File, etag, stream};
use crate::app::AppState;
use crate::app::error_body;
use crate::error::AppError;

/// How long caches may keep a file without asking: not at all, but they may store it and ask
/// with its ETag, which costs the server one read of the change log.
const CACHE_DATA: &str = "public, no-cache";
/// The context changes only with a release or the server's address.
const CACHE_CONTEXT: &str = "public, max-age=86400";

/// The routes of the open data files.
pub fn routes() -> Router<AppState> {
    Router::new().route("/data/{file}", get(download))
}

async fn download(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(file) = File::parse(&name) else {
        let message = "no such file; /data/catalogus.jsonld lists the files";
        return error_body::response(StatusCode::NOT_FOUND, "NOT_FOUND", message);
    };
    let params = match Params::from_query(query.as_deref()) {
        Ok(params) => params,
        Err(err) => return refusal(StatusCode::BAD_REQUEST, &err),
    };
    let base = state.options.public_url.clone().unwrap_or_else(|| BaseUrl::of_request(&headers, &uri));
    let scope = Scope { params, base };
    let if_none_match = headers.get(header::IF_NONE_MATCH);
    if file == File::Context {
        let tag = etag::of(file, &scope, None);
        if etag::matches(if_none_match, &tag) {
            return not_modified(&tag, CACHE_CONTEXT, None);
        }
        let body = Body::from_stream(stream::file(file, scope, state.db.clone()).map(|chunk| chunk.map_err(failed)));
        return answer(file, &tag, CACHE_CONTEXT, None, body);
    }
    // A download counts against the same cap as a GraphQL request, for as long as it is sent.
    let Ok(permit) = state.permits.clone().try_acquire_owned() else { return busy(&state) };
    let known = match state.databases.known_at(scope.params.bekend_op).await {
        Ok(known) => known,
        Err(err) => {
            tracing::error!(error = %err.detail(), "cannot open the registry for an open data file");
            let status = match err {
                AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                AppError::BadInput { .. } => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return refusal(status, &err);
        }
    };
    let tag = etag::of(file, &scope, Some(known.volgnummer));
    if etag::matches(if_none_match, &tag) {
        return not_modified(&tag, CACHE_DATA, Some(known.volgnummer));
    }
    let chunks = stream::file(file, scope, known.conn).map(move |chunk| {
        let _held = &permit;
        chunk.map_err(failed)
    });
    answer(file, &tag, CACHE_DATA, Some(known.volgnummer), Body::from_stream(chunks))
}

/// The answer when the server already runs as many requests as it takes: at once, as for GraphQL.
fn busy(state: &AppState) -> Response {
    state.metrics.record_shed();
    let mut response = error_body::response(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "the server is busy; try again shortly",
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// A coded JSON error with `status`, naming the parameter at fault.
fn refusal(status: StatusCode, err: &AppError) -> Response {
    let body = serde_json::json!({ "errors": [error_body::of(err)] }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A failure after the answer has begun: logged, and the connection is cut so that the client
/// sees an incomplete download rather than a file that looks whole. Its detail never reaches the
/// client.
fn failed(err: AppError) -> std::io::Error {
    tracing::error!(error = %err.detail(), "an open data file failed while it was being sent");
    std::io::Error::other("the open data file could not be completed")
}

fn answer(file: File, tag: &str, cache: &'static str, volgnummer: Option<i64>, body: Body) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type()));
    headers_of(headers, tag, cache, volgnummer);
    response
}

fn not_modified(tag: &str, cache: &'static str, volgnummer: Option<i64>) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    headers_of(response.headers_mut(), tag, cache, volgnummer);
    response
}

/// ETag, Cache-Control and, for data, `x-volgnummer`: the state of the registry the file reflects,
/// as the API reports it.
fn headers_of(headers: &mut HeaderMap, tag: &str, cache: &'static str, volgnummer: Option<i64>) {
    if let Ok(value) = HeaderValue::from_str(tag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(n) = volgnummer {
        headers.insert("x-volgnummer", HeaderValue::from(n));
    }
}
