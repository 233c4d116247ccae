//! The connection loop: accepts TCP connections and serves HTTP/1.1 and HTTP/2 (with WebSocket
//! upgrades) on each, with time limits that keep slow or silent clients from holding a
//! connection, and a graceful stop.
//!
//! `axum::serve` sets no timer on its connections, so a client that sends half a request head,
//! or keeps a connection open and says nothing, holds it for ever; thousands of them exhaust the
//! process's file descriptors. hyper has the limits; this loop switches them on.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

mod linger;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

use linger::LingeringClose;

/// How long a client may take over its side of a connection.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a complete request head, counted from the moment the server waits for one:
    /// on a new connection, and between requests on a kept-alive one (which is also how long an
    /// idle keep-alive connection stays open).
    pub header_timeout: Duration,
    /// Longest a write to the client may wait because the client does not read; then the
    /// connection is dropped, and with it the response it held in memory.
    pub write_stall_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self { header_timeout: Duration::from_secs(10), write_stall_timeout: Duration::from_secs(30) }
    }
}

/// How long running requests get to finish after the stop signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause after an accept error such as "too many open files", so that the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets running
/// requests finish (at most `DRAIN_TIMEOUT`) and returns.
pub async fn run(listener: TcpListener, router: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    // HTTP/2 pings find peers that have gone away; a live idle peer is left alone, as it costs
    // one connection, not one per request.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_timeout))
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(100);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are written in one piece; waiting for more bytes to fill a packet only adds
        // latency.
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot switch off Nagle's algorithm");
        }
        let builder = builder.clone();
        let service = TowerToHyperService::new(router.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            if tokio::time::timeout(limits.header_timeout, protocol_known(&stream)).await.is_err() {
                return;
            }
            let io = TokioIo::new(StallGuard::new(LingeringClose::new(stream), limits.write_stall_timeout));
            let connection = watcher.watch(builder.serve_connection_with_upgrades(io, service).into_owned());
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}; stopping anyway");
    }
}

/// The first bytes of an HTTP/2 connection with prior knowledge.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// How often a connection that has sent part of the HTTP/2 preface is looked at again.
const PREFACE_POLL: Duration = Duration::from_millis(10);

/// Completes once the client has sent enough to tell HTTP/1 from HTTP/2, or has closed.
///
/// The protocol sniffing of hyper's auto builder waits for these bytes without a timer of its
/// own, and the HTTP/1 header timer starts only after it: without this wait under a timeout, a
/// client that connects and says nothing (or half a preface) would keep its socket for ever.
async fn protocol_known(stream: &TcpStream) {
    let mut first = [0_u8; HTTP2_PREFACE.len()];
    loop {
        match stream.peek(&mut first).await {
            Ok(read) if read > 0 && read < first.len() && HTTP2_PREFACE.starts_with(&first[..read]) => {
                tokio::time::sleep(PREFACE_POLL).await;
            }
            // Enough to decide, a closed connection or an error: hyper takes it from here.
            _ => return,
        }
    }
}

/// A TCP stream whose writes fail once they have waited longer than a limit for the client to
/// read. Without it, a client that never reads keeps its connection, and the response that
/// cannot be sent, for ever. The limit holds for upgraded WebSockets too, which write through
/// the same stream.
struct StallGuard<S> {
    stream: S,
    limit: Duration,
    /// Set while a write waits; reset by every write that makes progress.
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl<S> StallGuard<S> {
    fn new(stream: S, limit: Duration) -> Self {
        Self { stream, limit, stalled_since: None }
    }

    /// Called when a write returned `Pending`: fails once the wait has lasted the limit.
    fn poll_stall(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let limit = self.limit;
        let deadline =
            self.stalled_since.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + limit)));
        ready!(deadline.as_mut().poll(cx));
        Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "the client did not read its response"))
    }

    /// Passes on the outcome of a write: progress clears the stall, waiting may time out.
    fn on_write<T>(&mut self, cx: &mut Context<'_>, outcome: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match outcome {
            Poll::Pending => self.poll_stall(cx).map(Err),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallGuard<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallGuard<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.on_write(cx, outcome)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.on_write(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.stream).poll_flush(cx);
        self.on_write(cx, outcome)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.on_write(cx, outcome)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_write_the_client_does_not_read_fails_after_the_limit() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut guarded = StallGuard::new(near, Duration::from_secs(30));
        let outcome = guarded.write_all(&[b'x'; 1024]).await;
        assert_eq!(outcome.map_err(|e| e.kind()), Err(io::ErrorKind::TimedOut));
        // The far end did receive what fitted before the stall.
        let mut first = [0; 64];
        assert_eq!(far.read(&mut first).await.ok(), Some(64));
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_reads_slowly_but_steadily_is_served() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut guarded = StallGuard::new(near, Duration::from_secs(30));
        let reader = tokio::spawn(async move {
            let mut received = Vec::new();
            let mut chunk = [0; 64];
            while let Ok(read @ 1..) = far.read(&mut chunk).await {
                received.extend_from_slice(&chunk[..read]);
                tokio::time::sleep(Duration::from_secs(20)).await;
            }
            received.len()
        });
        // Each wait (20 s) is below the limit, the whole write (about 320 s) far above it.
        assert!(guarded.write_all(&[b'x'; 1024]).await.is_ok());
        drop(guarded);
        assert_eq!(reader.await.ok(), Some(1024));
    }
}
