//! The root subscription: the change feed. A subscriber first gets the logged changes after
//! `vanaf`, then live ones, through one [`LogCursor`] that keeps its own place in the log, so there
//! is no gap and no duplicate at the seam, and a slow subscriber only falls behind in its own
//! reading: it never holds up writers or other subscribers.

use std::sync::Arc;

use async_graphql::{Context, Subscription};
use futures_util::Stream;

use super::types::Wijziging;
use crate::domain::{CbsCode, Entiteit};
use crate::error::AppError;
use crate::events::{Feed, Filter, LogCursor};

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
        #[graphql(desc = "Only changes of these record types, e.g. `[AmbtelijkeFusie, Deelname]`.")] entiteiten: Option<
            Vec<Entiteit>,
        >,
        #[graphql(desc = "Only changes of the ambtelijke fusie with this key and of its deelnames.")] sleutel: Option<
            String,
        >,
        #[graphql(desc = "Only changes of the municipality with this CBS code and of its deelnames.")]
        gemeente_code: Option<String>,
    ) -> Result<impl Stream<Item = Result<Wijziging, AppError>> + use<>, AppError> {
        let feed = ctx.data::<Arc<Feed>>().map_err(|_| AppError::Internal("schema has no change feed".to_owned()))?;
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
        let cursor = LogCursor::open(feed, vanaf, Filter { entiteiten, sleutel, gemeente }).await?;
        // After a failed read the stream ends with that error; the client resumes with `vanaf`.
        Ok(futures_util::stream::unfold(Some(cursor), |cursor| async move {
            let mut cursor = cursor?;
            match cursor.next().await {
                Ok(w) => Some((Ok(Wijziging(w)), Some(cursor))),
                Err(err) => Some((Err(err), None)),
            }
        }))
    }
}
