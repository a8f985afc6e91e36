//! The demo data set, assembled from each capability's part: the
//! organisation tree of the places in the source documents, partner
//! organisations and one account per role (`foundation::demo`), and the rest
//! stations of those places with the seed documents' own figures, or a scale
//! set of any size for benchmarks (`stations::demo`); the appeals of those
//! places, or a scale set of cases (`appeals::demo`).

use std::sync::Arc;

use waystation_storage::Store;

use waystation_domain::kit::calendar::HolidayCalendar;

use crate::appeals::demo as appeals_demo;
use crate::foundation::demo as foundation_demo;
use crate::stations::demo as stations_demo;

pub use crate::appeals::demo::{AppealCounts, MAX_SCALE_APPEALS};
pub use crate::foundation::demo::{organisation_count, DemoAccount, DEMO_STAFF_PASSWORD};
pub use crate::stations::demo::{
    figures, RegionCount, UseCounts, DEMO_SEED, IMPORT_BATCH, MAX_SCALE_STATIONS, PARKING_NOT_YET_OPEN_NOTICE,
};

/// What a demo load created.
pub struct DemoSummary {
    /// Organisations created by this load (none when the tree was there already).
    pub organisations: usize,
    pub accounts: Vec<DemoAccount>,
    pub stations: Vec<RegionCount>,
    /// Whether these are the scale set's stations rather than the regional set's.
    pub scale: bool,
    /// Of the stations, how many were there already (same external id) and were updated.
    pub updated: usize,
    /// Rooms to book, reviews and answered feedback at the regional set's stations.
    pub using: UseCounts,
    /// The regional set's appeals, or the scale set's cases.
    pub appeals: AppealCounts,
}

/// Loads the whole demo set — organisations, accounts and the regional
/// stations — into an empty database; refuses one that has organisations.
pub async fn load(store: &Arc<dyn Store>) -> anyhow::Result<DemoSummary> {
    refuse_non_empty(store).await?;
    let ids = foundation_demo::create_tree(store).await?;
    let accounts = foundation_demo::create_accounts(store, &ids).await?;
    let (counts, using) = stations_demo::load_regional(store, &ids).await?;
    let appeals = appeals_demo::load_regional(store, &ids, HolidayCalendar::official()).await?;
    Ok(DemoSummary { organisations: organisation_count(), accounts, stations: counts, scale: false, updated: 0, using, appeals })
}

/// Loads only the organisations and accounts (no stations) into an empty
/// database, for tests that bring their own stations.
pub async fn load_people(store: &Arc<dyn Store>) -> anyhow::Result<Vec<DemoAccount>> {
    refuse_non_empty(store).await?;
    let ids = foundation_demo::create_tree(store).await?;
    foundation_demo::create_accounts(store, &ids).await
}

async fn refuse_non_empty(store: &Arc<dyn Store>) -> anyhow::Result<()> {
    if !store.list_roots().await?.is_empty() {
        anyhow::bail!("the database already holds organisations; the demo data set loads only into an empty database");
    }
    Ok(())
}

/// Adds `n` stations spread over China's cities (the scale set, for
/// benchmarks), loading the organisation tree and accounts first when the
/// database is empty. Not the regional set. See [`stations_demo::load_scale`].
pub async fn load_scale(store: &Arc<dyn Store>, n: u32) -> anyhow::Result<DemoSummary> {
    anyhow::ensure!(n <= MAX_SCALE_STATIONS, "--stations is at most {MAX_SCALE_STATIONS}");
    let (organisations, accounts) = if store.list_roots().await?.is_empty() {
        let ids = foundation_demo::create_tree(store).await?;
        (organisation_count(), foundation_demo::create_accounts(store, &ids).await?)
    } else {
        (0, Vec::new())
    };
    let outcome = stations_demo::load_scale(store, n).await?;
    Ok(DemoSummary {
        organisations,
        accounts,
        stations: outcome.stations,
        scale: true,
        updated: outcome.updated,
        using: UseCounts::default(),
        appeals: AppealCounts::default(),
    })
}

/// Adds `n` scale-set appeals across the tree (for benchmarks), loading the
/// organisation tree and accounts first when the database is empty.
pub async fn load_scale_appeals(store: &Arc<dyn Store>, n: u32) -> anyhow::Result<DemoSummary> {
    anyhow::ensure!(n <= MAX_SCALE_APPEALS, "--appeals is at most {MAX_SCALE_APPEALS}");
    let (organisations, accounts) = if store.list_roots().await?.is_empty() {
        let ids = foundation_demo::create_tree(store).await?;
        (organisation_count(), foundation_demo::create_accounts(store, &ids).await?)
    } else {
        (0, Vec::new())
    };
    let cases = appeals_demo::load_scale(store, n, HolidayCalendar::official()).await?;
    Ok(DemoSummary {
        organisations,
        accounts,
        stations: Vec::new(),
        scale: true,
        updated: 0,
        using: UseCounts::default(),
        appeals: AppealCounts { cases, events: 0 },
    })
}

/// How to sign in as each demo account, and what was loaded where.
pub fn describe(summary: &DemoSummary, base_url: &str) -> String {
    let total: usize = summary.stations.iter().map(|r| r.stations).sum();
    let what = match (summary.scale, summary.updated) {
        (false, _) => String::new(),
        (true, 0) => " (the scale set)".to_owned(),
        (true, updated) => format!(" (the scale set; {updated} of them were there already and were updated)"),
    };
    let mut text = format!(
        "Demo data loaded: {} organisations, {} accounts, {total} stations{what}.\n",
        summary.organisations,
        summary.accounts.len(),
    );
    if !summary.stations.is_empty() {
        text.push_str(if summary.scale { "\nStations per province:\n" } else { "\nStations per region:\n" });
        for r in &summary.stations {
            text.push_str(&format!("  {:>7}  {}\n", r.stations, r.region));
        }
    }
    if summary.using != UseCounts::default() {
        let u = summary.using;
        text.push_str(&format!("\nRooms to book: {}; reviews: {}; answered feedback: {}.\n", u.rooms, u.reviews, u.feedback));
    }
    if summary.appeals.cases > 0 {
        text.push_str(&format!("\nAppeals: {} cases.\n", summary.appeals.cases));
    }
    if summary.accounts.is_empty() {
        text.push_str("\nThe organisation tree and accounts were there already.\n");
        return text;
    }
    text.push_str(&format!("\nSign in at {base_url}/sign-in\n\n"));
    text.push_str(&format!("{:<14} {:<20} {:<9} {:<8} {}\n", "phone", "role", "password", "name", "organisation"));
    for a in &summary.accounts {
        let password = if a.password { DEMO_STAFF_PASSWORD } else { "-" };
        text.push_str(&format!("{:<14} {:<20} {:<9} {:<8} {}\n", a.phone, a.role.as_str(), password, a.name, a.org_name));
    }
    text.push_str(
        "\nEveryone can sign in with phone + one-time code: the code is written to the server log \
         (look for `sign-in code issued`). Staff accounts can also use their password.\n",
    );
    text
}
