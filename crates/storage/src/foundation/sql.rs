//! The foundation's SQL, written once for both backends and expanded by each
//! as its module `foundation_sql` (see `sql/mod.rs`). The tree lock differs per
//! backend and is passed in.
//!
//! What other capabilities' SQL may import from here: `fetch_org`,
//! `name_from`, `phone_from`.

macro_rules! impl_foundation_sql {
    ($Store:ty, $DB:ty, tree_lock = $tree_lock:expr $(,)?) => {
        use async_trait::async_trait;
        use chrono::{DateTime, TimeDelta, Utc};
        use sqlx::Row as _;
        use waystation_domain::foundation::access::Grant;
        use waystation_domain::foundation::audit::{AuditEntry, AuditRecord};
        use waystation_domain::foundation::organisations::{
            check_move, check_placement, DivisionCode, OrgId, OrgName, OrgPath, Placement,
        };
        use waystation_domain::kit::pagination::{Page, PageRequest};
        use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};
        use waystation_domain::foundation::sign_in::{check_code, CodeCheck, IssuedCode, CODE_TTL};
        use waystation_domain::Invalid;

        use super::prelude::{WriteTx, 
            append_audit, audit, corrupt, fetch_by_id, fetch_page, is_unique_violation, lock_row, DbRow, FOR_UPDATE,
        };
        use crate::error::{StoreError, StoreResult};
        use crate::foundation::{
            Authenticated, FoundationStore, GrantRecord, IdempotencyStart, NewNotification, NewOrg, NewSession, NewUser,
            Notification, Org, SessionRecord, SmsMessage, StoredResponse, User,
        };
        use crate::sql::Keyset;

        /// Writes notifications inside the caller's transaction (a capability's
        /// event and the news of it commit together).
        pub(super) async fn insert_notifications(
            tx: &mut WriteTx,
            notifications: &[NewNotification],
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            for n in notifications {
                sqlx::query(
                    "INSERT INTO notifications (user_id, kind, subject, link, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(n.user_id)
                .bind(&n.kind)
                .bind(&n.subject)
                .bind(&n.link)
                .bind(n.detail.to_string())
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        /// Queues a text message inside the caller's transaction.
        pub(super) async fn queue_sms(
            tx: &mut WriteTx,
            phone: &PhoneNumber,
            kind: &str,
            detail: &serde_json::Value,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query("INSERT INTO sms_outbox (phone, kind, detail, created_at) VALUES ($1, $2, $3, $4)")
                .bind(phone.as_str())
                .bind(kind)
                .bind(detail.to_string())
                .bind(now)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// The people holding one of `roles` on the organisation `org` now.
        pub(super) async fn holders_of<'e, E>(exec: E, org: OrgId, roles: &[Role]) -> StoreResult<Vec<UserId>>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            let list = names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ");
            // The role names are the domain's constants, never input.
            let sql = format!(
                "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE g.org_id = $1 AND g.revoked_at IS NULL AND u.active AND g.role IN ({list}) ORDER BY g.user_id"
            );
            Ok(sqlx::query_scalar(&sql).bind(org).fetch_all(exec).await?)
        }

        fn notification_from_row(row: &DbRow) -> StoreResult<Notification> {
            let detail: String = row.try_get("detail")?;
            Ok(Notification {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                kind: row.try_get("kind")?,
                subject: row.try_get("subject")?,
                link: row.try_get("link")?,
                detail: serde_json::from_str(&detail).map_err(|_| corrupt("notifications.detail", "(json)"))?,
                created_at: row.try_get("created_at")?,
                read_at: row.try_get("read_at")?,
            })
        }

        /// Serialises changes to the shape of the organisation tree.
        async fn lock_tree(tx: &mut WriteTx) -> StoreResult<()> {
            sqlx::query($tree_lock).execute(&mut **tx).await?;
            Ok(())
        }

        const ORG_SELECT: &str = "SELECT id, parent_id, path, kind, name, division_code, active, created_at, updated_at FROM organisations";
        const USER_SELECT: &str = "SELECT id, phone, name, (password_hash IS NOT NULL) AS has_password, active, created_at FROM users";
        const GRANT_SELECT: &str = "SELECT g.id, g.user_id, u.name AS user_name, u.phone AS user_phone, g.role, g.org_id, \
            o.name AS org_name, o.path AS org_path, g.granted_at, g.revoked_at \
            FROM role_grants g JOIN users u ON u.id = g.user_id JOIN organisations o ON o.id = g.org_id";
        const SESSION_SELECT: &str = "SELECT id, user_id, method, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions";
        const AUDIT_SELECT: &str = "SELECT seq, at, actor_id, action, org_id, subject, detail, prev_hash, hash FROM audit_log";

        fn org_from_row(row: &DbRow) -> StoreResult<Org> {
            let path: String = row.try_get("path")?;
            let kind: String = row.try_get("kind")?;
            let code: Option<String> = row.try_get("division_code")?;
            Ok(Org {
                id: row.try_get("id")?,
                parent_id: row.try_get("parent_id")?,
                path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                kind: kind.parse().map_err(|_| corrupt("organisations.kind", &kind))?,
                name: row.try_get("name")?,
                division_code: match code {
                    Some(code) => Some(DivisionCode::parse(&code).map_err(|_| corrupt("organisations.division_code", &code))?),
                    None => None,
                },
                active: row.try_get("active")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        pub(super) fn phone_from(value: &str) -> StoreResult<PhoneNumber> {
            PhoneNumber::parse(value).map_err(|_| corrupt("phone", "(hidden)"))
        }

        pub(super) fn name_from(value: &str) -> StoreResult<Option<PersonName>> {
            if value.is_empty() {
                Ok(None)
            } else {
                PersonName::parse(value).map(Some).map_err(|_| corrupt("users.name", value))
            }
        }

        fn user_from_row(row: &DbRow) -> StoreResult<User> {
            let phone: String = row.try_get("phone")?;
            let name: String = row.try_get("name")?;
            Ok(User {
                id: row.try_get("id")?,
                phone: phone_from(&phone)?,
                name: name_from(&name)?,
                has_password: row.try_get("has_password")?,
                active: row.try_get("active")?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn grant_from_row(row: &DbRow) -> StoreResult<GrantRecord> {
            let phone: String = row.try_get("user_phone")?;
            let name: String = row.try_get("user_name")?;
            let role: String = row.try_get("role")?;
            let path: String = row.try_get("org_path")?;
            Ok(GrantRecord {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                user_name: name_from(&name)?,
                user_phone: phone_from(&phone)?,
                role: role.parse::<Role>().map_err(|_| corrupt("role_grants.role", &role))?,
                org_id: row.try_get("org_id")?,
                org_name: row.try_get("org_name")?,
                org_path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                granted_at: row.try_get("granted_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        }

        fn session_from_row(row: &DbRow) -> StoreResult<SessionRecord> {
            Ok(SessionRecord {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                method: row.try_get("method")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                expires_at: row.try_get("expires_at")?,
                ip: row.try_get("ip")?,
                user_agent: row.try_get("user_agent")?,
            })
        }

        fn audit_from_row(row: &DbRow) -> StoreResult<AuditRecord> {
            Ok(AuditRecord {
                seq: row.try_get("seq")?,
                entry: AuditEntry {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor_id")?,
                    action: row.try_get("action")?,
                    org_id: row.try_get("org_id")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                },
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        }

        pub(super) async fn fetch_org<'e, E>(exec: E, id: OrgId, field: &'static str) -> StoreResult<Org>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{ORG_SELECT} WHERE id = $1");
            fetch_by_id(exec, &sql, id, org_from_row, StoreError::NotFound { code: "org_not_found", field: Some(field) }).await
        }

        async fn fetch_user<'e, E>(exec: E, id: UserId) -> StoreResult<User>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{USER_SELECT} WHERE id = $1");
            fetch_by_id(exec, &sql, id, user_from_row, StoreError::NotFound { code: "user_not_found", field: Some("user_id") }).await
        }

        async fn fetch_grant<'e, E>(exec: E, id: i64) -> StoreResult<GrantRecord>
        where
            E: sqlx::Executor<'e, Database = $DB>,
        {
            let sql = format!("{GRANT_SELECT} WHERE g.id = $1");
            fetch_by_id(exec, &sql, id, grant_from_row, StoreError::not_found("grant_not_found")).await
        }

        fn placement(org: &Org) -> Placement<'_> {
            Placement { kind: org.kind, division_code: org.division_code.as_ref(), active: org.active }
        }

        #[async_trait]
        impl FoundationStore for $Store {
            async fn sweep_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let mut removed = 0;
                removed += sqlx::query("DELETE FROM sign_in_codes WHERE expires_at < $1")
                    .bind(now - TimeDelta::hours(1))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                removed += sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
                    .bind(now - TimeDelta::days(1))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                removed += sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                    .bind(now - TimeDelta::days(1))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(removed)
            }

            async fn create_org(&self, actor: Option<UserId>, new: NewOrg) -> StoreResult<Org> {
                let mut tx = self.begin_write().await?;
                lock_tree(&mut tx).await?;
                let parent = match new.parent_id {
                    Some(parent_id) => Some(fetch_org(&mut *tx, parent_id, "parent_id").await?),
                    None => None,
                };
                if parent.is_none() {
                    let roots: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE parent_id IS NULL")
                        .fetch_one(&mut *tx)
                        .await?;
                    if roots > 0 {
                        return Err(StoreError::conflict("root_exists", "parent_id"));
                    }
                }
                let child = Placement { kind: new.kind, division_code: new.division_code.as_ref(), active: true };
                check_placement(parent.as_ref().map(placement).as_ref(), &child)?;
                let now = Utc::now();
                let inserted = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO organisations (parent_id, path, kind, name, division_code, active, created_at, updated_at) \
                     VALUES ($1, '', $2, $3, $4, TRUE, $5, $5) RETURNING id",
                )
                .bind(new.parent_id)
                .bind(new.kind.as_str())
                .bind(new.name.as_str())
                .bind(new.division_code.as_ref().map(|c| c.as_str()))
                .bind(now)
                .fetch_one(&mut *tx)
                .await;
                let id = match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::conflict("division_code_taken", "division_code"))
                    }
                    other => other?,
                };
                let path = match &parent {
                    Some(parent) => parent.path.child(id),
                    None => OrgPath::root(id),
                };
                sqlx::query("UPDATE organisations SET path = $1 WHERE id = $2")
                    .bind(path.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({
                    "name": new.name.as_str(),
                    "kind": new.kind.as_str(),
                    "parent_id": new.parent_id,
                    "division_code": new.division_code.as_ref().map(|c| c.as_str()),
                });
                append_audit(&mut tx, audit(actor, "org.create", Some(id), format!("org:{id}"), detail)).await?;
                let org = fetch_org(&mut *tx, id, "id").await?;
                tx.commit().await?;
                Ok(org)
            }

            async fn get_org(&self, id: OrgId) -> StoreResult<Org> {
                fetch_org(&self.pool, id, "id").await
            }

            async fn list_subtree(&self, root: OrgId, include_inactive: bool, page: PageRequest) -> StoreResult<Page<Org>> {
                let root = fetch_org(&self.pool, root, "root").await?;
                let (low, high) = root.path.subtree_bounds();
                let sql = format!("{ORG_SELECT} WHERE path >= $3 AND path < $4 AND ($5 OR active)");
                fetch_page(&self.pool, Keyset::Ascending("id"), page, &sql, org_from_row, move |q| {
                    q.bind(low).bind(high).bind(include_inactive)
                })
                .await
            }

            async fn list_roots(&self) -> StoreResult<Vec<Org>> {
                let sql = format!("{ORG_SELECT} WHERE parent_id IS NULL ORDER BY id");
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                rows.iter().map(org_from_row).collect()
            }

            async fn rename_org(&self, actor: Option<UserId>, id: OrgId, name: OrgName) -> StoreResult<Org> {
                let mut tx = self.begin_write().await?;
                let before = fetch_org(&mut *tx, id, "id").await?;
                if before.name == name.as_str() {
                    return Ok(before);
                }
                sqlx::query("UPDATE organisations SET name = $1, updated_at = $2 WHERE id = $3")
                    .bind(name.as_str())
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"from": before.name, "to": name.as_str()});
                append_audit(&mut tx, audit(actor, "org.rename", Some(id), format!("org:{id}"), detail)).await?;
                let org = fetch_org(&mut *tx, id, "id").await?;
                tx.commit().await?;
                Ok(org)
            }

            async fn move_org(&self, actor: Option<UserId>, id: OrgId, new_parent: OrgId) -> StoreResult<Org> {
                let mut tx = self.begin_write().await?;
                lock_tree(&mut tx).await?;
                let org = fetch_org(&mut *tx, id, "id").await?;
                let parent = fetch_org(&mut *tx, new_parent, "parent_id").await?;
                check_move(&org.path, &parent.path)?;
                check_placement(Some(&placement(&parent)), &placement(&org))?;
                let new_path = parent.path.child(org.id);
                let (low, high) = org.path.subtree_bounds();
                let keep_from = i32::try_from(org.path.as_str().len() + 1).expect("paths are short");
                let now = Utc::now();
                sqlx::query(
                    "UPDATE organisations SET path = $1 || substr(path, $2), updated_at = $3 WHERE path >= $4 AND path < $5",
                )
                .bind(new_path.as_str())
                .bind(keep_from)
                .bind(now)
                .bind(low)
                .bind(high)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE organisations SET parent_id = $1 WHERE id = $2")
                    .bind(new_parent)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"from_parent": org.parent_id, "to_parent": new_parent});
                append_audit(&mut tx, audit(actor, "org.move", Some(id), format!("org:{id}"), detail)).await?;
                let moved = fetch_org(&mut *tx, id, "id").await?;
                tx.commit().await?;
                Ok(moved)
            }

            async fn set_org_active(&self, actor: Option<UserId>, id: OrgId, active: bool) -> StoreResult<Org> {
                let mut tx = self.begin_write().await?;
                lock_tree(&mut tx).await?;
                let org = fetch_org(&mut *tx, id, "id").await?;
                if org.active == active {
                    return Ok(org);
                }
                if active {
                    if let Some(parent_id) = org.parent_id {
                        if !fetch_org(&mut *tx, parent_id, "parent_id").await?.active {
                            return Err(Invalid::field("parent_id", "parent_inactive").into());
                        }
                    }
                } else {
                    if org.parent_id.is_none() {
                        return Err(StoreError::Conflict { code: "root_cannot_be_deactivated", field: None });
                    }
                    let live_children: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE parent_id = $1 AND active")
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if live_children > 0 {
                        return Err(StoreError::Conflict { code: "org_has_active_children", field: None });
                    }
                }
                let updated = sqlx::query("UPDATE organisations SET active = $1, updated_at = $2 WHERE id = $3")
                    .bind(active)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await;
                match updated {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::conflict("division_code_taken", "division_code"))
                    }
                    other => other?,
                };
                let action = if active { "org.reactivate" } else { "org.deactivate" };
                append_audit(&mut tx, audit(actor, action, Some(id), format!("org:{id}"), serde_json::json!({}))).await?;
                let org = fetch_org(&mut *tx, id, "id").await?;
                tx.commit().await?;
                Ok(org)
            }

            async fn org_by_division_code(&self, code: &DivisionCode) -> StoreResult<Option<Org>> {
                let sql = format!("{ORG_SELECT} WHERE division_code = $1 AND active");
                let row = sqlx::query(&sql).bind(code.as_str()).fetch_optional(&self.pool).await?;
                row.as_ref().map(org_from_row).transpose()
            }

            async fn create_user(&self, actor: Option<UserId>, new: NewUser) -> StoreResult<User> {
                let mut tx = self.begin_write().await?;
                let now = Utc::now();
                let inserted = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO users (phone, name, password_hash, active, created_at, updated_at) \
                     VALUES ($1, $2, $3, TRUE, $4, $4) RETURNING id",
                )
                .bind(new.phone.as_str())
                .bind(new.name.as_ref().map(|n| n.as_str()).unwrap_or(""))
                .bind(new.password_hash.as_deref())
                .bind(now)
                .fetch_one(&mut *tx)
                .await;
                let id = match inserted {
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::conflict("phone_taken", "phone")),
                    other => other?,
                };
                let detail = serde_json::json!({
                    "phone": new.phone.masked(),
                    "name": new.name.as_ref().map(|n| n.as_str()),
                    "password": new.password_hash.is_some(),
                });
                append_audit(&mut tx, audit(actor, "user.create", None, format!("user:{id}"), detail)).await?;
                let user = fetch_user(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn user_for_phone_sign_in(&self, phone: &PhoneNumber) -> StoreResult<(User, bool)> {
                if let Some(user) = self.user_by_phone(phone).await? {
                    return Ok((user, false));
                }
                let mut tx = self.begin_write().await?;
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO users (phone, name, active, created_at, updated_at) VALUES ($1, '', TRUE, $2, $2) \
                     ON CONFLICT (phone) DO NOTHING RETURNING id",
                )
                .bind(phone.as_str())
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = inserted else {
                    // Another request registered the same phone a moment ago.
                    tx.commit().await?;
                    let user = self.user_by_phone(phone).await?.ok_or(StoreError::not_found("user_not_found"))?;
                    return Ok((user, false));
                };
                let detail = serde_json::json!({"phone": phone.masked()});
                append_audit(&mut tx, audit(Some(id), "user.register", None, format!("user:{id}"), detail)).await?;
                let user = fetch_user(&mut *tx, id).await?;
                tx.commit().await?;
                Ok((user, true))
            }

            async fn get_user(&self, id: UserId) -> StoreResult<User> {
                fetch_user(&self.pool, id).await
            }

            async fn user_by_phone(&self, phone: &PhoneNumber) -> StoreResult<Option<User>> {
                let sql = format!("{USER_SELECT} WHERE phone = $1");
                let row = sqlx::query(&sql).bind(phone.as_str()).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn password_hash(&self, id: UserId) -> StoreResult<Option<String>> {
                let hash: Option<Option<String>> =
                    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(hash.flatten())
            }

            async fn set_password_hash(&self, actor: Option<UserId>, id: UserId, hash: &str) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                fetch_user(&mut *tx, id).await?;
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(hash)
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                append_audit(&mut tx, audit(actor, "user.set_password", None, format!("user:{id}"), serde_json::json!({})))
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rename_user(&self, actor: Option<UserId>, id: UserId, name: PersonName) -> StoreResult<User> {
                let mut tx = self.begin_write().await?;
                let before = fetch_user(&mut *tx, id).await?;
                if before.name.as_ref() == Some(&name) {
                    return Ok(before);
                }
                sqlx::query("UPDATE users SET name = $1, updated_at = $2 WHERE id = $3")
                    .bind(name.as_str())
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"from": before.name.as_ref().map(|n| n.as_str()), "to": name.as_str()});
                append_audit(&mut tx, audit(actor, "user.rename", None, format!("user:{id}"), detail)).await?;
                let user = fetch_user(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn grant_role(&self, actor: Option<UserId>, user: UserId, org: OrgId, role: Role) -> StoreResult<GrantRecord> {
                let mut tx = self.begin_write().await?;
                fetch_user(&mut *tx, user).await?;
                let target = fetch_org(&mut *tx, org, "org_id").await?;
                if !target.active {
                    return Err(Invalid::field("org_id", "org_inactive").into());
                }
                let inserted = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO role_grants (user_id, org_id, role, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(user)
                .bind(org)
                .bind(role.as_str())
                .bind(actor)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await;
                let id = match inserted {
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::conflict("role_already_granted", "role")),
                    other => other?,
                };
                let detail = serde_json::json!({"grant_id": id, "role": role.as_str()});
                append_audit(&mut tx, audit(actor, "role.grant", Some(org), format!("user:{user}"), detail)).await?;
                let grant = fetch_grant(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(grant)
            }

            async fn revoke_grant(&self, actor: Option<UserId>, grant_id: i64) -> StoreResult<GrantRecord> {
                let mut tx = self.begin_write().await?;
                lock_row(&mut tx, "role_grants", grant_id).await?;
                let grant = fetch_grant(&mut *tx, grant_id).await?;
                if grant.revoked_at.is_some() {
                    return Err(StoreError::Conflict { code: "grant_already_revoked", field: None });
                }
                sqlx::query("UPDATE role_grants SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
                    .bind(Utc::now())
                    .bind(actor)
                    .bind(grant_id)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"grant_id": grant_id, "role": grant.role.as_str()});
                append_audit(&mut tx, audit(actor, "role.revoke", Some(grant.org_id), format!("user:{}", grant.user_id), detail))
                    .await?;
                let grant = fetch_grant(&mut *tx, grant_id).await?;
                tx.commit().await?;
                Ok(grant)
            }

            async fn get_grant(&self, grant_id: i64) -> StoreResult<GrantRecord> {
                fetch_grant(&self.pool, grant_id).await
            }

            async fn grants_of_user(&self, user: UserId) -> StoreResult<Vec<GrantRecord>> {
                let sql = format!("{GRANT_SELECT} WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.id");
                let rows = sqlx::query(&sql).bind(user).fetch_all(&self.pool).await?;
                rows.iter().map(grant_from_row).collect()
            }

            async fn grants_in_subtree(&self, root: OrgId, page: PageRequest) -> StoreResult<Page<GrantRecord>> {
                let root = fetch_org(&self.pool, root, "org_id").await?;
                let (low, high) = root.path.subtree_bounds();
                let sql = format!("{GRANT_SELECT} WHERE o.path >= $3 AND o.path < $4 AND g.revoked_at IS NULL");
                fetch_page(&self.pool, Keyset::Ascending("g.id"), page, &sql, grant_from_row, move |q| {
                    q.bind(low).bind(high)
                })
                .await
            }

            async fn issue_code(&self, phone: &PhoneNumber, code_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO sign_in_codes (phone, code_hash, created_at, expires_at, attempts, consumed) \
                     VALUES ($1, $2, $3, $4, 0, FALSE) \
                     ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at, \
                     expires_at = excluded.expires_at, attempts = 0, consumed = FALSE",
                )
                .bind(phone.as_str())
                .bind(code_hash)
                .bind(now)
                .bind(now + CODE_TTL)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn try_code(&self, phone: &PhoneNumber, candidate_hash: &str, now: DateTime<Utc>) -> StoreResult<CodeCheck> {
                let mut tx = self.begin_write().await?;
                let sql = format!("SELECT code_hash, expires_at, attempts, consumed FROM sign_in_codes WHERE phone = $1{FOR_UPDATE}");
                let row = sqlx::query(&sql)
                    .bind(phone.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let issued = match row {
                    Some(row) => Some(IssuedCode {
                        code_hash: row.try_get("code_hash")?,
                        expires_at: row.try_get("expires_at")?,
                        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                        consumed: row.try_get("consumed")?,
                    }),
                    None => None,
                };
                let verdict = check_code(issued.as_ref(), candidate_hash, now);
                if verdict.counts_as_attempt() {
                    sqlx::query("UPDATE sign_in_codes SET attempts = attempts + 1, consumed = $1 WHERE phone = $2")
                        .bind(verdict == CodeCheck::Accepted)
                        .bind(phone.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(verdict)
            }

            async fn create_session(&self, new: NewSession) -> StoreResult<SessionRecord> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sessions (token_hash, user_id, method, created_at, last_seen_at, expires_at, ip, user_agent) \
                     VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&new.token_hash)
                .bind(new.user_id)
                .bind(new.method.as_str())
                .bind(new.created_at)
                .bind(new.expires_at)
                .bind(new.ip.as_deref())
                .bind(new.user_agent.as_deref())
                .fetch_one(&mut *tx)
                .await?;
                let detail = serde_json::json!({"session_id": id, "method": new.method.as_str(), "ip": new.ip});
                append_audit(&mut tx, audit(Some(new.user_id), "auth.sign_in", None, format!("user:{}", new.user_id), detail))
                    .await?;
                let sql = format!("{SESSION_SELECT} WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_one(&mut *tx).await?;
                let session = session_from_row(&row)?;
                tx.commit().await?;
                Ok(session)
            }

            async fn authenticate(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Authenticated>> {
                let sql = format!("{SESSION_SELECT} WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2");
                let Some(row) = sqlx::query(&sql).bind(token_hash).bind(now).fetch_optional(&self.pool).await? else {
                    return Ok(None);
                };
                let session = session_from_row(&row)?;
                let user = fetch_user(&self.pool, session.user_id).await?;
                if !user.active {
                    return Ok(None);
                }
                let rows = sqlx::query(
                    "SELECT g.role, g.org_id, o.path FROM role_grants g JOIN organisations o ON o.id = g.org_id \
                     WHERE g.user_id = $1 AND g.revoked_at IS NULL AND o.active ORDER BY g.id",
                )
                .bind(user.id)
                .fetch_all(&self.pool)
                .await?;
                let mut grants = Vec::with_capacity(rows.len());
                for row in rows {
                    let role: String = row.try_get("role")?;
                    let path: String = row.try_get("path")?;
                    grants.push(Grant {
                        role: role.parse().map_err(|_| corrupt("role_grants.role", &role))?,
                        org_id: row.try_get("org_id")?,
                        org_path: OrgPath::from_stored(&path).ok_or_else(|| corrupt("organisations.path", &path))?,
                    });
                }
                Ok(Some(Authenticated { session, user, grants }))
            }

            async fn touch_session(&self, session_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_sessions(&self, user: UserId, now: DateTime<Utc>) -> StoreResult<Vec<SessionRecord>> {
                let sql = format!(
                    "{SESSION_SELECT} WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC, id DESC"
                );
                let rows = sqlx::query(&sql).bind(user).bind(now).fetch_all(&self.pool).await?;
                rows.iter().map(session_from_row).collect()
            }

            async fn revoke_session(&self, user: UserId, session_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let revoked = sqlx::query(
                    "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(session_id)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if revoked == 0 {
                    return Err(StoreError::not_found("session_not_found"));
                }
                let detail = serde_json::json!({"session_id": session_id});
                append_audit(&mut tx, audit(Some(user), "auth.sign_out", None, format!("user:{user}"), detail)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn hit_rate_counter(&self, key: &str, window_start: DateTime<Utc>) -> StoreResult<u32> {
                let mut tx = self.begin_write().await?;
                let count: i64 = sqlx::query_scalar(
                    "INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1) \
                     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1 RETURNING count",
                )
                .bind(key)
                .bind(window_start)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(u32::try_from(count).unwrap_or(u32::MAX))
            }

            async fn idempotency_start(&self, scope: &str, key: &str, fingerprint: &str, now: DateTime<Utc>) -> StoreResult<IdempotencyStart> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(
                    "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (scope, key) DO NOTHING",
                )
                .bind(scope)
                .bind(key)
                .bind(fingerprint)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 1 {
                    tx.commit().await?;
                    return Ok(IdempotencyStart::Proceed);
                }
                let row = sqlx::query(
                    "SELECT fingerprint, status, content_type, location, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
                )
                .bind(scope)
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                let stored_fingerprint: String = row.try_get("fingerprint")?;
                if stored_fingerprint != fingerprint {
                    return Ok(IdempotencyStart::Mismatch);
                }
                let status: Option<i64> = row.try_get("status")?;
                Ok(match status {
                    None => IdempotencyStart::InFlight,
                    Some(status) => IdempotencyStart::Replay(StoredResponse {
                        status: u16::try_from(status).unwrap_or(500),
                        content_type: row.try_get::<Option<String>, _>("content_type")?.unwrap_or_default(),
                        location: row.try_get("location")?,
                        body: row.try_get::<Option<Vec<u8>>, _>("body")?.unwrap_or_default(),
                    }),
                })
            }

            async fn idempotency_finish(&self, scope: &str, key: &str, response: &StoredResponse) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE idempotency_keys SET status = $1, content_type = $2, location = $3, body = $4 WHERE scope = $5 AND key = $6")
                    .bind(i64::from(response.status))
                    .bind(&response.content_type)
                    .bind(response.location.as_deref())
                    .bind(&response.body)
                    .bind(scope)
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn idempotency_abandon(&self, scope: &str, key: &str) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL")
                    .bind(scope)
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn holiday_years(&self) -> StoreResult<Vec<waystation_domain::kit::calendar::YearArrangement>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT arrangement FROM holiday_years ORDER BY year").fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|(json,)| serde_json::from_str(json).map_err(|_| corrupt("holiday_years.arrangement", "(json)")))
                    .collect()
            }

            async fn put_holiday_year(&self, actor: Option<UserId>, year: &waystation_domain::kit::calendar::YearArrangement) -> StoreResult<()> {
                let json = serde_json::to_string(year).map_err(|e| StoreError::Corrupt(format!("encoding a holiday year: {e}")))?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO holiday_years (year, arrangement, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(year.year)
                .bind(&json)
                .bind(actor)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({"year": year.year, "holidays": year.holidays.len(), "work": year.work.len()});
                append_audit(&mut tx, audit(actor, "calendar.put_year", None, format!("holiday_year:{}", year.year), detail)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_audit(&self, entry: AuditEntry) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                append_audit(&mut tx, entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
                let sql = format!("{AUDIT_SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2");
                let rows = sqlx::query(&sql).bind(after_seq).bind(limit).fetch_all(&self.pool).await?;
                rows.iter().map(audit_from_row).collect()
            }

            async fn audit_head(&self) -> StoreResult<(i64, String)> {
                Ok(sqlx::query_as("SELECT seq, hash FROM audit_head WHERE singleton = 1").fetch_one(&self.pool).await?)
            }

            async fn audit_in_subtree(&self, root: OrgId, page: PageRequest) -> StoreResult<Page<AuditRecord>> {
                let root = fetch_org(&self.pool, root, "org_id").await?;
                let (low, high) = root.path.subtree_bounds();
                let sql = "SELECT a.seq, a.at, a.actor_id, a.action, a.org_id, a.subject, a.detail, a.prev_hash, a.hash \
                     FROM audit_log a JOIN organisations o ON o.id = a.org_id WHERE o.path >= $3 AND o.path < $4";
                fetch_page(&self.pool, Keyset::Descending("a.seq"), page, sql, audit_from_row, move |q| {
                    q.bind(low).bind(high)
                })
                .await
            }

            async fn notifications_of(&self, user: UserId, page: PageRequest) -> StoreResult<Page<Notification>> {
                let sql = "SELECT id, user_id, kind, subject, link, detail, created_at, read_at FROM notifications WHERE user_id = $3";
                fetch_page(&self.pool, Keyset::Descending("id"), page, sql, notification_from_row, move |q| q.bind(user)).await
            }

            async fn unread_notifications(&self, user: UserId) -> StoreResult<u64> {
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn mark_notifications_read(&self, user: UserId, up_to: Option<i64>, now: DateTime<Utc>) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND ($2 IS NULL OR id <= $2)",
                )
                .bind(user)
                .bind(up_to)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn claim_sms(&self, limit: i64, now: DateTime<Utc>) -> StoreResult<Vec<SmsMessage>> {
                let mut tx = self.begin_write().await?;
                let sql = format!("SELECT id, phone, kind, detail, created_at FROM sms_outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1{FOR_UPDATE}");
                let rows = sqlx::query(&sql).bind(limit).fetch_all(&mut *tx).await?;
                let mut claimed = Vec::with_capacity(rows.len());
                for row in &rows {
                    let detail: String = row.try_get("detail")?;
                    let id: i64 = row.try_get("id")?;
                    sqlx::query("UPDATE sms_outbox SET sent_at = $2 WHERE id = $1").bind(id).bind(now).execute(&mut *tx).await?;
                    claimed.push(SmsMessage {
                        id,
                        phone: row.try_get("phone")?,
                        kind: row.try_get("kind")?,
                        detail: serde_json::from_str(&detail).map_err(|_| corrupt("sms_outbox.detail", "(json)"))?,
                        created_at: row.try_get("created_at")?,
                    });
                }
                tx.commit().await?;
                Ok(claimed)
            }
        }
    };
}

pub(crate) use impl_foundation_sql;
