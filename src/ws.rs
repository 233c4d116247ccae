//! GraphQL over WebSocket at `/graphql/ws`, in both subprotocols: `graphql-transport-ws` and the
//! legacy `graphql-ws` (subscriptions-transport-ws). The protocol is run here rather than by
//! async-graphql, for what the specification asks and the library leaves out: the close codes
//! (4400, 4401, 4403, 4408, 4409, 4429), one task per operation, caps per connection, the API
//! token from `connection_init` re-checked while the socket is open, keep-alives, and a close
//! frame to every socket when the server stops.

mod connection;
mod message;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use axum::extract::State;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use crate::app::{AppState, MAX_BODY_BYTES};
use message::Protocol;

/// Read buffer per connection. Clients send small messages; the library's default (128 KiB,
/// allocated up front) would cost over a gigabyte for ten thousand idle subscribers. Larger
/// messages are still read, in several chunks.
const READ_BUFFER: usize = 4 * 1024;

/// Upgrades the request and serves GraphQL over the socket.
pub async fn graphql_ws(State(state): State<AppState>, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    let Some(protocol) = protocol_of(&headers) else {
        let message = "name a subprotocol in Sec-WebSocket-Protocol: graphql-transport-ws or graphql-ws";
        return crate::app::error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", message);
    };
    let options = state.options.clone();
    let settings = connection::Settings {
        init_timeout: options.connection_init_timeout,
        max_operations: options.max_operations_per_socket,
        max_unsent_bytes: options.max_unsent_bytes,
        send_timeout: options.send_timeout,
        token_recheck: options.token_recheck,
        max_response_bytes: options.max_response_bytes,
        keep_alive: KeepAlive { interval: options.keep_alive, legacy: protocol == Protocol::Legacy },
    };
    let shutdown = state.sockets.subscribe();
    let request_id = headers.get(crate::app::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let span = tracing::info_span!("websocket", request_id = %request_id);
    upgrade
        .read_buffer_size(READ_BUFFER)
        .max_message_size(MAX_BODY_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            tracing::Instrument::instrument(connection::run(socket, state, protocol, settings, shutdown), span)
        })
        .into_response()
}

/// The first subprotocol the client offers that the server speaks.
fn protocol_of(headers: &HeaderMap) -> Option<Protocol> {
    let offered = headers.get(header::SEC_WEBSOCKET_PROTOCOL)?.to_str().ok()?;
    offered.split(',').find_map(|name| match WebSocketProtocols::from_str(name.trim()).ok()? {
        WebSocketProtocols::GraphQLWS => Some(Protocol::TransportWs),
        WebSocketProtocols::SubscriptionsTransportWS => Some(Protocol::Legacy),
    })
}

/// The open sockets, told when the server stops so that each gets a close frame.
#[derive(Debug, Clone)]
pub struct Sockets(Arc<watch::Sender<bool>>);

impl Default for Sockets {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }
}

impl Sockets {
    fn subscribe(&self) -> watch::Receiver<bool> {
        self.0.subscribe()
    }

    /// Tells every socket to close (with 1001, going away) and waits until all have, or until
    /// `grace` has passed.
    pub async fn close_all(&self, grace: Duration) {
        self.0.send_replace(true);
        if tokio::time::timeout(grace, self.0.closed()).await.is_err() {
            tracing::warn!(open = self.0.receiver_count(), "WebSockets still open after the shutdown grace period");
        }
    }
}

/// What the server sends on a quiet connection, per subprotocol.
#[derive(Debug, Clone, Copy)]
pub struct KeepAlive {
    interval: Duration,
    /// The legacy protocol has its own keep-alive message (`ka`); `graphql-transport-ws` leaves
    /// it to the WebSocket's ping frames, which every client answers by itself.
    legacy: bool,
}

impl KeepAlive {
    fn message(self) -> Message {
        if self.legacy { Message::text(r#"{"type":"ka"}"#) } else { Message::Ping(Default::default()) }
    }
}
