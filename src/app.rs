//! The application: shared state, the HTTP router, and the server loop with graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::cors::CorsOrigins;
use crate::entity::gemeente;
use crate::error::AppError;
use crate::events::{self, Feed};
use crate::graphql::{RegistrySchema, SchemaOptions, build_schema_with};
use crate::{auth, cors, dataset, db, ide, ws};

mod error_body;
pub(crate) mod graphql_http;
pub(crate) mod input_check;
mod layers;

pub use error_body::response as error_response;
pub use layers::REQUEST_ID;

/// Everything a request handler needs, cloned cheaply into each.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The GraphQL schema, built once.
    pub schema: RegistrySchema,
    /// How the server behaves over time.
    pub options: Options,
    /// The open WebSockets, to be closed properly when the server stops.
    pub sockets: ws::Sockets,
    /// One permit per GraphQL request that may run at once.
    pub permits: Arc<Semaphore>,
}

/// How the server behaves: timings, limits and the operator's switches; the defaults suit
/// production.
#[derive(Debug, Clone)]
pub struct Options {
    /// How often the change feed re-reads the log without a wake-up (a safety net).
    pub poll_interval: Duration,
    /// How long a WebSocket may be quiet before the server sends a keep-alive.
    pub keep_alive: Duration,
    /// The operator's switches of the GraphQL schema (introspection, suggestions, limits).
    pub schema: SchemaOptions,
    /// Browser origins that may call the API.
    pub cors: CorsOrigins,
    /// How long a new WebSocket may take to send `connection_init` (then: close 4408).
    pub connection_init_timeout: Duration,
    /// Operations one WebSocket may run at once; one more is refused with `TOO_MANY_OPERATIONS`.
    pub max_operations_per_socket: usize,
    /// Bytes of results that may wait for a WebSocket client to read them; a client that lets
    /// more pile up is disconnected (close 1008).
    pub max_unsent_bytes: usize,
    /// Longest a single write to a WebSocket may take before the client counts as not reading.
    pub send_timeout: Duration,
    /// How often an open WebSocket's API token is checked for revocation (then: close 4403).
    pub token_recheck: Duration,
    /// Largest response body; a larger answer is replaced by a `RESPONSE_TOO_LARGE` error.
    pub max_response_bytes: usize,
    /// GraphQL requests over HTTP that may run at once; one more is answered at once with 503
    /// `SERVICE_UNAVAILABLE` instead of waiting in a queue that only grows under overload.
    pub max_concurrent_requests: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            poll_interval: events::POLL_INTERVAL,
            keep_alive: KEEP_ALIVE,
            schema: SchemaOptions::default(),
            cors: CorsOrigins::Any,
            connection_init_timeout: Duration::from_secs(10),
            max_operations_per_socket: 50,
            max_unsent_bytes: 2 * MAX_RESPONSE_BYTES,
            send_timeout: Duration::from_secs(10),
            token_recheck: Duration::from_secs(2),
            max_response_bytes: MAX_RESPONSE_BYTES,
            max_concurrent_requests: MAX_CONCURRENT_REQUESTS,
        }
    }
}

/// Default cap on GraphQL requests running at once: enough to keep the database pool busy, few
/// enough that their memory stays small.
pub const MAX_CONCURRENT_REQUESTS: usize = 64;

/// Quiet time after which a WebSocket gets a keep-alive: below the idle timeouts of common
/// proxies and load balancers (often 60 seconds).
pub const KEEP_ALIVE: Duration = Duration::from_secs(20);

impl AppState {
    /// State over an open (migrated) database.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_options(db, Options::default())
    }

    /// State with other timings.
    pub fn with_options(db: DatabaseConnection, options: Options) -> Self {
        let feed = Arc::new(Feed::with_poll_interval(db.clone(), options.poll_interval));
        let schema = build_schema_with(db.clone(), feed, options.schema);
        let permits = Arc::new(Semaphore::new(options.max_concurrent_requests));
        Self { db, schema, options, sockets: ws::Sockets::default(), permits }
    }
}

/// Largest request body (and WebSocket message) accepted; a GraphQL query needs far less.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Default largest response body; larger answers are replaced by a coded error. The cost limit
/// keeps normal queries far below it.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// Longest a request may take before the client gets 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP routes of the contract: `/graphql` (POST, GET, and the IDE for browsers),
/// `/graphql/ws`, `/healthz`, `/readyz`, and `/` redirecting to the IDE.
pub fn router(state: AppState) -> Router {
    let cors = cors::layer(&state.options.cors);
    let routes = Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(ide::routes())
        .merge(crate::voorbeeld::routes())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(cors);
    layers::around(routes).with_state(state)
}

async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    // The permit comes before the body is read: under overload, waiting bodies cost memory too.
    let Ok(_permit) = state.permits.clone().try_acquire_owned() else { return busy() };
    match graphql_http::from_post(&headers, body, MAX_BODY_BYTES).await {
        Ok(request) => execute(&state, &headers, request).await,
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
    let Ok(_permit) = state.permits.clone().try_acquire_owned() else { return busy() };
    match graphql_http::from_get(query.as_deref()) {
        Ok(request) if is_mutation(&request) => mutation_over_get(),
        Ok(request) => execute(&state, &headers, request).await,
        Err(refusal) => refusal.into_response(),
    }
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
    match with_caller(state, headers, request).await {
        Ok(request) => {
            let response = state.schema.execute(request).await;
            graphql_http::answer(&query, operation_name.as_deref(), response, media, state.options.max_response_bytes)
        }
        Err(response) => response,
    }
}

/// The answer when every permit is taken: at once, so that an overloaded server sheds load
/// instead of queueing it.
fn busy() -> Response {
    let mut response = error_body::response(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "the server is busy; try again shortly",
    );
    response.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    response
}

/// Attaches the [`auth::Caller`] of the `Authorization` header, if any, to the request. Reads
/// need none; a write resolver asks for it with [`auth::require`]. When the token cannot be
/// looked up, the request fails as a whole rather than running as anonymous.
async fn with_caller(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Result<async_graphql::Request, Response> {
    match auth::caller_from_headers(&state.db, headers).await {
        Ok(Some(caller)) => Ok(request.data(caller)),
        Ok(None) => Ok(request),
        Err(err) => {
            tracing::error!(error = %err.detail(), "cannot look up the API token of a request");
            let body = serde_json::json!({
                "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL_SERVER_ERROR" } }]
            });
            Err((StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response())
        }
    }
}

/// Whether the operation a GET request would run is a mutation. GET must be safe: a link or a
/// prefetch must never change the registry. A query that does not parse is left to the schema,
/// which reports it properly.
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else { return false };
    let selected = match &request.operation_name {
        Some(name) => document.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)).map(|(_, op)| op),
        None => document.operations.iter().next().map(|(_, op)| op),
    };
    selected.is_some_and(|op| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
}

fn mutation_over_get() -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": "mutations must be sent with POST; GET /graphql runs queries only",
        "extensions": { "code": "BAD_USER_INPUT" }
    }] });
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], Json(body)).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "database unreachable" })))
                .into_response()
        }
    }
}

/// Opens and migrates the database, and loads the bundled dataset into an empty one.
///
/// # Errors
/// A database error, or a broken bundled dataset.
pub async fn prepare_database(url: &str) -> Result<DatabaseConnection, AppError> {
    // Instances that start together may all find the database empty: migrations run one instance
    // at a time (see `db`), and seeding takes the registry's write lock, so a later seeder finds
    // every record present and adds nothing.
    let conn = db::connect_and_migrate(url).await?;
    if gemeente::Entity::find().count(&conn).await? == 0 {
        let data = dataset::Dataset::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
        let report = dataset::seed(&conn, &data).await?;
        tracing::info!(?report, "empty database: loaded the bundled dataset");
    }
    Ok(conn)
}

/// Runs the server until SIGINT or SIGTERM, then finishes running requests and stops.
///
/// # Errors
/// When the database cannot be prepared or the address cannot be bound.
pub async fn serve(url: &str, listen: SocketAddr, options: Options) -> Result<(), AppError> {
    let conn = prepare_database(url).await?;
    let listener =
        TcpListener::bind(listen).await.map_err(|e| AppError::Internal(format!("cannot listen on {listen}: {e}")))?;
    tracing::info!("serving the API and the IDE on http://{listen}/graphql");
    let state = AppState::with_options(conn, options);
    let sockets = state.sockets.clone();
    // Upgraded WebSockets are no longer HTTP connections that the graceful shutdown waits for:
    // they are told to close when the signal comes, and given a moment to send their close frame.
    let signal = async move {
        shutdown_signal().await;
        sockets.close_all(SOCKET_CLOSE_GRACE).await;
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(signal)
        .await
        .map_err(|e| AppError::Internal(format!("server failed: {e}")))
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
