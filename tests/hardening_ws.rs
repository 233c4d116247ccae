//! GraphQL over WebSocket to the letter of graphql-transport-ws: the close codes, close frames a
//! client accepts, a close frame to every socket when the server stops, a cap on operations per
//! socket, and a revoked token that stops working on an open socket.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed setup step should fail the test loudly

mod common;

use std::time::Duration;

use common::ws::{self, Socket};
use fusieregister::app::Options;
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

const TRANSPORT: &str = "graphql-transport-ws";
const FEED: &str = "subscription { wijzigingen { volgnummer } }";

async fn server(options: Options) -> (std::net::SocketAddr, String, fusieregister::app::AppState) {
    ws::serve_state(common::seeded_database().await, options).await
}

async fn initialised(address: std::net::SocketAddr) -> Socket {
    ws::connect(address, TRANSPORT).await
}

fn subscribe(id: &str, query: &str) -> serde_json::Value {
    json!({ "type": "subscribe", "id": id, "payload": { "query": query } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_before_connection_init_is_4401() {
    let (address, _, _) = server(Options::default()).await;
    let mut socket = ws::open(address, TRANSPORT).await;
    ws::send(&mut socket, subscribe("1", FEED)).await;
    assert_eq!(ws::closed(&mut socket).await, (4401, "Unauthorized".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_connection_init_in_time_is_4408_in_both_protocols() {
    let options = Options { connection_init_timeout: Duration::from_millis(200), ..Options::default() };
    let (address, _, _) = server(options).await;
    for protocol in [TRANSPORT, "graphql-ws"] {
        let mut socket = ws::open(address, protocol).await;
        assert_eq!(ws::closed(&mut socket).await.0, 4408, "{protocol}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_messages_are_4400() {
    let (address, _, _) = server(Options::default()).await;
    for bad in [
        Message::text("not json"),
        Message::text(r#"{"type":"subscribe","id":"1"}"#),
        Message::text(r#"{"type":"bestaat_niet"}"#),
        Message::text(r#"{"type":"subscribe","id":"1","payload":{"query":42}}"#),
        Message::binary(b"{}".to_vec()),
    ] {
        let mut socket = initialised(address).await;
        socket.send(bad.clone()).await.unwrap();
        let (code, reason) = ws::closed(&mut socket).await;
        assert_eq!(code, 4400, "{bad:?}: {reason}");
        assert!(reason.len() <= 123, "a close frame holds at most 125 bytes: {reason}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_connection_init_is_4429() {
    let (address, _, _) = server(Options::default()).await;
    let mut socket = initialised(address).await;
    ws::send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(ws::closed(&mut socket).await.0, 4429);
}

/// A running operation's ID may not be used again; a long ID is cut in the close reason, which
/// must fit a close frame. Once an operation is complete, its ID is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_operation_id_is_4409_with_a_short_reason() {
    let (address, _, _) = server(Options::default()).await;
    let mut socket = initialised(address).await;
    ws::send(&mut socket, subscribe("q", "{ __typename }")).await;
    assert_eq!(ws::receive(&mut socket).await["type"], "next");
    assert_eq!(ws::receive(&mut socket).await, json!({ "type": "complete", "id": "q" }));
    ws::send(&mut socket, subscribe("q", "{ __typename }")).await;
    assert_eq!(ws::receive(&mut socket).await["type"], "next", "a completed ID may be used again");
    assert_eq!(ws::receive(&mut socket).await["type"], "complete");

    let id = "é".repeat(64);
    ws::send(&mut socket, subscribe(&id, FEED)).await;
    ws::send(&mut socket, subscribe(&id, FEED)).await;
    let (code, reason) = ws::closed(&mut socket).await;
    assert_eq!(code, 4409, "{reason}");
    assert!(reason.starts_with("Subscriber for é") && reason.len() <= 123, "{reason}");
}

/// A document that cannot run gets an `error` message (a list of coded GraphQL errors), and no
/// `complete` after it; the connection stays open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_that_cannot_run_is_an_error_message() {
    let (address, _, _) = server(Options::default()).await;
    let mut socket = initialised(address).await;
    for (query, code) in [
        ("{ bestaatNiet }", "GRAPHQL_VALIDATION_FAILED"),
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ gemeenten(naam: \"a\\u0000\") { totalCount } }", "BAD_USER_INPUT"),
    ] {
        ws::send(&mut socket, subscribe("e", query)).await;
        let message = ws::receive(&mut socket).await;
        assert_eq!((message["type"].as_str(), message["id"].as_str()), (Some("error"), Some("e")), "{message}");
        assert_eq!(message["payload"][0]["extensions"]["code"], code, "{message}");
    }
    ws::send(&mut socket, json!({ "type": "ping", "payload": { "n": 1 } })).await;
    let Message::Text(pong) = ws::next_message(&mut socket).await else { panic!("a text message") };
    let pong: serde_json::Value = serde_json::from_str(&pong).unwrap();
    assert_eq!(pong, json!({ "type": "pong", "payload": { "n": 1 } }), "the connection is still open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_per_socket_are_capped() {
    let options = Options { max_operations_per_socket: 2, ..Options::default() };
    let (address, _, _) = server(options).await;
    let mut socket = initialised(address).await;
    ws::send(&mut socket, subscribe("1", FEED)).await;
    ws::send(&mut socket, subscribe("2", FEED)).await;
    ws::send(&mut socket, subscribe("3", FEED)).await;
    let message = ws::receive(&mut socket).await;
    assert_eq!((message["type"].as_str(), message["id"].as_str()), (Some("error"), Some("3")), "{message}");
    assert_eq!(message["payload"][0]["extensions"]["code"], "TOO_MANY_OPERATIONS");
    // Completing one makes room for another.
    ws::send(&mut socket, json!({ "type": "complete", "id": "1" })).await;
    ws::send(&mut socket, subscribe("4", "{ __typename }")).await;
    assert_eq!(ws::receive(&mut socket).await["id"], "4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_socket_gets_a_close_frame_when_the_server_stops() {
    let (address, _, state) = server(Options::default()).await;
    let mut sockets = vec![initialised(address).await, ws::connect(address, "graphql-ws").await];
    ws::start(&mut sockets[0], TRANSPORT, "1", FEED, json!({})).await;
    let stopping = tokio::spawn(async move { state.sockets.close_all(Duration::from_secs(5)).await });
    for socket in &mut sockets {
        assert_eq!(ws::closed(socket).await.0, 1001);
    }
    stopping.await.unwrap();
}

/// The token's current state decides, not the state it had at `connection_init`: after a revoke
/// (here straight in the database, as another instance or the CLI would), a write over the open
/// socket is `UNAUTHENTICATED`, and the server closes the socket with 4403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stops_working_on_an_open_socket() {
    let mutation = r#"mutation { registreerFusieorganisatie(input: { sleutel: "kust", naam: "Kust", rechtsvorm: OPENBAAR_LICHAAM,
        reikwijdte: VOLLEDIG, begindatum: "2024-01-01", deelnemers: ["GM0537", "GM0575"] }) { ambtelijkeFusie { sleutel } } }"#;
    // A slow re-check, so that the write meets the per-operation check first.
    let options = Options { token_recheck: Duration::from_secs(3600), ..Options::default() };
    let (address, token, state) = server(options).await;
    let payload = json!({ "Authorization": format!("Bearer {token}") });
    let mut socket = ws::connect_with(address, TRANSPORT, payload.clone()).await;
    fusieregister::auth::store::revoke(&state.db, "redactie").await.unwrap();
    ws::send(&mut socket, subscribe("w", mutation)).await;
    let message = ws::receive(&mut socket).await;
    assert_eq!(message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{message}");

    // With the default re-check, the socket of a revoked token is closed within seconds.
    let conn = common::seeded_database().await;
    let (address, token, state) = ws::serve_state(conn, Options::default()).await;
    let payload = json!({ "Authorization": format!("Bearer {token}") });
    let mut socket = ws::connect_with(address, TRANSPORT, payload).await;
    ws::start(&mut socket, TRANSPORT, "1", FEED, json!({})).await;
    fusieregister::auth::store::revoke(&state.db, "redactie").await.unwrap();
    let (code, reason) = ws::closed(&mut socket).await;
    assert_eq!(code, 4403, "{reason}");
    // An anonymous socket is not affected.
    let mut anonymous = initialised(address).await;
    ws::send(&mut anonymous, subscribe("r", "{ __typename }")).await;
    assert_eq!(ws::receive(&mut anonymous).await["type"], "next");
}

/// A query over the WebSocket takes its turn among the requests executing at once, as over
/// HTTP: while the only turn is taken it waits, and it answers once the turn is free.
#[tokio::test]
async fn a_query_over_the_socket_waits_for_a_turn() {
    let options = Options { max_running_requests: Some(1), ..Options::default() };
    let (address, _, state) = server(options).await;
    let mut socket = initialised(address).await;
    let executing = state.admission.enter("{ __typename }", None).await.unwrap();
    ws::send(&mut socket, subscribe("q", "{ provincies { code } }")).await;
    let early = tokio::time::timeout(Duration::from_millis(500), ws::receive(&mut socket)).await;
    assert!(early.is_err(), "the query ran without a turn: {early:?}");
    drop(executing);
    let answer = ws::receive(&mut socket).await;
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(answer["payload"]["data"]["provincies"].as_array().map(Vec::len), Some(12));
}

/// `GET /metrics` counts open WebSockets and the subscriptions on them, up and down.
#[tokio::test]
async fn metrics_count_sockets_and_active_subscriptions() {
    let (address, _, state) = server(Options::default()).await;
    let figure = |name: &str| {
        let text = state.render_metrics();
        text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
    };
    let until = |name: &'static str, wanted: f64| {
        let figure = &figure;
        async move {
            let reached = tokio::time::timeout(ws::HANG_GUARD, async {
                while figure(name) != Some(wanted) {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
            .await;
            assert!(reached.is_ok(), "{name} never reached {wanted} (last {:?})", figure(name));
        }
    };
    let mut socket = initialised(address).await;
    until("fusieregister_websockets_open", 1.0).await;
    ws::send(&mut socket, subscribe("s", FEED)).await;
    until("fusieregister_subscriptions_active", 1.0).await;
    ws::send(&mut socket, json!({ "type": "complete", "id": "s" })).await;
    until("fusieregister_subscriptions_active", 0.0).await;
    drop(socket);
    until("fusieregister_websockets_open", 0.0).await;
}

/// A client may reuse an operation's ID the moment it reads the `error` that ended it: the
/// server frees the ID before it sends the message, so the reuse is never a 4409. Many sockets
/// at once keep the server's threads busy, which is when a late release of the ID showed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_is_free_once_its_error_arrives() {
    let (address, _, _) = server(Options::default()).await;
    let clients = (0..16).map(|client| {
        tokio::spawn(async move {
            let mut socket = initialised(address).await;
            for round in 0..100 {
                ws::send(&mut socket, subscribe("same", "{ bestaatNiet }")).await;
                let message = ws::receive(&mut socket).await;
                let seen = (message["type"].as_str(), message["id"].as_str());
                assert_eq!(seen, (Some("error"), Some("same")), "client {client}, round {round}: {message}");
            }
        })
    });
    for client in futures_util::future::join_all(clients).await {
        client.unwrap();
    }
}
