//! Fan-out of the change feed: N WebSocket subscribers on one server instance, one change made
//! over HTTP, and the time from sending that mutation until each subscriber has the change.
//!
//! The server is the release binary in its own process, on a fresh SQLite file (or on the
//! PostgreSQL database of `FANOUT_DATABASE_URL`); the subscribers are real `graphql-transport-ws`
//! connections from this process. Both share the machine, so the figures include the clients'
//! own work. Run:
//!
//! ```text
//! cargo bench --bench fanout                  # N = 100, 1000, 10000
//! cargo bench --bench fanout -- 100 500       # other sizes
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop loudly

#[path = "../tests/common/ws.rs"]
#[allow(dead_code)] // the server helper is for the tests
mod ws;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;

/// Changes measured per size; each is timed on its own.
const ROUNDS: usize = 5;
/// Connections opened at once while subscribing.
const CONNECTING: usize = 200;

const FEED: &str = "subscription($vanaf: Int) { wijzigingen(vanaf: $vanaf) { volgnummer } }";

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> =
        std::env::args().skip(1).filter(|a| !a.starts_with('-')).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1_000, 10_000] } else { sizes };
    let directory = std::env::temp_dir().join(format!("fusieregister-fanout-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let url = std::env::var("FANOUT_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", directory.join("register.db").display()));
    let token = create_token(&url).await;
    let (address, server) = start_server(&url).await;
    let pid = server.id().unwrap_or_default();
    let backend = if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" };

    println!("fan-out of one change to N subscribers ({backend}, {ROUNDS} changes per N; milliseconds)");
    println!(
        "| N | mutation answered | p50 | p99 | all have it (median of rounds) | all have it (worst round) | server RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    for n in sizes {
        let result = measure(address, &token, n).await;
        println!(
            "| {n} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} MiB |",
            ms(result.answered),
            ms(result.p50),
            ms(result.p99),
            ms(result.all_median),
            ms(result.all_worst),
            result.rss_mib(pid)
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&directory);
}

struct Result {
    /// The mutation's own round trip (median of rounds): the part of every latency that is the
    /// write, not the fan-out.
    answered: Duration,
    p50: Duration,
    p99: Duration,
    all_median: Duration,
    all_worst: Duration,
}

impl Result {
    /// The server's resident memory now, with every subscriber of the last size still connected.
    fn rss_mib(&self, pid: u32) -> String {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().split(' ').next()?.parse::<u64>().ok());
        kib.map_or_else(|| "?".to_owned(), |k| (k / 1024).to_string())
    }
}

/// Connects `n` subscribers, waits until every one has a first change (so all are live), then
/// times [`ROUNDS`] changes.
async fn measure(address: SocketAddr, token: &str, n: usize) -> Result {
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<(i64, Instant)>();
    // Subscribing from the log's current end makes the first change below reach every
    // subscriber, even one whose subscription the server starts only after that change.
    let vanaf = last_number(address, token).await;
    let sockets: Vec<ws::Socket> = futures_util::stream::iter(0..n)
        .map(|_| async move {
            let mut socket = ws::connect(address, "graphql-transport-ws").await;
            ws::start(&mut socket, "graphql-transport-ws", "1", FEED, json!({ "vanaf": vanaf })).await;
            socket
        })
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    let subscribers: Vec<_> = sockets
        .into_iter()
        .map(|mut socket| {
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                loop {
                    let message = ws::receive(&mut socket).await;
                    if arrivals.send((ws::volgnummer(&message), Instant::now())).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();

    // A subscription has no acknowledgement: a first change that reaches everyone shows that
    // every subscription has done its replay and is live before the timed rounds.
    change(address, token, 0).await;
    for _ in 0..n {
        arrived.recv().await.unwrap();
    }

    let mut latencies = Vec::with_capacity(n * ROUNDS);
    let mut all = Vec::with_capacity(ROUNDS);
    let mut answered = Vec::with_capacity(ROUNDS);
    for round in 1..=ROUNDS {
        let sent = Instant::now();
        change(address, token, round).await;
        answered.push(sent.elapsed());
        let mut last = Duration::ZERO;
        for _ in 0..n {
            let (_, at) = arrived.recv().await.unwrap();
            let latency = at - sent;
            last = last.max(latency);
            latencies.push(latency);
        }
        all.push(last);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for subscriber in subscribers {
        subscriber.abort();
    }
    latencies.sort();
    all.sort();
    answered.sort();
    Result {
        answered: percentile(&answered, 0.50),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        all_median: percentile(&all, 0.50),
        all_worst: all.last().copied().unwrap_or_default(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// The number of the last change: the count of the log, which has no gaps.
async fn last_number(address: SocketAddr, token: &str) -> i64 {
    let response = ws::post(address, token, "{ wijzigingen(na: 0, first: 1) { totalCount } }").await;
    response["data"]["wijzigingen"]["totalCount"].as_i64().expect("the log's length")
}

/// One change to the registry over HTTP.
async fn change(address: SocketAddr, token: &str, round: usize) {
    let mutation = format!(
        r#"mutation {{ wijzigAmbtelijkeFusie(input: {{ sleutel: "abg", opmerking: "fan-out benchmark, change {round}" }}) {{ ambtelijkeFusie {{ sleutel }} }} }}"#
    );
    let response = ws::post(address, token, &mutation).await;
    assert!(response.get("errors").is_none(), "{response:#}");
}

/// Creates an editor token with the binary's own command, migrating and seeding on the way.
async fn create_token(url: &str) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["token", "create", "--name", &format!("fanout-{}", std::process::id()), "--role", "editor"])
        .args(["--database-url", url])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

async fn start_server(url: &str) -> (SocketAddr, tokio::process::Child) {
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["serve", "--database-url", url, "--listen", &address.to_string()])
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while tokio::net::TcpStream::connect(address).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (address, child)
}
