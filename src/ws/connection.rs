//! One WebSocket connection, as the graphql-transport-ws protocol describes it (and the legacy
//! protocol where it differs): `connection_init` first and in time, one operation per ID, every
//! violation closed with the protocol's code, every operation in a task of its own.
//!
//! Two tasks serve a socket. This one reads the client's messages and runs the operations, each
//! in its own task, so that a panic in one becomes an `error` for that operation alone. The
//! writer moves outgoing messages to the socket, adds keep-alives, and gives up on a client that
//! does not read: unsent messages are capped in bytes per connection, and a write that does not
//! finish in time drops the connection.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::{SplitSink, SplitStream, StreamExt};
use serde_json::{Map, Value};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;
use tracing::Instrument;

use super::KeepAlive;
use super::message::{self, ClientMessage, Protocol};
use crate::app::admission::Admission;
use crate::app::state::AppState;
use crate::app::{error_body, graphql_http, input_check};
use crate::auth::{self, Caller};

/// Messages waiting for the writer.
const OUTBOX: usize = 64;

/// A message for the writer, with the share of the connection's byte budget it holds until it
/// is written.
type Outgoing = (Message, Option<OwnedSemaphorePermit>);

/// How a connection behaves; see [`crate::app::state::Options`] for the meaning of each.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub init_timeout: Duration,
    pub max_operations: usize,
    pub max_unsent_bytes: usize,
    pub send_timeout: Duration,
    pub token_recheck: Duration,
    pub max_response_bytes: usize,
    pub keep_alive: KeepAlive,
}

/// How an operation's task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// All results were sent; `complete` follows.
    Completed,
    /// It ends with this `error` message, and nothing follows. The connection sends it only
    /// after freeing the operation's ID: a client may reuse the ID as soon as it reads the
    /// message, and must not find it still taken (4409).
    Failed(String),
    /// The writer is gone.
    Gone,
}

/// Why the connection ends: a close code and reason, or nothing to say (the client left).
type Ending = Option<(u16, String)>;

/// Serves the protocol on `socket` until either side ends it.
pub async fn run(
    socket: WebSocket,
    state: AppState,
    protocol: Protocol,
    settings: Settings,
    shutdown: watch::Receiver<bool>,
) {
    let (sink, incoming) = socket.split();
    let (outbox, outgoing) = mpsc::channel::<Outgoing>(OUTBOX);
    let writer = tokio::spawn(write(outgoing, sink, settings).in_current_span());
    let mut connection = Connection {
        state,
        protocol,
        settings,
        outbox: outbox.clone(),
        budget: Arc::new(Semaphore::new(settings.max_unsent_bytes)),
        overflow: Arc::new(Notify::new()),
        initialised: false,
        caller: None,
        revoked: false,
        ids: HashMap::new(),
        tasks: HashMap::new(),
        operations: JoinSet::new(),
    };
    if let Some((code, reason)) = connection.serve(incoming, shutdown).await {
        let frame = CloseFrame { code, reason: message::close_reason(&reason).into() };
        let _ = tokio::time::timeout(settings.send_timeout, outbox.send((Message::Close(Some(frame)), None))).await;
    }
    // Stopping the operations drops their handles on the outbox; the writer then sends what is
    // queued, the close frame last, and ends.
    drop(connection);
    drop(outbox);
    let _ = writer.await;
}

struct Connection {
    state: AppState,
    protocol: Protocol,
    settings: Settings,
    outbox: mpsc::Sender<Outgoing>,
    /// Bytes that may wait unsent; an operation that finds it spent ends the connection.
    budget: Arc<Semaphore>,
    overflow: Arc<Notify>,
    initialised: bool,
    /// The caller of the `connection_init` token, re-checked per operation and periodically.
    caller: Option<Caller>,
    revoked: bool,
    /// Running operations by client ID, and the client ID of each task.
    ids: HashMap<String, AbortHandle>,
    tasks: HashMap<tokio::task::Id, String>,
    operations: JoinSet<Outcome>,
}

impl Connection {
    async fn serve(&mut self, mut incoming: SplitStream<WebSocket>, mut shutdown: watch::Receiver<bool>) -> Ending {
        if *shutdown.borrow() {
            return Some((1001, "the server is shutting down".to_owned()));
        }
        let init_deadline = Instant::now() + self.settings.init_timeout;
        // The first re-check one period from now: `connection_init` has just checked the token,
        // and a plain `interval` would tick at once, racing a revoke with the per-operation check.
        let period = self.settings.token_recheck;
        let mut recheck = tokio::time::interval_at(Instant::now() + period, period);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let overflow = self.overflow.clone();
        loop {
            tokio::select! {
                message = incoming.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(ending) = self.on_text(text.as_str()).await {
                            return ending;
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        return Some((4400, "invalid message: binary frames are not part of the protocol".to_owned()));
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                },
                Some(done) = self.operations.join_next_with_id(), if !self.operations.is_empty() => {
                    if !self.on_finished(done).await {
                        return None;
                    }
                }
                () = tokio::time::sleep_until(init_deadline), if !self.initialised => {
                    return Some((4408, "Connection initialisation timeout".to_owned()));
                }
                _ = recheck.tick(), if self.caller.is_some() => {
                    if self.token_revoked().await {
                        return Some((4403, "Forbidden: the API token of this connection was revoked".to_owned()));
                    }
                }
                () = overflow.notified() => {
                    return Some((1008, "the client does not read its messages".to_owned()));
                }
                _ = shutdown.changed() => return Some((1001, "the server is shutting down".to_owned())),
                () = self.outbox.closed() => return None,
            }
        }
    }

    /// Handles one text frame; `Some` ends the connection.
    async fn on_text(&mut self, text: &str) -> Option<Ending> {
        let message = match message::parse(text, self.protocol) {
            Ok(message) => message,
            Err(reason) => return Some(Some((4400, reason.to_owned()))),
        };
        match message {
            ClientMessage::ConnectionInit(payload) => {
                if self.initialised {
                    return Some(Some((4429, "Too many initialisation requests".to_owned())));
                }
                self.initialised = true;
                match auth::caller_from_init_payload(&self.state.reads(), &payload).await {
                    Ok(caller) => self.caller = caller,
                    Err(err) => {
                        tracing::error!(error = %err.detail(), "cannot look up the API token of a WebSocket connection");
                        return Some(Some((1011, "internal error".to_owned())));
                    }
                }
                self.send(message::ack()).await
            }
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, payload).await,
            ClientMessage::Complete { id } => {
                if let Some(handle) = self.ids.remove(&id) {
                    handle.abort();
                    self.tasks.remove(&handle.id());
                    if self.protocol == Protocol::Legacy {
                        return self.send(message::complete(&id)).await;
                    }
                }
                None
            }
            ClientMessage::Ping(payload) => self.send(message::pong(payload)).await,
            ClientMessage::Pong => None,
            ClientMessage::Terminate => Some(Some((1000, String::new()))),
        }
    }

    async fn subscribe(&mut self, id: String, payload: Map<String, Value>) -> Option<Ending> {
        if !self.initialised {
            return Some(Some((4401, "Unauthorized".to_owned())));
        }
        if self.ids.get(&id).is_some_and(|handle| !handle.is_finished()) {
            return Some(Some((4409, format!("Subscriber for {id} already exists"))));
        }
        if self.ids.len() >= self.settings.max_operations {
            let text = format!("at most {} operations may run on one connection", self.settings.max_operations);
            return self
                .send(message::error(self.protocol, &id, &[error_body::error("TOO_MANY_OPERATIONS", &text, None)]))
                .await;
        }
        let mut request = match graphql_http::from_fields(payload) {
            Ok(request) => request,
            Err(refusal) => return Some(Some((4400, format!("invalid message: {}", refusal.message)))),
        };
        if let Err(unresolved) = self.state.options.persisted.resolve(&mut request) {
            let error = error_body::error(unresolved.code(), &unresolved.message(), None);
            return self.send(message::error(self.protocol, &id, &[error])).await;
        }
        if let Err(err) = input_check::check(&request) {
            return self.send(message::error(self.protocol, &id, &[error_body::of(&err)])).await;
        }
        match self.current_caller().await {
            Ok(Some(caller)) => request = request.data(caller),
            Ok(None) => {}
            Err(()) => {
                return self.send(message::error(self.protocol, &id, &[error_body::internal()])).await;
            }
        }
        // Queries and mutations take their turn among the requests executing at once, as over
        // HTTP; a subscription waits for events, and its events are small.
        let is_subscription =
            graphql_http::selected_operation(&request).is_some_and(|(ty, _)| ty == OperationType::Subscription);
        let operation = Operation {
            admission: (!is_subscription).then(|| self.state.admission.clone()),
            _counted: is_subscription.then(|| self.state.metrics.subscription_started()),
            id: id.clone(),
            protocol: self.protocol,
            outbox: self.outbox.clone(),
            budget: self.budget.clone(),
            overflow: self.overflow.clone(),
            max_response_bytes: self.settings.max_response_bytes,
        };
        let schema = self.state.schema.clone();
        let span = tracing::info_span!("operation", id = %id);
        let handle = self.operations.spawn(operation.run(schema, request).instrument(span));
        self.tasks.insert(handle.id(), id.clone());
        self.ids.insert(id, handle);
        None
    }

    /// The caller to run an operation as: the token's holder while the token is still valid.
    /// A revoked token runs the operation as anonymous (so writes fail with `UNAUTHENTICATED`)
    /// and marks the connection for closing at the next check.
    async fn current_caller(&mut self) -> Result<Option<Caller>, ()> {
        let Some(caller) = &self.caller else { return Ok(None) };
        if self.revoked {
            return Ok(None);
        }
        match auth::store::is_active(&self.state.reads(), caller.token_id).await {
            Ok(true) => Ok(Some(caller.clone())),
            Ok(false) => {
                self.revoked = true;
                Ok(None)
            }
            Err(err) => {
                tracing::error!(error = %err.detail(), "cannot re-check the API token of a WebSocket connection");
                Err(())
            }
        }
    }

    /// Whether the connection's token has been revoked. A database that cannot answer is no
    /// reason to drop the client; the next check tries again.
    async fn token_revoked(&mut self) -> bool {
        let Some(caller) = &self.caller else { return false };
        if !self.revoked {
            match auth::store::is_active(&self.state.reads(), caller.token_id).await {
                Ok(active) => self.revoked = !active,
                Err(err) => {
                    tracing::warn!(error = %err.detail(), "cannot re-check the API token of a WebSocket connection")
                }
            }
        }
        if self.revoked {
            tracing::info!(token_name = %caller.naam, "closing a WebSocket whose API token was revoked");
        }
        self.revoked
    }

    /// Frees an operation's ID once its task has ended, and tells the client how it ended.
    /// `false` when the writer is gone.
    async fn on_finished(&mut self, done: Result<(tokio::task::Id, Outcome), tokio::task::JoinError>) -> bool {
        let (task, outcome) = match done {
            Ok((task, outcome)) => (task, Ok(outcome)),
            Err(err) => (err.id(), Err(err)),
        };
        // A task aborted because the client completed it was already forgotten.
        let Some(id) = self.tasks.remove(&task) else { return true };
        self.ids.remove(&id);
        if outcome.as_ref().is_ok_and(|o| *o == Outcome::Gone) {
            return false;
        }
        match finished_message(self.protocol, &id, outcome) {
            Some(text) => self.send(text).await.is_none(),
            None => true,
        }
    }

    /// Queues a control message; `Some(None)` (end quietly) when the writer is gone.
    async fn send(&self, text: String) -> Option<Ending> {
        match self.outbox.send((Message::text(text), None)).await {
            Ok(()) => None,
            Err(_) => Some(None),
        }
    }
}

/// What the client is told when an operation's task has ended: `complete` after its results,
/// the `error` message that ended it, and an internal error when it panicked. The panic stays in
/// its task; the connection and its other operations go on.
fn finished_message(protocol: Protocol, id: &str, outcome: Result<Outcome, tokio::task::JoinError>) -> Option<String> {
    match outcome {
        Ok(Outcome::Completed) => Some(message::complete(id)),
        Ok(Outcome::Failed(error)) => Some(error),
        Ok(Outcome::Gone) => None,
        Err(err) if err.is_panic() => {
            tracing::error!(operation = %id, "an operation panicked; answered with INTERNAL_SERVER_ERROR");
            Some(message::error(protocol, id, &[error_body::internal()]))
        }
        Err(_) => None,
    }
}

/// One running operation: executes the request and sends each result.
struct Operation {
    /// When a query or mutation may execute; `None` for a subscription.
    admission: Option<Arc<Admission>>,
    /// Counts a subscription among the active ones while it runs.
    _counted: Option<crate::app::metrics::ActiveSubscription>,
    id: String,
    protocol: Protocol,
    outbox: mpsc::Sender<Outgoing>,
    budget: Arc<Semaphore>,
    overflow: Arc<Notify>,
    max_response_bytes: usize,
}

impl Operation {
    async fn run(self, schema: crate::graphql::Api, request: async_graphql::Request) -> Outcome {
        let query = request.query.clone();
        let operation_name = request.operation_name.clone();
        // Held while the query executes; never while waiting for the client to read its result.
        let mut turn = match &self.admission {
            Some(admission) => admission.enter(&query, operation_name.as_deref()).await.ok(),
            None => None,
        };
        let mut results = async_graphql::Executor::execute_stream(&schema, request, None);
        let mut first = true;
        while let Some(mut response) = results.next().await {
            if first && graphql_http::is_request_error(&response) {
                graphql_http::explain_operation_errors(&query, operation_name.as_deref(), &mut response.errors);
                // graphql-transport-ws sends errors that kept the operation from running as an
                // `error` message; errors raised while running travel in `next`.
                if self.protocol == Protocol::TransportWs && refused_before_running(&response) {
                    let errors: Vec<Value> =
                        response.errors.iter().filter_map(|e| serde_json::to_value(e).ok()).collect();
                    return self.failed(&errors);
                }
            }
            first = false;
            let payload = graphql_http::serialize_capped(&response, self.max_response_bytes);
            drop(response);
            if let (Some(admission), Some(turn)) = (&self.admission, turn.take()) {
                let bytes = payload.as_ref().map_or(self.max_response_bytes, Vec::len);
                admission.finish(turn, bytes);
            }
            let Some(payload) = payload else {
                let text = graphql_http::too_large(self.max_response_bytes);
                return self.failed(&[error_body::error(graphql_http::RESPONSE_TOO_LARGE, &text, None)]);
            };
            let text = message::next(self.protocol, &self.id, &payload);
            let size = u32::try_from(text.len()).unwrap_or(u32::MAX);
            let Ok(permit) = self.budget.clone().try_acquire_many_owned(size) else {
                self.overflow.notify_one();
                return Outcome::Gone;
            };
            if self.outbox.send((Message::text(text), Some(permit))).await.is_err() {
                return Outcome::Gone;
            }
        }
        Outcome::Completed
    }

    fn failed(&self, errors: &[Value]) -> Outcome {
        Outcome::Failed(message::error(self.protocol, &self.id, errors))
    }
}

/// Errors of a document that never ran: parse, validation, limits, or the choice of operation.
fn refused_before_running(response: &async_graphql::Response) -> bool {
    const BEFORE_RUNNING: [&str; 4] =
        ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX", graphql_http::BAD_REQUEST];
    response.errors.iter().all(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|code| BEFORE_RUNNING.iter().any(|c| *code == async_graphql::Value::from(*c)))
    })
}

/// Moves outgoing messages to the socket; once the connection is acknowledged, sends a
/// keep-alive whenever it has been quiet for the interval. A write that does not finish within
/// the send timeout means the client does not read: the connection is dropped.
async fn write(mut outgoing: mpsc::Receiver<Outgoing>, mut sink: SplitSink<WebSocket, Message>, settings: Settings) {
    let keep_alive = settings.keep_alive;
    let ack = message::ack();
    let mut acknowledged = false;
    loop {
        let next = if acknowledged {
            match tokio::time::timeout(keep_alive.interval, outgoing.recv()).await {
                Ok(next) => next,
                Err(_) => Some((keep_alive.message(), None)),
            }
        } else {
            outgoing.recv().await
        };
        let Some((message, permit)) = next else { break };
        if let Message::Text(text) = &message {
            acknowledged |= text.as_str() == ack;
        }
        let closing = matches!(message, Message::Close(_));
        match tokio::time::timeout(settings.send_timeout, sink.send(message)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => break,
            Err(_) => {
                tracing::info!("a WebSocket client stopped reading; dropping the connection");
                break;
            }
        }
        drop(permit);
        if closing {
            break;
        }
    }
    // Dropping the receiver makes the next write of the connection fail, which ends it.
    drop(outgoing);
    let _ = tokio::time::timeout(settings.send_timeout, sink.close()).await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    #[tokio::test]
    async fn a_panicking_operation_becomes_an_error_for_that_operation() {
        let mut tasks = JoinSet::new();
        tasks.spawn(async { panic!("kapot") });
        tasks.spawn(async { Outcome::Completed });
        let mut messages = Vec::new();
        while let Some(done) = tasks.join_next().await {
            messages.push(finished_message(Protocol::TransportWs, "7", done).unwrap());
        }
        let (errors, completes): (Vec<Value>, Vec<Value>) =
            messages.iter().map(|m| serde_json::from_str::<Value>(m).unwrap()).partition(|m| m["type"] == "error");
        assert_eq!(errors[0]["payload"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert!(!messages.iter().any(|m| m.contains("kapot")), "the panic message stays in the log");
        assert_eq!(completes, [serde_json::json!({ "type": "complete", "id": "7" })]);
    }

    #[tokio::test]
    async fn an_operation_that_finds_the_byte_budget_spent_ends_the_connection() {
        let (outbox, mut outgoing) = mpsc::channel(4);
        let overflow = Arc::new(Notify::new());
        let operation = Operation {
            admission: None,
            _counted: None,
            id: "1".to_owned(),
            protocol: Protocol::TransportWs,
            outbox,
            budget: Arc::new(Semaphore::new(8)),
            overflow: overflow.clone(),
            max_response_bytes: 1024,
        };
        let notified = overflow.notified();
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let outcome = operation.run(crate::graphql::build_schema(db).into(), "{ __typename }".into()).await;
        assert_eq!(outcome, Outcome::Gone);
        notified.await;
        assert!(outgoing.try_recv().is_err(), "nothing was queued");
    }
}
