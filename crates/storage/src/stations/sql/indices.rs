//! The SQL of the service indices, expanded by each backend as
//! `station_index_sql`. The event methods of `station_use_sql` import
//! `count_event` and `feedback_calendar` from here and call them inside their
//! own transactions.
//!
//! One row per station and China day holds what `Counters` counts; an event
//! adds its delta with an upsert, so a read never recounts events. The rebuild
//! derives the same rows from the event tables with the same domain deltas.

macro_rules! impl_station_index_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::Utc;
        use sqlx::Row as _;
        use waystation_domain::kit::calendar::HolidayCalendar;
        use waystation_domain::foundation::organisations::OrgPath;
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::kit::china_time::china_day;
        use waystation_domain::stations::indices::{china_day_of_hour, Counters};

        use super::prelude::{WriteTx, append_audit, audit, corrupt, DbRow};
        use crate::error::StoreResult;
        use crate::stations::{CounterScope, RebuildOutcome, StationCounters, StationIndexStore};

        fn day_text(day: chrono::NaiveDate) -> String {
            day.format("%Y-%m-%d").to_string()
        }

        fn day_from(text: &str) -> StoreResult<chrono::NaiveDate> {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("station_daily_counters.day", text))
        }

        /// Adds an event's delta to its station's counters of `day`.
        pub(super) async fn count_event(tx: &mut WriteTx, station_id: i64, day: chrono::NaiveDate, delta: Counters) -> StoreResult<()> {
            if delta.is_zero() {
                return Ok(());
            }
            let v = delta.values();
            if v.iter().any(|x| *x < 0) {
                // Undoing (part of) an earlier event: its row exists (an upsert would
                // offer the negative row to the CHECKs before finding the conflict).
                // On a database upgraded without `stations reindex` it may not: the
                // event still succeeds, and the counts stay at zero or above.
                let sets: Vec<String> = Counters::FIELDS
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format!("{f} = CASE WHEN {f} + ${n} < 0 THEN 0 ELSE {f} + ${n} END", n = i + 3))
                    .collect();
                let sql = format!("UPDATE station_daily_counters SET {} WHERE station_id = $1 AND day = $2", sets.join(", "));
                let mut query = sqlx::query(&sql).bind(station_id).bind(day_text(day));
                for value in v {
                    query = query.bind(value);
                }
                if query.execute(&mut **tx).await?.rows_affected() != 1 {
                    tracing::warn!(station_id, %day, "no index counters to undo an event from; run `waystation stations reindex`");
                }
                return Ok(());
            }
            let sets: Vec<String> =
                Counters::FIELDS.iter().map(|f| format!("{f} = station_daily_counters.{f} + excluded.{f}")).collect();
            let sql = format!(
                "INSERT INTO station_daily_counters (station_id, day, {}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT (station_id, day) DO UPDATE SET {}",
                Counters::FIELDS.join(", "),
                sets.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(station_id).bind(day_text(day));
            for value in v {
                query = query.bind(value);
            }
            query.execute(&mut **tx).await?;
            Ok(())
        }

        /// The working calendar that judges answers on time: the shipped years
        /// and those a system admin added, as the transaction sees them.
        pub(super) async fn feedback_calendar(tx: &mut WriteTx) -> StoreResult<HolidayCalendar> {
            let rows: Vec<(String,)> = sqlx::query_as("SELECT arrangement FROM holiday_years ORDER BY year").fetch_all(&mut **tx).await?;
            let years = rows
                .iter()
                .map(|(json,)| serde_json::from_str(json).map_err(|_| corrupt("holiday_years.arrangement", "(json)")))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(HolidayCalendar::official_with(years).0)
        }

        const COUNTER_SUMS: &str = "CAST(COALESCE(SUM(c.visits), 0) AS BIGINT) AS visits, \
            CAST(COALESCE(SUM(c.reservations), 0) AS BIGINT) AS reservations, \
            CAST(COALESCE(SUM(c.reservations_confirmed), 0) AS BIGINT) AS reservations_confirmed, \
            CAST(COALESCE(SUM(c.reservations_declined), 0) AS BIGINT) AS reservations_declined, \
            CAST(COALESCE(SUM(c.reservations_cancelled), 0) AS BIGINT) AS reservations_cancelled, \
            CAST(COALESCE(SUM(c.reviews), 0) AS BIGINT) AS reviews, \
            CAST(COALESCE(SUM(c.reviews_praised), 0) AS BIGINT) AS reviews_praised, \
            CAST(COALESCE(SUM(c.review_stars), 0) AS BIGINT) AS review_stars, \
            CAST(COALESCE(SUM(c.feedback), 0) AS BIGINT) AS feedback, \
            CAST(COALESCE(SUM(c.feedback_answered), 0) AS BIGINT) AS feedback_answered, \
            CAST(COALESCE(SUM(c.feedback_answer_seconds), 0) AS BIGINT) AS feedback_answer_seconds, \
            CAST(COALESCE(SUM(c.feedback_on_time), 0) AS BIGINT) AS feedback_on_time";

        fn counters_from_row(row: &DbRow, prefix: &str) -> StoreResult<Counters> {
            let mut values = [0i64; 12];
            for (value, field) in values.iter_mut().zip(Counters::FIELDS) {
                *value = row.try_get(format!("{prefix}{field}").as_str())?;
            }
            Ok(Counters::from_values(values))
        }

        #[async_trait]
        impl StationIndexStore for $Store {
            async fn station_counters(
                &self,
                scope: &CounterScope,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
                grace_from: chrono::NaiveDate,
            ) -> StoreResult<Vec<StationCounters>> {
                let filter = match scope {
                    CounterScope::Station(_) => "s.id = $4",
                    CounterScope::Subtree(_) => "o.path >= $4 AND o.path < $5",
                };
                let sql = format!(
                    "SELECT s.id, s.code, s.name, s.status, s.org_id, o.path AS org_path, {COUNTER_SUMS}, \
                     CAST(COALESCE(SUM(CASE WHEN c.day >= $3 THEN c.feedback ELSE 0 END), 0) AS BIGINT) AS grace_feedback, \
                     CAST(COALESCE(SUM(CASE WHEN c.day >= $3 THEN c.feedback_answered ELSE 0 END), 0) AS BIGINT) AS grace_feedback_answered, \
                     COUNT(c.day) AS days_counted \
                     FROM stations s JOIN organisations o ON o.id = s.org_id \
                     LEFT JOIN station_daily_counters c ON c.station_id = s.id AND c.day >= $1 AND c.day <= $2 \
                     WHERE {filter} GROUP BY s.id, s.code, s.name, s.status, s.org_id, o.path ORDER BY s.id"
                );
                let query = sqlx::query(&sql).bind(day_text(from)).bind(day_text(to)).bind(day_text(grace_from));
                let query = match scope {
                    CounterScope::Station(id) => query.bind(*id),
                    CounterScope::Subtree(path) => {
                        let (low, high) = path.subtree_bounds();
                        query.bind(low).bind(high)
                    }
                };
                let rows = query.fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        let status: String = row.try_get("status")?;
                        let path: String = row.try_get("org_path")?;
                        Ok(StationCounters {
                            station_id: row.try_get("id")?,
                            code: row.try_get("code")?,
                            name: row.try_get("name")?,
                            status: status.parse().map_err(|_| corrupt("stations.status", &status))?,
                            org_id: row.try_get("org_id")?,
                            org_path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                            window: counters_from_row(row, "")?,
                            grace: Counters {
                                feedback: row.try_get("grace_feedback")?,
                                feedback_answered: row.try_get("grace_feedback_answered")?,
                                ..Counters::default()
                            },
                            days_counted: row.try_get("days_counted")?,
                        })
                    })
                    .collect()
            }

            async fn station_daily_counters(&self, station_id: i64, from: chrono::NaiveDate, to: chrono::NaiveDate) -> StoreResult<Vec<(chrono::NaiveDate, Counters)>> {
                let rows = sqlx::query(
                    "SELECT c.day, c.visits, c.reservations, c.reservations_confirmed, c.reservations_declined, \
                     c.reservations_cancelled, c.reviews, c.reviews_praised, c.review_stars, c.feedback, c.feedback_answered, \
                     c.feedback_answer_seconds, c.feedback_on_time \
                     FROM station_daily_counters c WHERE c.station_id = $1 AND c.day >= $2 AND c.day <= $3 ORDER BY c.day",
                )
                .bind(station_id)
                .bind(day_text(from))
                .bind(day_text(to))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let day: String = row.try_get("day")?;
                        Ok((day_from(&day)?, counters_from_row(row, "")?))
                    })
                    .collect()
            }

            async fn rebuild_station_indices(&self, actor: Option<UserId>) -> StoreResult<RebuildOutcome> {
                let mut tx = self.begin_write().await?;
                if <$Store>::BACKEND == "postgres" {
                    // Events that have not written their counters yet wait until the
                    // rebuild commits and then add to its rows; those that have, commit
                    // first and are read. SQLite's single writer serialises already.
                    sqlx::query("LOCK TABLE station_daily_counters IN EXCLUSIVE MODE").execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM station_daily_counters").execute(&mut *tx).await?;
                let calendar = feedback_calendar(&mut tx).await?;
                let mut rows: std::collections::BTreeMap<(i64, chrono::NaiveDate), Counters> = std::collections::BTreeMap::new();

                let visits: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT station_id, ((hour_bucket + 8) / 24) * 24 - 8 AS first_hour, COUNT(*) FROM station_visits GROUP BY 1, 2",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (station, first_hour, count) in visits {
                    *rows.entry((station, china_day_of_hour(first_hour))).or_default() += Counters { visits: count, ..Counters::default() };
                }
                let bookings: Vec<(i64, String, chrono::DateTime<Utc>)> =
                    sqlx::query_as("SELECT station_id, status, created_at FROM reservations").fetch_all(&mut *tx).await?;
                for (station, status, created_at) in bookings {
                    let status = status.parse().map_err(|_| corrupt("reservations.status", &status))?;
                    *rows.entry((station, china_day(created_at))).or_default() += Counters::reservation(status);
                }
                let reviews: Vec<(i64, i64, chrono::DateTime<Utc>)> =
                    sqlx::query_as("SELECT station_id, stars, updated_at FROM station_reviews WHERE hidden = FALSE").fetch_all(&mut *tx).await?;
                for (station, stars, updated_at) in reviews {
                    let stars = u8::try_from(stars).map_err(|_| corrupt("station_reviews.stars", &stars.to_string()))?;
                    *rows.entry((station, china_day(updated_at))).or_default() += Counters::review(stars);
                }
                let feedback: Vec<(i64, chrono::DateTime<Utc>, Option<chrono::DateTime<Utc>>)> =
                    sqlx::query_as("SELECT station_id, created_at, first_answered_at FROM station_feedback").fetch_all(&mut *tx).await?;
                for (station, created_at, first_answered_at) in feedback {
                    let mut delta = Counters::feedback_received();
                    if let Some(answered) = first_answered_at {
                        delta += Counters::feedback_answer(created_at, answered, &calendar);
                    }
                    *rows.entry((station, china_day(created_at))).or_default() += delta;
                }

                let mut stations = std::collections::BTreeSet::new();
                for ((station, day), counters) in &rows {
                    count_event(&mut tx, *station, *day, *counters).await?;
                    stations.insert(*station);
                }
                let outcome = RebuildOutcome { rows: rows.len() as u64, stations: stations.len() as u64 };
                let detail = serde_json::json!({"rows": outcome.rows, "stations": outcome.stations});
                append_audit(&mut tx, audit(actor, "stations.reindex", None, "station_indices".to_owned(), detail)).await?;
                tx.commit().await?;
                Ok(outcome)
            }
        }
    };
}

pub(crate) use impl_station_index_sql;
