//! The GraphQL API: schema construction, limits, and the modules that make it up.

pub mod batching;
pub mod connection;
pub mod context;
pub mod error_codes;
pub mod federation;
pub mod field_order;
pub mod guard;
pub mod loaders;
pub mod mutation;
pub mod parsed_documents;
pub mod pipeline;
pub mod prebuilt;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use std::sync::Arc;

use async_graphql::{Data, Executor, ObjectType, Request, Response, Schema};
use futures_util::stream::BoxStream;
pub use pipeline::Served;
use sea_orm::DatabaseConnection;

use crate::db::Databases;
use crate::events::Feed;

/// The registry's schema, served: with the request pipeline around it.
pub type RegistrySchema = Served<query::Query>;

/// The registry as an Apollo Federation v2 subgraph: the same API plus `_service` and
/// `_entities` (see [`federation`]).
pub type FederatedSchema = Served<federation::FederatedQuery>;

/// The registry's schema alone, without a database or pipeline: for its SDL and introspection.
pub type BareSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The schema a server serves: the plain one, or the subgraph with `--federation`. They are two
/// types because async-graphql turns federation on for every schema whose root reaches an entity
/// resolver (see [`federation`]); this enum lets the handlers run either without knowing which.
#[derive(Clone)]
pub enum Api {
    /// The public schema of `schema.graphql`.
    Plain(RegistrySchema),
    /// The federation subgraph.
    Federated(FederatedSchema),
}

impl Executor for Api {
    async fn execute(&self, request: Request) -> Response {
        match self {
            Self::Plain(schema) => schema.execute(request).await,
            Self::Federated(schema) => schema.execute(request).await,
        }
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        match self {
            Self::Plain(served) => Executor::execute_stream(served, request, session_data),
            Self::Federated(served) => Executor::execute_stream(served, request, session_data),
        }
    }
}

impl From<RegistrySchema> for Api {
    fn from(schema: RegistrySchema) -> Self {
        Self::Plain(schema)
    }
}

impl From<FederatedSchema> for Api {
    fn from(schema: FederatedSchema) -> Self {
        Self::Federated(schema)
    }
}

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
    /// Whether the server is an Apollo Federation v2 subgraph ([`FederatedSchema`]); off by
    /// default.
    pub federation: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self { introspection: true, suggestions: true, limits: guard::Limits::default(), federation: false }
    }
}

/// Builds the schema on `db`: every request gets the guard, fresh DataLoaders and coded errors.
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

/// The federation subgraph on `db`, with the default switches.
pub fn build_federated_schema(db: DatabaseConnection) -> FederatedSchema {
    let feed = Arc::new(Feed::new(db.clone()));
    build_federated_schema_over(Databases::primary_only(db), feed, SchemaOptions::default())
}

/// The schema over a primary database and its read replicas (see [`Databases`]).
pub fn build_schema_over(databases: Databases, feed: Arc<Feed>, options: SchemaOptions) -> RegistrySchema {
    finish(query::Query, databases, feed, options, &sdl())
}

/// The federation subgraph over a primary database and its read replicas.
pub fn build_federated_schema_over(databases: Databases, feed: Arc<Feed>, options: SchemaOptions) -> FederatedSchema {
    // The guard reads the subgraph's own SDL, which has `_entities` and `_Entity` as fields and
    // types it can measure (not the SDL of `_service`, which leaves them out).
    let shape = bare_federated_schema().sdl();
    finish(federation::FederatedQuery::new(), databases, feed, options, &shape)
}

/// The schema the server serves: the subgraph when `options.federation` is on, else the plain one.
pub fn build_api_over(databases: Databases, feed: Arc<Feed>, options: SchemaOptions) -> Api {
    if options.federation {
        Api::Federated(build_federated_schema_over(databases, feed, options))
    } else {
        Api::Plain(build_schema_over(databases, feed, options))
    }
}

/// A schema with root `query` over `databases` and `feed`; `shape` is its SDL, for the guard.
fn finish<Q: ObjectType + 'static>(
    query: Q,
    databases: Databases,
    feed: Arc<Feed>,
    options: SchemaOptions,
    shape: &str,
) -> Served<Q> {
    let guard = guard::QueryGuard::new(options.limits, type_index(shape));
    let mut builder = Schema::build(query, mutation::Mutation::default(), subscription::Subscription)
        .data(databases.primary().clone())
        .data(feed);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    Served::new(builder.finish(), guard, databases)
}

/// The guard's view of the schema, read from the schema's own SDL.
fn type_index(sdl: &str) -> guard::TypeIndex {
    guard::TypeIndex::from_sdl(sdl).unwrap_or_else(|err| {
        // Cannot happen with an SDL that async-graphql printed; without the index the guard
        // still bounds depth and counts every field once.
        tracing::error!(error = %err, "the query guard runs without the schema's field shapes");
        guard::TypeIndex::default()
    })
}

/// The schema's shape without a database behind it: enough for the SDL and introspection.
pub fn bare_schema() -> BareSchema {
    Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription).finish()
}

/// The schema in SDL, as committed in `schema.graphql`. Needs no database.
///
/// Scalars carry their `@specifiedBy` URL, as introspection reports it (`specifiedByURL`), so
/// that the SDL and what a client builds from introspection are the same schema.
pub fn sdl() -> String {
    bare_schema().sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// The subgraph's shape without a database behind it.
pub fn bare_federated_schema() -> Schema<federation::FederatedQuery, mutation::Mutation, subscription::Subscription> {
    Schema::build(federation::FederatedQuery::new(), mutation::Mutation::default(), subscription::Subscription).finish()
}

/// The subgraph's SDL as a gateway or `rover` reads it from `_service { sdl }`: Federation v2,
/// with `extend schema @link(…)` and the `@key` directives, without `_service` and `_entities`.
pub fn federated_sdl() -> String {
    bare_federated_schema().sdl_with_options(async_graphql::SDLExportOptions::new().federation().compose_directive())
}
