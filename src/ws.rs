//! GraphQL over WebSocket at `/graphql/ws`, in both subprotocols: `graphql-transport-ws` and the
//! legacy `graphql-ws` (subscriptions-transport-ws). async-graphql runs the protocol; this module
//! adds what it leaves to the server: the API token from the `connection_init` payload, and
//! keep-alives, so that proxies and load balancers do not close a quiet subscription.

use std::str::FromStr;
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use futures_channel::mpsc;
use futures_util::stream::{SplitSink, StreamExt};
use futures_util::{SinkExt, future};
use sea_orm::DatabaseConnection;

use crate::app::{AppState, MAX_BODY_BYTES};
use crate::auth;

/// Messages waiting for a slow client before the connection stops taking more.
const OUTBOX: usize = 64;

/// Read buffer per connection. Clients send small messages; the library's default (128 KiB,
/// allocated up front) would cost over a gigabyte for ten thousand idle subscribers. Larger
/// messages are still read, in several chunks.
const READ_BUFFER: usize = 4 * 1024;

/// Upgrades the request and serves GraphQL over the socket.
pub async fn graphql_ws(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let keep_alive = KeepAlive::for_protocol(&headers, state.options.keep_alive);
    upgrade
        .read_buffer_size(READ_BUFFER)
        .max_message_size(MAX_BODY_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, protocol, keep_alive))
        .into_response()
}

/// Runs the protocol on `socket`. async-graphql writes into a channel; a second task moves its
/// messages to the socket and adds keep-alives between them. When either side ends, so does the
/// other: a closed socket stops the protocol, and the end of the protocol closes the socket.
async fn serve(socket: WebSocket, state: AppState, protocol: GraphQLProtocol, keep_alive: KeepAlive) {
    let (sink, stream) = socket.split();
    let (outbox, outgoing) = mpsc::channel::<Message>(OUTBOX);
    let db = state.db.clone();
    let graphql = GraphQLWebSocket::new_with_pair(outbox, stream, state.schema.clone(), protocol)
        .on_connection_init(move |payload| connection_data(db, payload))
        .serve();
    future::join(graphql, forward(outgoing, sink, keep_alive)).await;
}

/// The caller of the token in the `connection_init` payload (`{"Authorization": "Bearer …"}` or
/// `{"token": "…"}`), as for an HTTP request's header: it lets mutations sent over the socket
/// write. A payload without a usable token connects as anonymous, which may read everything.
async fn connection_data(db: DatabaseConnection, payload: serde_json::Value) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    match auth::caller_from_init_payload(&db, &payload).await {
        Ok(Some(caller)) => data.insert(caller),
        Ok(None) => {}
        Err(err) => {
            tracing::error!(error = %err.detail(), "cannot look up the API token of a WebSocket connection");
            return Err(async_graphql::Error::new("internal error"));
        }
    }
    Ok(data)
}

/// What the server sends on a quiet connection, per subprotocol.
#[derive(Debug, Clone, Copy)]
struct KeepAlive {
    interval: Duration,
    /// The legacy protocol has its own keep-alive message (`ka`); `graphql-transport-ws` leaves
    /// it to the WebSocket's ping frames, which every client answers by itself.
    legacy: bool,
}

impl KeepAlive {
    fn for_protocol(headers: &HeaderMap, interval: Duration) -> Self {
        // The same choice as async-graphql's GraphQLProtocol extractor: the first known name.
        let legacy = headers
            .get(header::SEC_WEBSOCKET_PROTOCOL)
            .and_then(|value| value.to_str().ok())
            .and_then(|names| names.split(',').find_map(|name| WebSocketProtocols::from_str(name.trim()).ok()))
            .is_some_and(|protocol| protocol == WebSocketProtocols::SubscriptionsTransportWS);
        Self { interval, legacy }
    }

    fn message(self) -> Message {
        if self.legacy { Message::text(r#"{"type":"ka"}"#) } else { Message::Ping(Default::default()) }
    }
}

/// Moves the protocol's messages to the socket; once the connection is acknowledged, sends a
/// keep-alive whenever the connection has been quiet for the interval.
async fn forward(
    mut outgoing: mpsc::Receiver<Message>,
    mut sink: SplitSink<WebSocket, Message>,
    keep_alive: KeepAlive,
) {
    let mut acknowledged = false;
    loop {
        let next = if acknowledged {
            match tokio::time::timeout(keep_alive.interval, outgoing.next()).await {
                Ok(next) => next,
                Err(_) => Some(keep_alive.message()),
            }
        } else {
            outgoing.next().await
        };
        let Some(message) = next else { break };
        if let Message::Text(text) = &message {
            acknowledged |= text.as_str().contains(r#""connection_ack""#);
        }
        if sink.send(message).await.is_err() {
            break;
        }
    }
    // Dropping the receiver makes the protocol's next write fail, which ends it.
    drop(outgoing);
    let _ = sink.close().await;
}
