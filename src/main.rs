//! Entry point: parse settings, start logging, run the chosen command.

use std::process::ExitCode;

use clap::Parser;
use fusieregister::config::{Cli, Command, LogFormat};
use fusieregister::{app, dataset, db, graphql};
use tracing_subscriber::EnvFilter;

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
        Command::Serve => app::serve(&url, cli.serve.listen).await.map_err(|e| e.detail()),
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
            println!("{}", graphql::sdl());
            Ok(())
        }
    }
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
