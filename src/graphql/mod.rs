//! The GraphQL API: schema construction, limits, and the modules that make it up.

pub mod batching;
pub mod connection;
pub mod context;
pub mod error_codes;
pub mod field_order;
pub mod guard;
pub mod loaders;
pub mod mutation;
pub mod pipeline;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use std::sync::Arc;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::db::Databases;
use crate::events::Feed;

/// The registry's schema type.
pub type RegistrySchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// Switches an operator may turn off; both are on by default, because this is a public
/// registry whose users explore it in an IDE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Whether `__schema` and `__type` answer (IDEs, code generators and `graphql-js` clients
    /// need them).
    pub introspection: bool,
    /// Whether errors about unknown fields, types and arguments suggest similar names ("Did you
    /// mean …?"), which also reveals parts of the schema.
    pub suggestions: bool,
    /// The bounds of the query guard.
    pub limits: guard::Limits,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self { introspection: true, suggestions: true, limits: guard::Limits::default() }
    }
}

/// Builds the schema on `db`: every request gets fresh DataLoaders and coded errors.
pub fn build_schema(db: DatabaseConnection) -> RegistrySchema {
    let feed = Arc::new(Feed::new(db.clone()));
    build_schema_with_feed(db, feed)
}

/// The schema over `db`, with subscriptions served from `feed`.
pub fn build_schema_with_feed(db: DatabaseConnection, feed: Arc<Feed>) -> RegistrySchema {
    build_schema_with(db, feed, SchemaOptions::default())
}

/// The schema over `db` and `feed`, with the operator's switches.
pub fn build_schema_with(db: DatabaseConnection, feed: Arc<Feed>, options: SchemaOptions) -> RegistrySchema {
    build_schema_over(Databases::primary_only(db), feed, options)
}

/// The schema over a primary database and its read replicas (see [`Databases`]).
pub fn build_schema_over(databases: Databases, feed: Arc<Feed>, options: SchemaOptions) -> RegistrySchema {
    let guard = guard::QueryGuard::new(options.limits, type_index());
    let mut builder = Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription)
        .data(databases.primary().clone())
        .data(feed)
        .extension(pipeline::Pipeline::new(guard, databases));
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The guard's view of the schema, read from the schema's own SDL.
fn type_index() -> guard::TypeIndex {
    guard::TypeIndex::from_sdl(&sdl()).unwrap_or_else(|err| {
        // Cannot happen with an SDL that async-graphql printed; without the index the guard
        // still bounds depth and counts every field once.
        tracing::error!(error = %err, "the query guard runs without the schema's field shapes");
        guard::TypeIndex::default()
    })
}

/// The schema's shape without a database behind it: enough for the SDL and introspection.
pub fn bare_schema() -> RegistrySchema {
    Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription).finish()
}

/// The schema in SDL, as committed in `schema.graphql`. Needs no database.
///
/// Scalars carry their `@specifiedBy` URL, as introspection reports it (`specifiedByURL`), so
/// that the SDL and what a client builds from introspection are the same schema.
pub fn sdl() -> String {
    bare_schema().sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
