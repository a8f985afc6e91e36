//! The demo set's stations: the rest stations of the seed documents' places
//! with their own figures (`regions.rs`), rooms, reviews and answered feedback
//! at some of them (`using.rs`), and a scale set of any size spread over
//! China's cities (`cities.rs`) for benchmarks. Both are generated
//! deterministically (`generator.rs`): the same version loads the same data,
//! byte for byte.

mod cities;
mod generator;
mod regions;
mod using;

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use waystation_domain::foundation::organisations::{DivisionCode, OrgId};
use waystation_domain::stations::{StationDraft, StationKind, StationStatus, StatusChange};
use waystation_storage::Store;

use crate::foundation::demo::{province_name, OrgIds};

pub use generator::DEMO_SEED;
pub use regions::{figures, PARKING_NOT_YET_OPEN_NOTICE};
pub use using::UseCounts;

use generator::{draft, Area, Climate, Draft, Gen, Lifecycle};

/// Stations per import transaction: large enough to load fast, small enough
/// not to hold the writer for long.
pub const IMPORT_BATCH: usize = 2_000;

/// The most stations `demo --stations` loads in one run.
pub const MAX_SCALE_STATIONS: u32 = 2_000_000;

/// How many stations a load put where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionCount {
    pub region: String,
    pub stations: usize,
}

/// What loading the scale set did.
pub struct ScaleOutcome {
    pub stations: Vec<RegionCount>,
    /// Of the stations, how many were there already (same external id) and were updated.
    pub updated: usize,
}

/// Loads the regional stations, with their rooms, reviews and feedback, under
/// the demo tree `ids`.
pub async fn load_regional(store: &Arc<dyn Store>, ids: &OrgIds) -> anyhow::Result<(Vec<RegionCount>, UseCounts)> {
    let mut counts = Vec::new();
    let mut drafts = Vec::new();
    for region in regions::build(ids) {
        counts.push(RegionCount { region: region.label.to_owned(), stations: region.drafts.len() });
        drafts.extend(region.drafts);
    }
    import(store, drafts).await?;
    let using = using::load(store, ids).await?;
    Ok((counts, using))
}

/// The stations of `drafts`, then their moves and status changes.
///
/// Every station is imported in batches of [`IMPORT_BATCH`]; planned ones with
/// status planned, the others as open. Suspended and retired ones then change
/// status one by one with their reason, and movable ones move, so that their
/// histories show it.
async fn import(store: &Arc<dyn Store>, drafts: Vec<Draft>) -> anyhow::Result<()> {
    let mut open = Vec::with_capacity(drafts.len());
    let mut planned = Vec::new();
    let mut later = Vec::new();
    for d in drafts {
        if matches!(d.lifecycle, Lifecycle::Suspended(_) | Lifecycle::Retired(_)) || !d.moves.is_empty() {
            later.push((d.input.clone(), d.lifecycle, d.moves));
        }
        match d.lifecycle {
            Lifecycle::Planned => planned.push(d.input),
            _ => open.push(d.input),
        }
    }
    import_batches(store, open, StationStatus::Open).await?;
    import_batches(store, planned, StationStatus::Planned).await?;
    for (input, lifecycle, moves) in later {
        let external = input.external_id.as_deref().expect("demo stations have external ids");
        let station = store
            .station_by_external_id(input.org_id, external)
            .await?
            .with_context(|| format!("the demo station {external} was imported"))?;
        for (location, address) in moves {
            let moved = StationDraft { location, address, ..input.clone() };
            store.update_station(None, station.id, moved).await?;
        }
        let change = match lifecycle {
            Lifecycle::Suspended(reason) => StatusChange::new(StationStatus::Open, StationStatus::Suspended, reason)?,
            Lifecycle::Retired(reason) => StatusChange::new(StationStatus::Open, StationStatus::Retired, reason)?,
            Lifecycle::Open | Lifecycle::Planned => continue,
        };
        store.change_station_status(None, station.id, change).await?;
    }
    Ok(())
}

async fn import_batches(store: &Arc<dyn Store>, rows: Vec<StationDraft>, status: StationStatus) -> anyhow::Result<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<StationDraft> = rows.by_ref().take(IMPORT_BATCH).collect();
        store.import_stations(None, batch, status).await.context("importing demo stations")?;
    }
    Ok(())
}

/// Adds `n` stations spread over China's cities (the scale set, for
/// benchmarks) to a database that holds the demo tree. Not the regional set.
///
/// Station `i` is the same whatever `n` is, and has the external id
/// `BENCH-000000i`: running again with the same or a larger `n` updates the
/// first stations in place and adds the rest. Owners are the city federation
/// where the tree has one, else the province's, else the national root; every
/// status is imported as such (no status-change history), to load fast.
pub async fn load_scale(store: &Arc<dyn Store>, n: u32) -> anyhow::Result<ScaleOutcome> {
    anyhow::ensure!(n <= MAX_SCALE_STATIONS, "--stations is at most {MAX_SCALE_STATIONS}");
    let owners = scale_owners(store).await?;
    // Station codes are numbered per owner's area with five digits: check the run fits.
    let mut per_owner: BTreeMap<OrgId, u32> = BTreeMap::new();
    let mut per_province: BTreeMap<&str, usize> = BTreeMap::new();
    // Two streams, so that station i is the same whatever n is.
    let mut city_draws = Gen::new("scale-cities");
    let mut g = Gen::new("scale");
    let weights: Vec<u32> = cities::CITIES.iter().map(|c| c.4).collect();
    let mut picks = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let city = city_draws.weighted(weights.iter().copied());
        *per_owner.entry(owners[city]).or_default() += 1;
        *per_province.entry(cities::CITIES[city].1).or_default() += 1;
        picks.push(city);
    }
    if let Some((owner, count)) = per_owner.iter().find(|(_, c)| **c > 99_999) {
        anyhow::bail!("{count} stations would be numbered under organisation {owner}, more than five digits allow; ask for fewer stations");
    }
    let mut pending = Vec::with_capacity(IMPORT_BATCH);
    let mut updated = 0;
    for (i, &city) in picks.iter().enumerate() {
        pending.push(scale_station(&mut g, i + 1, city, owners[city]));
        if pending.len() == IMPORT_BATCH || i + 1 == picks.len() {
            updated += import_scale_batch(store, std::mem::take(&mut pending)).await?;
            if (i + 1) % 20_000 == 0 {
                tracing::info!(loaded = i + 1, of = n, "loading the scale set");
            }
        }
    }
    let stations = per_province
        .into_iter()
        .map(|(code, stations)| RegionCount { region: province_name(code), stations })
        .collect();
    Ok(ScaleOutcome { stations, updated })
}

/// The owner of each city's stations, by the division codes in the database.
async fn scale_owners(store: &Arc<dyn Store>) -> anyhow::Result<Vec<OrgId>> {
    let root = store.list_roots().await?.first().map(|o| o.id).context("the database has no organisation tree")?;
    let mut by_code: BTreeMap<&str, OrgId> = BTreeMap::new();
    let codes = cities::CITIES.iter().map(|c| c.1).chain(cities::CITY_FEDERATIONS.iter().map(|c| c.1));
    for code in codes {
        if by_code.contains_key(code) {
            continue;
        }
        let org = store.org_by_division_code(&DivisionCode::parse(code)?).await?;
        if let Some(org) = org.filter(|o| o.active) {
            by_code.insert(code, org.id);
        }
    }
    Ok(cities::CITIES
        .iter()
        .map(|(name, province, ..)| {
            let city = cities::CITY_FEDERATIONS.iter().find(|c| c.0 == *name).and_then(|c| by_code.get(c.1));
            city.or_else(|| by_code.get(province)).copied().unwrap_or(root)
        })
        .collect())
}

fn scale_station(g: &mut Gen, number: usize, city: usize, owner: OrgId) -> Draft {
    let (name, province, lat, lng, weight) = cities::CITIES[city];
    let address_name = format!("{name}市");
    let centres = [(lat, lng)];
    let area = Area { name: &address_name, short: name, centres: &centres, sigma_km: 1.2 + 0.15 * f64::from(weight), streets: &[] };
    let kind = {
        let table = [
            (StationKind::UnionStation, 55),
            (StationKind::RiderStation, 20),
            (StationKind::PartnerShop, 15),
            (StationKind::DriversHome, 5),
            (StationKind::MassOrganisationVenue, 3),
            (StationKind::MobileBooth, 2),
        ];
        table[g.weighted(table.iter().map(|k| k.1))].0
    };
    let climate = if cities::is_north(province) { Climate::North } else { Climate::South };
    let mut d = draft(g, kind, owner, &area, climate, true, 0.7, format!("BENCH-{number:07}"));
    if !d.input.name.starts_with(name) {
        d.input.name = format!("{name}{}", d.input.name);
    }
    d
}

/// One batch of the scale set: each status imported as such. Returns how many were updated.
async fn import_scale_batch(store: &Arc<dyn Store>, drafts: Vec<Draft>) -> anyhow::Result<usize> {
    let mut groups: [(StationStatus, Vec<StationDraft>); 4] = [
        (StationStatus::Open, Vec::new()),
        (StationStatus::Planned, Vec::new()),
        (StationStatus::Suspended, Vec::new()),
        (StationStatus::Retired, Vec::new()),
    ];
    for d in drafts {
        let slot = match d.lifecycle {
            Lifecycle::Open => 0,
            Lifecycle::Planned => 1,
            Lifecycle::Suspended(_) => 2,
            Lifecycle::Retired(_) => 3,
        };
        groups[slot].1.push(d.input);
    }
    let mut updated = 0;
    for (status, rows) in groups {
        if !rows.is_empty() {
            updated += store.import_stations(None, rows, status).await.context("importing scale-set stations")?.updated;
        }
    }
    Ok(updated)
}
