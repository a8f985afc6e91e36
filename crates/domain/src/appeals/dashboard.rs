//! The figures of an appeals dashboard, from the facts of each case: counts
//! by type, category and stage; acceptance, closure and on-time rates; the
//! average days to accept and to close; satisfaction; overdue cases by union
//! (the assessment Fuyuan uses); and where the appeals came from, on a grid.
//! Plain data in, figures out: storage reads the facts of a subtree and a
//! period, the web draws the figures as charts and tables.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::appeals::workflow::Stage;

/// What a dashboard needs to know of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub org_id: i64,
    pub appeal_type: String,
    pub category: String,
    pub stage: Stage,
    pub green_channel: bool,
    pub submitted_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The deadline the union works against now, if open.
    pub due_on: Option<NaiveDate>,
    pub escalated_on: Option<NaiveDate>,
    pub rating: Option<u8>,
    pub location: Option<(f64, f64)>,
}

/// A count under a name (a category, a union…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

/// One cell of the heat map: the south-west corner of a 0.1° cell and its count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatCell {
    pub lat: f64,
    pub lng: f64,
    pub count: u64,
}

/// The size of a heat-map cell, in degrees (about 11 km north–south).
pub const HEAT_CELL_DEG: f64 = 0.1;

/// A union's overdue and escalated cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionLoad {
    pub org_id: i64,
    pub open: u64,
    pub overdue: u64,
    pub escalated: u64,
}

/// The figures of a dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub total: u64,
    pub by_type: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_stage: Vec<Count>,
    pub green_channel: u64,
    /// Accepted (or handled past acceptance) of those decided: accepted / (accepted + declined), in 0..=1.
    pub acceptance_rate: Option<f64>,
    /// Closed or rated of all cases (merged ones left out).
    pub closure_rate: Option<f64>,
    /// Of the cases whose first answer came, those answered without ever being escalated.
    pub on_time_rate: Option<f64>,
    pub avg_days_to_accept: Option<f64>,
    pub avg_days_to_close: Option<f64>,
    /// The mean rating of rated cases, 1–5, and how many rated.
    pub satisfaction: Option<f64>,
    pub rated: u64,
    /// Unions with open cases, the most overdue first.
    pub by_union: Vec<UnionLoad>,
    pub heat: Vec<HeatCell>,
}

fn counts(map: BTreeMap<String, u64>) -> Vec<Count> {
    let mut list: Vec<Count> = map.into_iter().filter(|(_, count)| *count > 0).map(|(key, count)| Count { key, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    list
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The additive figures of a set of cases: what one case adds, and what a
/// union's cases of one day add up to. Storage keeps these sums per union and
/// day (changed with every event of a case, by the difference of its
/// contribution before and after), so a dashboard adds up a few rows per union
/// and day instead of reading every case. Signed, since a change subtracts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: i64,
    pub green: i64,
    pub accepted: i64,
    pub declined: i64,
    /// Cases that count for the closure rate (all but merged ones).
    pub for_closure: i64,
    pub closed: i64,
    pub answered: i64,
    pub answered_in_time: i64,
    pub accepted_n: i64,
    pub accept_days: i64,
    pub closed_n: i64,
    pub close_days: i64,
    pub rated: i64,
    pub rating_sum: i64,
}

impl Tally {
    /// The names of the figures, in the order of [`Tally::values`] (storage's column names).
    pub const FIELDS: [&'static str; 14] = [
        "cases",
        "green",
        "accepted",
        "declined",
        "for_closure",
        "closed",
        "answered",
        "answered_in_time",
        "accepted_n",
        "accept_days",
        "closed_n",
        "close_days",
        "rated",
        "rating_sum",
    ];

    pub fn values(&self) -> [i64; 14] {
        [
            self.cases,
            self.green,
            self.accepted,
            self.declined,
            self.for_closure,
            self.closed,
            self.answered,
            self.answered_in_time,
            self.accepted_n,
            self.accept_days,
            self.closed_n,
            self.close_days,
            self.rated,
            self.rating_sum,
        ]
    }

    pub fn from_values(v: [i64; 14]) -> Self {
        Self {
            cases: v[0],
            green: v[1],
            accepted: v[2],
            declined: v[3],
            for_closure: v[4],
            closed: v[5],
            answered: v[6],
            answered_in_time: v[7],
            accepted_n: v[8],
            accept_days: v[9],
            closed_n: v[10],
            close_days: v[11],
            rated: v[12],
            rating_sum: v[13],
        }
    }

    pub fn plus(&self, other: &Tally) -> Tally {
        let (a, b) = (self.values(), other.values());
        Tally::from_values(std::array::from_fn(|i| a[i] + b[i]))
    }

    pub fn minus(&self, other: &Tally) -> Tally {
        let (a, b) = (self.values(), other.values());
        Tally::from_values(std::array::from_fn(|i| a[i] - b[i]))
    }

    pub fn is_zero(&self) -> bool {
        self.values().iter().all(|v| *v == 0)
    }
}

/// What a dashboard counts a case under, beside the figures: its type, its
/// category and its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Type,
    Category,
    Stage,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Type, Dimension::Category, Dimension::Stage];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Type => "type",
            Dimension::Category => "category",
            Dimension::Stage => "stage",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

/// What one case adds to its union's tallies of the day it was filed.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub org_id: i64,
    pub day: NaiveDate,
    pub tally: Tally,
    /// One count under each dimension.
    pub marks: [(Dimension, String); 3],
    /// The heat-map cell (see [`heat_cell`]).
    pub cell: Option<(i64, i64)>,
}

/// The heat-map cell of a place: its south-west corner in tenths of a degree.
pub fn heat_cell(lat: f64, lng: f64) -> (i64, i64) {
    ((lat / HEAT_CELL_DEG).floor() as i64, (lng / HEAT_CELL_DEG).floor() as i64)
}

impl CaseFacts {
    /// What this case adds to the dashboard's sums.
    pub fn contribution(&self) -> Contribution {
        let mut t = Tally { cases: 1, green: i64::from(self.green_channel), ..Tally::default() };
        match self.stage {
            Stage::Declined => t.declined = 1,
            Stage::Submitted | Stage::Merged => {}
            _ => t.accepted = 1,
        }
        if self.stage != Stage::Merged {
            t.for_closure = 1;
            t.closed = i64::from(matches!(self.stage, Stage::Closed | Stage::Rated));
        }
        if self.replied_on.is_some() {
            t.answered = 1;
            t.answered_in_time = i64::from(self.escalated_on.is_none());
        }
        if let Some(on) = self.accepted_on {
            t.accepted_n = 1;
            t.accept_days = (on - self.submitted_on).num_days();
        }
        if let Some(on) = self.closed_on {
            t.closed_n = 1;
            t.close_days = (on - self.submitted_on).num_days();
        }
        if let Some(stars) = self.rating {
            t.rated = 1;
            t.rating_sum = i64::from(stars);
        }
        Contribution {
            org_id: self.org_id,
            day: self.submitted_on,
            tally: t,
            marks: [
                (Dimension::Type, self.appeal_type.clone()),
                (Dimension::Category, self.category.clone()),
                (Dimension::Stage, self.stage.as_str().to_owned()),
            ],
            cell: self.location.map(|(lat, lng)| heat_cell(lat, lng)),
        }
    }

    /// A union's load: is this case open, overdue on `today`, escalated.
    fn load(&self, today: NaiveDate) -> Option<UnionLoad> {
        self.stage.is_open().then(|| UnionLoad {
            org_id: self.org_id,
            open: 1,
            overdue: u64::from(self.due_on.is_some_and(|due| due < today)),
            escalated: u64::from(self.escalated_on.is_some()),
        })
    }
}

/// How a union's tallies of a day change when a case changes: the case's
/// contribution before subtracted, after added, netted per row, rows that do
/// not change left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TallyChange {
    pub tallies: Vec<(i64, NaiveDate, Tally)>,
    pub marks: Vec<(i64, NaiveDate, Dimension, String, i64)>,
    pub cells: Vec<(i64, NaiveDate, (i64, i64), i64)>,
}

impl TallyChange {
    /// The change from `before` (none: a new case) to `after`.
    pub fn between(before: Option<&Contribution>, after: &Contribution) -> Self {
        let mut tallies: BTreeMap<(i64, NaiveDate), Tally> = BTreeMap::new();
        let mut marks: BTreeMap<(i64, NaiveDate, Dimension, String), i64> = BTreeMap::new();
        let mut cells: BTreeMap<(i64, NaiveDate, (i64, i64)), i64> = BTreeMap::new();
        for (sign, c) in before.map(|b| (-1, b)).into_iter().chain([(1, after)]) {
            let row = tallies.entry((c.org_id, c.day)).or_default();
            *row = if sign > 0 { row.plus(&c.tally) } else { row.minus(&c.tally) };
            for (dimension, key) in &c.marks {
                *marks.entry((c.org_id, c.day, *dimension, key.clone())).or_insert(0) += sign;
            }
            if let Some(cell) = c.cell {
                *cells.entry((c.org_id, c.day, cell)).or_insert(0) += sign;
            }
        }
        Self {
            tallies: tallies.into_iter().filter(|(_, t)| !t.is_zero()).map(|((o, d), t)| (o, d, t)).collect(),
            marks: marks.into_iter().filter(|(_, n)| *n != 0).map(|((o, d, dim, k), n)| (o, d, dim, k, n)).collect(),
            cells: cells.into_iter().filter(|(_, n)| *n != 0).map(|((o, d, cell), n)| (o, d, cell, n)).collect(),
        }
    }

    /// What `contributions` add to tallies (a rebuild, a bulk load).
    pub fn of_cases<'a>(contributions: impl IntoIterator<Item = &'a Contribution>) -> Self {
        let mut tallies: BTreeMap<(i64, NaiveDate), Tally> = BTreeMap::new();
        let mut marks: BTreeMap<(i64, NaiveDate, Dimension, String), i64> = BTreeMap::new();
        let mut cells: BTreeMap<(i64, NaiveDate, (i64, i64)), i64> = BTreeMap::new();
        for c in contributions {
            let row = tallies.entry((c.org_id, c.day)).or_default();
            *row = row.plus(&c.tally);
            for (dimension, key) in &c.marks {
                *marks.entry((c.org_id, c.day, *dimension, key.clone())).or_insert(0) += 1;
            }
            if let Some(cell) = c.cell {
                *cells.entry((c.org_id, c.day, cell)).or_insert(0) += 1;
            }
        }
        Self {
            tallies: tallies.into_iter().map(|((o, d), t)| (o, d, t)).collect(),
            marks: marks.into_iter().map(|((o, d, dim, k), n)| (o, d, dim, k, n)).collect(),
            cells: cells.into_iter().map(|((o, d, cell), n)| (o, d, cell, n)).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tallies.is_empty() && self.marks.is_empty() && self.cells.is_empty()
    }
}

/// The sums a dashboard is drawn from: the figures, the counts under each
/// dimension, the heat-map cells, and the load of each union with open cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub tally: Tally,
    pub marks: BTreeMap<(Dimension, String), i64>,
    pub cells: BTreeMap<(i64, i64), i64>,
    pub unions: Vec<UnionLoad>,
}

impl Sums {
    /// Adds stored rows (or a change) to the sums, whatever union and day they are of.
    pub fn apply(&mut self, change: &TallyChange) {
        for (_, _, tally) in &change.tallies {
            self.tally = self.tally.plus(tally);
        }
        for (_, _, dimension, key, n) in &change.marks {
            *self.marks.entry((*dimension, key.clone())).or_insert(0) += n;
        }
        for (_, _, cell, n) in &change.cells {
            *self.cells.entry(*cell).or_insert(0) += n;
        }
    }

    pub fn add(&mut self, contribution: &Contribution) {
        self.tally = self.tally.plus(&contribution.tally);
        for mark in &contribution.marks {
            *self.marks.entry(mark.clone()).or_insert(0) += 1;
        }
        if let Some(cell) = contribution.cell {
            *self.cells.entry(cell).or_insert(0) += 1;
        }
    }
}

/// The dashboard of `cases` on `today` (China time).
pub fn summarise(cases: &[CaseFacts], today: NaiveDate) -> Dashboard {
    let mut sums = Sums::default();
    let mut unions: BTreeMap<i64, UnionLoad> = BTreeMap::new();
    for case in cases {
        sums.add(&case.contribution());
        if let Some(load) = case.load(today) {
            let entry = unions.entry(case.org_id).or_insert(UnionLoad { org_id: case.org_id, open: 0, overdue: 0, escalated: 0 });
            entry.open += load.open;
            entry.overdue += load.overdue;
            entry.escalated += load.escalated;
        }
    }
    sums.unions = unions.into_values().collect();
    assemble(sums)
}

/// The dashboard of the sums.
pub fn assemble(sums: Sums) -> Dashboard {
    let Sums { tally: t, marks, cells, mut unions } = sums;
    let mut by = [BTreeMap::new(), BTreeMap::new(), BTreeMap::new()];
    for ((dimension, key), count) in marks {
        let slot = Dimension::ALL.iter().position(|d| *d == dimension).unwrap_or(0);
        *by[slot].entry(key).or_insert(0) += u64::try_from(count).unwrap_or(0);
    }
    let [by_type, by_category, by_stage] = by;
    unions.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.escalated.cmp(&a.escalated)).then(b.open.cmp(&a.open)).then(a.org_id.cmp(&b.org_id)));
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    Dashboard {
        total: count(t.cases),
        by_type: counts(by_type),
        by_category: counts(by_category),
        by_stage: counts(by_stage),
        green_channel: count(t.green),
        acceptance_rate: ratio(t.accepted, t.accepted + t.declined),
        closure_rate: ratio(t.closed, t.for_closure),
        on_time_rate: ratio(t.answered_in_time, t.answered),
        avg_days_to_accept: ratio(t.accept_days, t.accepted_n),
        avg_days_to_close: ratio(t.close_days, t.closed_n),
        satisfaction: ratio(t.rating_sum, t.rated),
        rated: count(t.rated),
        by_union: unions,
        heat: cells
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|((lat, lng), n)| HeatCell { lat: lat as f64 * HEAT_CELL_DEG, lng: lng as f64 * HEAT_CELL_DEG, count: count(n) })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 10, d).unwrap()
    }

    fn case(org_id: i64, category: &str, stage: Stage) -> CaseFacts {
        CaseFacts {
            org_id,
            appeal_type: "help".into(),
            category: category.into(),
            stage,
            green_channel: category == "wage_arrears",
            submitted_on: day(1),
            accepted_on: None,
            replied_on: None,
            closed_on: None,
            due_on: None,
            escalated_on: None,
            rating: None,
            location: None,
        }
    }

    #[test]
    fn rates_averages_and_satisfaction_come_from_the_cases() {
        let mut rated = case(1, "wage_arrears", Stage::Rated);
        rated.accepted_on = Some(day(2));
        rated.replied_on = Some(day(5));
        rated.closed_on = Some(day(5));
        rated.rating = Some(5);
        rated.location = Some((25.49, 118.24));
        let mut late = case(2, "parking_towing", Stage::InProgress);
        late.accepted_on = Some(day(4));
        late.due_on = Some(day(10));
        late.escalated_on = Some(day(11));
        let declined = case(2, "other", Stage::Declined);
        let mut answered_late = case(2, "other", Stage::Closed);
        answered_late.accepted_on = Some(day(1));
        answered_late.replied_on = Some(day(20));
        answered_late.closed_on = Some(day(21));
        answered_late.escalated_on = Some(day(17));
        answered_late.rating = None;
        let d = summarise(&[rated, late, declined, answered_late], day(12));
        assert_eq!(d.total, 4);
        assert_eq!(d.green_channel, 1);
        assert_eq!(d.acceptance_rate, Some(3.0 / 4.0));
        assert_eq!(d.closure_rate, Some(2.0 / 4.0));
        assert_eq!(d.on_time_rate, Some(1.0 / 2.0), "one of the two answered was escalated first");
        assert_eq!(d.avg_days_to_accept, Some((1.0 + 3.0 + 0.0) / 3.0));
        assert_eq!(d.avg_days_to_close, Some((4.0 + 20.0) / 2.0));
        assert_eq!((d.satisfaction, d.rated), (Some(5.0), 1));
        assert_eq!(d.by_union, vec![UnionLoad { org_id: 2, open: 1, overdue: 1, escalated: 1 }]);
        assert_eq!(d.by_category[0], Count { key: "other".into(), count: 2 });
        assert_eq!(d.heat.len(), 1);
        assert!((d.heat[0].lat - 25.4).abs() < 1e-9 && (d.heat[0].lng - 118.2).abs() < 1e-9);
    }

    #[test]
    fn an_empty_period_has_counts_of_zero_and_no_rates() {
        let d = summarise(&[], day(1));
        assert_eq!(d.total, 0);
        assert_eq!((d.acceptance_rate, d.closure_rate, d.on_time_rate, d.satisfaction), (None, None, None, None));
    }

    proptest! {
        #[test]
        fn counts_add_up_and_rates_stay_between_zero_and_one(stages in proptest::collection::vec(0usize..Stage::ALL.len(), 0..60)) {
            let cases: Vec<CaseFacts> = stages.iter().enumerate().map(|(i, s)| case(i as i64 % 3, ["a", "b"][i % 2], Stage::ALL[*s])).collect();
            let d = summarise(&cases, day(20));
            for list in [&d.by_type, &d.by_category, &d.by_stage] {
                prop_assert_eq!(list.iter().map(|c| c.count).sum::<u64>(), d.total);
            }
            for rate in [d.acceptance_rate, d.closure_rate, d.on_time_rate].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&rate));
            }
            prop_assert_eq!(d.by_union.iter().map(|u| u.open).sum::<u64>(), cases.iter().filter(|c| c.stage.is_open()).count() as u64);
        }

        #[test]
        fn tallies_kept_by_changes_equal_the_tallies_of_the_cases_as_they_end(
            histories in proptest::collection::vec(
                proptest::collection::vec((0usize..Stage::ALL.len(), 0i64..3, proptest::option::of(1u8..=5), any::<bool>()), 1..6),
                0..20,
            )
        ) {
            // Each case goes through a few versions: another stage, union, rating, escalation.
            let version = |(stage, org, rating, escalated): (usize, i64, Option<u8>, bool)| {
                let mut c = case(org, ["a", "b"][org as usize % 2], Stage::ALL[stage]);
                c.rating = rating;
                c.replied_on = rating.map(|_| day(9));
                c.escalated_on = escalated.then(|| day(8));
                c.accepted_on = Some(day(2 + org as u32));
                c.location = Some((30.0 + org as f64, 104.0));
                c
            };
            let mut kept = Sums::default();
            let mut finals = Vec::new();
            for history in &histories {
                let mut before: Option<Contribution> = None;
                for step in history {
                    let now = version(*step).contribution();
                    kept.apply(&TallyChange::between(before.as_ref(), &now));
                    before = Some(now);
                }
                finals.push(version(*history.last().unwrap()));
            }
            let mut expected = summarise(&finals, day(20));
            expected.by_union.clear();
            prop_assert_eq!(assemble(kept), expected);
        }
    }
}
