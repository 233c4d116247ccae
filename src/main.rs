//! Entry point: parse settings, start logging, run the chosen command.

use std::path::Path;
use std::process::ExitCode;

use std::io::Write as _;

use clap::Parser;
use fusieregister::config::{Cli, Command, LogFormat, TokenCommand};
use fusieregister::error::AppError;
use fusieregister::export::base::BaseUrl;
use fusieregister::export::directory;
use fusieregister::export::params::{Params, Scope, parse_bekend_op, parse_peildatum};
use fusieregister::import::{self, ImportError};
use fusieregister::{app, auth, dataset, db, graphql};
use sea_orm::DatabaseConnection;
use tracing_subscriber::EnvFilter;

/// jemalloc: 1.5-1.9 times the throughput of glibc's allocator on the benchmark's nested queries,
/// whose answers allocate and free many small values, as fast as mimalloc, and it gives freed
/// memory back to the system within a tenth of a second (`dirty_decay_ms`, set where jemalloc is
/// built: `.cargo/config.toml`), where mimalloc kept the peak of a load (bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let url = cli.database.database_url;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let options = cli.serve.options().map_err(|e| e.to_string())?;
            let replicas = &cli.database.read_database_urls;
            app::serve(&url, replicas, cli.serve.listen, options).await.map_err(|e| e.detail())
        }
        Command::Migrate => {
            db::connect_and_migrate(&url).await.map_err(|e| e.detail())?;
            tracing::info!("database migrated");
            Ok(())
        }
        Command::Seed => {
            let conn = db::connect_and_migrate(&url).await.map_err(|e| e.detail())?;
            let data = dataset::Dataset::bundled().map_err(|e| e.to_string())?;
            let report = dataset::seed(&conn, &data).await.map_err(|e| e.detail())?;
            tracing::info!(?report, "seed finished");
            Ok(())
        }
        Command::Schema => {
            let sdl = if cli.serve.federation { graphql::federated_sdl() } else { graphql::sdl() };
            stdout(&format!("{sdl}\n")).map_err(|e| e.detail())
        }
        Command::Import { file } => {
            let conn = db::connect_and_migrate(&url).await.map_err(|e| e.detail())?;
            import(&conn, &file).await
        }
        Command::Backup { file } => {
            let conn = db::connect(&url).await.map_err(|e| e.detail())?;
            db::backup(&conn, &file).await.map_err(|e| e.detail())?;
            tracing::info!(file = %file.display(), "backup written");
            Ok(())
        }
        Command::Export { dir, peildatum, bekend_op } => {
            let params = Params {
                peildatum: peildatum
                    .as_deref()
                    .map(parse_peildatum)
                    .transpose()
                    .map_err(|e| flag("--peildatum", &e))?,
                bekend_op: bekend_op
                    .as_deref()
                    .map(parse_bekend_op)
                    .transpose()
                    .map_err(|e| flag("--bekend-op", &e))?,
            };
            let base = match cli.serve.public_url {
                Some(base) => base,
                None => BaseUrl::parse(&format!("http://{}", cli.serve.listen))?,
            };
            let conn = db::connect_and_migrate(&url).await.map_err(|e| e.detail())?;
            let scope = Scope { params, base };
            let written =
                directory::write(&db::Databases::primary_only(conn), &dir, &scope).await.map_err(|e| e.detail())?;
            tracing::info!(
                files = written.files.len(),
                volgnummer = written.volgnummer,
                dir = %dir.display(),
                "open data exported"
            );
            Ok(())
        }
        Command::Token { action } => {
            let conn = db::connect_and_migrate(&url).await.map_err(|e| e.detail())?;
            token(&conn, action).await.map_err(|e| e.detail())
        }
    }
}

/// The `token` commands: results on standard output, messages through the log (standard error).
async fn token(conn: &DatabaseConnection, action: TokenCommand) -> Result<(), AppError> {
    match action {
        TokenCommand::Create { name, role } => {
            let (created, token) = auth::store::create(conn, &name, role).await?;
            stdout(&format!("{token}\n"))?;
            tracing::info!(
                name = %created.naam,
                role = role.cli_name(),
                "token created; it is printed once and cannot be shown again"
            );
        }
        TokenCommand::List => stdout(&auth::token_table(&auth::store::list(conn).await?))?,
        TokenCommand::Revoke { name } => {
            let revoked = auth::store::revoke(conn, &name).await?;
            let at = revoked.ingetrokken.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            tracing::info!(name = %revoked.naam, revoked_at = at.as_deref().unwrap_or("?"), "token revoked");
        }
    }
    Ok(())
}

/// The `import` command: a progress bar while it runs, then the counts, or every bad row, on
/// standard error.
async fn import(conn: &DatabaseConnection, file: &Path) -> Result<(), String> {
    let progress = import::progress_bar();
    match import::import_file(conn, file, &progress).await {
        Ok(counts) => {
            let message = format!(
                "imported {}: {} rows applied, {} unchanged\n",
                file.display(),
                counts.applied,
                counts.unchanged
            );
            stderr(&message).map_err(|e| e.detail())
        }
        Err(ImportError::Rows(errors)) => {
            let split_list: String = errors.iter().map(|f| format!("{f}\n")).collect();
            stderr(&split_list).map_err(|e| e.detail())?;
            let rows = errors.iter().map(|f| f.line).collect::<std::collections::BTreeSet<_>>().len();
            let woord = if rows == 1 { "row" } else { "rows" };
            Err(format!("nothing was imported from {}: {rows} bad {woord}, listed above", file.display()))
        }
        Err(ImportError::ParsedFile(message)) => Err(message),
        Err(ImportError::App(err)) => Err(err.detail()),
    }
}

/// The message of a bad command-line value, naming its flag.
fn flag(name: &str, err: &AppError) -> String {
    format!("{name}: {}", err.public_message())
}

/// Writes to standard error, for a command's own output that is not a log line.
fn stderr(text: &str) -> Result<(), AppError> {
    let mut out = std::io::stderr().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| AppError::Internal(format!("cannot write to standard error: {e}")))
}

/// Writes to standard output; a closed pipe is an error, not a panic as with `print!`.
fn stdout(text: &str) -> Result<(), AppError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| AppError::Internal(format!("cannot write to standard output: {e}")))
}

/// Logs go to standard error, so that commands such as `schema` keep standard output clean.
fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
