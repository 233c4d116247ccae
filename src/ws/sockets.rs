//! The open WebSockets of a server, as one value that the server's state holds: the server loop
//! tells them to close when it stops, and `/metrics` counts them. It knows nothing of the
//! protocol, so the state can hold it without depending on the rest of `ws`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// The open sockets, told when the server stops so that each gets a close frame.
#[derive(Debug, Clone)]
pub struct Sockets(Arc<watch::Sender<bool>>);

impl Default for Sockets {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }
}

impl Sockets {
    /// How many WebSockets are open.
    pub fn open(&self) -> usize {
        self.0.receiver_count()
    }

    /// One socket's end: the socket counts as open while it holds the receiver, and learns from
    /// it when to close.
    pub(super) fn subscribe(&self) -> watch::Receiver<bool> {
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
