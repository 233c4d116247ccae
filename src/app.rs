//! The application: the HTTP router and the server loop with graceful shutdown. The state the
//! handlers share is in `state`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::Executor as _;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::AppError;
use crate::graphql::guard::SelectedOperation;
use crate::graphql::pipeline::RequestReport;
use crate::{auth, cors, dataset, db, ide, ws};

pub mod admission;
mod consistency;
pub(crate) mod error_body;
pub(crate) mod graphql_http;
pub(crate) mod input_check;
pub(crate) mod layers;
pub mod metrics;
pub(crate) mod operation_log;
pub mod persisted;
pub mod server;
pub(crate) mod state;

pub use layers::REQUEST_ID;
pub use state::{
    AppState, KEEP_ALIVE, MAX_BODY_BYTES, MAX_CONCURRENT_REQUESTS, MAX_RESPONSE_BYTES, Options, SharedState,
    default_running_requests,
};

/// Longest a request may take before the client gets 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP routes of the contract: `/graphql` (POST, GET, and the IDE for browsers),
/// `/graphql/ws`, `/healthz`, `/readyz`, the open data under `/data/`, and `/` redirecting to the
/// IDE.
pub fn router(state: AppState) -> Router {
    let cors = cors::layer(&state.options.cors);
    let mut routes = Router::new();
    if state.options.metrics_listen.is_none() {
        routes = routes.route("/metrics", get(metrics_text));
    }
    let routes = routes
        .route("/", get(|| async { Redirect::temporary("/graphql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(ide::routes())
        .merge(crate::voorbeeld::routes())
        .merge(crate::export::routes::routes())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(cors);
    layers::around(routes).with_state(state)
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    state.metrics.read_feed_position(&state.reads()).await;
    let text = state.render_metrics();
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response()
}

/// The router of `--metrics-listen`: `/metrics` alone.
fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics_text)).with_state(state)
}

async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    // The permit comes before the body is read: under overload, waiting bodies cost memory too.
    let Ok(_permit) = state.permits.clone().try_acquire_owned() else { return busy(&state) };
    match graphql_http::from_post(&headers, body, MAX_BODY_BYTES).await {
        Ok(mut request) => match state.options.persisted.resolve(&mut request) {
            Ok(()) => execute(&state, &headers, request).await,
            Err(unresolved) => unresolved_document(&state, &headers, &unresolved),
        },
        Err(refusal) => refusal.into_response(),
    }
}

/// A browser asking for HTML gets the IDE; everything else is a GraphQL query in the URL.
async fn graphql_get(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let wants_html =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        return ide::page().await;
    }
    let Ok(_permit) = state.permits.clone().try_acquire_owned() else { return busy(&state) };
    let mut request = match graphql_http::from_get(query.as_deref()) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    // Resolved before the mutation check, so that a hash cannot smuggle a mutation into a GET.
    if let Err(unresolved) = state.options.persisted.resolve(&mut request) {
        return unresolved_document(&state, &headers, &unresolved);
    }
    if is_mutation(&request) {
        return mutation_over_get();
    }
    execute(&state, &headers, request).await
}

/// The answer to a request whose persisted document cannot run: a request error in the
/// negotiated media type, as Apollo's clients expect it.
fn unresolved_document(state: &AppState, headers: &HeaderMap, unresolved: &persisted::Unresolved) -> Response {
    let error = graphql_http::coded_error(unresolved.message(), unresolved.code(), None);
    let response = async_graphql::Response::from_errors(vec![error]);
    let media = graphql_http::MediaType::negotiate(headers);
    graphql_http::answer("", None, response, media, state.options.max_response_bytes)
}

/// Runs a well-formed request as its caller and answers in the media type the client accepts.
async fn execute(state: &AppState, headers: &HeaderMap, request: async_graphql::Request) -> Response {
    let media = graphql_http::MediaType::negotiate(headers);
    let query = request.query.clone();
    let operation_name = request.operation_name.clone();
    if let Err(err) = input_check::check(&request) {
        let error = graphql_http::coded_error(err.public_message(), err.code(), err.field());
        let response = async_graphql::Response::from_errors(vec![error]);
        let limit = state.options.max_response_bytes;
        return graphql_http::answer(&query, operation_name.as_deref(), response, media, limit);
    }
    let min_volgnummer = match consistency::min_volgnummer(headers) {
        Ok(min) => min,
        Err(refusal) => return refusal.into_response(),
    };
    match with_caller(state, headers, request).await {
        Ok((request, token)) => {
            let started = std::time::Instant::now();
            let report = Arc::new(RequestReport::wanting(min_volgnummer));
            // Held until the answer is serialised: the result tree is the large part.
            let Ok(turn) = state.admission.enter(&query, operation_name.as_deref()).await else {
                return busy(state);
            };
            let mut response = state.schema.execute(request.data(report.clone())).await;
            let (kind, name) = operation_labels(report.operation(), operation_name.as_deref());
            let volgnummer = match kind {
                "mutation" => newest_volgnummer(state).await,
                _ => report.volgnummer(),
            };
            name_the_request_of_internal_errors(&mut response, headers);
            let outcome = response.errors.first().map_or_else(|| "ok".to_owned(), error_code);
            let limit = state.options.max_response_bytes;
            let mut answer = graphql_http::answer(&query, operation_name.as_deref(), response, media, limit);
            state.admission.finish(turn, graphql_http::answered_bytes(&answer, limit));
            if let Some(volgnummer) = volgnummer {
                consistency::mark(answer.headers_mut(), volgnummer);
            }
            let finished = operation_log::Finished {
                name: name.as_deref(),
                kind,
                outcome: &outcome,
                elapsed: started.elapsed(),
                statements: report.statements(),
                batches: report.batches(),
                token: token.as_deref(),
            };
            state.metrics.record(&finished);
            operation_log::log(&finished, state.options.slow_operation);
            answer
        }
        Err(response) => response,
    }
}

/// The newest `volgnummer` on the primary, for a mutation's answer: read after the write, so
/// at least the write's own. `None` (no header) when the log cannot be read.
async fn newest_volgnummer(state: &AppState) -> Option<i64> {
    match crate::store::wijziging::latest(state.databases.primary()).await {
        Ok(newest) => Some(newest),
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the change log's position after a mutation");
            None
        }
    }
}

/// The answer when every permit is taken: at once, so that an overloaded server sheds load
/// instead of queueing it.
fn busy(state: &AppState) -> Response {
    state.metrics.record_shed();
    let mut response = error_body::response(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "the server is busy; try again shortly",
    );
    response.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    response
}

/// The `type` of the operation a request ran, and its name (from the document, so that a
/// request without `operationName` is still counted under its operation's name). A document
/// the guard could not read is `unknown`, under the name the client gave.
fn operation_labels(seen: Option<SelectedOperation>, requested: Option<&str>) -> (&'static str, Option<String>) {
    use async_graphql::parser::types::OperationType;
    match seen {
        Some(SelectedOperation { kind: OperationType::Query, name }) => ("query", name),
        Some(SelectedOperation { kind: OperationType::Mutation, name }) => ("mutation", name),
        Some(SelectedOperation { kind: OperationType::Subscription, name }) => ("subscription", name),
        None => ("unknown", requested.map(str::to_owned)),
    }
}

/// Puts the request ID in every `INTERNAL_SERVER_ERROR`, so that a client can quote it and
/// the operator find the logged cause (the log lines of the request carry the same ID).
fn name_the_request_of_internal_errors(response: &mut async_graphql::Response, headers: &HeaderMap) {
    let Some(id) = headers.get(REQUEST_ID).and_then(|value| value.to_str().ok()) else { return };
    for error in &mut response.errors {
        if error_code(error) == "INTERNAL_SERVER_ERROR" {
            error.extensions.get_or_insert_with(Default::default).set("requestId", id);
        }
    }
}

/// The `code` of an error, as the `outcome` label.
fn error_code(error: &async_graphql::ServerError) -> String {
    match error.extensions.as_ref().and_then(|extensions| extensions.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => "INTERNAL_SERVER_ERROR".to_owned(),
    }
}

/// Attaches the [`auth::Caller`] of the `Authorization` header, if any, to the request. Reads
/// need none; a write resolver asks for it with [`auth::require`]. When the token cannot be
/// looked up, the request fails as a whole rather than running as anonymous.
async fn with_caller(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Result<(async_graphql::Request, Option<String>), Response> {
    match auth::caller_from_headers(&state.reads(), headers).await {
        Ok(Some(caller)) => {
            let token = caller.naam.clone();
            Ok((request.data(caller), Some(token)))
        }
        Ok(None) => Ok((request, None)),
        Err(err) => {
            tracing::error!(error = %err.detail(), "cannot look up the API token of a request");
            let status = match err {
                AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            Err(error_body::response(status, err.code(), &err.public_message()))
        }
    }
}

/// Whether the operation a GET request would run is a mutation. GET must be safe: a link or a
/// prefetch must never change the registry.
fn is_mutation(request: &async_graphql::Request) -> bool {
    graphql_http::operation_type(request) == Some(async_graphql::parser::types::OperationType::Mutation)
}

fn mutation_over_get() -> Response {
    let message = "mutations must be sent with POST; GET /graphql runs queries only";
    let mut response = error_body::response(StatusCode::METHOD_NOT_ALLOWED, "BAD_USER_INPUT", message);
    response.headers_mut().insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
    response
}

/// Longest `/readyz` waits for the database: a load balancer probing it should learn of an
/// outage at once, not after the pool's acquire timeout.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

async fn readyz(State(state): State<AppState>) -> Response {
    let problem = match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => return (StatusCode::OK, "ready").into_response(),
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(error = %problem, "database not reachable");
    (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "database unreachable" }))).into_response()
}

/// Opens and migrates the database, and loads the bundled dataset into an empty one.
///
/// # Errors
/// A database error, or a broken bundled dataset.
pub async fn prepare_database(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection, AppError> {
    // Instances that start together may all find the database empty: migrations run one instance
    // at a time (see `db`), and seeding takes the registry's write lock, so a later seeder finds
    // every record present and adds nothing.
    let conn = db::connect_and_migrate_with(url, max_connections).await?;
    if !crate::store::gemeente::any(&conn).await? {
        let data = dataset::Dataset::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
        let report = dataset::seed(&conn, &data).await?;
        tracing::info!(?report, "empty database: loaded the bundled dataset");
    }
    Ok(conn)
}

/// Connects to the read replicas of the primary database (not migrated: a replica follows the
/// primary's schema).
///
/// # Errors
/// When a replica cannot be reached at start, or is not PostgreSQL.
pub async fn connect_replicas(
    urls: &[String],
    max_connections: Option<u32>,
) -> Result<Vec<DatabaseConnection>, AppError> {
    let mut replicas = Vec::with_capacity(urls.len());
    for (n, url) in urls.iter().enumerate() {
        if !url.starts_with("postgres") {
            return Err(AppError::Internal(format!("read replica {} is not a PostgreSQL URL", n + 1)));
        }
        replicas.push(db::connect_with(url, max_connections).await?);
    }
    Ok(replicas)
}

/// Runs the server until SIGINT or SIGTERM, then finishes running requests and stops.
///
/// # Errors
/// When the database or a replica cannot be prepared or the address cannot be bound.
pub async fn serve(url: &str, replica_urls: &[String], listen: SocketAddr, options: Options) -> Result<(), AppError> {
    let conn = prepare_database(url, options.database_max_connections).await?;
    let replicas = connect_replicas(replica_urls, options.database_max_connections).await?;
    if !replicas.is_empty() {
        tracing::info!(replicas = replicas.len(), "queries read from the replicas");
    }
    let listener =
        TcpListener::bind(listen).await.map_err(|e| AppError::Internal(format!("cannot listen on {listen}: {e}")))?;
    tracing::info!("serving the API and the IDE on http://{listen}/graphql");
    let metrics_listen = options.metrics_listen;
    let state = AppState::over(db::Databases::with_replicas(conn, replicas), options);
    if let Some(address) = metrics_listen {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|e| AppError::Internal(format!("cannot listen on {address} for metrics: {e}")))?;
        tracing::info!("serving the metrics on http://{address}/metrics");
        let router = metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, router).await {
                tracing::error!(error = %err, "the metrics listener stopped");
            }
        });
    }
    serve_on(listener, state, shutdown_signal()).await;
    Ok(())
}

/// Serves `state` on a bound listener until `shutdown` completes; then closes every WebSocket
/// and lets running requests finish. Tests bind port 0 and pass the listener.
pub async fn serve_on(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    let sockets = state.sockets.clone();
    let limits = state.options.connection;
    // Upgraded WebSockets are no longer HTTP connections that the graceful shutdown waits for:
    // they are told to close when the signal comes, and given a moment to send their close frame.
    let signal = async move {
        shutdown.await;
        sockets.close_all(SOCKET_CLOSE_GRACE).await;
    };
    server::run(listener, router(state), limits, signal).await;
}

/// How long the WebSockets get to close when the server stops.
const SOCKET_CLOSE_GRACE: Duration = Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing running requests");
}
