//! Settings, from flags or environment variables. The database URL may hold a password, so it is
//! never printed or logged.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::app::persisted::{AllowList, AllowListError, PersistedDocuments};
use crate::app::server::ConnectionLimits;
use crate::app::{self, Options};
use crate::cors::CorsOrigins;
use crate::domain::TokenRol;
use crate::export::base::BaseUrl;

/// GraphQL registry of Dutch municipalities, their ambtelijke fusies and the studies about them.
#[derive(Debug, Parser)]
#[command(name = "fusieregister", version, about)]
pub struct Cli {
    /// What to do; without a command the server runs (`serve`).
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub serve: ServeArgs,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "FUSIEREGISTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// The commands of the binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, load the bundled dataset when it is empty, and serve the API.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the bundled dataset; records already present are left alone (idempotent).
    Seed,
    /// Print the GraphQL schema (SDL) to standard output; with `--federation`, the SDL of the
    /// Apollo Federation v2 subgraph.
    Schema,
    /// Import municipalities, herindelingen, ambtelijke fusies and deelnames from a CSV or JSON file.
    ///
    /// Every row is checked by the same rules as the API. The whole file is applied in one
    /// transaction or, if any row is bad, nothing is written and every bad row is listed on
    /// standard error as `line N, column C: reason` (exit code 1). Rows already in the registry
    /// are left alone, so importing a file twice changes nothing. A name ending in `.json` is
    /// read as JSON, anything else as CSV. The database is migrated first.
    Import {
        /// The file to import; the format is described in the README ("Bulk import").
        file: std::path::PathBuf,
    },
    /// Write a consistent copy of a SQLite database to FILE while the server may keep running
    /// (for PostgreSQL, use `pg_dump`).
    Backup {
        /// Where the copy goes; must not exist yet.
        file: std::path::PathBuf,
    },
    /// Write the open data files to DIR: each dataset as CSV and JSON-LD, the DCAT catalogue and
    /// the JSON-LD context, with the bytes the server sends at `/data/` for the same arguments
    /// and `--public-url` (default: `http://` and `--listen`). The database is migrated first.
    Export {
        /// The directory to write to; created when missing, earlier files in it replaced.
        dir: std::path::PathBuf,
        /// Only records valid on this date (`YYYY-MM-DD`), as the API's `peildatum`; without it,
        /// all periods.
        #[arg(long)]
        peildatum: Option<String>,
        /// The registry as known at this moment (RFC 3339, e.g. `2026-01-01T00:00:00Z`), as the
        /// API's `bekendOp`; without it, as known now.
        #[arg(long = "bekend-op")]
        bekend_op: Option<String>,
    },
    /// Manage the API tokens that writes need (the database is migrated first).
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        action: TokenCommand,
    },
}

/// The `token` subcommands. The token itself is printed once, by `create`; only its hash is
/// stored, so it can never be shown again.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it, alone, on standard output.
    Create {
        /// A unique name saying who or what uses the token (e.g. `ci-import`).
        #[arg(long)]
        name: String,
        /// What the token may do.
        #[arg(long, value_enum)]
        role: TokenRol,
    },
    /// List the tokens: name, role, when created, and whether revoked.
    List,
    /// Revoke a token by name; it stops working at once. Revoking twice changes nothing.
    Revoke {
        /// The name given at `token create`.
        #[arg(long)]
        name: String,
    },
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://file.db?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://fusieregister.db?mode=rwc",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,

    /// A read replica of the PostgreSQL database at `--database-url` (repeat the flag, or
    /// separate URLs by commas): queries read from the replicas in turn, while writes,
    /// subscriptions and a mutation's own answer use the primary.
    #[arg(
        long = "read-database-url",
        env = "FUSIEREGISTER_READ_DATABASE_URLS",
        value_name = "URL",
        value_delimiter = ',',
        hide_env_values = true,
        global = true
    )]
    pub read_database_urls: Vec<String>,
}

/// Settings of the HTTP server. Global, so that they also apply when the binary serves
/// without a subcommand (`cargo run --release`).
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (when serving).
    #[arg(long, env = "FUSIEREGISTER_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// Browser origins allowed to call the API (CORS): `*`, or origins separated by commas such
    /// as `https://app.example.nl,http://localhost:5173`.
    #[arg(long, env = "FUSIEREGISTER_CORS_ORIGINS", default_value = "*", global = true)]
    pub cors_origins: CorsOrigins,

    /// Whether `__schema` and `__type` answer; IDEs and code generators need them.
    #[arg(long, env = "FUSIEREGISTER_INTROSPECTION", default_value_t = true, action = ArgAction::Set, global = true)]
    pub introspection: bool,

    /// Serve the API as an Apollo Federation v2 subgraph (`_service`, `_entities`, `@key`); with
    /// `schema`, print the subgraph's SDL.
    #[arg(long, env = "FUSIEREGISTER_FEDERATION", global = true)]
    pub federation: bool,

    /// Whether errors about unknown names suggest similar ones ("Did you mean …?").
    #[arg(long, env = "FUSIEREGISTER_SUGGESTIONS", default_value_t = true, action = ArgAction::Set, global = true)]
    pub suggestions: bool,

    /// GraphQL requests over HTTP that may run at once; more get 503 at once.
    #[arg(long, env = "FUSIEREGISTER_MAX_CONCURRENT_REQUESTS", default_value_t = app::MAX_CONCURRENT_REQUESTS, global = true)]
    pub max_concurrent_requests: usize,

    /// Admitted requests that execute at once (the others wait their turn); default: the number
    /// of cores on SQLite, twice that on PostgreSQL (at most the pool's connections). A document
    /// whose last answer was large takes several turns at once, or runs alone.
    #[arg(long, env = "FUSIEREGISTER_MAX_RUNNING_REQUESTS", global = true)]
    pub max_running_requests: Option<usize>,

    /// Largest response body in bytes; a larger answer becomes a RESPONSE_TOO_LARGE error.
    #[arg(long, env = "FUSIEREGISTER_MAX_RESPONSE_BYTES", default_value_t = app::MAX_RESPONSE_BYTES, global = true)]
    pub max_response_bytes: usize,

    /// Connections of the database pool (default: 20 on PostgreSQL, 8 for a SQLite file). Every
    /// instance has its own pool: keep their sum below PostgreSQL's `max_connections`.
    #[arg(long, env = "FUSIEREGISTER_DATABASE_MAX_CONNECTIONS", global = true)]
    pub database_max_connections: Option<u32>,

    /// Log operations that take at least this long (e.g. `1s`, `250ms`).
    #[arg(long, env = "FUSIEREGISTER_SLOW_OPERATION", default_value = "1s", value_parser = humantime::parse_duration, global = true)]
    pub slow_operation: Duration,

    /// Serve `GET /metrics` on this address (e.g. `127.0.0.1:9090`) instead of the API's, so
    /// that it need not be public.
    #[arg(long, env = "FUSIEREGISTER_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<SocketAddr>,

    /// Operations one WebSocket may run at once.
    #[arg(long, env = "FUSIEREGISTER_WS_MAX_OPERATIONS", default_value_t = Options::default().max_operations_per_socket, global = true)]
    pub ws_max_operations: usize,

    /// Time a client has to send a complete request head once the server waits for one; also
    /// how long an idle keep-alive connection stays open (e.g. `10s`, `500ms`).
    #[arg(long, env = "FUSIEREGISTER_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub header_timeout: Duration,

    /// Longest a response may wait for a client that does not read it; then the connection is
    /// dropped.
    #[arg(long, env = "FUSIEREGISTER_WRITE_STALL_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub write_stall_timeout: Duration,

    /// Run only the documents in this file (an allow-list): a JSON object of id → document, as
    /// GraphQL Code Generator writes it, or Apollo's persisted query manifest. Clients name a
    /// document by `documentId`, by `extensions.persistedQuery.sha256Hash`, or send its text.
    #[arg(long, env = "FUSIEREGISTER_PERSISTED_DOCUMENTS", value_name = "FILE", global = true)]
    pub persisted_documents: Option<PathBuf>,

    /// Whether clients may register documents by hash (Apollo's automatic persisted queries);
    /// ignored with `--persisted-documents`.
    #[arg(long, env = "FUSIEREGISTER_AUTOMATIC_PERSISTED_QUERIES", default_value_t = true, action = ArgAction::Set, global = true)]
    pub automatic_persisted_queries: bool,

    /// The address clients reach the server at (e.g. `https://register.example.nl`), which the
    /// open data's JSON-LD URIs and download links use; without it, the request's `Host` over
    /// `http` (and, for `export`, `http://` and `--listen`).
    #[arg(long, env = "FUSIEREGISTER_PUBLIC_URL", value_parser = BaseUrl::parse, global = true)]
    pub public_url: Option<BaseUrl>,
}

impl ServeArgs {
    /// The server's options: the defaults, with these settings.
    ///
    /// # Errors
    /// When the persisted documents file cannot be used.
    pub fn options(&self) -> Result<Options, AllowListError> {
        let persisted = match &self.persisted_documents {
            Some(path) => PersistedDocuments::AllowList(Arc::new(AllowList::read(path)?)),
            None if self.automatic_persisted_queries => PersistedDocuments::default(),
            None => PersistedDocuments::Off,
        };
        Ok(Options {
            persisted,
            public_url: self.public_url.clone(),
            max_concurrent_requests: self.max_concurrent_requests,
            max_running_requests: self.max_running_requests,
            max_response_bytes: self.max_response_bytes,
            max_unsent_bytes: 2 * self.max_response_bytes,
            max_operations_per_socket: self.ws_max_operations,
            schema: crate::graphql::SchemaOptions {
                introspection: self.introspection,
                suggestions: self.suggestions,
                federation: self.federation,
                ..crate::graphql::SchemaOptions::default()
            },
            cors: self.cors_origins.clone(),
            database_max_connections: self.database_max_connections,
            metrics_listen: self.metrics_listen,
            slow_operation: self.slow_operation,
            connection: ConnectionLimits {
                header_timeout: self.header_timeout,
                write_stall_timeout: self.write_stall_timeout,
            },
            ..Options::default()
        })
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}
