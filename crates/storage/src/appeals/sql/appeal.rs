//! The SQL of appeals, expanded by each backend as `appeal_sql`: the case and
//! its workflow columns, the append-only timeline, and the per-division, per-day
//! counters of case numbers (numbers are never reused).

macro_rules! impl_appeal_sql {
    ($Store:ty, $DB:ty) => {
        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use waystation_domain::kit::china_time::china_day;
        use sqlx::Row as _;
        use waystation_domain::appeals::notify::{self, Audience};
        use waystation_domain::appeals::routing::{supervising_union, OrgNode};
        use waystation_domain::appeals::{
            transition, Actor, Catalogue, CaseNumber, CaseState, CategoryCode, Context, DeadlineKind, DeadlineState, Event,
            Partner, Stage, TimeLimits,
        };
        use waystation_domain::foundation::people::Role;
        use waystation_domain::foundation::organisations::{DivisionCode, OrgId, OrgPath};
        use waystation_domain::foundation::people::UserId;
        use waystation_domain::kit::calendar::HolidayCalendar;
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::Invalid;

        use super::foundation_sql::{fetch_org, holders_of, insert_notifications, phone_from, queue_sms};
        use super::appeal_tally_sql::retally;
        use super::prelude::{WriteTx, append_audit, audit, corrupt, fetch_by_id, fetch_page, lock_row, DbRow};
        use crate::appeals::{Appeal, AppealEvent, AppealFilter, AppealPhotoRecord, AppealStore, NewAppeal, Open311Key, Open311Query, ReplyTemplate, ScaleAppeal, SweepReport};
        use crate::error::{StoreError, StoreResult};
        use crate::foundation::{NewNotification, Org};
        use crate::sql::Keyset;

        const APPEAL_SELECT: &str = "SELECT a.id, a.case_number, a.appeal_type, a.category, a.org_id, o.path AS org_path, \
            a.filed_by, a.contact_phone, a.hide_identity, a.text, a.fields, a.lat, a.lng, a.stage, a.level, a.outcome, \
            a.extended_by, a.submitted_on, a.accepted_on, a.last_note_on, a.review_asked_on, a.replied_on, a.closed_on, \
            a.rating, a.due_kind, a.due_on, a.created_at, a.updated_at, a.merged_into, \
            a.partners, a.green_channel, a.escalated_on, a.note_due_on, a.queue_key, a.open311_key_id, a.alert_on \
            FROM appeals a JOIN organisations o ON o.id = a.org_id";

        const EVENT_SELECT: &str = "SELECT id, appeal_id, at, actor_id, actor_kind, event, detail, from_stage, to_stage \
            FROM appeal_events";

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

        /// `('submitted', …)`: the open stages as the domain defines them, for an `IN` list.
        fn open_stages() -> String {
            let names: Vec<String> = Stage::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
            format!("({})", names.join(", "))
        }

        /// The queue order: green-channel cases above every other.
        const GREEN_QUEUE_BONUS: i64 = 1 << 48;

        fn partners_text(partners: &[Partner]) -> String {
            partners.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
        }

        fn appeal_from_row(row: &DbRow) -> StoreResult<Appeal> {
            let partners: String = row.try_get("partners")?;
            let partners = partners
                .split(',')
                .filter(|p| !p.is_empty())
                .map(|p| p.parse::<Partner>().map_err(|_| corrupt("appeals.partners", p)))
                .collect::<StoreResult<Vec<_>>>()?;
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
                partners,
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
                note_due: row.try_get("note_due_on")?,
                green_channel: row.try_get("green_channel")?,
                escalated_on: row.try_get("escalated_on")?,
                open311_key: row.try_get("open311_key_id")?,
                alert_on: row.try_get("alert_on")?,
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
        async fn case_division(tx: &mut WriteTx, org: &Org) -> StoreResult<Option<DivisionCode>> {
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
            tx: &mut WriteTx,
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
            tx: &mut WriteTx,
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

        /// Writes a case's workflow columns and its current deadlines.
        async fn write_state(
            tx: &mut WriteTx,
            id: i64,
            state: &CaseState,
            limits: &TimeLimits,
            calendar: &HolidayCalendar,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            let due = state.deadline(limits, calendar);
            let note_due = state.progress_note_due(limits, calendar);
            // The clock's next look: the first change to come, today at the earliest.
            let today = china_day(now);
            let alert_on = state.alert_days(limits, calendar).into_iter().min().map(|day| day.max(today));
            sqlx::query(
                "UPDATE appeals SET stage = $2, level = $3, outcome = $4, extension_used = $5, extended_by = $6, \
                 accepted_on = $7, last_note_on = $8, review_asked_on = $9, replied_on = $10, closed_on = $11, \
                 rating = $12, merged_into = $13, due_kind = $14, due_on = $15, updated_at = $16, partners = $17, \
                 note_due_on = $18, alert_on = $19 WHERE id = $1",
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
            .bind(partners_text(&state.partners))
            .bind(note_due)
            .bind(alert_on)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// The organisations on `path`, root first.
        async fn nodes_on<'e, E>(exec: E, path: &OrgPath) -> StoreResult<Vec<OrgNode>>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let ids: Vec<String> = path.ids().map(|id| id.to_string()).collect();
            // The ids are integers from a stored path, never input.
            let sql = format!(
                "SELECT id, path, kind, division_code, active FROM organisations WHERE id IN ({}) ORDER BY LENGTH(path)",
                ids.join(", ")
            );
            let rows = sqlx::query(&sql).fetch_all(exec).await?;
            rows.iter()
                .map(|row| {
                    let path: String = row.try_get("path")?;
                    let code: Option<String> = row.try_get("division_code")?;
                    Ok(OrgNode {
                        id: row.try_get("id")?,
                        path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                        kind: parsed(row, "kind", "organisations.kind")?,
                        division: code
                            .map(|c| DivisionCode::parse(&c).map_err(|_| corrupt("organisations.division_code", &c)))
                            .transpose()?,
                        active: row.try_get("active")?,
                    })
                })
                .collect()
        }

        /// Tells the audience of an event on `appeal` (as it is after the
        /// event): in-app notifications, and a text message to the worker.
        /// Only the case number, the category and what happened are told —
        /// never the worker's name or phone.
        #[allow(clippy::too_many_arguments)]
        async fn tell(
            tx: &mut WriteTx,
            appeal: &Appeal,
            audience: Audience,
            kind: &str,
            actor: Option<UserId>,
            extra: serde_json::Value,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            let detail = serde_json::json!({
                "case_number": appeal.case_number.as_str(),
                "category": appeal.category.as_str(),
                "stage": appeal.state.stage.as_str(),
                "green_channel": appeal.green_channel,
                "about": extra,
            });
            let mut staff: Vec<UserId> = Vec::new();
            if audience.handlers {
                let mut handlers = holders_of(&mut **tx, appeal.org_id, &[Role::CaseHandler]).await?;
                if handlers.is_empty() {
                    handlers = holders_of(&mut **tx, appeal.org_id, &[Role::OrgAdmin]).await?;
                }
                staff.extend(handlers);
            }
            if audience.heads {
                staff.extend(holders_of(&mut **tx, appeal.org_id, &[Role::OrgAdmin]).await?);
            }
            if audience.supervisors {
                let nodes = nodes_on(&mut **tx, &appeal.org_path).await?;
                if let Some(above) = supervising_union(&nodes, appeal.org_id) {
                    staff.extend(holders_of(&mut **tx, above, &[Role::CaseHandler, Role::OrgAdmin]).await?);
                }
            }
            staff.sort_unstable();
            staff.dedup();
            let mut rows: Vec<NewNotification> = staff
                .into_iter()
                .filter(|user| Some(*user) != actor && Some(*user) != appeal.filed_by)
                .map(|user_id| NewNotification {
                    user_id,
                    kind: kind.to_owned(),
                    subject: appeal.case_number.as_str().to_owned(),
                    link: format!("/console/appeals/{}", appeal.id),
                    detail: detail.clone(),
                })
                .collect();
            if audience.worker {
                if let Some(worker) = appeal.filed_by.filter(|w| Some(*w) != actor) {
                    rows.push(NewNotification {
                        user_id: worker,
                        kind: kind.to_owned(),
                        subject: appeal.case_number.as_str().to_owned(),
                        link: format!("/appeals/{}", appeal.case_number.as_str()),
                        detail: detail.clone(),
                    });
                }
            }
            insert_notifications(tx, &rows, now).await?;
            if audience.worker_sms && appeal.filed_by != actor {
                queue_sms(tx, &appeal.contact_phone, kind, &detail, now).await?;
            }
            Ok(())
        }

        /// Fires one system event of the deadline clock on a locked case.
        async fn system_event(
            tx: &mut WriteTx,
            before: &Appeal,
            event: &Event,
            cx: &Context<'_>,
            now: DateTime<Utc>,
        ) -> StoreResult<Appeal> {
            let next = transition(&before.state, event, cx)?;
            write_state(tx, before.id, &next, cx.limits, cx.calendar, now).await?;
            let detail = serde_json::to_value(event).map_err(|e| StoreError::Corrupt(format!("encoding an appeal event: {e}")))?;
            insert_event(tx, before.id, now, None, "system", event.name(), &detail, Some(before.state.stage), next.stage).await?;
            let audit_detail = serde_json::json!({
                "case_number": before.case_number.as_str(),
                "event": detail,
                "from": before.state.stage.as_str(),
                "to": next.stage.as_str(),
                "actor_kind": "system",
            });
            append_audit(tx, audit(None, &format!("appeal.{}", event.name()), Some(before.org_id), format!("appeal:{}", before.id), audit_detail)).await?;
            let after = fetch_appeal(&mut **tx, before.id).await?;
            retally(tx, Some(before), &after).await?;
            tell(tx, &after, notify::of_event(event, Actor::System, after.green_channel), &format!("appeal.{}", event.name()), None, serde_json::Value::Null, now).await?;
            Ok(after)
        }

        fn template_from_row(row: &DbRow) -> StoreResult<ReplyTemplate> {
            Ok(ReplyTemplate {
                id: row.try_get("id")?,
                org_id: row.try_get("org_id")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            })
        }

        async fn template_by_id<'e, E>(exec: E, id: i64) -> StoreResult<ReplyTemplate>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = "SELECT id, org_id, title, body, created_at FROM appeal_templates WHERE id = $1";
            fetch_by_id(exec, sql, id, template_from_row, StoreError::not_found("template_not_found")).await
        }

        fn photo_record(row: &DbRow) -> StoreResult<AppealPhotoRecord> {
            let side = |column: &str| -> StoreResult<u32> {
                let value: i64 = row.try_get(column)?;
                u32::try_from(value).map_err(|_| corrupt("appeal_photos.size", &value.to_string()))
            };
            Ok(AppealPhotoRecord {
                id: row.try_get("id")?,
                appeal_id: row.try_get("appeal_id")?,
                content_type: row.try_get("content_type")?,
                sha256: row.try_get("sha256")?,
                width: side("width")?,
                height: side("height")?,
                byte_size: row.try_get("byte_size")?,
                kept_metadata: row.try_get("kept_metadata")?,
                created_at: row.try_get("created_at")?,
            })
        }

        /// Claims one light of a case; true only for the one sweep that inserts it.
        async fn claim_alert(
            tx: &mut WriteTx,
            id: i64,
            kind: DeadlineKind,
            due: NaiveDate,
            light: DeadlineState,
            now: DateTime<Utc>,
        ) -> StoreResult<bool> {
            let done = sqlx::query(
                "INSERT INTO appeal_alerts (appeal_id, kind, due_on, light, fired_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (appeal_id, kind, due_on, light) DO NOTHING",
            )
            .bind(id)
            .bind(kind.as_str())
            .bind(due)
            .bind(light.as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(done.rows_affected() == 1)
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
                let alert_on = state.alert_days(limits, calendar).into_iter().min().map(|d| d.max(day));
                let fields = input.fields.to_string();
                let (lat, lng) = input.location.unzip();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeals (case_number, appeal_type, category, org_id, filed_by, contact_phone, hide_identity, \
                     text, fields, lat, lng, stage, level, submitted_on, due_kind, due_on, created_at, updated_at, green_channel, open311_key_id, alert_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20) RETURNING id",
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
                .bind(input.green_channel)
                .bind(input.open311_key)
                .bind(alert_on)
                .fetch_one(&mut *tx)
                .await?;
                let bonus = if input.green_channel { GREEN_QUEUE_BONUS } else { 0 };
                sqlx::query("UPDATE appeals SET queue_key = id + $2 WHERE id = $1").bind(id).bind(bonus).execute(&mut *tx).await?;
                let detail = serde_json::json!({
                    "case_number": number.as_str(),
                    "appeal_type": input.appeal_type.as_str(),
                    "category": input.category.as_str(),
                    "routed_by": input.routed_by.as_str(),
                    "org_id": input.org_id,
                });
                // The filer is the worker, signed in or known by a verified phone number.
                insert_event(&mut tx, id, now, actor, "worker", "file", &detail, None, state.stage).await?;
                append_audit(&mut tx, audit(actor, "appeal.file", Some(input.org_id), format!("appeal:{id}"), detail)).await?;
                let appeal = fetch_appeal(&mut *tx, id).await?;
                retally(&mut tx, None, &appeal).await?;
                tell(&mut tx, &appeal, notify::of_filing(appeal.green_channel), "appeal.file", actor, serde_json::Value::Null, now).await?;
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
                let with_field = |field: &'static str| {
                    move |e: StoreError| match e {
                        StoreError::NotFound { code, .. } => StoreError::NotFound { code, field: Some(field) },
                        other => other,
                    }
                };
                if let Event::MergeInto { into } = event {
                    if *into == id {
                        return Err(Invalid::field("into", "merge_into_itself").into());
                    }
                    fetch_appeal(&mut *tx, *into).await.map_err(with_field("into"))?;
                }
                if let Event::Transfer { to, .. } = event {
                    if *to == before.org_id {
                        return Err(Invalid::field("to", "transfer_to_itself").into());
                    }
                    let target = fetch_org(&mut *tx, *to, "to").await?;
                    if !target.active {
                        return Err(Invalid::field("to", "org_inactive").into());
                    }
                    if target.kind.is_partner() {
                        return Err(Invalid::field("to", "transfer_target_not_a_union").into());
                    }
                }
                let next = transition(&before.state, event, cx)?;
                write_state(&mut tx, id, &next, cx.limits, cx.calendar, now).await?;
                if let Event::Transfer { to, .. } = event {
                    sqlx::query("UPDATE appeals SET org_id = $2, escalated_on = NULL WHERE id = $1").bind(id).bind(*to).execute(&mut *tx).await?;
                }
                let mut detail = serde_json::to_value(event)
                    .map_err(|e| StoreError::Corrupt(format!("encoding an appeal event: {e}")))?;
                if let (Event::Transfer { .. }, Some(map)) = (event, detail.as_object_mut()) {
                    map.insert("from_org".into(), before.org_id.into());
                }
                insert_event(&mut tx, id, now, actor, cx.actor.as_str(), event.name(), &detail, Some(before.state.stage), next.stage)
                    .await?;
                let audit_detail = serde_json::json!({
                    "case_number": before.case_number.as_str(),
                    "event": detail,
                    "from": before.state.stage.as_str(),
                    "to": next.stage.as_str(),
                    "actor_kind": cx.actor.as_str(),
                });
                let action = format!("appeal.{}", event.name());
                append_audit(&mut tx, audit(actor, &action, Some(before.org_id), format!("appeal:{id}"), audit_detail)).await?;
                let appeal = fetch_appeal(&mut *tx, id).await?;
                retally(&mut tx, Some(&before), &appeal).await?;
                let audience = notify::of_event(event, cx.actor, appeal.green_channel);
                tell(&mut tx, &appeal, audience, &action, actor, serde_json::json!({ "event": event.name() }), now).await?;
                tx.commit().await?;
                Ok(appeal)
            }

            async fn appeals_in_subtree(&self, root: OrgId, filter: &AppealFilter, page: PageRequest) -> StoreResult<Page<Appeal>> {
                let root = fetch_org(&self.pool, root, "org_id").await?;
                let (low, high) = root.path.subtree_bounds();
                // Only the clauses the filter uses, each with its own parameter: a
                // statement full of `$n IS NULL OR …` gets a plan that fits no queue.
                let mut sql = format!("{APPEAL_SELECT} WHERE o.path >= $3 AND o.path < $4");
                let mut texts: Vec<String> = Vec::new();
                let mut n = 4;
                let mut next = || {
                    n += 1;
                    format!("${n}")
                };
                if let Some(stage) = filter.stage {
                    sql.push_str(&format!(" AND a.stage = {}", next()));
                    texts.push(stage.as_str().to_owned());
                }
                if let Some(category) = &filter.category {
                    sql.push_str(&format!(" AND a.category = {}", next()));
                    texts.push(category.as_str().to_owned());
                }
                if filter.open_only || filter.overdue_on.is_some() || filter.escalated_only {
                    sql.push_str(&format!(" AND a.stage IN {}", open_stages()));
                }
                if filter.green_channel_only {
                    sql.push_str(" AND a.green_channel");
                }
                if filter.escalated_only {
                    sql.push_str(" AND a.escalated_on IS NOT NULL");
                }
                let org_clause = if filter.root_only {
                    Some(format!(" AND a.org_id = {}", next()))
                } else if filter.below_root_only {
                    Some(format!(" AND a.org_id <> {}", next()))
                } else {
                    None
                };
                let due_clause = filter.overdue_on.map(|_| format!(" AND a.due_on < {}", next()));
                sql.push_str(org_clause.as_deref().unwrap_or(""));
                sql.push_str(due_clause.as_deref().unwrap_or(""));
                let (root_id, scoped) = (root.id, org_clause.is_some());
                let overdue_on = filter.overdue_on;
                fetch_page(&self.pool, Keyset::Descending("a.queue_key"), page, &sql, appeal_from_row, move |q| {
                    let mut q = q.bind(low).bind(high);
                    for text in texts {
                        q = q.bind(text);
                    }
                    if scoped {
                        q = q.bind(root_id);
                    }
                    if let Some(day) = overdue_on {
                        q = q.bind(day);
                    }
                    q
                })
                .await
            }

            async fn appeals_filed_by(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Appeal>> {
                let sql = format!("{APPEAL_SELECT} WHERE a.filed_by = $3");
                fetch_page(&self.pool, Keyset::Descending("a.id"), page, &sql, appeal_from_row, move |q| q.bind(user)).await
            }

            async fn path_nodes(&self, org: OrgId) -> StoreResult<Vec<OrgNode>> {
                let org = fetch_org(&self.pool, org, "org_id").await?;
                nodes_on(&self.pool, &org.path).await
            }

            async fn sweep_appeal_deadlines(
                &self,
                now: DateTime<Utc>,
                catalogue: &Catalogue,
                calendar: &HolidayCalendar,
            ) -> StoreResult<SweepReport> {
                let today = china_day(now);
                // Only the cases whose next change has come (see `alert_days`).
                let candidates: Vec<i64> = sqlx::query_scalar("SELECT id FROM appeals WHERE alert_on <= $1 ORDER BY id")
                    .bind(today)
                    .fetch_all(&self.pool)
                    .await?;
                let fallback = TimeLimits::default();
                let mut report = SweepReport::default();
                for chunk in candidates.chunks(200) {
                    let mut tx = self.begin_write().await?;
                    for &id in chunk {
                        lock_row(&mut tx, "appeals", id).await?;
                        let appeal = fetch_appeal(&mut *tx, id).await?;
                        let limits = catalogue.get(appeal.category.as_str()).map_or(&fallback, |def| &def.limits);
                        report.examined += 1;
                        if appeal.alert_on.is_none_or(|day| day > today) {
                            // Another server's sweep got here first and moved its day on.
                            continue;
                        }
                        let mut now_is = appeal.clone();
                        if appeal.state.stage == Stage::Replied {
                            let cx = Context { actor: Actor::System, today, limits, calendar };
                            if transition(&appeal.state, &Event::CloseAfterSilence, &cx).is_ok() {
                                now_is = system_event(&mut tx, &appeal, &Event::CloseAfterSilence, &cx, now).await?;
                                report.closed_after_silence += 1;
                            }
                        }
                        let mut escalated = false;
                        for light in appeal.state.lights(today, limits, calendar) {
                            if light.state == DeadlineState::Ok || !claim_alert(&mut tx, id, light.kind, light.due, light.state, now).await? {
                                continue;
                            }
                            let red = light.escalates();
                            let kind = if red { "appeal.deadline_red" } else { "appeal.deadline_yellow" };
                            let detail = serde_json::json!({ "deadline": light.kind.as_str(), "due_on": light.due, "light": light.state.as_str() });
                            insert_event(&mut tx, id, now, None, "system", if red { "escalate" } else { "warn" }, &detail, Some(appeal.state.stage), appeal.state.stage).await?;
                            if red {
                                sqlx::query("UPDATE appeals SET escalated_on = COALESCE(escalated_on, $2) WHERE id = $1")
                                    .bind(id)
                                    .bind(today)
                                    .execute(&mut *tx)
                                    .await?;
                                append_audit(&mut tx, audit(None, "appeal.escalate", Some(appeal.org_id), format!("appeal:{id}"), detail.clone())).await?;
                                report.escalated += 1;
                                escalated = true;
                            } else {
                                report.warned += 1;
                            }
                            tell(&mut tx, &appeal, notify::of_light(light.state), kind, None, detail, now).await?;
                        }
                        if escalated {
                            let after = fetch_appeal(&mut *tx, id).await?;
                            retally(&mut tx, Some(&now_is), &after).await?;
                        }
                        // The next day something changes for this case, after today.
                        let next = now_is.state.alert_days(limits, calendar).into_iter().find(|day| *day > today);
                        sqlx::query("UPDATE appeals SET alert_on = $2 WHERE id = $1").bind(id).bind(next).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                }
                Ok(report)
            }

            async fn create_open311_key(&self, actor: Option<UserId>, label: &str, key_hash: &str, now: DateTime<Utc>) -> StoreResult<Open311Key> {
                let label = label.trim();
                if label.is_empty() || label.chars().count() > 100 {
                    return Err(Invalid::field("label", if label.is_empty() { "required" } else { "text_too_long" }).into());
                }
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO open311_keys (key_hash, label, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(key_hash)
                .bind(label)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                append_audit(&mut tx, audit(actor, "open311.key_issue", None, format!("open311_key:{id}"), serde_json::json!({ "label": label }))).await?;
                tx.commit().await?;
                Ok(Open311Key { id, label: label.to_owned(), created_at: now, revoked_at: None })
            }

            async fn open311_key(&self, key_hash: &str) -> StoreResult<Option<Open311Key>> {
                let row = sqlx::query("SELECT id, label, created_at, revoked_at FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                    .bind(key_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    Ok(Open311Key {
                        id: row.try_get("id")?,
                        label: row.try_get("label")?,
                        created_at: row.try_get("created_at")?,
                        revoked_at: row.try_get("revoked_at")?,
                    })
                })
                .transpose()
            }

            async fn open311_requests(&self, query: &Open311Query) -> StoreResult<Vec<Appeal>> {
                // Placeholders are numbered as the values are pushed; every value is bound, none inlined.
                let mut sql = format!("{APPEAL_SELECT} WHERE a.open311_key_id IS NOT NULL AND ($1 IS NULL OR a.open311_key_id = $1)");
                let mut texts: Vec<String> = Vec::new();
                let mut instants: Vec<DateTime<Utc>> = Vec::new();
                let mut n = 1;
                let mut next = || {
                    n += 1;
                    format!("${n}")
                };
                // Texts first, then instants: the binds follow the same order.
                if !query.case_numbers.is_empty() {
                    let marks: Vec<String> = query.case_numbers.iter().map(|_| next()).collect();
                    sql.push_str(&format!(" AND a.case_number IN ({})", marks.join(", ")));
                    texts.extend(query.case_numbers.iter().map(|c| c.as_str().to_owned()));
                } else {
                    if !query.categories.is_empty() {
                        let marks: Vec<String> = query.categories.iter().map(|_| next()).collect();
                        sql.push_str(&format!(" AND a.category IN ({})", marks.join(", ")));
                        texts.extend(query.categories.iter().map(|c| c.as_str().to_owned()));
                    }
                    match query.open {
                        Some(true) => sql.push_str(&format!(" AND a.stage IN {}", open_stages())),
                        Some(false) => sql.push_str(&format!(" AND a.stage NOT IN {}", open_stages())),
                        None => {}
                    }
                    if let Some(from) = query.from {
                        sql.push_str(&format!(" AND a.created_at >= {}", next()));
                        instants.push(from);
                    }
                    if let Some(to) = query.to {
                        sql.push_str(&format!(" AND a.created_at <= {}", next()));
                        instants.push(to);
                    }
                }
                sql.push_str(&format!(" ORDER BY a.id DESC LIMIT {}", next()));
                let mut q = sqlx::query(&sql).bind(query.key_id);
                for text in texts {
                    q = q.bind(text);
                }
                for instant in instants {
                    q = q.bind(instant);
                }
                let rows = q.bind(query.limit).fetch_all(&self.pool).await?;
                rows.iter().map(appeal_from_row).collect()
            }

            async fn appeal_sums(
                &self,
                root: OrgId,
                from: NaiveDate,
                to: NaiveDate,
                today: NaiveDate,
            ) -> StoreResult<waystation_domain::appeals::dashboard::Sums> {
                let root = fetch_org(&self.pool, root, "org_id").await?;
                super::appeal_tally_sql::sums_of(&self.pool, &root.path, from, to, today).await
            }

            async fn appeal_facts(
                &self,
                root: OrgId,
                from: NaiveDate,
                to: NaiveDate,
            ) -> StoreResult<Vec<waystation_domain::appeals::dashboard::CaseFacts>> {
                let (low, high) = fetch_org(&self.pool, root, "org_id").await?.path.subtree_bounds();
                let sql = format!(
                    "{} JOIN organisations o ON o.id = a.org_id WHERE o.path >= $1 AND o.path < $2 AND a.submitted_on >= $3 AND a.submitted_on <= $4",
                    super::appeal_tally_sql::FACTS_SELECT
                );
                let rows = sqlx::query(&sql).bind(low).bind(high).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(super::appeal_tally_sql::facts_from_row).collect()
            }

            async fn load_scale_appeals(&self, cases: &[ScaleAppeal], calendar: &HolidayCalendar) -> StoreResult<usize> {
                use waystation_domain::appeals::dashboard::{CaseFacts, TallyChange};
                let mut tx = self.begin_write().await?;
                let mut orgs: std::collections::HashMap<OrgId, (Org, Option<DivisionCode>)> = std::collections::HashMap::new();
                let mut numbered = Vec::with_capacity(cases.len());
                for case in cases {
                    if !orgs.contains_key(&case.input.org_id) {
                        let org = fetch_org(&mut *tx, case.input.org_id, "org_id").await?;
                        let division = case_division(&mut tx, &org).await?;
                        orgs.insert(case.input.org_id, (org, division));
                    }
                    let division = orgs[&case.input.org_id].1.as_ref();
                    numbered.push(next_case_number(&mut tx, division, china_day(case.filed_at)).await?);
                }
                let today = china_day(Utc::now());
                let mut ids = Vec::with_capacity(cases.len());
                for (chunk, numbers) in cases.chunks(200).zip(numbered.chunks(200)) {
                    let mut insert = sqlx::QueryBuilder::<$DB>::new(
                        "INSERT INTO appeals (case_number, appeal_type, category, org_id, filed_by, contact_phone, hide_identity, \
                         text, fields, lat, lng, stage, level, outcome, extension_used, extended_by, submitted_on, accepted_on, \
                         last_note_on, review_asked_on, replied_on, closed_on, rating, due_kind, due_on, note_due_on, alert_on, \
                         created_at, updated_at, green_channel) ",
                    );
                    insert.push_values(chunk.iter().zip(numbers), |mut row, (case, number)| {
                        let (state, input) = (&case.state, &case.input);
                        let due = state.deadline(&case.limits, calendar);
                        let alert_on = state.alert_days(&case.limits, calendar).into_iter().min().map(|day| day.max(today));
                        let (lat, lng) = input.location.unzip();
                        let updated = case.events.last().map_or(case.filed_at, |e| e.at);
                        row.push_bind(number.as_str().to_owned())
                            .push_bind(input.appeal_type.as_str())
                            .push_bind(input.category.as_str().to_owned())
                            .push_bind(input.org_id)
                            .push_bind(input.filed_by)
                            .push_bind(input.contact_phone.as_str().to_owned())
                            .push_bind(input.hide_identity)
                            .push_bind(input.text.clone())
                            .push_bind(input.fields.to_string())
                            .push_bind(lat)
                            .push_bind(lng)
                            .push_bind(state.stage.as_str())
                            .push_bind(state.level.as_str())
                            .push_bind(state.outcome.map(|o| o.as_str()))
                            .push_bind(state.extended_by.is_some())
                            .push_bind(state.extended_by.map(i64::from))
                            .push_bind(state.submitted_on)
                            .push_bind(state.accepted_on)
                            .push_bind(state.last_note_on)
                            .push_bind(state.review_asked_on)
                            .push_bind(state.replied_on)
                            .push_bind(state.closed_on)
                            .push_bind(state.rating.map(i64::from))
                            .push_bind(due.map(|(kind, _)| kind.as_str()))
                            .push_bind(due.map(|(_, on)| on))
                            .push_bind(state.progress_note_due(&case.limits, calendar))
                            .push_bind(alert_on)
                            .push_bind(case.filed_at)
                            .push_bind(updated)
                            .push_bind(input.green_channel);
                    });
                    insert.push(" RETURNING id, case_number");
                    let rows = insert.build().fetch_all(&mut *tx).await?;
                    let mut by_number: std::collections::HashMap<String, i64> = std::collections::HashMap::with_capacity(rows.len());
                    for row in &rows {
                        by_number.insert(row.try_get("case_number")?, row.try_get("id")?);
                    }
                    let chunk_ids: Vec<i64> = numbers.iter().map(|n| by_number[n.as_str()]).collect();
                    let (low, high) = (chunk_ids.iter().min().copied().unwrap_or(0), chunk_ids.iter().max().copied().unwrap_or(0));
                    sqlx::query("UPDATE appeals SET queue_key = id + CASE WHEN green_channel THEN $3 ELSE 0 END WHERE id >= $1 AND id <= $2")
                        .bind(low)
                        .bind(high)
                        .bind(GREEN_QUEUE_BONUS)
                        .execute(&mut *tx)
                        .await?;
                    let mut timeline = sqlx::QueryBuilder::<$DB>::new(
                        "INSERT INTO appeal_events (appeal_id, at, actor_id, actor_kind, event, detail, from_stage, to_stage) ",
                    );
                    let mut lines: Vec<(i64, DateTime<Utc>, &'static str, &'static str, Option<&'static str>, &'static str, String)> = Vec::new();
                    for (case, id) in chunk.iter().zip(&chunk_ids) {
                        let detail = serde_json::json!({ "routed_by": case.input.routed_by.as_str(), "org_id": case.input.org_id, "scale_set": true });
                        lines.push((*id, case.filed_at, "worker", "file", None, Stage::Submitted.as_str(), detail.to_string()));
                        for e in &case.events {
                            lines.push((*id, e.at, e.actor_kind, e.event, Some(e.from.as_str()), e.to.as_str(), "{}".to_owned()));
                        }
                    }
                    for slice in lines.chunks(500) {
                        timeline.reset();
                        timeline.push_values(slice, |mut row, (id, at, kind, event, from, to, detail)| {
                            row.push_bind(*id)
                                .push_bind(*at)
                                .push_bind(None::<i64>)
                                .push_bind(*kind)
                                .push_bind(*event)
                                .push_bind(detail.clone())
                                .push_bind(*from)
                                .push_bind(*to);
                        });
                        timeline.build().execute(&mut *tx).await?;
                    }
                    ids.extend(chunk_ids);
                }
                let contributions: Vec<_> = cases
                    .iter()
                    .map(|case| {
                        CaseFacts {
                            org_id: case.input.org_id,
                            appeal_type: case.input.appeal_type.as_str().to_owned(),
                            category: case.input.category.as_str().to_owned(),
                            stage: case.state.stage,
                            green_channel: case.input.green_channel,
                            submitted_on: case.state.submitted_on,
                            accepted_on: case.state.accepted_on,
                            replied_on: case.state.replied_on,
                            closed_on: case.state.closed_on,
                            due_on: None,
                            escalated_on: None,
                            rating: case.state.rating,
                            location: case.input.location,
                        }
                        .contribution()
                    })
                    .collect();
                super::appeal_tally_sql::write_change_in_slices(&mut tx, TallyChange::of_cases(&contributions)).await?;
                let detail = serde_json::json!({ "cases": cases.len(), "first_id": ids.iter().min(), "last_id": ids.iter().max() });
                append_audit(&mut tx, audit(None, "appeal.scale_load", None, "appeals:scale_set".to_owned(), detail)).await?;
                tx.commit().await?;
                Ok(cases.len())
            }

            async fn rebuild_appeal_tallies(&self, only_if_stale: bool) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                if only_if_stale && super::appeal_tally_sql::tallies_agree(&mut tx).await? {
                    tx.commit().await?;
                    return Ok(false);
                }
                super::appeal_tally_sql::rebuild(&mut tx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn add_appeal_photo(
                &self,
                actor: Option<UserId>,
                appeal_id: i64,
                photo: &waystation_domain::appeals::photo::AppealPhoto,
                now: DateTime<Utc>,
            ) -> StoreResult<AppealPhotoRecord> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "appeals", appeal_id).await?;
                let appeal = fetch_appeal(&mut *tx, appeal_id).await?;
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appeal_photos WHERE appeal_id = $1")
                    .bind(appeal_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= waystation_domain::appeals::photo::PHOTOS_PER_APPEAL {
                    return Err(Invalid::field("photo", "too_many_photos").into());
                }
                if appeal.state.stage.is_final() {
                    return Err(Invalid::field("status", "illegal_transition").into());
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeal_photos (appeal_id, content_type, sha256, width, height, byte_size, kept_metadata, bytes, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(appeal_id)
                .bind(photo.format.content_type())
                .bind(&photo.sha256)
                .bind(i64::from(photo.width))
                .bind(i64::from(photo.height))
                .bind(photo.bytes.len() as i64)
                .bind(photo.kept_metadata)
                .bind(&photo.bytes)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({ "photo_id": id, "kept_metadata": photo.kept_metadata });
                insert_event(&mut tx, appeal_id, now, actor, "worker", "photo", &detail, Some(appeal.state.stage), appeal.state.stage).await?;
                append_audit(&mut tx, audit(actor, "appeal.photo", Some(appeal.org_id), format!("appeal:{appeal_id}"), detail)).await?;
                tx.commit().await?;
                Ok(AppealPhotoRecord {
                    id,
                    appeal_id,
                    content_type: photo.format.content_type().to_owned(),
                    sha256: photo.sha256.clone(),
                    width: photo.width,
                    height: photo.height,
                    byte_size: photo.bytes.len() as i64,
                    kept_metadata: photo.kept_metadata,
                    created_at: now,
                })
            }

            async fn appeal_photos(&self, appeal_id: i64) -> StoreResult<Vec<AppealPhotoRecord>> {
                let rows = sqlx::query(
                    "SELECT id, appeal_id, content_type, sha256, width, height, byte_size, kept_metadata, created_at \
                     FROM appeal_photos WHERE appeal_id = $1 ORDER BY id",
                )
                .bind(appeal_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(photo_record).collect()
            }

            async fn appeal_photo(&self, photo_id: i64) -> StoreResult<(AppealPhotoRecord, Vec<u8>)> {
                let row = sqlx::query(
                    "SELECT id, appeal_id, content_type, sha256, width, height, byte_size, kept_metadata, created_at, bytes \
                     FROM appeal_photos WHERE id = $1",
                )
                .bind(photo_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::not_found("photo_not_found"))?;
                Ok((photo_record(&row)?, row.try_get("bytes")?))
            }

            async fn create_reply_template(&self, actor: Option<UserId>, org: OrgId, title: &str, body: &str, now: DateTime<Utc>) -> StoreResult<ReplyTemplate> {
                let (title, body) = (title.trim(), body.trim());
                if title.is_empty() || title.chars().count() > 60 {
                    return Err(Invalid::field("title", if title.is_empty() { "required" } else { "text_too_long" }).into());
                }
                if body.is_empty() || body.chars().count() > waystation_domain::appeals::workflow::MAX_REPLY {
                    return Err(Invalid::field("body", if body.is_empty() { "required" } else { "text_too_long" }).into());
                }
                let mut tx = self.begin_write().await?;
                fetch_org(&mut *tx, org, "org_id").await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeal_templates (org_id, title, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(org)
                .bind(title)
                .bind(body)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                append_audit(&mut tx, audit(actor, "appeal.template_create", Some(org), format!("appeal_template:{id}"), serde_json::json!({ "title": title }))).await?;
                tx.commit().await?;
                Ok(ReplyTemplate { id, org_id: org, title: title.to_owned(), body: body.to_owned(), created_at: now })
            }

            async fn retire_reply_template(&self, actor: Option<UserId>, id: i64, now: DateTime<Utc>) -> StoreResult<ReplyTemplate> {
                let mut tx = self.begin_write().await?;
                let template = template_by_id(&mut *tx, id).await?;
                sqlx::query("UPDATE appeal_templates SET retired_at = $2 WHERE id = $1 AND retired_at IS NULL").bind(id).bind(now).execute(&mut *tx).await?;
                append_audit(&mut tx, audit(actor, "appeal.template_retire", Some(template.org_id), format!("appeal_template:{id}"), serde_json::json!({ "title": template.title }))).await?;
                tx.commit().await?;
                Ok(template)
            }

            async fn reply_template(&self, id: i64) -> StoreResult<ReplyTemplate> {
                template_by_id(&self.pool, id).await
            }

            async fn reply_templates_on(&self, path: &OrgPath) -> StoreResult<Vec<ReplyTemplate>> {
                let ids: Vec<String> = path.ids().map(|id| id.to_string()).collect();
                // The ids are integers from a stored path, never input.
                let sql = format!(
                    "SELECT t.id, t.org_id, t.title, t.body, t.created_at FROM appeal_templates t JOIN organisations o ON o.id = t.org_id \
                     WHERE t.retired_at IS NULL AND t.org_id IN ({}) ORDER BY LENGTH(o.path) DESC, t.title",
                    ids.join(", ")
                );
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                rows.iter().map(template_from_row).collect()
            }

            async fn put_appeal_category(&self, actor: Option<UserId>, def: &waystation_domain::appeals::CategoryDef, names: (&str, &str), now: DateTime<Utc>) -> StoreResult<()> {
                for (name, field) in [(names.0.trim(), "name_zh"), (names.1.trim(), "name_en")] {
                    if name.is_empty() || name.chars().count() > 30 {
                        return Err(Invalid::field(field, if name.is_empty() { "required" } else { "text_too_long" }).into());
                    }
                }
                let definition = serde_json::to_string(def).map_err(|e| StoreError::Corrupt(format!("encoding a category: {e}")))?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO appeal_categories (code, definition, name_zh, name_en, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (code) DO UPDATE SET definition = excluded.definition, name_zh = excluded.name_zh, name_en = excluded.name_en, \
                     updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(def.code.as_str())
                .bind(&definition)
                .bind(names.0.trim())
                .bind(names.1.trim())
                .bind(actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let detail: serde_json::Value = serde_json::from_str(&definition).unwrap_or_default();
                append_audit(&mut tx, audit(actor, "appeal.category_put", None, format!("appeal_category:{}", def.code.as_str()), detail)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn appeal_categories(&self) -> StoreResult<Vec<(waystation_domain::appeals::CategoryDef, String, String)>> {
                let rows: Vec<(String, String, String, String)> =
                    sqlx::query_as("SELECT code, definition, name_zh, name_en FROM appeal_categories ORDER BY code").fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(code, definition, zh, en)| {
                        let def = serde_json::from_str(&definition).map_err(|_| corrupt("appeal_categories.definition", &code))?;
                        Ok((def, zh, en))
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use impl_appeal_sql;
