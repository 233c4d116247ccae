//! A real server on port 0 and a real GraphQL-over-WebSocket client for it, for the tests of
//! the change feed.

use std::net::SocketAddr;
use std::time::Duration;

use fusieregister::app::{AppState, Options};
use fusieregister::domain::TokenRol;
use futures_util::{SinkExt, StreamExt};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Guards against a hanging test only; it is not a speed requirement.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// A server over `conn` with `options`, and an editor token named `redactie`.
pub async fn serve(conn: DatabaseConnection, options: Options) -> (SocketAddr, String) {
    let (address, token, _) = serve_state(conn, options).await;
    (address, token)
}

/// As [`serve`], also returning the server's state (to stop its sockets, or reach its database).
pub async fn serve_state(conn: DatabaseConnection, options: Options) -> (SocketAddr, String, AppState) {
    let (_, token) = fusieregister::auth::store::create(&conn, "redactie", TokenRol::Editor).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let state = AppState::with_options(conn, options);
    tokio::spawn(fusieregister::app::serve_on(listener, state.clone(), std::future::pending()));
    (address, token, state)
}

/// Opens `/graphql/ws` in `protocol` without sending anything.
pub async fn open(address: SocketAddr, protocol: &str) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

/// Sends one text frame.
pub async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.unwrap();
}

/// The code and reason of the close frame the server sends next, skipping other messages.
pub async fn closed(socket: &mut Socket) -> (u16, String) {
    loop {
        match tokio::time::timeout(HANG_GUARD, socket.next()).await.expect("the server closes the socket") {
            Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), frame.reason.to_string()),
            Some(Ok(Message::Close(None))) | None => return (1005, String::new()),
            Some(Ok(_)) => {}
            Some(Err(err)) => return (1006, format!("the socket failed instead of closing: {err}")),
        }
    }
}

/// Sends `query` over plain HTTP with the token, and returns the JSON response.
pub async fn post(address: SocketAddr, token: &str, query: &str) -> Value {
    let body = json!({ "query": query }).to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let json = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(json).unwrap_or(Value::Null)
}

/// Opens `/graphql/ws` in `protocol` and completes `connection_init` with `payload`.
pub async fn connect_with(address: SocketAddr, protocol: &str, payload: Value) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    socket.send(Message::text(json!({ "type": "connection_init", "payload": payload }).to_string())).await.unwrap();
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    socket
}

/// Opens `/graphql/ws` in `protocol` without a token.
pub async fn connect(address: SocketAddr, protocol: &str) -> Socket {
    connect_with(address, protocol, json!({})).await
}

/// Starts an operation: `subscribe` in `graphql-transport-ws`, `start` in the legacy protocol.
pub async fn start(socket: &mut Socket, protocol: &str, id: &str, query: &str, variables: Value) {
    let kind = if protocol == "graphql-ws" { "start" } else { "subscribe" };
    let message = json!({ "id": id, "type": kind, "payload": { "query": query, "variables": variables } });
    socket.send(Message::text(message.to_string())).await.unwrap();
}

/// The next message that is not a keep-alive; a close frame comes as a message of its own kind.
pub async fn receive(socket: &mut Socket) -> Value {
    loop {
        match next_message(socket).await {
            Message::Text(text) => {
                let json: Value = serde_json::from_str(&text).unwrap();
                if json["type"] != "ka" && json["type"] != "ping" && json["type"] != "pong" {
                    return json;
                }
            }
            // Returned rather than skipped, so the caller's assertion shows why the socket closed.
            Message::Close(frame) => return json!({ "type": "closed by the server", "frame": format!("{frame:?}") }),
            _ => {}
        }
    }
}

/// The next message of any kind, keep-alives included.
pub async fn next_message(socket: &mut Socket) -> Message {
    let next = tokio::time::timeout(HANG_GUARD, socket.next()).await.expect("a message arrives");
    next.expect("the socket is still open").expect("the socket did not fail")
}

/// The `volgnummer` of a `next` (or legacy `data`) message of the change feed.
pub fn volgnummer(message: &Value) -> i64 {
    let number = message["payload"]["data"]["wijzigingen"]["volgnummer"].as_i64();
    number.ok_or_else(|| message.to_string()).expect("a change with its volgnummer")
}
