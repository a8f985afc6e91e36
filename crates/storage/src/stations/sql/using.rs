//! The SQL of using a station — resources, reservations, visits, reviews,
//! feedback — expanded by each backend as `station_use_sql`.
//!
//! No double booking: `request_reservation` locks the resource's row (`FOR
//! UPDATE` on PostgreSQL; SQLite's single writer with `BEGIN IMMEDIATE` already
//! serialises) before it looks for overlapping bookings, so two concurrent
//! requests for one resource are checked one after the other.
//!
//! Every event also adds its delta to the station's daily index counters in
//! its own transaction (`count_event`, from `station_index_sql`).

macro_rules! impl_station_use_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sqlx::Row as _;
        use waystation_domain::foundation::organisations::OrgPath;
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::kit::china_time::china_day;
        use waystation_domain::stations::indices::{china_day_of_hour, Counters};
        use waystation_domain::stations::reservation::{
            check_people, ReservationChange, ReservationStatus, ResourceInput, Slot,
        };
        use waystation_domain::stations::review::{visit_hour, visit_windows, ReviewInput};

        use super::foundation_sql::{name_from, phone_from};
        use super::prelude::{WriteTx, append_audit, audit, corrupt, fetch_by_id, fetch_page, lock_row, DbRow, FOR_UPDATE};
        use super::station_index_sql::{count_event, feedback_calendar};
        use super::station_sql::fetch_station;
        use crate::error::{StoreError, StoreResult};
        use crate::sql::Keyset;
        use crate::stations::{
            Feedback, NewReservation, Reservation, Resource, Review, ReviewSummary, Station, StationUseStore, VisitStats,
        };

        const RESOURCE_SELECT: &str = "SELECT r.id, r.station_id, s.org_id, o.path AS org_path, r.name, r.capacity, \
            r.description, r.retired_at, r.created_at, r.updated_at \
            FROM station_resources r JOIN stations s ON s.id = r.station_id JOIN organisations o ON o.id = s.org_id";
        const RESERVATION_SELECT: &str = "SELECT b.id, b.resource_id, r.name AS resource_name, b.station_id, s.org_id, \
            o.path AS org_path, b.user_id, u.name AS user_name, u.phone AS user_phone, b.starts_at, b.ends_at, b.people, \
            b.note, b.status, b.reason, b.decided_by, b.created_at, b.updated_at \
            FROM reservations b JOIN station_resources r ON r.id = b.resource_id JOIN stations s ON s.id = b.station_id \
            JOIN organisations o ON o.id = s.org_id JOIN users u ON u.id = b.user_id";
        const REVIEW_SELECT: &str = "SELECT v.id, v.station_id, s.org_id, o.path AS org_path, v.user_id, u.name AS user_name, \
            v.stars, v.text, v.hidden, v.hidden_reason, v.created_at, v.updated_at \
            FROM station_reviews v JOIN stations s ON s.id = v.station_id JOIN organisations o ON o.id = s.org_id \
            JOIN users u ON u.id = v.user_id";
        const FEEDBACK_SELECT: &str = "SELECT f.id, f.station_id, s.org_id, o.path AS org_path, f.user_id, \
            u.name AS user_name, u.phone AS user_phone, f.text, f.answer, f.answered_by, f.answered_at, f.created_at \
            FROM station_feedback f JOIN stations s ON s.id = f.station_id JOIN organisations o ON o.id = s.org_id \
            JOIN users u ON u.id = f.user_id";

        fn org_path_of(row: &DbRow) -> StoreResult<OrgPath> {
            let path: String = row.try_get("org_path")?;
            OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))
        }

        fn resource_from_row(row: &DbRow) -> StoreResult<Resource> {
            let capacity: i64 = row.try_get("capacity")?;
            Ok(Resource {
                id: row.try_get("id")?,
                station_id: row.try_get("station_id")?,
                org_id: row.try_get("org_id")?,
                org_path: org_path_of(row)?,
                name: row.try_get("name")?,
                capacity: u32::try_from(capacity).map_err(|_| corrupt("station_resources.capacity", &capacity.to_string()))?,
                description: row.try_get("description")?,
                retired_at: row.try_get("retired_at")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn reservation_from_row(row: &DbRow) -> StoreResult<Reservation> {
            let (starts, ends): (i64, i64) = (row.try_get("starts_at")?, row.try_get("ends_at")?);
            let status: String = row.try_get("status")?;
            let people: i64 = row.try_get("people")?;
            let name: String = row.try_get("user_name")?;
            let phone: String = row.try_get("user_phone")?;
            Ok(Reservation {
                id: row.try_get("id")?,
                resource_id: row.try_get("resource_id")?,
                resource_name: row.try_get("resource_name")?,
                station_id: row.try_get("station_id")?,
                org_id: row.try_get("org_id")?,
                org_path: org_path_of(row)?,
                user_id: row.try_get("user_id")?,
                user_name: name_from(&name)?,
                user_phone: phone_from(&phone)?,
                slot: Slot::from_stored(starts, ends).ok_or_else(|| corrupt("reservations.starts_at/ends_at", &format!("{starts}-{ends}")))?,
                people: u32::try_from(people).map_err(|_| corrupt("reservations.people", &people.to_string()))?,
                note: row.try_get("note")?,
                status: status.parse().map_err(|_| corrupt("reservations.status", &status))?,
                reason: row.try_get("reason")?,
                decided_by: row.try_get("decided_by")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn review_from_row(row: &DbRow) -> StoreResult<Review> {
            let stars: i64 = row.try_get("stars")?;
            let name: String = row.try_get("user_name")?;
            Ok(Review {
                id: row.try_get("id")?,
                station_id: row.try_get("station_id")?,
                org_id: row.try_get("org_id")?,
                org_path: org_path_of(row)?,
                user_id: row.try_get("user_id")?,
                user_name: name_from(&name)?,
                stars: u8::try_from(stars).ok().filter(|s| (1..=5).contains(s)).ok_or_else(|| corrupt("station_reviews.stars", &stars.to_string()))?,
                text: row.try_get("text")?,
                hidden: row.try_get("hidden")?,
                hidden_reason: row.try_get("hidden_reason")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn feedback_from_row(row: &DbRow) -> StoreResult<Feedback> {
            let name: String = row.try_get("user_name")?;
            let phone: String = row.try_get("user_phone")?;
            Ok(Feedback {
                id: row.try_get("id")?,
                station_id: row.try_get("station_id")?,
                org_id: row.try_get("org_id")?,
                org_path: org_path_of(row)?,
                user_id: row.try_get("user_id")?,
                user_name: name_from(&name)?,
                user_phone: phone_from(&phone)?,
                text: row.try_get("text")?,
                answer: row.try_get("answer")?,
                answered_by: row.try_get("answered_by")?,
                answered_at: row.try_get("answered_at")?,
                created_at: row.try_get("created_at")?,
            })
        }

        async fn fetch_resource<'e, E>(exec: E, id: i64) -> StoreResult<Resource>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{RESOURCE_SELECT} WHERE r.id = $1");
            fetch_by_id(exec, &sql, id, resource_from_row, StoreError::not_found("resource_not_found")).await
        }

        async fn fetch_reservation<'e, E>(exec: E, id: i64) -> StoreResult<Reservation>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{RESERVATION_SELECT} WHERE b.id = $1");
            fetch_by_id(exec, &sql, id, reservation_from_row, StoreError::not_found("reservation_not_found")).await
        }

        async fn fetch_review<'e, E>(exec: E, id: i64) -> StoreResult<Review>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{REVIEW_SELECT} WHERE v.id = $1");
            fetch_by_id(exec, &sql, id, review_from_row, StoreError::not_found("review_not_found")).await
        }

        async fn fetch_feedback<'e, E>(exec: E, id: i64) -> StoreResult<Feedback>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{FEEDBACK_SELECT} WHERE f.id = $1");
            fetch_by_id(exec, &sql, id, feedback_from_row, StoreError::not_found("feedback_not_found")).await
        }

        /// The station must be on the map for workers to use it.
        async fn listed_station(tx: &mut WriteTx, id: i64) -> StoreResult<Station> {
            let station = fetch_station(&mut **tx, id).await?;
            if station.status.is_listed() {
                Ok(station)
            } else {
                Err(StoreError::not_found("station_not_found"))
            }
        }

        #[async_trait]
        impl StationUseStore for $Store {
            async fn create_resource(&self, actor: Option<UserId>, station_id: i64, input: ResourceInput) -> StoreResult<Resource> {
                let mut tx = self.begin_write().await?;
                let station = fetch_station(&mut *tx, station_id).await?;
                let now = Utc::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO station_resources (station_id, name, capacity, description, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(station_id)
                .bind(&input.name)
                .bind(i64::from(input.capacity))
                .bind(&input.description)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({"station_id": station_id, "name": input.name, "capacity": input.capacity});
                append_audit(&mut tx, audit(actor, "resource.create", Some(station.org_id), format!("resource:{id}"), detail)).await?;
                let resource = fetch_resource(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(resource)
            }

            async fn update_resource(&self, actor: Option<UserId>, id: i64, input: ResourceInput) -> StoreResult<Resource> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "station_resources", id).await?;
                let before = fetch_resource(&mut *tx, id).await?;
                if before.retired_at.is_some() {
                    return Err(StoreError::conflict("resource_retired", "resource_id"));
                }
                sqlx::query("UPDATE station_resources SET name = $1, capacity = $2, description = $3, updated_at = $4 WHERE id = $5")
                    .bind(&input.name)
                    .bind(i64::from(input.capacity))
                    .bind(&input.description)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"name": input.name, "capacity": input.capacity, "before": {"name": before.name, "capacity": before.capacity}});
                append_audit(&mut tx, audit(actor, "resource.update", Some(before.org_id), format!("resource:{id}"), detail)).await?;
                let resource = fetch_resource(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(resource)
            }

            async fn retire_resource(&self, actor: Option<UserId>, id: i64) -> StoreResult<Resource> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "station_resources", id).await?;
                let before = fetch_resource(&mut *tx, id).await?;
                if before.retired_at.is_some() {
                    return Err(StoreError::conflict("resource_retired", "resource_id"));
                }
                let now = Utc::now();
                sqlx::query("UPDATE station_resources SET retired_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"name": before.name});
                append_audit(&mut tx, audit(actor, "resource.retire", Some(before.org_id), format!("resource:{id}"), detail)).await?;
                let resource = fetch_resource(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(resource)
            }

            async fn get_resource(&self, id: i64) -> StoreResult<Resource> {
                fetch_resource(&self.pool, id).await
            }

            async fn list_resources(&self, station_id: i64, include_retired: bool) -> StoreResult<Vec<Resource>> {
                let sql = format!("{RESOURCE_SELECT} WHERE r.station_id = $1 AND (r.retired_at IS NULL OR $2 = TRUE) ORDER BY r.id");
                let rows = sqlx::query(&sql).bind(station_id).bind(include_retired).fetch_all(&self.pool).await?;
                rows.iter().map(resource_from_row).collect()
            }

            async fn request_reservation(&self, user: UserId, new: NewReservation) -> StoreResult<Reservation> {
                let mut tx = self.begin_write().await?;
                // Serialises every booking of this resource until commit.
                lock_row(&mut tx, "station_resources", new.resource_id).await?;
                let resource = fetch_resource(&mut *tx, new.resource_id).await?;
                if resource.retired_at.is_some() {
                    return Err(StoreError::conflict("resource_retired", "resource_id"));
                }
                listed_station(&mut tx, resource.station_id).await?;
                let people = check_people(new.people, resource.capacity)?;
                let taken: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM reservations WHERE resource_id = $1 AND status IN ('requested', 'confirmed') \
                     AND starts_at < $3 AND ends_at > $2 LIMIT 1",
                )
                .bind(new.resource_id)
                .bind(new.slot.start_unix())
                .bind(new.slot.end_unix())
                .fetch_optional(&mut *tx)
                .await?;
                if taken.is_some() {
                    return Err(StoreError::conflict("slot_taken", "start"));
                }
                let now = Utc::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO reservations (resource_id, station_id, user_id, starts_at, ends_at, people, note, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                )
                .bind(new.resource_id)
                .bind(resource.station_id)
                .bind(user)
                .bind(new.slot.start_unix())
                .bind(new.slot.end_unix())
                .bind(i64::from(people))
                .bind(&new.note)
                .bind(ReservationStatus::Requested.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({
                    "resource_id": new.resource_id, "starts_at": new.slot.start_unix(), "ends_at": new.slot.end_unix(), "people": people
                });
                append_audit(&mut tx, audit(Some(user), "reservation.request", Some(resource.org_id), format!("reservation:{id}"), detail)).await?;
                count_event(&mut tx, resource.station_id, china_day(now), Counters::reservation(ReservationStatus::Requested)).await?;
                let reservation = fetch_reservation(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(reservation)
            }

            async fn change_reservation(&self, actor: UserId, id: i64, change: ReservationChange) -> StoreResult<Reservation> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "reservations", id).await?;
                let before = fetch_reservation(&mut *tx, id).await?;
                if change.check_from(before.status).is_err() {
                    return Err(StoreError::conflict("reservation_transition_not_allowed", "status"));
                }
                sqlx::query("UPDATE reservations SET status = $1, reason = $2, decided_by = $3, updated_at = $4 WHERE id = $5")
                    .bind(change.to.as_str())
                    .bind(change.reason.as_deref())
                    .bind(actor)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"from": before.status.as_str(), "to": change.to.as_str(), "reason": change.reason});
                let action = format!("reservation.{}", change.to.as_str());
                append_audit(&mut tx, audit(Some(actor), &action, Some(before.org_id), format!("reservation:{id}"), detail)).await?;
                let delta = Counters::reservation_change(before.status, change.to);
                count_event(&mut tx, before.station_id, china_day(before.created_at), delta).await?;
                let reservation = fetch_reservation(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(reservation)
            }

            async fn get_reservation(&self, id: i64) -> StoreResult<Reservation> {
                fetch_reservation(&self.pool, id).await
            }

            async fn reservations_of_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Reservation>> {
                let sql = format!("{RESERVATION_SELECT} WHERE b.user_id = $3");
                fetch_page(&self.pool, Keyset::Descending("b.id"), page, &sql, reservation_from_row, move |q| q.bind(user)).await
            }

            async fn reservations_of_station(&self, station_id: i64, from: i64, to: i64) -> StoreResult<Vec<Reservation>> {
                let sql = format!("{RESERVATION_SELECT} WHERE b.station_id = $1 AND b.starts_at < $3 AND b.ends_at > $2 ORDER BY b.starts_at, b.id");
                let rows = sqlx::query(&sql).bind(station_id).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(reservation_from_row).collect()
            }

            async fn record_visit(&self, user: UserId, station_id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let station = listed_station(&mut tx, station_id).await?;
                let hour = visit_hour(at);
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO station_visits (station_id, user_id, hour_bucket, at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (station_id, user_id, hour_bucket) DO NOTHING RETURNING id",
                )
                .bind(station_id)
                .bind(user)
                .bind(hour)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = inserted else {
                    tx.rollback().await?;
                    return Ok(false);
                };
                let detail = serde_json::json!({"station_id": station_id, "hour": hour});
                append_audit(&mut tx, audit(Some(user), "station.visit", Some(station.org_id), format!("visit:{id}"), detail)).await?;
                count_event(&mut tx, station_id, china_day_of_hour(hour), Counters::visit()).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn visit_stats(&self, station_id: i64, now: DateTime<Utc>) -> StoreResult<VisitStats> {
                let (today, month) = visit_windows(now);
                let count = |from: i64| {
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM station_visits WHERE station_id = $1 AND hour_bucket >= $2")
                        .bind(station_id)
                        .bind(from)
                        .fetch_one(&self.pool)
                };
                Ok(VisitStats { today: count(today).await?, last_30_days: count(month).await?, total: count(i64::MIN).await? })
            }

            async fn put_review(&self, user: UserId, station_id: i64, input: ReviewInput) -> StoreResult<(Review, bool)> {
                let mut tx = self.begin_write().await?;
                let station = listed_station(&mut tx, station_id).await?;
                let find = format!("SELECT id FROM station_reviews WHERE station_id = $1 AND user_id = $2{FOR_UPDATE}");
                let existing: Option<i64> = sqlx::query_scalar(&find).bind(station_id).bind(user).fetch_optional(&mut *tx).await?;
                let before = match existing {
                    Some(id) => Some(fetch_review(&mut *tx, id).await?),
                    None => None,
                };
                let now = Utc::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO station_reviews (station_id, user_id, stars, text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (station_id, user_id) DO UPDATE SET stars = excluded.stars, text = excluded.text, updated_at = excluded.updated_at \
                     RETURNING id",
                )
                .bind(station_id)
                .bind(user)
                .bind(i64::from(input.stars.get()))
                .bind(&input.text)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let action = if existing.is_some() { "review.update" } else { "review.create" };
                let detail = serde_json::json!({"station_id": station_id, "stars": input.stars.get()});
                append_audit(&mut tx, audit(Some(user), action, Some(station.org_id), format!("review:{id}"), detail)).await?;
                // A visible review counts on the day of its current version; an edit moves it there.
                if let Some(before) = before.as_ref().filter(|b| !b.hidden) {
                    count_event(&mut tx, station_id, china_day(before.updated_at), Counters::review(before.stars).negated()).await?;
                }
                if !before.as_ref().is_some_and(|b| b.hidden) {
                    count_event(&mut tx, station_id, china_day(now), Counters::review(input.stars.get())).await?;
                }
                let review = fetch_review(&mut *tx, id).await?;
                tx.commit().await?;
                Ok((review, existing.is_none()))
            }

            async fn moderate_review(&self, actor: UserId, id: i64, hidden: bool, reason: Option<String>) -> StoreResult<Review> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "station_reviews", id).await?;
                let before = fetch_review(&mut *tx, id).await?;
                if before.hidden == hidden {
                    let code = if hidden { "review_already_hidden" } else { "review_not_hidden" };
                    return Err(StoreError::conflict(code, "hidden"));
                }
                sqlx::query("UPDATE station_reviews SET hidden = $1, hidden_reason = $2, moderated_by = $3, moderated_at = $4 WHERE id = $5")
                    .bind(hidden)
                    .bind(reason.as_deref())
                    .bind(actor)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let action = if hidden { "review.hide" } else { "review.unhide" };
                let detail = serde_json::json!({"station_id": before.station_id, "reason": reason});
                append_audit(&mut tx, audit(Some(actor), action, Some(before.org_id), format!("review:{id}"), detail)).await?;
                let delta = if hidden { Counters::review(before.stars).negated() } else { Counters::review(before.stars) };
                count_event(&mut tx, before.station_id, china_day(before.updated_at), delta).await?;
                let review = fetch_review(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(review)
            }

            async fn get_review(&self, id: i64) -> StoreResult<Review> {
                fetch_review(&self.pool, id).await
            }

            async fn list_reviews(&self, station_id: i64, include_hidden: bool, page: PageRequest) -> StoreResult<Page<Review>> {
                let sql = format!("{REVIEW_SELECT} WHERE v.station_id = $3 AND (v.hidden = FALSE OR $4 = TRUE)");
                fetch_page(&self.pool, Keyset::Descending("v.id"), page, &sql, review_from_row, move |q| {
                    q.bind(station_id).bind(include_hidden)
                })
                .await
            }

            async fn review_summary(&self, station_id: i64) -> StoreResult<ReviewSummary> {
                let (count, stars_sum): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(stars), 0) AS BIGINT) FROM station_reviews WHERE station_id = $1 AND hidden = FALSE",
                )
                .bind(station_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(ReviewSummary { count, stars_sum })
            }

            async fn create_feedback(&self, user: UserId, station_id: i64, text: String) -> StoreResult<Feedback> {
                let mut tx = self.begin_write().await?;
                let station = listed_station(&mut tx, station_id).await?;
                // Whole microseconds, as PostgreSQL keeps them: the answer time a
                // rebuild reads back is then the one counted here.
                let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
                let id: i64 = sqlx::query_scalar("INSERT INTO station_feedback (station_id, user_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(station_id)
                    .bind(user)
                    .bind(&text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"station_id": station_id});
                append_audit(&mut tx, audit(Some(user), "feedback.create", Some(station.org_id), format!("feedback:{id}"), detail)).await?;
                count_event(&mut tx, station_id, china_day(now), Counters::feedback_received()).await?;
                let feedback = fetch_feedback(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(feedback)
            }

            async fn answer_feedback(&self, actor: UserId, id: i64, answer: String) -> StoreResult<Feedback> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "station_feedback", id).await?;
                let before = fetch_feedback(&mut *tx, id).await?;
                let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
                sqlx::query(
                    "UPDATE station_feedback SET answer = $1, answered_by = $2, answered_at = $3, \
                     first_answered_at = COALESCE(first_answered_at, $3) WHERE id = $4",
                )
                .bind(&answer)
                .bind(actor)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({"station_id": before.station_id, "edited": before.answer.is_some(), "answer": answer});
                append_audit(&mut tx, audit(Some(actor), "feedback.answer", Some(before.org_id), format!("feedback:{id}"), detail)).await?;
                // The handling time runs to the first answer; editing it changes no counter.
                if before.answer.is_none() {
                    let calendar = feedback_calendar(&mut tx).await?;
                    let delta = Counters::feedback_answer(before.created_at, now, &calendar);
                    count_event(&mut tx, before.station_id, china_day(before.created_at), delta).await?;
                }
                let feedback = fetch_feedback(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(feedback)
            }

            async fn get_feedback(&self, id: i64) -> StoreResult<Feedback> {
                fetch_feedback(&self.pool, id).await
            }

            async fn feedback_of_station(&self, station_id: i64, answered_only: bool, page: PageRequest) -> StoreResult<Page<Feedback>> {
                let sql = format!("{FEEDBACK_SELECT} WHERE f.station_id = $3 AND ($4 = FALSE OR f.answer IS NOT NULL)");
                fetch_page(&self.pool, Keyset::Descending("f.id"), page, &sql, feedback_from_row, move |q| {
                    q.bind(station_id).bind(answered_only)
                })
                .await
            }

            async fn feedback_of_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Feedback>> {
                let sql = format!("{FEEDBACK_SELECT} WHERE f.user_id = $3");
                fetch_page(&self.pool, Keyset::Descending("f.id"), page, &sql, feedback_from_row, move |q| q.bind(user)).await
            }

            async fn review_of_user(&self, station_id: i64, user: UserId) -> StoreResult<Option<Review>> {
                let sql = format!("{REVIEW_SELECT} WHERE v.station_id = $1 AND v.user_id = $2");
                let row = sqlx::query(&sql).bind(station_id).bind(user).fetch_optional(&self.pool).await?;
                row.as_ref().map(review_from_row).transpose()
            }

            async fn unanswered_feedback_of_station(&self, station_id: i64, page: PageRequest) -> StoreResult<Page<Feedback>> {
                let sql = format!("{FEEDBACK_SELECT} WHERE f.station_id = $3 AND f.answer IS NULL");
                fetch_page(&self.pool, Keyset::Ascending("f.id"), page, &sql, feedback_from_row, move |q| q.bind(station_id)).await
            }
        }
    };
}

pub(crate) use impl_station_use_sql;
