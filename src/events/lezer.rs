//! One subscriber's place in the change log. Changes come from the instance's broadcast when it
//! keeps up, and from the log itself for the replay after `vanaf`, after a lag, or when a number
//! is missing. Because numbers have no gaps, the reader can tell exactly what it has not seen:
//! every change after the starting point is delivered once, in order.

use std::collections::VecDeque;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{BATCH, Feed};
use crate::entity::wijziging;
use crate::error::AppError;
use crate::store;

/// Which changes a subscriber wants; `None` lets all through.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Record types, e.g. `AmbtelijkeFusie`.
    pub entiteiten: Option<Vec<String>>,
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

/// Where the reader stands against the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Achterstand {
    /// Up to date with the broadcast.
    Geen,
    /// The log holds changes up to this number that the reader has not read yet.
    Tot(i64),
    /// Unknown how far behind (at the start, or after a lag): read the log until it is empty.
    Onbekend,
}

/// One subscriber's reader.
pub struct Lezer {
    db: DatabaseConnection,
    live: broadcast::Receiver<Arc<wijziging::Model>>,
    /// The last number read, whether or not it passed the filter.
    positie: i64,
    achterstand: Achterstand,
    klaar: VecDeque<Arc<wijziging::Model>>,
    filter: Filter,
}

impl Lezer {
    /// A reader of the changes after `vanaf`, or, without it, of those committed from now on.
    ///
    /// # Errors
    /// A database error.
    pub async fn open(feed: &Feed, vanaf: Option<i64>, filter: Filter) -> Result<Self, AppError> {
        // Subscribe before reading the log's end, so nothing can fall between the two.
        let live = feed.subscribe().await?;
        let db = feed.db().clone();
        let positie = match vanaf {
            Some(v) => v,
            None => store::wijziging::laatste(&db).await?,
        };
        Ok(Self { db, live, positie, achterstand: Achterstand::Onbekend, klaar: VecDeque::new(), filter })
    }

    /// The next change that passes the filter; waits for it if need be.
    ///
    /// # Errors
    /// A database error while reading the log, or a feed that stopped.
    pub async fn volgende(&mut self) -> Result<Arc<wijziging::Model>, AppError> {
        loop {
            if let Some(w) = self.klaar.pop_front() {
                return Ok(w);
            }
            if self.achterstand != Achterstand::Geen {
                self.lees_log().await?;
                continue;
            }
            match self.live.recv().await {
                Ok(w) => self.neem(w),
                Err(RecvError::Lagged(_)) => self.achterstand = Achterstand::Onbekend,
                Err(RecvError::Closed) => return Err(AppError::Internal("the change feed has stopped".to_owned())),
            }
        }
    }

    /// Takes a change from the broadcast: the next one in line is kept, an old one is skipped,
    /// and one past a gap sends the reader to the log first.
    fn neem(&mut self, w: Arc<wijziging::Model>) {
        if w.volgnummer == self.positie + 1 {
            self.positie = w.volgnummer;
            if self.filter.past(&w) {
                self.klaar.push_back(w);
            }
        } else if w.volgnummer > self.positie + 1 {
            self.achterstand = Achterstand::Tot(w.volgnummer);
        }
    }

    /// Reads one batch of the log after the reader's position.
    async fn lees_log(&mut self) -> Result<(), AppError> {
        let rows = store::wijziging::volgende(&self.db, self.positie, BATCH).await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            self.positie = row.volgnummer;
            if self.filter.past(&row) {
                self.klaar.push_back(Arc::new(row));
            }
        }
        self.achterstand = match self.achterstand {
            Achterstand::Tot(tot) if self.positie < tot && full => Achterstand::Tot(tot),
            Achterstand::Tot(tot) if self.positie < tot => {
                // The broadcast showed a number the log does not have yet: that cannot happen
                // while numbers are committed in order. Go back to waiting; the next change
                // shows the gap again.
                tracing::warn!(positie = self.positie, tot, "change log behind its broadcast");
                Achterstand::Geen
            }
            Achterstand::Onbekend if full => Achterstand::Onbekend,
            _ => Achterstand::Geen,
        };
        Ok(())
    }
}
