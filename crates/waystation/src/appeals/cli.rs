//! The appeals' commands: `appeals sweep`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Subcommand;
use waystation_domain::appeals::Catalogue;
use waystation_domain::kit::calendar::HolidayCalendar;
use waystation_storage::Store;

/// The appeals' subcommands, flattened into the binary's command list.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Appeal maintenance.
    #[command(subcommand)]
    Appeals(AppealsCommand),
}

#[derive(Debug, Subcommand)]
pub enum AppealsCommand {
    /// Run the deadline clock once now, as every server does each minute:
    /// yellow warnings, red escalations (each once, whoever runs it), and
    /// replied cases closed after the worker's silence. Prints what it did.
    Sweep,
}

impl Command {
    pub async fn run(self, store: &Arc<dyn Store>) -> anyhow::Result<ExitCode> {
        match self {
            Command::Appeals(AppealsCommand::Sweep) => {
                store.migrate().await?;
                // The official calendar with the years system admins added (a stored year that no longer fits is left out, as the server does).
                let (calendar, _refused) = HolidayCalendar::official_with(store.holiday_years().await?);
                let started = Instant::now();
                let report = store.sweep_appeal_deadlines(chrono::Utc::now(), &Catalogue::builtin(), &calendar).await?;
                println!(
                    "examined {} open cases in {} ms: {} warned, {} escalated, {} closed after silence",
                    report.examined,
                    started.elapsed().as_millis(),
                    report.warned,
                    report.escalated,
                    report.closed_after_silence
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
