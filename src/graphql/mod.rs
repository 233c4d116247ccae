//! The GraphQL API: schema construction, limits, and the modules that make it up.

pub mod batching;
pub mod connection;
pub mod context;
pub mod error_codes;
pub mod field_order;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use std::sync::Arc;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::events::Feed;

/// The registry's schema type.
pub type RegistrySchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// Deepest nesting a query may have; deep enough for gemeente → fusies → deelnames → gemeente → …
pub const MAX_DEPTH: usize = 12;
/// Largest query complexity (one point per field); refuses queries that would fan out wildly.
pub const MAX_COMPLEXITY: usize = 2_000;

/// Builds the schema on `db`: every request gets fresh DataLoaders and coded errors.
pub fn build_schema(db: DatabaseConnection) -> RegistrySchema {
    let feed = Arc::new(Feed::new(db.clone()));
    build_schema_with_feed(db, feed)
}

/// The schema over `db`, with subscriptions served from `feed`.
pub fn build_schema_with_feed(db: DatabaseConnection, feed: Arc<Feed>) -> RegistrySchema {
    Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription)
        .data(db.clone())
        .data(feed)
        .extension(context::FreshLoaders::new(db))
        .extension(error_codes::ErrorCodes)
        .extension(field_order::FieldOrder)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

/// The schema's shape without a database behind it: enough for the SDL and introspection.
pub fn bare_schema() -> RegistrySchema {
    Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription).finish()
}

/// The schema in SDL, as committed in `schema.graphql`. Needs no database.
pub fn sdl() -> String {
    bare_schema().sdl()
}
