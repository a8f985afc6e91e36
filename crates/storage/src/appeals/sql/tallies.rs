//! The dashboard's tallies (migration 0017), expanded by each backend as
//! `appeal_tally_sql`: the change a case's event makes to them, written in the
//! event's transaction; the sums of a subtree and period; and the rebuild
//! from the cases.

macro_rules! impl_appeal_tally_sql {
    ($Store:ty, $DB:ty) => {
        use chrono::NaiveDate;
        use sqlx::Row as _;
        use waystation_domain::appeals::dashboard::{CaseFacts, Dimension, Sums, Tally, TallyChange, UnionLoad};
        use waystation_domain::appeals::Stage;
        use waystation_domain::foundation::organisations::OrgPath;

        use super::prelude::{corrupt, DbRow, WriteTx};
        use crate::appeals::Appeal;
        use crate::error::StoreResult;

        /// What the dashboard counts of a case as it is.
        pub(super) fn facts_of(appeal: &Appeal) -> CaseFacts {
            CaseFacts {
                org_id: appeal.org_id,
                appeal_type: appeal.appeal_type.as_str().to_owned(),
                category: appeal.category.as_str().to_owned(),
                stage: appeal.state.stage,
                green_channel: appeal.green_channel,
                submitted_on: appeal.state.submitted_on,
                accepted_on: appeal.state.accepted_on,
                replied_on: appeal.state.replied_on,
                closed_on: appeal.state.closed_on,
                due_on: appeal.due.map(|(_, on)| on),
                escalated_on: appeal.escalated_on,
                rating: appeal.state.rating,
                location: appeal.location,
            }
        }

        /// Keeps the tallies right after a case changed from `before` (none:
        /// just filed) to `after`, inside the change's transaction.
        pub(super) async fn retally(tx: &mut WriteTx, before: Option<&Appeal>, after: &Appeal) -> StoreResult<()> {
            let before = before.map(|b| facts_of(b).contribution());
            write_change(tx, &TallyChange::between(before.as_ref(), &facts_of(after).contribution())).await
        }

        async fn write_change(tx: &mut WriteTx, change: &TallyChange) -> StoreResult<()> {
            if !change.tallies.is_empty() {
                let columns = Tally::FIELDS.join(", ");
                let sets: Vec<String> = Tally::FIELDS.iter().map(|f| format!("{f} = appeal_tallies.{f} + excluded.{f}")).collect();
                let mut insert = sqlx::QueryBuilder::<$DB>::new(format!("INSERT INTO appeal_tallies (org_id, day, {columns}) "));
                insert.push_values(&change.tallies, |mut row, (org, day, tally)| {
                    row.push_bind(*org).push_bind(*day);
                    for value in tally.values() {
                        row.push_bind(value);
                    }
                });
                insert.push(format!(" ON CONFLICT (org_id, day) DO UPDATE SET {}", sets.join(", ")));
                insert.build().execute(&mut **tx).await?;
            }
            if !change.marks.is_empty() {
                let mut insert = sqlx::QueryBuilder::<$DB>::new("INSERT INTO appeal_tally_marks (org_id, day, dimension, mark, cases) ");
                insert.push_values(&change.marks, |mut row, (org, day, dimension, mark, n)| {
                    row.push_bind(*org).push_bind(*day).push_bind(dimension.as_str()).push_bind(mark.as_str()).push_bind(*n);
                });
                insert.push(" ON CONFLICT (org_id, day, dimension, mark) DO UPDATE SET cases = appeal_tally_marks.cases + excluded.cases");
                insert.build().execute(&mut **tx).await?;
            }
            if !change.cells.is_empty() {
                let mut insert = sqlx::QueryBuilder::<$DB>::new("INSERT INTO appeal_tally_cells (org_id, day, cell_lat, cell_lng, cases) ");
                insert.push_values(&change.cells, |mut row, (org, day, (lat, lng), n)| {
                    row.push_bind(*org).push_bind(*day).push_bind(*lat).push_bind(*lng).push_bind(*n);
                });
                insert.push(" ON CONFLICT (org_id, day, cell_lat, cell_lng) DO UPDATE SET cases = appeal_tally_cells.cases + excluded.cases");
                insert.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// `o.path` within the subtree and `day` within the period: `$1`–`$4`.
        const SUBTREE_PERIOD: &str = "JOIN organisations o ON o.id = t.org_id WHERE o.path >= $1 AND o.path < $2 AND t.day >= $3 AND t.day <= $4";

        /// The sums of `root`'s subtree over the filing days `from..=to`.
        pub(super) async fn sums_of(
            pool: &sqlx::Pool<$DB>,
            root: &OrgPath,
            from: NaiveDate,
            to: NaiveDate,
            today: NaiveDate,
        ) -> StoreResult<Sums> {
            let (low, high) = root.subtree_bounds();
            let totals: Vec<String> = Tally::FIELDS.iter().map(|f| format!("CAST(COALESCE(SUM(t.{f}), 0) AS BIGINT) AS {f}")).collect();
            let sql = format!("SELECT {} FROM appeal_tallies t {SUBTREE_PERIOD}", totals.join(", "));
            let row = sqlx::query(&sql).bind(&low).bind(&high).bind(from).bind(to).fetch_one(pool).await?;
            let mut values = [0i64; 14];
            for (value, field) in values.iter_mut().zip(Tally::FIELDS) {
                *value = row.try_get(field)?;
            }
            let mut sums = Sums { tally: Tally::from_values(values), ..Sums::default() };

            let sql = format!(
                "SELECT t.dimension, t.mark, CAST(SUM(t.cases) AS BIGINT) AS cases FROM appeal_tally_marks t {SUBTREE_PERIOD} GROUP BY t.dimension, t.mark"
            );
            for row in sqlx::query(&sql).bind(&low).bind(&high).bind(from).bind(to).fetch_all(pool).await? {
                let dimension: String = row.try_get("dimension")?;
                let dimension = Dimension::parse(&dimension).ok_or_else(|| corrupt("appeal_tally_marks.dimension", &dimension))?;
                sums.marks.insert((dimension, row.try_get("mark")?), row.try_get("cases")?);
            }
            let sql = format!(
                "SELECT t.cell_lat, t.cell_lng, CAST(SUM(t.cases) AS BIGINT) AS cases FROM appeal_tally_cells t {SUBTREE_PERIOD} GROUP BY t.cell_lat, t.cell_lng"
            );
            for row in sqlx::query(&sql).bind(&low).bind(&high).bind(from).bind(to).fetch_all(pool).await? {
                sums.cells.insert((row.try_get("cell_lat")?, row.try_get("cell_lng")?), row.try_get("cases")?);
            }

            // The open cases' load is of today, not a sum that can be kept.
            let open: Vec<String> = Stage::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
            let sql = format!(
                "SELECT a.org_id, COUNT(*) AS open, \
                 CAST(COALESCE(SUM(CASE WHEN a.due_on < $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue, \
                 CAST(COALESCE(SUM(CASE WHEN a.escalated_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS escalated \
                 FROM appeals a JOIN organisations o ON o.id = a.org_id \
                 WHERE o.path >= $1 AND o.path < $2 AND a.submitted_on >= $3 AND a.submitted_on <= $4 AND a.stage IN ({}) \
                 GROUP BY a.org_id",
                open.join(", ")
            );
            let rows = sqlx::query(&sql).bind(&low).bind(&high).bind(from).bind(to).bind(today).fetch_all(pool).await?;
            let count = |row: &DbRow, column: &str| -> StoreResult<u64> { Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0)) };
            for row in &rows {
                sums.unions.push(UnionLoad {
                    org_id: row.try_get("org_id")?,
                    open: count(row, "open")?,
                    overdue: count(row, "overdue")?,
                    escalated: count(row, "escalated")?,
                });
            }
            Ok(sums)
        }

        /// The columns of [`facts_from_row`], of `appeals a`.
        pub(super) const FACTS_SELECT: &str = "SELECT a.id, a.org_id, a.appeal_type, a.category, a.stage, a.green_channel, \
            a.submitted_on, a.accepted_on, a.replied_on, a.closed_on, a.due_on, a.escalated_on, a.rating, a.lat, a.lng FROM appeals a";

        pub(super) fn facts_from_row(row: &DbRow) -> StoreResult<CaseFacts> {
            let rating: Option<i64> = row.try_get("rating")?;
            let lat: Option<f64> = row.try_get("lat")?;
            let lng: Option<f64> = row.try_get("lng")?;
            let stage: String = row.try_get("stage")?;
            Ok(CaseFacts {
                org_id: row.try_get("org_id")?,
                appeal_type: row.try_get("appeal_type")?,
                category: row.try_get("category")?,
                stage: stage.parse().map_err(|_| corrupt("appeals.stage", &stage))?,
                green_channel: row.try_get("green_channel")?,
                submitted_on: row.try_get("submitted_on")?,
                accepted_on: row.try_get("accepted_on")?,
                replied_on: row.try_get("replied_on")?,
                closed_on: row.try_get("closed_on")?,
                due_on: row.try_get("due_on")?,
                escalated_on: row.try_get("escalated_on")?,
                rating: rating.and_then(|r| u8::try_from(r).ok()),
                location: lat.zip(lng),
            })
        }

        /// Whether the tallies count as many cases as there are.
        pub(super) async fn tallies_agree(tx: &mut WriteTx) -> StoreResult<bool> {
            let tallied: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(cases), 0) AS BIGINT) FROM appeal_tallies").fetch_one(&mut **tx).await?;
            let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appeals").fetch_one(&mut **tx).await?;
            Ok(tallied == cases)
        }

        /// Adds `change` to the tallies, a few hundred rows a statement (a
        /// rebuild's or a bulk load's is big).
        pub(super) async fn write_change_in_slices(tx: &mut WriteTx, change: TallyChange) -> StoreResult<()> {
            for chunk in change.tallies.chunks(500) {
                write_change(tx, &TallyChange { tallies: chunk.to_vec(), ..TallyChange::default() }).await?;
            }
            for chunk in change.marks.chunks(1000) {
                write_change(tx, &TallyChange { marks: chunk.to_vec(), ..TallyChange::default() }).await?;
            }
            for chunk in change.cells.chunks(1000) {
                write_change(tx, &TallyChange { cells: chunk.to_vec(), ..TallyChange::default() }).await?;
            }
            Ok(())
        }

        /// Empties the tallies and adds up every case again, 10,000 cases at a
        /// time, through the transaction (which sees every write before it).
        pub(super) async fn rebuild(tx: &mut WriteTx) -> StoreResult<()> {
            for table in ["appeal_tallies", "appeal_tally_marks", "appeal_tally_cells"] {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut **tx).await?;
            }
            let mut after = 0i64;
            let sql = format!("{FACTS_SELECT} WHERE a.id > $1 ORDER BY a.id LIMIT 10000");
            loop {
                let rows = sqlx::query(&sql).bind(after).fetch_all(&mut **tx).await?;
                let Some(last) = rows.last() else { break };
                after = last.try_get("id")?;
                let contributions = rows.iter().map(|row| facts_from_row(row).map(|f| f.contribution())).collect::<StoreResult<Vec<_>>>()?;
                write_change_in_slices(tx, TallyChange::of_cases(&contributions)).await?;
            }
            Ok(())
        }
    };
}

pub(crate) use impl_appeal_tally_sql;
