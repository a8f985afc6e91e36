//! The SQL of appeals, expanded by each backend as `appeal_sql`: the case and
//! its workflow columns, the append-only timeline, and the per-division, per-day
//! counters of case numbers (numbers are never reused).

macro_rules! impl_appeal_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use waystation_domain::kit::china_time::china_day;
        use sqlx::{Row as _, Transaction};
        use waystation_domain::appeals::{
            transition, Actor, CaseNumber, CaseState, CategoryCode, Context, DeadlineKind, Event, Stage, TimeLimits,
        };
        use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgPath};
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::kit::calendar::HolidayCalendar;
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::Invalid;

        use super::foundation_sql::{fetch_org, phone_from};
        use super::prelude::{append_audit, audit, corrupt, fetch_by_id, fetch_page, lock_row, DbRow};
        use crate::appeals::{Appeal, AppealEvent, AppealFilter, AppealStore, NewAppeal};
        use crate::error::{StoreError, StoreResult};
        use crate::foundation::Org;
        use crate::sql::Keyset;

        const APPEAL_SELECT: &str = "SELECT a.id, a.case_number, a.appeal_type, a.category, a.org_id, o.path AS org_path, \
            a.filed_by, a.contact_phone, a.hide_identity, a.text, a.fields, a.lat, a.lng, a.stage, a.level, a.outcome, \
            a.extended_by, a.submitted_on, a.accepted_on, a.last_note_on, a.review_asked_on, a.replied_on, a.closed_on, \
            a.rating, a.due_kind, a.due_on, a.created_at, a.updated_at, a.merged_into \
            FROM appeals a JOIN organisations o ON o.id = a.org_id";

        const EVENT_SELECT: &str = "SELECT id, appeal_id, at, actor_id, actor_kind, event, detail, from_stage, to_stage \
            FROM appeal_events";

        fn actor_name(actor: Actor) -> &'static str {
            match actor {
                Actor::Worker => "worker",
                Actor::Handler => "handler",
                Actor::Supervisor => "supervisor",
                Actor::System => "system",
            }
        }

        fn deadline_kind(value: &str) -> StoreResult<DeadlineKind> {
            Ok(match value {
                "accept" => DeadlineKind::Accept,
                "finish" => DeadlineKind::Finish,
                "review_answer" => DeadlineKind::ReviewAnswer,
                "progress_note" => DeadlineKind::ProgressNote,
                other => return Err(corrupt("appeals.due_kind", other)),
            })
        }

        fn parsed<T: std::str::FromStr>(row: &DbRow, column: &str, what: &str) -> StoreResult<T> {
            let value: String = row.try_get(column)?;
            value.parse().map_err(|_| corrupt(what, &value))
        }

        fn parsed_opt<T: std::str::FromStr>(row: &DbRow, column: &str, what: &str) -> StoreResult<Option<T>> {
            let value: Option<String> = row.try_get(column)?;
            value.map(|v| v.parse().map_err(|_| corrupt(what, &v))).transpose()
        }

        fn appeal_from_row(row: &DbRow) -> StoreResult<Appeal> {
            let number: String = row.try_get("case_number")?;
            let category: String = row.try_get("category")?;
            let path: String = row.try_get("org_path")?;
            let phone: String = row.try_get("contact_phone")?;
            let fields: String = row.try_get("fields")?;
            let lat: Option<f64> = row.try_get("lat")?;
            let lng: Option<f64> = row.try_get("lng")?;
            let extended_by: Option<i64> = row.try_get("extended_by")?;
            let rating: Option<i64> = row.try_get("rating")?;
            let due_kind: Option<String> = row.try_get("due_kind")?;
            let due_on: Option<NaiveDate> = row.try_get("due_on")?;
            let state = CaseState {
                stage: parsed(row, "stage", "appeals.stage")?,
                level: parsed(row, "level", "appeals.level")?,
                submitted_on: row.try_get("submitted_on")?,
                accepted_on: row.try_get("accepted_on")?,
                extended_by: extended_by
                    .map(|d| u32::try_from(d).map_err(|_| corrupt("appeals.extended_by", &d.to_string())))
                    .transpose()?,
                last_note_on: row.try_get("last_note_on")?,
                review_asked_on: row.try_get("review_asked_on")?,
                replied_on: row.try_get("replied_on")?,
                outcome: parsed_opt(row, "outcome", "appeals.outcome")?,
                closed_on: row.try_get("closed_on")?,
                rating: rating
                    .map(|r| u8::try_from(r).map_err(|_| corrupt("appeals.rating", &r.to_string())))
                    .transpose()?,
                merged_into: row.try_get("merged_into")?,
            };
            let due = match (due_kind, due_on) {
                (Some(kind), Some(on)) => Some((deadline_kind(&kind)?, on)),
                _ => None,
            };
            Ok(Appeal {
                id: row.try_get("id")?,
                case_number: CaseNumber::parse(&number).map_err(|_| corrupt("appeals.case_number", &number))?,
                appeal_type: parsed(row, "appeal_type", "appeals.appeal_type")?,
                category: CategoryCode::parse(&category).map_err(|_| corrupt("appeals.category", &category))?,
                org_id: row.try_get("org_id")?,
                org_path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                filed_by: row.try_get("filed_by")?,
                contact_phone: phone_from(&phone)?,
                hide_identity: row.try_get("hide_identity")?,
                text: row.try_get("text")?,
                fields: serde_json::from_str(&fields).map_err(|_| corrupt("appeals.fields", "(json)"))?,
                location: lat.zip(lng),
                state,
                due,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn event_from_row(row: &DbRow) -> StoreResult<AppealEvent> {
            let detail: String = row.try_get("detail")?;
            Ok(AppealEvent {
                id: row.try_get("id")?,
                appeal_id: row.try_get("appeal_id")?,
                at: row.try_get("at")?,
                actor_id: row.try_get("actor_id")?,
                actor_kind: row.try_get("actor_kind")?,
                event: row.try_get("event")?,
                detail: serde_json::from_str(&detail).map_err(|_| corrupt("appeal_events.detail", "(json)"))?,
                from_stage: parsed_opt(row, "from_stage", "appeal_events.from_stage")?,
                to_stage: parsed(row, "to_stage", "appeal_events.to_stage")?,
            })
        }

        async fn fetch_appeal<'e, E>(exec: E, id: i64) -> StoreResult<Appeal>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{APPEAL_SELECT} WHERE a.id = $1");
            fetch_by_id(exec, &sql, id, appeal_from_row, StoreError::not_found("appeal_not_found")).await
        }

        /// The division whose counter numbers the union's cases: the deepest
        /// division code on its path, or None (national).
        async fn case_division(tx: &mut Transaction<'static, $DB>, org: &Org) -> StoreResult<Option<DivisionCode>> {
            if org.division_code.is_some() {
                return Ok(org.division_code.clone());
            }
            for ancestor in org.path.ids().collect::<Vec<_>>().into_iter().rev().skip(1) {
                let up = fetch_org(&mut **tx, ancestor, "org_id").await?;
                if up.division_code.is_some() {
                    return Ok(up.division_code);
                }
            }
            Ok(None)
        }

        /// The next case number of the division on the day (locks its counter until commit).
        async fn next_case_number(
            tx: &mut Transaction<'static, $DB>,
            division: Option<&DivisionCode>,
            day: NaiveDate,
        ) -> StoreResult<CaseNumber> {
            let key = division.map_or(waystation_domain::appeals::case_number::NATIONAL_DIVISION, DivisionCode::as_str);
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO appeal_case_counters (division, day, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (division, day) DO UPDATE SET last_seq = appeal_case_counters.last_seq + 1 RETURNING last_seq",
            )
            .bind(key)
            .bind(day)
            .fetch_one(&mut **tx)
            .await?;
            Ok(CaseNumber::new(division, day, u32::try_from(seq).unwrap_or(u32::MAX))?)
        }

        #[allow(clippy::too_many_arguments)]
        async fn insert_event(
            tx: &mut Transaction<'static, $DB>,
            appeal_id: i64,
            at: DateTime<Utc>,
            actor: Option<UserId>,
            actor_kind: &str,
            event: &str,
            detail: &serde_json::Value,
            from: Option<Stage>,
            to: Stage,
        ) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO appeal_events (appeal_id, at, actor_id, actor_kind, event, detail, from_stage, to_stage) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(appeal_id)
            .bind(at)
            .bind(actor)
            .bind(actor_kind)
            .bind(event)
            .bind(detail.to_string())
            .bind(from.map(|s| s.as_str()))
            .bind(to.as_str())
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// Writes a case's workflow columns and its current deadline.
        async fn write_state(
            tx: &mut Transaction<'static, $DB>,
            id: i64,
            state: &CaseState,
            due: Option<(DeadlineKind, NaiveDate)>,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query(
                "UPDATE appeals SET stage = $2, level = $3, outcome = $4, extension_used = $5, extended_by = $6, \
                 accepted_on = $7, last_note_on = $8, review_asked_on = $9, replied_on = $10, closed_on = $11, \
                 rating = $12, merged_into = $13, due_kind = $14, due_on = $15, updated_at = $16 WHERE id = $1",
            )
            .bind(id)
            .bind(state.stage.as_str())
            .bind(state.level.as_str())
            .bind(state.outcome.map(|o| o.as_str()))
            .bind(state.extended_by.is_some())
            .bind(state.extended_by.map(i64::from))
            .bind(state.accepted_on)
            .bind(state.last_note_on)
            .bind(state.review_asked_on)
            .bind(state.replied_on)
            .bind(state.closed_on)
            .bind(state.rating.map(i64::from))
            .bind(state.merged_into)
            .bind(due.map(|(kind, _)| kind.as_str()))
            .bind(due.map(|(_, on)| on))
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        #[async_trait]
        impl AppealStore for $Store {
            async fn file_appeal(
                &self,
                actor: Option<UserId>,
                input: NewAppeal,
                now: DateTime<Utc>,
                limits: &TimeLimits,
                calendar: &HolidayCalendar,
            ) -> StoreResult<Appeal> {
                if let Some((lat, lng)) = input.location {
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
                        return Err(Invalid::field("location", "invalid_value").into());
                    }
                }
                let mut tx = self.begin_write().await?;
                let org = fetch_org(&mut *tx, input.org_id, "org_id").await?;
                if !org.active {
                    return Err(Invalid::field("org_id", "org_inactive").into());
                }
                let day = china_day(now);
                let division = case_division(&mut tx, &org).await?;
                let number = next_case_number(&mut tx, division.as_ref(), day).await?;
                let state = CaseState::submitted(day);
                let due = state.deadline(limits, calendar);
                let fields = input.fields.to_string();
                let (lat, lng) = input.location.unzip();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeals (case_number, appeal_type, category, org_id, filed_by, contact_phone, hide_identity, \
                     text, fields, lat, lng, stage, level, submitted_on, due_kind, due_on, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
                )
                .bind(number.as_str())
                .bind(input.appeal_type.as_str())
                .bind(input.category.as_str())
                .bind(input.org_id)
                .bind(input.filed_by)
                .bind(input.contact_phone.as_str())
                .bind(input.hide_identity)
                .bind(&input.text)
                .bind(&fields)
                .bind(lat)
                .bind(lng)
                .bind(state.stage.as_str())
                .bind(state.level.as_str())
                .bind(day)
                .bind(due.map(|(kind, _)| kind.as_str()))
                .bind(due.map(|(_, on)| on))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({
                    "case_number": number.as_str(),
                    "appeal_type": input.appeal_type.as_str(),
                    "category": input.category.as_str(),
                });
                // The filer is the worker, signed in or known by a verified phone number.
                insert_event(&mut tx, id, now, actor, "worker", "file", &detail, None, state.stage).await?;
                append_audit(&mut tx, audit(actor, "appeal.file", Some(input.org_id), format!("appeal:{id}"), detail)).await?;
                let appeal = fetch_appeal(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(appeal)
            }

            async fn get_appeal(&self, id: i64) -> StoreResult<Appeal> {
                fetch_appeal(&self.pool, id).await
            }

            async fn appeal_by_case_number(&self, number: &CaseNumber) -> StoreResult<Option<Appeal>> {
                let sql = format!("{APPEAL_SELECT} WHERE a.case_number = $1");
                let row = sqlx::query(&sql).bind(number.as_str()).fetch_optional(&self.pool).await?;
                row.as_ref().map(appeal_from_row).transpose()
            }

            async fn appeal_timeline(&self, id: i64) -> StoreResult<Vec<AppealEvent>> {
                fetch_appeal(&self.pool, id).await?;
                let sql = format!("{EVENT_SELECT} WHERE appeal_id = $1 ORDER BY id");
                let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await?;
                rows.iter().map(event_from_row).collect()
            }

            async fn apply_appeal_event(
                &self,
                actor: Option<UserId>,
                id: i64,
                event: &Event,
                cx: &Context<'_>,
                now: DateTime<Utc>,
            ) -> StoreResult<Appeal> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "appeals", id).await?;
                let before = fetch_appeal(&mut *tx, id).await?;
                if let Event::MergeInto { into } = event {
                    if *into == id {
                        return Err(Invalid::field("into", "merge_into_itself").into());
                    }
                    fetch_appeal(&mut *tx, *into).await.map_err(|e| match e {
                        StoreError::NotFound { code, .. } => StoreError::NotFound { code, field: Some("into") },
                        other => other,
                    })?;
                }
                let next = transition(&before.state, event, cx)?;
                let due = next.deadline(cx.limits, cx.calendar);
                write_state(&mut tx, id, &next, due, now).await?;
                let detail = serde_json::to_value(event)
                    .map_err(|e| StoreError::Corrupt(format!("encoding an appeal event: {e}")))?;
                insert_event(&mut tx, id, now, actor, actor_name(cx.actor), event.name(), &detail, Some(before.state.stage), next.stage)
                    .await?;
                let audit_detail = serde_json::json!({
                    "case_number": before.case_number.as_str(),
                    "event": detail,
                    "from": before.state.stage.as_str(),
                    "to": next.stage.as_str(),
                    "actor_kind": actor_name(cx.actor),
                });
                let action = format!("appeal.{}", event.name());
                append_audit(&mut tx, audit(actor, &action, Some(before.org_id), format!("appeal:{id}"), audit_detail)).await?;
                let appeal = fetch_appeal(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(appeal)
            }

            async fn appeals_in_subtree(&self, root: OrgId, filter: &AppealFilter, page: PageRequest) -> StoreResult<Page<Appeal>> {
                let (low, high) = fetch_org(&self.pool, root, "org_id").await?.path.subtree_bounds();
                let stage = filter.stage.map(|s| s.as_str());
                let category = filter.category.as_ref().map(|c| c.as_str().to_owned());
                let sql = format!(
                    "{APPEAL_SELECT} WHERE o.path >= $3 AND o.path < $4 \
                     AND ($5 IS NULL OR a.stage = $5) AND ($6 IS NULL OR a.category = $6)"
                );
                fetch_page(&self.pool, Keyset::Descending("a.id"), page, &sql, appeal_from_row, move |q| {
                    q.bind(low).bind(high).bind(stage).bind(category)
                })
                .await
            }
        }
    };
}

pub(crate) use impl_appeal_sql;
