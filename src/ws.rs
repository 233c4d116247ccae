//! GraphQL over WebSocket at `/graphql/ws`, in both subprotocols: `graphql-transport-ws` and the
//! legacy `graphql-ws` (subscriptions-transport-ws). The protocol is run here rather than by
//! async-graphql, for what the specification asks and the library leaves out: the close codes
//! (4400, 4401, 4403, 4408, 4409, 4429), one task per operation, caps per connection, the API
//! token from `connection_init` re-checked while the socket is open, keep-alives, and a close
//! frame to every socket when the server stops.

mod connection;
mod message;
pub(crate) mod sockets;

use std::str::FromStr;
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::error_body;
use crate::app::graphql_http::BAD_REQUEST;
use crate::app::layers::REQUEST_ID;
use crate::app::state::{AppState, MAX_BODY_BYTES};
use message::Protocol;
pub use sockets::Sockets;

/// Read buffer per connection. Clients send small messages; the library's default (128 KiB,
/// allocated up front) would cost over a gigabyte for ten thousand idle subscribers. Larger
/// messages are still read, in several chunks.
const READ_BUFFER: usize = 4 * 1024;

/// Upgrades the request and serves GraphQL over the socket.
pub async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // axum refuses a request that cannot become a WebSocket in plain text; the client gets the
    // coded body of every other refusal instead, with axum's status and words.
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(refused) => return error_body::response(refused.status(), BAD_REQUEST, &refused.body_text()),
    };
    let Some(protocol) = protocol_of(&headers) else {
        let message = "name a subprotocol in Sec-WebSocket-Protocol: graphql-transport-ws or graphql-ws";
        return error_body::response(StatusCode::BAD_REQUEST, BAD_REQUEST, message);
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
    let request_id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
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
