//! The change feed over a real WebSocket, in both subprotocols: subscribe, change the registry
//! over HTTP, receive; resume from a volgnummer without gap or duplicate; keep-alives; and the
//! token in the `connection_init` payload.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::time::Duration;

use common::ws::{self, Socket};
use fusieregister::app::Options;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

const REGISTREER: &str = r#"mutation { registreerFusieorganisatie(input: { sleutel: "kust", naam: "Kust", rechtsvorm: OPENBAAR_LICHAAM,
    reikwijdte: VOLLEDIG, begindatum: "2024-01-01", deelnemers: ["GM0537", "GM0575"] }) { ambtelijkeFusie { sleutel } } }"#;
const VOEG_TOE: &str = r#"mutation { voegDeelnameToe(input: { sleutel: "kust", gemeente: "GM0546", rol: DEELNEMER, begindatum: "2025-01-01" }) { deelname { rol } } }"#;
const FEED: &str = "subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf) { volgnummer soort entiteitId door } }";

/// A server on a seeded database, its token, and the log's position after the dataset's load:
/// the tests' own changes are numbered from the next one.
async fn server() -> (std::net::SocketAddr, String, i64) {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    let (address, token) = ws::serve(conn, Options::default()).await;
    (address, token, position)
}

async fn volgnummers(socket: &mut Socket, count: usize) -> Vec<i64> {
    let mut numbers = Vec::new();
    for _ in 0..count {
        numbers.push(ws::volgnummer(&ws::receive(socket).await));
    }
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_transport_ws_receives_a_change_made_over_http() {
    let (address, token, position) = server().await;
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    // `vanaf` the load's last change replays the (empty) rest of the log first, so the change
    // cannot slip in before the subscription has started.
    ws::start(&mut socket, "graphql-transport-ws", "1", FEED, json!({ "vanaf": position })).await;
    let response = ws::post(address, &token, REGISTREER).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let message = ws::receive(&mut socket).await;
        assert_eq!((message["type"].as_str(), message["id"].as_str()), (Some("next"), Some("1")), "{message}");
        let change = &message["payload"]["data"]["wijzigingen"];
        assert_eq!(change["door"], "redactie");
        numbers.push(ws::volgnummer(&message));
    }
    assert_eq!(numbers, [position + 1, position + 2, position + 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_graphql_ws_resumes_without_gap_or_duplicate() {
    let (address, token, position) = server().await;
    let response = ws::post(address, &token, REGISTREER).await;
    assert!(response.get("errors").is_none(), "{response:#}");

    // The client saw the first change of the registration before it disconnected: resume after it.
    let mut socket = ws::connect(address, "graphql-ws").await;
    ws::start(&mut socket, "graphql-ws", "a", FEED, json!({ "vanaf": position + 1 })).await;
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let message = ws::receive(&mut socket).await;
        assert_eq!(message["type"], "data", "{message}");
        numbers.push(ws::volgnummer(&message));
    }
    // A live change after the replay follows at once, with the next number.
    let response = ws::post(address, &token, VOEG_TOE).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    numbers.push(ws::volgnummer(&ws::receive(&mut socket).await));
    assert_eq!(
        numbers,
        [position + 2, position + 3, position + 4],
        "every change after vanaf exactly once, replay then live"
    );
}

/// A client drops its connection in the middle of the feed, changes are made while it is away,
/// and it comes back with the last number it saw: it gets exactly what it missed, then live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reconnects_gets_what_it_missed_once() {
    let (address, token, position) = server().await;
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    ws::start(&mut socket, "graphql-transport-ws", "1", FEED, json!({ "vanaf": position })).await;
    ws::post(address, &token, REGISTREER).await;
    let seen = volgnummers(&mut socket, 2).await;
    assert_eq!(seen, [position + 1, position + 2]);
    socket.close(None).await.unwrap();
    drop(socket);

    let response = ws::post(address, &token, VOEG_TOE).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    ws::start(&mut socket, "graphql-transport-ws", "1", FEED, json!({ "vanaf": seen[1] })).await;
    let mut numbers = volgnummers(&mut socket, 2).await;
    let response = ws::post(
        address,
        &token,
        r#"mutation { beeindigDeelname(input: { sleutel: "kust", gemeente: "GM0546", einddatum: "2025-12-31" }) { deelname { rol } } }"#,
    )
    .await;
    assert!(response.get("errors").is_none(), "{response:#}");
    numbers.extend(volgnummers(&mut socket, 1).await);
    assert_eq!(numbers, [position + 3, position + 4, position + 5]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_subscription_gets_only_its_records() {
    let (address, token, position) = server().await;
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    let query = "subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf, entiteiten: [Deelname], gemeenteCode: \"GM0546\") { volgnummer entiteitId } }";
    ws::start(&mut socket, "graphql-transport-ws", "1", query, json!({ "vanaf": position })).await;
    ws::post(address, &token, REGISTREER).await;
    ws::post(address, &token, VOEG_TOE).await;
    let message = ws::receive(&mut socket).await;
    assert_eq!(message["payload"]["data"]["wijzigingen"]["entiteitId"], "Deelname:kust:GM0546:2025-01-01");
    assert_eq!(ws::volgnummer(&message), position + 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_filter_is_refused_with_its_field() {
    let (address, _, _) = server().await;
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    let query = "subscription { wijzigingen(gemeenteCode: \"Amsterdam\") { volgnummer } }";
    ws::start(&mut socket, "graphql-transport-ws", "1", query, json!({})).await;
    let message = ws::receive(&mut socket).await;
    // The resolver's error arrives as the operation's result, then the operation completes.
    let error = &message["payload"]["errors"][0];
    assert_eq!(
        (error["extensions"]["code"].as_str(), error["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("gemeenteCode")),
        "{message}"
    );
    assert_eq!(ws::receive(&mut socket).await["type"], "complete");
}

/// A quiet connection gets keep-alives: WebSocket pings in `graphql-transport-ws`, `ka`
/// messages in the legacy protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_connections_get_keep_alives_in_both_protocols() {
    let options = Options { keep_alive: Duration::from_millis(100), ..Options::default() };
    let (address, _) = ws::serve(common::seeded_database().await, options).await;

    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    ws::start(&mut socket, "graphql-transport-ws", "1", FEED, json!({})).await;
    assert!(matches!(ws::next_message(&mut socket).await, Message::Ping(_)));
    assert!(matches!(ws::next_message(&mut socket).await, Message::Ping(_)), "and again while quiet");

    let mut legacy = ws::connect(address, "graphql-ws").await;
    ws::start(&mut legacy, "graphql-ws", "a", FEED, json!({})).await;
    let Message::Text(text) = ws::next_message(&mut legacy).await else { panic!("a text message") };
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), json!({ "type": "ka" }));
}

/// The token travels in the `connection_init` payload, as browsers cannot set headers on a
/// WebSocket: with it, a mutation over the socket writes under the token's name; without it,
/// the socket reads but cannot write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_init_payload_carries_the_token() {
    let (address, token, position) = server().await;
    let legacy = r#"mutation { registreerFusieorganisatie(input: { sleutel: "rijnland", naam: "Rijnland", rechtsvorm: OPENBAAR_LICHAAM,
        reikwijdte: VOLLEDIG, begindatum: "2024-01-01", deelnemers: ["GM0546", "GM0547"] }) { ambtelijkeFusie { sleutel } } }"#;
    for (protocol, payload, mutation, sleutel) in [
        ("graphql-transport-ws", json!({ "Authorization": format!("Bearer {token}") }), REGISTREER, "kust"),
        ("graphql-ws", json!({ "token": token }), legacy, "rijnland"),
    ] {
        let mut socket = ws::connect_with(address, protocol, payload).await;
        ws::start(&mut socket, protocol, "m", mutation, json!({})).await;
        let message = ws::receive(&mut socket).await;
        let data = &message["payload"]["data"];
        assert_eq!(data["registreerFusieorganisatie"]["ambtelijkeFusie"]["sleutel"], sleutel, "{message}");
        let log = ws::post(
            address,
            &token,
            &format!("query {{ wijzigingen(na: {position}, first: 100) {{ edges {{ node {{ door }} }} }} }}"),
        )
        .await;
        let edges = log["data"]["wijzigingen"]["edges"].as_array().unwrap().clone();
        assert!(!edges.is_empty() && edges.iter().all(|e| e["node"]["door"] == "redactie"), "{log}");
    }

    let mut anonymous = ws::connect(address, "graphql-transport-ws").await;
    ws::start(&mut anonymous, "graphql-transport-ws", "m", REGISTREER, json!({})).await;
    let message = ws::receive(&mut anonymous).await;
    assert_eq!(message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{message}");
}

/// `node` is the changed record as it is when the change is sent, loaded afresh for each
/// change rather than kept from an earlier one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_carries_the_record_as_it_is_now() {
    let (address, token, position) = server().await;
    let mut socket = ws::connect(address, "graphql-transport-ws").await;
    let query = r#"subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf, sleutel: "abg", entiteiten: [AmbtelijkeFusie]) {
        volgnummer soort node { id ... on AmbtelijkeFusie { opmerking } } } }"#;
    ws::start(&mut socket, "graphql-transport-ws", "1", query, json!({ "vanaf": position })).await;
    for opmerking in ["eerste", "tweede"] {
        let mutation = format!(
            r#"mutation {{ wijzigAmbtelijkeFusie(input: {{ sleutel: "abg", opmerking: "{opmerking}" }}) {{ ambtelijkeFusie {{ sleutel }} }} }}"#
        );
        let response = ws::post(address, &token, &mutation).await;
        assert!(response.get("errors").is_none(), "{response:#}");
        let message = ws::receive(&mut socket).await;
        let change = &message["payload"]["data"]["wijzigingen"];
        assert_eq!(change["soort"], "GEWIJZIGD", "{message}");
        assert_eq!(change["node"]["id"], "AmbtelijkeFusie:abg");
        assert_eq!(change["node"]["opmerking"], opmerking);
    }
}
