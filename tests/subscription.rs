//! The change feed over a real WebSocket, in both subprotocols: subscribe, change the registry
//! over HTTP, receive; and resume from a volgnummer without gap or duplicate.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use fusieregister::app::{AppState, router};
use fusieregister::domain::TokenRol;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Guards against a hanging test only; it is not a speed requirement.
const HANG_GUARD: Duration = Duration::from_secs(20);

async fn server() -> (SocketAddr, String) {
    let conn = common::seeded_database().await;
    let (_, token) = fusieregister::auth::store::create(&conn, "redactie", TokenRol::Editor).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(AppState::new(conn));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, token)
}

async fn post(address: SocketAddr, token: &str, query: &str) -> Value {
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

async fn connect(address: SocketAddr, protocol: &str) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    socket.send(Message::text(json!({ "type": "connection_init", "payload": {} }).to_string())).await.unwrap();
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    socket
}

/// The next message that is not a keep-alive.
async fn receive(socket: &mut Socket) -> Value {
    loop {
        let message =
            tokio::time::timeout(HANG_GUARD, socket.next()).await.expect("a message arrives").unwrap().unwrap();
        if let Message::Text(text) = message {
            let json: Value = serde_json::from_str(&text).unwrap();
            if json["type"] != "ka" && json["type"] != "ping" && json["type"] != "pong" {
                return json;
            }
        }
    }
}

const REGISTREER: &str = r#"mutation { registreerFusieorganisatie(input: { sleutel: "kust", naam: "Kust", rechtsvorm: OPENBAAR_LICHAAM,
    reikwijdte: VOLLEDIG, begindatum: "2024-01-01", deelnemers: ["GM0537", "GM0575"] }) { ambtelijkeFusie { sleutel } } }"#;
const FEED: &str = "subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf) { volgnummer soort entiteitId door } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_transport_ws_receives_a_change_made_over_http() {
    let (address, token) = server().await;
    let mut socket = connect(address, "graphql-transport-ws").await;
    // `vanaf: 0` replays the (empty) log first, so the change cannot slip in before the
    // subscription has started.
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": FEED, "variables": { "vanaf": 0 } } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    let response = post(address, &token, REGISTREER).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let message = receive(&mut socket).await;
        assert_eq!((message["type"].as_str(), message["id"].as_str()), (Some("next"), Some("1")), "{message}");
        let change = &message["payload"]["data"]["wijzigingen"];
        assert_eq!(change["door"], "redactie");
        numbers.push(change["volgnummer"].as_i64().unwrap());
    }
    assert_eq!(numbers, [1, 2, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_graphql_ws_resumes_without_gap_or_duplicate() {
    let (address, token) = server().await;
    let response = post(address, &token, REGISTREER).await;
    assert!(response.get("errors").is_none(), "{response:#}");

    // The client saw change 1 before it disconnected: resume after it.
    let mut socket = connect(address, "graphql-ws").await;
    let start = json!({ "id": "a", "type": "start", "payload": { "query": FEED, "variables": { "vanaf": 1 } } });
    socket.send(Message::text(start.to_string())).await.unwrap();
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let message = receive(&mut socket).await;
        assert_eq!(message["type"], "data", "{message}");
        numbers.push(message["payload"]["data"]["wijzigingen"]["volgnummer"].as_i64().unwrap());
    }
    // A live change after the replay follows at once, with the next number.
    let response = post(
        address,
        &token,
        r#"mutation { voegDeelnameToe(input: { sleutel: "kust", gemeente: "GM0546", rol: DEELNEMER, begindatum: "2025-01-01" }) { deelname { rol } } }"#,
    )
    .await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let message = receive(&mut socket).await;
    numbers.push(message["payload"]["data"]["wijzigingen"]["volgnummer"].as_i64().unwrap());
    assert_eq!(numbers, [2, 3, 4], "every change after vanaf exactly once, replay then live");
}

/// Two instances on one PostgreSQL database: the subscriber is on this process's server, the
/// change is made through a second server process. Only the database connects them (NOTIFY
/// wakes the subscriber; the log carries the change). SQLite has one process per file: skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_another_instance_reaches_subscribers_here() {
    let Some((conn, url)) = common::seeded_postgres_with_url().await else {
        eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let (_, token) = fusieregister::auth::store::create(&conn, "redactie", TokenRol::Editor).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let here = listener.local_addr().unwrap();
    fusieregister::events::listen(&conn);
    let app = router(AppState::new(conn));
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The other instance: the real binary, on the same database.
    let there = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap()
    };
    let mut other = tokio::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["serve", "--database-url", &url, "--listen", &there.to_string()])
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let ready = async {
        while tokio::net::TcpStream::connect(there).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(HANG_GUARD, ready).await.expect("the second instance starts");

    let mut socket = connect(here, "graphql-transport-ws").await;
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": FEED, "variables": { "vanaf": 0 } } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    let response = post(there, &token, REGISTREER).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let message = receive(&mut socket).await;
        numbers.push(message["payload"]["data"]["wijzigingen"]["volgnummer"].as_i64().unwrap());
    }
    assert_eq!(numbers, [1, 2, 3]);
    other.kill().await.ok();
}
