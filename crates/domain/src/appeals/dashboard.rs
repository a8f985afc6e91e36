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
    let mut list: Vec<Count> = map.into_iter().map(|(key, count)| Count { key, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    list
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// The dashboard of `cases` on `today` (China time).
pub fn summarise(cases: &[CaseFacts], today: NaiveDate) -> Dashboard {
    let mut by_type = BTreeMap::new();
    let mut by_category = BTreeMap::new();
    let mut by_stage = BTreeMap::new();
    let mut unions: BTreeMap<i64, UnionLoad> = BTreeMap::new();
    let mut heat: BTreeMap<(i64, i64), u64> = BTreeMap::new();
    let (mut accepted, mut declined, mut closed, mut counted_for_closure) = (0, 0, 0, 0);
    let (mut answered, mut answered_in_time, mut green) = (0, 0, 0);
    let (mut to_accept, mut to_close, mut ratings) = (Vec::new(), Vec::new(), Vec::new());
    for case in cases {
        *by_type.entry(case.appeal_type.clone()).or_insert(0) += 1;
        *by_category.entry(case.category.clone()).or_insert(0) += 1;
        *by_stage.entry(case.stage.as_str().to_owned()).or_insert(0) += 1;
        green += u64::from(case.green_channel);
        match case.stage {
            Stage::Declined => declined += 1,
            Stage::Submitted | Stage::Merged => {}
            _ => accepted += 1,
        }
        if case.stage != Stage::Merged {
            counted_for_closure += 1;
            closed += u64::from(matches!(case.stage, Stage::Closed | Stage::Rated));
        }
        if case.replied_on.is_some() {
            answered += 1;
            answered_in_time += u64::from(case.escalated_on.is_none());
        }
        if let Some(on) = case.accepted_on {
            to_accept.push((on - case.submitted_on).num_days());
        }
        if let Some(on) = case.closed_on {
            to_close.push((on - case.submitted_on).num_days());
        }
        if let Some(stars) = case.rating {
            ratings.push(i64::from(stars));
        }
        if case.stage.is_open() {
            let load = unions.entry(case.org_id).or_insert(UnionLoad { org_id: case.org_id, open: 0, overdue: 0, escalated: 0 });
            load.open += 1;
            load.overdue += u64::from(case.due_on.is_some_and(|due| due < today));
            load.escalated += u64::from(case.escalated_on.is_some());
        }
        if let Some((lat, lng)) = case.location {
            let cell = ((lat / HEAT_CELL_DEG).floor() as i64, (lng / HEAT_CELL_DEG).floor() as i64);
            *heat.entry(cell).or_insert(0) += 1;
        }
    }
    let mut by_union: Vec<UnionLoad> = unions.into_values().collect();
    by_union.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.escalated.cmp(&a.escalated)).then(b.open.cmp(&a.open)).then(a.org_id.cmp(&b.org_id)));
    Dashboard {
        total: cases.len() as u64,
        by_type: counts(by_type),
        by_category: counts(by_category),
        by_stage: counts(by_stage),
        green_channel: green,
        acceptance_rate: ratio(accepted, accepted + declined),
        closure_rate: ratio(closed, counted_for_closure),
        on_time_rate: ratio(answered_in_time, answered),
        avg_days_to_accept: mean(&to_accept),
        avg_days_to_close: mean(&to_close),
        satisfaction: mean(&ratings),
        rated: ratings.len() as u64,
        by_union,
        heat: heat
            .into_iter()
            .map(|((lat, lng), count)| HeatCell { lat: lat as f64 * HEAT_CELL_DEG, lng: lng as f64 * HEAT_CELL_DEG, count })
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
    }
}
