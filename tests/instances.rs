//! Several server instances on one PostgreSQL database: a change committed through one reaches
//! subscribers of the other. Only the database connects them: NOTIFY wakes the other instance's
//! feed, and the change log carries the change. SQLite has one process per file: skipped there.
//!
//! This file is its own test binary on purpose: no other test writes in this process, so the
//! only thing that can wake the feed here is PostgreSQL's notification.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::ws;
use fusieregister::app::Options;
use serde_json::json;

const FEED: &str = "subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf) { volgnummer door } }";

/// Starts the real binary on `url` and waits until it accepts connections.
async fn other_instance(url: &str) -> (SocketAddr, tokio::process::Child) {
    let (address, child) = spawn_instance(url);
    wait_until_serving(address).await;
    (address, child)
}

fn spawn_instance(url: &str) -> (SocketAddr, tokio::process::Child) {
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["serve", "--database-url", url, "--listen", &address.to_string()])
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    (address, child)
}

async fn wait_until_serving(address: SocketAddr) {
    let ready = async {
        while tokio::net::TcpStream::connect(address).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(ws::HANG_GUARD, ready).await.expect("the instance starts");
}

/// Instances behind a load balancer often start together on a new database: one migrates and
/// seeds it while the others wait, and all of them serve the same registry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_on_an_empty_database_all_come_up() {
    let Some(url) = common::empty_postgres_url().await else {
        eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let mut instances: Vec<_> = (0..3).map(|_| spawn_instance(&url)).collect();
    for (address, child) in &mut instances {
        let serving = async {
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("an instance stopped with {status}");
                }
                if tokio::net::TcpStream::connect(*address).await.is_ok() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), serving).await.expect("every instance starts");
        let response = ws::post(*address, "", r#"{ statistiek(peildatum: "2025-01-01") { aantalGemeenten } }"#).await;
        assert!(response["data"]["statistiek"]["aantalGemeenten"].as_i64().is_some_and(|n| n > 300), "{response}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_cross_between_instances_in_both_directions() {
    let Some((conn, url)) = common::seeded_postgres_with_url().await else {
        eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    // This instance never re-reads the log on its own within the test: only a notification
    // from the other instance can bring the change.
    let options = Options { poll_interval: Duration::from_secs(3600), ..Options::default() };
    // The subscribers start where the dataset's load left the log: they see only this test's
    // changes.
    let position = common::log_position(&conn).await;
    let (here, token) = ws::serve(conn, options).await;
    let (there, mut child) = other_instance(&url).await;

    let mut subscriber_here = ws::connect(here, "graphql-transport-ws").await;
    ws::start(&mut subscriber_here, "graphql-transport-ws", "1", FEED, json!({ "vanaf": position })).await;
    let mut subscriber_there = ws::connect(there, "graphql-ws").await;
    ws::start(&mut subscriber_there, "graphql-ws", "1", FEED, json!({ "vanaf": position })).await;

    let through_there = r#"mutation { registreerFusieorganisatie(input: { sleutel: "kust", naam: "Kust", rechtsvorm: OPENBAAR_LICHAAM,
        reikwijdte: VOLLEDIG, begindatum: "2024-01-01", deelnemers: ["GM0537", "GM0575"] }) { ambtelijkeFusie { sleutel } } }"#;
    let response = ws::post(there, &token, through_there).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    for socket in [&mut subscriber_here, &mut subscriber_there] {
        let mut numbers = Vec::new();
        for _ in 0..3 {
            numbers.push(ws::volgnummer(&ws::receive(socket).await));
        }
        assert_eq!(numbers, [position + 1, position + 2, position + 3]);
    }

    let through_here = r#"mutation { voegDeelnameToe(input: { sleutel: "kust", gemeente: "GM0546", rol: DEELNEMER, begindatum: "2025-01-01" }) { deelname { rol } } }"#;
    let response = ws::post(here, &token, through_here).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    assert_eq!(ws::volgnummer(&ws::receive(&mut subscriber_there).await), position + 4);
    assert_eq!(ws::volgnummer(&ws::receive(&mut subscriber_here).await), position + 4);
    child.kill().await.ok();
}
