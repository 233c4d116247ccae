//! Small helpers to reach request data from a resolver without `unwrap`: the DataLoader and the
//! shared state, and typed one-row / many-rows loads through it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Response};
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::batching::{BatchQueue, RunUntilIdle};

use super::loaders::Db;
use super::pipeline::RequestReport;
use crate::error::AppError;

/// The per-request DataLoader.
pub type Loaders = DataLoader<Db>;

/// The loader of the current request.
///
/// # Errors
/// An internal error if the request was not given [`fresh_loaders`].
pub fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, AppError> {
    ctx.data::<Loaders>().map_err(|_| AppError::Internal("request has no DataLoader".to_owned()))
}

/// Runs a top-level read of the database (`job`, which owns what it needs) in the request's
/// current round of batches, so that the relations of its rows are loaded together with those
/// of the other top-level fields (see [`super::batching`]). Outside a prepared request it simply
/// runs.
///
/// # Errors
/// The job's error, or an internal error when the job was dropped unfinished.
pub async fn in_round<T: Send + 'static>(
    ctx: &Context<'_>,
    job: impl std::future::Future<Output = Result<T, AppError>> + Send + 'static,
) -> Result<T, AppError> {
    match ctx.data::<BatchQueue>() {
        Ok(queue) => queue
            .in_round(job)
            .await
            .unwrap_or_else(|| Err(AppError::Internal("a read of the request was dropped unfinished".to_owned()))),
        Err(_) => job.await,
    }
}

/// The request's database connection (the primary, or a replica for a query), for top-level
/// reads that are not relations and for the services of mutations.
///
/// # Errors
/// An internal error if the schema was built without a connection.
pub fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, AppError> {
    ctx.data::<DatabaseConnection>().map_err(|_| AppError::Internal("schema has no database".to_owned()))
}

/// One value by key, if it exists.
///
/// # Errors
/// The loader's error.
pub async fn one<K>(ctx: &Context<'_>, key: K) -> Result<Option<<Db as Loader<K>>::Value>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Db: Loader<K, Error = AppError>,
{
    loaders(ctx)?.load_one(key).await
}

/// The value by key that must exist (a foreign key guarantees it).
///
/// # Errors
/// An internal error when the row is missing, which would mean a broken foreign key.
pub async fn required<K>(ctx: &Context<'_>, key: K) -> Result<<Db as Loader<K>>::Value, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + std::fmt::Debug + 'static,
    Db: Loader<K, Error = AppError>,
{
    let missing = format!("{key:?} is referenced but missing");
    one(ctx, key).await?.ok_or(AppError::Internal(missing))
}

/// The rows grouped under a key; empty when there are none.
///
/// # Errors
/// The loader's error.
pub async fn many<K, V>(ctx: &Context<'_>, key: K) -> Result<Vec<V>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Db: Loader<K, Value = Vec<V>, Error = AppError>,
{
    Ok(one(ctx, key).await?.unwrap_or_default())
}

/// Several values by key in one batch; missing keys are absent from the map.
///
/// # Errors
/// The loader's error.
pub async fn several<K>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<K, <Db as Loader<K>>::Value>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Db: Loader<K, Error = AppError>,
{
    loaders(ctx)?.load_many(keys).await
}

/// Keys in one DataLoader batch at most: one bind parameter each.
const MAX_BATCH_SIZE: usize = 10_000;

/// Gives every request (query, mutation or subscription, over any transport or in a test) a
/// fresh DataLoader, so that its cache never outlives the request.
///
/// No timer: batches start when the request waits only for data (see `batching`), so the
/// operation runs under [`run_until_idle`]. A batch holds every key of its round, up to a bound
/// well below the bind-parameter limits of SQLite (32,766) and PostgreSQL (65,535);
/// async-graphql's default of 1,000 split the larger rounds.
pub fn fresh_loaders(db: &DatabaseConnection, queue: &BatchQueue, report: &Arc<RequestReport>) -> Loaders {
    let spawner = queue.clone();
    DataLoader::new(Db::new(db.clone(), report.clone()), move |job| spawner.spawn(job))
        .delay(Duration::ZERO)
        .max_batch_size(MAX_BATCH_SIZE)
}

/// Runs an operation so that each level of the query is one batch per relation. Tokio's
/// cooperative budget is switched off for it, because a budget-forced yield would look like
/// progress to [`RunUntilIdle`] and spin; the work between waits is bounded by the query depth
/// and complexity limits.
pub async fn run_until_idle(operation: impl std::future::Future<Output = Response>, queue: BatchQueue) -> Response {
    tokio::task::unconstrained(RunUntilIdle::new(operation, queue)).await
}
