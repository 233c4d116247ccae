//! fusieregister: a GraphQL registry of Dutch municipalities, their ambtelijke fusies and the
//! studies about them. A request flows HTTP (`app`) → `graphql` → `service` (writes) or `store`
//! (reads) → `entity` → database. The modules:

/// Application state, schema construction, the HTTP router and the server loop.
pub mod app;
/// API tokens and roles: who is calling, and whether they may write.
pub mod auth;
/// Command-line and environment settings.
pub mod config;
/// Cross-origin requests: which browser origins may call the API.
pub mod cors;
/// The bundled dataset and the code that seeds a database with it.
pub mod dataset;
/// Connecting to and migrating the database.
pub mod db;
/// Value types and rules of the domain.
pub mod domain;
/// sea-orm entities: plain rows of the tables.
pub mod entity;
/// The single error type with its client-facing codes.
pub mod error;
/// The change feed: one reader of the change log per instance, woken in-process and through
/// PostgreSQL NOTIFY, and each subscriber's gap-free place in the log.
pub mod events;
/// Open data: CSV, JSON-LD and a DCAT catalogue under `/data/`, streamed page by page and
/// cached by ETag, and `export DIR` writing the same files.
pub mod export;
/// The GraphQL API: types wrapping entities, resolvers, DataLoaders, limits.
pub mod graphql;
/// The embedded GraphQL IDE (GraphiQL) and its static assets.
pub mod ide;
/// Bulk import of a CSV or JSON file through the service layer, all rows or none.
pub mod import;
/// Write use-cases: one transaction each, rules checked, changes logged.
pub mod service;
/// Every database query, one file per aggregate: the API's reads and the writes' lookups and
/// writes.
pub mod store;
/// `/voorbeeld`: an example front-end (ES modules, `fetch`, the `graphql-ws` client) embedded in
/// the binary.
pub mod voorbeeld;
/// GraphQL over WebSocket: both subprotocols, the token in `connection_init`, keep-alives.
pub mod ws;
