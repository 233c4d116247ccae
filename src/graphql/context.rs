//! Small helpers to reach request data from a resolver without `unwrap`: the DataLoader and the
//! shared state, and typed one-row / many-rows loads through it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::{Context, Request, ServerResult};
use sea_orm::DatabaseConnection;

use super::loaders::Db;
use crate::error::AppError;

/// The per-request DataLoader.
pub type Loaders = DataLoader<Db>;

/// The loader of the current request.
///
/// # Errors
/// An internal error if the request was not prepared by [`FreshLoaders`].
pub fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, AppError> {
    ctx.data::<Loaders>().map_err(|_| AppError::Internal("request has no DataLoader".to_owned()))
}

/// The database pool, for top-level list queries that are not relations.
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

/// Gives every request (query, mutation or subscription, over any transport or in a test) a
/// fresh DataLoader, so that its cache never outlives the request.
pub struct FreshLoaders {
    db: DatabaseConnection,
}

impl FreshLoaders {
    /// An extension that creates loaders on `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl ExtensionFactory for FreshLoaders {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FreshLoadersExtension { db: self.db.clone() })
    }
}

struct FreshLoadersExtension {
    db: DatabaseConnection,
}

#[async_graphql::async_trait::async_trait]
impl Extension for FreshLoadersExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let loaders = DataLoader::new(Db(self.db.clone()), tokio::spawn);
        next.run(ctx, request.data(loaders)).await
    }
}
