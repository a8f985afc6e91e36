//! The SQL of the station record, expanded by each backend as `station_sql`:
//! stations, their status and location history, code counters (codes are never
//! reused), the station change counter, bulk import in one transaction, and the
//! demand counts of the coverage map.
//!
//! What the other stations SQL imports from here: `fetch_station`.

macro_rules! impl_station_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sqlx::Row as _;
        use waystation_domain::foundation::organisations::{OrgId, OrgPath};
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::stations::coverage::DemandCell;
        use waystation_domain::kit::geo::LatLng;
        use waystation_domain::stations::hours::OpeningHours;
        use waystation_domain::stations::{StationCode, StationDraft, StationStatus, StatusChange};
        use waystation_domain::Invalid;

        use super::foundation_sql::{fetch_org, phone_from};
        use super::prelude::{WriteTx, 
            append_audit, audit, corrupt, fetch_by_id, fetch_page, is_unique_violation, lock_row, DbRow, Query,
        };
        use crate::error::{StoreError, StoreResult};
        use crate::foundation::Org;
        use crate::sql::Keyset;
        use crate::stations::{
            ImportOutcome, ImportRow, LocationRecord, Station, StationListFilter, StationStore, StatusRecord,
        };

        const STATION_SELECT: &str = "SELECT s.id, s.code, s.name, s.kind, s.org_id, o.path AS org_path, o.name AS org_name, \
            s.partner_org_ids, s.address, s.lat, s.lng, s.opening_hours, s.follows_working_calendar, s.amenities, \
            s.manager_name, s.manager_phone, s.rules, s.six_haves, s.status, s.external_id, s.change_seq, \
            s.created_at, s.updated_at FROM stations s JOIN organisations o ON o.id = s.org_id";

        fn station_from_row(row: &DbRow) -> StoreResult<Station> {
            let text = |column: &str| -> StoreResult<String> { Ok(row.try_get::<String, _>(column)?) };
            let code = text("code")?;
            let kind = text("kind")?;
            let path = text("org_path")?;
            let hours = text("opening_hours")?;
            let status = text("status")?;
            let phone: Option<String> = row.try_get("manager_phone")?;
            let lat: f64 = row.try_get("lat")?;
            let lng: f64 = row.try_get("lng")?;
            Ok(Station {
                id: row.try_get("id")?,
                code: StationCode::parse(&code).map_err(|_| corrupt("stations.code", &code))?,
                name: text("name")?,
                kind: kind.parse().map_err(|_| corrupt("stations.kind", &kind))?,
                org_id: row.try_get("org_id")?,
                org_path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                org_name: text("org_name")?,
                partner_org_ids: serde_json::from_str(&text("partner_org_ids")?)
                    .map_err(|_| corrupt("stations.partner_org_ids", "(json)"))?,
                address: text("address")?,
                location: LatLng::new(lat, lng).map_err(|_| corrupt("stations.lat/lng", &format!("{lat},{lng}")))?,
                hours: OpeningHours::parse(&hours).map_err(|_| corrupt("stations.opening_hours", &hours))?,
                follows_working_calendar: row.try_get("follows_working_calendar")?,
                amenities: serde_json::from_str(&text("amenities")?).map_err(|_| corrupt("stations.amenities", "(json)"))?,
                manager_name: row.try_get("manager_name")?,
                manager_phone: phone.as_deref().map(phone_from).transpose()?,
                rules: text("rules")?,
                six_haves: serde_json::from_str(&text("six_haves")?).map_err(|_| corrupt("stations.six_haves", "(json)"))?,
                status: status.parse().map_err(|_| corrupt("stations.status", &status))?,
                external_id: row.try_get("external_id")?,
                change_seq: row.try_get("change_seq")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        pub(super) async fn fetch_station<'e, E>(exec: E, id: i64) -> StoreResult<Station>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{STATION_SELECT} WHERE s.id = $1");
            fetch_by_id(exec, &sql, id, station_from_row, StoreError::not_found("station_not_found")).await
        }

        /// The next number of the station change counter (locks it until commit).
        async fn next_change_seq(tx: &mut WriteTx) -> StoreResult<i64> {
            Ok(sqlx::query_scalar("UPDATE station_change_counter SET seq = seq + 1 WHERE singleton = 1 RETURNING seq")
                .fetch_one(&mut **tx)
                .await?)
        }

        /// The next code in the area of the owning organisation: the deepest
        /// division code on its path, or the national prefix.
        async fn next_station_code(tx: &mut WriteTx, owner: &Org) -> StoreResult<StationCode> {
            let mut division = owner.division_code.clone();
            if division.is_none() {
                for ancestor in owner.path.ids().collect::<Vec<_>>().into_iter().rev().skip(1) {
                    let org = fetch_org(&mut **tx, ancestor, "org_id").await?;
                    if org.division_code.is_some() {
                        division = org.division_code;
                        break;
                    }
                }
            }
            let prefix = StationCode::prefix_for(division.as_ref());
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO station_code_counters (prefix, last_seq) VALUES ($1, 1) \
                 ON CONFLICT (prefix) DO UPDATE SET last_seq = station_code_counters.last_seq + 1 RETURNING last_seq",
            )
            .bind(&prefix)
            .fetch_one(&mut **tx)
            .await?;
            Ok(StationCode::new(&prefix, u32::try_from(seq).unwrap_or(u32::MAX))?)
        }

        /// The owner must exist and be active; partners must exist.
        async fn check_station_orgs(tx: &mut WriteTx, input: &StationDraft) -> StoreResult<Org> {
            let owner = fetch_org(&mut **tx, input.org_id, "org_id").await?;
            if !owner.active {
                return Err(Invalid::field("org_id", "org_inactive").into());
            }
            for partner in &input.partner_org_ids {
                fetch_org(&mut **tx, *partner, "partner_org_ids").await?;
            }
            Ok(owner)
        }

        /// The columns an editor sets, in the order `bind_draft` binds them (`$1`…`$15`).
        const DRAFT_COLUMNS: &str = "name, kind, org_id, address, lat, lng, opening_hours, follows_working_calendar, \
            amenities, manager_name, manager_phone, rules, six_haves, external_id, partner_org_ids";

        /// Binds an editor's fields onto `query` as its parameters `$1`…`$15` (see `DRAFT_COLUMNS`).
        fn bind_draft<'q>(query: Query<'q>, input: &'q StationDraft) -> StoreResult<Query<'q>> {
            fn json(value: &impl serde::Serialize) -> StoreResult<String> {
                serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("encoding a station: {e}")))
            }
            Ok(query
                .bind(&input.name)
                .bind(input.kind.as_str())
                .bind(input.org_id)
                .bind(&input.address)
                .bind(input.location.lat())
                .bind(input.location.lng())
                .bind(input.hours.as_str())
                .bind(input.follows_working_calendar)
                .bind(json(&input.amenities)?)
                .bind(input.manager_name.as_deref())
                .bind(input.manager_phone.as_ref().map(|p| p.as_str()))
                .bind(&input.rules)
                .bind(json(&input.six_haves)?)
                .bind(input.external_id.as_deref())
                .bind(json(&input.partner_org_ids)?))
        }

        /// Adds the station's current place to its location history.
        async fn record_location(
            tx: &mut WriteTx,
            station_id: i64,
            input: &StationDraft,
            actor: Option<UserId>,
            at: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query("INSERT INTO station_locations (station_id, lat, lng, address, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(station_id)
                .bind(input.location.lat())
                .bind(input.location.lng())
                .bind(&input.address)
                .bind(actor)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        async fn insert_station(
            tx: &mut WriteTx,
            actor: Option<UserId>,
            input: &StationDraft,
            status: StationStatus,
            reason: &str,
        ) -> StoreResult<i64> {
            let owner = check_station_orgs(tx, input).await?;
            let code = next_station_code(tx, &owner).await?;
            let seq = next_change_seq(tx).await?;
            let now = Utc::now();
            let sql = format!(
                "INSERT INTO stations ({DRAFT_COLUMNS}, change_seq, created_at, updated_at, code, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19) RETURNING id"
            );
            let inserted = bind_draft(sqlx::query(&sql), input)?
                .bind(seq)
                .bind(now)
                .bind(code.as_str())
                .bind(status.as_str())
                .fetch_one(&mut **tx)
                .await;
            let id: i64 = match inserted {
                Err(e) if is_unique_violation(&e) => return Err(StoreError::conflict("external_id_taken", "external_id")),
                other => other?.try_get("id")?,
            };
            sqlx::query("INSERT INTO station_status_history (station_id, from_status, to_status, reason, actor_id, at) VALUES ($1, NULL, $2, $3, $4, $5)")
                .bind(id)
                .bind(status.as_str())
                .bind(reason)
                .bind(actor)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            record_location(tx, id, input, actor, now).await?;
            let detail = serde_json::json!({"code": code.as_str(), "name": input.name, "status": status.as_str()});
            append_audit(tx, audit(actor, "station.create", Some(input.org_id), format!("station:{id}"), detail)).await?;
            Ok(id)
        }

        async fn write_station_update(
            tx: &mut WriteTx,
            actor: Option<UserId>,
            before: &Station,
            input: &StationDraft,
        ) -> StoreResult<()> {
            check_station_orgs(tx, input).await?;
            let seq = next_change_seq(tx).await?;
            let now = Utc::now();
            let sets: Vec<String> = DRAFT_COLUMNS.split(", ").enumerate().map(|(i, column)| format!("{column} = ${}", i + 1)).collect();
            let sql = format!("UPDATE stations SET {}, change_seq = $16, updated_at = $17 WHERE id = $18", sets.join(", "));
            let updated = bind_draft(sqlx::query(&sql), input)?.bind(seq).bind(now).bind(before.id).execute(&mut **tx).await;
            match updated {
                Err(e) if is_unique_violation(&e) => return Err(StoreError::conflict("external_id_taken", "external_id")),
                other => other?,
            };
            let moved = before.location != input.location || before.address != input.address;
            if moved {
                record_location(tx, before.id, input, actor, now).await?;
            }
            let mut changed = Vec::new();
            if before.name != input.name { changed.push("name"); }
            if before.kind != input.kind { changed.push("kind"); }
            if before.org_id != input.org_id { changed.push("org_id"); }
            if moved { changed.push("location"); }
            if before.hours.as_str() != input.hours.as_str() || before.follows_working_calendar != input.follows_working_calendar { changed.push("opening_hours"); }
            if before.amenities != input.amenities { changed.push("amenities"); }
            if before.manager_name != input.manager_name || before.manager_phone != input.manager_phone { changed.push("manager"); }
            if before.rules != input.rules { changed.push("rules"); }
            if before.six_haves != input.six_haves { changed.push("six_haves"); }
            if before.partner_org_ids != input.partner_org_ids { changed.push("partners"); }
            let detail = serde_json::json!({"changed": changed, "six_haves": input.six_haves});
            append_audit(tx, audit(actor, "station.update", Some(input.org_id), format!("station:{}", before.id), detail)).await?;
            Ok(())
        }

        #[async_trait]
        impl StationStore for $Store {
            async fn create_station(&self, actor: Option<UserId>, input: StationDraft, status: StationStatus, reason: &str) -> StoreResult<Station> {
                let mut tx = self.begin_write().await?;
                let id = insert_station(&mut tx, actor, &input, status, reason).await?;
                let station = fetch_station(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(station)
            }

            async fn update_station(&self, actor: Option<UserId>, id: i64, input: StationDraft) -> StoreResult<Station> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "stations", id).await?;
                let before = fetch_station(&mut *tx, id).await?;
                write_station_update(&mut tx, actor, &before, &input).await?;
                let station = fetch_station(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(station)
            }

            async fn change_station_status(&self, actor: Option<UserId>, id: i64, change: StatusChange) -> StoreResult<Station> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "stations", id).await?;
                let before = fetch_station(&mut *tx, id).await?;
                if before.status != change.from {
                    // Someone changed it since the caller looked: check the rule against the real state.
                    StatusChange::new(before.status, change.to, &change.reason)?;
                }
                let seq = next_change_seq(&mut tx).await?;
                let now = Utc::now();
                sqlx::query("UPDATE stations SET status = $1, change_seq = $2, updated_at = $3 WHERE id = $4")
                    .bind(change.to.as_str())
                    .bind(seq)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO station_status_history (station_id, from_status, to_status, reason, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id)
                    .bind(before.status.as_str())
                    .bind(change.to.as_str())
                    .bind(&change.reason)
                    .bind(actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"from": before.status.as_str(), "to": change.to.as_str(), "reason": change.reason});
                append_audit(&mut tx, audit(actor, "station.status", Some(before.org_id), format!("station:{id}"), detail)).await?;
                let station = fetch_station(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(station)
            }

            async fn get_station(&self, id: i64) -> StoreResult<Station> {
                fetch_station(&self.pool, id).await
            }

            async fn station_by_code(&self, code: &StationCode) -> StoreResult<Option<Station>> {
                let sql = format!("{STATION_SELECT} WHERE s.code = $1");
                let row = sqlx::query(&sql).bind(code.as_str()).fetch_optional(&self.pool).await?;
                row.as_ref().map(station_from_row).transpose()
            }

            async fn station_by_external_id(&self, org_id: OrgId, external_id: &str) -> StoreResult<Option<Station>> {
                let sql = format!("{STATION_SELECT} WHERE s.org_id = $1 AND s.external_id = $2");
                let row = sqlx::query(&sql).bind(org_id).bind(external_id).fetch_optional(&self.pool).await?;
                row.as_ref().map(station_from_row).transpose()
            }

            async fn list_stations(&self, filter: &StationListFilter, page: PageRequest) -> StoreResult<Page<Station>> {
                let bounds = match filter.within {
                    Some(root) => Some(fetch_org(&self.pool, root, "org_id").await?.path.subtree_bounds()),
                    None => None,
                };
                let pattern = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
                    let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    format!("%{escaped}%")
                });
                let (low, high) = bounds.unzip();
                let (status, kind) = (filter.status.map(|s| s.as_str()), filter.kind.map(|k| k.as_str()));
                let sql = format!(
                    "{STATION_SELECT} WHERE ($3 IS NULL OR (o.path >= $3 AND o.path < $4)) \
                     AND ($5 IS NULL OR s.status = $5) AND ($6 IS NULL OR s.kind = $6) \
                     AND ($7 IS NULL OR s.name LIKE $7 ESCAPE '\\' OR s.address LIKE $7 ESCAPE '\\' OR s.code LIKE $7 ESCAPE '\\')"
                );
                fetch_page(&self.pool, Keyset::Ascending("s.id"), page, &sql, station_from_row, move |q| {
                    q.bind(low).bind(high).bind(status).bind(kind).bind(pattern)
                })
                .await
            }

            async fn import_station_rows(&self, actor: Option<UserId>, rows: Vec<ImportRow>) -> StoreResult<ImportOutcome> {
                let mut tx = self.begin_write().await?;
                let mut outcome = ImportOutcome::default();
                let find = format!("{STATION_SELECT} WHERE s.org_id = $1 AND s.external_id = $2");
                for ImportRow { input, status, target } in &rows {
                    let (input, status) = (input, *status);
                    let existing = match (target, &input.external_id) {
                        (Some(id), _) => Some(fetch_station(&mut *tx, *id).await?),
                        (None, Some(external)) => sqlx::query(&find)
                            .bind(input.org_id)
                            .bind(external)
                            .fetch_optional(&mut *tx)
                            .await?
                            .as_ref()
                            .map(station_from_row)
                            .transpose()?,
                        (None, None) => None,
                    };
                    match existing {
                        Some(before) => {
                            write_station_update(&mut tx, actor, &before, input).await?;
                            outcome.updated += 1;
                        }
                        None => {
                            insert_station(&mut tx, actor, input, status, "import").await?;
                            outcome.created += 1;
                        }
                    }
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn stations_changed_since(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Station>> {
                let sql = format!("{STATION_SELECT} WHERE s.change_seq > $1 ORDER BY s.change_seq LIMIT $2");
                let rows = sqlx::query(&sql).bind(after_seq).bind(limit).fetch_all(&self.pool).await?;
                rows.iter().map(station_from_row).collect()
            }

            async fn station_status_history(&self, id: i64) -> StoreResult<Vec<StatusRecord>> {
                let rows = sqlx::query("SELECT from_status, to_status, reason, actor_id, at FROM station_status_history WHERE station_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let from: Option<String> = row.try_get("from_status")?;
                        let to: String = row.try_get("to_status")?;
                        Ok(StatusRecord {
                            from: from.map(|f| f.parse().map_err(|_| corrupt("station_status_history.from_status", &f))).transpose()?,
                            to: to.parse().map_err(|_| corrupt("station_status_history.to_status", &to))?,
                            reason: row.try_get("reason")?,
                            actor_id: row.try_get("actor_id")?,
                            at: row.try_get("at")?,
                        })
                    })
                    .collect()
            }

            async fn add_demand(&self, day: chrono::NaiveDate, kind: &str, cells: &[(DemandCell, u64)]) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let day = day.format("%Y-%m-%d").to_string();
                for (cell, count) in cells {
                    sqlx::query(
                        "INSERT INTO station_demand (day, lat_cell, lng_cell, kind, count) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (day, lat_cell, lng_cell, kind) DO UPDATE SET count = station_demand.count + excluded.count",
                    )
                    .bind(&day)
                    .bind(cell.lat)
                    .bind(cell.lng)
                    .bind(kind)
                    .bind(i64::try_from(*count).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn demand_in(
                &self,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
                south_west: DemandCell,
                north_east: DemandCell,
            ) -> StoreResult<Vec<(DemandCell, u64)>> {
                let rows: Vec<(i32, i32, i64)> = sqlx::query_as(
                    "SELECT lat_cell, lng_cell, CAST(SUM(count) AS BIGINT) FROM station_demand \
                     WHERE day >= $1 AND day <= $2 AND lat_cell >= $3 AND lat_cell <= $4 AND lng_cell >= $5 AND lng_cell <= $6 \
                     GROUP BY lat_cell, lng_cell",
                )
                .bind(from.format("%Y-%m-%d").to_string())
                .bind(to.format("%Y-%m-%d").to_string())
                .bind(south_west.lat)
                .bind(north_east.lat)
                .bind(south_west.lng)
                .bind(north_east.lng)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(lat, lng, count)| (DemandCell { lat, lng }, u64::try_from(count).unwrap_or(0)))
                    .collect())
            }

            async fn station_location_history(&self, id: i64) -> StoreResult<Vec<LocationRecord>> {
                let rows = sqlx::query("SELECT lat, lng, address, actor_id, at FROM station_locations WHERE station_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let lat: f64 = row.try_get("lat")?;
                        let lng: f64 = row.try_get("lng")?;
                        Ok(LocationRecord {
                            location: LatLng::new(lat, lng).map_err(|_| corrupt("station_locations", &format!("{lat},{lng}")))?,
                            address: row.try_get("address")?,
                            actor_id: row.try_get("actor_id")?,
                            at: row.try_get("at")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use impl_station_sql;
