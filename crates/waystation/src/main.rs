//! `waystation`: the one binary. `serve`, `migrate`, `demo`, `user`, `org`,
//! `backup`, `audit verify`, `stations reindex`, `appeals sweep`.

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use waystation_storage::Store;
use waystation_web::{AppState, WebConfig};

use waystation::config::{self, FileSettings, GlobalArgs, LogFormat, ServeArgs, Settings};
use waystation::{appeals, demo, foundation, stations};

#[derive(Debug, Parser)]
#[command(name = "waystation", version, about = "Rest stations, appeals, congresses and proposals for a trade union's outdoor and platform workers.")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrations run first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data set into an empty database and print how to sign in.
    ///
    /// Without --stations: the organisation tree, one account per role and the
    /// rest stations of the seed documents' places (Chongqing 5,606, Fujian
    /// 2,600, Changsha 530, …), always the same.
    ///
    /// With --stations N: the scale set for benchmarks instead of the regional
    /// stations — N stations spread over about 300 cities of China. Into an
    /// empty database it loads the organisation tree and accounts first; into
    /// one that has them it adds the N stations (ids BENCH-0000001…, so running
    /// again with the same or a larger N updates those and adds the rest).
    ///
    /// With --appeals N: N scale-set appeals across the tree's unions and the
    /// past year, for benchmarks (into an empty database the tree comes first).
    Demo {
        /// Load N scale-set stations (up to 2,000,000) instead of the regional set.
        #[arg(long, value_name = "N")]
        stations: Option<u32>,
        /// Add N scale-set appeals (up to 2,000,000) across the tree instead, for benchmarks.
        #[arg(long, value_name = "N", conflicts_with = "stations")]
        appeals: Option<u32>,
    },
    /// Copy a SQLite database to FILE while the server runs (PostgreSQL: use pg_dump).
    Backup { file: std::path::PathBuf },
    // The foundation's commands: `user`, `org`, `audit`.
    #[command(flatten)]
    Foundation(foundation::cli::Command),
    // The stations' commands: `import`, `export`, `stations`.
    #[command(flatten)]
    Stations(stations::cli::Command),
    // The appeals' commands: `appeals sweep`.
    #[command(flatten)]
    Appeals(appeals::cli::Command),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn open(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store = waystation_storage::open(&settings.database_url)
        .await
        .with_context(|| format!("opening the database {}", redact(&settings.database_url)))?;
    Ok(store)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let file = FileSettings::load(cli.global.config.as_ref())?;
    let serve_args = match &cli.command {
        Command::Serve(args) => Some(args),
        _ => None,
    };
    let settings = Settings::resolve(&cli.global, serve_args, file)?;
    init_logging(settings.log_format);
    match cli.command {
        Command::Serve(_) => serve(settings).await?,
        Command::Migrate => {
            open(&settings).await?.migrate().await?;
            println!("migrations applied to {}", redact(&settings.database_url));
        }
        Command::Demo { stations, appeals } => {
            let store = open(&settings).await?;
            store.migrate().await?;
            let summary = match (stations, appeals) {
                (Some(n), _) => demo::load_scale(&store, n).await?,
                (None, Some(n)) => demo::load_scale_appeals(&store, n).await?,
                (None, None) => demo::load(&store).await?,
            };
            println!("{}", demo::describe(&summary, &format!("http://{}", config::DEFAULT_LISTEN)));
        }
        Command::Backup { file } => {
            let store = open(&settings).await?;
            store.backup_to(&file).await?;
            println!("backup written to {}", file.display());
        }
        Command::Foundation(command) => return command.run(&open(&settings).await?).await,
        Command::Stations(command) => return command.run(&open(&settings).await?).await,
        Command::Appeals(command) => return command.run(&open(&settings).await?).await,
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let store = open(&settings).await?;
    store.migrate().await.context("applying migrations")?;
    if settings.demo {
        if store.list_roots().await?.is_empty() {
            let accounts = demo::load(&store).await?;
            println!("{}", demo::describe(&accounts, &format!("http://{}", settings.listen)));
        } else {
            tracing::info!("the database has data already; --demo loads nothing");
        }
    }
    let config = WebConfig {
        secure_cookies: settings.secure_cookies,
        trust_forwarded_for: settings.trust_forwarded_for,
        tiles: settings.tiles.clone(),
    };
    let state = AppState::new(store.clone(), config, waystation_web::sign_in::default_code_sender()).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = store.backend(), "Waystation is serving");
    println!("Waystation is serving on http://{address}");
    waystation_web::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(super::redact("postgres://app:s3cret@db:5432/ws"), "postgres://app:***@db:5432/ws");
        assert_eq!(super::redact("sqlite:waystation.db"), "sqlite:waystation.db");
    }
}
