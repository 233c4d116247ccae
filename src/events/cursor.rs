//! One subscriber's place in the change log. Changes come from the instance's broadcast when it
//! keeps up, and from the log itself for the replay after `vanaf`, after a lag, or when a number
//! is missing. Because numbers have no gaps, the cursor can tell exactly what it has not seen:
//! every change after the starting point is delivered once, in order.

use std::collections::VecDeque;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{BATCH, Feed};
use crate::domain::Entiteit;
use crate::entity::wijziging;
use crate::error::AppError;
use crate::store;

/// Which changes a subscriber wants; `None` lets all through.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Record types.
    pub entiteiten: Option<Vec<Entiteit>>,
    /// The key of an ambtelijke fusie: that fusie and its deelnames.
    pub sleutel: Option<String>,
    /// A CBS code: that municipality and its deelnames.
    pub gemeente: Option<String>,
}

impl Filter {
    fn past(&self, w: &wijziging::Model) -> bool {
        let id = w.entiteit_id.as_str();
        self.entiteiten.as_ref().is_none_or(|e| e.contains(&w.entiteit))
            && self
                .sleutel
                .as_ref()
                .is_none_or(|s| id == format!("AmbtelijkeFusie:{s}") || id.starts_with(&format!("Deelname:{s}:")))
            && self.gemeente.as_ref().is_none_or(|c| {
                id == format!("Gemeente:{c}") || (id.starts_with("Deelname:") && id.contains(&format!(":{c}:")))
            })
    }
}

/// Where the cursor stands against the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backlog {
    /// Up to date with the broadcast.
    CaughtUp,
    /// The log holds changes up to this number that the cursor has not read yet.
    Until(i64),
    /// Unknown how far behind (at the start, or after a lag): read the log until it is empty.
    Unknown,
}

/// One subscriber's cursor.
pub struct LogCursor {
    db: DatabaseConnection,
    live: broadcast::Receiver<Arc<wijziging::Model>>,
    /// The last number read, whether or not it passed the filter.
    position: i64,
    backlog: Backlog,
    ready: VecDeque<Arc<wijziging::Model>>,
    filter: Filter,
}

impl LogCursor {
    /// A cursor of the changes after `vanaf`, or, without it, of those committed from now on.
    ///
    /// # Errors
    /// A database error.
    pub async fn open(feed: &Feed, vanaf: Option<i64>, filter: Filter) -> Result<Self, AppError> {
        // Subscribe before reading the log's end, so nothing can fall between the two.
        let live = feed.subscribe().await?;
        let db = feed.db().clone();
        let position = match vanaf {
            Some(v) => v,
            None => store::wijziging::latest(&db).await?,
        };
        Ok(Self { db, live, position, backlog: Backlog::Unknown, ready: VecDeque::new(), filter })
    }

    /// The next change that passes the filter; waits for it if need be.
    ///
    /// # Errors
    /// A database error while reading the log, or a feed that stopped.
    pub async fn next(&mut self) -> Result<Arc<wijziging::Model>, AppError> {
        loop {
            if let Some(w) = self.ready.pop_front() {
                return Ok(w);
            }
            if self.backlog != Backlog::CaughtUp {
                self.read_log().await?;
                continue;
            }
            match self.live.recv().await {
                Ok(w) => self.take(w),
                Err(RecvError::Lagged(_)) => self.backlog = Backlog::Unknown,
                Err(RecvError::Closed) => return Err(AppError::Internal("the change feed has stopped".to_owned())),
            }
        }
    }

    /// Takes a change from the broadcast: the next one in line is kept, an old one is skipped,
    /// and one past a gap sends the cursor to the log first.
    fn take(&mut self, w: Arc<wijziging::Model>) {
        if w.volgnummer == self.position + 1 {
            self.position = w.volgnummer;
            if self.filter.past(&w) {
                self.ready.push_back(w);
            }
        } else if w.volgnummer > self.position + 1 {
            self.backlog = Backlog::Until(w.volgnummer);
        }
    }

    /// Reads one batch of the log after the cursor's position.
    async fn read_log(&mut self) -> Result<(), AppError> {
        let rows = store::wijziging::next(&self.db, self.position, BATCH).await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            self.position = row.volgnummer;
            if self.filter.past(&row) {
                self.ready.push_back(Arc::new(row));
            }
        }
        self.backlog = match self.backlog {
            Backlog::Until(until) if self.position < until && full => Backlog::Until(until),
            Backlog::Until(until) if self.position < until => {
                // The broadcast showed a number the log does not have yet: that cannot happen
                // while numbers are committed in order. Go back to waiting; the next change
                // shows the gap again.
                tracing::warn!(position = self.position, until, "change log behind its broadcast");
                Backlog::CaughtUp
            }
            Backlog::Unknown if full => Backlog::Unknown,
            _ => Backlog::CaughtUp,
        };
        Ok(())
    }
}
