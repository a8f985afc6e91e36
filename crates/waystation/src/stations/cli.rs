//! The stations' commands: `import`, `export` and `stations reindex`.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use waystation_storage::Store;
use waystation_web::i18n::{t, Lang};
use waystation_web::stations::transfer;

/// The stations' subcommands, flattened into the binary's command list.
#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Station maintenance.
    #[command(subcommand)]
    Stations(StationsCommand),
}

impl Command {
    pub async fn run(self, store: &Arc<dyn Store>) -> anyhow::Result<ExitCode> {
        match self {
            Command::Import { file, format, skip_invalid, dry_run } => {
                store.migrate().await?;
                return import_command(store, &file, format, transfer::ImportOptions { skip_invalid, dry_run }).await;
            }
            Command::Export { format, org, output } => {
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
            Command::Stations(StationsCommand::Reindex) => {
                store.migrate().await?;
                let outcome = store.rebuild_station_indices(None).await?;
                println!("station indices rebuilt: {} stations, {} daily rows", outcome.stations, outcome.rows);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Debug, Subcommand)]
pub enum StationsCommand {
    /// Recompute the service-index counters from the visits, bookings, reviews
    /// and feedback stored (after an import or restore, or once after upgrading).
    Reindex,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TransferFormat {
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

async fn import_command(
    store: &Arc<dyn Store>,
    file: &std::path::Path,
    format: Option<TransferFormat>,
    options: transfer::ImportOptions,
) -> anyhow::Result<ExitCode> {
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
    let report = transfer::import(store, None, None, &bytes, format, options, Lang::Zh, &mut progress)
        .await
        .map_err(|e| anyhow::anyhow!("{}", t(Lang::En, &format!("error.{}", e.code))))?;
    eprintln!();
    for problem in &report.problems {
        let field = problem.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
        let en = t(Lang::En, &format!("error.{}", problem.code));
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
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
