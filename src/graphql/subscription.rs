//! The root subscription: the change feed. A subscriber first gets the logged changes after
//! `vanaf`, then live ones. Both come from the change log itself, read from the last number the
//! subscriber has seen, so there is no gap and no duplicate at the seam, and a slow subscriber
//! only falls behind in its own reading: it never holds up writers or other subscribers.

use std::collections::VecDeque;

use async_graphql::{Context, Subscription};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::context::db;
use super::types::Wijziging;
use crate::domain::CbsCode;
use crate::entity::wijziging;
use crate::error::AppError;
use crate::{events, store};

/// Changes read from the log per statement.
const BATCH: u64 = 100;

/// Which changes a subscriber wants.
#[derive(Debug, Clone, Default)]
struct Filter {
    entiteiten: Option<Vec<String>>,
    sleutel: Option<String>,
    gemeente: Option<String>,
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

/// Where one subscriber is in the log.
struct Lezer {
    db: DatabaseConnection,
    laatste: i64,
    klaar: VecDeque<wijziging::Model>,
    wake: watch::Receiver<u64>,
    filter: Filter,
}

impl Lezer {
    async fn volgende(&mut self) -> Result<wijziging::Model, AppError> {
        loop {
            if let Some(w) = self.klaar.pop_front() {
                return Ok(w);
            }
            // Mark wake-ups as seen before reading, so one that comes during the read is kept.
            self.wake.borrow_and_update();
            let slice = store::wijziging::na(&self.db, self.laatste, BATCH).await?;
            if let Some(last) = slice.rows.last() {
                self.laatste = last.volgnummer;
                let filter = &self.filter;
                self.klaar.extend(slice.rows.into_iter().filter(|w| filter.past(w)));
                continue;
            }
            tokio::select! {
                _ = self.wake.changed() => {}
                () = tokio::time::sleep(events::POLL_INTERVAL) => {}
            }
        }
    }
}

pub struct Subscription;

/// Live views of the registry.
#[Subscription]
impl Subscription {
    /// Changes of the registry in commit order: first those logged after `vanaf`, then live ones.
    /// Resume after a disconnect by passing the last `volgnummer` received as `vanaf`.
    async fn wijzigingen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Replay the logged changes after this volgnummer first; without it, only new changes.")]
        vanaf: Option<i64>,
        #[graphql(desc = "Only changes of these record types, e.g. `[\"AmbtelijkeFusie\", \"Deelname\"]`.")]
        entiteiten: Option<Vec<String>>,
        #[graphql(desc = "Only changes of the ambtelijke fusie with this key and of its deelnames.")] sleutel: Option<
            String,
        >,
        #[graphql(desc = "Only changes of the municipality with this CBS code and of its deelnames.")]
        gemeente_code: Option<String>,
    ) -> Result<impl Stream<Item = Result<Wijziging, AppError>> + use<>, AppError> {
        let db = db(ctx)?.clone();
        let gemeente = gemeente_code
            .map(|c| {
                CbsCode::parse(&c)
                    .map(|c| c.to_string())
                    .map_err(|e| AppError::bad_input("gemeenteCode", e.to_string()))
            })
            .transpose()?;
        if vanaf.is_some_and(|v| v < 0) {
            return Err(AppError::bad_input("vanaf", "vanaf must not be negative"));
        }
        let wake = events::wake_ups();
        let laatste = match vanaf {
            Some(v) => v,
            None => store::wijziging::laatste(&db).await?,
        };
        let lezer =
            Lezer { db, laatste, klaar: VecDeque::new(), wake, filter: Filter { entiteiten, sleutel, gemeente } };
        // After a failed read the stream ends with that error; the client resumes with `vanaf`.
        Ok(futures_util::stream::unfold(Some(lezer), |lezer| async move {
            let mut lezer = lezer?;
            match lezer.volgende().await {
                Ok(w) => Some((Ok(Wijziging(w)), Some(lezer))),
                Err(err) => Some((Err(err), None)),
            }
        }))
    }
}
