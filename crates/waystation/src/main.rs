//! `waystation`: the one binary. `serve`, `migrate`, `demo`, `user`, `org`,
//! `backup`, `audit verify`, `stations reindex`.

use std::io::Read;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use waystation_domain::audit::ChainVerifier;
use waystation_domain::organisations::{DivisionCode, OrgKind, OrgName};
use waystation_domain::people::{NewPassword, PersonName, PhoneNumber, Role};
use waystation_storage::{NewOrg, NewUser, Org, Store};
use waystation_web::stations::transfer;
use waystation_web::{AppState, WebConfig};

use waystation::config::{self, FileSettings, GlobalArgs, LogFormat, ServeArgs, Settings};
use waystation::demo;

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
    Demo {
        /// Load N scale-set stations (up to 2,000,000) instead of the regional set.
        #[arg(long, value_name = "N")]
        stations: Option<u32>,
    },
    /// Manage accounts: create, grant or revoke a role, set a password.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organisations from the shell.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Import stations from a CSV (UTF-8 or GBK) or GeoJSON file. Nothing is
    /// written unless every row is valid (or --skip-invalid); rows matching a
    /// station by code, or by external id in the same organisation, update it.
    Import {
        file: std::path::PathBuf,
        /// csv or geojson. Default: from the file name's extension.
        #[arg(long, value_enum)]
        format: Option<TransferFormat>,
        /// Write the valid rows and list the invalid ones.
        #[arg(long)]
        skip_invalid: bool,
        /// Check the file only.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the public station data (open and suspended stations).
    Export {
        #[arg(long, value_enum)]
        format: TransferFormat,
        /// Only this organisation's subtree (its id).
        #[arg(long)]
        org: Option<i64>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Copy a SQLite database to FILE while the server runs (PostgreSQL: use pg_dump).
    Backup { file: std::path::PathBuf },
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Station maintenance.
    #[command(subcommand)]
    Stations(StationsCommand),
}

#[derive(Debug, Subcommand)]
enum StationsCommand {
    /// Recompute the service-index counters from the visits, bookings, reviews
    /// and feedback stored (after an import or restore, or once after upgrading).
    Reindex,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TransferFormat {
    Csv,
    Geojson,
}

impl From<TransferFormat> for transfer::Format {
    fn from(format: TransferFormat) -> Self {
        match format {
            TransferFormat::Csv => transfer::Format::Csv,
            TransferFormat::Geojson => transfer::Format::Geojson,
        }
    }
}

#[derive(Debug, clap::Args)]
struct OrgRef {
    /// The organisation's id.
    #[arg(long, conflicts_with = "org_code")]
    org: Option<i64>,
    /// The organisation's 6-digit division code (e.g. 500000).
    #[arg(long)]
    org_code: Option<String>,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account, optionally with a password and a role.
    Create {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        /// Grant this role too (on --org / --org-code, or the root organisation).
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Grant a role on an organisation (the root when none is named).
    Grant {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        role: String,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Revoke a role on an organisation.
    Revoke {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        role: String,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Set or reset an account's password, read from standard input.
    Password {
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// Create the root of the tree (the national federation) on a new install.
    CreateRoot {
        #[arg(long, default_value = "中华全国总工会")]
        name: String,
    },
    /// List the organisations below one (the root when none is named).
    List {
        #[command(flatten)]
        org: OrgRef,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; exit 1 naming the first broken row.
    Verify,
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
        Command::Demo { stations } => {
            let store = open(&settings).await?;
            store.migrate().await?;
            let summary = match stations {
                None => demo::load(&store).await?,
                Some(n) => demo::load_scale(&store, n).await?,
            };
            println!("{}", demo::describe(&summary, &format!("http://{}", config::DEFAULT_LISTEN)));
        }
        Command::User(command) => {
            let store = open(&settings).await?;
            store.migrate().await?;
            user_command(&store, command).await?;
        }
        Command::Org(command) => {
            let store = open(&settings).await?;
            store.migrate().await?;
            org_command(&store, command).await?;
        }
        Command::Import { file, format, skip_invalid, dry_run } => {
            let store = open(&settings).await?;
            store.migrate().await?;
            return import_command(&store, &file, format, transfer::ImportOptions { skip_invalid, dry_run }).await;
        }
        Command::Export { format, org, output } => {
            let store = open(&settings).await?;
            let stations = transfer::public_stations(store.as_ref(), org).await.map_err(|e| anyhow::anyhow!("{}", e.code))?;
            let text = match format {
                TransferFormat::Csv => transfer::to_csv(&stations),
                TransferFormat::Geojson => transfer::to_geojson(&stations).to_string(),
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("exported {} stations to {}", stations.len(), path.display());
                }
                None => print!("{text}"),
            }
        }
        Command::Backup { file } => {
            let store = open(&settings).await?;
            store.backup_to(&file).await?;
            println!("backup written to {}", file.display());
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&settings).await?;
            return audit_verify(&store).await;
        }
        Command::Stations(StationsCommand::Reindex) => {
            let store = open(&settings).await?;
            store.migrate().await?;
            let outcome = store.rebuild_station_indices(None).await?;
            println!("station indices rebuilt: {} stations, {} daily rows", outcome.stations, outcome.rows);
        }
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

async fn resolve_org(store: &Arc<dyn Store>, org: &OrgRef) -> anyhow::Result<Org> {
    if let Some(id) = org.org {
        return store.get_org(id).await.with_context(|| format!("no organisation with id {id}"));
    }
    if let Some(code) = &org.org_code {
        let code = DivisionCode::parse(code)?;
        return store
            .org_by_division_code(&code)
            .await?
            .with_context(|| format!("no active organisation with division code {}", code.as_str()));
    }
    match store.list_roots().await?.into_iter().next() {
        Some(root) => Ok(root),
        None => bail!("there is no organisation yet; create the root first: waystation org create-root"),
    }
}

fn read_password() -> anyhow::Result<NewPassword> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("reading the password from standard input")?;
    let line = input.lines().next().unwrap_or_default();
    Ok(NewPassword::parse(line).map_err(|e| anyhow::anyhow!("the password is not acceptable: {}", e.code))?)
}

async fn user_by_phone(store: &Arc<dyn Store>, phone: &str) -> anyhow::Result<waystation_storage::User> {
    let phone = PhoneNumber::parse(phone).map_err(|_| anyhow::anyhow!("not a mainland mobile number: {phone}"))?;
    store.user_by_phone(&phone).await?.with_context(|| format!("no account with phone {}", phone.masked()))
}

async fn user_command(store: &Arc<dyn Store>, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create { phone, name, password_stdin, role, org } => {
            let phone = PhoneNumber::parse(&phone).map_err(|_| anyhow::anyhow!("not a mainland mobile number: {phone}"))?;
            let name = PersonName::parse(&name).map_err(|e| anyhow::anyhow!("name: {}", e.code))?;
            let role = role.as_deref().map(parse_role).transpose()?;
            let target = match role {
                Some(_) => Some(resolve_org(store, &org).await?),
                None => None,
            };
            let password_hash = if password_stdin { Some(waystation_web::sign_in::hash_password(&read_password()?)?) } else { None };
            let user = store.create_user(None, NewUser { phone: phone.clone(), name: Some(name), password_hash }).await?;
            println!("created account {} for {}", user.id, phone.masked());
            if let (Some(role), Some(org)) = (role, target) {
                store.grant_role(None, user.id, org.id, role).await?;
                println!("granted {} on {} ({})", role.as_str(), org.name, org.id);
            }
        }
        UserCommand::Grant { phone, role, org } => {
            let (user, role, org) = person_role_org(store, &phone, &role, &org).await?;
            store.grant_role(None, user.id, org.id, role).await?;
            println!("granted {} on {} ({})", role.as_str(), org.name, org.id);
        }
        UserCommand::Revoke { phone, role, org } => {
            let (user, role, org) = person_role_org(store, &phone, &role, &org).await?;
            let grants = store.grants_of_user(user.id).await?;
            let grant = grants
                .iter()
                .find(|g| g.role == role && g.org_id == org.id)
                .with_context(|| format!("{} holds no {} role on {}", user.phone.masked(), role.as_str(), org.name))?;
            store.revoke_grant(None, grant.id).await?;
            println!("revoked {} on {}", role.as_str(), org.name);
        }
        UserCommand::Password { phone } => {
            let user = user_by_phone(store, &phone).await?;
            let hash = waystation_web::sign_in::hash_password(&read_password()?)?;
            store.set_password_hash(None, user.id, &hash).await?;
            println!("password set for {}", user.phone.masked());
        }
    }
    Ok(())
}

fn parse_role(role: &str) -> anyhow::Result<Role> {
    role.parse().map_err(|_| {
        let names = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
        anyhow::anyhow!("unknown role {role:?}; one of: {names}")
    })
}

/// The account, role and organisation a grant or revocation names.
async fn person_role_org(store: &Arc<dyn Store>, phone: &str, role: &str, org: &OrgRef) -> anyhow::Result<(waystation_storage::User, Role, Org)> {
    let role = parse_role(role)?;
    let user = user_by_phone(store, phone).await?;
    let org = resolve_org(store, org).await?;
    Ok((user, role, org))
}

async fn org_command(store: &Arc<dyn Store>, command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::CreateRoot { name } => {
            let org = store
                .create_org(None, NewOrg { parent_id: None, kind: OrgKind::National, name: OrgName::parse(&name)?, division_code: None })
                .await?;
            println!("created the root organisation {} ({})", org.name, org.id);
        }
        OrgCommand::List { org } => {
            let root = resolve_org(store, &org).await?;
            let mut request = waystation_domain::pagination::PageRequest::FIRST;
            loop {
                let page = store.list_subtree(root.id, true, request).await?;
                for org in &page.items {
                    let depth = org.path.depth() - root.path.depth();
                    let code = org.division_code.as_ref().map(|c| c.as_str()).unwrap_or("");
                    let state = if org.active { "" } else { " (deactivated)" };
                    println!("{:>6}  {}{} [{}] {}{}", org.id, "  ".repeat(depth), org.name, org.kind.as_str(), code, state);
                }
                match page.next_cursor {
                    Some(cursor) => request = waystation_domain::pagination::PageRequest::parse(Some(&cursor), None)?,
                    None => break,
                }
            }
        }
    }
    Ok(())
}

async fn import_command(
    store: &Arc<dyn Store>,
    file: &std::path::Path,
    format: Option<TransferFormat>,
    options: transfer::ImportOptions,
) -> anyhow::Result<std::process::ExitCode> {
    let format = match format {
        Some(format) => format.into(),
        None => transfer::Format::of_path(&file.to_string_lossy())
            .context("cannot tell the format from the file name; give --format csv or --format geojson")?,
    };
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let started = std::time::Instant::now();
    let mut progress = |done: usize, total: usize| {
        eprint!("\rchecking rows: {done}/{total}");
    };
    let report = transfer::import(store, None, None, &bytes, format, options, waystation_web::i18n::Lang::Zh, &mut progress)
        .await
        .map_err(|e| anyhow::anyhow!("{}", waystation_web::i18n::t(waystation_web::i18n::Lang::En, &format!("error.{}", e.code))))?;
    eprintln!();
    for problem in &report.problems {
        let field = problem.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
        let en = waystation_web::i18n::t(waystation_web::i18n::Lang::En, &format!("error.{}", problem.code));
        println!("line {}{field}: {} ({en})", problem.line, problem.code);
    }
    let encoding = report.encoding.as_deref().map(|e| format!(", {e}")).unwrap_or_default();
    println!(
        "{} rows{encoding}: {} created, {} updated, {} with problems; {} in {:.1} s",
        report.rows,
        report.created,
        report.updated,
        report.problems.iter().map(|p| p.line).collect::<std::collections::BTreeSet<_>>().len(),
        if report.written { "written" } else { "nothing written" },
        started.elapsed().as_secs_f64()
    );
    Ok(if report.problems.is_empty() || (report.written && options.skip_invalid) {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

async fn audit_verify(store: &Arc<dyn Store>) -> anyhow::Result<std::process::ExitCode> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let rows = store.audit_rows(after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if let Err(broken) = verifier.check(row) {
                println!("{broken}");
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
    }
    let (seq, hash) = store.audit_head().await?;
    match verifier.finish(Some((seq, &hash))) {
        Ok(count) => {
            println!("audit chain intact: {count} rows");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("{broken}");
            Ok(std::process::ExitCode::FAILURE)
        }
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
