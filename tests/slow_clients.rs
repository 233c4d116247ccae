//! Clients that hold connections without using them: a request head that never ends, and a
//! kept-alive connection that stays silent, are closed after the header timeout; a working
//! client on the same server is served meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::time::Duration;

use common::ws::{HANG_GUARD, serve};
use fusieregister::app::Options;
use fusieregister::app::server::ConnectionLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server whose clients get a short header timeout, so that the test need not wait long.
async fn server() -> std::net::SocketAddr {
    let options = Options {
        connection: ConnectionLimits { header_timeout: Duration::from_millis(300), ..ConnectionLimits::default() },
        ..Options::default()
    };
    serve(common::seeded_database().await, options).await.0
}

/// Reads until the server closes the connection; what it sent on the way is returned.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let outcome = tokio::time::timeout(HANG_GUARD, stream.read_to_end(&mut received)).await;
    assert!(outcome.is_ok(), "the server keeps the connection open");
    String::from_utf8_lossy(&received).into_owned()
}

fn post(query: &str) -> String {
    let body = serde_json::json!({ "query": query }).to_string();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_cut_off() {
    let address = server().await;
    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: test\r\nX-Slow: ").await.unwrap();
    let sent_back = until_closed(&mut slow).await;
    assert!(!sent_back.contains("200 OK"), "no request was ever completed: {sent_back}");
}

#[tokio::test]
async fn a_connection_that_never_sends_anything_is_closed() {
    let address = server().await;
    let mut silent = TcpStream::connect(address).await.unwrap();
    assert_eq!(until_closed(&mut silent).await, "");
}

#[tokio::test]
async fn a_connection_that_stops_inside_the_http2_preface_is_closed() {
    let address = server().await;
    let mut hesitant = TcpStream::connect(address).await.unwrap();
    hesitant.write_all(b"PRI * HTTP").await.unwrap();
    assert_eq!(until_closed(&mut hesitant).await, "");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_its_answer() {
    let address = server().await;
    let mut client = TcpStream::connect(address).await.unwrap();
    client.write_all(post("{ gemeente(code: \"GM0363\") { naam } }").as_bytes()).await.unwrap();
    let received = until_closed(&mut client).await;
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(received.contains("Amsterdam"), "the answer came before the close: {received}");
}

#[tokio::test]
async fn slow_clients_do_not_keep_others_from_being_served() {
    let address = server().await;
    let mut idle = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(b"GET /graphql HTTP/1.1\r\n").await.unwrap();
        idle.push(stream);
    }
    let mut client = TcpStream::connect(address).await.unwrap();
    client.write_all(post("{ provincies { code } }").as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(HANG_GUARD, client.read(&mut answer)).await.expect("answered").unwrap();
    assert!(String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 200"));
    for mut stream in idle {
        until_closed(&mut stream).await;
    }
}

/// A server that answers 413 before the body is in must not reset the connection under the
/// client, which would lose the answer: the client may go on sending its body after the answer
/// has come, and then reads the close.
#[tokio::test]
async fn a_client_still_sending_an_oversized_body_reads_its_413() {
    let address = server().await;
    let mut client = TcpStream::connect(address).await.unwrap();
    let body = vec![b' '; 700 * 1024];
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    client.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(HANG_GUARD, client.read(&mut answer)).await.expect("answered").unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("BAD_REQUEST"), "{answer}");
    // The body that was already on its way still goes out without a reset.
    let sent = tokio::time::timeout(HANG_GUARD, client.write_all(&body)).await.expect("the body is taken");
    assert!(sent.is_ok(), "the connection was reset while the body was sent: {sent:?}");
    until_closed(&mut client).await;
}
