//! Small helpers to reach request data from a resolver without `unwrap`: the DataLoader and the
//! shared state, and typed one-row / many-rows loads through it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, QueryPathSegment, Response};
use chrono::{DateTime, Utc};
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::batching::{BatchQueue, RunUntilIdle};

use super::loaders::Db;
use super::pipeline::RequestReport;
use crate::db::{Databases, RetriedReads};
use crate::error::AppError;

/// The per-request DataLoader.
pub type Loaders = DataLoader<Db>;

/// The loader of the current request, or of the moment its root field asked for (`bekendOp`).
///
/// # Errors
/// An internal error if the request was not given [`fresh_loaders`].
pub fn loaders<'a>(ctx: &Context<'a>) -> Result<LoaderRef<'a>, AppError> {
    if let Some(view) = moment_view(ctx) {
        return Ok(LoaderRef::Moment(view));
    }
    ctx.data::<Loaders>()
        .map(LoaderRef::Request)
        .map_err(|_| AppError::Internal("request has no DataLoader".to_owned()))
}

/// A request's DataLoader, or that of a moment of it.
pub enum LoaderRef<'a> {
    /// The request's own.
    Request(&'a Loaders),
    /// The one of the registry as known at a moment.
    Moment(Arc<MomentView>),
}

impl std::ops::Deref for LoaderRef<'_> {
    type Target = Loaders;

    fn deref(&self) -> &Loaders {
        match self {
            Self::Request(loaders) => loaders,
            Self::Moment(view) => &view.loaders,
        }
    }
}

/// The registries as known at moments that root fields of one request asked for (`bekendOp`),
/// by the root field's response key (its alias or name). Everything below such a field reads
/// its moment: the field's resolvers find it through the first segment of their path, so no
/// type needs to carry it, and a request may ask for several moments side by side.
pub struct MomentViews {
    databases: Databases,
    queue: BatchQueue,
    report: Arc<RequestReport>,
    /// Whether any root field asked for a moment; spares the lookup otherwise.
    any: AtomicBool,
    views: Mutex<HashMap<String, Arc<MomentView>>>,
}

/// The connection and DataLoader of the registry as known at one moment, for one request.
pub struct MomentView {
    conn: DatabaseConnection,
    loaders: Loaders,
}

impl MomentViews {
    /// None yet, for a request reading from `databases` in rounds of `queue`.
    pub fn new(databases: Databases, queue: BatchQueue, report: Arc<RequestReport>) -> Self {
        Self { databases, queue, report, any: AtomicBool::new(false), views: Mutex::default() }
    }
}

/// Makes the root field being resolved, and everything below it, read the registry as known at
/// `moment` (nothing changes without one).
///
/// # Errors
/// A database error, or a moment the log cannot rebuild (see [`Databases::known_at`]).
pub async fn enter_moment(ctx: &Context<'_>, moment: Option<DateTime<Utc>>) -> Result<(), AppError> {
    let Some(moment) = moment else { return Ok(()) };
    let (Ok(views), Some(key)) = (ctx.data::<MomentViews>(), root_key(ctx)) else {
        return Err(AppError::Internal("bekendOp outside a prepared request".to_owned()));
    };
    let known = views.databases.known_at(Some(moment)).await?;
    let conn = super::pipeline::counted(known.conn, &views.report);
    let loaders = fresh_loaders(RetriedReads::new(conn.clone()), &views.queue, &views.report);
    let view = Arc::new(MomentView { conn, loaders });
    if let Ok(mut all) = views.views.lock() {
        all.insert(key.to_owned(), view);
        views.any.store(true, Ordering::Release);
    }
    Ok(())
}

/// The moment the root field above the resolver asked for, if any.
fn moment_view(ctx: &Context<'_>) -> Option<Arc<MomentView>> {
    let views = ctx.data_opt::<MomentViews>()?;
    if !views.any.load(Ordering::Acquire) {
        return None;
    }
    let key = root_key(ctx)?;
    views.views.lock().ok()?.get(key).cloned()
}

/// The response key of the root field the resolver is under.
fn root_key<'a>(ctx: &Context<'a>) -> Option<&'a str> {
    let mut node = ctx.path_node.as_ref()?;
    while let Some(parent) = node.parent {
        node = parent;
    }
    match node.segment {
        QueryPathSegment::Name(name) => Some(name),
        QueryPathSegment::Index(_) => None,
    }
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

/// The request's database connection (the primary, or a replica for a query; or the registry
/// as known at the moment the root field above asked for), for top-level reads that are not
/// relations and for the services of mutations.
///
/// # Errors
/// An internal error if the schema was built without a connection.
pub fn db(ctx: &Context<'_>) -> Result<DatabaseConnection, AppError> {
    if let Some(view) = moment_view(ctx) {
        return Ok(view.conn.clone());
    }
    ctx.data::<DatabaseConnection>().cloned().map_err(|_| AppError::Internal("schema has no database".to_owned()))
}

/// The request's connection for the reads of a query's root fields: [`db`], its reads on the
/// connections that reads keep of its pool (outside a moment) and each sent again when its
/// pooled connection turns out closed.
///
/// # Errors
/// An internal error if the schema was built without a connection.
pub fn reads(ctx: &Context<'_>) -> Result<RetriedReads, AppError> {
    if moment_view(ctx).is_none()
        && let Ok(reads) = ctx.data::<RetriedReads>()
    {
        return Ok(reads.clone());
    }
    db(ctx).map(RetriedReads::new)
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
pub fn fresh_loaders(reads: RetriedReads, queue: &BatchQueue, report: &Arc<RequestReport>) -> Loaders {
    let spawner = queue.clone();
    DataLoader::new(Db::new(reads, report.clone()), move |job| spawner.spawn(job))
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
